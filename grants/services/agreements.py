"""Grant agreements (issue 5, item 1): made from an award, sent, signed, activated, terminated.

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

Before it is sent, staff may correct the draft's project period and partners (:func:`update_draft_agreement`);
from "sent for signature" on that is refused, and after signature the way is an amendment.

Signature (:func:`sign_agreement`) stores the signed PDF (checked by content with
:func:`grants.files.inspect_upload`; anything but a PDF is refused) on the private storage, makes the reporting
schedule with :func:`grants.services.reporting.create_schedule` when that service is installed, and links each
report tranche: ``interim_report_approved`` → the interim requirement (the final one when there is no interim),
``final_report_approved`` → the final requirement.

Amendments of a signed agreement (no-cost extension, budget reallocation) are in :mod:`grants.services.amendments`;
:func:`record_amendment`, :func:`amendment_history` and :func:`budget_total` are re-exported here. The shared
helpers (staff check, locking, status changes) are in :mod:`grants.services.agreement_common`.

Errors: :class:`ApplicationPermissionError` (``"forbidden"``), :class:`ApplicationError` with codes ``not_found``,
``not_awarded``, ``dates``, ``file``, ``reason_required``, ``status``, and the table's
:class:`TransitionNotAllowed` (``"transition"``). Messages are for staff, in the active language.
"""

from __future__ import annotations

import datetime
import logging
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Organisation
from grants.agreement_workflow import STAFF, SYSTEM, check_transition
from grants.files import inspect_upload
from grants.formatting import format_date, format_eur
from grants.models import (
    AgreementBudgetLine,
    AgreementStatus,
    ApplicationStatus,
    DecisionOutcome,
    GrantAgreement,
    ReportKind,
    Tranche,
    TrancheCondition,
)
from grants.models.calls import default_payment_schedule
from grants.services.agreement_common import (
    CENT,
    MAX_REASON_LENGTH,
    as_date,
    clean_reason,
    locked_agreement,
    require_staff,
    set_status,
)
from grants.services.common import lock_application, log_activity
from grants.services.errors import ApplicationError

logger = logging.getLogger(__name__)

HUNDRED = Decimal("100")
#: Schedule conditions of the call rules → the tranche's condition.
CONDITIONS = {
    "signature": TrancheCondition.SIGNATURE,
    "interim_report_approved": TrancheCondition.REPORT_APPROVED,
    "final_report_approved": TrancheCondition.REPORT_APPROVED,
}


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
    start = as_date(start_date, _("Give the start date."))
    end = as_date(end_date, _("Give the end date."))
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


# --- changing a draft ----------------------------------------------------------------------------------------------


def update_draft_agreement(
    agreement_id: int,
    *,
    user,
    start_date: datetime.date,
    end_date: datetime.date,
    partner_ids,
    now: datetime.datetime | None = None,
) -> dict:
    """Change the project period and the partners of the draft agreement ``agreement_id`` before it is sent.

    ``start_date``/``end_date``: dates or ISO strings, end not before start. ``partner_ids``: ids of the partner
    organisations (any iterable; duplicates ignored; the grantee itself is refused). Amount, budget and tranches
    stay as awarded.

    Returns the changes made, ``{"start_date": (old, new), "end_date": (old, new), "partners": (old names, new
    names)}`` with only the keys that changed; ``{}`` when nothing changed (nothing is written then). Logs
    ``agreement_edited`` with the changes, dates written as people read them.

    Errors: ``forbidden``; ``not_found``; ``dates``; ``partners`` (an unknown organisation, or the grantee);
    ``status``: the agreement is no longer a draft (once sent, its terms are the ones the grantee signs; after
    signature, changes are amendments: :func:`grants.services.amendments.record_amendment`).
    """
    require_staff(user)
    start = as_date(start_date, _("Give the start date."))
    end = as_date(end_date, _("Give the end date."))
    if end < start:
        raise ApplicationError(_("The end date cannot be before the start date."), code="dates")
    wanted = set()
    for value in partner_ids or ():
        try:
            wanted.add(int(getattr(value, "pk", value)))
        except (TypeError, ValueError):
            raise ApplicationError(
                _("A partner is not an organisation registered on the portal."), code="partners"
            ) from None
    with transaction.atomic():
        agreement = locked_agreement(agreement_id)
        if agreement.status != AgreementStatus.DRAFT:
            raise ApplicationError(
                _(
                    "Only a draft agreement can be changed. This one is “%(status)s”: after signature, record an "
                    "amendment instead."
                )
                % {"status": agreement.get_status_display()},
                code="status",
            )
        partners = {organisation.pk: organisation for organisation in Organisation.objects.filter(pk__in=wanted)}
        if len(partners) != len(wanted) or agreement.organisation_id in partners:
            raise ApplicationError(
                _("Partners are organisations registered on the portal, other than the grantee."), code="partners"
            )
        changes = {}
        if start != agreement.start_date:
            changes["start_date"] = (agreement.start_date, start)
        if end != agreement.end_date:
            changes["end_date"] = (agreement.end_date, end)
        current = {organisation.pk: organisation for organisation in agreement.partners.all()}
        if set(current) != set(partners):
            changes["partners"] = (
                sorted(organisation.legal_name for organisation in current.values()),
                sorted(organisation.legal_name for organisation in partners.values()),
            )
        if not changes:
            return {}
        agreement.start_date, agreement.end_date = start, end
        agreement.save(update_fields=["start_date", "end_date", "updated_at"])
        if "partners" in changes:
            agreement.partners.set(list(partners))
        log_activity(agreement.application, user, "agreement_edited", comment=_describe_changes(agreement, changes))
    return changes


