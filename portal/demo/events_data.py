"""Demo data of the events (``load_demo``, issue 7 item 8): the events index and sixteen events with their agendas,
registration questions, registrations, attendance, minutes and materials. Built by :mod:`portal.demo.events`.

Sourced facts (programme context, sections 1.2, 1.3 and 3), in our own words: the RCP's regional meeting in Skopje
on 27–28 February 2025, organised by KDI and the TI Secretariat with the four other chapters, its participants and
topics, and the four priorities of its joint statement (:data:`portal.demo.news.SKOPJE_PRIORITIES`, with the address
of KDI's page about it); the activities the programme plans (training workshops on using the platforms,
participatory workshops and hackathons, online and in-person RCP meetings, bilateral exchanges between DAG
members); what each platform covers and when Integrity Watch Kosova launched. The past pilot-testing meetings
follow the dates the DAGs' announcements give in the community demo.

Everything else is demo data: session times, venues left general (no real hotel or office is named), minutes of
the DAG meetings, registrants (the fictional members of :mod:`portal.demo.communities_data` and the demo logins),
and the events that lie ahead. Join links use the reserved ``example.org`` domain: they lead nowhere.

Times: ``("at", start, end)`` gives fixed local times (``"YYYY-MM-DD HH:MM"``) in the event's zone; ``("ahead",
weeks, weekday, start, end, days)`` places an upcoming event ``weeks`` after the day it is loaded, on the next
``weekday`` (0 = Monday), from ``start`` to ``end`` local time, ending ``days`` later. People are
``(community key, position in communities_data.MEMBERS)`` or the key of a demo login (``users.ROLES``).
"""

from .communities_content import PLATFORMS
from .news import SKOPJE_PRIORITIES

INDEX_SLUG = "events"
INDEX_TITLE = "Events"
INDEX_INTRO = (
    "Meetings of the Domestic Advisory Groups and the Regional Community of Practice, bilateral exchange visits, "
    "trainings, workshops, hackathons and webinars of the programme. Sign in to register and to see the meetings "
    "of your own group."
)

# The address of KDI's page about the joint statement (programme context, section 1.3).
JOINT_STATEMENT_URL = "https://kdi-kosova.org/en/activities/joint-statement-political-integrity-a-call-for-anti-corruption-regional-strategy"
JOIN_LINK = "https://meet.example.org/iw-demo/{slug}"

PUBLIC, MEMBERS, REGISTRANTS = "public", "members", "registrants"
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def _html(*blocks: str) -> str:
    return "".join(blocks)


def _p(text: str) -> str:
    return f"<p>{text}</p>"


def _ul(items: list[str], tag: str = "ul") -> str:
    return f"<{tag}>" + "".join(f"<li>{item}</li>" for item in items) + f"</{tag}>"


def _h(text: str) -> str:
    return f"<h3>{text}</h3>"


# --- The regional meeting in Skopje (sourced) -------------------------------------------------------------------

SKOPJE_SLUG = "rcp-regional-meeting-skopje-2025"
SKOPJE = {
    "slug": SKOPJE_SLUG,
    "title": "Regional meeting of the Regional Community of Practice, Skopje",
    "type": "rcp_meeting",
    "format": "in_person",
    "zone": "Europe/Skopje",
    "when": ("at", "2025-02-27 09:30", "2025-02-28 16:00"),
    "city": "Skopje",
    "country": "MK",
    "hosts": ["rcp"],
    "languages": ["en"],
    "summary": "Two days in Skopje on asset declarations, political finance data and public contracting, ending with "
    "a joint statement of four priorities for the region.",
    "description": _html(
        _p(
            "The Kosova Democratic Institute and the Transparency International Secretariat, together with TI "
            "Bosnia and Herzegovina, TI Macedonia, Transparency Serbia and TI Türkiye, brought the Regional "
            "Community of Practice together in Skopje."
        ),
        _p(
            "People from Transparency International, oversight agencies, investigative media and civil-society "
            "organisations compared how officials' assets are disclosed, what open political finance data makes "
            "possible, and how public contracting can be shielded from undue influence."
        ),
        _p("The meeting closed with a joint statement setting four priorities for the region."),
    ),
    "agenda": [
        (1, "09:30", "Arrival and registration", ""),
        (1, "10:00", "Welcome: obstacles to political integrity in the Western Balkans and Türkiye",
         "Kosova Democratic Institute and Transparency International Secretariat"),
        (1, "11:30", "Disclosure of asset declarations: what each country publishes and what is missing",
         "TI chapters and oversight agencies"),
        (1, "14:00", "Political finance data: what open data on parties and campaigns makes possible",
         "TI chapters and investigative media"),
        (1, "16:30", "End of the first day", ""),
        (2, "09:30", "Protecting public contracting from undue influence", "Oversight agencies and civil society"),
        (2, "11:30", "Working groups: priorities for the region", ""),
        (2, "14:00", "Agreeing the joint statement", "Kosova Democratic Institute"),
        (2, "15:30", "Closing and next steps", ""),
    ],
}  # fmt: skip

