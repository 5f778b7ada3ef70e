"""Roles carried by Django groups rather than by flags on the user.

``REVIEWERS_GROUP`` (``"Reviewers"``; :mod:`portal.demo.users` creates the group): external evaluators of grant
applications (issue 4, "a reviewer role"). Membership of the group makes a user a reviewer; it also makes
two-factor sign-in compulsory for them (:func:`portal.accounts.mfa.mfa_required_for`).
"""

from __future__ import annotations

#: Name of the Django group whose members are reviewers (external evaluators).
REVIEWERS_GROUP = "Reviewers"

__all__ = ["REVIEWERS_GROUP", "is_reviewer"]


def is_reviewer(user) -> bool:
    """Return ``True`` when ``user`` (any user object, anonymous included) is active and in :data:`REVIEWERS_GROUP`.

    One query (none for anonymous users)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.groups.filter(name=REVIEWERS_GROUP).exists()
