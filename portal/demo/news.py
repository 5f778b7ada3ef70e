"""Demo content: the news index and news articles about the programme's real milestones.

Dates are those given in the research notes (for the Prilep presentation and the two North Macedonia reports,
the publication date of the partner's article). Every article paraphrases its source in our own words.
"""

import datetime

from .blocks import bullets, heading, link, page_link, paragraph

SKOPJE_PRIORITIES = [
    "Stronger legal frameworks, so that data on asset declarations, political finance and public contracting is "
    "of better quality",
    "Better resources for oversight agencies, so they can enforce the disclosure rules that apply to officials, "
    "parties and companies holding public contracts",
    "Open data of good quality that is interoperable across assets and interests, political finance and public "
    "contracting",
    "Use of the Integrity Watch platforms to promote open data and to work with decision-makers on political integrity",
]


def _news(slug, title, date, country, intro, body):
    return {
        "model": "NewsPage",
        "slug": slug,
        "title": title,
        "fields": {"date": date, "country": country, "intro": intro, "body": body},
    }


ARTICLES = [
    _news(
        "programme-starts",
        "Integrity Watch in the Western Balkans and Türkiye begins",
        datetime.date(2023, 3, 1),
        None,
        "A three-year regional action on political integrity data started on 1 March 2023.",
        [
            paragraph(
                "The action brings together the Kosova Democratic Institute as lead partner, Transparency "
                "International chapters in Bosnia and Herzegovina, North Macedonia, Serbia and Türkiye, and the "
                "Transparency International Secretariat. It runs until 28 February 2026."
            ),
            paragraph(
                "Its aim is to equip citizens and civil society to hold political office holders to account for "
                "political finance, law-making and the allocation of public resources. The first step is to map "
                "which political integrity data each country already publishes."
            ),
            paragraph("More on the " + page_link("about", "programme and its outcomes") + "."),
        ],
    ),
    _news(
        "north-macedonia-dataset-scoping",
        "Which political integrity data does North Macedonia publish?",
        datetime.date(2023, 11, 14),
        "MK",
        "Transparency International – Macedonia reviewed nine datasets as a first step towards integritywatch.mk.",
        [
            paragraph(
                "The scoping review looked at the availability of data on lobbying meetings, officials' assets and "
                "interests, directories of officials, budgets and spending, public procurement, political "
                "financing, voting records and concessions for mineral exploration."
            ),
            paragraph(
                "Its findings fed into the choice of datasets for the country's Integrity Watch platform. See the "
                + page_link("north-macedonia-dataset-scoping-report", "publication page")
                + "."
            ),
        ],
    ),
    _news(
        "rcp-meeting-skopje-2025",
        "Regional Community of Practice meets in Skopje",
        datetime.date(2025, 2, 28),
        "MK",
        "On 27–28 February 2025, members of the Regional Community of Practice met in Skopje to discuss the "
        "obstacles to political integrity in the region.",
        [
            paragraph(
                "The Kosova Democratic Institute and the Transparency International Secretariat organised the "
                "meeting together with TI Bosnia and Herzegovina, TI Macedonia, Transparency Serbia and TI Türkiye."
            ),
            heading("Who took part"),
            paragraph(
                "Representatives of Transparency International, oversight agencies, investigative media and other "
                "civil-society organisations, who bring different skills and needs to the same problems."
            ),
            heading("What was discussed"),
            bullets(
                [
                    "How asset declarations are disclosed, and how disclosure could improve",
                    "What political finance data can change when it is open and usable",
                    "Protecting public contracting from undue influence",
                ]
            ),
            heading("Four priorities"),
            paragraph("Participants agreed on a joint statement with four priorities for future work in the region:"),
            bullets(SKOPJE_PRIORITIES),
            paragraph(
                "The Regional Community of Practice is an informal regional platform of the programme. "
                + page_link("dags-and-rcp", "Learn more about the RCP and the Domestic Advisory Groups")
                + "."
            ),
        ],
    ),
    _news(
        "rcp-joint-statement-2025",
        "Joint statement: four priorities for political integrity in the region",
        datetime.date(2025, 2, 28),
        None,
        "The participants of the Skopje meeting of the Regional Community of Practice called for a regional "
        "anti-corruption strategy built on open, good-quality data.",
        [
            paragraph(
                "At the close of their meeting in Skopje on 27–28 February 2025, the members of the Regional "
                "Community of Practice set out the priorities they want future initiatives in the Western Balkans "
                "and Türkiye to follow:"
            ),
            bullets(SKOPJE_PRIORITIES),
            paragraph(
                "The statement links the three areas the programme works on: officials' assets and interests, "
                "political finance, and public contracting. It also looks ahead to the Integrity Watch platforms, "
                "which were then about to launch."
            ),
            paragraph(
                "The "
                + page_link("regional-open-data-interoperability", "regional campaign for interoperable open data")
                + " takes these priorities forward."
            ),
        ],
    ),
    _news(
        "north-macedonia-sub-grant-call-closes",
        "Sub-grants for civil society: North Macedonia's call closes",
        datetime.date(2025, 7, 16),
        "MK",
        "The programme sets aside EUR 220,000 for at least 25 sub-grants to civil-society organisations across "
        "the five countries. North Macedonia's call closed on 16 July 2025.",
        [
            heading("The regional scheme"),
            paragraph(
                "Across Bosnia and Herzegovina, Kosovo, North Macedonia, Serbia and Türkiye, the programme makes "
                "EUR 220,000 available to civil-society organisations through at least 25 sub-grants. Projects are "
                "expected to draw on public political integrity data and on the programme's research, ideally "
                "working with public institutions and the media."
            ),
            heading("North Macedonia"),
            paragraph(
                "In North Macedonia, Transparency International – Macedonia offered EUR 44,000 for at least five "
                "grants of between EUR 4,000 and EUR 12,000, sized by the scope and length of each project. "
                "Organisations registered in the country could apply until 16 July 2025."
            ),
            paragraph("Two kinds of activity were invited:"),
            bullets(
                [
                    "Generating and sharing knowledge: research, policy briefs, opinion pieces, infographics",
                    "Advocacy and visibility: public debates and similar actions",
                ]
            ),
        ],
    ),
    _news(
        "north-macedonia-rules-assessment",
        "Political Integrity Rules Assessment published for North Macedonia",
        datetime.date(2025, 8, 21),
        "MK",
        "Transparency International – Macedonia has assessed the country's political integrity rules with a method "
        "developed by the TI Secretariat.",
        [
            paragraph(
                "The assessment covers three areas: declarations of officials' assets and interests, the "
                "transparency of political finance, and the prevention of favouritism in public procurement and "
                "licensing."
            ),
            paragraph(
                "It is one of the programme's reports on the rules in force and how they are applied. See the "
                + page_link("political-integrity-rules-assessment-north-macedonia", "publication page")
                + "."
            ),
        ],
    ),
    _news(
        "north-macedonia-sub-grants-signed",
        "Five sub-grants signed in North Macedonia",
        datetime.date(2025, 9, 29),
        "MK",
        "After more than 30 applications and an internal evaluation, five grant agreements were signed on "
        "29 September 2025.",
        [
            paragraph(
                "Transparency International – Macedonia received more than 30 applications to its call. Following "
                "an internal evaluation, it signed five grant agreements with civil-society organisations on "
                "29 September 2025. Among the funded projects:"
            ),
            bullets(
                [
                    "Data-Driven Democracy: Tracking Political Parties for a More Transparent Future, by the "
                    "Association for Democratic Initiatives",
                    "Open Contracts – Honest Communities: Tracking Local Procurement for Integrity, by Finance Think, "
                    "which will score procurement transparency in the municipalities of Prilep and Krushevo and train "
                    "at least 15 local stakeholders",
                ]
            ),
            paragraph(
                "The grants are part of the programme's regional scheme of EUR 220,000 for at least 25 sub-grants."
            ),
        ],
    ),
    _news(
        "integrity-watch-kosova-launched",
        "Integrity Watch Kosova goes live",
        datetime.date(2025, 12, 8),
        "XK",
        "The Kosova Democratic Institute launched Integrity Watch Kosova on 8 December 2025.",
        [
            paragraph(
                "The new platform lets anyone follow how money and power meet in Kosovo. It brings together three "
                "kinds of data that used to sit in different places: political financing, public procurement and "
                "the asset declarations of officials."
            ),
            paragraph(
                "The launch answers one of the priorities the Regional Community of Practice set in Skopje: using "
                "the Integrity Watch platforms to promote open data. "
                + page_link("integrity-watch-kosova", "See what the platform covers")
                + "."
            ),
        ],
    ),
    _news(
        "integrity-watch-presented-in-prilep",
        "Integrity Watch platform presented in Prilep",
        datetime.date(2025, 12, 12),
        "MK",
        "Transparency International – Macedonia showed local audiences in Prilep how to use integritywatch.mk.",
        [
            paragraph(
                "The presentation walked participants through the platform's functions: searching the financing of "
                "political parties, public procurement, and concessions for mineral resources and hydropower plants."
            ),
            paragraph(
                "Prilep is also one of the two municipalities covered by a programme sub-grant on local procurement "
                "transparency. "
                + page_link("integritywatch-mk", "Read about integritywatch.mk")
                + " or visit "
                + link("https://integritywatch.mk")
                + "."
            ),
        ],
    ),
]

INDEX = {
    "model": "NewsIndexPage",
    "slug": "news",
    "title": "News",
    "fields": {"intro": "Milestones of the programme, from the partners in the five countries."},
    "children": ARTICLES,
}
