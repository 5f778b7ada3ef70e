"""Payments of grant tranches (issue 5, item 4): staff record them; totals never exceed the award.

:func:`record_payment` is the one way a payment is recorded. Rules:

- programme staff only;
- the tranche must be due (:func:`grants.services.closeout.tranche_is_due`: the agreement signed, or the tranche's
  report approved);
- **a tranche is paid in full, in one payment**: the amount (EUR) must be exactly the tranche's amount. A smaller
  amount is refused (``code="partial"``: "Tranche 1 is EUR 3,840.00: record the payment of the whole tranche…"), a
  larger one too (``code="over_tranche"``). There are no part payments: a paid tranche is closed, so a part payment
  would make the rest of the tranche disappear from "due" and could let a short-paid last tranche complete the
  grant. If the money really arrived in parts, record the tranche when the whole of it has been paid;
- the agreement's payments with it never total more than the award ("would exceed the award") — a guard against
  tranche amounts repaired by hand;
- ``paid_on`` is a date, not in the future;
- one payment per tranche. A replay of the same payment (same tranche, date and amount: a double click, a resent
  form) returns the tranche as it is and writes nothing; a different payment of a paid tranche is refused
  (``code="already_paid"``).

The application row is locked (:func:`grants.services.common.lock_application`) before the checks, so two payments
recorded at the same time are checked one after the other: they cannot both pass the limit. After the payment the
close-out rule runs (:func:`grants.services.closeout.maybe_complete`). Logs ``tranche_paid``.

Errors: :class:`ApplicationPermissionError` (``"forbidden"``); :class:`ApplicationError` with codes ``not_found``,
``amount``, ``date``, ``not_due``, ``already_paid``, ``partial``, ``over_tranche``, ``over_award``. Nothing is
written when refused. Messages are for staff, in the active language.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.formatting import format_date, format_eur
from grants.models import GrantAgreement, ReportStatus, Tranche, TrancheCondition
from grants.services.agreement_common import require_staff
from grants.services.closeout import PAYABLE_STATUSES, maybe_complete, tranche_is_due
from grants.services.common import lock_application, log_activity
from grants.services.errors import ApplicationError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def parse_amount(value) -> Decimal:
    """``value`` (Decimal, str or number; EUR) as a Decimal rounded half-up to cents, more than zero. Raises
    :class:`ApplicationError` (``code="amount"``) for an empty, non-numeric, infinite, zero or negative value."""
    try:
        amount = Decimal(str(value).strip().replace(",", "")) if value not in (None, "") else None
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite():
        raise ApplicationError(_("Give the amount paid in EUR as a number."), code="amount")
    amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    if amount <= 0:
        raise ApplicationError(_("The amount paid must be more than zero."), code="amount")
    return amount


def _paid_on(value, now: datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value))
        except ValueError:
            raise ApplicationError(_("Give the date of payment."), code="date") from None
    if value > now.date():
        raise ApplicationError(_("The date of payment cannot be in the future."), code="date")
    return value


def record_payment(
    tranche_id: int,
    *,
    user,
    paid_on: datetime.date,
    amount_eur,
    now: datetime.datetime | None = None,
) -> Tranche:
    """Record that tranche ``tranche_id`` was paid in full, ``amount_eur`` (EUR, must equal the tranche's amount), on
    ``paid_on`` (a date or ISO string) by staff ``user``; return the tranche. A tranche is paid in full, in one
    payment: any other amount is refused (``partial`` / ``over_tranche``) and nothing is written. See the module
    docstring for the other rules, the replay and the errors."""
    require_staff(user)
    now = now or timezone.now()
    amount = parse_amount(amount_eur)
    paid_on = _paid_on(paid_on, now)
    application_id = Tranche.objects.filter(pk=tranche_id).values_list("agreement__application_id", flat=True).first()
    if application_id is None:
        raise ApplicationError(_("This tranche does not exist."), code="not_found")
    with transaction.atomic():
        application = lock_application(application_id)
        tranche = Tranche.objects.select_related("agreement", "report").get(pk=tranche_id)
        agreement = tranche.agreement
        agreement.application = application
        if tranche.is_paid:
            if tranche.paid_on == paid_on and tranche.paid_amount_eur == amount:
                return tranche  # the same payment again: nothing to do
            raise ApplicationError(
                _("Tranche %(number)d was already paid (%(amount)s on %(date)s).")
                % {
                    "number": tranche.number,
                    "amount": format_eur(tranche.paid_amount_eur),
                    "date": format_date(tranche.paid_on),
                },
                code="already_paid",
            )
        if not tranche_is_due(tranche, agreement):
            raise ApplicationError(_("This tranche is not due yet: its condition is not met."), code="not_due")
        if amount > tranche.amount_eur:
            raise ApplicationError(
                _("The amount paid (%(amount)s) is more than the tranche (%(tranche)s).")
                % {"amount": format_eur(amount), "tranche": format_eur(tranche.amount_eur)},
                code="over_tranche",
            )
        if amount != tranche.amount_eur:
            raise ApplicationError(
                _(
                    "Tranche %(number)d is %(tranche)s: record the payment of the whole tranche, in one payment "
                    "(%(amount)s was given). Part payments are not recorded."
                )
                % {"number": tranche.number, "tranche": format_eur(tranche.amount_eur), "amount": format_eur(amount)},
                code="partial",
            )
        paid = agreement.tranches.aggregate(total=Sum("paid_amount_eur", default=ZERO))["total"]
        if paid + amount > agreement.amount_eur:
            raise ApplicationError(
                _(
                    "This payment would exceed the award: %(paid)s already paid, %(amount)s more, "
                    "the award is %(award)s."
                )
                % {
                    "paid": format_eur(paid),
                    "amount": format_eur(amount),
                    "award": format_eur(agreement.amount_eur),
                },
                code="over_award",
            )
        tranche.paid_on = paid_on
        tranche.paid_amount_eur = amount
        tranche.recorded_by = user
        tranche.recorded_at = now
        tranche.save(update_fields=["paid_on", "paid_amount_eur", "recorded_by", "recorded_at"])
        log_activity(
            application,
            user,
            "tranche_paid",
            comment=f"{agreement.reference} #{tranche.number}: {format_eur(amount)}, {format_date(paid_on)}",
        )
        maybe_complete(agreement, user=user, now=now)
    return tranche


def _due_q() -> Q:
    """Tranches whose condition is met (the same rule as :func:`~grants.services.closeout.tranche_is_due`)."""
    return Q(agreement__status__in=PAYABLE_STATUSES) & (
        Q(condition=TrancheCondition.SIGNATURE)
        | Q(condition=TrancheCondition.REPORT_APPROVED, report__status=ReportStatus.APPROVED)
    )


def payment_summary(agreement: GrantAgreement) -> dict:
    """What was awarded, paid and is due on ``agreement`` (EUR Decimals, one query):

    ``{"awarded": …, "paid": sum of payments, "due_unpaid": tranches due and not paid, "not_yet_due": tranches
    whose condition is not met yet, "remaining": awarded − paid}``.
    """
    unpaid = Q(paid_on__isnull=True)
    totals = Tranche.objects.filter(agreement=agreement).aggregate(
        paid=Sum("paid_amount_eur", default=ZERO),
        due_unpaid=Sum("amount_eur", filter=unpaid & _due_q(), default=ZERO),
        not_yet_due=Sum("amount_eur", filter=unpaid & ~_due_q(), default=ZERO),
    )
    return {
        "awarded": agreement.amount_eur,
        "paid": totals["paid"],
        "due_unpaid": totals["due_unpaid"],
        "not_yet_due": totals["not_yet_due"],
        "remaining": agreement.amount_eur - totals["paid"],
    }
