"""Grant agreements (issue 5, item 1): made from an award, sent, signed, activated, amended, terminated.

Every function here is for programme staff (active ``is_staff``; :class:`ApplicationPermissionError` otherwise)
and follows the same pattern: validate the input, lock the application row
(:func:`grants.services.common.lock_application`, so two staff members cannot change one agreement at the same
time), check the status change against :data:`grants.agreement_workflow.AGREEMENT_TRANSITIONS`, change the rows
and write the application's activity log, all in one transaction. A refused call writes nothing.

Creation (:func:`create_agreement`) from the application's latest award:

- amount = the award's ``amount_eur``; grantee = the lead organisation; partners = the co-applicants; reference
  ``"GA-" + application reference``.
- Budget as awarded: the application's budget lines (category, description, ``total_eur``) are copied. When they do
  not add up to the award (the award is below the requested amount, or the lines include co-financing) they are
  scaled proportionally to sum to the award exactly: each line gets its share rounded down to the cent, and the
  cents left over go one by one to the lines with the largest rounding remainders (first lines first on a tie).
  So the lines as awarded always sum to ``amount_eur``; a budget reallocation keeps that sum.
- Tranches: the frozen call rules' ``payment_schedule`` (the call's default, 80 % at signature and 20 % after the
  final report, when the rules lack it). Each amount is its percent of the award rounded half-up to the cent; the
  last tranche takes the remainder, so the tranches sum to the award exactly. ``signature`` → condition
  ``signature``; ``interim_report_approved`` / ``final_report_approved`` → ``report_approved``, linked to the
  matching reporting requirement when the agreement is signed (tranche *n* is item *n* of the frozen schedule).
- One agreement per application: calling again returns the existing one and writes nothing.

Signature (:func:`sign_agreement`) stores the signed PDF (checked by content with
:func:`grants.files.inspect_upload`; anything but a PDF is refused) on the private storage, makes the reporting
schedule with :func:`grants.services.reporting.create_schedule` when that service is installed, and links each
report tranche: ``interim_report_approved`` → the interim requirement (the final one when there is no interim),
``final_report_approved`` → the final requirement.

Amendments (:func:`record_amendment`): a no-cost extension moves the end date later (and the final report's due
date, via :func:`grants.services.reporting.extend_for_new_end_date` when installed); a budget reallocation changes
line totals but never their sum. Both keep the values before and after in :attr:`Amendment.changes`.

Errors: :class:`ApplicationPermissionError` (``"forbidden"``), :class:`ApplicationError` with codes ``not_found``,
``not_awarded``, ``dates``, ``file``, ``reason_required``, ``amendment``, ``status``, and the table's
:class:`TransitionNotAllowed` (``"transition"``). Messages are for staff, in the active language.
"""

from __future__ import annotations

import datetime
import logging
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.agreement_workflow import STAFF, SYSTEM, check_transition
from grants.files import inspect_upload
from grants.formatting import format_eur
from grants.models import (
    AgreementBudgetLine,
    AgreementStatus,
    Amendment,
    AmendmentKind,
    ApplicationStatus,
    DecisionOutcome,
    GrantAgreement,
    ReportKind,
    Tranche,
    TrancheCondition,
)
from grants.models.calls import default_payment_schedule
from grants.services.common import lock_application, log_activity
from grants.services.common import require_staff as common_require_staff
from grants.services.errors import ApplicationError
from portal.sanitize import clean_plain_text

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
#: Longest reason kept (characters).
MAX_REASON_LENGTH = 5000
#: Schedule conditions of the call rules → the tranche's condition.
CONDITIONS = {
    "signature": TrancheCondition.SIGNATURE,
    "interim_report_approved": TrancheCondition.REPORT_APPROVED,
    "final_report_approved": TrancheCondition.REPORT_APPROVED,
}


def require_staff(user) -> None:
    """Raise :class:`ApplicationPermissionError` unless ``user`` is signed in, active and staff."""
    common_require_staff(user, _("Only programme staff may manage grant agreements."))


def _clean_reason(reason) -> str:
    text = clean_plain_text(str(reason or ""))[:MAX_REASON_LENGTH].strip()
    if not text:
        raise ApplicationError(_("Give a reason."), code="reason_required")
    return text


def _as_date(value, message: str) -> datetime.date:
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            raise ApplicationError(message, code="dates") from None
    return value


