"""Pieces the reporting services share: errors, limits, dates in the call's zone, the requirement lock, who may
act, and the context of report mails (:mod:`grants.services.reporting`, :mod:`grants.services.reports`)."""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from community.permissions import is_organisation_member
from grants.formatting import call_country_code, format_date
from grants.models import (
    AgreementStatus,
    GrantAgreement,
    Report,
    ReportFileKind,
    ReportingRequirement,
    ReportStatus,
)

from .common import lock_application
from .common import require_staff as common_require_staff
from .errors import ApplicationError, ApplicationPermissionError

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
#: Narrative fields of a :class:`Report` the grantee writes (plain text).
NARRATIVE_FIELDS = ("activities", "results", "challenges", "next_steps", "links")
#: Narrative fields a report must have before it is submitted.
REQUIRED_NARRATIVE = ("activities", "results")
#: Longest narrative field kept (characters) and longest staff comment.
MAX_TEXT_LENGTH = 20000
MAX_COMMENT_LENGTH = 5000
MAX_TITLE_LENGTH = 200
#: Requirement statuses in which the grantee may edit and submit the report.
EDITABLE_STATUSES = (ReportStatus.PENDING, ReportStatus.CHANGES_REQUESTED)
#: Agreement statuses in which reports are owed and may be written.
REPORTING_AGREEMENT_STATUSES = (AgreementStatus.SIGNED, AgreementStatus.ACTIVE)
#: Accepted content types per kind of report file (checked by content, :func:`grants.files.inspect_upload`).
FILE_TYPES = {
    ReportFileKind.PHOTO: {"image/jpeg", "image/png"},
    ReportFileKind.SUPPORTING: {
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
    },
}


class ReportError(ApplicationError):
    """A reporting change was refused; the messages are for the user, in the active language."""


class SpendingError(ReportError):
    """Some spending figures were refused. ``line_errors``: ``{budget line id: message naming the line}``;
    ``report``: the report with the narrative and the valid figures saved (nothing typed correctly is lost)."""

    def __init__(self, line_errors: dict[int, str], report: Report):
        super().__init__(list(line_errors.values()), code="spending")
        self.line_errors = line_errors
        self.report = report


# --- dates ---------------------------------------------------------------------------------------------------------


def call_zone(agreement: GrantAgreement) -> ZoneInfo:
    """The time zone of the agreement's call (IANA)."""
    return ZoneInfo(agreement.application.call.timezone)


def end_of_day(day: datetime.date, zone: ZoneInfo) -> datetime.datetime:
    """23:59:59 of ``day`` in ``zone``, as an aware UTC datetime."""
    local = datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=zone)
    return local.astimezone(datetime.UTC)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months (the day clamped to the month's length: 31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_longer_than(start: datetime.date, end: datetime.date, months: int) -> bool:
    """True when the project ``start``..``end`` (both days included) lasts more than ``months`` months:
    1 Jan–30 Jun is six months (not longer), 1 Jan–1 Jul is longer."""
    return end >= add_months(start, months)


def midpoint(start: datetime.date, end: datetime.date) -> datetime.date:
    """The middle day of ``start``..``end`` (rounded down)."""
    return start + datetime.timedelta(days=(end - start).days // 2)


def frozen_rules(agreement: GrantAgreement) -> dict:
    application = agreement.application
    return application.rules_version.rules if application.rules_version_id else {}


def int_rule(rules: dict, key: str, default: int) -> int:
    try:
        return int(rules.get(key, default))
    except (TypeError, ValueError):
        return default


def final_due_day(agreement: GrantAgreement) -> datetime.date:
    """The day the final report is due: the end date plus ``final_report_due_days`` of the frozen rules."""
    return agreement.end_date + datetime.timedelta(days=int_rule(frozen_rules(agreement), "final_report_due_days", 30))


# --- permissions -----------------------------------------------------------------------------------------------------


def require_staff(user) -> None:
    """Refuse (:class:`ApplicationPermissionError`) anyone but active staff."""
    common_require_staff(user, _("Only programme staff may do this."))


def require_member(user, agreement: GrantAgreement) -> None:
    if not (getattr(user, "is_authenticated", False) and is_organisation_member(user, agreement.organisation_id)):
        raise ApplicationPermissionError(_("Only members of the grantee organisation may do this."), code="forbidden")


# --- schedule --------------------------------------------------------------------------------------------------------
def requirement_label(requirement: ReportingRequirement, zone: ZoneInfo) -> str:
    """ "Interim report (31 March 2026)": the report and its due day in the call's zone, in the active language, for
    the activity log."""
    day = format_date(requirement.due_at.astimezone(zone).date())
    name = requirement.title or requirement.get_kind_display()
    return f"{name} ({day})"


def lock_requirement(requirement_id: int) -> ReportingRequirement:
    """Lock the application of requirement ``requirement_id``, then return the requirement with its agreement,
    application and call joined. Call inside ``transaction.atomic``."""
    try:
        application_id = ReportingRequirement.objects.values_list("agreement__application_id", flat=True).get(
            pk=requirement_id
        )
    except ReportingRequirement.DoesNotExist:
        raise ReportError(_("This report does not exist."), code="not_found") from None
    lock_application(application_id)
    return ReportingRequirement.objects.select_related(
        "agreement__application__call__country", "agreement__application__rules_version", "agreement__organisation"
    ).get(pk=requirement_id)


def grantee_members(organisation_id: int):
    """Active users who belong (any role) to organisation ``organisation_id``."""
    return get_user_model().objects.filter(organisation_roles__organisation_id=organisation_id, is_active=True)


def requirement_context(requirement: ReportingRequirement) -> dict:
    """Context shared by the report mails: ``agreement`` (reference), ``organisation``, ``project`` (title),
    ``kind`` and ``title`` (templates name the report with ``{% report_name kind title %}``, in the recipient's
    language), ``due_at`` (aware UTC), ``zone`` (``[IANA name, country code]`` for the ``in_zone`` filter),
    ``report_url`` (site path of the grantee's report page) and ``admin_path`` (the staff review page)."""
    agreement = requirement.agreement
    call = agreement.application.call
    return {
        "agreement": agreement.reference,
        "organisation": agreement.organisation.legal_name,
        "project": agreement.application.title,
        "title": requirement.title,
        "kind": requirement.kind,
        "due_at": requirement.due_at,
        "zone": [call.timezone, call_country_code(call) or ""],
        "report_url": reverse("grants:report_detail", args=[requirement.pk]),
        "admin_path": reverse("grants_reporting:review", args=[requirement.pk]),
    }
