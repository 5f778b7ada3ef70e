"""Start, submit and withdraw applications: the only code that changes an application's status.

Every function here validates, locks the rows it changes (``select_for_update``), changes state in one
``transaction.atomic`` (status changes through :func:`grants.services.workflow.apply_transition`, the workflow
table's one choke point), writes :class:`grants.models.ActivityLog` and queues mail with
:func:`portal.notifications.notify` (written in the same transaction, sent after commit).

Rules are read from the application's :class:`grants.models.CallRulesVersion` (the rules published when it was
started), never from the live call. The server's clock decides the deadline: submitting exactly at ``closes_at``
is on time, one second later is not. Times are aware UTC; they are shown in the call's time zone with its name.

Errors: :class:`ApplicationError` (a ``ValidationError`` whose messages are for the user),
:class:`ApplicationPermissionError` (the user is not a member of the lead applicant organisation) and
:class:`SubmissionError` (the application is incomplete; ``problems`` lists what to fix).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community.models import Organisation
from community.permissions import is_organisation_member
from grants.eligibility import check_eligibility
from grants.formatting import call_country_code, format_eur, format_in_zone
from grants.models import (
    Application,
    ApplicationStatus,
    Attachment,
    Call,
    ReferenceSequence,
)
from grants.services.common import lock_application, log_activity
from grants.services.errors import ApplicationError, ApplicationPermissionError
from grants.services.workflow import apply_transition
from portal.notifications import notify
from portal.sanitize import clean_plain_text

#: Sections a :class:`Problem` belongs to (the application screens group problems by these).
SECTIONS = ("project", "budget", "partners", "documents", "eligibility", "deadline")

#: Text fields that must be filled before submission (names of :class:`grants.models.Application` fields).
REQUIRED_TEXT_FIELDS = ("title", "summary", "problem", "objectives", "activities", "expected_results", "data_use")


@dataclass(frozen=True)
class Problem:
    """One thing that keeps an application from being submitted.

    ``section``: one of :data:`SECTIONS`; ``field``: the application field, rule code or document code concerned
    (``""`` when none); ``message``: a sentence for the user in the active language.
    """

    section: str
    field: str
    message: str


class SubmissionError(ApplicationError):
    """The application cannot be submitted; ``problems`` (list of :class:`Problem`) says what to fix."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__([problem.message for problem in self.problems], code="incomplete")


# --- helpers ---------------------------------------------------------------------------------------------------


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now if now is not None else timezone.now()


def _utc(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value)


def application_url(application: Application) -> str:
    """Site path of the application's page (``grants:application_detail``); a fixed path until that URL exists."""
    try:
        return reverse("grants:application_detail", args=[application.pk])
    except NoReverseMatch:
        return f"/grants/applications/{application.pk}/"


def _lead_members(organisation_id: int):
    return get_user_model().objects.filter(organisation_roles__organisation_id=organisation_id, is_active=True)


def _require_member(user, application: Application) -> None:
    if not is_organisation_member(user, application.organisation_id):
        raise ApplicationPermissionError(
            _("Only members of the lead applicant organisation may do this."), code="forbidden"
        )


# --- start -----------------------------------------------------------------------------------------------------


