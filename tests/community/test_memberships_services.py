"""Requests to join and the member-side services: approve/decline mails, removal, leaving, consent, roles, staff.

Every rule of community.services.memberships that is not about invitation tokens (those are in
test_memberships_invitations.py).
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from wagtail.models import ModelLogEntry

from community import permissions
from community.models import ExpertiseArea, JoinRequest, MemberRole, Membership, Sector
from community.services import memberships as services
from portal.notifications.models import OutboxMessage
from tests.community.community_factories import community_member, dag
from tests.community.membership_factories import JoinRequestFactory, dag_world
from tests.portal.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = JoinRequest.Status


@pytest.fixture
def world():
    return dag_world()


def fresh(user):
    """The user as the next request loads it (no per-request cache of community ids)."""
    return type(user).objects.get(pk=user.pk)


def _membership(user, community):
    return Membership.objects.active().get(user=user, community=community)


# --- requests to join ----------------------------------------------------------------------------------------------


def test_a_request_is_pending_and_the_coordinators_are_mailed_in_their_language(world):
    world["coordinator"].preferred_language = "mk"
    world["coordinator"].save()
    person = UserFactory(first_name="Arben", last_name="Krasniqi")

    request = services.request_to_join(
        world["mk"], user=person, sector=Sector.MEDIA, organisation="Kallxo", motivation="Data journalism."
    )

    assert request.status == Status.PENDING and request.organisation == "Kallxo"
    mail = OutboxMessage.objects.get(template="community_join_request")
    assert mail.recipient == world["coordinator"].email and mail.language == "mk"
    assert "Arben Krasniqi" in mail.body_text and "Data journalism." in mail.body_text
    assert "/workspace/dag-mk/manage/" in mail.body_text


def test_one_pending_request_per_person(world):
    person = UserFactory()
    services.request_to_join(world["mk"], user=person)

    with pytest.raises(ValidationError) as exc:
        services.request_to_join(world["mk"], user=person)

    assert exc.value.code == "pending"
    assert JoinRequest.objects.filter(user=person).count() == 1


@pytest.mark.parametrize("who", ["member", "observer", "coordinator"])
def test_members_cannot_ask_to_join(world, who):
    with pytest.raises(ValidationError) as exc:
        services.request_to_join(world["mk"], user=world[who])
    assert exc.value.code == "already_member"


def test_a_dag_member_is_already_a_member_of_the_rcp(world):
    with pytest.raises(ValidationError) as exc:
        services.request_to_join(world["rcp"], user=world["member"])
    assert exc.value.code == "already_member"


def test_a_community_that_takes_no_requests_refuses_them(world):
    world["mk"].accepts_join_requests = False
    world["mk"].save()
    with pytest.raises(ValidationError) as exc:
        services.request_to_join(world["mk"], user=UserFactory())
    assert exc.value.code == "closed"
    assert not JoinRequest.objects.exists()


def test_anonymous_users_cannot_ask(world):
    with pytest.raises(PermissionDenied):
        services.request_to_join(world["mk"], user=AnonymousUser())


def test_a_removed_member_may_ask_again(world):
    services.remove_member(_membership(world["member"], world["mk"]), by=world["coordinator"])
    assert services.request_to_join(world["mk"], user=fresh(world["member"])).status == Status.PENDING


def test_approving_starts_a_membership_and_mails_the_requester_in_their_language(world):
    person = UserFactory(preferred_language="sq")
    request = JoinRequestFactory(community=world["mk"], user=person, sector=Sector.ACADEMIA, organisation="UP")

    membership = services.approve_request(request, by=world["coordinator"], response="Welcome aboard.")

    assert (membership.role, membership.sector, membership.organisation) == (MemberRole.MEMBER, Sector.ACADEMIA, "UP")
    assert permissions.is_member(fresh(person), world["mk"])
    request.refresh_from_db()
    assert request.status == Status.APPROVED and request.decided_by == world["coordinator"]
    assert request.response == "Welcome aboard."
    mail = OutboxMessage.objects.get(template="community_join_decision")
    assert mail.recipient == person.email and mail.language == "sq"
    assert "Welcome aboard." in mail.body_text
    assert "u miratua" in mail.body_text  # "has been approved", in Albanian


def test_declining_mails_the_message_and_makes_no_membership(world):
    person = UserFactory()
    request = JoinRequestFactory(community=world["mk"], user=person)

    services.decline_request(request, by=world["coordinator"], response="Please apply through your organisation.")

    request.refresh_from_db()
    assert request.status == Status.DECLINED and request.decided_at is not None
    assert not Membership.objects.filter(user=person).exists()
    mail = OutboxMessage.objects.get(template="community_join_decision")
    assert "Please apply through your organisation." in mail.body_text
    assert "declined" in mail.body_text
    # and the person may ask again later
    assert services.request_to_join(world["mk"], user=person).status == Status.PENDING


@pytest.mark.parametrize("who", ["member", "observer", "other_dag_member", "outsider"])
def test_only_coordinators_answer_requests(world, who):
    request = JoinRequestFactory(community=world["mk"])
    for answer in (services.approve_request, services.decline_request):
        with pytest.raises(PermissionDenied):
            answer(request, by=world[who])
    request.refresh_from_db()
    assert request.status == Status.PENDING
    assert not OutboxMessage.objects.filter(template="community_join_decision").exists()


def test_a_request_is_answered_once(world):
    request = JoinRequestFactory(community=world["mk"])
    services.approve_request(request, by=world["coordinator"])

    with pytest.raises(ValidationError) as exc:
        services.decline_request(request, by=world["coordinator"])

    assert exc.value.code == "decided"
    assert OutboxMessage.objects.filter(template="community_join_decision").count() == 1


def test_approving_someone_who_joined_meanwhile_keeps_their_membership(world):
    person = UserFactory()
    request = JoinRequestFactory(community=world["mk"], user=person)
    existing = Membership.objects.create(community=world["mk"], user=person, role=MemberRole.OBSERVER)

    assert services.approve_request(request, by=world["coordinator"]).pk == existing.pk


def test_the_requester_withdraws_but_nobody_else_can(world):
    request = JoinRequestFactory(community=world["mk"])
    with pytest.raises(PermissionDenied):
        services.withdraw_request(request, by=world["coordinator"])

    services.withdraw_request(request, by=request.user)

    request.refresh_from_db()
    assert request.status == Status.WITHDRAWN


# --- removing and leaving ------------------------------------------------------------------------------------------


def test_removing_ends_today_keeps_history_and_access_ends_on_the_next_request(world):
    membership = _membership(world["member"], world["mk"])
    assert permissions.is_member(fresh(world["member"]), world["mk"])

    services.remove_member(membership, by=world["coordinator"])

    membership.refresh_from_db()
    assert membership.ended_on == timezone.now().date() and membership.end_reason == Membership.EndReason.REMOVED
    assert not permissions.is_member(fresh(world["member"]), world["mk"])
    assert not permissions.is_member(fresh(world["member"]), world["rcp"])  # no DAG left, so no RCP either
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert ModelLogEntry.objects.filter(action="community.membership.removed", object_id=str(membership.pk)).exists()


def test_a_term_can_end(world):
    membership = _membership(world["member"], world["mk"])
    services.remove_member(membership, by=world["coordinator"], reason=Membership.EndReason.TERM_ENDED)
    membership.refresh_from_db()
    assert membership.end_reason == Membership.EndReason.TERM_ENDED


@pytest.mark.parametrize("reason", [Membership.EndReason.LEFT, "banned"])
def test_remove_refuses_other_reasons(world, reason):
    with pytest.raises(ValidationError) as exc:
        services.remove_member(_membership(world["member"], world["mk"]), by=world["coordinator"], reason=reason)
    assert exc.value.code == "invalid_reason"


@pytest.mark.parametrize("who", ["member", "observer", "other_dag_member", "outsider"])
def test_only_coordinators_remove(world, who):
    membership = _membership(world["observer"], world["mk"])
    with pytest.raises(PermissionDenied):
        services.remove_member(membership, by=world[who])
    assert _membership(world["observer"], world["mk"]).ended_on is None


def test_an_ended_membership_cannot_be_ended_again(world):
    membership = _membership(world["member"], world["mk"])
    services.remove_member(membership, by=world["coordinator"])
    with pytest.raises(ValidationError) as exc:
        services.remove_member(membership, by=world["coordinator"])
    assert exc.value.code == "not_active"


def test_the_last_coordinator_is_kept_unless_staff_removes_them(world):
    own = _membership(world["coordinator"], world["mk"])
    with pytest.raises(ValidationError) as exc:
        services.remove_member(own, by=world["coordinator"])
    assert exc.value.code == "last_coordinator"
    with pytest.raises(ValidationError):
        services.leave(own, by=world["coordinator"])

    services.remove_member(own, by=StaffFactory())

    own.refresh_from_db()
    assert own.ended_on is not None


def test_a_coordinator_may_leave_when_another_coordinator_remains(world):
    second = community_member(world["mk"], MemberRole.COORDINATOR)
    services.leave(_membership(world["coordinator"], world["mk"]), by=world["coordinator"])
    assert permissions.is_coordinator(fresh(second), world["mk"])


def test_members_leave_their_own_membership_only(world):
    membership = _membership(world["member"], world["mk"])
    with pytest.raises(PermissionDenied):
        services.leave(membership, by=world["coordinator"])

    services.leave(membership, by=world["member"])

    membership.refresh_from_db()
    assert membership.end_reason == Membership.EndReason.LEFT and membership.ended_on == timezone.now().date()


# --- the member's own details and consent --------------------------------------------------------------------------


def test_updating_consent_records_when(world):
    membership = _membership(world["member"], world["mk"])
    data = ExpertiseArea.objects.filter(code__in=["open_data", "public_procurement"])

    services.update_my_membership(
        membership,
        by=world["member"],
        consents={"name": True, "organisation": True},
        sector=Sector.MEDIA,
        organisation=" Kallxo ",
        position="Reporter",
        expertise=data,
    )

    membership.refresh_from_db()
    assert membership.consent_public_name and membership.consent_public_organisation
    assert not membership.consent_public_sector  # a missing key is no consent
    assert (membership.sector, membership.organisation) == (Sector.MEDIA, "Kallxo")
    assert set(membership.expertise.values_list("code", flat=True)) == {"open_data", "public_procurement"}
    assert membership.consent_recorded_at is not None


def test_changing_only_details_keeps_the_consent_timestamp(world):
    membership = _membership(world["member"], world["mk"])
    services.update_my_membership(membership, by=world["member"], consents={"name": True}, sector=Sector.MEDIA)
    recorded = Membership.objects.get(pk=membership.pk).consent_recorded_at

    services.update_my_membership(
        membership, by=world["member"], consents={"name": True}, sector=Sector.ACADEMIA, position="Lecturer"
    )

    membership.refresh_from_db()
    assert membership.consent_recorded_at == recorded and membership.sector == Sector.ACADEMIA


def test_withdrawing_consent_is_recorded(world):
    membership = _membership(world["member"], world["mk"])
    services.update_my_membership(membership, by=world["member"], consents={"name": True}, sector=Sector.MEDIA)
    first = Membership.objects.get(pk=membership.pk).consent_recorded_at

    services.update_my_membership(membership, by=world["member"], consents={}, sector=Sector.MEDIA)

    membership.refresh_from_db()
    assert not membership.consent_public_name and membership.consent_recorded_at >= first
    assert not Membership.objects.listed_publicly().filter(pk=membership.pk).exists()


def test_nobody_else_changes_my_membership_nor_after_it_ended(world):
    membership = _membership(world["member"], world["mk"])
    with pytest.raises(PermissionDenied):
        services.update_my_membership(membership, by=world["coordinator"], consents={"name": True}, sector="media")
    Membership.objects.filter(pk=membership.pk).update(ended_on=timezone.now().date())
    with pytest.raises(PermissionDenied):
        services.update_my_membership(membership, by=world["member"], consents={"name": True}, sector="media")
    assert not Membership.objects.get(pk=membership.pk).consent_public_name


# --- roles ---------------------------------------------------------------------------------------------------------


def test_coordinator_promotes_and_demotes(world):
    membership = _membership(world["member"], world["mk"])

    services.set_role(membership, role=MemberRole.COORDINATOR, by=world["coordinator"])
    services.set_role(_membership(world["coordinator"], world["mk"]), role=MemberRole.MEMBER, by=world["member"])

    assert _membership(world["member"], world["mk"]).role == MemberRole.COORDINATOR
    assert _membership(world["coordinator"], world["mk"]).role == MemberRole.MEMBER


def test_the_last_coordinator_cannot_be_demoted_except_by_staff(world):
    own = _membership(world["coordinator"], world["mk"])
    with pytest.raises(ValidationError) as exc:
        services.set_role(own, role=MemberRole.MEMBER, by=world["coordinator"])
    assert exc.value.code == "last_coordinator"

    services.set_role(own, role=MemberRole.OBSERVER, by=StaffFactory())

    assert _membership(world["coordinator"], world["mk"]).role == MemberRole.OBSERVER


def test_set_role_refuses_bad_roles_members_and_ended_memberships(world):
    membership = _membership(world["member"], world["mk"])
    with pytest.raises(ValidationError):
        services.set_role(membership, role="chair", by=world["coordinator"])
    with pytest.raises(PermissionDenied):
        services.set_role(membership, role=MemberRole.COORDINATOR, by=world["member"])
    Membership.objects.filter(pk=membership.pk).update(ended_on=timezone.now().date() - timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        services.set_role(membership, role=MemberRole.OBSERVER, by=world["coordinator"])
    assert exc.value.code == "not_active"


# --- staff ---------------------------------------------------------------------------------------------------------


def test_staff_add_an_existing_account_once(world):
    person = UserFactory()
    staff = StaffFactory()

    membership = services.add_member(world["rs"], user=person, role=MemberRole.COORDINATOR, by=staff)

    assert membership.role == MemberRole.COORDINATOR and membership.is_active()
    with pytest.raises(ValidationError) as exc:
        services.add_member(world["rs"], user=person, by=staff)
    assert exc.value.code == "already_member"


def test_coordinators_cannot_add_members_directly(world):
    with pytest.raises(PermissionDenied):
        services.add_member(world["mk"], user=UserFactory(), by=world["coordinator"])


def test_edit_membership_changes_details_not_consent(world):
    membership = _membership(world["member"], world["mk"])
    services.edit_membership(
        membership,
        by=StaffFactory(),
        role=MemberRole.OBSERVER,
        sector=Sector.PUBLIC_AUTHORITY,
        organisation="Ministry of Justice",
        position="Adviser",
        expertise=ExpertiseArea.objects.filter(code="law"),
    )
    membership.refresh_from_db()
    assert membership.role == MemberRole.OBSERVER and membership.organisation == "Ministry of Justice"
    assert list(membership.expertise.values_list("code", flat=True)) == ["law"]
    assert membership.consent_recorded_at is None and not membership.consent_public_name


def test_staff_get_no_workspace_access_by_managing(world):
    staff = StaffFactory()
    assert permissions.can_manage_members(staff, world["mk"])
    assert not permissions.can_view_workspace(staff, world["mk"])
    assert not permissions.can_manage_members(UserFactory(is_staff=True, is_active=False), dag("BA"))
