"""Two-factor (TOTP, allauth.mfa): required for staff, optional for everyone else."""

import datetime as dt

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from tests.portal.factories_accounts import PASSWORD, StaffFactory, UserFactory, totp_code

pytestmark = pytest.mark.django_db

ACTIVATE = "/accounts/2fa/totp/activate/"


@pytest.fixture(autouse=True)
def _clean_cache_and_frozen_clock():
    """A TOTP code lives 30 s: freeze the clock so a code computed in the test is still valid when posted."""
    cache.clear()
    with time_machine.travel(dt.datetime.now(tz=dt.UTC).replace(microsecond=0), tick=False):
        yield
    cache.clear()


def _login(client, user, **extra):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD, **extra})


def _signed_in_as(client):
    return client.session.get("_auth_user_id")


def _reauthenticate(client, next_url):
    """allauth asks for the password again before a two-factor change (MFA_REAUTHENTICATION_REQUIRED)."""
    response = client.get(next_url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == next_url


def _code_for_secret(secret):
    return format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))


# --- staff without TOTP ------------------------------------------------------------------------------------------


def test_staff_without_totp_is_sent_to_totp_setup_and_kept_out_of_the_admin(client):
    staff = StaffFactory()
    response = _login(client, staff)
    assert response.status_code == 302
    assert _signed_in_as(client) == str(staff.pk)

    for url in ["/admin/", "/admin/pages/", "/django-admin/", "/", "/accounts/email/", "/accounts/password/change/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == ACTIVATE, url
    response = client.post("/admin/pages/")
    assert response["Location"] == ACTIVATE


def test_staff_without_totp_can_reach_setup_and_sign_out(client):
    staff = StaffFactory()
    response = _login(client, staff)
    response = client.get(response["Location"])
    assert response["Location"] == ACTIVATE
    _reauthenticate(client, ACTIVATE)
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    assert "Staff accounts must use two-factor authentication" in page.content.decode()
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("account_logout")).status_code == 200
    client.post(reverse("account_logout"))
    assert _signed_in_as(client) is None


def test_staff_who_activates_totp_gets_into_the_admin(client):
    staff = StaffFactory()
    _login(client, staff)
    _reauthenticate(client, ACTIVATE)
    assert client.get(ACTIVATE).status_code == 200
    secret = client.session["mfa.totp.secret"]

    response = client.post(ACTIVATE, {"code": "000000" if _code_for_secret(secret) != "000000" else "111111"})
    assert response.status_code == 200  # a wrong code is refused
    assert not Authenticator.objects.filter(user=staff).exists()

    response = client.post(ACTIVATE, {"code": _code_for_secret(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert client.get(response["Location"]).status_code == 200  # recovery codes
    assert client.get("/admin/").status_code == 200


# --- staff with TOTP ---------------------------------------------------------------------------------------------


def test_staff_with_totp_signs_in_with_a_code_and_opens_the_admin(client):
    staff = StaffFactory(totp=True)
    response = _login(client, staff, next="/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_authenticate"))
    assert _signed_in_as(client) is None  # password alone is not enough

    response = client.post(reverse("mfa_authenticate"), {"code": "not-a-code"})
    assert response.status_code == 200
    assert _signed_in_as(client) is None

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(staff)})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert _signed_in_as(client) == str(staff.pk)
    assert client.get("/admin/").status_code == 200


def test_staff_cannot_switch_totp_off(client):
    staff = StaffFactory(totp=True)
    _login(client, staff)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(staff)})
    _reauthenticate(client, reverse("mfa_deactivate_totp"))
    page = client.get(reverse("mfa_deactivate_totp"))
    assert page.status_code == 200
    assert "You cannot deactivate two-factor authentication." in page.content.decode()
    client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()


# --- everyone else -----------------------------------------------------------------------------------------------


def test_non_staff_is_not_forced_and_may_opt_in_and_out(client):
    member = UserFactory()
    _login(client, member)
    assert client.get("/accounts/email/").status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200

    _reauthenticate(client, ACTIVATE)
    assert client.get(ACTIVATE).status_code == 200
    response = client.post(ACTIVATE, {"code": _code_for_secret(client.session["mfa.totp.secret"])})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=member, type=Authenticator.Type.TOTP).exists()

    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=member, type=Authenticator.Type.TOTP).exists()


def test_non_staff_admin_user_needs_totp_for_the_admin_only(client):
    editor = UserFactory()
    group = Group.objects.create(name="Editors (test)")
    group.permissions.add(Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"))
    editor.groups.add(group)
    _login(client, editor)
    assert client.get("/admin/")["Location"] == ACTIVATE
    assert client.get("/accounts/email/").status_code == 200  # the rest of the site stays open


@override_settings(PORTAL_REQUIRE_STAFF_MFA=False)
def test_the_rule_can_be_switched_off(client):
    staff = StaffFactory()
    _login(client, staff)
    assert client.get("/admin/").status_code == 200


def test_anonymous_visitors_are_untouched(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
