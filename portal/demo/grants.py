"""Demo sub-grant scheme (``load_demo``): organisations, the closed North Macedonia call with sample applications,
one open call per programme country, and their public pages under "Calls for proposals".

Facts from the research notes (programme context, sections 2.1 and 2.5), in our own words:

- the regional envelope is EUR 220,000 over the five countries, in at least 25 sub-grants;
- the North Macedonia call had EUR 44,000 for at least 5 grants of EUR 4,000–12,000, with a deadline of
  16 July 2025 (16:00 local time, Europe/Skopje); two of its grantees were the Association for Democratic
  Initiatives and Finance Think, whose project titles are used below;
- the open calls follow the recommended demo rules: lots A (local), B (national or thematic), C (cross-border),
  a 100-point grid with a pass mark of 65, and the listed documents.

Everything else is demo data: the other organisations are invented (their address says so), the opening date of
the North Macedonia call, the sample budgets and the remaining sample applications are illustrative.

Models are looked up through the app registry (``apps.get_model``) so that :mod:`portal` does not import the
apps at module level. Every function is idempotent: rows are found again by a natural key (organisation legal
name and country, call code, application reference, page slug) and not duplicated on a second run.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.apps import apps
from django.utils import timezone
from wagtail.models import Page

FICTIONAL = "Fictional organisation (demo data)."
ELIGIBLE_TYPES = ["association", "foundation", "think_tank", "media", "network"]

# (country, legal name, local name, registration number, year registered, annual budget EUR, type)
INVENTED_ORGANISATIONS = [
    ("BA", "Civic Data Hub Mostar", "Građanski podatkovni centar Mostar", "DEMO-BA-001", 2016, "38000", "association"),
    ("BA", "Open Municipality Tuzla", "Otvorena općina Tuzla", "DEMO-BA-002", 2019, "22000", "association"),
    (
        "XK",
        "Prizren Accountability Forum",
        "Forumi për llogaridhënie Prizren",
        "DEMO-XK-001",
        2014,
        "41000",
        "association",
    ),
    ("XK", "Budget Watch Gjilan", "Vëzhguesi i buxhetit Gjilan", "DEMO-XK-002", 2020, "18500", "association"),
    ("MK", "Bitola Civic Lab", "Граѓанска лабораторија Битола", "DEMO-MK-001", 2015, "35000", "association"),
    (
        "MK",
        "Tetovo Youth for Transparency",
        "Млади за транспарентност Тетово",
        "DEMO-MK-002",
        2018,
        "16000",
        "association",
    ),
    (
        "MK",
        "Ohrid Public Money Observatory",
        "Опсерваторија за јавни пари Охрид",
        "DEMO-MK-003",
        2012,
        "47000",
        "think_tank",
    ),
    ("RS", "Novi Sad Integrity Network", "Mreža za integritet Novi Sad", "DEMO-RS-001", 2013, "44000", "network"),
    ("RS", "Niš Local Media Initiative", "Inicijativa lokalnih medija Niš", "DEMO-RS-002", 2017, "29000", "media"),
    ("TR", "İzmir Open Council Association", "İzmir Açık Meclis Derneği", "DEMO-TR-001", 2015, "36000", "association"),
    (
        "TR",
        "Anatolian Data Literacy Foundation",
        "Anadolu Veri Okuryazarlığı Vakfı",
        "DEMO-TR-002",
        2011,
        "49000",
        "foundation",
    ),
]

# The two real grantees of the North Macedonia call named in the research notes (no invented details about them).
REAL_ORGANISATIONS = [
    ("MK", "Association for Democratic Initiatives", "think_tank"),
    ("MK", "Finance Think", "think_tank"),
]

DEMO_APPLICANT_ORGANISATION = "Civic Data Hub Mostar"

GRID = [
    ("Relevance", "30", "15", "Fit with the call's aims and the needs of the target groups."),
    ("Methodology and feasibility", "25", None, "Clear activities, realistic work plan and risks."),
    (
        "Use of political-integrity data and the Integrity Watch platforms",
        "15",
        None,
        "How the project uses public data on political finance, law-making and resource allocation.",
    ),
    ("Capacity", "10", None, "Experience and skills of the applicant and partners."),
    ("Sustainability and multiplier effect", "10", None, "What lasts after the grant and who else benefits."),
    ("Budget and cost-effectiveness", "10", None, "Costs are necessary, reasonable and match the activities."),
]

DOCUMENTS = [
    ("application-form", "Application form", "At most 20 pages, in English or the local language.", False),
    ("budget", "Budget template in EUR", "", False),
    ("registration-certificate", "Registration certificate", "", False),
    ("statute", "Statute", "", False),
    ("financial-report", "Last annual financial report", "", False),
    ("declaration-of-honour", "Declaration of honour", "", False),
    ("conflict-of-interest", "Conflict-of-interest declaration", "", False),
    ("cvs", "CVs of key staff", "", False),
    ("partnership-letter", "Partnership letter or memorandum", "Signed by each partner organisation.", True),
]

LANGUAGES_BY_COUNTRY = {
    "BA": ["bs", "sr-latn", "en"],
    "XK": ["sq", "sr-latn", "en"],
    "MK": ["mk", "sq", "en"],
    "RS": ["sr-latn", "en"],
    "TR": ["tr", "en"],
}
COUNTRY_NAMES = {
    "BA": "Bosnia and Herzegovina",
    "XK": "Kosovo",
    "MK": "North Macedonia",
    "RS": "Serbia",
    "TR": "Türkiye",
}

INDEX_SLUG = "calls"
INDEX_TITLE = "Calls for proposals"
INDEX_INTRO = (
    "Integrity Watch supports civil-society organisations that use political-integrity data. Across the five "
    "programme countries the sub-grant scheme has EUR 220,000 to award in at least 25 grants, about EUR 44,000 per "
    "country. Each call below sets out who may apply, the lots, how proposals are scored and the documents to "
    "attach. Deadlines are at 16:00 local time in the call's country."
)

MK_CALL_CODE = "mk-2025"
MK_DEADLINE = datetime.datetime(2025, 7, 16, 16, 0, tzinfo=ZoneInfo("Europe/Skopje"))
# Demo assumption: the opening date of the 2025 call is not in the research notes.
MK_OPENS = datetime.datetime(2025, 6, 16, 9, 0, tzinfo=ZoneInfo("Europe/Skopje"))

MK_CALL_INTRO = (
    "The 2025 call for civil-society organisations in North Macedonia offered EUR 44,000 for at least five grants "
    "of EUR 4,000 to 12,000 each, sized by scope and duration. Projects were to use public political-integrity data "
    "and the programme's research, preferably together with public institutions and media. Applications closed on "
    "16 July 2025 at 16:00 (Skopje time)."
)
MK_CALL_BODY = [
    "Two lines of activity could be funded: producing and sharing knowledge (research, policy briefs, opinion "
    "pieces, infographics) and advocacy and visibility (public debates and similar actions).",
    "More than 30 organisations applied. After an internal evaluation, five grant agreements were signed on "
    "29 September 2025.",
]


def open_call_intro(country_name: str) -> str:
    return (
        f"Civil-society organisations registered in {country_name} can apply for a grant of EUR 4,000 to 15,000 for a "
        "project that uses political-integrity data: research and policy briefs, data journalism, monitoring of "
        "political finance or public procurement, public debates and advocacy. The call has EUR 44,000 to award."
    )


OPEN_CALL_BODY = [
    "Lot A (local initiatives): EUR 4,000–8,000 for 4 to 6 months, for organisations whose turnover last year was at "
    "most EUR 50,000; no co-financing needed.",
    "Lot B (national or thematic initiatives): EUR 8,000–12,000 for 6 to 9 months, with at least 5% co-financing "
    "in cash or in kind.",
    "Lot C (cross-border initiatives): up to EUR 15,000 for 6 to 10 months, with at least 5% co-financing. The "
    "project must bring together partners from at least two programme countries: the lead applicant's country and "
    "at least one partner organisation from another programme country (Bosnia and Herzegovina, Kosovo, North "
    "Macedonia, Serbia or Türkiye). Cross-border applications are written in English.",
    "Who may apply: non-profit organisations legally registered in the country at least 12 months before the call "
    "opened. Political parties, public bodies, companies and individuals may not apply as lead applicants; "
    "branches of foreign organisations are excluded and informal groups can take part only through a registered "
    "partner. Each organisation may submit one application per lot.",
    "Applications may be written in the local language or in English, with a summary in English. Proposals are "
    "checked for completeness and eligibility, then scored out of 100 by three to five evaluators: relevance 30 "
    "points (proposals below 15 are rejected), methodology 25, use of data 15, capacity 10, sustainability 10 and "
    "budget 10. Proposals need at least 65 points.",
]


@dataclass
class SampleApplication:
    number: int
    organisation: str
    lot: str
    title: str
    summary: str
    duration_months: int
    lines: list[tuple[str, str, str, str, str]] = field(default_factory=list)  # category, description, unit, qty, cost


REAL_NOTE = " (Demo record: the title and organisation are real; the text and figures here are illustrative.)"
MK_SAMPLES = [
    SampleApplication(
        1,
        "Association for Democratic Initiatives",
        "1",
        "Data-Driven Democracy: Tracking Political Parties for a More Transparent Future",
        "Follows how political parties are financed and report, using public integrity data." + REAL_NOTE,
        8,
        [
            ("staff", "Researchers", "month", "8", "700.00"),
            ("communication", "Policy brief and infographics", "piece", "4", "450.00"),
            ("events", "Public presentation", "event", "2", "900.00"),
        ],
    ),
    SampleApplication(
        2,
        "Finance Think",
        "1",
        "Open Contracts – Honest Communities: Tracking Local Procurement for Integrity",
        "A transparency scorecard of local procurement in Prilep and Krushevo, and training for at least 15 local "
        "stakeholders." + REAL_NOTE,
        9,
        [
            ("staff", "Procurement analysts", "month", "9", "650.00"),
            ("events", "Training workshops for local stakeholders", "workshop", "3", "800.00"),
            ("communication", "Scorecard publication", "piece", "1", "1200.00"),
        ],
    ),
    SampleApplication(
        3,
        "Bitola Civic Lab",
        "2",
        "Who Funds the Council? Municipal Campaign Finance in Bitola",
        "Compares the campaign finance reports of municipal lists with their spending and holds two public debates.",
        6,
        [
            ("staff", "Project coordinator", "month", "6", "600.00"),
            ("events", "Public debates", "event", "2", "750.00"),
        ],
    ),
    SampleApplication(
        4,
        "Tetovo Youth for Transparency",
        "2",
        "Young Voters Read the Asset Declarations",
        "Workshops where first-time voters read the asset declarations of their elected officials.",
        5,
        [
            ("events", "Workshops in secondary schools", "workshop", "6", "500.00"),
            ("communication", "Short videos", "piece", "3", "400.00"),
        ],
    ),
    SampleApplication(
        5,
        "Ohrid Public Money Observatory",
        "1",
        "Lobbying in the Open: Mapping Contacts with the Assembly",
        "Collects and publishes data on meetings between interest groups and members of the Assembly.",
        9,
        [
            ("staff", "Researchers", "month", "9", "900.00"),
            ("services", "Data visualisation", "service", "1", "1500.00"),
        ],
    ),
]


def _model(label: str):
    return apps.get_model(label)


def ensure_invented_organisations(countries: dict, rows) -> dict:
    """Create or update the invented organisations ``rows`` (tuples shaped like :data:`INVENTED_ORGANISATIONS`),
    each marked fictional and verified; return them by legal name."""
    Organisation = _model("community.Organisation")
    organisations = {}
    for code, name, local, reg, year, budget, kind in rows:
        organisations[name], _ = Organisation.objects.update_or_create(
            legal_name=name,
            country=countries[code],
            defaults={
                "local_name": local,
                "registration_number": reg,
                "year_registered": year,
                "annual_budget_eur": Decimal(budget),
                "organisation_type": kind,
                "address": FICTIONAL,
                "verified": True,
            },
        )
    return organisations


def ensure_organisations(countries: dict) -> dict:
    """Create or update the demo organisations; return them by legal name."""
    Organisation = _model("community.Organisation")
    organisations = ensure_invented_organisations(countries, INVENTED_ORGANISATIONS)
    for code, name, kind in REAL_ORGANISATIONS:
        organisations[name], _ = Organisation.objects.get_or_create(
            legal_name=name, country=countries[code], defaults={"organisation_type": kind}
        )
    return organisations


def _children(call, lots: list[dict], with_documents: bool = True) -> None:
    """Create the lots, the 100-point grid and the documents of a new call (only when it has none yet)."""
    Lot = _model("grants.Lot")
    Criterion = _model("grants.EvaluationCriterion")
    Document = _model("grants.RequiredDocument")
    for order, spec in enumerate(lots):
        Lot.objects.get_or_create(call=call, code=spec["code"], defaults={**spec, "sort_order": order})
    if not call.criteria.exists():
        for order, (name, weight, threshold, description) in enumerate(GRID):
            Criterion.objects.create(
                call=call,
                name=name,
                description=description,
                weight=Decimal(weight),
                max_score=5,
                eliminatory_threshold=Decimal(threshold) if threshold else None,
                sort_order=order,
            )
    if with_documents:
        has_cross_border_lot = any(spec.get("cross_border") for spec in lots)
        for order, (code, name, description, cross_border_only) in enumerate(DOCUMENTS):
            if cross_border_only and not has_cross_border_lot:
                continue  # a partnership letter only means something where a lot needs partners
            Document.objects.get_or_create(
                call=call,
                code=code,
                defaults={
                    "name": name,
                    "description": description,
                    "cross_border_only": cross_border_only,
                    "sort_order": order,
                },
            )


def _call(code: str, defaults: dict, eligible: list) -> tuple[object, bool]:
    """Find the call by ``code`` or create it with ``defaults``; rules of an existing call are left alone."""
    Call = _model("grants.Call")
    call = Call.objects.filter(code=code).first()
    if call is not None:
        return call, False
    call = Call.objects.create(code=code, **defaults)
    call.eligible_countries.set(eligible)
    return call, True


def ensure_mk_2025_call(countries: dict):
    """The closed 2025 North Macedonia call (real envelope, grant range and deadline); rules frozen."""
    defaults = {
        "title": "North Macedonia 2025: political-integrity data projects",
        "country": countries["MK"],
        "published": True,
        "total_envelope": Decimal("44000.00"),
        "min_grant": Decimal("4000.00"),
        "max_grant": Decimal("12000.00"),
        "expected_grants": 5,
        "max_duration_months": 9,
        "min_years_registered": 1,
        "eligible_organisation_types": ELIGIBLE_TYPES,
        "applications_per_lot": 1,
        "pass_mark": Decimal("65"),
        "accepted_languages": ["mk", "sq", "en"],
        "opens_at": MK_OPENS,
        "closes_at": MK_DEADLINE,
        "timezone": "Europe/Skopje",
    }
    call, _created = _call(MK_CALL_CODE, defaults, [countries["MK"]])
    lot = {"min_grant": Decimal("4000"), "max_grant": Decimal("12000"), "min_duration_months": 3}
    _children(
        call,
        [
            {"code": "1", "name": "Knowledge generation and dissemination", "max_duration_months": 9, **lot},
            {"code": "2", "name": "Advocacy and visibility", "max_duration_months": 9, **lot},
        ],
    )
    call.freeze_rules()
    return call


def open_call_dates(zone: str, today: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Opening two weeks before ``today`` at 09:00 and deadline six weeks after at 16:00, both local to ``zone``."""
    tz = ZoneInfo(zone)
    opens = datetime.datetime.combine(today - datetime.timedelta(days=14), datetime.time(9, 0), tzinfo=tz)
    closes = datetime.datetime.combine(today + datetime.timedelta(days=42), datetime.time(16, 0), tzinfo=tz)
    return opens, closes


