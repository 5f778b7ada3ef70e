"""Award decisions (issue 4, item 5): staff award, put on the reserve list or reject reviewed applications.

:func:`record_decision` is the one way a :class:`~grants.models.Decision` is written. It locks the application,
checks the outcome, amount and reason, moves the application through the workflow table
(:data:`grants.workflow.TRANSITIONS`, via :func:`grants.services.workflow.apply_transition`, so every step is in the
activity log with the reason), stores the decision and mails the lead applicant organisation's members
(``application_decision``, each in their own language), all in one transaction.

Outcomes and the statuses they start from:

==========  =====================================  ==========================================================
outcome     from                                   path through the workflow
==========  =====================================  ==========================================================
award       reviewed, recommended, reserve         reviewed → recommended → awarded (both logged, one
                                                   transaction); recommended/reserve → awarded
reserve     reviewed, recommended                  → reserve
reject      reviewed, recommended, reserve         → rejected
==========  =====================================  ==========================================================

Amounts (award only) are EUR, two decimals: more than 0, at most the requested amount and at most the maximum
grant of the application's lot and of the call in its frozen rules. An award below the lot's minimum grant is
allowed: staff may cut a budget, and the minimum binds what applicants ask for, not what the programme gives.
The envelope is not checked here: the ranking page shows the running total against it before staff decide.
For reserve and reject, an amount is ignored (the ranking form always posts the requested amount).

Replays: a form carries a random ``request_token``; the same token on the same application returns the decision
already recorded, with no second log entry and no second mail (``Decision.request_token`` is unique per
application). Without a token, deciding again from a final status is refused by the workflow.
:func:`decide` says which happened (:attr:`DecisionResult.created`) and how many people were mailed
(:attr:`DecisionResult.notified`), so the staff page never claims a mail that was not sent.

Errors: :class:`ApplicationPermissionError` (not active staff), :class:`ApplicationError` with ``code``
``"not_found"``, ``"outcome"``, ``"reason_required"``, ``"amount"``, or the workflow's :class:`TransitionNotAllowed`
(``"transition"``) for an application in another status. Messages are for staff, in the active language.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.formatting import format_eur
from grants.models import Application, ApplicationStatus, Decision, DecisionOutcome
from grants.services.common import lock_application, require_staff
from grants.services.errors import ApplicationError, ApplicationPermissionError
from grants.services.submission import _lead_members, receipt_context
from grants.services.workflow import MAX_COMMENT_LENGTH, apply_transition
from portal.notifications import notify
from portal.sanitize import clean_plain_text

S = ApplicationStatus
#: Status an outcome leads to.
OUTCOME_STATUS = {
    DecisionOutcome.AWARD: S.AWARDED,
    DecisionOutcome.RESERVE: S.RESERVE,
    DecisionOutcome.REJECT: S.REJECTED,
}
#: Statuses from which each outcome may be recorded (see the module docstring).
DECIDABLE_FROM = {
    DecisionOutcome.AWARD: (S.REVIEWED, S.RECOMMENDED, S.RESERVE),
    DecisionOutcome.RESERVE: (S.REVIEWED, S.RECOMMENDED),
    DecisionOutcome.REJECT: (S.REVIEWED, S.RECOMMENDED, S.RESERVE),
}
#: Statuses in which some decision may still be recorded.
DECIDABLE_STATUSES = (S.REVIEWED, S.RECOMMENDED, S.RESERVE)
#: Longest request token kept (characters, as the model field).
MAX_TOKEN_LENGTH = 64
CENT = Decimal("0.01")


def _require_staff(user) -> None:
    require_staff(user, _("Only programme staff may record decisions."))


def outcomes_for(status: str) -> list[str]:
    """Outcomes (:class:`DecisionOutcome` values) that may be recorded for an application in ``status``."""
    return [outcome for outcome, sources in DECIDABLE_FROM.items() if status in sources]


def _outcome(value) -> str:
    try:
        return DecisionOutcome(value)
    except ValueError:
        raise ApplicationError(_("Choose award, reserve list or reject."), code="outcome") from None


def _rule_amount(value) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(str(value))
    except InvalidOperation:
        return None


def max_award(application: Application) -> Decimal | None:
    """The largest grant ``application`` may get (EUR): the lower of its lot's and its call's ``max_grant`` in the
    frozen rules (the live lot and call when the rules lack them), or None when neither is known."""
    rules = application.rules_version.rules
    lot = next((item for item in rules.get("lots", []) if item.get("id") == application.lot_id), None) or {}
    limits = [
        _rule_amount(lot.get("max_grant", application.lot.max_grant)),
        _rule_amount(rules.get("max_grant", application.call.max_grant)),
    ]
    limits = [limit for limit in limits if limit is not None]
    return min(limits) if limits else None


def _award_amount(application: Application, amount_eur) -> Decimal:
    """``amount_eur`` checked for an award (see the module docstring), rounded half-up to cents."""
    try:
        amount = Decimal(str(amount_eur).strip().replace(",", "")) if amount_eur not in (None, "") else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise ApplicationError(_("Give the awarded amount in EUR."), code="amount")
    amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    if amount <= 0:
        raise ApplicationError(_("The awarded amount must be more than zero."), code="amount")
    requested = application.requested_amount_eur
    if requested is not None and amount > requested:
        raise ApplicationError(
            _("The awarded amount (%(amount)s) is more than the requested amount (%(requested)s).")
            % {"amount": format_eur(amount), "requested": format_eur(requested)},
            code="amount",
        )
    limit = max_award(application)
    if limit is not None and amount > limit:
        raise ApplicationError(
            _("The awarded amount (%(amount)s) is more than the maximum grant (%(limit)s).")
            % {"amount": format_eur(amount), "limit": format_eur(limit)},
            code="amount",
        )
    return amount


def _clean_reason(reason) -> str:
    reason = clean_plain_text(str(reason or ""))[:MAX_COMMENT_LENGTH].strip()
    if not reason:
        raise ApplicationError(_("Give a reason: the applicant will be told why."), code="reason_required")
    return reason


@dataclass(frozen=True)
class DecisionResult:
    """What :func:`decide` did: ``decision`` (the :class:`Decision` recorded, or the one already recorded with the
    same request token); ``created`` (False for a replay: nothing was written or sent); ``notified`` (how many
    people the decision mail was queued for: 0 for a replay, and 0 when the applicant organisation has no active
    member account and the submitter's account is gone)."""

    decision: Decision
    created: bool
    notified: int


def decide(
    application_id: int,
    outcome: str,
    *,
    user,
    reason: str,
    amount_eur=None,
    request_token: str = "",
    now: datetime.datetime | None = None,
) -> DecisionResult:
    """Record staff ``user``'s decision ``outcome`` (``"award"``, ``"reserve"`` or ``"reject"``) on application
    ``application_id``; return a :class:`DecisionResult`.

    ``reason`` (plain text, required, cut at ``MAX_COMMENT_LENGTH``) is stored, logged with the status change and
    sent to the applicant. ``amount_eur`` (Decimal, str or number, EUR) is required for an award and checked as the
    module docstring says; ignored otherwise. ``request_token`` (the form's random token, at most 64 characters):
    replaying it on the same application returns the stored decision with ``created=False`` and writes nothing.
    ``now`` (aware, default the server's clock) is the decision time. Errors: see the module docstring; nothing is
    written when refused.
    """
    _require_staff(user)
    outcome = _outcome(outcome)
    reason = _clean_reason(reason)
    token = str(request_token or "")[:MAX_TOKEN_LENGTH]
    now = now if now is not None else timezone.now()
    with transaction.atomic():
        application = lock_application(application_id)
        if token:
            existing = Decision.objects.filter(application=application, request_token=token).first()
            if existing is not None:
                return DecisionResult(existing, created=False, notified=0)
        amount = _award_amount(application, amount_eur) if outcome == DecisionOutcome.AWARD else None
        log_comment = f"{format_eur(amount)}: {reason}" if amount is not None else reason
        if outcome == DecisionOutcome.AWARD and application.status == S.REVIEWED:
            apply_transition(application, S.RECOMMENDED, user=user, comment=reason, now=now)
        apply_transition(application, OUTCOME_STATUS[outcome], user=user, comment=log_comment, now=now)
        decision = Decision.objects.create(
            application=application,
            outcome=outcome,
            amount_eur=amount,
            reason=reason,
            decided_by=user,
            decided_at=now,
            request_token=token,
        )
        notified = _notify_decision(application, decision)
    return DecisionResult(decision, created=True, notified=notified)


def record_decision(
    application_id: int,
    outcome: str,
    *,
    user,
    reason: str,
    amount_eur=None,
    request_token: str = "",
    now: datetime.datetime | None = None,
) -> Decision:
    """:func:`decide` returning only the :class:`Decision` (recorded now, or already recorded with the same
    ``request_token``). Same arguments and errors."""
    return decide(
        application_id,
        outcome,
        user=user,
        reason=reason,
        amount_eur=amount_eur,
        request_token=request_token,
        now=now,
    ).decision


def recommend(application_id: int, *, user, comment: str = "", now: datetime.datetime | None = None) -> Application:
    """Move the reviewed application ``application_id`` to recommended (staff); return it. A replay (already
    recommended) returns it unchanged. No mail: the applicant hears of the decision, not of the recommendation."""
    _require_staff(user)
    with transaction.atomic():
        application = lock_application(application_id)
        if application.status == S.RECOMMENDED:
            return application
        return apply_transition(application, S.RECOMMENDED, user=user, comment=comment, now=now)


def decision_context(application: Application, decision: Decision) -> dict:
    """Context of the ``application_decision`` mail: :func:`~grants.services.submission.receipt_context` plus
    ``outcome`` (code), ``awarded_eur`` (Decimal or None), ``reason``, ``decided_at`` (aware UTC). Never anything
    about reviewers."""
    return {
        **receipt_context(application),
        "outcome": decision.outcome,
        "awarded_eur": decision.amount_eur,
        "reason": decision.reason,
        "decided_at": decision.decided_at,
    }


def _notify_decision(application: Application, decision: Decision) -> int:
    """Mail every active member of the lead organisation (each in their language), or the submitter when the
    organisation has none; once per decision. Return the number of mails queued (0: nobody could be told)."""
    recipients = list(_lead_members(application.organisation_id))
    if not recipients and application.submitted_by_id and application.submitted_by.is_active:
        recipients = [application.submitted_by]
    written = notify(
        recipients,
        "application_decision",
        decision_context(application, decision),
        dedupe_key=f"application-decision-{decision.pk}",
    )
    return len(written)


@dataclass(frozen=True)
class BatchResult:
    """The result of one row of :func:`record_decisions`: ``decision`` when recorded (or replayed), else the
    refusal ``error`` (a message for staff, in the active language); ``created`` False for a replay;
    ``notified`` the number of people mailed (see :class:`DecisionResult`)."""

    application_id: int
    decision: Decision | None = None
    error: str = ""
    created: bool = False
    notified: int = 0

    @property
    def ok(self) -> bool:
        return self.decision is not None


def record_decisions(batch: Iterable[dict], *, user, now: datetime.datetime | None = None) -> list[BatchResult]:
    """Record several decisions; return one :class:`BatchResult` per row, in order.

    ``batch``: ``[{"application_id": int, "outcome": str, "reason": str, "amount_eur": ... (award; default the
    application's requested amount), "request_token": str}, ...]``. Each row is its own transaction
    (:func:`record_decision`): a refused row (wrong status, amount above the maximum…) is reported and the others
    still go through, so staff see exactly which application needs attention. A user who is not staff is refused
    as a whole (:class:`ApplicationPermissionError`) before any row. One form may use one ``request_token`` for
    every row: tokens are unique per application, so replaying the batch records nothing twice.
    """
    _require_staff(user)
    rows = list(batch)
    requested = dict(
        Application.objects.filter(pk__in=[row.get("application_id") for row in rows]).values_list(
            "pk", "requested_amount_eur"
        )
    )
    results = []
    for row in rows:
        application_id = row.get("application_id")
        amount = row.get("amount_eur")
        if row.get("outcome") == DecisionOutcome.AWARD and amount in (None, ""):
            amount = requested.get(application_id)
        try:
            result = decide(
                application_id,
                row.get("outcome"),
                user=user,
                reason=row.get("reason", ""),
                amount_eur=amount,
                request_token=row.get("request_token", ""),
                now=now,
            )
        except ApplicationPermissionError:
            raise
        except ApplicationError as error:
            results.append(BatchResult(application_id, error=" ".join(error.messages)))
        else:
            results.append(
                BatchResult(application_id, decision=result.decision, created=result.created, notified=result.notified)
            )
    return results


def latest_decisions(application_ids: Iterable[int]) -> dict[int, Decision]:
    """``{application_id: its latest Decision}`` for ``application_ids`` (one query)."""
    latest: dict[int, Decision] = {}
    for decision in Decision.objects.filter(application_id__in=list(application_ids)).order_by("decided_at", "pk"):
        latest[decision.application_id] = decision
    return latest
