"""Demo content: training materials (tutorials, a syllabus, guides), as foreseen under Output 1.2.

The materials teach general, well-established practice (how to read and check public data, common procurement red
flags) applied to the programme's data areas. They describe no platform feature that the research notes do not
mention. Each entry may name a ``document``: a plain-text handout the loader stores as a Wagtail document.
"""

from .blocks import bullets, heading, page_link, paragraph


def _resource(slug, title, resource_type, topic, language, country, summary, body, document=None):
    spec = {
        "model": "ResourcePage",
        "slug": slug,
        "title": title,
        "fields": {
            "resource_type": resource_type,
            "topic": topic,
            "language": language,
            "country": country,
            "summary": summary,
            "body": body,
        },
    }
    if document:
        spec["documents"] = [document]
    return spec


SYLLABUS_SESSIONS = [
    (
        "Session 1: Political integrity and open data",
        "What political integrity means; the three areas of the programme (political finance, law-making, "
        "allocation of public resources); what makes data open (available, complete, machine-readable, reusable).",
    ),
    (
        "Session 2: The data landscape in your country",
        "Which registers exist for asset declarations, party finance, procurement and concessions; who publishes "
        "them; what is missing. Exercise: compare your country with the regional survey Accountability, loading.",
    ),
    (
        "Session 3: Working with an Integrity Watch platform",
        "Searching, filtering and downloading; reading a record; noting the source and date of every figure.",
    ),
    (
        "Session 4: Red flags and what they do not prove",
        "Common risk indicators (single bidder, direct agreement, donor wins contract, contract before an "
        "election); why a red flag is a reason to look closer, not evidence of wrongdoing.",
    ),
    (
        "Session 5: Linking datasets",
        "Matching companies, parties and officials across datasets with registration numbers and names; dealing "
        "with spelling variants, scripts (Latin and Cyrillic) and common names.",
    ),
    (
        "Session 6: From findings to advocacy and stories",
        "Checking findings with the institutions concerned, giving a right of reply, writing a policy brief or an "
        "article, and planning an advocacy ask.",
    ),
]

SYLLABUS_TEXT = "\n\n".join(
    [
        "Political integrity data: a training syllabus for civil-society organisations and journalists",
        "Integrity Watch in the Western Balkans and Türkiye",
        *[f"{title}\n{text}" for title, text in SYLLABUS_SESSIONS],
    ]
)

TUTORIAL_STEPS = [
    "Start with a question, for example: which companies won contracts from my municipality last year?",
    "Choose the data area on your country's platform: political finance, public procurement, asset declarations "
    "or, in North Macedonia, concessions.",
    "Narrow the results with the filters the platform offers, such as year, institution or company.",
    "Open individual records and note the source register and the date the data was last updated.",
    "Download the data where the platform allows it, and keep an untouched copy before you clean or sort it.",
    "Cross-check anything surprising with the original register or document before drawing conclusions.",
    "Look for patterns rather than single cases, and remember that a red flag is a question, not an answer.",
    "Ask the institution or company concerned for comment before you publish.",
]

TUTORIAL_TEXT = "\n".join(
    ["Using Integrity Watch data: a tutorial", ""] + [f"{n}. {s}" for n, s in enumerate(TUTORIAL_STEPS, start=1)]
)