def _locked_agreement(agreement_id: int) -> GrantAgreement:
    """The agreement with its application row locked (call inside ``transaction.atomic``)."""
    application_id = GrantAgreement.objects.filter(pk=agreement_id).values_list("application_id", flat=True).first()
    if application_id is None:
        raise ApplicationError(_("This grant agreement does not exist."), code="not_found")
    application = lock_application(application_id)
    agreement = GrantAgreement.objects.select_related("organisation").get(pk=agreement_id)
    agreement.application = application
    return agreement


def _set_status(agreement: GrantAgreement, to_status: str, *, user, role: str = STAFF, comment: str = "") -> None:
    """Move ``agreement`` to ``to_status`` through the table and log it (caller holds the lock; saves status only)."""
    from_status = agreement.status
    transition = check_transition(from_status, to_status, role)
    agreement.status = to_status
    agreement.save(update_fields=["status", "updated_at"])
    log_activity(agreement.application, user, transition.name, comment=comment or agreement.reference)


# --- creation ------------------------------------------------------------------------------------------------------


def payment_schedule(application) -> list[dict]:
    """The frozen rules' ``payment_schedule`` of ``application`` (``[{"percent": Decimal, "condition": str}]``),
    or the call's default schedule when the rules lack it or it is unusable (shares not adding up to 100)."""
    raw = (application.rules_version.rules if application.rules_version_id else {}).get("payment_schedule") or []
    try:
        schedule = [{"percent": Decimal(str(item["percent"])), "condition": item["condition"]} for item in raw]
    except (KeyError, TypeError, InvalidOperation):
        schedule = []
    valid = (
        schedule
        and sum(item["percent"] for item in schedule) == HUNDRED
        and all(item["percent"] > 0 and item["condition"] in CONDITIONS for item in schedule)
    )
    if not valid:
        schedule = [
            {"percent": Decimal(item["percent"]), "condition": item["condition"]} for item in default_payment_schedule()
        ]
    return schedule


def split_tranches(amount: Decimal, percents: list[Decimal]) -> list[Decimal]:
    """Amounts (EUR) of tranches of ``amount`` at ``percents`` (summing to 100): each rounded half-up to the cent,
    the last one the remainder, so they sum to ``amount`` exactly."""
    amounts = [(amount * percent / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP) for percent in percents[:-1]]
    return [*amounts, amount - sum(amounts, Decimal("0"))]


def scale_lines(totals: list[Decimal], target: Decimal) -> list[Decimal]:
    """``totals`` (EUR) scaled proportionally to sum to ``target`` exactly (largest remainder to the cent; see the
    module docstring). Unchanged when they already sum to ``target``; all on the first line when they sum to 0."""
    current = sum(totals, Decimal("0"))
    if current == target or not totals:
        return list(totals)
    if current <= 0:
        return [target] + [Decimal("0.00")] * (len(totals) - 1)
    exact = [total * target / current for total in totals]
    scaled = [value.quantize(CENT, rounding=ROUND_DOWN) for value in exact]
    left = int(((target - sum(scaled, Decimal("0"))) / CENT).to_integral_value())
    order = sorted(range(len(totals)), key=lambda i: (-(exact[i] - scaled[i]), i))
    for index in order[:left]:
        scaled[index] += CENT
    return scaled