def ensure_open_calls(countries: dict, today: datetime.date | None = None) -> list:
    """One open call per programme country (EUR 44,000; lots A, B, C of the recommended rules); rules frozen.

    Dates are set relative to ``today`` (default: today in UTC) when a call is first created; a later run leaves
    an existing call's rules (and dates) alone, since they froze when it opened.
    """
    today = today or timezone.now().date()
    calls = []
    for code, name in COUNTRY_NAMES.items():
        country = countries[code]
        opens, closes = open_call_dates(country.timezone, today)
        defaults = {
            "title": f"{name}: small grants for political-integrity data projects",
            "country": country,
            "published": True,
            "total_envelope": Decimal("44000.00"),
            "min_grant": Decimal("4000.00"),
            "max_grant": Decimal("15000.00"),
            "expected_grants": 5,
            "max_duration_months": 10,
            "min_years_registered": 1,
            "eligible_organisation_types": ELIGIBLE_TYPES,
            "applications_per_lot": 1,
            "pass_mark": Decimal("65"),
            "accepted_languages": LANGUAGES_BY_COUNTRY[code],
            "opens_at": opens,
            "closes_at": closes,
            "timezone": country.timezone,
        }
        call, _created = _call(f"{code.lower()}-open-call", defaults, [country])
        _children(
            call,
            [
                {
                    "code": "A",
                    "name": "Local initiatives",
                    "min_grant": Decimal("4000"),
                    "max_grant": Decimal("8000"),
                    "min_duration_months": 4,
                    "max_duration_months": 6,
                    "max_annual_budget": Decimal("50000"),
                },
                {
                    "code": "B",
                    "name": "National and thematic initiatives",
                    "min_grant": Decimal("8000"),
                    "max_grant": Decimal("12000"),
                    "min_duration_months": 6,
                    "max_duration_months": 9,
                    "min_co_financing_percent": Decimal("5"),
                },
                {
                    "code": "C",
                    "name": "Cross-border initiatives",
                    "description": "Partners from at least two programme countries: the lead applicant's and at "
                    "least one other.",
                    "min_grant": Decimal("4000"),
                    "max_grant": Decimal("15000"),
                    "min_duration_months": 6,
                    "max_duration_months": 10,
                    "cross_border": True,
                    "min_partners": 1,
                    "min_partner_countries": 1,
                    "min_co_financing_percent": Decimal("5"),
                    "languages": ["en"],
                },
            ],
        )
        if call.opens_at <= timezone.now():
            call.freeze_rules()
        calls.append(call)
    return calls


