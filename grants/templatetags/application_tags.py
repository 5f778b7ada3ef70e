"""Template helpers of the applicant screens: ISO times in a call's zone, deadline notes, status badges, permissions.

Times for people are shown with ``call_tags``' ``in_call_zone`` (one formatter for every page and mail).

``{% load application_tags %}``. Everything returned is plain text (auto-escaped by the template).
"""

import math

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grants import permissions
from grants.models import ApplicationStatus

register = template.Library()

STATUS_VARIANTS = {
    ApplicationStatus.DRAFT: "draft",
    ApplicationStatus.SUBMITTED: "open",
    ApplicationStatus.ELIGIBLE: "info",
    ApplicationStatus.INELIGIBLE: "error",
    ApplicationStatus.UNDER_REVIEW: "info",
    ApplicationStatus.REVIEWED: "info",
    ApplicationStatus.RECOMMENDED: "active",
    ApplicationStatus.AWARDED: "active",
    ApplicationStatus.REJECTED: "error",
    ApplicationStatus.RESERVE: "warning",
    ApplicationStatus.WITHDRAWN: "closed",
}


@register.filter
def call_time_iso(value, call) -> str:
    """``value`` as ISO 8601 with the call zone's offset, for ``<time datetime=…>``."""
    if not value:
        return ""
    return call.local(value).isoformat()


@register.simple_tag
def deadline_note(call, now=None) -> str:
    """``"closed"`` after ``call.closes_at``, else how long is left: ``"3 days left"`` or ``"5 hours left"``.

    Days are whole days rounded down (counted on the server clock, UTC); under a day, hours rounded up.
    """
    now = now or timezone.now()
    if now > call.closes_at:
        return _("closed")
    if now < call.opens_at:
        return _("not open yet")
    left = call.closes_at - now
    if left.days >= 1:
        return ngettext("%(count)d day left", "%(count)d days left", left.days) % {"count": left.days}
    hours = max(1, math.ceil(left.total_seconds() / 3600))
    return ngettext("%(count)d hour left", "%(count)d hours left", hours) % {"count": hours}


@register.filter
def status_variant(status: str) -> str:
    """The badge variant (``components/badge.html``) of an application status."""
    return STATUS_VARIANTS.get(status, "info")


@register.filter
def filesize(size_bytes) -> str:
    """A byte count for people: ``812 bytes``, ``14.2 KB``, ``3.1 MB`` (1 KB = 1,024 bytes)."""
    if size_bytes is None:
        return ""
    size = float(size_bytes)
    if size < 1024:
        return ngettext("%(count)d byte", "%(count)d bytes", int(size)) % {"count": int(size)}
    if size < 1024 * 1024:
        return _("%(size).1f KB") % {"size": size / 1024}
    return _("%(size).1f MB") % {"size": size / (1024 * 1024)}


@register.simple_tag(takes_context=True)
def application_permissions(context, application) -> dict:
    """``{"view", "edit", "submit", "withdraw"}`` booleans for the request's user on ``application``."""
    user = context["request"].user
    return {
        "view": permissions.can_view_application(user, application),
        "edit": permissions.can_edit_application(user, application),
        "submit": permissions.can_submit_application(user, application),
        "withdraw": permissions.can_withdraw_application(user, application),
    }