def create_agreement(
    application_id: int,
    *,
    user,
    start_date: datetime.date,
    end_date: datetime.date,
    now: datetime.datetime | None = None,
) -> GrantAgreement:
    """Draft the grant agreement of the awarded application ``application_id`` and return it (see the module
    docstring for the amounts, budget and tranches). ``start_date``/``end_date``: the project period (dates or ISO
    strings, end not before start). A second call returns the existing agreement unchanged (replay-safe).

    Errors: ``forbidden``; ``not_found``; ``not_awarded`` (status is not awarded or the latest decision is not an
    award with an amount); ``dates``. Logs ``agreement_created``.
    """
    require_staff(user)
    start = _as_date(start_date, _("Give the start date."))
    end = _as_date(end_date, _("Give the end date."))
    if end < start:
        raise ApplicationError(_("The end date cannot be before the start date."), code="dates")
    with transaction.atomic():
        application = lock_application(application_id)
        existing = GrantAgreement.objects.filter(application=application).first()
        if existing is not None:
            return existing
        decision = application.decisions.order_by("-decided_at", "-pk").first()
        if (
            application.status != ApplicationStatus.AWARDED
            or decision is None
            or decision.outcome != DecisionOutcome.AWARD
            or not decision.amount_eur
        ):
            raise ApplicationError(
                _("A grant agreement can only be made for an awarded application."), code="not_awarded"
            )
        amount = decision.amount_eur
        agreement = GrantAgreement.objects.create(
            application=application,
            organisation_id=application.organisation_id,
            reference=f"GA-{application.reference or application.pk}"[:40],
            amount_eur=amount,
            start_date=start,
            end_date=end,
            created_by=user,
        )
        agreement.partners.set(application.partners.values_list("organisation_id", flat=True))
        lines = list(application.budget_lines.order_by("sort_order", "pk"))
        totals = scale_lines([line.total_eur for line in lines], amount)
        AgreementBudgetLine.objects.bulk_create(
            AgreementBudgetLine(
                agreement=agreement,
                category=line.category,
                description=line.description,
                total_eur=total,
                sort_order=order,
            )
            for order, (line, total) in enumerate(zip(lines, totals, strict=True))
        )
        schedule = payment_schedule(application)
        amounts = split_tranches(amount, [item["percent"] for item in schedule])
        Tranche.objects.bulk_create(
            Tranche(
                agreement=agreement,
                number=number,
                percent=item["percent"],
                amount_eur=tranche_amount,
                condition=CONDITIONS[item["condition"]],
            )
            for number, (item, tranche_amount) in enumerate(zip(schedule, amounts, strict=True), start=1)
        )
        log_activity(application, user, "agreement_created", comment=f"{agreement.reference}: {format_eur(amount)}")
    return agreement


# --- status changes ------------------------------------------------------------------------------------------------


def send_agreement(agreement_id: int, *, user, now: datetime.datetime | None = None) -> GrantAgreement:
    """Mark the draft agreement ``agreement_id`` as sent to the grantee for signature (``sent_at=now``); logs
    ``agreement_sent``. Errors: ``forbidden``, ``not_found``, ``transition`` (not a draft)."""
    require_staff(user)
    now = now or timezone.now()
    with transaction.atomic():
        agreement = _locked_agreement(agreement_id)
        _set_status(agreement, AgreementStatus.SENT, user=user)
        agreement.sent_at = now
        agreement.save(update_fields=["sent_at", "updated_at"])
    return agreement


def _check_signed_file(signed_file):
    if signed_file is None:
        raise ApplicationError(_("Upload the signed agreement (PDF)."), code="file")
    try:
        detected = inspect_upload(signed_file)  # ValidationError with the reason when refused
    except ValidationError as error:
        # Not "Upload one of: PDF, DOCX, …" (a .txt) nor "Accepted types: …" (a renamed file): only a PDF will do.
        if getattr(error, "code", None) in ("type_not_allowed", "type_mismatch"):
            raise ApplicationError(_("The signed agreement must be a PDF file."), code="file") from None
        raise
    if detected.content_type != "application/pdf":
        raise ApplicationError(_("The signed agreement must be a PDF file."), code="file")
    return detected


def _delete_stored(storage, key: str) -> None:
    try:
        storage.delete(key)
    except Exception:  # a file left behind must not turn a refusal into a different error
        logger.exception("Could not delete the stored agreement file %s", key)


def _signed_at(agreement: GrantAgreement, signed_on, now: datetime.datetime) -> datetime.datetime:
    """Noon of ``signed_on`` in the call's zone (``now`` if None, and at most ``now``); refused (``code="date"``) if
    not a date, in the future or before the day the agreement was sent."""
    if signed_on in (None, ""):
        return now
    if isinstance(signed_on, datetime.datetime) or not isinstance(signed_on, datetime.date):
        try:
            signed_on = datetime.date.fromisoformat(str(signed_on))
        except ValueError:
            raise ApplicationError(_("Give the date of signature."), code="date") from None
    zone = ZoneInfo(agreement.application.call.timezone)
    if signed_on > now.astimezone(zone).date():
        raise ApplicationError(_("The date of signature cannot be in the future."), code="date")
    sent_on = agreement.sent_at.astimezone(zone).date() if agreement.sent_at else None
    if sent_on and signed_on < sent_on:
        raise ApplicationError(
            _("The agreement cannot have been signed before it was sent (%(date)s).") % {"date": sent_on.isoformat()},
            code="date",
        )
    return min(datetime.datetime.combine(signed_on, datetime.time(12), tzinfo=zone), now)