def start_application(*, user, call: Call, lot, organisation: Organisation, start_token: str = "") -> Application:
    """Create a draft application of ``organisation`` to ``lot`` of ``call``; return it.

    Checks, in order: ``user`` is a member of ``organisation`` (else :class:`ApplicationPermissionError`); the call
    is open now (server clock, :meth:`Call.is_open`); ``lot`` belongs to ``call``; the organisation has fewer active
    (draft or submitted) applications in the lot than the call's ``applications_per_lot`` (the programme's rule is
    one), else :class:`ApplicationError` naming the existing one.

    Freezes the call's rules (:meth:`Call.freeze_rules`) and stores the version on the application. The
    organisation row is locked, so two parallel starts for one organisation create one draft (the second is
    refused). Logs activity ``created``.

    ``start_token`` (at most 64 characters, e.g. a random hex string put into the start form when it is shown)
    makes the call idempotent: a second call with the same token for the same organisation (a double click, a
    replayed POST) returns the draft the first one created, even when the call allows several per lot.
    """
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if not is_organisation_member(user, organisation.pk):
            raise ApplicationPermissionError(
                _("You are not a member of %(organisation)s.") % {"organisation": organisation}, code="forbidden"
            )
        start_token = (start_token or "")[:64]
        if start_token:
            repeated = Application.objects.filter(organisation=organisation, start_token=start_token).first()
            if repeated is not None:
                return repeated
        call = Call.objects.get(pk=call.pk)
        if not call.is_open():
            raise ApplicationError(_("This call is not open for applications."), code="closed")
        if lot.call_id != call.pk:
            raise ApplicationError(_("This lot does not belong to the call."), code="lot")
        if call.rules_frozen_at is None:
            # The first start freezes the rules: lock the call so parallel first starts store one version.
            call = Call.objects.select_for_update().get(pk=call.pk)
        version = call.freeze_rules()
        allowed = int(version.rules.get("applications_per_lot") or 1)
        existing = list(Application.objects.active().filter(organisation=organisation, lot_id=lot.pk).order_by("pk"))
        if len(existing) >= allowed:
            other = existing[0]
            raise ApplicationError(
                _(
                    "%(organisation)s already has an application in lot %(lot)s of this call: “%(application)s” "
                    "(%(status)s). The call allows %(allowed)d per organisation and lot."
                )
                % {
                    "organisation": organisation,
                    "lot": lot.code,
                    "application": other,
                    "status": other.get_status_display(),
                    "allowed": allowed,
                },
                code="one_per_lot",
            )
        lot_rules = version.lot(lot.pk) or {}
        languages = lot_rules.get("languages") or version.rules.get("accepted_languages") or []
        application = Application.objects.create(
            call=call,
            lot=lot,
            rules_version=version,
            organisation=organisation,
            created_by=user,
            language=languages[0] if len(languages) == 1 else "",
            start_token=start_token,
        )
        log_activity(application, user, "created", to_status=application.status)
    return application


# --- completeness ----------------------------------------------------------------------------------------------


def _label(field: str) -> str:
    return str(Application._meta.get_field(field).verbose_name).capitalize()


def _project_problems(application: Application, rules: dict, lot: dict) -> list[Problem]:
    problems = []
    for field in REQUIRED_TEXT_FIELDS:
        if not (getattr(application, field) or "").strip():
            problems.append(Problem("project", field, _("%(field)s is required.") % {"field": _label(field)}))
    languages = lot.get("languages") or rules.get("accepted_languages") or []
    if languages and application.language not in languages:
        problems.append(
            Problem(
                "project",
                "language",
                _("Choose the language of the application among: %(languages)s.") % {"languages": ", ".join(languages)},
            )
        )
    duration = application.duration_months
    longest = min(int(lot["max_duration_months"]), int(rules["max_duration_months"]))
    shortest = int(lot.get("min_duration_months") or 1)
    if duration is None:
        problems.append(Problem("project", "duration_months", _("The duration (months) is required.")))
    elif not shortest <= duration <= longest:
        problems.append(
            Problem(
                "project",
                "duration_months",
                _("The duration must be between %(min)d and %(max)d months for lot %(lot)s.")
                % {"min": shortest, "max": longest, "lot": lot["code"]},
            )
        )
    return problems


def _amount_problems(application: Application, rules: dict, lot: dict) -> list[Problem]:
    amount = application.requested_amount_eur
    if amount is None:
        return [Problem("budget", "requested_amount_eur", _("The requested amount (EUR) is required."))]
    if amount <= 0:
        return [Problem("budget", "requested_amount_eur", _("The requested amount must be more than zero."))]
    low = max(Decimal(lot["min_grant"]), Decimal(rules["min_grant"]))
    high = min(Decimal(lot["max_grant"]), Decimal(rules["max_grant"]))
    if not low <= amount <= high:
        return [
            Problem(
                "budget",
                "requested_amount_eur",
                _("The requested amount must be between %(min)s and %(max)s for lot %(lot)s (you asked %(amount)s).")
                % {"min": format_eur(low), "max": format_eur(high), "lot": lot["code"], "amount": format_eur(amount)},
            )
        ]
    return []


