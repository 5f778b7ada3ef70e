"""Sign-up with mandatory email verification, and duplicate addresses (exact or look-alike) at sign-up."""

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

NEW_PASSWORD = "Skopje-Statement-2025"
NAMES = {"first_name": "Mila", "last_name": "Petrovska"}  # required at sign-up


@pytest.fixture(autouse=True)
def _clear_cache():
    """allauth keeps rate-limit and code state in the cache; start every test clean."""
    cache.clear()
    yield
    cache.clear()


def _sign_up(client, email):
    return client.post(
        reverse("account_signup"),
        {**NAMES, "email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def _confirmation_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/\S*/confirm-email/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_sign_up_verify_then_sign_in_end_to_end(client):
    response = _sign_up(client, "Mila.Petrovska@example.mk")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email_canonical="mila.petrovska@example.mk")
    assert not EmailAddress.objects.get(user=user).verified

    # Mandatory verification: no session yet, and signing in only re-sends the link.
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("account_login"), {"login": "mila.petrovska@example.mk", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    # One link at sign-up, one more at the refused sign-in (test settings switch the cool-down off).
    assert [m.to for m in mail.outbox] == [["mila.petrovska@example.mk"]] * 2
    link = _confirmation_link(mail.outbox[-1])

    page = client.get(link)
    assert page.status_code == 200
    assert b"mila.petrovska@example.mk" in page.content
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    response = client.post(reverse("account_login"), {"login": "mila.petrovska@example.mk", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signup_page_has_labelled_fields(client):
    page = client.get(reverse("account_signup")).content.decode()
    for field in ("id_email", "id_password1", "id_password2"):
        assert f'for="{field}"' in page


@pytest.mark.parametrize(
    "duplicate",
    [
        "ANA@XAMPLE.ORG",  # case (allauth's own exact check)
        "ana@ｘample.org",  # full-width letter in the domain
        "ana@xаmple.org",  # Cyrillic а in the domain
        "ana@xn--xmple-4ve.org",  # the same, as a browser's email input sends it (punycode)
        "ana@XAMPLE.ORG",
    ],
)
def test_duplicate_sign_up_is_answered_like_a_new_one_and_creates_nothing(client, duplicate):
    owner = UserFactory(email="ana@xample.org")
    fresh = _sign_up(client, "someone.new@xample.org")
    mail.outbox.clear()
    client.logout()

    response = _sign_up(client, duplicate)

    assert response.status_code == fresh.status_code == 302
    assert response["Location"] == fresh["Location"]
    assert User.objects.filter(email_canonical="ana@xample.org").count() == 1
    assert User.objects.count() == 2  # owner + someone.new
    # The notice goes to the real account's own address only, never to a look-alike mailbox.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to[0].lower() == owner.email


@pytest.mark.parametrize("spelling", ["İpek@istanbul.org", "ıpek@istanbul.org", "IPEK@İSTANBUL.ORG"])
def test_turkish_i_spellings_are_the_same_address(client, spelling):
    UserFactory(email="ipek@istanbul.org")
    _sign_up(client, spelling)
    assert User.objects.count() == 1
    assert mail.outbox[0].to == ["ipek@istanbul.org"]


@override_settings(ACCOUNT_PREVENT_ENUMERATION=False)
@pytest.mark.parametrize("duplicate", ["ANA@XAMPLE.ORG", "ana@ｘample.org", "ana@xаmple.org"])
def test_without_enumeration_prevention_the_form_says_the_address_is_taken(client, duplicate):
    UserFactory(email="ana@xample.org")
    response = _sign_up(client, duplicate)
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["A user is already registered with this email address."]
    assert User.objects.count() == 1
    assert mail.outbox == []


def test_lost_race_on_the_constraint_is_answered_like_a_duplicate(client, monkeypatch):
    """If another sign-up with the same key commits between our check and our insert, no 500 and no 2nd user."""
    owner = UserFactory(email="race@example.org")
    from portal.accounts import forms

    monkeypatch.setattr(forms, "assess_canonical_unique", lambda email, user=None: True)
    monkeypatch.setattr(forms.AllauthSignupForm, "validate_unique_email", lambda self, value: value)
    response = _sign_up(client, "RACE@example.org")
    assert response.status_code == 302
    assert User.objects.count() == 1
    assert mail.outbox[-1].to == [owner.email]


def test_a_confirmed_signup_with_password_from_factory_can_sign_in(client):
    user = UserFactory(email="factory@example.org")
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


# --- the form on its own ----------------------------------------------------------------------------------------


def _form(email):
    from portal.accounts.forms import SignupForm

    return SignupForm(data={**NAMES, "email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})


@pytest.mark.parametrize(
    "duplicate",
    [
        "İpek@istanbul.org",  # Turkish dotted capital I (Django's validator accepts it: re.IGNORECASE)
        "ıpek@istanbul.org",  # Turkish dotless i
        "ipek@İstanbul.org",
        "IPEK@ISTANBUL.ORG",  # case
        "ipek@ｉstanbul.org",  # full-width i
        "ipek@istаnbul.org",  # Cyrillic а
        "ipek@xn--istnbul-4fg.org",  # the same in punycode, as Chromium's type=email input submits it
    ],
)
def test_signup_form_marks_every_spelling_of_a_taken_address_as_existing(duplicate):
    UserFactory(email="ipek@istanbul.org")
    form = _form(duplicate)
    assert form.is_valid(), form.errors
    assert form.account_already_exists  # try_save() then creates nothing and answers "verification sent"


def test_signup_form_takes_a_free_address():
    UserFactory(email="ipek@istanbul.org")
    form = _form("ipek@ankara.org")
    assert form.is_valid(), form.errors
    assert not form.account_already_exists


@pytest.mark.parametrize("local_variant", ["аna@istanbul.org", "ａna@istanbul.org"])
def test_signup_form_refuses_cyrillic_and_full_width_local_parts(local_variant):
    """Django's email validator takes ASCII local parts only (plus what re.IGNORECASE folds onto them, like the
    Turkish İ and ı), so these are refused before any uniqueness check."""
    form = _form(local_variant)
    assert not form.is_valid()
    assert "email" in form.errors


def test_an_overlong_address_gets_a_form_error_not_a_database_error(client):
    email = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".org"  # 312 characters, valid for Django's validator
    response = _sign_up(client, email)
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert User.objects.count() == 0


def test_after_confirming_the_new_user_goes_where_they_were_going(client):
    """Signing up from a call's "Apply" link (``next``) leads, after the email check, to sign-in with that next."""
    target = "/grants/applications/new/?call=7&lot=3"
    response = client.post(
        reverse("account_signup"),
        {**NAMES, "email": "ana@example.rs", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "next": target},
    )
    assert response.status_code == 302
    link = _confirmation_link(mail.outbox[-1])

    response = client.post(link)

    assert response.status_code == 302
    assert (
        response["Location"]
        == reverse("account_login") + "?next=%2Fgrants%2Fapplications%2Fnew%2F%3Fcall%3D7%26lot%3D3"
    )
    response = client.post(response["Location"], {"login": "ana@example.rs", "password": NEW_PASSWORD, "next": target})
    assert response["Location"] == target


@pytest.mark.parametrize("target", ["https://evil.example/phish", "//evil.example/x", "javascript:alert(1)"])
def test_a_foreign_next_at_sign_up_is_not_followed_after_confirming(client, target):
    client.post(
        reverse("account_signup"),
        {**NAMES, "email": "ana@example.rs", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "next": target},
    )
    response = client.post(_confirmation_link(mail.outbox[-1]))

    assert response.status_code == 302
    assert "evil" not in response["Location"] and "javascript" not in response["Location"]