RESOURCES = [
    _resource(
        "using-integrity-watch-data-tutorial",
        "Using Integrity Watch data: a tutorial",
        "tutorial",
        "Open data",
        "en",
        None,
        "A step-by-step introduction to finding, checking and using the data on the Integrity Watch platforms.",
        [
            heading("Before you start"),
            paragraph(
                "Each country's platform covers different datasets; see the "
                + page_link("platforms", "overview of the platforms")
                + ". The steps below work on any of them."
            ),
            heading("Eight steps"),
            bullets(TUTORIAL_STEPS),
            heading("Good practice"),
            paragraph(
                "Always cite the platform and the date you consulted it. Data published by institutions can contain "
                "errors; if you find one, tell the partner organisation that runs the platform."
            ),
        ],
        document=("Using Integrity Watch data: a tutorial (handout)", "integrity-watch-tutorial.txt", TUTORIAL_TEXT),
    ),
    _resource(
        "political-integrity-data-training-syllabus",
        "Political integrity data: a training syllabus for CSOs and journalists",
        "syllabus",
        "Capacity building",
        "en",
        None,
        "Six sessions for trainers who run workshops on the Integrity Watch platforms and political integrity data.",
        [
            paragraph(
                "The syllabus supports the training workshops and working meetings planned under the programme. "
                "Trainers can adapt each session to a half-day workshop or split it across online meetings."
            ),
            *[block for title, text in SYLLABUS_SESSIONS for block in (heading(title), paragraph(text))],
            heading("Audience"),
            paragraph(
                "Staff of civil-society organisations, journalists and staff of oversight agencies. No programming "
                "skills are needed; a spreadsheet program is enough for the exercises."
            ),
        ],
        document=("Training syllabus (handout)", "political-integrity-syllabus.txt", SYLLABUS_TEXT),
    ),
    _resource(
        "red-flag-indicators-procurement-guide",
        "Red-flag indicators in public procurement: a guide",
        "guide",
        "Public procurement",
        "en",
        None,
        "What the most common procurement risk indicators mean, how to read them and what they cannot tell you.",
        [
            paragraph(
                "A red flag marks a contract or a procedure that deserves a closer look. It is not proof of "
                "corruption: many flagged contracts have a legitimate explanation."
            ),
            heading("Indicators used across the region"),
            bullets(
                [
                    "Single bidder: only one offer in a competitive procedure.",
                    "Direct agreement or negotiated procedure without prior notice: no open competition.",
                    "Contract signed shortly before an election.",
                    "Company owned by an elected official or a family member wins a contract.",
                    "A party donor, or a company linked to one, wins a contract soon after donating.",
                ]
            ),
            heading("How to use them"),
            bullets(
                [
                    "Combine indicators: one flag means little; several on the same contract mean more.",
                    "Compare like with like: the share of single-bid procedures differs between sectors.",
                    "Go back to the documents: tender notices, decisions and contracts explain many flags.",
                    "Report patterns, and give the contracting authority a chance to respond.",
                ]
            ),
            paragraph(
                "At EU level, Transparency International's Integrity Watch Red Flags tool checks procurement "
                "notices against 20 risk indicators."
            ),
        ],
    ),
    _resource(
        "reading-asset-declarations-guide",
        "Reading asset declarations: a short guide",
        "guide",
        "Asset declarations",
        "en",
        None,
        "How to read an official's declaration of assets and interests, and what to look for.",
        [
            heading("What a declaration contains"),
            paragraph(
                "Declarations usually list income, property, savings, debts and company shares, and often the "
                "official's functions and interests. The exact content depends on each country's law."
            ),
            heading("What to look for"),
            bullets(
                [
                    "A declaration that is missing or was filed late.",
                    "A change in assets from one year to the next that declared income does not explain.",
                    "Company shares, and whether those companies receive public contracts.",
                    "Interests that overlap with the official's duties.",
                ]
            ),
            heading("Be careful"),
            paragraph(
                "Declarations contain personal data. Report on what matters for the public interest, check "
                "figures with the authority that publishes them, and ask the official for comment."
            ),
        ],
    ),
    _resource(
        "integritywatch-mk-tutorial-mk",
        "Како да ги користите податоците од integritywatch.mk",
        "tutorial",
        "Отворени податоци",
        "mk",
        "MK",
        "Кратко упатство за пребарување и проверка на податоците за финансирање на партиите, јавните набавки и "
        "концесиите.",
        [
            heading("Чекори"),
            bullets(
                [
                    "Започнете со прашање, на пример: кои компании добиле договори од мојата општина?",
                    "Изберете област: финансирање на политички партии, јавни набавки или концесии за минерални "
                    "суровини и хидроцентрали.",
                    "Забележете го изворот и датумот на секој податок.",
                    "Секој необичен податок проверете го во оригиналниот регистар или документ.",
                    "Црвеното знаме е повод за прашање, а не доказ за корупција.",
                    "Пред објавување, побарајте коментар од институцијата или компанијата.",
                ]
            ),
            paragraph("Платформата ја води Транспаренси Интернешнл – Македонија."),
        ],
    ),
]

INDEX = {
    "model": "ResourceIndexPage",
    "slug": "resources",
    "title": "Training materials",
    "fields": {
        "intro": "Tutorials, a syllabus and guides for civil society, journalists and oversight agencies on using "
        "political integrity data."
    },
    "children": RESOURCES,
}