def _budget_problems(application: Application, lot: dict) -> list[Problem]:
    lines = list(application.budget_lines.values_list("sort_order", "description", "total_eur", "co_financing_eur"))
    if not lines:
        return [Problem("budget", "budget_lines", _("Add at least one budget line."))]
    problems = []
    for number, (_order, description, total, co_financing) in enumerate(lines, start=1):
        if co_financing > total:
            problems.append(
                Problem(
                    "budget",
                    "budget_lines",
                    _(
                        "Budget line %(number)d (“%(line)s”): the co-financing (%(co)s) exceeds "
                        "the line total (%(total)s)."
                    )
                    % {
                        "number": number,
                        "line": description,
                        "co": format_eur(co_financing),
                        "total": format_eur(total),
                    },
                )
            )
    totals = application.budget_totals()  # summed in the database
    total, co_financing = totals["total"], totals["co_financing"]
    amount = application.requested_amount_eur
    if amount is not None and total != amount:
        problems.append(
            Problem(
                "budget",
                "budget_lines",
                _("The budget total (%(total)s) must equal the requested amount (%(amount)s).")
                % {"total": format_eur(total), "amount": format_eur(amount)},
            )
        )
    minimum_percent = Decimal(lot.get("min_co_financing_percent") or "0")
    if minimum_percent > 0 and co_financing * 100 < minimum_percent * total:
        required = (total * minimum_percent / 100).quantize(Decimal("0.01"))
        problems.append(
            Problem(
                "budget",
                "co_financing_eur",
                _(
                    "Lot %(lot)s requires co-financing of at least %(percent)s%% of the budget (%(required)s); "
                    "the budget has %(co)s."
                )
                % {
                    "lot": lot["code"],
                    "percent": f"{minimum_percent.normalize():f}",
                    "required": format_eur(required),
                    "co": format_eur(co_financing),
                },
            )
        )
    return problems


def _document_problems(application: Application, rules: dict, lot: dict) -> list[Problem]:
    attached = set(
        Attachment.objects.filter(application=application, document__isnull=False).values_list("document_id", flat=True)
    )
    problems = []
    for document in rules.get("documents", []):
        if not document.get("required") or (document.get("cross_border_only") and not lot.get("cross_border")):
            continue
        if document["id"] not in attached:
            problems.append(
                Problem("documents", document["code"], _("Attach the %(document)s.") % {"document": document["name"]})
            )
    return problems


def _partner_problems(application: Application, lot: dict) -> list[Problem]:
    if not lot.get("cross_border"):
        return []
    lead = application.organisation
    partners = list(application.partners.select_related("organisation__country"))
    problems = []
    if any(partner.organisation_id == lead.pk for partner in partners):
        problems.append(
            Problem("partners", "partners", _("The lead applicant cannot also be listed as a partner organisation."))
        )
    foreign = [p for p in partners if p.organisation_id != lead.pk and p.organisation.country_id != lead.country_id]
    countries = {p.organisation.country_id for p in foreign}
    need_partners = int(lot.get("min_partners") or 0)
    need_countries = int(lot.get("min_partner_countries") or 0)
    if len(foreign) < need_partners or len(countries) < need_countries:
        need = ngettext(
            "at least %(count)d partner organisation", "at least %(count)d partner organisations", need_partners
        ) % {"count": need_partners}
        need_from = ngettext(
            "at least %(count)d country other than the lead applicant's",
            "at least %(count)d countries other than the lead applicant's",
            need_countries,
        ) % {"count": need_countries}
        have = ngettext("%(count)d partner organisation", "%(count)d partner organisations", len(foreign)) % {
            "count": len(foreign)
        }
        have_from = ngettext("%(count)d other country", "%(count)d other countries", len(countries)) % {
            "count": len(countries)
        }
        problems.append(
            Problem(
                "partners",
                "partners",
                # Translators: e.g. "Lot C is cross-border: it needs at least 1 partner organisation from at least 1
                # country other than the lead applicant's. You have 0 partner organisations from 0 other countries."
                # Each %(…)s is a counted phrase translated on its own: word order and cases may change.
                _(
                    "Lot %(lot)s is cross-border: it needs %(need)s from %(need_from)s. "
                    "You have %(have)s from %(have_from)s."
                )
                % {"lot": lot["code"], "need": need, "need_from": need_from, "have": have, "have_from": have_from},
            )
        )
    return problems


