"""Grantee reports (issue 5, item 3): drafts, atomic submission, files, financial figures and staff review.

The public functions are re-exported by :mod:`grants.services.reporting` (see its docstring for the rules).
"""

from __future__ import annotations

import datetime
import logging
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from grants.files import inspect_upload
from grants.formatting import format_date
from grants.models import (
    AgreementBudgetLine,
    GrantAgreement,
    Report,
    ReportFile,
    ReportFileKind,
    ReportingRequirement,
    ReportReview,
    ReportReviewOutcome,
    ReportSpendingLine,
    ReportStatus,
)
from portal.notifications import notify
from portal.sanitize import clean_plain_text

from .common import log_activity
from .report_common import (
    CENT,
    EDITABLE_STATUSES,
    FILE_TYPES,
    MAX_COMMENT_LENGTH,
    MAX_TEXT_LENGTH,
    NARRATIVE_FIELDS,
    REPORTING_AGREEMENT_STATUSES,
    REQUIRED_NARRATIVE,
    ZERO,
    ReportError,
    SpendingError,
    call_zone,
    end_of_day,
    grantee_members,
    lock_requirement,
    require_member,
    require_staff,
    requirement_context,
    requirement_label,
)

logger = logging.getLogger(__name__)

# --- drafts and submission ---------------------------------------------------------------------------------------


