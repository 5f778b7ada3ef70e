"""Signed-in users without admin access get a 403 page from the admins, not a redirect loop (QA walk of issue 4).

The loop was: /admin/ → /accounts/login/?next=/admin/ → allauth sends the signed-in user back to next → /admin/ …
Now the admins' sign-in URLs (/admin/login/, /django-admin/login/) answer 403 to them, and still send anonymous
visitors on to the sign-in page.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from portal.accounts.roles import REVIEWERS_GROUP
from tests.community.factories import OrganisationFactory, member_of
from tests.portal.factories_accounts import StaffFactory, UserFactory
from tests.portal.html_checks import inline_code

pytestmark = pytest.mark.django_db

ADMIN_URLS = ["/admin/", "/admin/grants_ranking/", "/admin/grants_reports/", "/admin/pages/"]


def applicant():
    return member_of(OrganisationFactory())


def reviewer():
    user = UserFactory(totp=True)  # reviewers sign in with two factors
    user.groups.add(Group.objects.get_or_create(name=REVIEWERS_GROUP)[0])
    return user


@pytest.mark.parametrize("make_user", [applicant, reviewer, UserFactory], ids=["applicant", "reviewer", "plain"])
@pytest.mark.parametrize("url", ADMIN_URLS)
def test_signed_in_user_without_admin_access_gets_a_403_page_not_a_loop(client, make_user, url):
    user = make_user()
    client.force_login(user)
    response = client.get(url, follow=True)  # follow=True raises RedirectCycleError on a loop
    assert response.status_code == 403
    assert len(response.redirect_chain) <= 1
    assert [template.name for template in response.templates][0] == "403.html"
    html = response.content.decode()
    assert "No access to the staff area" in html
    assert user.email in html
    assert reverse("account_logout") in html
    assert not inline_code(html)
    assert client.session.get("_auth_user_id") == str(user.pk)  # still signed in


@pytest.mark.parametrize("make_user", [applicant, reviewer], ids=["applicant", "reviewer"])
def test_django_admin_answers_403_to_non_staff_without_a_loop(client, make_user):
    client.force_login(make_user())
    response = client.get("/django-admin/", follow=True)
    assert response.status_code == 403
    assert "No access to the staff area" in response.content.decode()


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_anonymous_visitor_still_goes_to_the_sign_in_page(client, url):
    response = client.get(url, follow=True)
    assert response.status_code == 200
    final_url = response.redirect_chain[-1][0]
    assert final_url.startswith(reverse("account_login") + "?next=")
    assert response.templates[0].name.startswith("account/login")


def test_staff_are_unaffected(client):
    client.force_login(StaffFactory(totp=True))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/grants_ranking/").status_code == 200


def test_staff_who_must_set_up_totp_still_get_the_totp_flow(client):
    client.force_login(StaffFactory())  # no TOTP yet
    response = client.get("/admin/grants_ranking/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_a_user_with_admin_access_through_a_group_is_let_in(client):
    editor = UserFactory(totp=True)
    group = Group.objects.create(name="Editors (access test)")
    group.permissions.add(Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"))
    editor.groups.add(group)
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200


def test_other_permission_denied_pages_use_the_styled_403_template(client, rf):
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = rf.get("/somewhere/")
    request.user = UserFactory()
    response = permission_denied(request, PermissionDenied("internal detail"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Access denied" in html and "internal detail" not in html
