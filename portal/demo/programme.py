"""Demo content: the home page and the pages about the programme (about, funders, DAGs and RCP, contact).

Facts come from the programme description and the research notes (context files); the wording is our own.
The English strings of the home page are module constants because :mod:`portal.demo.translations` keys its
translations on them (wagtail-localize matches translations to source strings exactly).
"""

from html import escape

from .blocks import bullets, call_to_action, facts, heading, link, page_link, paragraph, rich_list

PERIOD = "1 March 2023 – 28 February 2026"

# --- Home page (every string here is translated in portal.demo.translations) ----------------------------------
HOME_TITLE = "Integrity Watch"
HERO_TITLE = "Integrity Watch in the Western Balkans and Türkiye"
HERO_TEXT = (
    "Open data on political finance, public contracts and officials' assets, put to work by civil society, "
    "journalists and oversight bodies in Bosnia and Herzegovina, Kosovo, North Macedonia, Serbia and Türkiye."
)
H_PURPOSE = "What the programme is for"
P_PURPOSE = (
    "The programme helps citizens and civil society in five countries hold political office holders to account "
    "for how parties are financed, how laws are made and how public resources are allocated. Stronger political "
    "integrity should mean more public decisions taken for the common good."
)
H_DELIVERS = "What it delivers"
DELIVERS = [
    "Datasets, dashboards and red-flag tools on political integrity in each of the five countries",
    "Training materials, workshops and hackathons for civil society, journalists and oversight agencies",
    "Reports on political integrity rules, how they are applied and which data is public",
    "Domestic Advisory Groups and a Regional Community of Practice for exchange across borders",
    "Small grants for local and cross-border civil-society initiatives",
]
H_COUNTRIES = "Five countries, one regional programme"
COUNTRY_PARTNERS = [
    "Bosnia and Herzegovina: Transparency International in Bosnia and Herzegovina",
    "Kosovo: Kosova Democratic Institute, the lead partner",
    "North Macedonia: Transparency International – Macedonia",
    "Serbia: Transparency Serbia",
    "Türkiye: Transparency International Türkiye",
]
# Slugs of the country pages (under /countries/), in the order of COUNTRY_PARTNERS.
COUNTRY_SLUGS = ["bosnia-and-herzegovina", "kosovo", "north-macedonia", "serbia", "turkiye"]


def country_item(text: str, slug: str | None = None) -> str:
    """``"Country: partner"`` as rich-text HTML, the country name linking to its page (``slug``) when given.

    Without ``slug`` the link is written as wagtail-localize shows it in a translation segment
    (``<a id="a1">Country</a>: partner``), which is the key :mod:`portal.demo.translations` translates.
    """
    country, rest = text.split(": ", 1)
    linked = page_link(slug, country) if slug else f'<a id="a1">{escape(country, quote=False)}</a>'
    return f"{linked}: {escape(rest, quote=False)}"


H_FIGURES = "Integrity Watch BiH in figures (illustrative)"
P_FIGURES = (
    "Figures reported by Transparency International in Bosnia and Herzegovina from its Integrity Watch platform. "
    "They are shown here only to illustrate what linked data can reveal; check the platform for current numbers."
)
FIGURES = [
    ("930,000+", "public procurement procedures analysed"),
    ("27,000+", "contracts won since 2018 by companies that had donated to political parties, worth over 1 billion KM"),
    ("2,450", "contracts won by companies owned by elected officials"),
    ("76.9%", "of those contracts awarded by direct agreement"),
    ("19.8%", "of elected officials who declared owning a company did business with the state"),
]
CTA_PLATFORMS = (
    "Explore the Integrity Watch platforms",
    "See which datasets and risk indicators each country's platform covers.",
    "/platforms/",
    "Platforms",
)
CTA_CAMPAIGNS = (
    "Support a campaign",
    "Add your name to calls for open data and clear rules on political integrity.",
    "/campaigns/",
    "Campaigns",
)
CTA_RESOURCES = (
    "Learn to use the data",
    "Tutorials, a training syllabus and guides for civil society and journalists.",
    "/resources/",
    "Training materials",
)

