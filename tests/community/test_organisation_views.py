"""Portal pages for organisations: the permission matrix, forms and bad input, invitations, list query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import Organisation, OrganisationInvitation, OrganisationMembership
from tests.community.factories import OrganisationFactory, OrganisationInvitationFactory, member_of
from tests.portal.factories import CountryFactory, UserFactory
from tests.portal.html_checks import inline_code, unstyled_classes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_per_request")]

ADMIN = OrganisationMembership.Role.ADMIN
MEMBER = OrganisationMembership.Role.MEMBER


@pytest.fixture
def world(staff_user):
    organisation = OrganisationFactory(legal_name="Civic Lens")
    return {
        "organisation": organisation,
        "admin": member_of(organisation, ADMIN),
        "member": member_of(organisation, MEMBER),
        "other": UserFactory(),
        "staff": staff_user,
        "invitation": OrganisationInvitationFactory(organisation=organisation, email="pending@example.org"),
    }


def _url(name, world):
    org = world["organisation"]
    args = {
        "organisation_list": [],
        "organisation_create": [],
        "organisation_detail": [org.pk],
        "organisation_edit": [org.pk],
        "organisation_invite": [org.pk],
        "organisation_leave": [org.pk],
        "member_remove": [org.pk, world["member"].pk],
        "invitation_revoke": [org.pk, world["invitation"].pk],
    }[name]
    return reverse(f"community:{name}", args=args)


# Expected status of a GET, per URL, for: anonymous, another user, member, admin, staff (not a member).
MATRIX = {
    "organisation_list": (302, 200, 200, 200, 200),
    "organisation_create": (302, 200, 200, 200, 200),
    "organisation_detail": (302, 404, 200, 200, 200),
    "organisation_edit": (302, 404, 403, 200, 403),
    "organisation_invite": (302, 404, 403, 200, 403),
    "organisation_leave": (302, 404, 200, 200, 404),
    "member_remove": (302, 404, 403, 200, 403),
    "invitation_revoke": (302, 404, 403, 200, 403),
}
WHO = ("anonymous", "other", "member", "admin", "staff")


@pytest.mark.parametrize("name", MATRIX)
@pytest.mark.parametrize("who_index", range(len(WHO)), ids=WHO)
def test_permission_matrix(client, world, name, who_index):
    who = WHO[who_index]
    if who != "anonymous":
        client.force_login(world[who])

    response = client.get(_url(name, world))

    assert response.status_code == MATRIX[name][who_index]
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["organisation_edit", "organisation_leave", "member_remove", "invitation_revoke"])
@pytest.mark.parametrize("who", ["other", "member_or_staff"])
def test_posts_by_people_without_rights_change_nothing(client, world, name, who):
    if who == "other":
        user, expected = world["other"], 404
    else:
        user = world["staff"] if name == "organisation_leave" else world["member"]
        expected = 404 if name == "organisation_leave" else 403
    client.force_login(user)

    response = client.post(_url(name, world), {"legal_name": "Hijacked"})

    assert response.status_code == expected
    org = world["organisation"]
    org.refresh_from_db()
    assert org.legal_name == "Civic Lens"
    assert org.memberships.count() == 2
    assert OrganisationInvitation.objects.pending().count() == 1


def test_pages_use_only_known_classes_and_no_inline_code(client, world):
    client.force_login(world["admin"])
    for name in MATRIX:
        html = client.get(_url(name, world)).content.decode()
        assert not unstyled_classes(html), (name, unstyled_classes(html))
        assert not inline_code(html), (name, inline_code(html))


def test_account_menu_links_to_my_organisations(client, world):
    client.force_login(world["other"])

    html = client.get(reverse("community:organisation_list")).content.decode()

    assert f'href="{reverse("community:organisation_list")}"' in html


def test_detail_shows_members_to_members_but_manage_actions_only_to_admins(client, world):
    client.force_login(world["member"])
    html = client.get(_url("organisation_detail", world)).content.decode()
    assert world["admin"].email in html and "pending@example.org" in html
    assert _url("organisation_edit", world) not in html and _url("member_remove", world) not in html

    client.force_login(world["admin"])
    html = client.get(_url("organisation_detail", world)).content.decode()
    assert _url("organisation_edit", world) in html and _url("member_remove", world) in html


# --- create and edit -----------------------------------------------------------------------------------------------


def _form_data(**overrides):
    data = {
        "legal_name": "Open Budget Sarajevo",
        "local_name": "Otvoreni budžet Sarajevo",
        "registration_number": "BA-4400",
        "country": CountryFactory(code="BA").pk,
        "organisation_type": "association",
        "year_registered": "2010",
        "annual_budget_eur": "25000.50",
        "website": "https://ob.example.org",
        "address": "Ferhadija 1\nSarajevo",
        "contact_name": "Amra",
        "contact_email": "office@ob.example.org",
        "contact_phone": "+387 33 000 000",
    }
    data.update(overrides)
    return data


def test_create_makes_the_creator_admin_and_ignores_extra_fields(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("community:organisation_create"),
        _form_data(verified="on", created_by=UserFactory().pk, verified_by=user.pk),
    )

    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("community:organisation_detail", args=[organisation.pk])
    assert organisation.verified is False and organisation.verified_by is None
    assert organisation.created_by == user
    assert organisation.memberships.get().user == user
    assert organisation.memberships.get().role == ADMIN


def test_duplicate_registration_shows_form_error_and_keeps_input(client):
    OrganisationFactory(country=CountryFactory(code="BA"), registration_number="BA-4400")
    client.force_login(UserFactory())

    response = client.post(reverse("community:organisation_create"), _form_data())

    assert response.status_code == 200
    assert "Ask one of its administrators to invite you" in response.content.decode()
    assert 'value="Open Budget Sarajevo"' in response.content.decode()
    assert Organisation.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("legal_name", "Bad\x00name"),
        ("address", "Street\x00 1"),
        ("legal_name", "x" * 1_000_000),
        ("address", "y" * 1_000_000),
        ("local_name", "z" * 1_000_000),
        ("year_registered", "1899"),
        ("year_registered", "3000"),
        ("year_registered", "abc"),
        ("annual_budget_eur", "-1"),
        ("annual_budget_eur", "12.345"),
        ("annual_budget_eur", "lots"),
        ("website", "javascript:alert(1)"),
        ("contact_email", "not-an-address"),
    ],
)
def test_bad_input_gives_form_errors_not_500(client, field, value):
    client.force_login(UserFactory())

    response = client.post(reverse("community:organisation_create"), _form_data(**{field: value}))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Organisation.objects.exists()


def test_country_outside_the_programme_is_refused(client):
    client.force_login(UserFactory())

    response = client.post(reverse("community:organisation_create"), _form_data(country=CountryFactory(code="FR").pk))

    assert response.status_code == 200
    assert "country" in response.context["form"].errors


def test_admin_edits_profile_and_extra_fields_are_ignored(client, world):
    client.force_login(world["admin"])
    data = _form_data(legal_name="Civic Lens Skopje", verified="on", created_by=world["other"].pk)

    response = client.post(_url("organisation_edit", world), data)

    assert response.status_code == 302
    org = world["organisation"]
    org.refresh_from_db()
    assert org.legal_name == "Civic Lens Skopje"
    assert org.verified is False and org.created_by is None


# --- invitations ---------------------------------------------------------------------------------------------------


def test_admin_invites_and_the_invitee_accepts_after_signing_in(client, world):
    from django.core import mail

    client.force_login(world["admin"])
    response = client.post(_url("organisation_invite", world), {"email": "newbie@example.org", "role": "member"})
    assert response.status_code == 302
    invitation = OrganisationInvitation.objects.get(email="newbie@example.org")
    accept_url = reverse("community:invitation_accept", args=[invitation.token])
    assert any(accept_url in m.body for m in mail.outbox if m.to == ["newbie@example.org"])

    client.logout()
    response = client.get(accept_url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"] and invitation.token in response["Location"]

    newbie = UserFactory(email="newbie@example.org")
    client.force_login(newbie)
    page = client.get(accept_url)
    assert page.status_code == 200
    assert "Civic Lens" in page.content.decode() and "Member" in page.content.decode()
    assert not OrganisationMembership.objects.filter(user=newbie).exists()  # GET does not accept

    response = client.post(accept_url)
    assert response.status_code == 302
    assert OrganisationMembership.objects.get(user=newbie).role == MEMBER
    assert client.post(accept_url).status_code == 302  # again: idempotent
    assert OrganisationMembership.objects.filter(user=newbie).count() == 1


def test_accept_with_another_account_shows_the_reason(client, world):
    client.force_login(world["other"])
    url = reverse("community:invitation_accept", args=[world["invitation"].token])

    assert "another email address" in client.get(url).content.decode()
    response = client.post(url)

    assert response.status_code == 400
    assert not OrganisationMembership.objects.filter(user=world["other"]).exists()


def test_unknown_token_is_404(client):
    client.force_login(UserFactory())

    assert client.get(reverse("community:invitation_accept", args=["no-such-token"])).status_code == 404


def test_revoke_by_admin(client, world):
    client.force_login(world["admin"])

    response = client.post(_url("invitation_revoke", world))

    assert response.status_code == 302
    assert not OrganisationInvitation.objects.pending().exists()


# --- members -------------------------------------------------------------------------------------------------------


def test_last_admin_cannot_be_removed_through_the_page(client, world):
    client.force_login(world["admin"])
    url = reverse("community:member_remove", args=[world["organisation"].pk, world["admin"].pk])

    response = client.post(url, follow=True)

    assert response.status_code == 200
    assert "at least one administrator" in response.content.decode()
    assert world["organisation"].memberships.filter(user=world["admin"], role=ADMIN).exists()


def test_admin_removes_a_member(client, world):
    client.force_login(world["admin"])

    response = client.post(_url("member_remove", world))

    assert response.status_code == 302
    assert not world["organisation"].memberships.filter(user=world["member"]).exists()


def test_admin_promotes_a_member_and_member_cannot(client, world):
    url = reverse("community:member_role", args=[world["organisation"].pk, world["member"].pk])
    client.force_login(world["member"])
    assert client.post(url, {"role": "admin"}).status_code == 403
    assert client.get(url).status_code == 405

    client.force_login(world["admin"])
    assert client.post(url, {"role": "admin"}).status_code == 302
    assert world["organisation"].memberships.get(user=world["member"]).role == ADMIN


def test_member_leaves(client, world):
    client.force_login(world["member"])

    response = client.post(_url("organisation_leave", world))

    assert response.status_code == 302
    assert response["Location"] == reverse("community:organisation_list")
    assert not world["organisation"].memberships.filter(user=world["member"]).exists()


# --- list ----------------------------------------------------------------------------------------------------------


def _list_queries(client, user, count):
    for _ in range(count):
        organisation = OrganisationFactory()
        OrganisationMembership.objects.create(organisation=organisation, user=user, role=MEMBER)
        member_of(organisation, ADMIN)
    client.get(reverse("community:organisation_list"))  # warm the per-process caches (site, menus)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("community:organisation_list"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == count
    return len(ctx.captured_queries)


def test_my_organisations_query_count_is_the_same_for_3_and_30(client):
    few_user, many_user = UserFactory(), UserFactory()
    client.force_login(few_user)
    few = _list_queries(client, few_user, 3)
    client.force_login(many_user)
    many = _list_queries(client, many_user, 30)

    assert few == many


def test_list_shows_only_my_organisations(client, world):
    OrganisationFactory(legal_name="Somebody Else's NGO")
    client.force_login(world["member"])

    html = client.get(reverse("community:organisation_list")).content.decode()

    assert "Civic Lens" in html and "Somebody Else" not in html