def date_demo_submission_log(application) -> None:
    """Date the activity-log row the demo wrote itself for ``application``'s submission (action ``submitted``, no
    actor) at the sample's ``submitted_at``: ``ActivityLog.created_at`` is ``auto_now_add``, so without this the
    log would say the application was submitted when the demo was loaded. Idempotent (also mends rows written by
    earlier runs)."""
    ActivityLog = _model("grants.ActivityLog")
    if application.submitted_at is None:
        return
    ActivityLog.objects.filter(application=application, action="submitted", actor__isnull=True).exclude(
        created_at=application.submitted_at
    ).update(created_at=application.submitted_at)


def ensure_mk_applications(call, organisations: dict) -> int:
    """The sample submitted applications of the closed North Macedonia call (``IW-MK-2025-001`` …); returns how
    many were created in this run. The reference sequence is moved past the numbers used."""
    Application = _model("grants.Application")
    BudgetLine = _model("grants.BudgetLine")
    ActivityLog = _model("grants.ActivityLog")
    ReferenceSequence = _model("grants.ReferenceSequence")
    rules = call.current_rules()
    created = 0
    submitted_at = MK_DEADLINE - datetime.timedelta(days=2)
    for sample in MK_SAMPLES:
        reference = f"IW-MK-2025-{sample.number:03d}"
        existing = Application.objects.filter(reference=reference).first()
        if existing is not None:
            date_demo_submission_log(existing)
            continue
        lines = [
            (category, description, unit, Decimal(qty), Decimal(cost))
            for category, description, unit, qty, cost in sample.lines
        ]
        total = sum((qty * cost for _c, _d, _u, qty, cost in lines), Decimal("0")).quantize(Decimal("0.01"))
        application = Application.objects.create(
            reference=reference,
            call=call,
            lot=call.lots.get(code=sample.lot),
            rules_version=rules,
            organisation=organisations[sample.organisation],
            status="submitted",
            title=sample.title,
            summary=sample.summary,
            language="en",
            duration_months=sample.duration_months,
            requested_amount_eur=total,
            submitted_at=submitted_at + datetime.timedelta(hours=sample.number),
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
        ActivityLog.objects.create(
            application=application, action="submitted", from_status="draft", to_status="submitted"
        )
        date_demo_submission_log(application)
        created += 1
    sequence, _ = ReferenceSequence.objects.get_or_create(prefix="IW-MK-2025")
    highest = max(sample.number for sample in MK_SAMPLES)
    if sequence.last_number < highest:
        sequence.last_number = highest
        sequence.save(update_fields=["last_number"])
    return created


def _publish(page, values: dict) -> bool:
    """Set ``values`` on ``page`` and publish a revision when something changed (or it is not live)."""
    from .builder import _stored

    changed = False
    for name, value in values.items():
        field_name = name[:-3] if name.endswith("_id") else name
        before = _stored(page, field_name)
        setattr(page, name, value)
        changed = changed or _stored(page, field_name) != before
    if changed or not page.live or page.has_unpublished_changes:
        page.save_revision(log_action=False).publish(log_action=False)
        return True
    return False


def ensure_call_pages(home, calls: list) -> Page:
    """The "Calls for proposals" index under ``home`` (slug ``calls``) and one page per call (slug = call code)."""
    from .blocks import paragraph, stream

    CallIndexPage = _model("grants.CallIndexPage")
    CallPage = _model("grants.CallPage")
    index = CallIndexPage.objects.child_of(home).filter(slug=INDEX_SLUG).first()
    if index is None:
        index = home.add_child(
            instance=CallIndexPage(title=INDEX_TITLE, slug=INDEX_SLUG, locale=home.locale, live=False)
        )
    index.refresh_from_db()
    _publish(index, {"title": INDEX_TITLE, "intro": INDEX_INTRO})
    for call in calls:
        if call.code == MK_CALL_CODE:
            intro, paragraphs = MK_CALL_INTRO, MK_CALL_BODY
        else:
            intro, paragraphs = open_call_intro(COUNTRY_NAMES[call.country.code]), OPEN_CALL_BODY
        page = CallPage.objects.child_of(index).filter(slug=call.code).first()
        if page is None:
            page = index.add_child(
                instance=CallPage(title=call.title, slug=call.code, call=call, locale=index.locale, live=False)
            )
        page.refresh_from_db()
        body = stream(f"{call.code}:body", [paragraph(text) for text in paragraphs])
        _publish(page, {"title": call.title, "intro": intro, "call_id": call.pk, "body": body})
    index.refresh_from_db()
    return index


def ensure_demo_applicant() -> str:
    """Make the demo applicant user (``users.ROLES`` key ``applicant``) admin of one invented organisation.

    Returns the organisation's name ("" when the user does not exist yet).
    """
    from django.contrib.auth import get_user_model

    from .users import ROLES

    Membership = _model("community.OrganisationMembership")
    email = next(role.email for role in ROLES if role.key == "applicant")
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None:
        return ""
    organisation = _model("community.Organisation").objects.filter(legal_name=DEMO_APPLICANT_ORGANISATION).first()
    if organisation is None:
        return ""
    Membership.objects.update_or_create(organisation=organisation, user=user, defaults={"role": "admin"})
    return organisation.legal_name


@dataclass
class GrantsDemo:
    """What :func:`ensure_grants_demo` wrote: the calls index page and counts."""

    index: Page
    organisations: int
    calls: int
    applications_created: int


def ensure_grants_demo(home, countries: dict) -> GrantsDemo:
    """Write the whole demo sub-grant scheme under ``home`` (the English HomePage). Idempotent."""
    organisations = ensure_organisations(countries)
    mk_call = ensure_mk_2025_call(countries)
    open_calls = ensure_open_calls(countries)
    created = ensure_mk_applications(mk_call, organisations)
    index = ensure_call_pages(home, [*open_calls, mk_call])
    return GrantsDemo(index, len(organisations), 1 + len(open_calls), created)