def _deadline_problems(rules: dict, now: datetime.datetime, country_code: str | None = None) -> list[Problem]:
    zone = rules.get("timezone") or "UTC"
    opens_at, closes_at = _utc(rules["opens_at"]), _utc(rules["closes_at"])
    if now > closes_at:
        return [
            Problem(
                "deadline",
                "closes_at",
                _("The deadline (%(deadline)s) has passed.")
                % {"deadline": format_in_zone(closes_at, zone, country_code)},
            )
        ]
    if now < opens_at:
        return [
            Problem(
                "deadline",
                "opens_at",
                _("The call opens on %(opening)s.") % {"opening": format_in_zone(opens_at, zone, country_code)},
            )
        ]
    return []


def check_submission(application: Application, *, now: datetime.datetime | None = None) -> list[Problem]:
    """Everything that keeps ``application`` from being submitted at ``now`` (default: server now, UTC); [] if none.

    All limits come from ``application.rules_version.rules`` (the version the application was made under):

    * project: required texts (:data:`REQUIRED_TEXT_FIELDS`), language among the lot's (else the call's) accepted
      languages when the call names any, duration within the lot's minimum and the lot's and call's maximum;
    * budget: requested amount (EUR) present, above zero and within both the lot's and the call's minimum and
      maximum; at least one budget line; the budget total (database sum of ``total_eur``) equal to the requested
      amount to the cent; no line's co-financing above its total; co-financing at least the lot's
      ``min_co_financing_percent`` of the total;
    * eligibility: each unmet rule of :func:`grants.eligibility.check_eligibility`, with its reason;
    * documents: an attachment for each required document (``cross_border_only`` ones for cross-border lots only);
    * partners (cross-border lots): at least ``min_partners`` partner organisations from at least
      ``min_partner_countries`` countries other than the lead applicant's; the lead is never its own partner;
    * deadline: ``opens_at <= now <= closes_at`` (UTC; the deadline itself is on time).

    Read-only: no database writes.
    """
    now = _now(now)
    rules = application.rules_version.rules
    lot = application.rules_version.lot(application.lot_id)
    if lot is None:
        return [Problem("project", "lot", _("The lot of this application is not part of the call's rules."))]
    problems = _project_problems(application, rules, lot)
    problems += _amount_problems(application, rules, lot)
    problems += _budget_problems(application, lot)
    problems += _partner_problems(application, lot)
    problems += _document_problems(application, rules, lot)
    problems += [
        Problem("eligibility", result.code, result.reason)
        for result in check_eligibility(application.organisation, rules, application.lot_id, on=now)
        if not result.met
    ]
    problems += _deadline_problems(rules, now, call_country_code(application.call))
    return problems


# --- submit ----------------------------------------------------------------------------------------------------


def next_reference(application: Application, now: datetime.datetime) -> str:
    """Take the next reference number ``IW-<CC>-<YYYY>-<NNN>`` for ``application`` (call inside a transaction).

    ``CC``: the call's country code, or the lead applicant's country for a regional call; ``YYYY``: the year of
    ``now`` in the call's time zone; ``NNN``: the next number of that prefix, zero-padded to three digits (more
    digits past 999). The :class:`ReferenceSequence` row is locked (``select_for_update``); a parallel first use
    of a prefix is settled by its unique constraint (``get_or_create`` re-reads the winner's row).
    """
    call = application.call
    country = call.country.code if call.country_id else application.organisation.country.code
    year = now.astimezone(call.zone).year
    prefix = f"IW-{country}-{year}"
    sequence, _created = ReferenceSequence.objects.select_for_update().get_or_create(prefix=prefix)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{prefix}-{sequence.last_number:03d}"


def receipt_context(application: Application) -> dict:
    """Context of the ``application_submitted`` and ``application_withdrawn`` mails.

    Values stay raw (``amount_eur`` Decimal EUR, ``submitted_at``/``withdrawn_at`` aware UTC, ``zone`` the call's
    IANA zone name) so each recipient's template formats them in the recipient's language; ``application_url``
    is a site path (templates prefix ``base_url``).
    """
    call = application.call
    return {
        "reference": application.reference,
        "call_title": call.title,
        "lot": f"{application.lot.code}: {application.lot.name}",
        "organisation": application.organisation.legal_name,
        "title": application.title,
        "amount_eur": application.requested_amount_eur,
        "submitted_at": application.submitted_at,
        "withdrawn_at": application.withdrawn_at,
        "zone": [call.timezone, call_country_code(call) or ""],
        "application_url": application_url(application),
    }


