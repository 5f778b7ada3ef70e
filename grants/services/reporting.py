"""Grantee reporting (issue 5, items 2 and 3): the dated reporting schedule of an agreement and the reports.

Schedule (staff and the agreement service):

- :func:`create_schedule`: at signature, the frozen call rules become dated :class:`ReportingRequirement` rows: an
  interim report due at mid-term when the project is longer than ``interim_report_min_months`` (default 6) months,
  and a final report due ``final_report_due_days`` (default 30) days after the end date. Idempotent.
- :func:`add_ad_hoc_requirement`, :func:`extend_due_date`, :func:`extend_for_new_end_date` (staff; logged).

Due dates are the end of the due day (23:59:59) in the call's time zone, stored as aware UTC datetimes
(:func:`end_of_day`).

Reports (grantee members write, staff review):

- :func:`save_report` saves the draft (narrative and spending per budget line) and, with ``submit=True``, submits
  it atomically (:func:`submit_report`); :func:`add_report_file` / :func:`remove_report_file` manage photos and
  supporting documents.
- :func:`financial_summary`: per budget line awarded, actual and variance (EUR and %), and the totals.
- Staff: :func:`approve_report`, :func:`request_changes` (comment required); both keep a history row, mail the
  grantee's members in their language and are replay-safe. After an approval
  :func:`grants.services.closeout.maybe_complete` may complete the grant.

Every state change locks the agreement's application row (:func:`grants.services.common.lock_application`), is
one transaction and is written to the application's activity log with the codes of
``grants.models.applications.ACTIVITY_ACTION_LABELS`` (``report_added``, ``report_due_extended``,
``report_submitted``, ``report_approved``, ``report_changes_requested``).

Errors: :class:`ApplicationPermissionError` (``code="forbidden"``) when the user may not act,
:class:`ReportError` for refusals (message for the user, in the active language), :class:`SpendingError` for
spending figures that are not amounts (the valid rest is saved).
"""

from __future__ import annotations

import datetime
import logging
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.formatting import format_date
from grants.models import (
    GrantAgreement,
    ReportingRequirement,
    ReportKind,
    ReportStatus,
    Tranche,
    TrancheCondition,
)
from portal.sanitize import clean_plain_text

from .common import lock_application, log_activity
from .report_common import (
    MAX_COMMENT_LENGTH,
    MAX_TITLE_LENGTH,
    REPORTING_AGREEMENT_STATUSES,
    call_zone,
    end_of_day,
    final_due_day,
    frozen_rules,
    int_rule,
    is_longer_than,
    lock_requirement,
    midpoint,
    require_staff,
    requirement_label,
)

logger = logging.getLogger(__name__)

# --- schedule --------------------------------------------------------------------------------------------------------


def _link_tranches(agreement: GrantAgreement, requirements: dict[str, ReportingRequirement]) -> None:
    """Point each unlinked ``report_approved`` tranche at its requirement, from the frozen ``payment_schedule``
    (tranche ``n`` is item ``n - 1``): ``interim_report_approved`` → the interim report (the final one when the
    project has none), ``final_report_approved`` → the final report. Tranches already linked are left alone."""
    schedule = frozen_rules(agreement).get("payment_schedule") or []
    for tranche in Tranche.objects.filter(
        agreement=agreement, condition=TrancheCondition.REPORT_APPROVED, report__isnull=True
    ):
        item = schedule[tranche.number - 1] if 0 < tranche.number <= len(schedule) else {}
        kind = ReportKind.INTERIM if item.get("condition") == "interim_report_approved" else ReportKind.FINAL
        target = requirements.get(kind) or requirements.get(ReportKind.FINAL)
        if target is not None:
            tranche.report = target
            tranche.save(update_fields=["report"])


def create_schedule(agreement: GrantAgreement, *, now: datetime.datetime | None = None) -> list[ReportingRequirement]:
    """Create the reporting requirements of a signed ``agreement`` from its frozen call rules; return those created.

    - interim (kind ``interim``): due at the end of the middle day of ``start_date``..``end_date``, only when the
      project is longer than ``interim_report_min_months`` (default 6) months (:func:`is_longer_than`);
    - final (kind ``final``): due at the end of ``end_date + final_report_due_days`` (default 30) days.

    Due times are 23:59:59 in the call's time zone, stored UTC. Idempotent: a kind that already has a requirement
    is not created again (a second call returns ``[]``). Each creation is logged (``report_added``). Tranches that
    wait for a report approval are linked to their requirement (``Tranche.report``) when not yet linked. Call
    inside the signing transaction; the agreement's application row is locked here. ``now`` is unused but kept for
    a controllable clock in callers.
    """
    zone = call_zone(agreement)
    rules = frozen_rules(agreement)
    with transaction.atomic():
        application = lock_application(agreement.application_id)
        existing = {
            r.kind: r for r in agreement.reporting_requirements.filter(kind__in=[ReportKind.INTERIM, ReportKind.FINAL])
        }
        wanted = []
        if is_longer_than(agreement.start_date, agreement.end_date, int_rule(rules, "interim_report_min_months", 6)):
            wanted.append((ReportKind.INTERIM, midpoint(agreement.start_date, agreement.end_date)))
        wanted.append((ReportKind.FINAL, final_due_day(agreement)))
        created = []
        for kind, day in wanted:
            if kind in existing:
                continue
            due = end_of_day(day, zone)
            requirement = ReportingRequirement.objects.create(
                agreement=agreement, kind=kind, due_at=due, original_due_at=due
            )
            existing[kind] = requirement
            created.append(requirement)
            log_activity(application, None, "report_added", comment=requirement_label(requirement, zone))
        _link_tranches(agreement, existing)
    return created