SKOPJE_MINUTES = _html(
    _h("Participants"),
    _p(
        "Members of the Regional Community of Practice from Bosnia and Herzegovina, Kosovo, North Macedonia, Serbia "
        "and Türkiye: Transparency International chapters and Secretariat, oversight agencies, investigative media "
        "and civil-society organisations. Organised by the Kosova Democratic Institute and the Transparency "
        "International Secretariat with the four other chapters."
    ),
    _h("Day 1 – 27 February 2025"),
    _ul(
        [
            "Disclosure of asset declarations: the participants compared what is published in each country and "
            "where gaps in the data make checks difficult.",
            "Political finance data: what open, usable data on the financing of parties and campaigns allows "
            "watchdogs and journalists to do.",
        ]
    ),
    _h("Day 2 – 28 February 2025"),
    _ul(
        [
            "Protecting public contracting from undue influence.",
            "Working groups drafted the priorities; the plenary agreed on a joint statement.",
        ]
    ),
    _h("Joint statement: four priorities"),
    _ul(SKOPJE_PRIORITIES, tag="ol"),
    _h("Follow-up"),
    _p(
        "The Kosova Democratic Institute publishes the joint statement on its website (see the materials). Members "
        "take the priorities back to their Domestic Advisory Groups."
    ),
)

SKOPJE_SUMMARY_PDF = [
    "Regional Community of Practice - Skopje, 27-28 February 2025",
    "Joint statement: four priorities",
    *[f"{n}. {priority}" for n, priority in enumerate(SKOPJE_PRIORITIES, start=1)],
    "Summary for the demo site, generated by the portal's load_demo command.",
]


# --- DAG meetings ---------------------------------------------------------------------------------------------------


def pilot_meeting(key: str, name: str, city: str, zone: str, day: str, start: str, end: str, **extra) -> dict:
    """A past pilot-testing meeting of a DAG (the dates its announcement in the community demo gives)."""
    platform = PLATFORMS[key]
    spec = {
        "slug": f"{key}-pilot-testing-{day[:4]}",
        "title": f"DAG {name}: pilot testing of {platform}",
        "type": "dag_meeting",
        "format": "in_person",
        "zone": zone,
        "when": ("at", f"{day} {start}", f"{day} {end}"),
        "city": city,
        "country": key[-2:].upper(),
        "hosts": [key],
        "audience": MEMBERS,
        "summary": f"Members test the first version of {platform} with their own questions and report what is "
        "missing or unclear.",
        "description": _p(
            f"The group works through {platform} together: every member brings a question they would ask the "
            "data, and the partner's team notes where the platform answers it, where it does not, and which risk "
            "indicators need a clearer explanation."
        ),
        "agenda": [
            (1, start, f"What is new in {platform}", "Partner's platform team"),
            (1, "11:00", "Testing in small groups with the members' own questions", ""),
            (1, "12:30", "Findings and priorities for the next release", "DAG coordinator"),
        ],
    }
    spec.update(extra)
    return spec