def parse_amount(value) -> Decimal:
    """An amount of EUR from what a person typed: ``"1234.5"``, ``"1 234,50"``, ``"1,234.50"``, ``"1.234,50"`` or a
    number. Raises ``ValueError`` unless it is a finite number with at most two decimals; negative values are
    returned (the caller refuses them with its own message)."""
    if isinstance(value, Decimal | int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(str(value))
    else:
        text = str(value).strip().replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
        if "," in text and "." in text:
            decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
            thousands = "." if decimal_mark == "," else ","
            text = text.replace(thousands, "").replace(decimal_mark, ".")
        elif text.count(",") == 1 and len(text.split(",")[1]) != 3:
            text = text.replace(",", ".")
        elif "," in text:
            text = text.replace(",", "")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(value) from None
    try:
        if not amount.is_finite() or amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
            raise ValueError(value)
    except InvalidOperation:  # too many digits to hold cents
        raise ValueError(value) from None
    return amount.quantize(CENT)


def _editable_report(requirement: ReportingRequirement, user) -> Report:
    """The requirement's report (created empty when missing) once ``user`` may edit it; raises otherwise."""
    agreement = requirement.agreement
    require_member(user, agreement)
    if agreement.status not in REPORTING_AGREEMENT_STATUSES:
        raise ReportError(_("This grant agreement is not in force: its reports cannot change."), code="not_editable")
    if requirement.status not in EDITABLE_STATUSES:
        raise ReportError(
            _("This report has been submitted and cannot change unless the programme asks for changes."),
            code="not_editable",
        )
    report, _created = Report.objects.get_or_create(requirement=requirement)
    return report


def _save_spending(report: Report, agreement: GrantAgreement, spending: dict) -> dict[int, str]:
    """Save the valid spending figures of ``spending`` (``{line id: (amount, note)}``); return the refused ones as
    ``{line id: message naming the line}``. An empty amount removes the line's figure."""
    lines = {line.pk: line for line in agreement.budget_lines.all()}
    errors: dict[int, str] = {}
    for raw_id, entry in (spending or {}).items():
        try:
            line = lines[int(raw_id)]
        except (KeyError, TypeError, ValueError):
            continue  # not a line of this agreement: ignored, like any unknown POST field
        value, note = entry if isinstance(entry, tuple | list) else (entry, "")
        note = clean_plain_text(str(note or "")).strip()[:500]
        if value is None or str(value).strip() == "":
            ReportSpendingLine.objects.filter(report=report, budget_line=line).delete()
            continue
        try:
            amount = parse_amount(value)
        except ValueError:
            errors[line.pk] = _(
                "“%(line)s”: “%(value)s” is not an amount in euro. Write a number with at most two decimals, "
                "e.g. 1250.50."
            ) % {"line": line.description, "value": str(value)[:40]}
            continue
        if amount < 0:
            errors[line.pk] = _("“%(line)s”: spending cannot be negative.") % {"line": line.description}
            continue
        if amount >= Decimal("1e10"):
            errors[line.pk] = _("“%(line)s”: the amount is too large.") % {"line": line.description}
            continue
        ReportSpendingLine.objects.update_or_create(
            report=report, budget_line=line, defaults={"actual_eur": amount, "note": note}
        )
    return errors


def save_report(
    requirement_id: int,
    *,
    user,
    narrative: dict,
    spending: dict,
    submit: bool = False,
    now: datetime.datetime | None = None,
) -> Report:
    """Save the report of requirement ``requirement_id`` as ``user`` (a member of the grantee organisation) while
    it is pending or changes were requested; with ``submit=True`` submit it too (:func:`submit_report`).

    ``narrative``: ``{field: text}`` for :data:`NARRATIVE_FIELDS` (plain text; missing keys keep the saved text).
    ``spending``: ``{budget line id: (amount, note)}``; amount a Decimal, number or typed text in EUR (``>= 0``, at
    most two decimals; empty removes the figure). Figures that are not amounts are refused with a message per line
    naming it (:class:`SpendingError`, raised after the narrative and the valid figures were saved: nothing is lost,
    and nothing is submitted). The draft is saved in its own transaction before the submission (its own
    transaction too), so a refused submission (:class:`ReportError` ``code="incomplete"``) keeps the draft. A
    replayed save after the submission is refused (``code="not_editable"``) and changes nothing. Returns the
    report.
    """
    errors: dict[int, str] = {}
    with transaction.atomic():
        requirement = lock_requirement(requirement_id)
        report = _editable_report(requirement, user)
        for field in NARRATIVE_FIELDS:
            if field in (narrative or {}):
                setattr(report, field, clean_plain_text(str(narrative[field] or "")).strip()[:MAX_TEXT_LENGTH])
        report.save()
        errors = _save_spending(report, requirement.agreement, spending)
    if errors:
        raise SpendingError(errors, report)
    if submit:
        report = submit_report(requirement_id, user=user, now=now)
    return report


def submission_problems(requirement: ReportingRequirement, report: Report) -> list[str]:
    """What keeps ``report`` from being submitted (messages for the grantee): the required narrative fields and a
    figure (0 allowed) for every budget line as awarded."""
    problems = []
    labels = {name: capfirst(Report._meta.get_field(name).verbose_name) for name in REQUIRED_NARRATIVE}
    for name in REQUIRED_NARRATIVE:
        if not getattr(report, name).strip():
            problems.append(_("Fill in “%(field)s”.") % {"field": labels[name]})
    missing = AgreementBudgetLine.objects.filter(agreement_id=requirement.agreement_id).exclude(
        pk__in=ReportSpendingLine.objects.filter(report=report).values("budget_line_id")
    )
    for line in missing:
        problems.append(_("Give the actual spending on “%(line)s” (0 if nothing was spent).") % {"line": line})
    return problems


def _snapshot(report: Report, version: int) -> dict:
    spending = [
        {
            "line": s.budget_line_id,
            "description": s.budget_line.description,
            "actual_eur": str(s.actual_eur),
            "note": s.note,
        }
        for s in report.spending.select_related("budget_line")
    ]
    files = [{"id": f.pk, "kind": f.kind, "name": f.original_name, "caption": f.caption} for f in report.files.all()]
    return {
        **{field: getattr(report, field) for field in NARRATIVE_FIELDS},
        "spending": spending,
        "files": files,
        "version": version,
    }


def _submit(requirement: ReportingRequirement, report: Report, *, user, now) -> Report:
    """Submit the saved draft (inside the locked transaction); see :func:`submit_report`."""
    problems = submission_problems(requirement, report)
    if problems:
        raise ReportError(problems, code="incomplete")
    now = now if now is not None else timezone.now()
    version = report.version + 1
    try:
        with transaction.atomic():
            ReportReview.objects.create(
                report=report,
                outcome=ReportReviewOutcome.SUBMITTED,
                snapshot=_snapshot(report, version),
                version=version,
                by=user,
                at=now,
            )
    except IntegrityError:  # this version was submitted already (a replay that slipped past the status check)
        return report
    report.version = version
    report.submitted_at = now
    report.submitted_by = user
    report.save(update_fields=["version", "submitted_at", "submitted_by", "updated_at"])
    requirement.status = ReportStatus.SUBMITTED
    requirement.save(update_fields=["status"])
    zone = call_zone(requirement.agreement)
    log_activity(
        requirement.agreement.application,
        user,
        "report_submitted",
        comment=f"{requirement_label(requirement, zone)} v{version}",
    )
    _notify_staff(requirement, report)
    return report


def submit_report(requirement_id: int, *, user, now: datetime.datetime | None = None) -> Report:
    """Submit the saved draft of requirement ``requirement_id`` as ``user`` (a grantee member); return the report.

    Atomic and replay-safe: the requirement is locked; a report already submitted or approved is returned unchanged
    (no second history row, log or mail; the database allows one submission row per version). Refused
    (:class:`ReportError`, ``code="incomplete"``, one message per problem) when :func:`submission_problems` finds
    something. On success: a ``submitted`` :class:`ReportReview` with the snapshot, ``version + 1``, the
    requirement ``submitted``, log ``report_submitted``, mail to the programme (``report_submitted``).
    """
    with transaction.atomic():
        requirement = lock_requirement(requirement_id)
        if requirement.status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED):
            require_member(user, requirement.agreement)
            return requirement.report
        report = _editable_report(requirement, user)
        return _submit(requirement, report, user=user, now=now)


