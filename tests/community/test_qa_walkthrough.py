"""Regressions found by walking through the sub-grant flow in a browser as a new user (QA, issue 3)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from community.forms import OrganisationForm
from community.models import Organisation
from portal.demo.users import STAFF_GROUP, ensure_groups
from tests.community.test_organisation_views import _form_data
from tests.portal.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_per_request")]

START = "/grants/applications/new/?call=5&lot=14"


def test_creating_an_organisation_returns_to_the_application_it_was_started_from(client):
    # The application start page links to "Create an organisation" with ?next= and promises "then come back here".
    client.force_login(UserFactory())
    url = (
        reverse("community:organisation_create") + "?next=" + "%2Fgrants%2Fapplications%2Fnew%2F%3Fcall%3D5%26lot%3D14"
    )

    form_page = client.get(url).content.decode()
    response = client.post(url, _form_data())

    assert 'href="/grants/applications/new/?call=5&amp;lot=14"' in form_page  # Cancel goes back too
    assert response.status_code == 302
    assert response["Location"] == START
    assert Organisation.objects.filter(legal_name="Open Budget Sarajevo").exists()


@pytest.mark.parametrize("next_url", ["https://evil.example.org/", "//evil.example.org/x", "javascript:alert(1)"])
def test_a_next_url_to_another_site_is_ignored(client, next_url):
    client.force_login(UserFactory())

    response = client.post(reverse("community:organisation_create"), {**_form_data(), "next": next_url})

    organisation = Organisation.objects.get(legal_name="Open Budget Sarajevo")
    assert response.status_code == 302
    assert response["Location"] == reverse("community:organisation_detail", args=[organisation.pk])


def test_without_next_the_new_organisation_page_opens(client):
    client.force_login(UserFactory())

    response = client.post(reverse("community:organisation_create"), _form_data())

    organisation = Organisation.objects.get(legal_name="Open Budget Sarajevo")
    assert response["Location"] == reverse("community:organisation_detail", args=[organisation.pk])


def test_the_website_label_is_capitalised_like_the_other_labels():
    assert str(OrganisationForm().fields["website"].label) == "Website"


def test_demo_programme_staff_reach_community_organisations_and_may_change_them(client, staff_user):
    # load_demo's "Programme staff" group must carry the permissions the Organisations admin checks, or the demo
    # staff user cannot see Community → Organisations nor mark an organisation verified.
    ensure_groups()
    staff_user.groups.add(Group.objects.get(name=STAFF_GROUP))
    staff_user = type(staff_user).objects.get(pk=staff_user.pk)  # drop the cached permissions

    client.force_login(staff_user)
    response = client.get(reverse("organisations:index"))

    assert staff_user.has_perm("community.view_organisation")
    assert staff_user.has_perm("community.change_organisation")
    assert not staff_user.has_perm("community.add_organisation")
    assert response.status_code == 200


def test_other_demo_groups_do_not_get_the_organisations_admin(client, staff_user):
    groups = ensure_groups()
    others = [group for name, group in groups.items() if name != STAFF_GROUP]

    assert others
    for group in others:
        assert not group.permissions.filter(content_type__app_label="community").exists()