def pilot_minutes(platform: str, findings: list[str], decision: str) -> str:
    """Minutes of a pilot-testing meeting (illustrative)."""
    return _html(
        _h("Present"),
        _p("Members of the group and the partner's platform team (see the attendance list)."),
        _h("What the members found"),
        _ul(findings),
        _h("Agreed"),
        _p(decision),
        _p(f"The partner reports back on the changes to {platform} at the next meeting."),
    )


DAG_PAST = [
    pilot_meeting("dag-ba", "Bosnia and Herzegovina", "Sarajevo", "Europe/Sarajevo", "2025-10-07", "10:00", "14:00",
                  languages=["bs", "en"]),
    pilot_meeting("dag-mk", "North Macedonia", "Skopje", "Europe/Skopje", "2025-10-21", "10:00", "13:30",
                  languages=["mk", "en"]),
    pilot_meeting("dag-rs", "Serbia", "Belgrade", "Europe/Belgrade", "2025-11-04", "10:00", "14:00",
                  languages=["sr"], audience=PUBLIC),
    pilot_meeting("dag-xk", "Kosovo", "Prishtina", "Europe/Belgrade", "2025-11-12", "10:00", "14:00",
                  languages=["sq", "sr", "en"]),
    pilot_meeting("dag-tr", "Türkiye", "", "Europe/Istanbul", "2025-11-18", "14:00", "16:00",
                  languages=["tr"], format="online", country=None,
                  agenda=[(1, "14:00", "What is new in Integrity Watch Türkiye", "Partner's platform team"),
                          (1, "14:30", "Testing with the members' own questions", ""),
                          (1, "15:30", "Findings and next steps", "DAG coordinator")]),
]  # fmt: skip

# Minutes of the past DAG meetings: (status, visibility, author (community, position), body). Illustrative.
DAG_MINUTES = {
    "dag-ba-pilot-testing-2025": ("approved", MEMBERS, ("dag-ba", 0), pilot_minutes(
        PLATFORMS["dag-ba"],
        ["Searching a company across procurement and party donations works well; members asked for a clearer "
         "note when a company name is spelled differently in the two sources.",
         "The asset declarations need a short explanation of what the Central Election Commission publishes."],
        "The partner adds a data note to each dataset and a glossary of the red flags before the public launch.",
    )),
    "dag-mk-pilot-testing-2025": ("approved", MEMBERS, ("dag-mk", 0), pilot_minutes(
        PLATFORMS["dag-mk"],
        ["The new concessions pages were easy to follow; members asked for the date each record was last updated.",
         "Journalists asked for a download of the search results."],
        "The partner shows the update date on every record and adds a CSV download of search results.",
    )),
    "dag-rs-pilot-testing-2025": ("approved", PUBLIC, ("dag-rs", 0), pilot_minutes(
        PLATFORMS["dag-rs"],
        ["Members tested the first datasets and asked how lobbying data could be added later.",
         "The explanation of each risk indicator should say which data it is computed from."],
        "The partner publishes a short methodology page with the first release.",
    )),
    "dag-xk-pilot-testing-2025": ("approved", MEMBERS, ("dag-xk", 0), pilot_minutes(
        PLATFORMS["dag-xk"],
        ["Members tested political financing, procurement and asset declarations before the launch.",
         "The Serbian-language labels need a review by a native speaker."],
        "The partner fixes the labels and launches the platform in December.",
    )),
    "dag-tr-pilot-testing-2025": ("draft", MEMBERS, ("dag-tr", 0), pilot_minutes(
        PLATFORMS["dag-tr"],
        ["Little party and campaign finance data is public; members suggested starting with procurement."],
        "Draft: to be approved at the next meeting.",
    )),
}  # fmt: skip

