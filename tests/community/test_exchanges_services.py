"""Bilateral exchange services: who may arrange and edit one, participants from both DAGs, sanitised rich text."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community import permissions
from community.models import BilateralExchange, ExchangeParticipant, MemberRole, Membership
from community.services import exchanges as services
from tests.community.community_factories import RCPFactory, community_member, dag
from tests.community.consultation_factories import ExchangeFactory, ParticipantFactory
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

DATA = {
    "title": "Study visit on asset declarations",
    "city": "Skopje",
    "starts_on": date(2026, 3, 12),
    "ends_on": date(2026, 3, 13),
    "purpose": "Learn how the host monitors declarations.",
    "agenda": '<p onclick="steal()">Day 1</p><script>alert(1)</script><a href="javascript:alert(2)">x</a>',
}


def refused(code, func, *args, **kwargs):
    with pytest.raises(ValidationError) as exc:
        func(*args, **kwargs)
    assert exc.value.code == code, exc.value


@pytest.fixture
def dags():
    return dag("MK"), dag("RS"), dag("BA")


@pytest.mark.parametrize("who", ["host_coordinator", "visiting_coordinator", "rcp_coordinator"])
def test_coordinators_arrange_an_exchange_with_a_clean_agenda(dags, who):
    mk, rs, _ba = dags
    user = {
        "host_coordinator": lambda: community_member(mk, role=MemberRole.COORDINATOR),
        "visiting_coordinator": lambda: community_member(rs, role=MemberRole.COORDINATOR),
        "rcp_coordinator": lambda: community_member(RCPFactory(), role=MemberRole.COORDINATOR),
    }[who]()
    exchange = services.create_exchange(host=mk, visiting=rs, data=DATA, by=user)
    assert exchange.created_by == user
    assert "script" not in exchange.agenda and "onclick" not in exchange.agenda and "javascript" not in exchange.agenda
    assert "<p>Day 1</p>" in exchange.agenda


@pytest.mark.parametrize("who", ["host_member", "host_observer", "third_dag_coordinator", "staff", "outsider"])
def test_others_do_not_arrange_exchanges(dags, who):
    mk, rs, ba = dags
    user = {
        "host_member": lambda: community_member(mk),
        "host_observer": lambda: community_member(mk, role=MemberRole.OBSERVER),
        "third_dag_coordinator": lambda: community_member(ba, role=MemberRole.COORDINATOR),
        "staff": lambda: UserFactory(is_staff=True, is_superuser=True),
        "outsider": UserFactory,
    }[who]()
    with pytest.raises(PermissionDenied):
        services.create_exchange(host=mk, visiting=rs, data=DATA, by=user)
    assert not BilateralExchange.objects.exists()


def test_an_exchange_is_between_two_different_dags(dags):
    mk, rs, _ba = dags
    rcp = RCPFactory()
    coordinator = community_member(rcp, role=MemberRole.COORDINATOR)
    refused("two_dags", services.create_exchange, host=mk, visiting=mk, data=DATA, by=coordinator)
    refused("two_dags", services.create_exchange, host=rcp, visiting=rs, data=DATA, by=coordinator)


def test_dates_and_title_are_checked(dags):
    mk, rs, _ba = dags
    coordinator = community_member(mk, role=MemberRole.COORDINATOR)
    refused(
        "dates",
        services.create_exchange,
        host=mk,
        visiting=rs,
        data={**DATA, "ends_on": date(2026, 3, 1)},
        by=coordinator,
    )
    refused("title", services.create_exchange, host=mk, visiting=rs, data={**DATA, "title": " "}, by=coordinator)


def test_editors_of_an_exchange(dags):
    mk, rs, ba = dags
    exchange = ExchangeFactory(host=mk, visiting=rs)
    rcp = RCPFactory()
    may = [
        community_member(mk, role=MemberRole.COORDINATOR),
        community_member(rs, role=MemberRole.COORDINATOR),
        community_member(rcp, role=MemberRole.COORDINATOR),
    ]
    may_not = [
        community_member(mk),
        community_member(rs, role=MemberRole.OBSERVER),
        community_member(ba, role=MemberRole.COORDINATOR),
        community_member(rcp),
        UserFactory(is_staff=True, is_superuser=True),
    ]
    for user in may:
        assert permissions.can_edit_exchange(user, exchange)
        services.update_exchange(exchange.pk, data={"visit_report": "<p>Report</p><script>x</script>"}, by=user)
    exchange.refresh_from_db()
    assert exchange.visit_report == "<p>Report</p>"
    for user in may_not:
        assert not permissions.can_edit_exchange(user, exchange)
        with pytest.raises(PermissionDenied):
            services.update_exchange(exchange.pk, data={"title": "Changed"}, by=user)
    exchange.refresh_from_db()
    assert exchange.title != "Changed"


def test_viewers_of_an_exchange(dags):
    mk, rs, ba = dags
    exchange = ExchangeFactory(host=mk, visiting=rs)
    rcp = RCPFactory()
    viewers = [
        community_member(mk, role=MemberRole.OBSERVER),
        community_member(rs),
        community_member(rcp, role=MemberRole.COORDINATOR),
    ]
    others = [community_member(ba), community_member(rcp), UserFactory(is_staff=True, is_superuser=True), UserFactory()]
    for user in viewers:
        assert permissions.can_view_exchange(user, exchange)
        assert BilateralExchange.objects.visible_to(user).filter(pk=exchange.pk).exists()
    for user in others:
        assert not permissions.can_view_exchange(user, exchange)
        assert not BilateralExchange.objects.visible_to(user).filter(pk=exchange.pk).exists()


def test_participants_come_from_both_dags(dags):
    mk, rs, ba = dags
    exchange = ExchangeFactory(host=mk, visiting=rs)
    coordinator = community_member(mk, role=MemberRole.COORDINATOR)
    host_member, visitor = community_member(mk), community_member(rs)
    services.add_participant(exchange.pk, user_id=host_member.pk, community_id=mk.pk, role="Host", by=coordinator)
    services.add_participant(
        exchange.pk, user_id=visitor.pk, community_id=rs.pk, role="Head of delegation", by=coordinator
    )
    assert {(p.user_id, p.community_id) for p in exchange.participants.all()} == {
        (host_member.pk, mk.pk),
        (visitor.pk, rs.pk),
    }

    refused(
        "already_taking_part",
        services.add_participant,
        exchange.pk,
        user_id=visitor.pk,
        community_id=rs.pk,
        role="",
        by=coordinator,
    )
    third = community_member(ba)
    refused(
        "not_a_side",
        services.add_participant,
        exchange.pk,
        user_id=third.pk,
        community_id=ba.pk,
        role="",
        by=coordinator,
    )
    refused(
        "not_a_member",
        services.add_participant,
        exchange.pk,
        user_id=third.pk,
        community_id=rs.pk,
        role="",
        by=coordinator,
    )
    left = community_member(rs)
    Membership.objects.filter(user=left).update(ended_on=timezone.now().date(), end_reason="left")
    refused(
        "not_a_member",
        services.add_participant,
        exchange.pk,
        user_id=left.pk,
        community_id=rs.pk,
        role="",
        by=coordinator,
    )
    with pytest.raises(PermissionDenied):
        services.add_participant(exchange.pk, user_id=third.pk, community_id=mk.pk, role="", by=host_member)


def test_remove_participant(dags):
    mk, rs, _ba = dags
    exchange = ExchangeFactory(host=mk, visiting=rs)
    participant = ParticipantFactory(exchange=exchange, user=community_member(mk), community=mk)
    other = ParticipantFactory(exchange=ExchangeFactory(host=mk, visiting=rs), user=community_member(mk), community=mk)
    coordinator = community_member(rs, role=MemberRole.COORDINATOR)
    with pytest.raises(PermissionDenied):
        services.remove_participant(exchange.pk, participant_id=participant.pk, by=community_member(rs))
    refused("unknown", services.remove_participant, exchange.pk, participant_id=other.pk, by=coordinator)
    services.remove_participant(exchange.pk, participant_id=participant.pk, by=coordinator)
    assert not ExchangeParticipant.objects.filter(pk=participant.pk).exists()
    assert ExchangeParticipant.objects.filter(pk=other.pk).exists()
