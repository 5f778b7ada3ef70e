"""Demo content for grant agreements, payments and grantee reporting (issue 5, item 8).

The five awards of the real North Macedonia 2025 call become grant agreements signed on 29 September 2025 (the
date the programme reports for the five signatures), starting on 1 October 2025, with the call's 80/20 payment
schedule. The first tranche of each was paid in October 2025. From there (figures and reports illustrative):

- the two real grantees (Association for Democratic Initiatives, Finance Think): interim report approved, final
  report approved, last tranche paid: **completed**;
- Bitola Civic Lab (invented): the final report was never sent: **overdue**;
- Tetovo Youth for Transparency (invented): final report submitted, waiting for staff review;
- Ohrid Public Money Observatory (invented; the demo applicant is a member, so a visitor can try it): interim report
  approved, a no-cost extension to 30 November 2026, final report still to write.

Everything goes through the services (:mod:`grants.services.agreements`, ``amendments``, ``payments``,
``reporting``), looked up at run time (``portal`` imports none of the apps). Each step is dated when it happened:
the services take ``now``, and the activity-log rows they write (stamped at the time of the call) are dated at the
step too (:func:`portal.demo.evaluation.dated_activity`), as are the agreement's creation and the amendment's
record. Idempotent: an agreement that exists is left alone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from .evaluation import _pdf_bytes, dated_activity, staff_user
from .grants import MK_CALL_CODE
from .users import DEMO_DOMAIN, ROLES

SKOPJE = ZoneInfo("Europe/Skopje")
SIGNED_AT = datetime.datetime(2025, 9, 29, 12, 0, tzinfo=SKOPJE)
DRAFTED_AT = SIGNED_AT - datetime.timedelta(days=5)
SENT_AT = SIGNED_AT - datetime.timedelta(days=3)
AMENDED_AT = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=SKOPJE)
#: Days staff take to review an interim report.
INTERIM_REVIEW_DAYS = 4
START = datetime.date(2025, 10, 1)
FIRST_PAYMENT = datetime.date(2025, 10, 10)

COMPLETED = "completed"
OVERDUE = "overdue"
SUBMITTED = "final_submitted"
IN_PROGRESS = "in_progress"


@dataclass(frozen=True)
class Plan:
    """Where one North Macedonia grant stands in the demo (see the module docstring)."""

    organisation: str
    outcome: str
    contact: str  # local part of the invented contact account (unusable password), "" for the demo applicant


PLANS = [
    Plan("Association for Democratic Initiatives", COMPLETED, "contact-adi"),
    Plan("Finance Think", COMPLETED, "contact-finance-think"),
    Plan("Bitola Civic Lab", OVERDUE, "contact-bitola-civic-lab"),
    Plan("Tetovo Youth for Transparency", SUBMITTED, "contact-tetovo-youth"),
    Plan("Ohrid Public Money Observatory", IN_PROGRESS, ""),
]
EXTENDED_END = datetime.date(2026, 11, 30)

NARRATIVE = {
    "interim": {
        "activities": "Data collection and first analysis as planned; the project team met the partners monthly.",
        "results": "The dataset is half complete; a first brief is drafted.",
        "challenges": "Some public bodies answered information requests late.",
        "next_steps": "Finish the dataset, publish the brief and hold the public presentation.",
        "links": "",
    },
    "final": {
        "activities": "All planned activities were carried out: data collection, analysis, publication and events.",
        "results": "The planned results were reached: an open dataset, a policy brief and two public events.",
        "challenges": "Delays in answers to freedom-of-information requests, absorbed within the period.",
        "next_steps": "The organisation keeps the dataset up to date and will present it to the municipality.",
        "links": "",
    },
}


def _model(label: str):
    return apps.get_model(label)


def _service(name: str):
    return import_module(f"grants.services.{name}")


def _months_later(start: datetime.date, months: int) -> datetime.date:
    """The last day of a project of ``months`` months starting on the first of a month."""
    year, month = divmod(start.month - 1 + months, 12)
    first_after = datetime.date(start.year + year, month + 1, 1)
    return first_after - datetime.timedelta(days=1)


def ensure_contact(organisation, plan: Plan):
    """The member account that reports for ``organisation``: an invented contact (no sign-in) or the demo
    applicant for the grant visitors may try."""
    User = get_user_model()
    Membership = _model("community.OrganisationMembership")
    if plan.contact:
        email = f"{plan.contact}@grantees.{DEMO_DOMAIN}"
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User(email=email, first_name="Demo", last_name="contact", preferred_language="mk")
            user.set_unusable_password()
            user.save()
    else:
        email = next(role.email for role in ROLES if role.key == "applicant")
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            return None
    Membership.objects.get_or_create(organisation=organisation, user=user, defaults={"role": "admin"})
    return user


def _report(requirement, contact, kind: str, spent_share: Decimal, now) -> None:
    """Write and submit ``requirement``'s report as ``contact``: the narrative of ``kind`` and ``spent_share`` of
    each budget line as awarded."""
    reports = import_module("grants.services.reports")
    lines = requirement.agreement.budget_lines.all()
    spending = {line.pk: ((line.total_eur * spent_share).quantize(Decimal("0.01")), "") for line in lines}
    with dated_activity(now):
        reports.save_report(
            requirement.pk, user=contact, narrative=NARRATIVE[kind], spending=spending, submit=True, now=now
        )


def _pay(agreement, number: int, staff, paid_on: datetime.date) -> None:
    tranche = agreement.tranches.get(number=number)
    if tranche.paid_on is None:
        with dated_activity(_noon(paid_on)):  # the completion it may bring is logged at the payment too
            _service("payments").record_payment(
                tranche.pk, user=staff, paid_on=paid_on, amount_eur=tranche.amount_eur, now=_noon(paid_on)
            )


def _noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12, 0), tzinfo=SKOPJE)


def _agreement_for(application, staff):
    """Create, send and sign the agreement of ``application`` (dates as in the module docstring), pay the first
    tranche; return it. An existing agreement is returned as it is."""
    GrantAgreement = _model("grants.GrantAgreement")
    existing = GrantAgreement.objects.filter(application=application).first()
    if existing is not None:
        return existing, False
    agreements = _service("agreements")
    end = _months_later(START, application.duration_months or 6)
    with dated_activity(DRAFTED_AT):
        agreement = agreements.create_agreement(
            application.pk, user=staff, start_date=START, end_date=end, now=DRAFTED_AT
        )
    GrantAgreement.objects.filter(pk=agreement.pk).update(created_at=DRAFTED_AT)
    with dated_activity(SENT_AT):
        agreements.send_agreement(agreement.pk, user=staff, now=SENT_AT)
    signed = SimpleUploadedFile(
        f"{agreement.reference}-signed.pdf", _pdf_bytes(f"Grant agreement {agreement.reference}"), "application/pdf"
    )
    with dated_activity(SIGNED_AT):  # with the reporting schedule made at signature
        agreements.sign_agreement(agreement.pk, user=staff, signed_file=signed, now=SIGNED_AT)
    with dated_activity(_noon(START)):
        agreements.activate_agreement(agreement.pk, user=staff, now=_noon(START))
    agreement.refresh_from_db()
    _pay(agreement, 1, staff, FIRST_PAYMENT)
    return agreement, True


def _play(agreement, plan: Plan, contact, staff) -> None:
    """Take ``agreement`` to the stage ``plan.outcome`` names."""
    reports = import_module("grants.services.reports")
    requirements = {r.kind: r for r in agreement.reporting_requirements.all()}
    interim = requirements.get("interim")
    if interim is not None and interim.status == "pending" and plan.outcome != OVERDUE:
        submitted = min(interim.due_at - datetime.timedelta(days=3), _noon(datetime.date(2026, 11, 1)))
        _report(interim, contact, "interim", Decimal("0.45"), submitted)
        approved = submitted + datetime.timedelta(days=INTERIM_REVIEW_DAYS)
        with dated_activity(approved):
            reports.approve_report(interim.pk, user=staff, comment="Thank you: clear and complete.", now=approved)
    if plan.outcome == IN_PROGRESS and agreement.end_date < EXTENDED_END:
        with dated_activity(AMENDED_AT):  # with the final report's new due date
            amendment = _service("amendments").record_amendment(
                agreement.pk,
                user=staff,
                kind="no_cost_extension",
                reason="Two municipalities answered the information requests months late; the final events move "
                "to November 2026.",
                new_end_date=EXTENDED_END,
                now=AMENDED_AT,
            )
        _model("grants.Amendment").objects.filter(pk=amendment.pk).update(made_at=AMENDED_AT)
    final = agreement.reporting_requirements.get(kind="final")
    if plan.outcome in (COMPLETED, SUBMITTED) and final.status == "pending":
        submitted = final.due_at - datetime.timedelta(days=5)
        _report(final, contact, "final", Decimal("0.97"), submitted)
    if plan.outcome == COMPLETED:
        final.refresh_from_db()
        if final.status == "submitted":
            approved = final.due_at + datetime.timedelta(days=7)
            with dated_activity(approved):
                reports.approve_report(
                    final.pk, user=staff, comment="Approved; the balance will be paid.", now=approved
                )
        agreement.refresh_from_db()
        _pay(agreement, agreement.tranches.count(), staff, (final.due_at + datetime.timedelta(days=14)).date())


def ensure_agreements_demo() -> dict:
    """Run the agreements demo (after :func:`portal.demo.evaluation.ensure_evaluation_demo`). Idempotent.

    Returns ``{"agreements_created": int, "agreements": int, "completed": int}``.
    """
    staff = staff_user()
    Application = _model("grants.Application")
    GrantAgreement = _model("grants.GrantAgreement")
    created = 0
    if staff is not None:
        awarded = {
            a.organisation.legal_name: a
            for a in Application.objects.filter(call__code=MK_CALL_CODE, status="awarded").select_related(
                "organisation"
            )
        }
        for plan in PLANS:
            application = awarded.get(plan.organisation)
            if application is None:
                continue
            contact = ensure_contact(application.organisation, plan)
            if contact is None:
                continue
            agreement, new = _agreement_for(application, staff)
            created += new
            if new:
                _play(agreement, plan, contact, staff)
    return {
        "agreements_created": created,
        "agreements": GrantAgreement.objects.count(),
        "completed": GrantAgreement.objects.filter(status="completed").count(),
    }