DAG_UPCOMING = [
    {
        "slug": "dag-mk-review-of-findings",
        "title": "DAG North Macedonia: review of findings",
        "type": "dag_meeting",
        "format": "hybrid",
        "zone": "Europe/Skopje",
        "when": ("ahead", 3, TUE, "10:00", "13:00", 0),
        "city": "Skopje",
        "country": "MK",
        "hosts": ["dag-mk"],
        "audience": MEMBERS,
        "languages": ["mk", "en"],
        "capacity": 20,
        "summary": "The group reviews what a year of data on integritywatch.mk shows and chooses the findings the "
        "partner should follow up. Join in Skopje or online.",
        "description": _html(
            _p(
                "A working meeting of the Domestic Advisory Group. The partner presents the patterns it sees in "
                "party finance, public procurement and concessions data; members decide which findings deserve a "
                "closer look and who could take them further."
            ),
            _p("Members who cannot come to Skopje can join online; the link is sent with the confirmation."),
        ),
        "agenda": [
            (1, "10:00", "Welcome and the minutes of the last meeting", "DAG coordinator"),
            (1, "10:15", "What the data shows: party finance, procurement and concessions", "Partner's team"),
            (1, "11:30", "Discussion: which findings to follow up", ""),
            (1, "12:30", "Decisions and next meeting", "DAG coordinator"),
        ],
    },
    {
        "slug": "dag-xk-planning-meeting",
        "title": "DAG Kosovo: the first months of Integrity Watch Kosova",
        "type": "dag_meeting",
        "format": "in_person",
        "zone": "Europe/Belgrade",
        "when": ("ahead", 5, THU, "10:00", "13:00", 0),
        "city": "Prishtina",
        "country": "XK",
        "hosts": ["dag-xk"],
        "audience": MEMBERS,
        "languages": ["sq", "sr", "en"],
        "summary": "How Integrity Watch Kosova has been used since its launch on 8 December 2025, and which datasets "
        "to improve next.",
        "description": _p(
            "The partner shares how the platform has been used since its launch; members bring the questions users "
            "asked them and agree on the datasets to improve next."
        ),
        "agenda": [
            (1, "10:00", "Since the launch: use of the platform", "Partner's team"),
            (1, "11:00", "What users asked for", ""),
            (1, "12:15", "Priorities for the next datasets", "DAG coordinator"),
        ],
    },
    {
        "slug": "dag-tr-online-meeting",
        "title": "DAG Türkiye: online meeting on procurement data",
        "type": "dag_meeting",
        "format": "online",
        "zone": "Europe/Istanbul",
        "when": ("ahead", 3, WED, "14:00", "15:30", 0),
        "hosts": ["dag-tr"],
        "audience": MEMBERS,
        "languages": ["tr"],
        "summary": "The group approves the minutes of the pilot test and discusses starting with procurement data.",
        "description": _p(
            "An online meeting of the group: approval of the minutes of the pilot test, and a discussion of the "
            "procurement data the platform could publish first while little party finance data is public."
        ),
        "agenda": [
            (1, "14:00", "Minutes of the pilot test", "DAG coordinator"),
            (1, "14:15", "Procurement data: what is available", "Partner's team"),
            (1, "15:00", "Next steps", ""),
        ],
    },
    {
        "slug": "dag-ba-open-session",
        "title": "DAG Bosnia and Herzegovina: open session on procurement red flags",
        "type": "dag_meeting",
        "format": "in_person",
        "zone": "Europe/Sarajevo",
        "when": ("ahead", 6, TUE, "11:00", "14:00", 0),
        "city": "Sarajevo",
        "country": "BA",
        "hosts": ["dag-ba"],
        "languages": ["bs"],
        "capacity": 35,
        "summary": "An open session of the advisory group: how the red flags of Integrity Watch BiH are computed, with "
        "time for questions from anyone interested.",
        "description": _p(
            "The group opens one of its meetings to the public. The partner explains how the procurement red flags "
            "of Integrity Watch BiH are computed and where the data comes from; members and guests discuss how to "
            "read them."
        ),
        "agenda": [
            (1, "11:00", "How the red flags are computed", "Partner's team"),
            (1, "12:00", "Questions from guests", ""),
            (1, "13:15", "What the group recommends", "DAG coordinator"),
        ],
    },
]

# --- Exchange, training, workshops, hackathon, calls, webinar ------------------------------------------------------

