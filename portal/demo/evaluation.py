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
looked up at run time (``portal`` imports none of the apps, GUIDE §2).
"""

from __future__ import annotations

import datetime
import hashlib
import io
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import import_module
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from .grants import (
    ELIGIBLE_TYPES,
    MK_CALL_CODE,
    MK_DEADLINE,
    _children,
    date_demo_submission_log,
    ensure_invented_organisations,
)
from .users import DEMO_DOMAIN, ROLES

ILLUSTRATIVE = "Illustrative demo record (invented organisation and figures)."

# (country, legal name, local name, registration number, year registered, annual budget EUR, type)
MORE_ORGANISATIONS = [
    (
        "MK",
        "Kumanovo Citizens' Budget Forum",
        "Граѓански форум за буџет Куманово",
        "DEMO-MK-004",
        2016,
        "27000",
        "association",
    ),
    (
        "MK",
        "Štip Open Data Collective",
        "Колектив за отворени податоци Штип",
        "DEMO-MK-005",
        2019,
        "19000",
        "association",
    ),
    (
        "MK",
        "Strumica Local Media Lab",
        "Лабораторија за локални медиуми Струмица",
        "DEMO-MK-006",
        2014,
        "33000",
        "media",
    ),
    (
        "MK",
        "Skopje Law-Making Monitor",
        "Монитор на законодавството Скопје",
        "DEMO-MK-007",
        2011,
        "48000",
        "think_tank",
    ),
    # Registered in 2025: less than the call's one year before it opened, so screening finds it ineligible.
    (
        "MK",
        "Gostivar Women in Public Life",
        "Жени во јавниот живот Гостивар",
        "DEMO-MK-008",
        2025,
        "9000",
        "association",
    ),
    ("BA", "Banja Luka Budget Monitor", "Monitor budžeta Banja Luka", "DEMO-BA-003", 2015, "31000", "association"),
    ("BA", "Zenica Council Watch", "Posmatrači vijeća Zenica", "DEMO-BA-004", 2018, "21000", "association"),
    ("BA", "Bihać Youth Data Club", "Klub mladih za podatke Bihać", "DEMO-BA-005", 2020, "12000", "association"),
]


@dataclass
class Sample:
    """One demo application: who, which lot, what, budget lines, and how far it goes.

    ``marks``: per reviewer, the marks on the six criteria of the demo grid (0..5 each, in grid order: relevance,
    methodology, use of data, capacity, sustainability, budget). ``stage``: ``submitted`` (left for screening),
    ``eligible`` (left for reviewer assignment), ``under_review`` (first reviewer done, the demo reviewer's
    declaration pending), ``reviewed`` or a decision ``award`` / ``reserve`` / ``reject``; ``ineligible`` stops at
    screening.
    """

    organisation: str
    lot: str
    title: str
    summary: str
    duration_months: int
    lines: list[tuple[str, str, str, str, str]]
    stage: str
    marks: list[tuple[int, ...]] = field(default_factory=list)
    reason: str = ""
    number: int = 0


# Five more North Macedonia applications (IW-MK-2025-006 …): invented organisations, illustrative content.
MK_MORE = [
    Sample(
        "Kumanovo Citizens' Budget Forum",
        "2",
        "Citizens Read the Municipal Budget",
        "Explains the municipal budget of Kumanovo in plain language and follows the spending of three capital "
        "projects. " + ILLUSTRATIVE,
        7,
        [
            ("staff", "Budget analyst", "month", "7", "700.00"),
            ("events", "Neighbourhood meetings", "event", "4", "450.00"),
        ],
        "reserve",
        [(4, 4, 3, 3, 3, 4), (4, 3, 4, 3, 3, 3)],
        "Scored above the pass mark, but the envelope is used by higher-ranked proposals; funded if money frees up.",
    ),
    Sample(
        "Štip Open Data Collective",
        "1",
        "Open Council Votes in Eastern Macedonia",
        "Publishes the voting records of four municipal councils as open data and trains journalists to use them. "
        + ILLUSTRATIVE,
        8,
        [
            ("staff", "Data editor", "month", "8", "800.00"),
            ("events", "Training for journalists", "workshop", "2", "600.00"),
        ],
        "reserve",
        [(4, 3, 4, 3, 3, 3), (3, 3, 4, 3, 3, 3)],
        "Scored above the pass mark, but the envelope is used by higher-ranked proposals; funded if money frees up.",
    ),
    Sample(
        "Strumica Local Media Lab",
        "2",
        "Local Radio on Public Money",
        "A series of radio programmes on local procurement. " + ILLUSTRATIVE,
        6,
        [("services", "Radio production", "episode", "10", "500.00")],
        "reject",
        [(3, 3, 2, 3, 2, 3), (3, 2, 2, 3, 3, 3)],
        "The proposal scored below the call's pass mark of 65 points: the use of political-integrity data and the "
        "work plan need to be made concrete.",
    ),
    Sample(
        "Skopje Law-Making Monitor",
        "1",
        "A Legislative Footprint for Every Law",
        "Tracks who took part in drafting five laws. " + ILLUSTRATIVE,
        9,
        [
            ("staff", "Researchers", "month", "9", "850.00"),
            ("communication", "Online tracker", "service", "1", "2000.00"),
        ],
        "reject",
        [(2, 4, 4, 4, 3, 3), (2, 4, 4, 3, 3, 3)],
        "Relevance scored below the eliminatory threshold of 15 points: the proposal does not show how it serves "
        "the call's aims in North Macedonia's municipalities.",
    ),
    Sample(
        "Gostivar Women in Public Life",
        "2",
        "Women Count: Gender and Party Lists",
        "Monitors the place of women on party lists in local elections. " + ILLUSTRATIVE,
        5,
        [("staff", "Coordinator", "month", "5", "900.00")],
        "ineligible",
    ),
]

# Marks of the two reviews of each of the five sample applications of portal.demo.grants (IW-MK-2025-001 …005).
MK_SAMPLE_MARKS = {
    1: [(5, 5, 5, 4, 4, 4), (5, 4, 5, 4, 4, 5)],
    2: [(5, 4, 5, 5, 4, 4), (5, 5, 4, 4, 4, 4)],
    3: [(4, 4, 4, 4, 4, 4), (5, 4, 4, 3, 4, 4)],
    4: [(4, 4, 4, 3, 4, 4), (4, 4, 3, 4, 4, 4)],
    5: [(4, 5, 5, 4, 3, 4), (4, 4, 5, 4, 4, 3)],
}
MK_AWARD_REASON = (
    "Ranked among the five highest-scoring proposals within the EUR 44,000 envelope; awarded the amount requested."
)

BA_CALL_CODE = "ba-2026-pilot"
BA_CALL_TITLE = "Bosnia and Herzegovina 2026: pilot call for local integrity monitoring (illustrative)"
BA_SAMPLES = [
    Sample(
        "Civic Data Hub Mostar",
        "A",
        "Mostar Council Money Map",
        "Maps grants and contracts of the City of Mostar against the council members' declared interests. "
        + ILLUSTRATIVE,
        6,
        [
            ("staff", "Data researcher", "month", "6", "650.00"),
            ("events", "Public presentation", "event", "1", "900.00"),
        ],
        "award",
        [(5, 4, 4, 4, 4, 4), (4, 4, 5, 4, 3, 4)],
        "A clear, feasible plan that uses declared-interest data the city already publishes.",
    ),
    Sample(
        "Open Municipality Tuzla",
        "A",
        "Tuzla Procurement Alerts",
        "Weekly alerts on direct agreements signed by the City of Tuzla and its public companies. " + ILLUSTRATIVE,
        5,
        [
            ("staff", "Procurement monitor", "month", "5", "700.00"),
            ("communication", "Alert newsletter", "issue", "20", "60.00"),
        ],
        "under_review",
        [(4, 4, 4, 3, 3, 4)],
    ),
    Sample(
        "Banja Luka Budget Monitor",
        "A",
        "Following the Capital Budget in Banja Luka",
        "Follows five capital projects of the city budget from plan to payment. " + ILLUSTRATIVE,
        6,
        [("staff", "Budget analyst", "month", "6", "700.00"), ("events", "Round table", "event", "1", "800.00")],
        "eligible",
    ),
    Sample(
        "Zenica Council Watch",
        "A",
        "Who Speaks for Zenica? Council Attendance and Votes",
        "Publishes attendance and roll-call votes of the Zenica city council and holds two public debates. "
        + ILLUSTRATIVE,
        6,
        # The trainer's day rate is above the call's reference unit cost (EUR 150 a day): an integrity flag.
        [("staff", "Trainer", "day", "12", "220.00"), ("events", "Public debates", "event", "2", "700.00")],
        "submitted",
    ),
    Sample(
        "Bihać Youth Data Club",
        "A",
        "Young People Read the Council Votes",
        # Nearly the same text as Zenica's proposal: the near-duplicate check shows it to staff.
        "Publishes attendance and roll-call votes of the Bihać city council and holds two public debates. "
        + ILLUSTRATIVE,
        6,
        [
            ("staff", "Project coordinator", "month", "6", "550.00"),
            ("events", "Public debates", "event", "2", "700.00"),
        ],
        "submitted",
    ),
]
BA_REFERENCE_COSTS = [
    ("staff", "day", "Trainer or expert, per day", "150.00"),
    ("staff", "month", "Full-time project staff, per month", "900.00"),
    ("events", "event", "Public event or debate", "1000.00"),
]

# Two more evaluators (no sign-in; the demo reviewer of portal.demo.users is the one visitors use). Their addresses
# are on a domain of their own: the integrity check "reviewer shares the applicant's email domain" compares whole
# domains (sub-domains are not folded), and the demo applicant, a member of the awarded pilot application's
# organisation, is on DEMO_DOMAIN.
CHECKED_ON_CERTIFICATE = "Checked on the registration certificate attached to the application."
EVALUATORS_DOMAIN = f"evaluators.{DEMO_DOMAIN}"
EVALUATORS = [("evaluator-1", "Vesna", "Evaluator (demo)"), ("evaluator-2", "Kerem", "Evaluator (demo)")]

# A contact member (no sign-in) of the organisations of the pilot call's applications left for screening, so that
# screening them in the demo mails someone (the console backend shows it). Each on its organisation's own domain,
# distinct from the reviewers' domains. (organisation, local part, domain, first name, last name, language)
APPLICANT_CONTACTS = [
    ("Zenica Council Watch", "info", f"zenica-council-watch.{DEMO_DOMAIN}", "Emina", "Contact (demo)", "bs"),
    ("Bihać Youth Data Club", "info", f"bihac-youth-data-club.{DEMO_DOMAIN}", "Adnan", "Contact (demo)", "bs"),
]

PROPOSAL_TEXT = {
    "problem": "Public data on how public money is spent exists but few people in the municipality read it.",
    "objectives": "Make the data readable, show what it says, and bring citizens and councillors to discuss it.",
    "activities": "Collect and check the data; publish it with short explainers; hold public discussions.",
    "expected_results": "An open dataset, a short report, and at least two public discussions with councillors.",
    "data_use": "Uses the Integrity Watch platform's data and the municipality's own open data.",
}
COMMENTS = [
    "Closely matches the call's aims.",
    "Activities and timing are realistic.",
    "Makes good use of public political-integrity data.",
    "The team has done similar work before.",
    "Results can be reused by other municipalities.",
    "Costs are in line with the activities.",
]


def _model(label: str):
    return apps.get_model(label)


def _service(name: str):
    return import_module(f"grants.services.{name}")


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
    screening.record_screening(application.pk, user=staff, items=items, now=now)


def _review(application, reviewer, marks: tuple[int, ...], staff, now) -> None:
    """Assign ``reviewer``, declare no conflict of interest, and submit a review with ``marks`` (grid order)."""
    reviews = _service("reviews")
    scoring = _service("scoring")
    Review = _model("grants.Review")
    if Review.objects.filter(application=application, reviewer=reviewer, status="submitted").exists():
        return
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