def sign_agreement(
    agreement_id: int, *, user, signed_file, signed_on=None, now: datetime.datetime | None = None
) -> GrantAgreement:
    """Record the signature of the sent agreement ``agreement_id``: store ``signed_file`` (an uploaded PDF, checked
    by content) on the private storage, set ``signed_at`` and status signed, mark the signature tranches due
    (``due_since=signed_at``), make the reporting schedule (when :mod:`grants.services.reporting` provides
    ``create_schedule``) and link the report tranches to it. Logs ``agreement_signed``.

    ``signed_on`` (optional date or ISO string): the day both parties signed, not in the future nor before the day
    the agreement was sent (in the call's zone); ``signed_at`` is noon of that day in the call's zone (or ``now`` if
    earlier). Without it ``signed_at=now``.

    Errors: ``forbidden``, ``not_found``, ``date`` (``signed_on``), ``file`` (no file; not a PDF, whatever its name:
    "The signed agreement must be a PDF file.", not the general upload list of types; damaged, too large),
    ``transition`` (not sent). On any error the agreement stays as it was and no file is kept.
    """
    require_staff(user)
    now = now or timezone.now()
    try:
        detected = _check_signed_file(signed_file)
    except ApplicationError:
        raise
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), code="file") from None
    storage = GrantAgreement._meta.get_field("signed_file").storage
    stored_key = None
    try:
        with transaction.atomic():
            agreement = _locked_agreement(agreement_id)
            check_transition(agreement.status, AgreementStatus.SIGNED, STAFF)
            signed_at = _signed_at(agreement, signed_on, now)
            name = detected.filename or "agreement.pdf"
            signed_file.seek(0)
            agreement.signed_file.save(name, signed_file, save=False)
            stored_key = agreement.signed_file.name
            agreement.signed_file_name = name
            agreement.signed_at = signed_at
            agreement.save(update_fields=["signed_file", "signed_file_name", "signed_at", "updated_at"])
            _set_status(agreement, AgreementStatus.SIGNED, user=user, comment=f"{agreement.reference}: {name}")
            agreement.tranches.filter(condition=TrancheCondition.SIGNATURE, due_since__isnull=True).update(
                due_since=signed_at
            )
            _make_reporting_schedule(agreement, now=now)
    except BaseException:
        if stored_key:
            _delete_stored(storage, stored_key)
        raise
    return agreement


def _make_reporting_schedule(agreement: GrantAgreement, *, now: datetime.datetime) -> None:
    """Create the reporting requirements (reporting service, when installed) and link the report tranches."""
    try:
        from grants.services.reporting import create_schedule
    except ImportError:  # the reporting service is built separately; without it report tranches stay unlinked
        create_schedule = None
    if create_schedule is not None and not agreement.reporting_requirements.exists():
        create_schedule(agreement, now=now)
    link_report_tranches(agreement)


def link_report_tranches(agreement: GrantAgreement) -> int:
    """Link each unlinked ``report_approved`` tranche of ``agreement`` to its reporting requirement (see the module
    docstring); returns how many were linked. Tranche *n* follows item *n* of the frozen payment schedule."""
    requirements = list(agreement.reporting_requirements.order_by("due_at", "pk"))
    interim = next((r for r in requirements if r.kind == ReportKind.INTERIM), None)
    final = next((r for r in reversed(requirements) if r.kind == ReportKind.FINAL), None)
    targets = {"interim_report_approved": interim or final, "final_report_approved": final}
    schedule = payment_schedule(agreement.application)
    linked = 0
    for tranche in agreement.tranches.filter(condition=TrancheCondition.REPORT_APPROVED, report__isnull=True):
        item = schedule[tranche.number - 1] if tranche.number <= len(schedule) else {"condition": ""}
        target = targets.get(item["condition"]) or final
        if target is not None:
            tranche.report = target
            tranche.save(update_fields=["report"])
            linked += 1
    return linked


def _local_today(agreement: GrantAgreement, now: datetime.datetime) -> datetime.date:
    zone = agreement.application.call.timezone or "UTC"
    return now.astimezone(ZoneInfo(zone)).date()