def _due_from(value, zone: ZoneInfo) -> datetime.datetime:
    """A due time from ``value``: a date → the end of that day in ``zone``; an aware datetime as is."""
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            raise ReportError(_("Give the due date with its time zone."), code="due_at")
        return value
    if isinstance(value, datetime.date):
        return end_of_day(value, zone)
    raise ReportError(_("Give a due date."), code="due_at")


def add_ad_hoc_requirement(agreement_id: int, *, user, title: str, due_at) -> ReportingRequirement:
    """Staff ``user`` asks the grantee of agreement ``agreement_id`` for an additional report ``title`` (plain text,
    required) due ``due_at`` (a date → the end of that day in the call's zone; or an aware datetime). The agreement
    must be signed or active. Logged (``report_added``). Returns the new requirement."""
    require_staff(user)
    title = clean_plain_text(str(title or "")).strip()[:MAX_TITLE_LENGTH]
    if not title:
        raise ReportError(_("Give the report a title."), code="title")
    with transaction.atomic():
        try:
            agreement = GrantAgreement.objects.select_related("application__call").get(pk=agreement_id)
        except GrantAgreement.DoesNotExist:
            raise ReportError(_("This grant agreement does not exist."), code="not_found") from None
        application = lock_application(agreement.application_id)
        if agreement.status not in REPORTING_AGREEMENT_STATUSES:
            raise ReportError(_("Reports can be requested only while the agreement is in force."), code="status")
        zone = call_zone(agreement)
        due = _due_from(due_at, zone)
        requirement = ReportingRequirement.objects.create(
            agreement=agreement, kind=ReportKind.AD_HOC, title=title, due_at=due, original_due_at=due
        )
        log_activity(application, user, "report_added", comment=requirement_label(requirement, zone))
    return requirement


def extend_due_date(requirement_id: int, *, user, new_due_at, reason: str) -> ReportingRequirement:
    """Staff ``user`` moves the due date of requirement ``requirement_id`` to ``new_due_at`` (a date → the end of
    that day in the call's zone; or an aware datetime), which must be later than the current one; ``reason`` (plain
    text) is required and logged (``report_due_extended``) with both dates. ``original_due_at`` keeps the first due
    date. Refused for an approved report. Returns the requirement."""
    require_staff(user)
    reason = clean_plain_text(str(reason or "")).strip()[:MAX_COMMENT_LENGTH]
    if not reason:
        raise ReportError(_("Give the reason for the extension."), code="reason_required")
    with transaction.atomic():
        requirement = lock_requirement(requirement_id)
        if requirement.status == ReportStatus.APPROVED:
            raise ReportError(_("This report is already approved."), code="status")
        zone = call_zone(requirement.agreement)
        new_due = _due_from(new_due_at, zone)
        if new_due <= requirement.due_at:
            raise ReportError(_("The new due date must be later than the current one."), code="due_at")
        old_day = format_date(requirement.due_at.astimezone(zone).date())
        requirement.due_at = new_due
        requirement.save(update_fields=["due_at"])
        log_activity(
            requirement.agreement.application,
            user,
            "report_due_extended",
            comment=f"{requirement_label(requirement, zone)}: {old_day} → "
            f"{format_date(new_due.astimezone(zone).date())}. {reason}",
        )
    return requirement


def extend_for_new_end_date(
    agreement: GrantAgreement, *, user, now: datetime.datetime | None = None
) -> ReportingRequirement | None:
    """After a no-cost extension changed ``agreement.end_date``: move the final report's due date to the new end
    date plus ``final_report_due_days`` (logged ``report_due_extended``). Only a later date moves it; an approved
    final report is left alone. Returns the final requirement, or None when the agreement has none. Call inside
    the amendment's transaction."""
    with transaction.atomic():
        application = lock_application(agreement.application_id)
        final = (
            agreement.reporting_requirements.filter(kind=ReportKind.FINAL).exclude(status=ReportStatus.APPROVED).first()
        )
        if final is None:
            return None
        zone = call_zone(agreement)
        new_due = end_of_day(final_due_day(agreement), zone)
        if new_due <= final.due_at:
            return final
        old_day = format_date(final.due_at.astimezone(zone).date())
        final.due_at = new_due
        final.save(update_fields=["due_at"])
        log_activity(
            application,
            user,
            "report_due_extended",
            comment=f"{requirement_label(final, zone)}: {old_day} → {format_date(new_due.astimezone(zone).date())}. "
            + _("No-cost extension to %(date)s.") % {"date": format_date(agreement.end_date)},
        )
    return final


# The report functions live in grants.services.reports; they are part of this module's interface.
from .report_common import ReportError, SpendingError, grantee_members, requirement_context  # noqa: E402
from .reports import (  # noqa: E402
    add_report_file,
    approve_report,
    changes_default_respond_by,
    financial_summary,
    parse_amount,
    remove_report_file,
    request_changes,
    save_report,
    submission_problems,
    submit_report,
)

__all__ = [
    "ReportError",
    "SpendingError",
    "add_ad_hoc_requirement",
    "add_report_file",
    "approve_report",
    "changes_default_respond_by",
    "create_schedule",
    "extend_due_date",
    "extend_for_new_end_date",
    "financial_summary",
    "grantee_members",
    "parse_amount",
    "remove_report_file",
    "request_changes",
    "requirement_context",
    "save_report",
    "submission_problems",
    "submit_report",
]