RETURN_VISIT = {
    "slug": "return-visit-dag-north-macedonia-prishtina",
    "title": "Bilateral exchange: DAG North Macedonia visits DAG Kosovo in Prishtina",
    "type": "bilateral_visit",
    "format": "in_person",
    "zone": "Europe/Belgrade",
    "when": ("ahead", 6, WED, "09:30", "16:00", 1),
    "city": "Prishtina",
    "country": "XK",
    "hosts": ["dag-xk", "dag-mk"],
    "audience": MEMBERS,
    "audience_of": ["dag-xk", "dag-mk"],
    "languages": ["en", "sq", "mk"],
    "capacity": 12,
    "summary": "The return visit agreed during DAG Kosovo's study visit to Skopje in September 2025: the two groups "
    "compare their red flags on Integrity Watch Kosova and integritywatch.mk.",
    "description": _html(
        _p(
            "In September 2025 members of DAG Kosovo visited Skopje to see how integritywatch.mk links party "
            "finance with procurement and concessions. This time DAG North Macedonia travels to Prishtina."
        ),
        _p(
            "The visitors see Integrity Watch Kosova, launched on 8 December 2025, and the two groups continue the "
            "comparison of their red-flag definitions agreed in Skopje."
        ),
    ),
    "agenda": [
        (1, "09:30", "Welcome and introductions", "DAG Kosovo"),
        (1, "10:30", "Integrity Watch Kosova: political financing, procurement and asset declarations", "KDI"),
        (1, "14:00", "Comparing red-flag definitions", ""),
        (2, "09:30", "Working session: cases that show the value of linked data", ""),
        (2, "14:00", "Joint conclusions and next steps", "Both coordinators"),
    ],
}

TRAINING = {
    "slug": "training-using-the-integrity-watch-platforms",
    "title": "Training workshop: using the Integrity Watch platforms",
    "type": "training",
    "format": "in_person",
    "zone": "Europe/Skopje",
    "when": ("at", "2026-02-10 09:30", "2026-02-10 16:30"),
    "city": "Skopje",
    "country": "MK",
    "hosts": ["dag-mk", "rcp"],
    "languages": ["mk", "en"],
    "capacity": 25,
    "ask_dietary": True,
    "summary": "A one-day hands-on training for civil society, journalists and oversight staff on finding and "
    "checking political-integrity data on the Integrity Watch platforms.",
    "description": _html(
        _p(
            "One of the programme's training workshops on using the platforms and their data. Participants learn to "
            "search party finance, procurement and concessions records, to read the risk indicators and to check a "
            "finding before they publish it."
        ),
        _p("Participants who attend the whole day can download a certificate of attendance."),
    ),
    "agenda": [
        (1, "09:30", "What the platforms cover and where the data comes from", "TI Macedonia"),
        (1, "11:00", "Exercise: following one company through party finance and procurement", ""),
        (1, "13:30", "Reading the risk indicators", ""),
        (1, "15:00", "Checking a finding before publishing it", ""),
        (1, "16:00", "Evaluation and certificates", ""),
    ],
}

WORKSHOP = {
    "slug": "participatory-workshop-public-money-bitola",
    "title": "Participatory workshop: following public money in your municipality",
    "type": "participatory_workshop",
    "format": "in_person",
    "zone": "Europe/Skopje",
    "when": ("ahead", 4, SAT, "10:00", "15:00", 0),
    "city": "Bitola",
    "country": "MK",
    "hosts": ["dag-mk"],
    "languages": ["mk"],
    "capacity": 12,
    "summary": "Residents, local journalists and activists map the municipality's contracts together and decide "
    "which questions to ask. Small group: twelve seats.",
    "description": _p(
        "A user-driven workshop: participants bring what they want to know about public spending in their "
        "municipality and look for the answers on integritywatch.mk with the help of DAG members."
    ),
    "agenda": [
        (1, "10:00", "What participants want to know", ""),
        (1, "11:00", "Searching the municipality's contracts together", ""),
        (1, "13:30", "Questions to ask and who to ask", ""),
    ],
}

