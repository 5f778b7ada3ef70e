"""Invitations to a community (issue 6 item 3): who may invite, re-inviting, and every way a token can be bad.

Bad input from the issue, each a test: an expired token, a reused token, a withdrawn token and someone else's token
(the signed-in account's address is not the invited one) all make no membership.
"""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from community.models import CommunityInvitation, JoinRequest, MemberRole, Membership, Sector
from community.services import memberships as services
from portal.notifications.models import OutboxMessage
from tests.community.community_factories import CommunityInvitationFactory, community_member
from tests.community.membership_factories import JoinRequestFactory, dag_world
from tests.portal.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return dag_world()


def _invite(world, email="newbie@example.org", **fields):
    fields.setdefault("role", MemberRole.MEMBER)
    return services.invite(world["mk"], email=email, by=world["coordinator"], **fields)


# --- invite --------------------------------------------------------------------------------------------------------


def test_coordinator_invites_and_the_mail_carries_the_accept_link_and_message(world):
    invitation = _invite(
        world,
        role=MemberRole.OBSERVER,
        sector=Sector.ACADEMIA,
        organisation="  University of Skopje ",
        position="Professor",
        message="We would value your research.",
    )

    assert invitation.community == world["mk"] and invitation.invited_by == world["coordinator"]
    assert (invitation.role, invitation.sector, invitation.organisation) == (
        MemberRole.OBSERVER,
        Sector.ACADEMIA,
        "University of Skopje",
    )
    mail = OutboxMessage.objects.get(template="community_invitation")
    assert mail.recipient == "newbie@example.org"
    assert f"/workspace/invitations/{invitation.token}/" in mail.body_text
    assert "We would value your research." in mail.body_text
    assert world["mk"].name in mail.subject
    assert ModelLogEntry.objects.filter(action="community.invitation.sent", object_id=str(invitation.pk)).exists()


def test_the_invitation_is_written_in_the_inviters_language(world):
    with translation.override("tr"):
        _invite(world)

    mail = OutboxMessage.objects.get(template="community_invitation")
    assert mail.language == "tr"
    assert "topluluğuna katılma daveti" in mail.subject and "Daveti kabul edin" in mail.body_text


def test_reinviting_a_pending_address_refreshes_the_invitation_instead_of_duplicating_it(world):
    first = _invite(world, email="Ana.Petrova@Example.org")

    with time_machine.travel(timezone.now() + timedelta(days=3)):
        second = _invite(world, email="ana.petrova@example.org", role=MemberRole.COORDINATOR)

    assert second.pk == first.pk and second.token == first.token
    assert CommunityInvitation.objects.count() == 1
    second.refresh_from_db()
    assert second.role == MemberRole.COORDINATOR
    assert second.expires_at > first.expires_at
    assert OutboxMessage.objects.filter(template="community_invitation").count() == 2


def test_an_expired_invitation_is_not_refreshed_but_replaced(world):
    old = CommunityInvitationFactory(community=world["mk"], email="late@example.org")
    CommunityInvitation.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    new = _invite(world, email="late@example.org")

    assert new.pk != old.pk and new.token != old.token


def test_an_address_of_an_active_member_is_refused_canonically(world):
    member = world["member"]
    member.email = "Member.One@example.org"
    member.save()

    with pytest.raises(ValidationError) as exc:
        _invite(world, email="MEMBER.ONE@EXAMPLE.ORG")

    assert exc.value.code == "already_member"
    assert not CommunityInvitation.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_former_member_can_be_invited_again(world):
    Membership.objects.filter(user=world["member"]).update(ended_on=timezone.now().date(), end_reason="left")

    invitation = _invite(world, email=world["member"].email)

    assert invitation.pk is not None


@pytest.mark.parametrize("who", ["member", "observer", "other_dag_member", "outsider"])
def test_only_coordinators_and_staff_invite(world, who):
    with pytest.raises(PermissionDenied):
        services.invite(world["mk"], email="x@example.org", by=world[who])
    assert not CommunityInvitation.objects.exists()


def test_staff_may_invite_without_being_a_member(world):
    staff = StaffFactory()
    invitation = services.invite(world["mk"], email="x@example.org", role=MemberRole.COORDINATOR, by=staff)
    assert invitation.invited_by == staff


def test_a_coordinator_of_the_rcp_does_not_manage_a_dag(world):
    rcp_coordinator = community_member(world["rcp"], MemberRole.COORDINATOR)
    with pytest.raises(PermissionDenied):
        services.invite(world["mk"], email="x@example.org", by=rcp_coordinator)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"email": "not-an-address"}, "invalid_email"),
        ({"email": ""}, "invalid_email"),
        ({"email": "a@example.org", "role": "chair"}, "invalid_role"),
        ({"email": "a@example.org", "sector": "church"}, "invalid_sector"),
        ({"email": "a@example.org", "position": "x" * 201}, "too_long"),
        ({"email": "a@example.org", "message": "x" * 2001}, "too_long"),
    ],
)
def test_bad_invitation_input_is_refused(world, fields, code):
    with pytest.raises(ValidationError) as exc:
        services.invite(world["mk"], by=world["coordinator"], **fields)
    assert exc.value.code == code
    assert not CommunityInvitation.objects.exists()


# --- revoke --------------------------------------------------------------------------------------------------------


def test_coordinator_revokes_and_revoking_twice_is_harmless(world):
    invitation = _invite(world)

    services.revoke_invitation(invitation, by=world["coordinator"])
    first = CommunityInvitation.objects.get().revoked_at
    services.revoke_invitation(invitation, by=world["coordinator"])

    assert first is not None and CommunityInvitation.objects.get().revoked_at == first
    assert not CommunityInvitation.objects.pending().exists()


