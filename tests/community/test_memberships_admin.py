"""Staff admin of communities, memberships, invitations and requests to join (issue 6 item 9).

Staff-only: a community member who somehow holds the admin permissions is still refused; staff without the model
permissions are refused. Every change goes through community.services.memberships (mail, rules, audit log).
"""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community.models import Community, CommunityInvitation, JoinRequest, MemberRole, Membership
from community.services import memberships as services
from portal.notifications.models import OutboxMessage
from tests.community.community_factories import CommunityInvitationFactory, community_member, dag
from tests.community.membership_factories import JoinRequestFactory, dag_world
from tests.portal.factories import CountryFactory, UserFactory

pytestmark = pytest.mark.django_db

MODELS = ["community", "membership", "communityinvitation", "joinrequest"]
INDEXES = [
    "communities:index",
    "community_memberships:index",
    "community_invitations:index",
    "community_join_requests:index",
]


def _grant_all(user):
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"),
        *Permission.objects.filter(content_type__app_label="community", content_type__model__in=MODELS),
    )


@pytest.fixture
def world():
    return dag_world()


@pytest.fixture
def community_staff(staff_user):
    """Staff with every permission on communities, memberships, invitations and requests."""
    _grant_all(staff_user)
    return staff_user


@pytest.fixture
def staff(client, community_staff):
    client.force_login(community_staff)
    return client


# --- who gets in ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("index", INDEXES)
def test_a_non_staff_coordinator_with_the_permissions_is_refused(client, world, index):
    coordinator = world["coordinator"]
    _grant_all(coordinator)
    client.force_login(coordinator)

    response = client.get(reverse(index))

    assert response.status_code in (302, 403)
    assert world["member"].email not in response.content.decode()


def test_non_staff_cannot_act_through_the_admin_views(client, world):
    coordinator = world["coordinator"]
    _grant_all(coordinator)
    client.force_login(coordinator)
    membership = Membership.objects.get(user=world["member"])
    invitation = CommunityInvitationFactory(community=world["mk"])
    request = JoinRequestFactory(community=world["mk"])

    client.post(reverse("community_memberships:end", args=[membership.pk]), {"reason": "removed"})
    client.post(reverse("community_invitations:revoke", args=[invitation.pk]))
    client.post(reverse("community_join_requests:answer", args=[request.pk]), {"decision": "approve"})
    client.post(reverse("community_invitations:add"), {"community": world["mk"].pk, "email": "x@example.org"})

    assert Membership.objects.get(pk=membership.pk).ended_on is None
    assert CommunityInvitation.objects.get(pk=invitation.pk).revoked_at is None
    assert JoinRequest.objects.get(pk=request.pk).status == "pending"
    assert not CommunityInvitation.objects.filter(email="x@example.org").exists()


@pytest.mark.parametrize("index", INDEXES)
def test_staff_without_the_model_permissions_are_refused(staff_client, index):
    assert staff_client.get(reverse(index)).status_code in (302, 403)


def test_the_community_menu_lists_the_new_sections(staff):
    html = staff.get(reverse("wagtailadmin_home")).content.decode()
    for index in INDEXES:
        assert reverse(index) in html


# --- communities ---------------------------------------------------------------------------------------------------


def test_communities_filter_by_kind_and_country(staff, world):
    def edit(community):
        return reverse("communities:edit", args=[community.pk])

    everything = staff.get(reverse("communities:index")).content.decode()
    dags = staff.get(reverse("communities:index"), {"kind": "dag"}).content.decode()
    serbia = staff.get(reverse("communities:index"), {"country": CountryFactory(code="RS").pk}).content.decode()

    assert edit(world["rcp"]) in everything and edit(world["mk"]) in everything
    assert edit(world["rcp"]) not in dags and edit(world["mk"]) in dags
    assert edit(world["rs"]) in serbia and edit(world["mk"]) not in serbia


def test_staff_create_and_edit_a_community(staff, world):
    country = CountryFactory(code="BA")
    data = {
        "kind": "dag",
        "country": country.pk,
        "name": "Domestic Advisory Group – Bosnia and Herzegovina",
        "short_name": "DAG BA",
        "slug": "dag-ba",
        "timezone": "Europe/Sarajevo",
        "contact_email": "",
        "accepts_join_requests": "on",
    }
    assert staff.post(reverse("communities:add"), data).status_code == 302
    community = Community.objects.get(slug="dag-ba")

    response = staff.post(reverse("communities:edit", args=[community.pk]), {**data, "short_name": "DAG BiH"})

    assert response.status_code == 302
    community.refresh_from_db()
    assert community.short_name == "DAG BiH"