HACKATHON = {
    "slug": "political-finance-data-hackathon",
    "title": "Hackathon on political-finance data",
    "type": "hackathon",
    "format": "in_person",
    "zone": "Europe/Sarajevo",
    "when": ("ahead", 8, SAT, "09:00", "17:00", 1),
    "city": "Sarajevo",
    "country": "BA",
    "hosts": ["rcp", "dag-ba"],
    "languages": ["en", "bs"],
    "capacity": 40,
    "ask_dietary": True,
    "summary": "Two days for developers, data journalists and researchers to build tools and stories on the "
    "financing of parties and campaigns across the region.",
    "description": _html(
        _p(
            "Teams work with the political-finance, procurement and asset data the Integrity Watch platforms "
            "publish, and present what they built on the second afternoon."
        ),
        _p("No team needed to register: tell us your skills and we will help you find one."),
    ),
    "agenda": [
        (1, "09:00", "Opening: the data and the challenges", "RCP coordinator"),
        (1, "10:00", "Teams form and start working", ""),
        (2, "09:00", "Work continues; mentors available", ""),
        (2, "15:00", "Presentations and feedback", ""),
    ],
    "questions": [
        ("Which dataset would you like to work with?", "For example party finance reports, procurement contracts "
         "or asset declarations.", True),
        ("What are your skills?", "Data analysis, programming, design, journalism, law …", False),
    ],
}  # fmt: skip

COORDINATION_CALLS = {
    "slug": "rcp-weekly-coordination-call",
    "title": "RCP weekly coordination call",
    "type": "rcp_meeting",
    "format": "online",
    "zone": "Europe/Belgrade",
    "when": ("ahead", 1, WED, "10:00", "11:00", 0),
    # Weekly until two weeks past the next clock change: the call stays at 10:00 local time in summer and winter.
    "weekly_past_clock_change": 2,
    "hosts": ["rcp"],
    "audience": MEMBERS,
    "languages": ["en"],
    "summary": "One hour each Wednesday for the coordinators of the DAGs and the RCP: news from each country and the "
    "next regional steps.",
    "description": _p(
        "The coordinators meet online every week at 10:00 Central European time, across the clock change. One "
        "registration covers the whole series."
    ),
    "agenda": [
        (1, "10:00", "Round of news from the five countries", ""),
        (1, "10:40", "Regional steps and decisions", "RCP coordinator"),
    ],
}

WEBINAR = {
    "slug": "webinar-reading-risk-indicators",
    "title": "Webinar: reading the risk indicators of the Integrity Watch platforms",
    "type": "webinar",
    "format": "online",
    "zone": "Europe/Belgrade",
    "when": ("ahead", 2, THU, "14:00", "15:30", 0),
    "hosts": ["rcp"],
    "languages": ["en"],
    "summary": "What a red flag on an Integrity Watch platform means, what it does not mean, and how to check it. "
    "Open to everyone.",
    "description": _p(
        "A short online introduction to the risk indicators the platforms compute from procurement, party "
        "finance and asset data, with examples from the five countries and time for questions."
    ),
    "agenda": [
        (1, "14:00", "What a risk indicator is", ""),
        (1, "14:30", "Examples from the five countries", ""),
        (1, "15:00", "Questions", ""),
    ],
}

EVENTS = [
    SKOPJE,
    *DAG_PAST,
    *DAG_UPCOMING,
    RETURN_VISIT,
    TRAINING,
    WORKSHOP,
    HACKATHON,
    COORDINATION_CALLS,
    WEBINAR,
]

# --- Registrations, attendance, minutes, materials ---------------------------------------------------------------


def _members(key: str, *positions: int) -> list[tuple[str, int]]:
    return [(key, position) for position in positions]


