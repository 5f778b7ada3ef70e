"""Demo content for screening, review, ranking and award decisions (issue 4, item 10).

Two closed calls are taken through the evaluation with the real services (screening, reviewer assignment,
conflict-of-interest declarations, scored reviews, decisions), so that the ranking, the dashboard, the reviewer's
screens and the applicant's decision page all show data of a realistic size:

- the real **North Macedonia 2025** call (EUR 44,000; five grants, as in the programme's own report): ten
  applications — the five sample applications of :mod:`portal.demo.grants` and five more from invented
  organisations — screened (one ineligible), two reviews each, ranked, and decided: five awards, two on the reserve
  list, two rejected. The scores and the other applications are illustrative; the outcome (five grants) is real.
- an **illustrative Bosnia and Herzegovina pilot call** that closed ten days ago, left at every stage so that a
  visitor can try each step: applications waiting for screening, one eligible and waiting for reviewers, one under
  review with the demo reviewer's assignment waiting for the conflict-of-interest declaration, and the demo
  applicant's application awarded, with scores and comments shared with the applicant.

The demo's integrity flags are the intended ones only: the pilot call's near-duplicate pair (IW-BA-2026P-004/005)
and the trainer's day rate above the reference unit cost (004); the evaluators' and the applicant contacts' mail
domains differ from each other and from the demo applicant's, so no reviewer is flagged. The two pilot applications
left for screening have a contact member each, so screening them in the demo sends a (console) mail.

Everything here is idempotent: an application that already went through a step is left alone. The services are
looked up at run time (``portal`` imports none of the apps, GUIDE §2). The activity-log rows the services write
carry the date of the step they record (:func:`dated_activity`), not the time the demo was loaded.
"""

from __future__ import annotations

import datetime
import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from importlib import import_module
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from .evaluation_data import (
    APPLICANT_CONTACTS,
    BA_CALL_CODE,
    BA_CALL_TITLE,
    BA_REFERENCE_COSTS,
    BA_SAMPLES,
    CHECKED_ON_CERTIFICATE,
    COMMENTS,
    EVALUATORS,
    EVALUATORS_DOMAIN,
    MK_AWARD_REASON,
    MK_MORE,
    MK_SAMPLE_MARKS,
    MORE_ORGANISATIONS,
    PROPOSAL_TEXT,
    Sample,
)
from .grants import (
    ELIGIBLE_TYPES,
    MK_CALL_CODE,
    MK_DEADLINE,
    _children,
    date_demo_submission_log,
    ensure_invented_organisations,
)
from .users import DEMO_DOMAIN, ROLES


def _model(label: str):
    return apps.get_model(label)


def _service(name: str):
    return import_module(f"grants.services.{name}")


@contextmanager
def dated_activity(when: datetime.datetime) -> Iterator[None]:
    """Date at ``when`` (aware) every activity-log row written inside the block: the services stamp
    ``ActivityLog.created_at`` (``auto_now_add``) with the time of the call, so without this the demo's history would
    say that a screening of July 2025 or a signature of September 2025 happened when the demo was loaded. Only rows
    newer than the block's start are touched (the demo runs alone, so they are the block's own)."""
    ActivityLog = _model("grants.ActivityLog")
    last = ActivityLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    yield
    ActivityLog.objects.filter(pk__gt=last).update(created_at=when)


