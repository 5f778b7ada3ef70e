"""Screening of submitted applications (issue 4, item 2): staff record the administrative and eligibility check.

:func:`prefill_screening` proposes one item per rule, evaluated from the data: the call's eligibility rules
(:func:`grants.eligibility.check_eligibility` on the application's frozen rules version and the lead applicant
organisation's data) and three administrative items (required documents attached, budget total equal to the
requested amount, requested amount within the lot's grant limits). Staff confirm or change each item (met or not,
with a reason) and :func:`record_screening` stores the :class:`grants.models.EligibilityCheck`, moves the
application to eligible or ineligible through :func:`grants.services.workflow.transition` and, when ineligible,
mails the lead organisation's members the unmet rules with their reasons, in one transaction.

Errors: :class:`ApplicationPermissionError` (not active staff), :class:`ApplicationError` (``code``: ``"status"``
not submitted, ``"items"`` items that do not match the prefilled rules, ``"reason_required"`` an item decided
against the proposal (proposed as met and decided not met, or the reverse) without a reason of staff's own, or an
unmet item with no reason at all, or the workflow's ``"guard"`` before the deadline).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from grants.eligibility import check_eligibility
from grants.formatting import format_eur
from grants.models import (
    Application,
    ApplicationStatus,
    EligibilityCheck,
    EligibilityCheckItem,
    ScreeningOutcome,
)
from grants.services.common import lock_application, require_staff
from grants.services.errors import ApplicationError
from grants.services.submission import (
    _amount_problems,
    _document_problems,
    _lead_members,
    receipt_context,
)
from grants.services.workflow import MAX_COMMENT_LENGTH, transition
from portal.notifications import notify
from portal.sanitize import clean_plain_text

#: Codes of the administrative items, after the eligibility rules' codes.
ADMINISTRATIVE_CODES = ("documents", "budget_total", "grant_limits")
#: Longest reason kept per item (characters).
MAX_REASON_LENGTH = 2000


def _lot_rules(application: Application) -> tuple[dict, dict]:
    rules = application.rules_version.rules
    lot = next((item for item in rules.get("lots", []) if item["id"] == application.lot_id), None) or {}
    return rules, lot


def _documents_item(application: Application, rules: dict, lot: dict) -> dict:
    problems = _document_problems(application, rules, lot) if lot else []
    label = _("All required documents attached")
    if problems:
        return {"code": "documents", "label": label, "met": False, "reason": " ".join(p.message for p in problems)}
    return {"code": "documents", "label": label, "met": True, "reason": _("Every required document is attached.")}


def _budget_item(application: Application) -> dict:
    label = _("Budget total equals the requested amount")
    total = application.budget_totals()["total"]
    amount = application.requested_amount_eur
    values = {"total": format_eur(total), "amount": format_eur(amount) or "—"}
    if amount is not None and total == amount:
        return {
            "code": "budget_total",
            "label": label,
            "met": True,
            "reason": _("The budget total (%(total)s) equals the requested amount.") % values,
        }
    return {
        "code": "budget_total",
        "label": label,
        "met": False,
        "reason": _("The budget total (%(total)s) differs from the requested amount (%(amount)s).") % values,
    }


def _limits_item(application: Application, rules: dict, lot: dict) -> dict:
    label = _("Within the lot's grant limits")
    problems = _amount_problems(application, rules, lot) if lot else []
    if problems:
        return {"code": "grant_limits", "label": label, "met": False, "reason": problems[0].message}
    return {
        "code": "grant_limits",
        "label": label,
        "met": True,
        "reason": _("The requested amount (%(amount)s) is within the lot's limits.")
        % {"amount": format_eur(application.requested_amount_eur)},
    }


def prefill_screening(application: Application, *, now: datetime.datetime | None = None) -> list[dict]:
    """The proposed screening of ``application``: ``[{"code", "label", "met", "reason"}, ...]`` in order.

    First the eligibility rules of the application's frozen rules version (:func:`check_eligibility` on the lead
    applicant organisation: country, years registered, annual budget, organisation type), then
    :data:`ADMINISTRATIVE_CODES`: required documents attached (for the lot), budget total (EUR, summed in the
    database) equal to the requested amount, requested amount within the lot's and call's grant limits. Labels
    and reasons are in the active language. Reads only.
    """
    now = now if now is not None else timezone.now()
    rules, lot = _lot_rules(application)
    items = [
        {"code": result.code, "label": result.label, "met": result.met, "reason": result.reason}
        for result in check_eligibility(application.organisation, rules, application.lot_id, on=now)
    ]
    items += [
        _documents_item(application, rules, lot),
        _budget_item(application),
        _limits_item(application, rules, lot),
    ]
    return items


def _clean(text) -> str:
    return clean_plain_text(str(text or ""))[:MAX_REASON_LENGTH].strip()


def own_reason(proposed: dict, reason) -> str:
    """The reason staff wrote for the proposed item ``proposed`` (cleaned, cut at :data:`MAX_REASON_LENGTH`); ``""``
    when they left it blank or left the proposed reason as it was (the admin form pre-fills it)."""
    reason = _clean(reason)
    return "" if reason == _clean(proposed["reason"]) else reason


def reason_required_message(proposed: dict) -> str:
    """Why a reason of staff's own is needed for ``proposed`` when they decide it the other way (active language)."""
    if proposed["met"]:
        return _(
            "“%(rule)s” was proposed as met: write your own reason why it is not met (the applicant will read it)."
        ) % {"rule": proposed["label"]}
    return _("“%(rule)s” was proposed as not met: write your own reason why it is met.") % {"rule": proposed["label"]}