def activate_agreement(agreement_id: int, *, user=None, now: datetime.datetime | None = None) -> GrantAgreement:
    """Put the signed agreement ``agreement_id`` in force (status active); logs ``agreement_activated``.

    ``user``: staff may activate at any time after signature; ``None`` means the site itself (a periodic task),
    which activates only once the start date is reached in the call's time zone (``code="status"`` before).
    Errors: ``forbidden`` (a user who is not staff), ``not_found``, ``status``, ``transition`` (not signed).
    """
    if user is not None:
        require_staff(user)
    now = now or timezone.now()
    with transaction.atomic():
        agreement = _locked_agreement(agreement_id)
        if (
            user is None
            and agreement.status == AgreementStatus.SIGNED
            and _local_today(agreement, now) < agreement.start_date
        ):
            raise ApplicationError(_("The project has not started yet."), code="status")
        _set_status(agreement, AgreementStatus.ACTIVE, user=user, role=STAFF if user is not None else SYSTEM)
    return agreement


def activate_started_agreements(now: datetime.datetime | None = None) -> list[int]:
    """Activate every signed agreement whose start date is reached (in its call's time zone); returns their ids.
    Idempotent: run it daily (a second run finds nothing to do)."""
    now = now or timezone.now()
    done = []
    candidates = GrantAgreement.objects.filter(
        status=AgreementStatus.SIGNED, start_date__lte=(now + datetime.timedelta(days=1)).date()
    ).values_list("pk", flat=True)
    for agreement_id in candidates:
        try:
            activate_agreement(agreement_id, now=now)
        except ApplicationError:
            continue
        done.append(agreement_id)
    return done


def terminate_agreement(
    agreement_id: int, *, user, reason: str, now: datetime.datetime | None = None
) -> GrantAgreement:
    """Terminate the agreement ``agreement_id`` (any open status) with ``reason`` (plain text, required): status
    terminated, ``terminated_at=now``, ``termination_reason``; logs ``agreement_terminated`` with the reason.
    Tranches already paid stay recorded. Errors: ``forbidden``, ``not_found``, ``reason_required``,
    ``transition`` (completed or already terminated)."""
    require_staff(user)
    reason = _clean_reason(reason)
    now = now or timezone.now()
    with transaction.atomic():
        agreement = _locked_agreement(agreement_id)
        _set_status(agreement, AgreementStatus.TERMINATED, user=user, comment=reason)
        agreement.terminated_at = now
        agreement.termination_reason = reason
        agreement.save(update_fields=["terminated_at", "termination_reason", "updated_at"])
    return agreement


# --- amendments ----------------------------------------------------------------------------------------------------

#: Statuses in which an agreement may be amended (signed and not closed).
AMENDABLE_STATUSES = (AgreementStatus.SIGNED, AgreementStatus.ACTIVE)


def _parse_amount(value) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ApplicationError(_("Give each amount in EUR as a number."), code="amendment") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(CENT):
        raise ApplicationError(_("Give each amount in EUR, not negative, with at most two decimals."), code="amendment")
    return amount.quantize(CENT)


def record_amendment(
    agreement_id: int,
    *,
    user,
    kind: str,
    reason: str,
    new_end_date: datetime.date | None = None,
    reallocation: dict | None = None,
    now: datetime.datetime | None = None,
) -> Amendment:
    """Record an amendment of the signed or active agreement ``agreement_id`` and apply it; return the
    :class:`Amendment`.

    ``kind``: ``"no_cost_extension"`` with ``new_end_date`` (a date or ISO string, later than the current end
    date): the end date moves (``changes = {"end_date": [old, new]}``, ISO dates) and, when the reporting service
    provides ``extend_for_new_end_date(agreement, *, user, now)``, the final report's due date follows.
    ``"budget_reallocation"`` with ``reallocation`` (``{budget line id: new total in EUR}``; Decimal, str or int):
    the line totals change, their sum may not (``changes = {"lines": {"<id>": ["old", "new"]}}`` for the changed
    lines only). ``reason``: plain text, required. Logs ``agreement_amended`` with the reason.

    Errors: ``forbidden``, ``not_found``, ``reason_required``, ``status`` (not signed or active), ``amendment``
    (unknown kind, missing or earlier end date, unknown line, negative or non-numeric amount, a changed total,
    nothing changed). Nothing is written when refused.
    """
    require_staff(user)
    reason = _clean_reason(reason)
    now = now or timezone.now()
    if kind not in AmendmentKind.values:
        raise ApplicationError(_("Choose a kind of amendment."), code="amendment")
    with transaction.atomic():
        agreement = _locked_agreement(agreement_id)
        if agreement.status not in AMENDABLE_STATUSES:
            raise ApplicationError(_("Only a signed agreement in force can be amended."), code="status")
        if kind == AmendmentKind.NO_COST_EXTENSION:
            changes = _extend(agreement, new_end_date)
        else:
            changes = _reallocate(agreement, reallocation)
        amendment = Amendment.objects.create(
            agreement=agreement, kind=kind, reason=reason, changes=changes, made_by=user
        )
        log_activity(
            agreement.application,
            user,
            "agreement_amended",
            comment=f"{AmendmentKind(kind).label}: {reason}",
        )
        if kind == AmendmentKind.NO_COST_EXTENSION:
            try:
                from grants.services.reporting import extend_for_new_end_date
            except ImportError:  # built separately; without it the final report keeps its due date
                extend_for_new_end_date = None
            if extend_for_new_end_date is not None:
                extend_for_new_end_date(agreement, user=user, now=now)
    return amendment


