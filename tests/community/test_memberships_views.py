"""The joining and managing pages end to end: invite → sign up → accept, bad tokens on the page, requests to join
with the decision mails, the coordinator's actions, and the member's own membership page."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from community.models import CommunityInvitation, ExpertiseArea, JoinRequest, MemberRole, Membership, Sector
from community.services import memberships as services
from tests.community.community_factories import community_member
from tests.community.membership_factories import JoinRequestFactory, dag_world
from tests.portal.factories import UserFactory
from tests.portal.html_checks import inline_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_per_request")]

NEW_PASSWORD = "Ohrid-Lake-Statement-2026"


@pytest.fixture
def world():
    cache.clear()  # allauth's rate limits live in the cache
    return dag_world()


def _url(name, *args):
    return reverse(f"workspace:{name}", args=args)


def _invite_through_the_page(client, world, email):
    client.force_login(world["coordinator"])
    response = client.post(
        _url("manage_invite", world["mk"].slug),
        {"email": email, "role": "member", "sector": "academia", "organisation": "UKIM", "message": "Join us!"},
    )
    assert response.status_code == 302
    client.logout()
    return CommunityInvitation.objects.get(email=email)


# --- invitation: the whole way -------------------------------------------------------------------------------------


def test_invited_person_without_an_account_signs_up_and_comes_back_to_accept(client, world):
    invitation = _invite_through_the_page(client, world, "vesna.stojanovska@example.mk")
    accept_url = _url("invitation_accept", invitation.token)
    message = next(m for m in mail.outbox if m.to == ["vesna.stojanovska@example.mk"])
    assert accept_url in message.body and "Join us!" in message.body

    page = client.get(accept_url)
    assert page.status_code == 200
    html = page.content.decode()
    signup_url = page.context["signup_url"]
    assert signup_url.startswith(reverse("account_signup")) and invitation.token in signup_url
    assert page.context["login_url"].startswith(reverse("account_login"))
    assert world["mk"].name in html and "vesna.stojanovska@example.mk" in html

    # The sign-up page keeps the token (as next) in its form.
    signup_page = client.get(signup_url).content.decode()
    assert f'value="{accept_url}"' in signup_page
    client.post(
        reverse("account_signup"),
        {
            "first_name": "Весна",
            "last_name": "Стојановска",
            "email": "vesna.stojanovska@example.mk",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "next": accept_url,
        },
    )
    link = re.search(r"https?://[^/\s]+(/\S*/confirm-email/[^/\s]+/)", mail.outbox[-1].body).group(1)
    response = client.post(link)
    assert response["Location"].startswith(reverse("account_login")) and invitation.token in response["Location"]
    response = client.post(
        response["Location"], {"login": "vesna.stojanovska@example.mk", "password": NEW_PASSWORD, "next": accept_url}
    )
    assert response["Location"] == accept_url

    assert client.get(accept_url).status_code == 200
    assert not Membership.objects.filter(user__email="vesna.stojanovska@example.mk").exists()  # GET does not accept
    response = client.post(accept_url)

    assert response.status_code == 302 and response["Location"] == _url("membership", world["mk"].slug)
    membership = Membership.objects.get(user__email="vesna.stojanovska@example.mk")
    assert (membership.community, membership.sector, membership.organisation) == (world["mk"], "academia", "UKIM")
    assert client.get(response["Location"]).status_code == 200


def test_a_double_click_makes_one_membership(client, world):
    invitation = _invite_through_the_page(client, world, "newbie@example.org")
    newbie = UserFactory(email="newbie@example.org")
    client.force_login(newbie)

    assert client.post(_url("invitation_accept", invitation.token)).status_code == 302
    assert client.post(_url("invitation_accept", invitation.token)).status_code == 302
    page = client.get(_url("invitation_accept", invitation.token))

    assert "already accepted" in page.content.decode()
    assert Membership.objects.filter(user=newbie).count() == 1


@pytest.mark.parametrize(
    ("case", "text"),
    [
        ("expired", "has expired"),
        ("used", "already been used"),
        ("revoked", "has been withdrawn"),
        ("wrong_account", "another email address"),
    ],
)
def test_a_bad_token_is_explained_and_makes_no_membership(client, world, case, text):
    invitation = services.invite(world["mk"], email="invited@example.org", by=world["coordinator"])
    user = UserFactory(email="invited@example.org" if case != "wrong_account" else "someone.else@example.org")
    if case == "used":
        services.accept_invitation(invitation.token, user=user)
        user = UserFactory(email="forwarded@example.org")
    if case == "revoked":
        services.revoke_invitation(invitation, by=world["coordinator"])
    if case == "expired":  # (travelling 14 days ahead would also expire the test client's session)
        CommunityInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(user)
    url = _url("invitation_accept", invitation.token)

    page = client.get(url)
    response = client.post(url)

    assert page.status_code == 200 and text in page.content.decode()
    assert "Accept invitation" not in page.content.decode()
    assert response.status_code == 400 and text in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()


def test_an_unknown_token_is_404(client, world):
    assert client.get(_url("invitation_accept", "not-a-token")).status_code == 404
    client.force_login(world["outsider"])
    assert client.post(_url("invitation_accept", "not-a-token")).status_code == 404


def test_anonymous_post_to_accept_goes_to_sign_in(client, world):
    invitation = services.invite(world["mk"], email="invited@example.org", by=world["coordinator"])
    response = client.post(_url("invitation_accept", invitation.token))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert not CommunityInvitation.objects.get().accepted_at


# --- requests to join ----------------------------------------------------------------------------------------------


def test_outsider_asks_to_join_and_the_coordinator_approves_with_a_message(client, world):
    person = UserFactory(first_name="Besa", preferred_language="sq")
    client.force_login(person)
    join_url = _url("join", world["mk"].slug)
    assert "Send my request" in client.get(join_url).content.decode()

    response = client.post(join_url, {"sector": "media", "organisation": "BIRN", "motivation": "Data stories."})

    assert response.status_code == 302
    page = client.get(join_url).content.decode()
    assert "waiting for an answer" in page and "Withdraw my request" in page
    assert any(m.to == [world["coordinator"].email] and "Data stories." in m.body for m in mail.outbox)

    client.force_login(world["coordinator"])
    manage = client.get(_url("manage", world["mk"].slug)).content.decode()
    assert "Data stories." in manage and "BIRN" in manage
    request = JoinRequest.objects.get(user=person)
    response = client.post(
        _url("manage_request", world["mk"].slug, request.pk), {"decision": "approve", "response": "Mirë se vini!"}
    )

    assert response.status_code == 302
    assert Membership.objects.active().get(user=person).organisation == "BIRN"
    decision = [m for m in mail.outbox if m.to == [person.email]][-1]
    assert "Mirë se vini!" in decision.body
    client.force_login(person)
    assert client.get(_url("membership", world["mk"].slug)).status_code == 200


def test_the_coordinator_declines_with_a_message_and_the_person_sees_it(client, world):
    person = UserFactory()
    request = JoinRequestFactory(community=world["mk"], user=person)
    client.force_login(world["coordinator"])

    client.post(
        _url("manage_request", world["mk"].slug, request.pk),
        {"decision": "decline", "response": "The group is full this year."},
    )

    request.refresh_from_db()
    assert request.status == JoinRequest.Status.DECLINED
    assert any(m.to == [person.email] and "The group is full this year." in m.body for m in mail.outbox)
    client.force_login(person)
    page = client.get(_url("join", world["mk"].slug)).content.decode()
    assert "The group is full this year." in page and "Send my request" in page


def test_a_bad_decision_value_changes_nothing(client, world):
    request = JoinRequestFactory(community=world["mk"])
    client.force_login(world["coordinator"])
    client.post(_url("manage_request", world["mk"].slug, request.pk), {"decision": "maybe"})
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.PENDING


def test_withdrawing_a_request(client, world):
    request = JoinRequestFactory(community=world["mk"])
    client.force_login(request.user)
    response = client.post(_url("join_withdraw", world["mk"].slug))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.WITHDRAWN


def test_a_closed_community_explains_and_takes_no_request(client, world):
    world["mk"].accepts_join_requests = False
    world["mk"].save()
    client.force_login(world["outsider"])

    page = client.get(_url("join", world["mk"].slug))
    response = client.post(_url("join", world["mk"].slug), {"sector": "media"})

    assert "does not take requests" in page.content.decode()
    assert response.status_code == 400 and not JoinRequest.objects.exists()


def test_join_for_an_unknown_community_is_404(client, world):
    client.force_login(world["outsider"])
    assert client.get(_url("join", "no-such-dag")).status_code == 404


# --- the coordinator's page ----------------------------------------------------------------------------------------


def test_manage_page_lists_members_invitations_requests_and_former_members(client, world):
    invitation = services.invite(world["mk"], email="pending@example.org", by=world["coordinator"])
    JoinRequestFactory(community=world["mk"], motivation="Procurement data.")
    former = community_member(world["mk"], user=UserFactory(last_name="Former"))
    services.remove_member(Membership.objects.get(user=former), by=world["coordinator"])
    client.force_login(world["coordinator"])

    response = client.get(_url("manage", world["mk"].slug))
    html = response.content.decode()

    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "Your role: Coordinator" in html
    assert world["member"].email in html and world["observer"].email in html
    assert "pending@example.org" in html and invitation.token not in html
    assert "Procurement data." in html
    assert "Former members" in html and former.email in html and "Removed by a coordinator" in html
    assert world["other_dag_member"].email not in html
    assert not inline_code(html)


def test_invite_form_errors_come_back_on_the_page(client, world):
    client.force_login(world["coordinator"])

    bad = client.post(_url("manage_invite", world["mk"].slug), {"email": "nope", "role": "member", "sector": "media"})
    member = client.post(
        _url("manage_invite", world["mk"].slug), {"email": world["member"].email, "role": "member", "sector": "media"}
    )

    assert bad.status_code == 400 and "email" in bad.context["invite_form"].errors
    assert member.status_code == 400 and "already a member" in member.content.decode()
    assert not CommunityInvitation.objects.exists()


def test_withdraw_an_invitation_after_confirming(client, world):
    invitation = services.invite(world["mk"], email="pending@example.org", by=world["coordinator"])
    client.force_login(world["coordinator"])
    url = _url("manage_invitation_revoke", world["mk"].slug, invitation.pk)

    assert "pending@example.org" in client.get(url).content.decode()
    assert CommunityInvitation.objects.pending().exists()  # GET changes nothing
    assert client.post(url).status_code == 302
    assert not CommunityInvitation.objects.pending().exists()
    assert client.get(url).status_code == 404


def test_change_role_and_the_last_coordinator_rule_on_the_page(client, world):
    client.force_login(world["coordinator"])
    own = Membership.objects.get(user=world["coordinator"])
    member = Membership.objects.get(user=world["member"])

    client.post(_url("manage_member_role", world["mk"].slug, member.pk), {"role": "observer"})
    response = client.post(_url("manage_member_role", world["mk"].slug, own.pk), {"role": "member"}, follow=True)

    assert Membership.objects.get(pk=member.pk).role == MemberRole.OBSERVER
    assert Membership.objects.get(pk=own.pk).role == MemberRole.COORDINATOR
    assert "at least one coordinator" in response.content.decode()


def test_end_a_membership_with_a_reason_after_confirming(client, world):
    client.force_login(world["coordinator"])
    member = Membership.objects.get(user=world["member"])
    url = _url("manage_member_remove", world["mk"].slug, member.pk)

    page = client.get(url).content.decode()
    response = client.post(url, {"reason": "term_ended"})

    assert "Term ended" in page
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.ended_on == timezone.now().date() and member.end_reason == "term_ended"
    assert client.get(url).status_code == 404


# --- my membership -------------------------------------------------------------------------------------------------


def test_member_sets_consent_details_and_expertise(client, world):
    client.force_login(world["member"])
    url = _url("membership", world["mk"].slug)
    page = client.get(url).content.decode()
    assert "Show my name on the public roster" in page and "Anyone on the internet" in page
    areas = ExpertiseArea.objects.filter(code__in=["open_data", "elections"])

    response = client.post(
        url,
        {
            "consent_public_name": "on",
            "consent_public_sector": "on",
            "sector": "academia",
            "organisation": "Faculty of Law",
            "position": "Researcher",
            "expertise": [a.pk for a in areas],
        },
    )

    assert response.status_code == 302
    membership = Membership.objects.get(user=world["member"])
    assert membership.consent_public_name and membership.consent_public_sector
    assert not membership.consent_public_organisation
    assert membership.sector == Sector.ACADEMIA and membership.consent_recorded_at is not None
    assert set(membership.expertise.values_list("code", flat=True)) == {"open_data", "elections"}


def test_bad_input_on_my_membership_is_refused(client, world):
    client.force_login(world["member"])
    response = client.post(_url("membership", world["mk"].slug), {"sector": "church", "position": "x" * 201})
    assert response.status_code == 400
    assert Membership.objects.get(user=world["member"]).sector == Sector.CIVIL_SOCIETY


def test_leaving_after_confirming_ends_access(client, world):
    client.force_login(world["member"])
    url = _url("membership_leave", world["mk"].slug)

    assert "Leave the community" in client.get(url).content.decode()
    assert Membership.objects.active().filter(user=world["member"]).exists()
    response = client.post(url)

    assert response.status_code == 302
    assert Membership.objects.get(user=world["member"]).end_reason == Membership.EndReason.LEFT
    assert client.get(_url("membership", world["mk"].slug)).status_code == 404


def test_the_last_coordinator_cannot_leave_through_the_page(client, world):
    client.force_login(world["coordinator"])
    response = client.post(_url("membership_leave", world["mk"].slug), follow=True)
    assert "at least one coordinator" in response.content.decode()
    assert Membership.objects.active().filter(user=world["coordinator"]).exists()


def test_a_dag_member_in_the_rcp_is_pointed_to_their_dag(client, world):
    client.force_login(world["member"])
    response = client.get(_url("membership", world["rcp"].slug))
    html = response.content.decode()
    assert response.status_code == 200
    assert _url("membership", world["mk"].slug) in html and 'name="sector"' not in html
    assert client.post(_url("membership", world["rcp"].slug), {"sector": "media"}).status_code == 404
    assert client.get(_url("membership_leave", world["rcp"].slug)).status_code == 404


def test_pages_have_no_inline_code(client, world):
    client.force_login(world["member"])
    for url in (_url("membership", world["mk"].slug), _url("membership_leave", world["mk"].slug)):
        assert not inline_code(client.get(url).content.decode()), url
    client.force_login(world["outsider"])
    assert not inline_code(client.get(_url("join", world["mk"].slug)).content.decode())
