"""Services for organisations: create, update, invitations, members, verification (community/services.py)."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community import services
from community.models import Organisation, OrganisationInvitation, OrganisationMembership
from portal.notifications.models import OutboxMessage
from tests.community.factories import OrganisationFactory, OrganisationInvitationFactory, member_of
from tests.portal.factories import CountryFactory, UserFactory
from tests.portal.factories_accounts import StaffFactory

pytestmark = pytest.mark.django_db

ADMIN = OrganisationMembership.Role.ADMIN
MEMBER = OrganisationMembership.Role.MEMBER


def _data(**overrides):
    data = {
        "legal_name": "Transparency Watch Skopje",
        "local_name": "Набљудувач за транспарентност",
        "registration_number": "7012345",
        "country": CountryFactory(code="MK"),
        "organisation_type": "association",
        "year_registered": 2012,
        "annual_budget_eur": Decimal("38500.00"),
        "website": "https://tw.example.org",
    }
    data.update(overrides)
    return data


# --- create / update -----------------------------------------------------------------------------------------------


def test_creator_becomes_the_only_administrator():
    user = UserFactory()

    organisation = services.create_organisation(user=user, data=_data())

    assert organisation.created_by == user
    assert list(organisation.memberships.values_list("user", "role")) == [(user.pk, ADMIN)]
    assert organisation.verified is False


def test_create_ignores_verified_and_created_by_in_data():
    user, other = UserFactory(), UserFactory()

    organisation = services.create_organisation(user=user, data=_data(verified=True, created_by=other))

    organisation.refresh_from_db()
    assert organisation.verified is False
    assert organisation.created_by == user


def test_duplicate_registration_in_same_country_is_refused_without_naming_the_admin():
    first_admin = UserFactory(email="boss@first.example.org", first_name="Ljubica")
    services.create_organisation(user=first_admin, data=_data())

    with pytest.raises(ValidationError) as excinfo:
        services.create_organisation(user=UserFactory(), data=_data(legal_name="Copy"))

    message = " ".join(excinfo.value.messages)
    assert excinfo.value.code == "duplicate_registration"
    assert "invite" in message
    assert "boss@first.example.org" not in message and "Ljubica" not in message
    assert Organisation.objects.count() == 1


def test_same_registration_number_in_another_country_is_allowed():
    services.create_organisation(user=UserFactory(), data=_data())
    services.create_organisation(user=UserFactory(), data=_data(country=CountryFactory(code="RS")))

    assert Organisation.objects.count() == 2


def test_update_by_admin_changes_profile_and_not_verification():
    organisation = OrganisationFactory()
    admin = member_of(organisation, ADMIN)

    services.update_organisation(organisation.pk, user=admin, data={"legal_name": "New name", "verified": True})

    organisation.refresh_from_db()
    assert organisation.legal_name == "New name"
    assert organisation.verified is False


@pytest.mark.parametrize("who", ["member", "stranger", "staff"])
def test_update_refused_to_non_admins(who):
    organisation = OrganisationFactory(legal_name="Old")
    user = {
        "member": lambda: member_of(organisation, MEMBER),
        "stranger": UserFactory,
        "staff": lambda: StaffFactory(totp=True),
    }[who]()

    with pytest.raises(PermissionDenied):
        services.update_organisation(organisation.pk, user=user, data={"legal_name": "Hijacked"})
    organisation.refresh_from_db()
    assert organisation.legal_name == "Old"


# --- invitations ---------------------------------------------------------------------------------------------------


def test_invite_writes_one_mail_with_the_accept_link():
    organisation = OrganisationFactory(legal_name="Civic Lens")
    admin = member_of(organisation, ADMIN)

    invitation = services.invite_member(organisation.pk, user=admin, email="colleague@example.org", role=MEMBER)

    message = OutboxMessage.objects.get(recipient="colleague@example.org")
    assert f"/organisations/invitations/{invitation.token}/" in message.body_text
    assert "Civic Lens" in message.subject


def test_reinviting_a_pending_address_refreshes_the_same_invitation():
    organisation = OrganisationFactory()
    admin = member_of(organisation, ADMIN)
    first = services.invite_member(organisation.pk, user=admin, email="Colleague@Example.org", role=MEMBER)

    with time_machine.travel(timezone.now() + timedelta(days=5)):
        second = services.invite_member(organisation.pk, user=admin, email="colleague@example.org", role=ADMIN)

    assert second.pk == first.pk and second.token == first.token
    assert OrganisationInvitation.objects.count() == 1
    second.refresh_from_db()
    assert second.role == ADMIN
    assert second.expires_at > first.expires_at
    assert OutboxMessage.objects.filter(template="organisation_invitation").count() == 2


@pytest.mark.parametrize("role", [MEMBER, None])
def test_only_admins_invite(role):
    organisation = OrganisationFactory()
    user = member_of(organisation, role) if role else UserFactory()

    with pytest.raises(PermissionDenied):
        services.invite_member(organisation.pk, user=user, email="x@example.org", role=MEMBER)
    assert not OrganisationInvitation.objects.exists()


def test_inviting_an_existing_member_is_refused():
    organisation = OrganisationFactory()
    admin = member_of(organisation, ADMIN)
    member_of(organisation, MEMBER, email="already@example.org")

    with pytest.raises(ValidationError):
        services.invite_member(organisation.pk, user=admin, email="ALREADY@example.org", role=MEMBER)


def test_accept_makes_the_user_a_member_with_the_invited_role():
    invitation = OrganisationInvitationFactory(email="invitee@example.org", role=ADMIN)
    user = UserFactory(email="invitee@example.org")

    membership = services.accept_invitation(invitation.token, user=user)

    assert (membership.organisation_id, membership.user_id, membership.role) == (
        invitation.organisation_id,
        user.pk,
        ADMIN,
    )
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.accepted_at is not None


def test_accept_matches_the_address_canonically():
    invitation = OrganisationInvitationFactory(email="Invitee@EXAMPLE.org")
    user = UserFactory(email="invitee@example.org")

    services.accept_invitation(invitation.token, user=user)

    assert OrganisationMembership.objects.filter(user=user, organisation=invitation.organisation).exists()


def test_accept_with_another_address_is_refused():
    invitation = OrganisationInvitationFactory(email="invitee@example.org")
    intruder = UserFactory(email="someone.else@example.org")

    with pytest.raises(ValidationError) as excinfo:
        services.accept_invitation(invitation.token, user=intruder)

    assert excinfo.value.code == "wrong_account"
    assert not OrganisationMembership.objects.filter(user=intruder).exists()


def test_expired_invitation_is_refused():
    invitation = OrganisationInvitationFactory(email="invitee@example.org")
    user = UserFactory(email="invitee@example.org")

    with time_machine.travel(invitation.expires_at + timedelta(seconds=1)), pytest.raises(ValidationError) as exc:
        services.accept_invitation(invitation.token, user=user)
    assert exc.value.code == "expired"


def test_used_invitation_is_refused_to_another_account():
    invitation = OrganisationInvitationFactory(email="invitee@example.org")
    services.accept_invitation(invitation.token, user=UserFactory(email="invitee@example.org"))
    newcomer = UserFactory(email="newcomer@example.org")

    with pytest.raises(ValidationError) as excinfo:
        services.accept_invitation(invitation.token, user=newcomer)
    assert excinfo.value.code == "used"


def test_accepting_twice_is_idempotent():
    invitation = OrganisationInvitationFactory(email="invitee@example.org")
    user = UserFactory(email="invitee@example.org")

    first = services.accept_invitation(invitation.token, user=user)
    second = services.accept_invitation(invitation.token, user=user)

    assert first.pk == second.pk
    assert OrganisationMembership.objects.filter(user=user).count() == 1


def test_revoked_invitation_is_refused():
    organisation = OrganisationFactory()
    admin = member_of(organisation, ADMIN)
    invitation = OrganisationInvitationFactory(organisation=organisation, email="invitee@example.org")
    services.revoke_invitation(invitation.pk, user=admin)

    with pytest.raises(ValidationError) as excinfo:
        services.accept_invitation(invitation.token, user=UserFactory(email="invitee@example.org"))
    assert excinfo.value.code == "revoked"


def test_member_cannot_revoke():
    organisation = OrganisationFactory()
    member = member_of(organisation, MEMBER)
    invitation = OrganisationInvitationFactory(organisation=organisation)

    with pytest.raises(PermissionDenied):
        services.revoke_invitation(invitation.pk, user=member)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# --- members -------------------------------------------------------------------------------------------------------


def test_last_admin_cannot_be_removed_or_leave_or_be_demoted():
    organisation = OrganisationFactory()
    admin = member_of(organisation, ADMIN)

    for action in (
        lambda: services.remove_member(organisation.pk, admin.pk, user=admin),
        lambda: services.leave_organisation(organisation.pk, user=admin),
        lambda: services.set_member_role(organisation.pk, admin.pk, user=admin, role=MEMBER),
    ):
        with pytest.raises(ValidationError) as excinfo:
            action()
        assert excinfo.value.code == "last_admin"
    assert organisation.memberships.get().role == ADMIN


def test_admin_removes_member_and_second_admin_may_leave():
    organisation = OrganisationFactory()
    admin, other_admin = member_of(organisation, ADMIN), member_of(organisation, ADMIN)
    member = member_of(organisation, MEMBER)

    services.remove_member(organisation.pk, member.pk, user=admin)
    services.leave_organisation(organisation.pk, user=other_admin)

    assert list(organisation.memberships.values_list("user", flat=True)) == [admin.pk]


def test_member_cannot_remove_others():
    organisation = OrganisationFactory()
    admin, member = member_of(organisation, ADMIN), member_of(organisation, MEMBER)

    with pytest.raises(PermissionDenied):
        services.remove_member(organisation.pk, admin.pk, user=member)
    assert organisation.memberships.count() == 2


# --- verification --------------------------------------------------------------------------------------------------


def test_staff_verify_records_who_and_when_and_unverify_clears():
    organisation = OrganisationFactory()
    staff = StaffFactory(totp=True)

    with time_machine.travel("2025-06-02 10:00:00+00:00", tick=False):
        services.set_verified(organisation.pk, user=staff, verified=True)
    organisation.refresh_from_db()
    assert organisation.verified is True
    assert organisation.verified_by == staff
    assert organisation.verified_at.isoformat() == "2025-06-02T10:00:00+00:00"

    services.set_verified(organisation.pk, user=staff, verified=False)
    organisation.refresh_from_db()
    assert (organisation.verified, organisation.verified_at, organisation.verified_by) == (False, None, None)


def test_organisation_admin_cannot_verify():
    organisation = OrganisationFactory()
    admin = member_of(organisation, ADMIN)

    with pytest.raises(PermissionDenied):
        services.set_verified(organisation.pk, user=admin, verified=True)
    organisation.refresh_from_db()
    assert organisation.verified is False


def test_invitation_mail_is_sent_on_commit(django_capture_on_commit_callbacks, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    organisation = OrganisationFactory()
    admin = member_of(organisation, ADMIN)

    with django_capture_on_commit_callbacks(execute=True):
        services.invite_member(organisation.pk, user=admin, email="colleague@example.org", role=MEMBER)

    assert [m.to for m in mail.outbox] == [["colleague@example.org"]]