def test_a_second_dag_for_a_country_is_a_form_error(staff, world):
    data = {"kind": "dag", "country": world["mk"].country_id, "name": "Again", "slug": "again", "timezone": "UTC"}
    response = staff.post(reverse("communities:add"), data)
    assert response.status_code == 200
    assert not Community.objects.filter(slug="again").exists()


def test_nobody_deletes_communities_or_memberships(admin_client, world):
    assert admin_client.get(reverse("communities:delete", args=[world["mk"].pk])).status_code in (302, 403)
    membership = Membership.objects.get(user=world["member"])
    assert admin_client.post(reverse("community_memberships:delete", args=[membership.pk])).status_code in (302, 403)
    assert Membership.objects.filter(pk=membership.pk).exists()


# --- memberships ---------------------------------------------------------------------------------------------------


def test_memberships_filter_and_search(staff, world):
    services.remove_member(Membership.objects.get(user=world["observer"]), by=world["coordinator"])
    index = reverse("community_memberships:index")

    by_community = staff.get(index, {"community": world["rs"].pk}).content.decode()
    coordinators = staff.get(index, {"role": "coordinator"}).content.decode()
    former = staff.get(index, {"active": "false"}).content.decode()
    searched = staff.get(index, {"q": world["member"].email}).content.decode()

    assert world["other_dag_member"].email in by_community and world["member"].email not in by_community
    assert world["coordinator"].email in coordinators and world["member"].email not in coordinators
    assert world["observer"].email in former and world["member"].email not in former
    assert world["member"].email in searched and world["observer"].email not in searched


def test_staff_add_an_account_by_its_address(staff, world):
    person = UserFactory(email="Marko.Markovic@example.rs")
    data = {"community": world["rs"].pk, "email": "marko.markovic@example.rs", "role": "coordinator", "sector": "media"}

    response = staff.post(reverse("community_memberships:add"), {**data, "organisation": "", "position": ""})

    assert response.status_code == 302
    assert Membership.objects.active().get(user=person, community=world["rs"]).role == MemberRole.COORDINATOR
    again = staff.post(reverse("community_memberships:add"), {**data, "organisation": "", "position": ""})
    assert again.status_code == 200 and "already a member" in again.content.decode()


def test_adding_an_unknown_address_says_to_invite(staff, world):
    data = {"community": world["rs"].pk, "email": "nobody@example.org", "role": "member", "sector": "media"}
    response = staff.post(reverse("community_memberships:add"), {**data, "organisation": "", "position": ""})
    assert response.status_code == 200 and "Send an invitation" in response.content.decode()


def test_staff_edit_goes_through_the_service_and_may_demote_the_last_coordinator(staff, world, community_staff):
    own = Membership.objects.get(user=world["coordinator"])
    data = {"role": "member", "sector": "media", "organisation": "Kallxo", "position": "Editor", "expertise": []}

    response = staff.post(reverse("community_memberships:edit", args=[own.pk]), data)

    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.role, own.organisation) == (MemberRole.MEMBER, "Kallxo")
    history = staff.get(reverse("community_memberships:history", args=[own.pk])).content.decode()
    assert "Role changed" in history


def test_editing_an_ended_membership_is_refused_on_the_form(staff, world):
    membership = Membership.objects.get(user=world["member"])
    services.remove_member(membership, by=world["coordinator"])
    data = {"role": "observer", "sector": "media", "organisation": "", "position": ""}

    response = staff.post(reverse("community_memberships:edit", args=[membership.pk]), data)

    assert response.status_code == 200 and "already ended" in response.content.decode()
    assert Membership.objects.get(pk=membership.pk).role == MemberRole.MEMBER


def test_staff_end_a_membership_with_a_reason(staff, world):
    membership = Membership.objects.get(user=world["member"])
    url = reverse("community_memberships:end", args=[membership.pk])

    assert world["member"].email in staff.get(url).content.decode()
    response = staff.post(url, {"reason": "term_ended"})

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.ended_on == timezone.now().date() and membership.end_reason == "term_ended"
    assert staff.get(url).status_code == 404  # no longer active


# --- invitations ---------------------------------------------------------------------------------------------------


