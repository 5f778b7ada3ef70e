"""Data of the evaluation demo (:mod:`portal.demo.evaluation`): the invented organisations and applications, the
reviewers' marks, the decisions' reasons and the pilot call's reference costs. Titles of the five North Macedonia
sample applications and the two real grantees come from :mod:`portal.demo.grants`; everything here is illustrative.
"""

from dataclasses import dataclass, field

from .users import DEMO_DOMAIN

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
