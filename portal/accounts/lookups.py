"""Look accounts up by the canonical key of an email address, with allauth's enumeration rules.

allauth compares addresses by lower case only; these helpers add the portal's canonical key
(:func:`portal.accounts.canonical.canonical_email`) so a look-alike spelling finds the same account.
"""

from __future__ import annotations

from allauth.account import app_settings as account_settings
from django.contrib.auth import get_user_model

from portal.accounts.canonical import canonical_email


def user_with_canonical_email(email: str, *, exclude=None):
    """Return the ``User`` whose ``email_canonical`` equals the key of ``email``, or ``None``.

    ``exclude`` (a user or ``None``) is left out of the search, for "is this address taken by someone else".
    One indexed query (the unique constraint's index).
    """
    key = canonical_email(email)
    if not key:
        return None
    users = get_user_model()._default_manager.filter(email_canonical=key)
    if exclude is not None and exclude.pk is not None:
        users = users.exclude(pk=exclude.pk)
    return users.first()


def assess_canonical_unique(email: str, user=None) -> bool | None:
    """Decide what a canonical-key clash means, mirroring allauth's ``assess_unique_email`` (65.x).

    Returns ``True`` when no other account has the key; ``False`` when the clash must be reported as a form
    error (enumeration prevention off, or on but without mandatory verification — allauth then lets
    uniqueness win); ``None`` when the clash must be hidden ("account already exists" handling). Unlike
    allauth's ``"strict"`` mode, a clash is never let through: the database constraint forbids a second account.
    """
    if user_with_canonical_email(email, exclude=user) is None:
        return True
    prevent = account_settings.PREVENT_ENUMERATION
    if not prevent:
        return False
    if account_settings.EMAIL_VERIFICATION == account_settings.EmailVerificationMethod.MANDATORY:
        return None
    if prevent == "strict":
        return None
    return False
