"""Wagtail admin for organisations: who reaches it, list filters and search, verification through the service."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from community.models import OrganisationMembership
from tests.community.factories import OrganisationFactory, member_of
from tests.portal.factories import CountryFactory, UserFactory

pytestmark = pytest.mark.django_db

INDEX = "organisations:index"


@pytest.fixture
def organisation_staff(staff_user):
    """Staff with view and change permissions on organisations."""
    staff_user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="community", codename__in=["view_organisation", "change_organisation"]
        )
    )
    return staff_user


def _edit_data(organisation, **overrides):
    data = {
        "legal_name": organisation.legal_name,
        "local_name": organisation.local_name,
        "registration_number": organisation.registration_number,
        "country": organisation.country_id,
        "organisation_type": organisation.organisation_type,
        "year_registered": organisation.year_registered,
        "annual_budget_eur": organisation.annual_budget_eur,
        "website": organisation.website,
        "address": organisation.address,
        "contact_name": organisation.contact_name,
        "contact_email": organisation.contact_email,
        "contact_phone": organisation.contact_phone,
    }
    data.update(overrides)
    return data


def test_non_staff_cannot_reach_the_admin_list(client):
    organisation = OrganisationFactory()
    client.force_login(member_of(organisation))

    response = client.get(reverse(INDEX))

    assert response.status_code == 302
    assert organisation.legal_name not in response.content.decode()


def test_staff_without_the_model_permission_is_refused(staff_client):
    response = staff_client.get(reverse(INDEX))

    assert response.status_code in (302, 403)


def test_list_filters_by_country_and_verified_and_searches(client, organisation_staff):
    client.force_login(organisation_staff)
    OrganisationFactory(legal_name="Skopje Watch", country=CountryFactory(code="MK"), registration_number="MK-1")
    OrganisationFactory(legal_name="Belgrade Lens", country=CountryFactory(code="RS"), verified=True)

    everything = client.get(reverse(INDEX)).content.decode()
    by_country = client.get(reverse(INDEX), {"country": CountryFactory(code="RS").pk}).content.decode()
    verified = client.get(reverse(INDEX), {"verified": "true"}).content.decode()
    searched = client.get(reverse(INDEX), {"q": "MK-1"}).content.decode()

    assert "Skopje Watch" in everything and "Belgrade Lens" in everything
    assert "Belgrade Lens" in by_country and "Skopje Watch" not in by_country
    assert "Belgrade Lens" in verified and "Skopje Watch" not in verified
    assert "Skopje Watch" in searched and "Belgrade Lens" not in searched


def test_staff_verify_through_the_edit_form_records_who_and_when(client, organisation_staff):
    client.force_login(organisation_staff)
    organisation = OrganisationFactory(legal_name="Civic Lens")

    response = client.post(
        reverse("organisations:edit", args=[organisation.pk]),
        _edit_data(organisation, legal_name="Civic Lens (checked)", verified="on"),
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.legal_name == "Civic Lens (checked)"
    assert organisation.verified is True
    assert organisation.verified_by == organisation_staff
    assert organisation.verified_at is not None


def test_unticking_verified_clears_the_record_and_saving_again_keeps_it(client, organisation_staff):
    client.force_login(organisation_staff)
    organisation = OrganisationFactory()
    url = reverse("organisations:edit", args=[organisation.pk])
    client.post(url, _edit_data(organisation, verified="on"))
    organisation.refresh_from_db()
    first_verified_at = organisation.verified_at

    client.post(url, _edit_data(organisation, verified="on", contact_name="Changed"))
    organisation.refresh_from_db()
    assert organisation.verified_at == first_verified_at  # unchanged verification is not re-recorded

    client.post(url, _edit_data(organisation))
    organisation.refresh_from_db()
    assert (organisation.verified, organisation.verified_at, organisation.verified_by) == (False, None, None)


def test_nobody_adds_organisations_in_the_admin(admin_client):
    response = admin_client.get(reverse("organisations:add"))

    assert response.status_code in (302, 403)


def test_inspect_lists_members(client, organisation_staff):
    client.force_login(organisation_staff)
    organisation = OrganisationFactory()
    member_of(organisation, OrganisationMembership.Role.MEMBER, email="member.person@example.org")

    response = client.get(reverse("organisations:inspect", args=[organisation.pk]))

    assert response.status_code == 200
    assert "member.person@example.org" in response.content.decode()


def test_admin_menu_has_community_group_with_organisations(client, organisation_staff):
    client.force_login(organisation_staff)

    html = client.get(reverse("wagtailadmin_home")).content.decode()

    assert "Organisations" in html and reverse(INDEX) in html


def test_portal_user_is_not_staff_so_cannot_verify_through_admin(client):
    user = UserFactory()
    organisation = OrganisationFactory()
    client.force_login(user)

    response = client.post(
        reverse("organisations:edit", args=[organisation.pk]), _edit_data(organisation, verified="on")
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.verified is False
