"""The Wagtail admin (and the Django admin) sign in and out through allauth."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from tests.portal.factories_accounts import PASSWORD, StaffFactory, totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_cache_and_frozen_clock():
    cache.clear()
    with time_machine.travel(dt.datetime.now(tz=dt.UTC).replace(microsecond=0), tick=False):
        yield
    cache.clear()


def test_wagtail_admin_login_setting_points_at_our_admin_login_view():
    # Our /admin/login/ passes anonymous visitors on to allauth and answers 403 to signed-in users without admin
    # access (allauth would send them back to the admin: a redirect loop).
    assert settings.WAGTAILADMIN_LOGIN_URL == "portal_wagtailadmin_login"
    assert reverse(settings.WAGTAILADMIN_LOGIN_URL) == "/admin/login/"


def test_anonymous_admin_visit_goes_to_the_allauth_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"
    assert client.get(response["Location"])["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_wagtail_admin_login_page_redirects_keeping_next(client):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fpages%2F"
    # Without next, back to the admin; an outside next is dropped.
    assert client.get("/admin/login/")["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    assert client.get("/admin/login/?next=https://evil.example/")["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    # Wagtail's own sign-in form cannot be posted to any more.
    assert client.post("/admin/login/", {"username": "x", "password": "y"}).status_code == 405


def test_django_admin_login_redirects_to_allauth(client):
    response = client.get("/django-admin/login/?next=/django-admin/")
    assert response["Location"] == "/accounts/login/?next=%2Fdjango-admin%2F"
    assert client.get("/django-admin/")["Location"].startswith("/django-admin/login/")


def _sign_in_staff(client, staff, next_url="/admin/"):
    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD, "next": next_url})
    assert response["Location"].startswith(reverse("mfa_authenticate"))
    return client.post(reverse("mfa_authenticate"), {"code": totp_code(staff)})


def test_admin_sign_in_round_trip_and_wagtail_logout(client):
    staff = StaffFactory(totp=True)
    login_url = client.get(client.get("/admin/pages/")["Location"])["Location"]
    assert login_url == "/accounts/login/?next=%2Fadmin%2Fpages%2F"
    response = _sign_in_staff(client, staff, next_url="/admin/pages/")
    assert response["Location"] == "/admin/pages/"
    assert client.get("/admin/pages/").status_code == 200

    # Wagtail's sidebar "Log out" posts to /admin/logout/: allauth signs out.
    assert client.get("/admin/logout/").status_code == 200  # confirmation page
    response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"
