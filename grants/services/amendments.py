"""Amendments of a signed grant agreement (issue 5, item 1): no-cost extensions and budget reallocations, with
their reason and the values before and after kept (:class:`~grants.models.Amendment`).

A no-cost extension moves the end date later (and the final report's due date, via
:func:`grants.services.reporting.extend_for_new_end_date` when installed); a budget reallocation changes line totals
but never their sum. Both keep the values before and after in :attr:`Amendment.changes`. Only a signed or active
agreement is amended; before it is sent, staff change a draft with
:func:`grants.services.agreements.update_draft_agreement` instead.

Like every agreement service: programme staff only (``forbidden`` otherwise), the application row locked, one
transaction, the activity log written; a refused call writes nothing. Errors: :class:`ApplicationError` with codes
``forbidden``, ``not_found``, ``reason_required``, ``status``, ``amendment``. Messages are for staff, in the active
language.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.formatting import format_date, format_eur
from grants.models import AgreementBudgetLine, AgreementStatus, Amendment, AmendmentKind, GrantAgreement
from grants.services.agreement_common import CENT, as_date, clean_reason, locked_agreement, require_staff
from grants.services.common import log_activity
from grants.services.errors import ApplicationError

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
    reason = clean_reason(reason)
    now = now or timezone.now()
    if kind not in AmendmentKind.values:
        raise ApplicationError(_("Choose a kind of amendment."), code="amendment")
    with transaction.atomic():
        agreement = locked_agreement(agreement_id)
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
        new_end = as_date(new_end_date, _("Give the new end date."))
    except ApplicationError as error:
        raise ApplicationError(" ".join(error.messages), code="amendment") from None
    if new_end <= agreement.end_date:
        raise ApplicationError(
            _("A no-cost extension moves the end date later than %(end)s.") % {"end": format_date(agreement.end_date)},
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