HOME = {
    "model": "HomePage",
    "slug": "home",
    "title": HOME_TITLE,
    "fields": {
        "hero_title": HERO_TITLE,
        "hero_text": HERO_TEXT,
        "body": [
            heading(H_PURPOSE),
            paragraph(P_PURPOSE),
            heading(H_DELIVERS),
            bullets(DELIVERS),
            heading(H_COUNTRIES),
            rich_list(country_item(text, slug) for text, slug in zip(COUNTRY_PARTNERS, COUNTRY_SLUGS, strict=True)),
            heading(H_FIGURES),
            paragraph(P_FIGURES),
            facts(FIGURES),
            call_to_action(*CTA_PLATFORMS),
            call_to_action(*CTA_CAMPAIGNS),
            call_to_action(*CTA_RESOURCES),
        ],
    },
}

# --- About the programme --------------------------------------------------------------------------------------
ABOUT = {
    "model": "StandardPage",
    "slug": "about",
    "title": "About the programme",
    "fields": {
        "intro": (
            "Integrity Watch in the Western Balkans and Turkey: civil society combating corruption with political "
            f"integrity data is a regional action with an implementation period of {PERIOD}. It is led by the "
            "Kosova Democratic Institute together with Transparency International chapters in the region and the "
            "Transparency International Secretariat."
        ),
        "body": [
            heading("Why it matters"),
            paragraph(
                "At the level of impact, the action aims to give citizens and organised civil society in Bosnia and "
                "Herzegovina, Kosovo, North Macedonia, Serbia and Türkiye the means to hold political office holders "
                "accountable for the integrity of three things: political finance, law-making and the allocation of "
                "public resources. The expectation is that when political integrity is stronger, more public "
                "decisions serve the common good rather than private interests."
            ),
            heading("Outcome 1: watchdogs detect and prevent political corruption risks with open data"),
            paragraph(
                "Under this outcome, oversight bodies, civil society and the media improve their ability to spot "
                "and prevent political corruption risks by using open data. Two outputs serve it."
            ),
            paragraph("<b>Output 1.1: datasets, dashboards and red-flagging tools in all five countries.</b>"),
            bullets(
                [
                    "Scoping which political integrity data is available, with domestic and regional reports",
                    "Choosing the datasets for each Integrity Watch platform together with the Domestic Advisory "
                    "Groups",
                    "Building the datasets and, where possible, connecting them",
                    "Developing the web platforms and testing them with future users in pilot workshops",
                    "Developing risk indicators and adding them to the platforms where the data allows",
                ]
            ),
            paragraph("<b>Output 1.2: stronger capacities in civil society, the media and oversight agencies.</b>"),
            bullets(
                [
                    "Drafting training materials such as tutorials, syllabi and guides",
                    "Training workshops and working meetings on the platforms and their data",
                    "Participatory workshops, investigations or hackathons driven by the users themselves",
                ]
            ),
            paragraph(
                "This work builds on the mapping of civil-society organisations, existing training material and the "
                "capacity-needs assessment that TI chapters in the region carried out under the EU-supported "
                "Citizen Engagement for Public Integrity (CEPI) project, so that nothing is done twice."
            ),
            heading("Outcome 2: more exchange between peers at home and across borders"),
            paragraph(
                "Under the second outcome, people in state authorities, civil society and the media exchange more "
                "with each other, within each country and across the region, to detect, prevent and counter "
                "political corruption."
            ),
            paragraph("<b>Output 2.1: best practices and tools that deter political corruption are identified.</b>"),
            bullets(
                [
                    "Reports on the political integrity rules in force (laws, bylaws and rules) and how they are "
                    "applied, compared with the data that is actually available",
                    "Tracking changes in these rules and in data availability throughout the programme",
                ]
            ),
            paragraph("<b>Output 2.2: a Regional Community of Practice shares lessons and supports advocacy.</b>"),
            bullets(
                [
                    "A Domestic Advisory Group for each partner, with public authorities, civil society, media and "
                    "academia",
                    "Bringing the members of all advisory groups together in a Regional Community of Practice, online "
                    "and in person, with bilateral exchanges between members",
                    "Strategic communication and advocacy, including across the region, on specific corruption cases "
                    "and on better standards for political integrity data",
                    "Sub-grants to grassroots, local and cross-border civil-society organisations for citizen "
                    "engagement, advocacy and awareness raising",
                ]
            ),
            heading("Who runs it"),
            paragraph(
                "The Integrity Watch consortium is led by the "
                + page_link("partners", "Kosova Democratic Institute")
                + " and brings together five Transparency International chapters and the TI Secretariat:"
            ),
            rich_list(
                [
                    page_link("kosovo", "Kosovo")
                    + ": Kosova Democratic Institute – Transparency International Kosova (lead), "
                    + link("https://kdi-kosova.org"),
                    page_link("bosnia-and-herzegovina", "Bosnia and Herzegovina")
                    + ": Transparency International in Bosnia and Herzegovina, "
                    + link("https://ti-bih.org"),
                    page_link("north-macedonia", "North Macedonia")
                    + ": Transparency International – Macedonia, "
                    + link("https://transparency.mk"),
                    page_link("serbia", "Serbia") + ": Transparency Serbia, " + link("https://transparentnost.org.rs"),
                    page_link("turkiye", "Türkiye")
                    + ": Transparency International Türkiye, "
                    + link("https://seffaflik.org"),
                    "Regional: Transparency International Secretariat, " + link("https://www.transparency.org"),
                ]
            ),
            paragraph(
                "More about the partner, platform and languages in each of the "
                + page_link("countries", "five countries")
                + "."
            ),
            paragraph(
                "The technology partner Datasketch helped the chapters build the risk indicators and a dashboard "
                "that cross-references databases in five languages."
            ),
            heading("Who pays for it"),
            paragraph(
                "The programme is supported by the European Union and by the regional project SMART Balkans, which "
                "is funded by the Norwegian Ministry of Foreign Affairs. See "
                + page_link("funders", "Funders")
                + " for details."
            ),
        ],
    },
}