def submit_application(application_id: int, *, user, now: datetime.datetime | None = None) -> Application:
    """Submit the draft ``application_id`` for ``user``; return the submitted application.

    Locks the application row, then: ``user`` must be a member of the lead applicant organisation
    (:class:`ApplicationPermissionError`); an application already submitted is returned unchanged (a double click
    or replayed POST makes one submission and one receipt); a withdrawn one is refused (:class:`ApplicationError`);
    :func:`check_submission` at ``now`` (default: the server's clock, UTC) must find nothing
    (:class:`SubmissionError` with the problems; nothing is written).

    Then assigns the reference (:func:`next_reference`), sets ``status=submitted``, ``submitted_at=now`` and
    ``submitted_by``, logs ``submitted`` and queues the receipt mail ``application_submitted`` to every member of
    the lead organisation (deduplicated per application), all in one transaction.
    """
    now = _now(now)
    with transaction.atomic():
        application = lock_application(application_id)
        _require_member(user, application)
        if application.status == ApplicationStatus.SUBMITTED:
            return application
        if application.status != ApplicationStatus.DRAFT:
            raise ApplicationError(_("This application was withdrawn; it can no longer be submitted."), code="status")
        problems = check_submission(application, now=now)
        if problems:
            raise SubmissionError(problems)
        application.reference = next_reference(application, now)
        application.submitted_at = now
        application.submitted_by = user
        apply_transition(
            application,
            ApplicationStatus.SUBMITTED,
            user=user,
            now=now,
            update_fields=("reference", "submitted_at", "submitted_by"),
        )
        notify(
            list(_lead_members(application.organisation_id)),
            "application_submitted",
            receipt_context(application),
            dedupe_key=f"application-submitted-{application.pk}",
        )
    return application


# --- withdraw --------------------------------------------------------------------------------------------------


def withdraw_application(
    application_id: int, *, user, reason: str = "", now: datetime.datetime | None = None
) -> Application:
    """Withdraw the submitted application ``application_id`` for ``user``; return it.

    Only members of the lead applicant organisation (:class:`ApplicationPermissionError`), only a submitted
    application and only until the call's deadline (``now``, default the server's clock, ``<= closes_at`` of the
    application's rules), else :class:`ApplicationError`. Withdrawing twice returns the application unchanged.
    Sets ``status=withdrawn`` and ``withdrawn_at``, logs ``withdrawn`` with ``reason`` (plain text), and mails
    ``application_withdrawn`` to the lead organisation's members once. A withdrawn application no longer counts
    toward the one-per-lot rule, so the organisation may start a new one while the call is open.
    """
    now = _now(now)
    with transaction.atomic():
        application = lock_application(application_id)
        _require_member(user, application)
        if application.status == ApplicationStatus.WITHDRAWN:
            return application
        if application.status != ApplicationStatus.SUBMITTED:
            raise ApplicationError(_("Only a submitted application can be withdrawn."), code="status")
        rules = application.rules_version.rules
        closes_at = _utc(rules["closes_at"])
        if now > closes_at:
            raise ApplicationError(
                _("The deadline (%(deadline)s) has passed; the application can no longer be withdrawn.")
                % {
                    "deadline": format_in_zone(
                        closes_at, rules.get("timezone") or "UTC", call_country_code(application.call)
                    )
                },
                code="deadline",
            )
        application.withdrawn_at = now
        apply_transition(
            application,
            ApplicationStatus.WITHDRAWN,
            user=user,
            comment=reason,
            now=now,
            update_fields=("withdrawn_at",),
        )
        notify(
            list(_lead_members(application.organisation_id)),
            "application_withdrawn",
            {**receipt_context(application), "reason": clean_plain_text(reason)[:5000]},
            dedupe_key=f"application-withdrawn-{application.pk}",
        )
    return application