def _merge_items(proposed: list[dict], items: list[dict]) -> list[dict]:
    """Staff's decisions on the proposed items, in the proposed order.

    An item decided as proposed (``met`` unchanged) keeps the proposed reason when ``reason`` is blank or the
    proposed text; decided the other way, it needs a reason of staff's own (:func:`own_reason`): the proposed
    reason says the opposite of the decision. Raises :class:`ApplicationError` ``"items"`` (items not matching the
    proposal) or ``"reason_required"`` (one message per such item, naming the rule).
    """
    given = {}
    for item in items:
        code = str(item.get("code", ""))
        if code in given:
            raise ApplicationError(_("Each rule may be decided only once."), code="items")
        given[code] = item
    if set(given) != {item["code"] for item in proposed}:
        raise ApplicationError(_("Decide every rule of the screening, and only those."), code="items")
    merged, missing = [], []
    for order, base in enumerate(proposed):
        decision = given[base["code"]]
        met = bool(decision.get("met"))
        reason = own_reason(base, decision.get("reason"))
        if met != bool(base["met"]) and not reason:
            missing.append(reason_required_message(base))
            continue
        if not met and not (reason or base["reason"]):
            missing.append(_("Give a reason for “%(rule)s”: the applicant will be told why.") % {"rule": base["label"]})
            continue
        merged.append(
            {**base, "met": met, "reason": reason or base["reason"], "sort_order": order, "proposed": base["reason"]}
        )
    if missing:
        error = ApplicationError([ApplicationError(message, code="reason_required") for message in missing])
        error.code = "reason_required"
        raise error
    return merged


def _unmet_for(application: Application, unmet: list[dict], language: str, now) -> list[dict]:
    """The unmet items for a recipient reading ``language``: labels, and reasons staff kept as proposed, are
    evaluated again in that language; reasons staff wrote themselves are sent as written."""
    with translation.override(language):
        proposed = {item["code"]: item for item in prefill_screening(application, now=now)}
    result = []
    for item in unmet:
        local = proposed.get(item["code"], item)
        reason = local["reason"] if item["reason"] == item["proposed"] else item["reason"]
        result.append({"code": item["code"], "label": str(local["label"]), "reason": reason})
    return result


def record_screening(
    application_id: int,
    *,
    user,
    items: list[dict],
    comment: str = "",
    now: datetime.datetime | None = None,
) -> EligibilityCheck:
    """Record the screening of the submitted application ``application_id`` by staff ``user``; return the check.

    ``items``: ``[{"code", "met": bool, "reason": str}, ...]``, exactly one per item of :func:`prefill_screening`
    (a blank reason keeps the proposed one only when ``met`` is as proposed; an item decided the other way needs a
    reason of staff's own, else ``"reason_required"`` and nothing is written). The outcome is eligible when every item
    is met, else ineligible. In one transaction (the application row locked): the check and its items are stored
    (replacing an earlier one while the application is still submitted), the application moves to eligible or
    ineligible through :func:`grants.services.workflow.transition` (after the deadline only; the log comment is
    the unmet items' reasons and ``comment``), and an ineligible application's lead organisation members are
    mailed ``application_ineligible`` with each unmet rule and its reason, in each recipient's language (once per
    application). A replay (the application already screened) returns the stored check; nothing else is written.
    """
    now = now if now is not None else timezone.now()
    require_staff(user, _("Only staff may screen applications."))
    comment = clean_plain_text(comment or "")[:MAX_COMMENT_LENGTH].strip()
    with transaction.atomic():
        application = lock_application(application_id)
        existing = EligibilityCheck.objects.filter(application=application).first()
        if existing is not None and application.status in (ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE):
            return existing
        if application.status != ApplicationStatus.SUBMITTED:
            raise ApplicationError(_("Only a submitted application can be screened."), code="status")
        merged = _merge_items(prefill_screening(application, now=now), items)
        unmet = [item for item in merged if not item["met"]]
        outcome = ScreeningOutcome.INELIGIBLE if unmet else ScreeningOutcome.ELIGIBLE
        if existing is not None:
            existing.delete()
        check = EligibilityCheck.objects.create(
            application=application, checked_by=user, checked_at=now, outcome=outcome, comment=comment
        )
        EligibilityCheckItem.objects.bulk_create(
            EligibilityCheckItem(
                eligibility_check=check,
                code=item["code"],
                label=str(item["label"])[:255],
                met=item["met"],
                reason=item["reason"],
                sort_order=item["sort_order"],
            )
            for item in merged
        )
        log_comment = "\n".join(
            [f"{item['label']}: {item['reason']}" for item in unmet] + ([comment] if comment else [])
        )
        transition(application.pk, outcome, user=user, comment=log_comment, now=now)
        if unmet:
            _notify_ineligible(application, unmet, comment, now)
    return check


def _notify_ineligible(application: Application, unmet: list[dict], comment: str, now) -> None:
    context = {**receipt_context(application), "comment": comment}
    by_language: dict[str, list] = {}
    for member in _lead_members(application.organisation_id):
        language = getattr(member, "preferred_language", "") or settings.LANGUAGE_CODE
        by_language.setdefault(language, []).append(member)
    for language, members in sorted(by_language.items()):
        notify(
            members,
            "application_ineligible",
            {**context, "unmet": _unmet_for(application, unmet, language, now)},
            dedupe_key=f"application-ineligible-{application.pk}",
        )
