"""Every allauth page (accounts and two-factor) renders in the site design: base.html, one h1, no inline code."""

import datetime as dt
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from tests.portal.factories_accounts import PASSWORD, StaffFactory, UserFactory, activate_totp, totp_code
from tests.portal.html_checks import inline_code, scripts_not_from_static, unstyled_classes

# Mail goes through the outbox and leaves when the request commits; the fixture lets each request commit.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_per_request")]


@pytest.fixture(autouse=True)
def _clean_cache_and_frozen_clock():
    cache.clear()
    with time_machine.travel(dt.datetime.now(tz=dt.UTC).replace(microsecond=0), tick=False):
        yield
    cache.clear()


def assert_site_page(response, url=""):
    """The page is a 200 built on base.html, with exactly one h1 and no inline code (script, on*=, style=).

    Scripts may only come from files under STATIC_URL (base.html loads the deferred /static/js/portal.js).
    """
    assert response.status_code == 200, (url, response.status_code, response.get("Location"))
    html = response.content.decode()
    assert 'class="skip-link"' in html and 'class="site-header' in html and 'class="site-footer' in html, url
    assert 'class="page-account' in html, url
    assert len(re.findall(r"<h1[\s>]", html)) == 1, url
    assert not inline_code(html), (url, inline_code(html))
    assert not scripts_not_from_static(html), (url, scripts_not_from_static(html))
    assert not unstyled_classes(html), (url, unstyled_classes(html))  # the allauth elements use the design's classes
    templates = [t.name for t in response.templates]
    assert "base.html" in templates and "allauth/layouts/base.html" in templates, url
    return html


def _login(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def _reauthenticate(client):
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})


@pytest.mark.parametrize(
    "name",
    [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
        "account_email_verification_sent",
        "account_inactive",
        "account_reset_password_from_key_done",
    ],
)
def test_anonymous_pages(client, name):
    assert_site_page(client.get(reverse(name)), name)


def test_confirm_email_page_valid_and_invalid_key(client):
    user = UserFactory(verified=False)
    key = EmailConfirmationHMAC(EmailAddress.objects.get(user=user)).key
    html = assert_site_page(client.get(reverse("account_confirm_email", args=[key])))
    assert user.email in html
    html = assert_site_page(client.get(reverse("account_confirm_email", args=["not-a-key"])))


def test_password_reset_from_key_pages(client):
    user = UserFactory()
    client.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"https?://[^/\s]+(/\S*/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    html = assert_site_page(client.get(form_url), form_url)
    assert 'for="id_password1"' in html
    assert_site_page(client.get(reverse("account_reset_password_from_key", args=["0-bad", "token"])))


def test_signed_in_pages(client):
    user = UserFactory()
    _login(client, user)
    for name in [
        "account_email",
        "account_change_password",
        "account_profile",
        "account_logout",
        "mfa_index",
        "account_reauthenticate",
    ]:
        html = assert_site_page(client.get(reverse(name)), name)
    # "My account" navigation on the management pages, and in the header.
    html = assert_site_page(client.get(reverse("account_email")))
    for name in ["account_email", "account_change_password", "account_profile", "mfa_index"]:
        assert f'href="{reverse(name)}"' in html
    assert "My account" in html


def test_two_factor_pages(client):
    member = UserFactory()
    _login(client, member)
    _reauthenticate(client)
    html = assert_site_page(client.get(reverse("mfa_activate_totp")))
    assert "QR code to scan with your authenticator app" in html
    assert 'for="id_code"' in html

    activate_totp(member)
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    RecoveryCodes.activate(member)
    for name in ["mfa_index", "mfa_deactivate_totp", "mfa_view_recovery_codes", "mfa_generate_recovery_codes"]:
        assert_site_page(client.get(reverse(name)), name)
    assert_site_page(client.get(reverse("mfa_reauthenticate")), "mfa_reauthenticate")


def test_two_factor_step_of_sign_in(client):
    staff = StaffFactory(totp=True)
    _login(client, staff)
    html = assert_site_page(client.get(reverse("mfa_authenticate")))
    assert 'autocomplete="one-time-code"' in html
    client.post(reverse("mfa_authenticate"), {"code": totp_code(staff)})
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_header_account_navigation(client):
    html = client.get(reverse("account_login")).content.decode()
    assert f'href="{reverse("account_login")}"' in html and "Create account" in html
    user = UserFactory()
    client.force_login(user)
    html = client.get(reverse("account_email")).content.decode()
    assert "My account" in html and "Sign out" in html and "Create account" not in html
