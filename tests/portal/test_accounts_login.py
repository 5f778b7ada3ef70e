"""Sign-in by email, sign-out, password reset, email change, enumeration prevention and rate limits."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from portal.models import User
from tests.portal.factories_accounts import PASSWORD, UserFactory

# Mail goes through the outbox and leaves when the request commits; the fixture lets each request commit.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_per_request")]


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _login(client, login, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def _signed_in_as(client):
    return client.session.get("_auth_user_id")


# --- sign-in ------------------------------------------------------------------------------------------------------


def test_sign_in_is_case_insensitive(client):
    ana = UserFactory(email="ana@x.org")
    response = _login(client, "ANA@X.ORG")
    assert response.status_code == 302
    assert _signed_in_as(client) == str(ana.pk)


def test_a_lookalike_spelling_signs_in_to_the_account_and_adds_no_address(client):
    ana = UserFactory(email="ana@xample.org")
    response = _login(client, "ana@xаmple.org")  # Cyrillic а
    assert response.status_code == 302
    assert _signed_in_as(client) == str(ana.pk)
    # No unverified look-alike EmailAddress was created on the fly (allauth syncs the login address).
    assert list(EmailAddress.objects.filter(user=ana).values_list("email", flat=True)) == ["ana@xample.org"]


def test_wrong_password_gives_one_message_for_known_and_unknown_addresses(client):
    UserFactory(email="ana@x.org")
    known = _login(client, "ana@x.org", "wrong-password-123")
    unknown = _login(client, "nobody@x.org", "wrong-password-123")
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].errors == unknown.context["form"].errors
    assert _signed_in_as(client) is None


def test_sign_out(client):
    UserFactory(email="ana@x.org")
    _login(client, "ana@x.org")
    assert client.get(reverse("account_logout")).status_code == 200  # confirmation page
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert _signed_in_as(client) is None


@pytest.mark.parametrize(("prefix", "home"), [("", "/"), ("/mk", "/mk/"), ("/tr", "/tr/")])
def test_sign_in_and_out_stay_in_the_visitors_language(client, prefix, home):
    UserFactory(email="ana@x.org")
    signed_in = client.post(f"{prefix}/accounts/login/", {"login": "ana@x.org", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert signed_in["Location"] == home
    signed_out = client.post(f"{prefix}/accounts/logout/")
    assert signed_out.status_code == 302
    assert signed_out["Location"] == home


@pytest.mark.parametrize("language", ["bs", "mk", "sq", "sr-latn", "tr"])
def test_password_hints_on_sign_up_are_translated(client, language):
    """Django lacks these hints in bs and mk; our catalogues carry them (portal/accounts/password_help.py)."""
    page = client.get(f"/{language}/accounts/signup/").content.decode()
    assert "Your password can’t" not in page
    assert "Your password must contain" not in page


# --- password reset and enumeration -------------------------------------------------------------------------------


def _reset_link(message):
    match = re.search(r"https?://[^/\s]+(/\S*/password/reset/key/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_password_reset_by_mail(client):
    ana = UserFactory(email="ana@x.org")
    response = client.post(reverse("account_reset_password"), {"email": "Ana@X.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@x.org"]

    link = _reset_link(mail.outbox[0])
    response = client.get(link)  # allauth moves the key into the session and redirects
    assert response.status_code == 302
    form_url = response["Location"]
    assert client.get(form_url).status_code == 200
    response = client.post(form_url, {"password1": "Brand-New-Secret-77", "password2": "Brand-New-Secret-77"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")
    ana.refresh_from_db()
    assert ana.check_password("Brand-New-Secret-77")


def test_password_reset_for_a_lookalike_mails_only_the_stored_address(client):
    UserFactory(email="ana@xample.org")
    response = client.post(reverse("account_reset_password"), {"email": "ana@xаmple.org"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["ana@xample.org"]]
    assert "/password/reset/key/" in mail.outbox[0].body


def test_password_reset_for_an_unknown_address_responds_identically(client):
    UserFactory(email="ana@x.org")
    known = client.post(reverse("account_reset_password"), {"email": "ana@x.org"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@x.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    done_known = client.get(known["Location"]).content
    done_unknown = client.get(unknown["Location"]).content
    assert _without_csrf(done_known) == _without_csrf(done_unknown)
    # The unknown address gets allauth's "no account here" mail, with no reset link.
    assert mail.outbox[1].to == ["nobody@x.org"]
    assert "/password/reset/key/" not in mail.outbox[1].body


def _without_csrf(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


# --- rate limits ------------------------------------------------------------------------------------------------


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "10/m/ip,3/5m/key"})
def test_repeated_failed_sign_ins_lock_the_account_out(client):
    UserFactory(email="ana@x.org")
    for _ in range(3):
        response = _login(client, "ana@x.org", "wrong-password-123")
        assert "Too many failed login attempts" not in response.content.decode()
    response = _login(client, "ana@x.org", PASSWORD)  # even the right password is refused now
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert _signed_in_as(client) is None
    # Look-alike spellings count against the same account.
    response = _login(client, "ANA@x.org", PASSWORD)
    assert "Too many failed login attempts" in response.content.decode()


def test_rate_limits_are_on_outside_tests():
    from portal.settings import base

    assert base.ACCOUNT_RATE_LIMITS["login_failed"]
    assert base.ACCOUNT_RATE_LIMITS["signup"]
    assert base.ACCOUNT_RATE_LIMITS["reset_password"]


# --- email change ----------------------------------------------------------------------------------------------


def test_email_change_takes_effect_after_verification(client):
    ana = UserFactory(email="ana@x.org")
    client.force_login(ana)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "ana.new@x.org"})
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["ana.new@x.org"]
    ana.refresh_from_db()
    assert ana.email == "ana@x.org"  # not yet

    link = re.search(r"https?://[^/\s]+(/\S*/confirm-email/[^/\s]+/)", mail.outbox[-1].body).group(1)
    client.post(link)
    ana.refresh_from_db()
    assert ana.email == "ana.new@x.org"
    assert ana.email_canonical == "ana.new@x.org"
    assert list(EmailAddress.objects.filter(user=ana).values_list("email", flat=True)) == ["ana.new@x.org"]


@pytest.mark.parametrize("spelling", ["ANA@X.ORG", "ana@ｘ.org", "ana@х.org"])  # case, full-width, Cyrillic х
def test_adding_another_spelling_of_ones_own_address_is_refused(client, spelling):
    ana = UserFactory(email="ana@x.org")
    client.force_login(ana)
    response = client.post(reverse("account_email"), {"action_add": "", "email": spelling})
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["This email address is already associated with this account."]
    assert mail.outbox == []


def test_changing_to_a_lookalike_of_another_account_sends_no_link_and_cannot_be_confirmed(client):
    owner = UserFactory(email="ana@xample.org")
    mallory = UserFactory(email="mallory@x.org")
    client.force_login(mallory)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "ana@xаmple.org"})
    # Same answer as for a free address (enumeration prevention) ...
    assert response.status_code == 302
    # ... but no verification link reaches the look-alike mailbox; the real owner is told instead.
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert "confirm-email" not in mail.outbox[0].body

    # Even with a confirmation made by hand, verification is refused and the account keeps its address.
    pending = EmailAddress.objects.get(user=mallory, email="ana@xаmple.org")
    from allauth.account.models import EmailConfirmationHMAC

    key = EmailConfirmationHMAC(pending).key
    client.post(reverse("account_confirm_email", args=[key]))
    pending.refresh_from_db()
    assert not pending.verified
    mallory.refresh_from_db()
    assert mallory.email == "mallory@x.org"


@override_settings(ACCOUNT_PREVENT_ENUMERATION=False)
def test_without_enumeration_prevention_a_lookalike_of_another_account_is_refused_at_once(client):
    UserFactory(email="ana@xample.org")
    mallory = UserFactory(email="mallory@x.org")
    client.force_login(mallory)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "ana@xаmple.org"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["A user is already registered with this email address."]
    assert not EmailAddress.objects.filter(email="ana@xаmple.org").exists()
    assert User.objects.count() == 2