# --- Funders --------------------------------------------------------------------------------------------------
FUNDERS = {
    "model": "StandardPage",
    "slug": "funders",
    "title": "Funders",
    "fields": {
        "intro": "Two funders support the programme: the European Union and the regional project SMART Balkans.",
        "body": [
            heading("European Union"),
            paragraph(
                "The European Union supports the action. The lead partner, the Kosova Democratic Institute, "
                "describes the programme as supported by the European Commission."
            ),
            heading("SMART Balkans – Civil Society for Shared Society in the Western Balkans"),
            paragraph(
                "SMART Balkans is a separate regional civil-society project financed by the Ministry of Foreign "
                "Affairs of the Kingdom of Norway. It is not a channel of EU funding. Three organisations run it: "
                "the Center for Civil Society Promotion (CPCD) in Bosnia and Herzegovina, which leads, the Center "
                "for Research and Policy Making (CRPM) in North Macedonia and the Institute for Democracy and "
                "Mediation (IDM) in Albania. Website: " + link("https://smartbalkansproject.org")
            ),
            heading("How we credit our funders"),
            paragraph(
                "Because the two funders are distinct, this portal credits both of them separately in its footer, "
                "together with a disclaimer that the content is the responsibility of the consortium alone."
            ),
        ],
    },
}

