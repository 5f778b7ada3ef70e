"""Factories and helpers for accounts: users with a verified address, staff, TOTP authenticators.

``UserFactory()`` makes an active user whose address is verified in allauth (so allauth lets them sign in);
``UserFactory(verified=False)`` leaves it unverified. ``StaffFactory(totp=True)`` also activates TOTP, so the
staff two-factor rule (``PORTAL_REQUIRE_STAFF_MFA``) lets them through; use :func:`totp_code` to sign in.
"""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from django.contrib.auth import get_user_model

PASSWORD = "Integrity-Watch-2025!"  # shared by every factory user; long and not a common password


class UserFactory(factory.django.DjangoModelFactory):
    """A member of the public with a verified email address (``password=PASSWORD``)."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = "Ana"
    last_name = "Example"
    is_active = True

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(
                user=self, email=self.email.lower(), primary=True, verified=extracted is not False
            )

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        if create and extracted:
            activate_totp(self)


class StaffFactory(UserFactory):
    """A staff user (``is_staff``) who can use the Wagtail admin (superuser, to keep permissions out of the way)."""

    email = factory.Sequence(lambda n: f"staff{n}@example.org")
    is_staff = True
    is_superuser = True


def activate_totp(user) -> str:
    """Give ``user`` an active TOTP authenticator with allauth's own helpers; returns the base32 secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(user) -> str:
    """Return the current TOTP code of ``user``'s authenticator (computed from its stored secret)."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))
