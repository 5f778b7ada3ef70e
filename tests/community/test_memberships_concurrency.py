"""Races on community memberships (PostgreSQL): one token accepted twice, a request answered twice, the last
coordinator leaving twice.

Without the locks: two accepts of the same token (a double click, two tabs) would each read the invitation as
unused, each find no open membership and each insert one; the partial unique constraint
(``community_membership_one_open``) would turn the second insert into a server error instead of the same
membership. Two coordinators approving one request would each create a membership and mail twice. Two last
coordinators leaving at once would each count two coordinators and both leave. The services lock the community row
first (then the invitation, request or membership), so the second caller waits, then sees the first one's result:
the same membership, ``decided``, or ``last_coordinator``.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from community.models import JoinRequest, MemberRole, Membership
from community.services import memberships as services
from portal.notifications.models import OutboxMessage
from tests.community.community_factories import CommunityInvitationFactory, community_member, dag
from tests.community.membership_factories import JoinRequestFactory
from tests.portal.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_in_parallel(funcs):
    barrier = threading.Barrier(len(funcs))
    results, errors = [], []

    def target(func):
        try:
            barrier.wait(timeout=10)
            results.append(func())
        except ValidationError as exc:
            results.append(exc.code)
        except Exception as exc:  # reported below, not swallowed
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(f,)) for f in funcs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    return results


def test_two_accepts_of_the_same_token_make_one_membership():
    invitation = CommunityInvitationFactory(community=dag("MK"), email="invitee@example.org")
    user = UserFactory(email="invitee@example.org")

    results = _run_in_parallel([lambda: services.accept_invitation(invitation.token, user=user).pk] * 6)

    assert len(results) == 6 and len(set(results)) == 1
    assert Membership.objects.filter(user=user).count() == 1


def test_two_coordinators_answering_one_request_make_one_membership_and_one_mail():
    mk = dag("MK")
    coordinators = [community_member(mk, MemberRole.COORDINATOR) for _ in range(2)]
    request = JoinRequestFactory(community=mk)

    results = _run_in_parallel(
        [lambda c=c: services.approve_request(request, by=c, response="Welcome").pk for c in coordinators]
    )

    assert sorted(map(str, results))[-1] == "decided"
    assert Membership.objects.filter(user=request.user).count() == 1
    assert JoinRequest.objects.get(pk=request.pk).status == JoinRequest.Status.APPROVED
    assert OutboxMessage.objects.filter(template="community_join_decision").count() == 1


def test_two_coordinators_leaving_at_once_leave_one_coordinator():
    mk = dag("MK")
    coordinators = [community_member(mk, MemberRole.COORDINATOR) for _ in range(2)]
    memberships = [Membership.objects.get(user=c) for c in coordinators]

    results = _run_in_parallel(
        [lambda m=m, c=c: services.leave(m, by=c).pk for m, c in zip(memberships, coordinators, strict=True)]
    )

    assert "last_coordinator" in results
    assert Membership.objects.active().filter(community=mk, role=MemberRole.COORDINATOR).count() == 1
