"""Rules shared by the agreement, payment and reporting services (issue 5, items 4 and 6).

- :func:`tranche_is_due`: a tranche is due once its condition is met (the agreement signed, or its report
  approved). Computed, never stored, so it cannot drift from the agreement and its reports.
- :func:`maybe_complete`: an agreement whose final report is approved and whose tranches are all paid is
  completed (logged once). Called by the payment service after a payment and by the reporting service after an
  approval, inside their transaction with the application row locked.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from grants.models import AgreementStatus, GrantAgreement, ReportKind, ReportStatus, Tranche, TrancheCondition

from .common import log_activity

#: Agreement statuses in which tranches may fall due and be paid.
PAYABLE_STATUSES = (AgreementStatus.SIGNED, AgreementStatus.ACTIVE, AgreementStatus.COMPLETED)


def tranche_is_due(tranche: Tranche, agreement: GrantAgreement | None = None) -> bool:
    """True when ``tranche``'s condition is met: ``signature`` → the agreement was signed (status signed, active
    or completed); ``report_approved`` → its :attr:`Tranche.report` is approved. A paid tranche stays due.

    ``agreement`` (optional) saves a query when the caller has it; ``tranche.report`` should be joined by callers
    that loop (``select_related("report")``).
    """
    agreement = agreement or tranche.agreement
    if agreement.status not in PAYABLE_STATUSES:
        return False
    if tranche.condition == TrancheCondition.SIGNATURE:
        return True
    return tranche.report_id is not None and tranche.report.status == ReportStatus.APPROVED


def maybe_complete(agreement: GrantAgreement, *, user, now: datetime.datetime | None = None) -> bool:
    """Complete ``agreement`` (status ``completed``, ``completed_at=now``, log ``agreement_completed``) when it is
    signed or active, its final report is approved and every tranche is paid. Returns True when it completed it
    now; False otherwise (including when it was already completed). Call inside the caller's transaction, with
    the agreement's application row locked (:func:`grants.services.common.lock_application`).
    """
    if agreement.status not in (AgreementStatus.SIGNED, AgreementStatus.ACTIVE):
        return False
    final_approved = agreement.reporting_requirements.filter(
        kind=ReportKind.FINAL, status=ReportStatus.APPROVED
    ).exists()
    unpaid = agreement.tranches.filter(paid_on__isnull=True).exists()
    if not final_approved or unpaid:
        return False
    now = now if now is not None else timezone.now()
    agreement.status = AgreementStatus.COMPLETED
    agreement.completed_at = now
    agreement.save(update_fields=["status", "completed_at", "updated_at"])
    log_activity(agreement.application, user, "agreement_completed", comment=agreement.reference)
    return True
