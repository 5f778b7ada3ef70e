"""State changes of community memberships (issue 6 item 3): invitations, requests to join, removal, leaving,
the member's own details and consent, and roles. Views and the Wagtail admin call these; nothing else writes a
:class:`~community.models.Membership`, :class:`~community.models.CommunityInvitation` or
:class:`~community.models.JoinRequest`.

Every function takes the acting user as the keyword ``by`` (``user`` where the actor is the person joining),
checks it with :mod:`community.permissions`, and runs in one ``transaction.atomic``. The community row is locked
first (``select_for_update``), then the invitation, request or membership: every change to one community's
members is serialised in the same order, so a double click, two tabs or an invitation accepted while a request is
approved make one membership, and the last-coordinator check cannot be raced. Errors:

* ``django.core.exceptions.PermissionDenied`` when the actor may not do it;
* ``django.core.exceptions.ValidationError`` with a translated, user-facing message and a ``code`` when a rule
  refuses the change (``already_member``, ``pending``, ``closed``, ``used``, ``revoked``, ``expired``,
  ``wrong_account``, ``decided``, ``not_active``, ``last_coordinator``, ``invalid_role``, ``invalid_sector``,
  ``invalid_reason``, ``invalid_email``, ``too_long``). A refused call writes nothing.

Each change is written to Wagtail's audit log (``community.*`` actions, shown in the admin's history views). Mail
goes through :func:`portal.notifications.notify` (outbox rows in the same transaction, sent after commit) with a
dedupe key, so a replay never mails twice.

This module holds the member-side changes (add, remove, leave, details and consent, roles) and re-exports the
joining ones from :mod:`community.services.joining` (invite, revoke, accept, request, withdraw, approve, decline),
so callers use ``community.services.memberships.<name>`` for all of them. Shared rules live in
:mod:`community.services.membership_common`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from .. import permissions
from ..models import Community, MemberRole, Membership, Sector
from .joining import (
    accept_invitation,
    approve_request,
    check_invitation,
    decline_request,
    invite,
    request_to_join,
    revoke_invitation,
    withdraw_request,
)
from .membership_common import (
    LOG_DETAILS,
    LOG_JOINED,
    LOG_LEFT,
    LOG_REMOVED,
    LOG_ROLE,
    REMOVAL_REASONS,
    EndReason,
    active_membership,
    check_role,
    check_sector,
    clean_text,
    keep_a_coordinator,
    locked,
    locked_community,
    require_active,
    require_manager,
    start_membership,
    today,
)

__all__ = [
    "CONSENT_FIELDS",
    "accept_invitation",
    "add_member",
    "approve_request",
    "check_invitation",
    "decline_request",
    "edit_membership",
    "invite",
    "leave",
    "remove_member",
    "request_to_join",
    "revoke_invitation",
    "set_role",
    "update_my_membership",
    "withdraw_request",
]

#: Keys of the ``consents`` mapping of :func:`update_my_membership` and the fields they set.
CONSENT_FIELDS = {
    "name": "consent_public_name",
    "organisation": "consent_public_organisation",
    "sector": "consent_public_sector",
}


def add_member(
    community: Community,
    *,
    user,
    role: str = MemberRole.MEMBER,
    sector: str = Sector.CIVIL_SOCIETY,
    organisation: str = "",
    position: str = "",
    by,
) -> Membership:
    """Staff add an existing account to ``community`` directly (the Wagtail admin); the membership starts today.

    Raises ``PermissionDenied`` for non-staff and ``ValidationError`` (``already_member``) when ``user`` already
    has an active membership of the community.
    """
    if not permissions.is_active_staff(by):
        raise PermissionDenied
    check_role(role)
    check_sector(sector)
    with transaction.atomic():
        community = locked_community(community.pk)
        if active_membership(community, user.pk) is not None:
            raise ValidationError(_("This person is already a member of the community."), code="already_member")
        membership = start_membership(
            community,
            user,
            role=role,
            sector=sector,
            organisation=clean_text(organisation),
            position=clean_text(position),
        )
        log(instance=membership, action=LOG_JOINED, user=by, data={"via": "staff"})
    return membership


def remove_member(membership: Membership, *, by, reason: str = EndReason.REMOVED) -> Membership:
    """End someone's membership today (coordinators of the community, staff); the row is kept as history.

    ``ended_on`` becomes today (UTC) and ``end_reason`` ``reason`` (``removed`` or ``term_ended``). Access is
    computed from the database on every request, so it ends with the person's next request. The last coordinator
    can only be removed by staff. Raises ``PermissionDenied`` and ``ValidationError`` (``invalid_reason``,
    ``not_active``, ``last_coordinator``).
    """
    if reason not in REMOVAL_REASONS:
        raise ValidationError(_("Choose a valid reason."), code="invalid_reason")
    with transaction.atomic():
        community = locked_community(membership.community_id)
        require_manager(by, community)
        membership = locked(Membership, membership.pk)
        require_active(membership)
        keep_a_coordinator(community, membership, by)
        membership.ended_on = today()
        membership.end_reason = reason
        membership.save(update_fields=["ended_on", "end_reason"])
        log(instance=membership, action=LOG_REMOVED, user=by, data={"reason": reason})
    return membership


def leave(membership: Membership, *, by) -> Membership:
    """The member ends their own membership today (``end_reason`` ``left``); history is kept.

    The last coordinator cannot leave (``ValidationError``, ``last_coordinator``): they make someone else
    coordinator first. Raises ``PermissionDenied`` when ``by`` is not the member, ``ValidationError``
    (``not_active``) when it has already ended.
    """
    with transaction.atomic():
        community = locked_community(membership.community_id)
        membership = locked(Membership, membership.pk)
        if not getattr(by, "is_authenticated", False) or membership.user_id != by.pk:
            raise PermissionDenied
        require_active(membership)
        keep_a_coordinator(community, membership, None)
        membership.ended_on = today()
        membership.end_reason = EndReason.LEFT
        membership.save(update_fields=["ended_on", "end_reason"])
        log(instance=membership, action=LOG_LEFT, user=by)
    return membership


def _apply_details(membership: Membership, *, sector, organisation, position, expertise) -> list[str]:
    """Set sector, organisation and position (validated) and the expertise areas; return changed field names."""
    changed = []
    for name, value in (
        ("sector", check_sector(sector)),
        ("organisation", clean_text(organisation)),
        ("position", clean_text(position)),
    ):
        if getattr(membership, name) != value:
            setattr(membership, name, value)
            changed.append(name)
    if expertise is not None:
        wanted = {area.pk for area in expertise}
        if wanted != set(membership.expertise.values_list("pk", flat=True)):
            membership.expertise.set(wanted)
            changed.append("expertise")
    return changed


def _save_changed(membership: Membership, changed: list[str]) -> None:
    """Save the changed columns (``expertise`` is a many-to-many relation, already written by ``set``)."""
    columns = [name for name in changed if name != "expertise"]
    if columns:
        membership.save(update_fields=columns)


def update_my_membership(
    membership: Membership,
    *,
    by,
    consents: Mapping[str, bool],
    sector: str,
    organisation: str = "",
    position: str = "",
    expertise: Iterable | None = None,
    name: tuple[str, str] | None = None,
) -> Membership:
    """The member changes their public-roster consent and their details.

    ``name`` (optional) is ``(first name, last name)`` for the member's account (each at most 150 characters).

    ``consents`` maps ``"name"``, ``"organisation"`` and ``"sector"`` (see :data:`CONSENT_FIELDS`) to booleans (a
    missing key is ``False``: consent is never assumed). ``consent_recorded_at`` becomes now (UTC) when a consent
    changes or was never recorded. ``expertise`` is an iterable of :class:`~community.models.ExpertiseArea`
    (``None`` leaves them). Raises ``PermissionDenied`` unless ``by`` is the member and the membership is active,
    and ``ValidationError`` for an unknown sector or text over 200 characters.
    """
    with transaction.atomic():
        membership = locked(Membership, membership.pk)
        if not permissions.can_edit_own_membership(by, membership):
            raise PermissionDenied
        changed = _apply_details(
            membership, sector=sector, organisation=organisation, position=position, expertise=expertise
        )
        consent_changed = False
        for key, field in CONSENT_FIELDS.items():
            value = bool(consents.get(key, False))
            if getattr(membership, field) != value:
                setattr(membership, field, value)
                changed.append(field)
                consent_changed = True
        if consent_changed or membership.consent_recorded_at is None:
            membership.consent_recorded_at = timezone.now()
            changed.append("consent_recorded_at")
        _save_changed(membership, changed)
        if name is not None:
            _set_account_name(membership.user, *name)
        log(instance=membership, action=LOG_DETAILS, user=by, data={"changed": changed})
    return membership


def _set_account_name(user, first_name: str, last_name: str) -> None:
    """Save the account's first and last name (trimmed); ``ValidationError`` when one is over 150 characters."""
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if len(first_name) > 150 or len(last_name) > 150:
        raise ValidationError(_("A name may have at most 150 characters."))
    if (user.first_name, user.last_name) != (first_name, last_name):
        user.first_name, user.last_name = first_name, last_name
        user.save(update_fields=["first_name", "last_name"])


