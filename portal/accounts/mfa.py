"""Who must use two-factor authentication (TOTP, via ``allauth.mfa``), and whether they have set it up.

The rule (issue 2, "TOTP two-factor, required for staff"): every user with ``is_staff`` or ``is_superuser`` must
have an active TOTP authenticator. It is switched on by the setting ``PORTAL_REQUIRE_STAFF_MFA`` (default
``True``). Anyone else may opt in from the two-factor page. Users who can enter the Wagtail admin through a group
permission without being flagged staff are held to the same rule for the admin only
(see :class:`portal.accounts.middleware.StaffMFAMiddleware`).

Reviewers (members of :data:`portal.accounts.roles.REVIEWERS_GROUP`, issue 4: "a reviewer role (external
evaluators, with two-factor sign-in)") are held to the staff rule everywhere: they read applicants' files.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.conf import settings

from portal.accounts.roles import is_reviewer


def staff_mfa_enabled() -> bool:
    """Return the value of ``PORTAL_REQUIRE_STAFF_MFA`` (default ``True``), read on every call."""
    return bool(getattr(settings, "PORTAL_REQUIRE_STAFF_MFA", True))


def mfa_required_for(user) -> bool:
    """Return ``True`` when ``user`` (any user object, anonymous included) must use TOTP everywhere: staff,
    superusers and reviewers (one query for users who are neither staff nor superuser)."""
    if not staff_mfa_enabled() or user is None or not user.is_authenticated:
        return False
    return bool(user.is_staff or user.is_superuser or is_reviewer(user))


def has_totp(user) -> bool:
    """Return ``True`` when ``user`` has an active TOTP authenticator (one query)."""
    if user is None or not user.is_authenticated:
        return False
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()
