"""Races on organisations (PostgreSQL): the last administrator and single-use invitations.

Without the organisation row lock, two administrators who leave at the same moment would each count two
administrators, both leave, and the organisation would have none. ``leave_organisation`` and ``remove_member``
lock the organisation row first (``select_for_update``), so the second sees one administrator and is refused.
An invitation row is locked while it is accepted, so N parallel accepts of the same token by the invited account
make one membership and mark the invitation once.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from community import services
from community.models import OrganisationMembership
from tests.community.factories import OrganisationFactory, OrganisationInvitationFactory, member_of
from tests.portal.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ADMIN = OrganisationMembership.Role.ADMIN


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


def test_two_admins_leaving_at_once_leave_one_admin():
    organisation = OrganisationFactory()
    admins = [member_of(organisation, ADMIN) for _ in range(2)]

    results = _run_in_parallel([lambda u=u: services.leave_organisation(organisation.pk, user=u) for u in admins])

    assert sorted(map(str, results)) == ["None", "last_admin"]
    assert organisation.memberships.filter(role=ADMIN).count() == 1


def test_parallel_accepts_make_one_membership():
    invitation = OrganisationInvitationFactory(email="invitee@example.org")
    user = UserFactory(email="invitee@example.org")

    results = _run_in_parallel([lambda: services.accept_invitation(invitation.token, user=user).pk] * 6)

    assert len(set(results)) == 1
    assert OrganisationMembership.objects.filter(user=user).count() == 1