def test_staff_invite_through_the_service_so_the_mail_goes_out(staff, world):
    data = {
        "community": world["mk"].pk,
        "email": "new.coordinator@example.mk",
        "role": "coordinator",
        "sector": "civil_society",
        "organisation": "",
        "position": "",
        "message": "The programme team invites you.",
    }
    assert staff.post(reverse("community_invitations:add"), data).status_code == 302
    assert staff.post(reverse("community_invitations:add"), data).status_code == 302  # refreshed, not duplicated

    invitation = CommunityInvitation.objects.get()
    assert invitation.role == MemberRole.COORDINATOR
    assert OutboxMessage.objects.filter(template="community_invitation", recipient=invitation.email).count() == 2
    listing = staff.get(reverse("community_invitations:index")).content.decode()
    inspect = staff.get(reverse("community_invitations:inspect", args=[invitation.pk])).content.decode()
    assert invitation.email in listing
    assert invitation.token not in listing and invitation.token not in inspect


def test_inviting_a_member_is_a_form_error(staff, world):
    data = {"community": world["mk"].pk, "email": world["member"].email, "role": "member", "sector": "media"}
    response = staff.post(reverse("community_invitations:add"), data)
    assert response.status_code == 200 and "already a member" in response.content.decode()
    assert not CommunityInvitation.objects.exists()


def test_staff_revoke_and_filter_invitations_by_status(staff, world):
    pending = CommunityInvitationFactory(community=world["mk"], email="pending@example.org")
    gone = CommunityInvitationFactory(community=world["mk"], email="gone@example.org")

    assert staff.post(reverse("community_invitations:revoke", args=[gone.pk])).status_code == 302
    staff.get(reverse("community_invitations:index"))  # shows (and so clears) the success message naming gone@

    gone.refresh_from_db()
    assert gone.revoked_at is not None
    only_pending = staff.get(reverse("community_invitations:index"), {"status": "pending"}).content.decode()
    only_revoked = staff.get(reverse("community_invitations:index"), {"status": "revoked"}).content.decode()
    assert pending.email in only_pending and gone.email not in only_pending
    assert gone.email in only_revoked and pending.email not in only_revoked
    assert staff.get(reverse("community_invitations:edit", args=[pending.pk])).status_code in (302, 403)


# --- requests to join ----------------------------------------------------------------------------------------------


def test_staff_approve_a_request_and_the_requester_is_mailed(staff, world):
    request = JoinRequestFactory(community=world["mk"])
    url = reverse("community_join_requests:answer", args=[request.pk])

    assert request.motivation in staff.get(url).content.decode()
    response = staff.post(url, {"decision": "approve", "response": "Welcome."})

    assert response.status_code == 302
    assert Membership.objects.active().filter(user=request.user, community=world["mk"]).exists()
    assert OutboxMessage.objects.filter(template="community_join_decision", recipient=request.user.email).exists()
    assert staff.get(url).status_code == 404  # answered once


def test_staff_decline_a_request_and_filter_by_status(staff, world):
    declined = JoinRequestFactory(community=world["mk"])
    waiting = JoinRequestFactory(community=world["rs"])
    staff.post(reverse("community_join_requests:answer", args=[declined.pk]), {"decision": "decline"})

    html = staff.get(reverse("community_join_requests:index"), {"status": "pending"}).content.decode()

    assert JoinRequest.objects.get(pk=declined.pk).status == "declined"
    assert waiting.user.email in html and declined.user.email not in html
    assert staff.get(reverse("community_join_requests:add")).status_code in (302, 403)


def test_a_decision_without_a_choice_is_a_form_error(staff, world):
    request = JoinRequestFactory(community=world["mk"])
    response = staff.post(reverse("community_join_requests:answer", args=[request.pk]), {"response": "?"})
    assert response.status_code == 400
    assert JoinRequest.objects.get(pk=request.pk).status == "pending"


# --- list query counts ---------------------------------------------------------------------------------------------


def _rows(community, n):
    """``n`` memberships, invitations and requests to join of ``community``."""
    for _ in range(n):
        community_member(community)
        CommunityInvitationFactory(community=community)
        JoinRequestFactory(community=community)


@pytest.mark.parametrize("index", INDEXES[1:])
def test_admin_lists_query_count_does_not_grow(staff, index):
    community = dag("BA")
    _rows(community, 3)
    staff.get(reverse(index))  # warm up
    with CaptureQueriesContext(connection) as small:
        staff.get(reverse(index))
    _rows(community, 15)
    with CaptureQueriesContext(connection) as large:
        response = staff.get(reverse(index))

    assert response.status_code == 200
    assert len(small) == len(large), (len(small), len(large))