def add_report_file(report_id: int, *, user, uploaded_file, kind: str, caption: str = "") -> ReportFile:
    """Attach ``uploaded_file`` to the draft report ``report_id`` (a grantee member, while the report may be
    edited). ``kind``: ``photo`` (JPEG or PNG) or ``supporting`` (PDF, DOCX, XLSX, ODT, ODS), checked by content
    (:func:`grants.files.inspect_upload`, ``GRANTS_ATTACHMENT_MAX_BYTES``). A refused file raises
    ``ValidationError``/:class:`ReportError` and writes nothing; the draft is untouched. Returns the new file."""
    try:
        kind = ReportFileKind(kind)
    except ValueError:
        raise ReportError(_("Choose whether the file is a photo or a supporting document."), code="kind") from None
    try:
        requirement_id = Report.objects.values_list("requirement_id", flat=True).get(pk=report_id)
    except Report.DoesNotExist:
        raise ReportError(_("This report does not exist."), code="not_found") from None
    detected = inspect_upload(uploaded_file)
    if detected.content_type not in FILE_TYPES[kind]:
        message = (
            _("A photo must be a JPG or PNG image.")
            if kind == ReportFileKind.PHOTO
            else _("A supporting document must be a PDF, DOCX, XLSX, ODT or ODS file.")
        )
        raise ReportError(message, code="type_not_allowed")
    storage = ReportFile._meta.get_field("file").storage
    stored_key = None
    try:
        with transaction.atomic():
            requirement = lock_requirement(requirement_id)
            report = _editable_report(requirement, user)
            name = detected.filename or f"file.{detected.extension}"
            item = ReportFile(
                report=report,
                kind=kind,
                original_name=name,
                content_type=detected.content_type,
                size_bytes=detected.size_bytes,
                caption=clean_plain_text(str(caption or "")).strip()[:255],
                uploaded_by=user,
            )
            uploaded_file.seek(0)
            item.file.save(name, uploaded_file, save=False)
            stored_key = item.file.name
            item.save()
    except BaseException:
        if stored_key:
            _delete_stored(storage, stored_key)
        raise
    return item


def _delete_stored(storage, key: str) -> None:
    try:
        storage.delete(key)
    except Exception:  # a file left behind must not turn a committed change into an error
        logger.exception("Could not delete the stored report file %s", key)


def remove_report_file(file_id: int, *, user) -> None:
    """Remove file ``file_id`` from its draft report (a grantee member, while the report may be edited); the
    stored file is deleted on commit. Files of a submitted version stay (the history names them)."""
    try:
        requirement_id = ReportFile.objects.values_list("report__requirement_id", flat=True).get(pk=file_id)
    except ReportFile.DoesNotExist:
        raise ReportError(_("This file does not exist."), code="not_found") from None
    storage = ReportFile._meta.get_field("file").storage
    with transaction.atomic():
        requirement = lock_requirement(requirement_id)
        _editable_report(requirement, user)
        item = ReportFile.objects.get(pk=file_id)
        key = item.file.name
        item.delete()
        transaction.on_commit(lambda: _delete_stored(storage, key))


# --- figures -------------------------------------------------------------------------------------------------------


