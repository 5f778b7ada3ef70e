"""Who may enter which workspace: active memberships only, DAG members in the RCP, ended memberships none."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError
from django.utils import timezone

from community import permissions
from community.models import MemberRole, Membership
from tests.community.community_factories import RCPFactory, community_member, dag
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def fresh(user):
    """The same user as a new request would load it (no per-request cache)."""
    return type(user).objects.get(pk=user.pk)


def test_dag_member_enters_own_dag_and_the_rcp_but_not_another_dag():
    rcp, mk, rs = RCPFactory(), dag("MK"), dag("RS")
    user = community_member(mk)
    assert permissions.community_ids(user) == {mk.pk, rcp.pk}
    assert permissions.can_view_workspace(user, rcp)
    assert not permissions.can_view_workspace(user, rs)
    assert permissions.role_in(user, rcp) == MemberRole.MEMBER


def test_anonymous_and_outsiders_enter_nothing():
    rcp, mk = RCPFactory(), dag("MK")
    assert permissions.community_ids(AnonymousUser()) == set()
    outsider = UserFactory(is_staff=True)
    assert not permissions.can_view_workspace(outsider, mk)
    assert not permissions.can_view_workspace(outsider, rcp)


def test_removed_member_loses_access_on_the_next_request():
    mk = dag("MK")
    user = community_member(mk)
    assert permissions.is_member(fresh(user), mk)
    Membership.objects.filter(user=user).update(ended_on=timezone.now().date(), end_reason="removed")
    assert not permissions.is_member(fresh(user), mk)


def test_membership_ending_tomorrow_still_counts_today():
    mk = dag("MK")
    user = community_member(mk, ended_on=timezone.now().date() + timedelta(days=1))
    assert permissions.is_member(user, mk)


def test_rcp_coordinator_role_wins_over_derived_membership():
    rcp, mk = RCPFactory(), dag("MK")
    user = community_member(mk)
    community_member(rcp, role=MemberRole.COORDINATOR, user=user)
    user = fresh(user)
    assert permissions.is_coordinator(user, rcp)
    assert permissions.is_rcp_coordinator(user)
    assert not permissions.is_coordinator(user, mk)


def test_observer_may_take_part_but_not_share_documents():
    mk = dag("MK")
    observer = community_member(mk, role=MemberRole.OBSERVER)
    assert permissions.can_take_part(observer, mk)
    assert not permissions.can_share_documents(observer, mk)


def test_one_open_membership_per_person_and_community():
    mk = dag("MK")
    user = community_member(mk)
    with pytest.raises(IntegrityError):
        community_member(mk, user=user)


def test_role_is_read_once_per_request_and_community(django_assert_num_queries):
    mk = dag("MK")
    user = fresh(community_member(mk, role=MemberRole.COORDINATOR))
    permissions.community_ids(user)
    with django_assert_num_queries(1):
        assert permissions.role_in(user, mk) == MemberRole.COORDINATOR
        assert permissions.is_coordinator(user, mk)
        assert permissions.can_coordinate(user, mk)
    assert permissions.role_in(fresh(user), mk) == MemberRole.COORDINATOR
