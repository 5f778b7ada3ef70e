"""What the membership services share (:mod:`community.services.memberships` and
:mod:`community.services.joining`): limits, audit-log action names, locking and the rules both apply.

Locking order, everywhere: the community row first (:func:`locked_community`), then the invitation, request or
membership. Every change to one community's members is serialised that way, so concurrent requests cannot make two
memberships or take away the last coordinator, and cannot deadlock on each other.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..models import Community, JoinRequest, MemberRole, Membership, Sector

EndReason = Membership.EndReason
Status = JoinRequest.Status

#: Longest personal message, motivation or answer accepted (characters).
MESSAGE_MAX_LENGTH = 2000
#: Longest organisation or position (the model's column size).
TEXT_MAX_LENGTH = 200
#: Reasons a coordinator or staff may give when ending someone else's membership.
REMOVAL_REASONS = (EndReason.REMOVED, EndReason.TERM_ENDED)

#: Audit-log actions written by the membership services (labels registered in ``community.wagtail_hooks``).
LOG_INVITED = "community.invitation.sent"
LOG_INVITATION_REVOKED = "community.invitation.revoked"
LOG_INVITATION_ACCEPTED = "community.invitation.accepted"
LOG_REQUESTED = "community.request.sent"
LOG_REQUEST_WITHDRAWN = "community.request.withdrawn"
LOG_REQUEST_APPROVED = "community.request.approved"
LOG_REQUEST_DECLINED = "community.request.declined"
LOG_JOINED = "community.membership.started"
LOG_REMOVED = "community.membership.removed"
LOG_LEFT = "community.membership.left"
LOG_ROLE = "community.membership.role"
LOG_DETAILS = "community.membership.details"


def today():
    """Today's date in UTC (the calendar :meth:`MembershipQuerySet.active` uses)."""
    return timezone.now().date()


def locked_community(community_id: int) -> Community:
    """The community row, locked until the transaction ends (``PermissionDenied`` when it is gone)."""
    try:
        return Community.objects.select_for_update().get(pk=community_id)
    except Community.DoesNotExist as exc:
        raise PermissionDenied from exc


def locked(model, pk: int):
    """The ``model`` row ``pk``, locked until the transaction ends (``PermissionDenied`` when it is gone)."""
    try:
        return model.objects.select_for_update().get(pk=pk)
    except model.DoesNotExist as exc:
        raise PermissionDenied from exc


def require_manager(user, community: Community) -> None:
    """``PermissionDenied`` unless ``user`` coordinates ``community`` or is active staff."""
    if not permissions.can_manage_members(user, community):
        raise PermissionDenied


def clean_text(value, *, max_length: int = TEXT_MAX_LENGTH) -> str:
    """``value`` stripped; ``ValidationError`` (code ``too_long``) over ``max_length`` characters."""
    value = (value or "").strip()
    if len(value) > max_length:
        raise ValidationError(
            _("Keep this text under %(limit)d characters.") % {"limit": max_length + 1}, code="too_long"
        )
    return value


def check_role(role: str) -> str:
    """``role`` when it is a :class:`MemberRole` value, else ``ValidationError`` (``invalid_role``)."""
    if role not in MemberRole.values:
        raise ValidationError(_("Choose a valid role."), code="invalid_role")
    return role


def check_sector(sector: str) -> str:
    """``sector`` when it is a :class:`Sector` value, else ``ValidationError`` (``invalid_sector``)."""
    if sector not in Sector.values:
        raise ValidationError(_("Choose a valid sector."), code="invalid_sector")
    return sector


def active_membership(community: Community, user_id: int, *, lock: bool = False) -> Membership | None:
    """The user's membership of ``community`` in force today (its own row, not the RCP-through-a-DAG access)."""
    rows = Membership.objects.active().filter(community=community, user_id=user_id)
    if lock:
        rows = rows.select_for_update()
    return rows.first()


def coordinator_count(community: Community) -> int:
    """How many active coordinators ``community`` has."""
    return Membership.objects.active().filter(community=community, role=MemberRole.COORDINATOR).count()


def keep_a_coordinator(community: Community, membership: Membership, by) -> None:
    """Refuse to take away ``community``'s last active coordinator, unless staff does it."""
    if membership.role != MemberRole.COORDINATOR or permissions.is_active_staff(by):
        return
    if coordinator_count(community) <= 1:
        raise ValidationError(
            _("A community needs at least one coordinator. Make another member a coordinator first."),
            code="last_coordinator",
        )


def require_active(membership: Membership) -> None:
    """``ValidationError`` (``not_active``) when ``membership`` is not in force today."""
    if not membership.is_active(today()):
        raise ValidationError(_("This membership has already ended."), code="not_active")


def absolute_url(url_name: str, *args, fallback: str | None = None) -> str:
    """The site's address of ``url_name`` (or of ``fallback`` when that URL is not installed)."""
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    try:
        return base_url + reverse(url_name, args=args)
    except NoReverseMatch:
        if fallback is None:
            raise
        return base_url + reverse(fallback, args=args)


def workspace_url(community: Community) -> str:
    """The address of ``community``'s workspace (its membership page while the overview is not installed)."""
    return absolute_url("workspace:home", community.slug, fallback="workspace:membership")


def start_membership(community: Community, user, *, role, sector, organisation="", position="") -> Membership:
    """A new membership of ``user`` starting today (callers hold the community lock and checked for an open one)."""
    return Membership.objects.create(
        community=community,
        user=user,
        role=role,
        sector=sector,
        organisation=organisation,
        position=position,
        started_on=today(),
    )