def _variance_percent(variance: Decimal | None, awarded: Decimal | None) -> Decimal | None:
    if variance is None or not awarded:
        return None
    return (variance * 100 / awarded).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def financial_summary(report: Report | None, agreement: GrantAgreement | None = None) -> dict:
    """Actual spending against the budget as awarded.

    Returns ``{"lines": [{"line": AgreementBudgetLine, "awarded_eur": Decimal, "actual_eur": Decimal or None,
    "note": str, "variance_eur": Decimal or None, "variance_percent": Decimal or None}], "awarded_eur": Decimal,
    "actual_eur": Decimal, "variance_eur": Decimal, "variance_percent": Decimal or None, "complete": bool}``.

    Money is EUR with two decimals; variance = actual − awarded (negative: underspent); percent = variance as a
    share of the awarded amount, one decimal (None when the awarded amount is 0 or no figure was given). Totals are
    sums in the database (two queries: the lines with their figure, and the totals); ``complete`` says every line
    has a figure. ``report`` None (nothing saved yet) gives no actual figures; ``agreement`` defaults to the
    report's.
    """
    agreement = agreement or report.requirement.agreement
    spending = ReportSpendingLine.objects.filter(report=report, budget_line=OuterRef("pk")) if report else None
    lines = AgreementBudgetLine.objects.filter(agreement=agreement).order_by("sort_order", "pk")
    if spending is not None:
        lines = lines.annotate(
            actual=Subquery(spending.values("actual_eur")[:1]), spent_note=Subquery(spending.values("note")[:1])
        )
    rows = []
    complete = True
    for line in lines:
        actual = getattr(line, "actual", None)
        actual = Decimal(actual).quantize(CENT) if actual is not None else None
        complete = complete and actual is not None
        variance = actual - line.total_eur if actual is not None else None
        rows.append(
            {
                "line": line,
                "awarded_eur": line.total_eur,
                "actual_eur": actual,
                "note": getattr(line, "spent_note", "") or "",
                "variance_eur": variance,
                "variance_percent": _variance_percent(variance, line.total_eur),
            }
        )
    awarded = AgreementBudgetLine.objects.filter(agreement=agreement).aggregate(t=Sum("total_eur", default=ZERO))["t"]
    actual_total = (
        ReportSpendingLine.objects.filter(report=report).aggregate(t=Sum("actual_eur", default=ZERO))["t"]
        if report
        else ZERO
    )
    awarded, actual_total = Decimal(awarded).quantize(CENT), Decimal(actual_total).quantize(CENT)
    variance_total = actual_total - awarded
    return {
        "lines": rows,
        "awarded_eur": awarded,
        "actual_eur": actual_total,
        "variance_eur": variance_total,
        "variance_percent": _variance_percent(variance_total, awarded),
        "complete": complete and bool(rows),
    }


# --- staff review --------------------------------------------------------------------------------------------------


#: Days the grantee gets to answer a request for changes when staff give no date (counted in the call's zone).
CHANGES_RESPONSE_DAYS = 14


def changes_default_respond_by(
    requirement: ReportingRequirement, now: datetime.datetime | None = None
) -> datetime.date:
    """The default date to answer a request for changes: :data:`CHANGES_RESPONSE_DAYS` days after today in the
    call's zone, or the current due day when that is later (a request never brings the due date forward)."""
    zone = call_zone(requirement.agreement)
    today = (now if now is not None else timezone.now()).astimezone(zone).date()
    return max(today + datetime.timedelta(days=CHANGES_RESPONSE_DAYS), requirement.due_at.astimezone(zone).date())


def _respond_by_due(requirement: ReportingRequirement, respond_by, zone, now: datetime.datetime) -> datetime.datetime:
    """The new due time after a request for changes: the end of ``respond_by`` (a date; None → today +
    :data:`CHANGES_RESPONSE_DAYS` in ``zone``), never earlier than the current due time. A date before today is
    refused (``code="respond_by"``)."""
    today = now.astimezone(zone).date()
    if respond_by in (None, ""):
        respond_by = today + datetime.timedelta(days=CHANGES_RESPONSE_DAYS)
    if isinstance(respond_by, datetime.datetime) or not isinstance(respond_by, datetime.date):
        raise ReportError(_("Give the date by which the grantee should respond."), code="respond_by")
    if respond_by < today:
        raise ReportError(_("The date to respond by cannot be in the past."), code="respond_by")
    return max(end_of_day(respond_by, zone), requirement.due_at)