def test_members_cannot_revoke(world):
    invitation = _invite(world)
    with pytest.raises(PermissionDenied):
        services.revoke_invitation(invitation, by=world["member"])
    assert CommunityInvitation.objects.get().revoked_at is None


def test_an_accepted_invitation_cannot_be_revoked(world):
    invitation = _invite(world)
    services.accept_invitation(invitation.token, user=UserFactory(email="newbie@example.org"))

    with pytest.raises(ValidationError) as exc:
        services.revoke_invitation(invitation, by=world["coordinator"])
    assert exc.value.code == "used"


# --- accept --------------------------------------------------------------------------------------------------------


def test_accepting_links_the_account_with_the_invited_address(world):
    invitation = _invite(world, role=MemberRole.OBSERVER, sector=Sector.MEDIA, organisation="TV", position="Editor")
    newbie = UserFactory(email="Newbie@Example.org")

    membership = services.accept_invitation(invitation.token, user=newbie)

    assert (membership.community, membership.user, membership.role) == (world["mk"], newbie, MemberRole.OBSERVER)
    assert (membership.sector, membership.organisation, membership.position) == (Sector.MEDIA, "TV", "Editor")
    assert membership.started_on == timezone.now().date() and membership.ended_on is None
    invitation.refresh_from_db()
    assert invitation.accepted_by == newbie and invitation.accepted_at is not None
    assert ModelLogEntry.objects.filter(action="community.membership.started", object_id=str(membership.pk)).exists()


def test_turkish_dotted_capital_i_in_the_address_still_matches(world):
    invitation = _invite(world, email="İlknur@example.org")
    user = UserFactory(email="ilknur@example.org")

    assert services.accept_invitation(invitation.token, user=user).user == user


def test_accepting_again_returns_the_same_membership(world):
    invitation = _invite(world)
    newbie = UserFactory(email="newbie@example.org")

    first = services.accept_invitation(invitation.token, user=newbie)
    second = services.accept_invitation(invitation.token, user=newbie)

    assert first.pk == second.pk
    assert Membership.objects.filter(user=newbie).count() == 1


def test_an_expired_token_makes_no_membership(world):
    invitation = _invite(world)
    newbie = UserFactory(email="newbie@example.org")

    with time_machine.travel(invitation.expires_at + timedelta(seconds=1)), pytest.raises(ValidationError) as exc:
        services.accept_invitation(invitation.token, user=newbie)

    assert exc.value.code == "expired"
    assert not Membership.objects.filter(user=newbie).exists()


def test_a_reused_token_makes_no_second_membership(world):
    invitation = _invite(world)
    services.accept_invitation(invitation.token, user=UserFactory(email="newbie@example.org"))
    someone_else = UserFactory(email="forwarded@example.org")

    with pytest.raises(ValidationError) as exc:
        services.accept_invitation(invitation.token, user=someone_else)

    assert exc.value.code == "used"
    assert not Membership.objects.filter(user=someone_else).exists()


def test_a_revoked_token_makes_no_membership(world):
    invitation = _invite(world)
    services.revoke_invitation(invitation, by=world["coordinator"])
    newbie = UserFactory(email="newbie@example.org")

    with pytest.raises(ValidationError) as exc:
        services.accept_invitation(invitation.token, user=newbie)

    assert exc.value.code == "revoked"
    assert not Membership.objects.filter(user=newbie).exists()


def test_someone_elses_token_makes_no_membership(world):
    invitation = _invite(world, email="invited@example.org")
    intruder = UserFactory(email="intruder@example.org")

    with pytest.raises(ValidationError) as exc:
        services.accept_invitation(invitation.token, user=intruder)

    assert exc.value.code == "wrong_account"
    assert not Membership.objects.filter(user=intruder).exists()
    assert CommunityInvitation.objects.get().accepted_at is None


def test_a_look_alike_address_is_someone_else(world):
    invitation = _invite(world, email="ana@example.org")
    lookalike = UserFactory(email="ana.x@example.org")

    with pytest.raises(ValidationError):
        services.accept_invitation(invitation.token, user=lookalike)


def test_anonymous_users_and_unknown_tokens_are_refused(world):
    invitation = _invite(world)
    with pytest.raises(PermissionDenied):
        services.accept_invitation(invitation.token, user=AnonymousUser())
    with pytest.raises(CommunityInvitation.DoesNotExist):
        services.accept_invitation("no-such-token", user=UserFactory())


def test_an_active_member_keeps_their_membership_and_the_invitation_is_used(world):
    invitation = CommunityInvitationFactory(community=world["mk"], email=world["member"].email, role="coordinator")
    before = Membership.objects.get(user=world["member"])

    after = services.accept_invitation(invitation.token, user=world["member"])

    assert after.pk == before.pk and after.role == MemberRole.MEMBER
    assert CommunityInvitation.objects.get().accepted_by == world["member"]


def test_a_former_member_who_accepts_gets_a_new_membership_and_keeps_the_old_one(world):
    old = Membership.objects.get(user=world["member"])
    Membership.objects.filter(pk=old.pk).update(ended_on=timezone.now().date() - timedelta(days=30), end_reason="left")
    invitation = CommunityInvitationFactory(community=world["mk"], email=world["member"].email)

    new = services.accept_invitation(invitation.token, user=world["member"])

    assert new.pk != old.pk
    assert Membership.objects.filter(user=world["member"], community=world["mk"]).count() == 2


def test_accepting_closes_a_pending_request_to_join(world):
    newbie = UserFactory(email="newbie@example.org")
    JoinRequestFactory(community=world["mk"], user=newbie)
    invitation = _invite(world)

    services.accept_invitation(invitation.token, user=newbie)

    assert JoinRequest.objects.get(user=newbie).status == JoinRequest.Status.APPROVED