def _pdf_bytes(title: str) -> bytes:
    """A one-page PDF (a real, parseable file) standing in for a demo document."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def ensure_more_organisations(countries: dict) -> dict:
    """Create the invented organisations used only by the evaluation demo; return all organisations by name."""
    ensure_invented_organisations(countries, MORE_ORGANISATIONS)
    return {o.legal_name: o for o in _model("community.Organisation").objects.all()}


def ensure_evaluators() -> list:
    """The demo reviewer (``users.ROLES`` key ``reviewer``, when it exists) and two evaluators without sign-in, on
    :data:`EVALUATORS_DOMAIN` (evaluators created on ``DEMO_DOMAIN`` by an earlier run are moved there)."""
    from django.contrib.auth.models import Group

    reviewers_group = import_module("portal.accounts.roles").REVIEWERS_GROUP
    group, _ = Group.objects.get_or_create(name=reviewers_group)
    User = get_user_model()
    evaluators = []
    for key, first, last in EVALUATORS:
        email = f"{key}@{EVALUATORS_DOMAIN}"
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            # A database loaded before the evaluators had their own domain: move the same user (and its reviews).
            user = User.objects.filter(email__iexact=f"{key}@{DEMO_DOMAIN}").first()
            if user is not None:
                from allauth.account.models import EmailAddress

                user.email = email
                user.save(update_fields=["email"])
                EmailAddress.objects.filter(user=user).update(email=email)
        if user is None:
            user = User(email=email, first_name=first, last_name=last)
            user.set_unusable_password()
            user.save()
        user.groups.add(group)
        evaluators.append(user)
    email = next(role.email for role in ROLES if role.key == "reviewer")
    demo_reviewer = User.objects.filter(email__iexact=email).first()
    return [demo_reviewer, *evaluators] if demo_reviewer else evaluators


def ensure_applicant_contacts(organisations: dict) -> list:
    """A member account (unusable password, no sign-in) for each organisation of :data:`APPLICANT_CONTACTS` that
    exists; returns the users. Idempotent."""
    User = get_user_model()
    Membership = _model("community.OrganisationMembership")
    contacts = []
    for name, local, domain, first, last, language in APPLICANT_CONTACTS:
        organisation = organisations.get(name)
        if organisation is None:
            continue
        email = f"{local}@{domain}"
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User(email=email, first_name=first, last_name=last, preferred_language=language)
            user.set_unusable_password()
            user.save()
        Membership.objects.get_or_create(organisation=organisation, user=user, defaults={"role": "member"})
        contacts.append(user)
    return contacts


def staff_user():
    """The demo staff member (``users.ROLES`` key ``staff``), or None before the demo users exist."""
    email = next(role.email for role in ROLES if role.key == "staff")
    return get_user_model().objects.filter(email__iexact=email).first()


def _attach_documents(application, call) -> None:
    """One small PDF per required document of the application's lot, unless it has them already."""
    Attachment = _model("grants.Attachment")
    if application.attachments.exists():
        return
    lot_cross_border = application.lot.cross_border
    for document in call.required_documents.all():
        if document.cross_border_only and not lot_cross_border:
            continue
        content = _pdf_bytes(f"{document.name} – {application.organisation.legal_name}")
        attachment = Attachment(
            application=application,
            document=document,
            original_name=f"{document.code}.pdf",
            content_type="application/pdf",
            size_bytes=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        attachment.file.save(f"{document.code}.pdf", ContentFile(content), save=False)
        attachment.save()


def _create_application(call, sample: Sample, organisation, reference: str, submitted_at):
    """A submitted application of ``call`` from ``sample`` (budget lines, documents), created directly: the
    call is closed, so the applicant's submission service would refuse it."""
    Application = _model("grants.Application")
    BudgetLine = _model("grants.BudgetLine")
    ActivityLog = _model("grants.ActivityLog")
    lines = [(c, d, u, Decimal(q), Decimal(p)) for c, d, u, q, p in sample.lines]
    total = sum((q * p for _c, _d, _u, q, p in lines), Decimal("0")).quantize(Decimal("0.01"))
    application = Application.objects.create(
        reference=reference,
        call=call,
        lot=call.lots.get(code=sample.lot),
        rules_version=call.current_rules(),
        organisation=organisation,
        status="submitted",
        title=sample.title,
        summary=sample.summary,
        language="en",
        duration_months=sample.duration_months,
        requested_amount_eur=total,
        submitted_at=submitted_at,
        **PROPOSAL_TEXT,
    )
    for order, (category, description, unit, qty, cost) in enumerate(lines):
        BudgetLine.objects.create(
            application=application,
            category=category,
            description=description,
            unit=unit,
            quantity=qty,
            unit_cost_eur=cost,
            sort_order=order,
        )
    ActivityLog.objects.create(application=application, action="submitted", from_status="draft", to_status="submitted")
    return application


def _screen(application, staff, now) -> None:
    """Record the screening as proposed by the rules (an unmet rule keeps its proposed reason)."""
    screening = _service("screening")
    if application.status != "submitted":
        return
    proposed = screening.prefill_screening(application, now=now)
    items = []
    for item in proposed:
        if item["code"] == "years_registered" and application.organisation.year_registered is None:
            # The portal has no registration year for the two real grantees (none is invented for them): staff
            # checked it on the registration certificate attached to the application.
            items.append({"code": item["code"], "met": True, "reason": CHECKED_ON_CERTIFICATE})
        else:
            items.append({"code": item["code"], "met": item["met"], "reason": ""})
    with dated_activity(now):
        screening.record_screening(application.pk, user=staff, items=items, now=now)


def _review(application, reviewer, marks: tuple[int, ...], staff, now) -> None:
    """Assign ``reviewer``, declare no conflict of interest, and submit a review with ``marks`` (grid order)."""
    reviews = _service("reviews")
    scoring = _service("scoring")
    Review = _model("grants.Review")
    if Review.objects.filter(application=application, reviewer=reviewer, status="submitted").exists():
        return
    with dated_activity(now):
        assignment = reviews.assign_reviewer(application.pk, reviewer, user=staff, now=now)
        if assignment.status == "pending_declaration":
            reviews.declare_conflict(assignment.pk, reviewer=reviewer, has_conflict=False, now=now)
    criteria = list(application.call.criteria.order_by("sort_order", "pk"))
    scores = {
        criterion.pk: {"score": Decimal(mark), "not_applicable": False, "comment": COMMENTS[index % len(COMMENTS)]}
        for index, (criterion, mark) in enumerate(zip(criteria, marks, strict=True))
    }
    total = sum(marks)
    recommendation = "fund" if total >= 24 else "fund_with_changes" if total >= 20 else "do_not_fund"
    with dated_activity(now):
        scoring.save_review(
            assignment.pk,
            user=reviewer,
            scores=scores,
            recommendation=recommendation,
            overall_comment="A solid proposal." if total >= 22 else "The proposal needs a clearer work plan.",
            submit=True,
            now=now,
        )


def _decide(application, sample: Sample, staff, now) -> None:
    decisions = _service("decisions")
    application.refresh_from_db()
    if application.status in ("awarded", "rejected", "reserve") or sample.stage not in ("award", "reserve", "reject"):
        return
    with dated_activity(now):
        decisions.record_decision(
            application.pk,
            sample.stage,
            user=staff,
            reason=sample.reason,
            amount_eur=application.requested_amount_eur if sample.stage == "award" else None,
            request_token=f"demo-{application.reference}",
            now=now,
        )


def _evaluate(application, sample: Sample, reviewers: list, staff, when: dict) -> None:
    """Take ``application`` as far as ``sample.stage`` says."""
    if sample.stage == "submitted":
        return
    _screen(application, staff, when["screened"])
    application.refresh_from_db()
    if application.status == "ineligible" or sample.stage == "eligible":
        return
    for index, marks in enumerate(sample.marks):
        _review(application, reviewers[index % len(reviewers)], marks, staff, when["reviewed"])
    if sample.stage == "under_review":
        demo_reviewer = reviewers[-1]
        with dated_activity(when["reviewed"]):
            _service("reviews").assign_reviewer(application.pk, demo_reviewer, user=staff, now=when["reviewed"])
        return
    _decide(application, sample, staff, when["decided"])


def evaluate_mk_call(organisations: dict, reviewers: list, staff) -> int:
    """Add the five illustrative applications to the North Macedonia 2025 call and take all ten through the
    evaluation to the five awards. Returns the number of applications created in this run."""
    Call = _model("grants.Call")
    Application = _model("grants.Application")
    ReferenceSequence = _model("grants.ReferenceSequence")
    call = Call.objects.get(code=MK_CALL_CODE)
    demo_grants = import_module("portal.demo.grants")
    created = 0
    samples: list[tuple[object, Sample]] = []
    for sample in demo_grants.MK_SAMPLES:
        application = Application.objects.get(reference=f"IW-MK-2025-{sample.number:03d}")
        date_demo_submission_log(application)
        _attach_documents(application, call)
        reason = MK_AWARD_REASON
        samples.append(
            (
                application,
                Sample(
                    sample.organisation,
                    sample.lot,
                    sample.title,
                    "",
                    0,
                    [],
                    "award",
                    MK_SAMPLE_MARKS[sample.number],
                    reason,
                ),
            )
        )
    first_extra = len(demo_grants.MK_SAMPLES) + 1
    for offset, sample in enumerate(MK_MORE):
        reference = f"IW-MK-2025-{first_extra + offset:03d}"
        application = Application.objects.filter(reference=reference).first()
        if application is None:
            submitted_at = MK_DEADLINE - datetime.timedelta(hours=30 - offset * 5)
            application = _create_application(call, sample, organisations[sample.organisation], reference, submitted_at)
            created += 1
        date_demo_submission_log(application)
        _attach_documents(application, call)
        samples.append((application, sample))
    sequence, _ = ReferenceSequence.objects.get_or_create(prefix="IW-MK-2025")
    highest = first_extra + len(MK_MORE) - 1
    if sequence.last_number < highest:
        sequence.last_number = highest
        sequence.save(update_fields=["last_number"])
    skopje = ZoneInfo("Europe/Skopje")
    when = {
        "screened": datetime.datetime(2025, 7, 24, 11, 0, tzinfo=skopje),
        "reviewed": datetime.datetime(2025, 8, 20, 15, 0, tzinfo=skopje),
        "decided": datetime.datetime(2025, 9, 15, 10, 0, tzinfo=skopje),
    }
    # Awards first (highest scores), then the reserve list and rejections, as a committee would go down the ranking.
    # Reviewers take turns (the demo reviewer too, so their list shows submitted reviews).
    order = {"award": 0, "reserve": 1, "reject": 2}
    ranked = sorted(enumerate(samples), key=lambda item: (order.get(item[1][1].stage, 3), item[0]))
    for index, (application, sample) in ranked:
        turn = index % len(reviewers)
        _evaluate(application, sample, reviewers[turn:] + reviewers[:turn], staff, when)
    return created


def ensure_ba_pilot_call(countries: dict, today: datetime.date | None = None):
    """The illustrative Bosnia and Herzegovina pilot call: closed ten days before ``today`` at 16:00 Sarajevo
    time, scores shared with applicants, reference unit costs. Rules frozen."""
    Call = _model("grants.Call")
    ReferenceUnitCost = _model("grants.ReferenceUnitCost")
    today = today or timezone.now().date()
    sarajevo = ZoneInfo("Europe/Sarajevo")
    closes = datetime.datetime.combine(today - datetime.timedelta(days=10), datetime.time(16, 0), tzinfo=sarajevo)
    opens = datetime.datetime.combine(closes.date() - datetime.timedelta(days=42), datetime.time(9, 0), tzinfo=sarajevo)
    call = Call.objects.filter(code=BA_CALL_CODE).first()
    if call is None:
        call = Call.objects.create(
            code=BA_CALL_CODE,
            title=BA_CALL_TITLE,
            country=countries["BA"],
            published=True,
            total_envelope=Decimal("16000.00"),
            min_grant=Decimal("3000.00"),
            max_grant=Decimal("8000.00"),
            expected_grants=2,
            max_duration_months=6,
            min_years_registered=1,
            eligible_organisation_types=ELIGIBLE_TYPES,
            applications_per_lot=1,
            pass_mark=Decimal("65"),
            accepted_languages=["bs", "en"],
            share_scores_with_applicants=True,
            reviews_per_application=2,
            opens_at=opens,
            closes_at=closes,
            timezone="Europe/Sarajevo",
        )
        call.eligible_countries.set([countries["BA"]])
        _children(
            call,
            [
                {
                    "code": "A",
                    "name": "Local monitoring",
                    "min_grant": Decimal("3000"),
                    "max_grant": Decimal("8000"),
                    "min_duration_months": 3,
                    "max_duration_months": 6,
                }
            ],
        )
        for order, (category, unit, description, cost) in enumerate(BA_REFERENCE_COSTS):
            ReferenceUnitCost.objects.create(
                call=call,
                category=category,
                unit=unit,
                description=description,
                max_unit_cost_eur=Decimal(cost),
                sort_order=order,
            )
        call.freeze_rules()
    return call


def evaluate_ba_call(call, organisations: dict, reviewers: list, staff) -> int:
    """Create the pilot call's applications and take each to its stage; returns the number created."""
    Application = _model("grants.Application")
    ReferenceSequence = _model("grants.ReferenceSequence")
    prefix = "IW-BA-2026P"
    created = 0
    zone = ZoneInfo("Europe/Sarajevo")
    closes = call.closes_at.astimezone(zone)
    when = {
        "screened": closes + datetime.timedelta(days=2),
        "reviewed": closes + datetime.timedelta(days=6),
        "decided": closes + datetime.timedelta(days=8),
    }
    for number, sample in enumerate(BA_SAMPLES, start=1):
        reference = f"{prefix}-{number:03d}"
        application = Application.objects.filter(reference=reference).first()
        if application is None:
            application = _create_application(
                call, sample, organisations[sample.organisation], reference, closes - datetime.timedelta(days=number)
            )
            created += 1
        date_demo_submission_log(application)
        _attach_documents(application, call)
        # The demo reviewer (first in ``reviewers``) is kept for the application left under review.
        _evaluate(application, sample, [*reviewers[1:], reviewers[0]], staff, when)
    sequence, _ = ReferenceSequence.objects.get_or_create(prefix=prefix)
    if sequence.last_number < len(BA_SAMPLES):
        sequence.last_number = len(BA_SAMPLES)
        sequence.save(update_fields=["last_number"])
    return created


def ensure_evaluation_demo(countries: dict) -> dict:
    """Run the whole evaluation demo (needs the demo users: run after ``ensure_demo_users``). Idempotent.

    Returns counts: ``{"applications_created": int, "reviews": int, "awards": int}``.
    """
    staff = staff_user()
    if staff is None:
        return {"applications_created": 0, "reviews": 0, "awards": 0}
    organisations = ensure_more_organisations(countries)
    ensure_applicant_contacts(organisations)
    reviewers = ensure_evaluators()
    created = evaluate_mk_call(organisations, reviewers, staff)
    created += evaluate_ba_call(ensure_ba_pilot_call(countries), organisations, reviewers, staff)
    return {
        "applications_created": created,
        "reviews": _model("grants.Review").objects.filter(status="submitted").count(),
        "awards": _model("grants.Decision").objects.filter(outcome="award").count(),
    }