# Who registered for each event, in arrival order. Past events: registered two weeks before and their attendance is
# recorded ("attended" unless listed in "absent").
REGISTRATIONS = {
    SKOPJE_SLUG: {
        "people": [*_members("rcp", 0, 1, 2, 3), ("dag-ba", 0), ("dag-xk", 0), ("dag-mk", 0), ("dag-rs", 0),
                   ("dag-tr", 0), ("dag-mk", 4), ("dag-xk", 8)],
        "absent": [("dag-xk", 8)],
    },
    "dag-ba-pilot-testing-2025": {"people": _members("dag-ba", 0, 1, 2, 4, 5, 6, 7, 9), "absent": [("dag-ba", 7)]},
    "dag-mk-pilot-testing-2025": {
        "people": [*_members("dag-mk", 0, 1, 2, 4, 5, 6, 7, 10), "dag_coordinator", "dag_member"],
        "absent": [("dag-mk", 7)],
    },
    "dag-rs-pilot-testing-2025": {"people": _members("dag-rs", 0, 1, 4, 5, 6, 8, 9)},
    "dag-xk-pilot-testing-2025": {"people": _members("dag-xk", 0, 1, 2, 4, 5, 8, 10, 11)},
    "dag-tr-pilot-testing-2025": {"people": _members("dag-tr", 0, 2, 3, 4, 5, 7, 9)},
    TRAINING["slug"]: {
        "people": [*_members("dag-mk", 4, 5, 6, 7, 8), ("dag-xk", 6), "dag_member", "dag_coordinator"],
        "absent": [("dag-mk", 8)],
    },
    # The demo DAG member is left to register here themselves (the "done when" story of issue 7).
    "dag-mk-review-of-findings": {"people": [*_members("dag-mk", 0, 1, 4, 5, 10), "dag_coordinator"]},
    "dag-xk-planning-meeting": {"people": _members("dag-xk", 0, 2, 4, 8)},
    "dag-tr-online-meeting": {"people": _members("dag-tr", 0, 3, 4, 7)},
    "dag-ba-open-session": {"people": _members("dag-ba", 0, 4, 5, 9)},
    RETURN_VISIT["slug"]: {"people": [*_members("dag-mk", 0, 4, 5), *_members("dag-xk", 0, 5)]},
    # Twelve seats and fourteen people: the last two wait.
    WORKSHOP["slug"]: {
        "people": [*_members("dag-mk", 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10), *_members("dag-xk", 4, 5, 6)]
    },
    HACKATHON["slug"]: {
        "people": [("dag-ba", 4), ("dag-ba", 11), ("dag-rs", 5), ("dag-tr", 4), ("dag-tr", 7), ("dag-xk", 8)],
        "answers": ["Party finance reports", "Procurement contracts", "Party finance reports", "Procurement contracts",
                    "Asset declarations", "Party finance reports"],
    },
    COORDINATION_CALLS["slug"]: {
        "people": [("rcp", 0), ("dag-ba", 0), ("dag-xk", 0), ("dag-mk", 0), ("dag-rs", 0), ("dag-tr", 0)]
    },
    WEBINAR["slug"]: {"people": [("dag-rs", 6), ("dag-tr", 5), ("dag-ba", 10), "dag_coordinator"]},
}  # fmt: skip

# Minutes: (status, visibility, author, body).
MINUTES = {
    SKOPJE_SLUG: ("approved", PUBLIC, ("rcp", 0), SKOPJE_MINUTES),
    **DAG_MINUTES,
}

# Materials: (kind, title, visibility, url or "", (file name, PDF lines) or None).
MATERIALS = {
    SKOPJE_SLUG: [
        ("document", "Joint statement on political integrity (KDI)", PUBLIC, JOINT_STATEMENT_URL, None),
        ("document", "Joint statement – the four priorities (summary)", PUBLIC, "",
         ("joint-statement-summary-skopje-2025.pdf", SKOPJE_SUMMARY_PDF)),
    ],
    TRAINING["slug"]: [
        ("slides", "Slides: using the Integrity Watch platforms", REGISTRANTS, "",
         ("slides-using-the-integrity-watch-platforms.pdf", [
             "Training workshop: using the Integrity Watch platforms",
             "1. What the platforms cover  2. Following a company  3. Risk indicators  4. Checking a finding",
             "Demo document generated by the portal's load_demo command.",
         ])),
    ],
    "dag-mk-pilot-testing-2025": [
        ("document", "Pilot test: members' questions and answers", MEMBERS, "",
         ("pilot-test-questions-dag-mk.pdf", [
             "DAG North Macedonia - pilot test of integritywatch.mk, 21 October 2025",
             "Questions the members asked the data, and where the platform answered them.",
             "Demo document generated by the portal's load_demo command.",
         ])),
    ],
}  # fmt: skip