def _review(requirement_id: int, *, user, outcome: str, comment: str, now, respond_by=None) -> ReportReview | None:
    """Shared part of approve and request changes: returns the history row written, or None for a replay."""
    require_staff(user)
    comment = clean_plain_text(str(comment or "")).strip()[:MAX_COMMENT_LENGTH]
    if outcome == ReportReviewOutcome.CHANGES_REQUESTED and not comment:
        raise ReportError(_("Say what should change: the grantee will read your comment."), code="comment_required")
    now = now if now is not None else timezone.now()
    with transaction.atomic():
        requirement = lock_requirement(requirement_id)
        target = ReportStatus.APPROVED if outcome == ReportReviewOutcome.APPROVED else ReportStatus.CHANGES_REQUESTED
        if requirement.status == target:
            return None  # a double click or a replayed POST
        if requirement.status != ReportStatus.SUBMITTED:
            raise ReportError(_("Only a submitted report can be reviewed."), code="status")
        report = requirement.report
        agreement = requirement.agreement
        zone = call_zone(agreement)
        moved = ""
        if target == ReportStatus.CHANGES_REQUESTED:
            new_due = _respond_by_due(requirement, respond_by, zone, now)
            if new_due != requirement.due_at:
                moved = " " + _("Due date moved from %(old)s to %(new)s.") % {
                    "old": format_date(requirement.due_at.astimezone(zone).date()),
                    "new": format_date(new_due.astimezone(zone).date()),
                }
                requirement.due_at = new_due
        review = ReportReview.objects.create(
            report=report, outcome=outcome, comment=comment, version=report.version, by=user, at=now
        )
        requirement.status = target
        requirement.save(update_fields=["status", "due_at"])
        action = "report_approved" if target == ReportStatus.APPROVED else "report_changes_requested"
        label = f"{requirement_label(requirement, zone)} v{report.version}"
        text = f"{label}: {comment}" if comment else label
        log_activity(agreement.application, user, action, comment=text + moved)
        _notify_grantee(requirement, review)
        if target == ReportStatus.APPROVED:
            from .closeout import maybe_complete

            maybe_complete(agreement, user=user, now=now)
    return review


def approve_report(
    requirement_id: int, *, user, comment: str = "", now: datetime.datetime | None = None
) -> ReportReview | None:
    """Staff ``user`` approves the submitted report of requirement ``requirement_id`` (``comment`` optional).

    Writes an ``approved`` history row, sets the requirement ``approved``, logs ``report_approved``, mails the
    grantee's members (``report_reviewed``, in each one's language) and lets
    :func:`grants.services.closeout.maybe_complete` complete the grant. A replay (already approved) writes nothing
    and returns None; a report that is not submitted is refused (:class:`ReportError`, ``code="status"``)."""
    return _review(requirement_id, user=user, outcome=ReportReviewOutcome.APPROVED, comment=comment, now=now)


def request_changes(
    requirement_id: int,
    *,
    user,
    comment: str,
    respond_by: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> ReportReview | None:
    """Staff ``user`` sends the submitted report of requirement ``requirement_id`` back for changes; ``comment``
    (plain text) is required (``code="comment_required"``). The grantee may edit and resubmit (a new version).

    The grantee gets a new due date so that a report submitted on time does not turn overdue at once:
    ``respond_by`` (a date in the call's zone; None → :data:`CHANGES_RESPONSE_DAYS` days after today there). The
    requirement's ``due_at`` becomes the end of that day, or stays as it is when that is earlier (never brought
    forward); ``original_due_at`` is kept, so reminders are keyed to the new date
    (:func:`grants.tasks.reminder_dedupe_key`). A ``respond_by`` before today is refused (``code="respond_by"``).

    History row, status ``changes_requested``, log ``report_changes_requested`` (with the move of the due date),
    mail to the grantee's members. A replay (changes already requested) writes nothing and returns None."""
    return _review(
        requirement_id,
        user=user,
        outcome=ReportReviewOutcome.CHANGES_REQUESTED,
        comment=comment,
        now=now,
        respond_by=respond_by,
    )


# --- mail ------------------------------------------------------------------------------------------------------------


def _notify_staff(requirement: ReportingRequirement, report: Report) -> None:
    """Mail the programme's address (``PORTAL_CONTACT_EMAIL``) that a report version was submitted; once per
    version. The staff member who last asked for changes is told too."""
    recipients: list = [settings.PORTAL_CONTACT_EMAIL]
    last = report.history.filter(outcome=ReportReviewOutcome.CHANGES_REQUESTED).select_related("by").last()
    if last is not None and last.by is not None and last.by.is_active:
        recipients.append(last.by)
    notify(
        recipients,
        "report_submitted",
        {**requirement_context(requirement), "version": report.version},
        dedupe_key=f"report-submitted:{report.pk}:{report.version}",
    )


def _notify_grantee(requirement: ReportingRequirement, review: ReportReview) -> None:
    """Mail the grantee's members the outcome of a review, each in their language; once per history row."""
    notify(
        list(grantee_members(requirement.agreement.organisation_id)),
        "report_reviewed",
        {**requirement_context(requirement), "outcome": review.outcome, "comment": review.comment},
        dedupe_key=f"report-reviewed:{review.pk}",
    )