def _extend(agreement: GrantAgreement, new_end_date) -> dict:
    if new_end_date in (None, ""):
        raise ApplicationError(_("Give the new end date."), code="amendment")
    try:
        new_end = _as_date(new_end_date, _("Give the new end date."))
    except ApplicationError as error:
        raise ApplicationError(" ".join(error.messages), code="amendment") from None
    if new_end <= agreement.end_date:
        raise ApplicationError(
            _("A no-cost extension moves the end date later than %(end)s.") % {"end": agreement.end_date.isoformat()},
            code="amendment",
        )
    old = agreement.end_date
    agreement.end_date = new_end
    agreement.save(update_fields=["end_date", "updated_at"])
    return {"end_date": [old.isoformat(), new_end.isoformat()]}


def _reallocate(agreement: GrantAgreement, reallocation) -> dict:
    if not reallocation:
        raise ApplicationError(_("Give the new amounts of the budget lines."), code="amendment")
    lines = {line.pk: line for line in agreement.budget_lines.all()}
    new_totals = {}
    for key, value in reallocation.items():
        try:
            line_id = int(key)
        except (TypeError, ValueError):
            line_id = None
        if line_id not in lines:
            raise ApplicationError(_("A budget line is not one of this agreement's."), code="amendment")
        new_totals[line_id] = _parse_amount(value)
    before = sum((line.total_eur for line in lines.values()), Decimal("0"))
    after = sum((new_totals.get(pk, line.total_eur) for pk, line in lines.items()), Decimal("0"))
    if after != before:
        raise ApplicationError(
            _("A reallocation cannot change the total of the budget (%(before)s; the new lines add up to %(after)s).")
            % {"before": format_eur(before), "after": format_eur(after)},
            code="amendment",
        )
    changed = {pk: total for pk, total in new_totals.items() if total != lines[pk].total_eur}
    if not changed:
        raise ApplicationError(_("No budget line changes."), code="amendment")
    record = {str(pk): [str(lines[pk].total_eur), str(total)] for pk, total in changed.items()}
    for pk, total in changed.items():
        lines[pk].total_eur = total
    AgreementBudgetLine.objects.bulk_update([lines[pk] for pk in changed], ["total_eur"])
    return {"lines": record}


def budget_total(agreement: GrantAgreement) -> Decimal:
    """Sum (EUR) of ``agreement``'s budget lines as awarded, computed in the database."""
    return agreement.budget_lines.aggregate(total=Sum("total_eur", default=Decimal("0.00")))["total"]


def amendment_history(agreement: GrantAgreement) -> list[dict]:
    """The amendments of ``agreement``, oldest first, ready to show: ``[{"amendment": Amendment, "end_date": (old
    date, new date) or None, "lines": [(line description, old EUR, new EUR), ...]}]``. Two queries whatever the
    number of amendments (use ``prefetch_related("amendments", "budget_lines")`` to make it none)."""
    names = {str(line.pk): line.description for line in agreement.budget_lines.all()}
    history = []
    for amendment in agreement.amendments.all():
        changes = amendment.changes or {}
        end = changes.get("end_date")
        history.append(
            {
                "amendment": amendment,
                "end_date": tuple(datetime.date.fromisoformat(value) for value in end) if end else None,
                "lines": [
                    (names.get(key, key), Decimal(values[0]), Decimal(values[1]))
                    for key, values in (changes.get("lines") or {}).items()
                ],
            }
        )
    return history