def _describe_changes(agreement: GrantAgreement, changes: dict) -> str:
    """The activity-log comment of :func:`update_draft_agreement`: "GA-…: project period 1 March 2026 – 31 October
    2026 → …; partners: A; B → A" (only what changed)."""
    parts = []
    if "start_date" in changes or "end_date" in changes:
        old_start, new_start = changes.get("start_date", (agreement.start_date, agreement.start_date))
        old_end, new_end = changes.get("end_date", (agreement.end_date, agreement.end_date))
        parts.append(
            _("project period %(old)s → %(new)s")
            % {
                "old": f"{format_date(old_start)} – {format_date(old_end)}",
                "new": f"{format_date(new_start)} – {format_date(new_end)}",
            }
        )
    if "partners" in changes:
        old, new = changes["partners"]
        parts.append(_("partners: %(old)s → %(new)s") % {"old": "; ".join(old) or "—", "new": "; ".join(new) or "—"})
    return f"{agreement.reference}: " + "; ".join(parts)


# --- status changes ------------------------------------------------------------------------------------------------


def send_agreement(agreement_id: int, *, user, now: datetime.datetime | None = None) -> GrantAgreement:
    """Mark the draft agreement ``agreement_id`` as sent to the grantee for signature (``sent_at=now``); logs
    ``agreement_sent``. Errors: ``forbidden``, ``not_found``, ``transition`` (not a draft)."""
    require_staff(user)
    now = now or timezone.now()
    with transaction.atomic():
        agreement = locked_agreement(agreement_id)
        set_status(agreement, AgreementStatus.SENT, user=user)
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
            _("The agreement cannot have been signed before it was sent (%(date)s).") % {"date": format_date(sent_on)},
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
            agreement = locked_agreement(agreement_id)
            check_transition(agreement.status, AgreementStatus.SIGNED, STAFF)
            signed_at = _signed_at(agreement, signed_on, now)
            name = detected.filename or "agreement.pdf"
            signed_file.seek(0)
            agreement.signed_file.save(name, signed_file, save=False)
            stored_key = agreement.signed_file.name
            agreement.signed_file_name = name
            agreement.signed_at = signed_at
            agreement.save(update_fields=["signed_file", "signed_file_name", "signed_at", "updated_at"])
            set_status(agreement, AgreementStatus.SIGNED, user=user, comment=f"{agreement.reference}: {name}")
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
        agreement = locked_agreement(agreement_id)
        if (
            user is None
            and agreement.status == AgreementStatus.SIGNED
            and _local_today(agreement, now) < agreement.start_date
        ):
            raise ApplicationError(_("The project has not started yet."), code="status")
        set_status(agreement, AgreementStatus.ACTIVE, user=user, role=STAFF if user is not None else SYSTEM)
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
    reason = clean_reason(reason)
    now = now or timezone.now()
    with transaction.atomic():
        agreement = locked_agreement(agreement_id)
        set_status(agreement, AgreementStatus.TERMINATED, user=user, comment=reason)
        agreement.terminated_at = now
        agreement.termination_reason = reason
        agreement.save(update_fields=["terminated_at", "termination_reason", "updated_at"])
    return agreement


# Amendments live in grants.services.amendments; they stay importable from here (callers and tests use both).
from .amendments import (  # noqa: E402
    AMENDABLE_STATUSES,
    amendment_history,
    budget_total,
    record_amendment,
)

__all__ = [
    "AMENDABLE_STATUSES",
    "CENT",
    "CONDITIONS",
    "MAX_REASON_LENGTH",
    "activate_agreement",
    "activate_started_agreements",
    "amendment_history",
    "budget_total",
    "create_agreement",
    "link_report_tranches",
    "payment_schedule",
    "record_amendment",
    "require_staff",
    "scale_lines",
    "send_agreement",
    "sign_agreement",
    "split_tranches",
    "terminate_agreement",
    "update_draft_agreement",
]