# --- Domestic Advisory Groups and the Regional Community of Practice ------------------------------------------
DAGS = {
    "model": "StandardPage",
    "slug": "dags-and-rcp",
    "title": "Domestic Advisory Groups and the Regional Community of Practice",
    "fields": {
        "intro": (
            "Each partner works with a Domestic Advisory Group, and the members of all five groups meet as the "
            "Regional Community of Practice."
        ),
        "body": [
            heading("Domestic Advisory Groups (DAGs)"),
            paragraph(
                "Every project partner sets up a Domestic Advisory Group that brings together people from public "
                "authorities, civil society, the media and academia. The groups were created under activity "
                "A2.2.1 of the programme. Partners consult their group when they decide which datasets each "
                "Integrity Watch platform should include."
            ),
            paragraph(
                "A comparable body in the wider Integrity Watch family is the National Advisory Group that the "
                "Daphne Caruana Galizia Foundation and Transparency International set up in Malta. Its members "
                "advise on access to public information and datasets, transparency practice, analysis of how "
                "regulation performs, and risk indicators."
            ),
            heading("The Regional Community of Practice (RCP)"),
            paragraph(
                "The RCP is an informal regional platform where people discuss what stands in the way of political "
                "integrity in the Western Balkans and Türkiye. It convenes the members of the advisory groups from "
                "all five countries, holds online and in-person meetings and supports bilateral exchanges between "
                "members. It also backs joint advocacy for better standards."
            ),
            heading("Skopje, 27–28 February 2025"),
            paragraph(
                "The Kosova Democratic Institute and the Transparency International Secretariat, working with the "
                "four other chapters, brought RCP members to Skopje for a regional meeting. Participants from "
                "Transparency International, oversight agencies, investigative media and other civil-society "
                "organisations discussed the disclosure of asset declarations, what political finance data can "
                "change, and how to shield public contracting from undue influence. "
                + page_link("rcp-meeting-skopje-2025", "Read the report of the meeting")
                + "."
            ),
            paragraph("The meeting closed with a joint statement that sets four priorities for the region:"),
            bullets(
                [
                    "Stronger legal frameworks for better data quality on asset declarations, political finance and "
                    "public contracting",
                    "Better resources for oversight agencies so they can enforce the disclosure rules",
                    "Open data of good quality that is interoperable across the three areas",
                    "Use of the Integrity Watch platforms to promote open data and work with decision-makers",
                ]
            ),
            heading("Taking part"),
            paragraph(
                "Members of the advisory groups and the RCP can sign in to this portal to find meeting papers, "
                "discussions and events. If you would like to contribute, contact the partner in your country "
                "through its website (see " + page_link("partners", "Partners") + ")."
            ),
        ],
    },
}

# --- Contact --------------------------------------------------------------------------------------------------


def contact_page(contact_email: str) -> dict:
    """The contact page; ``contact_email`` is the portal's address (setting ``PORTAL_CONTACT_EMAIL``)."""
    return {
        "model": "StandardPage",
        "slug": "contact",
        "title": "Contact",
        "fields": {
            "intro": "Questions about the programme, the platforms or this portal are welcome.",
            "body": [
                heading("About this portal"),
                paragraph(
                    "For questions about accounts, calls for proposals or the content of this portal, write to "
                    f'<a href="mailto:{contact_email}">{contact_email}</a>.'
                ),
                heading("Partners in each country"),
                paragraph(
                    "For questions about a country's Integrity Watch platform or its Domestic Advisory Group, contact "
                    "the partner organisation through its website:"
                ),
                rich_list(
                    [
                        page_link("bosnia-and-herzegovina", "Bosnia and Herzegovina")
                        + ": Transparency International in Bosnia and Herzegovina, "
                        + link("https://ti-bih.org"),
                        page_link("kosovo", "Kosovo")
                        + ": Kosova Democratic Institute, "
                        + link("https://kdi-kosova.org"),
                        page_link("north-macedonia", "North Macedonia")
                        + ": Transparency International – Macedonia, "
                        + link("https://transparency.mk"),
                        page_link("serbia", "Serbia")
                        + ": Transparency Serbia, "
                        + link("https://transparentnost.org.rs"),
                        page_link("turkiye", "Türkiye")
                        + ": Transparency International Türkiye, "
                        + link("https://seffaflik.org"),
                    ]
                ),
                paragraph(
                    "Journalists and researchers who use the data are asked to check figures on the platform "
                    "itself before publishing them, and to contact the partner if something looks wrong."
                ),
            ],
        },
    }