def _change_role(community: Community, membership: Membership, role: str, by) -> bool:
    """Set ``role`` on the locked, active ``membership``; refuse to demote the last coordinator unless staff."""
    check_role(role)
    if membership.role == role:
        return False
    if role != MemberRole.COORDINATOR:
        keep_a_coordinator(community, membership, by)
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    log(instance=membership, action=LOG_ROLE, user=by, data={"from": old, "to": role})
    return True


def set_role(membership: Membership, *, role: str, by) -> Membership:
    """Give an active member ``role`` (coordinators of the community, staff).

    A community keeps at least one active coordinator: demoting the last one raises ``ValidationError``
    (``last_coordinator``) unless staff does it. Raises ``PermissionDenied``, ``ValidationError``
    (``invalid_role``, ``not_active``).
    """
    with transaction.atomic():
        community = locked_community(membership.community_id)
        require_manager(by, community)
        membership = locked(Membership, membership.pk)
        require_active(membership)
        _change_role(community, membership, role, by)
    return membership


def edit_membership(
    membership: Membership,
    *,
    by,
    role: str,
    sector: str,
    organisation: str = "",
    position: str = "",
    expertise: Iterable | None = None,
) -> Membership:
    """Change an active membership's role and details (coordinators of the community, staff; the Wagtail admin's
    edit form). Consent is the member's own and is not changed here. Same rules and errors as :func:`set_role`."""
    with transaction.atomic():
        community = locked_community(membership.community_id)
        require_manager(by, community)
        membership = locked(Membership, membership.pk)
        require_active(membership)
        _change_role(community, membership, role, by)
        changed = _apply_details(
            membership, sector=sector, organisation=organisation, position=position, expertise=expertise
        )
        if changed:
            _save_changed(membership, changed)
            log(instance=membership, action=LOG_DETAILS, user=by, data={"changed": changed})
    return membership
