"""Demo content: publications on political integrity rules and data availability, at least one per country.

North Macedonia's two reports are in the research notes (with their dates and addresses). For the other four
countries the notes hold no country report, so their pages describe the programme's assessment under Output 2.1
(due by the end of the programme, 28 February 2026, the date they carry) and list only what the notes source
about data availability there. They state no findings of reports we have not seen.
"""

import datetime

from .blocks import bullets, heading, link, page_link, paragraph

PROGRAMME_END = datetime.date(2026, 2, 28)

RULES_ASSESSMENT_URL = "https://transparency.mk/en/2025/08/21/political-integrity-rules-assessment-in-north-macedonia-2"
# The original slug ends in a Cyrillic "ј" (U+0458) that looks like a Latin "j"; it is percent-encoded here.
SCOPING_URL = (
    "https://transparency.mk/en/2023/11/14/pregled-na-podatoczite-za-politichkiot-integritet-vo-makedoni%D1%98a"
)
REGIONAL_SURVEY_URL = (
    "https://www.transparency.org/en/publications/"
    "accountability-loading-survey-open-data-enhancing-political-integrity-western-balkans-t%C3%BCrkiye"
)

REGIONAL_SURVEY = (
    "The regional survey "
    + link(REGIONAL_SURVEY_URL, "Accountability, loading")
    + ", published by Transparency International, compares 11 datasets on political integrity across Bosnia and "
    "Herzegovina, Kosovo, North Macedonia, Serbia and Türkiye."
)

ASSESSMENT_METHOD = (
    "The Political Integrity Rules Assessment method, developed by the TI Secretariat, looks at three areas: "
    "declarations of assets and interests, the transparency of political finance, and the prevention of favouritism "
    "in public procurement and licensing."
)


def _publication(slug, title, country, publication_type, date, summary, body, external_url=""):
    return {
        "model": "PublicationPage",
        "slug": slug,
        "title": title,
        "fields": {
            "country": country,
            "publication_type": publication_type,
            "publication_date": date,
            "summary": summary,
            "body": body,
            "external_url": external_url,
        },
    }


def _planned(slug, country_name, code, data_blocks):
    """A page for a country whose rules-and-data report is not in our sources."""
    return _publication(
        slug,
        f"Political integrity rules and data availability in {country_name}",
        code,
        "integrity_rules",
        PROGRAMME_END,
        f"The programme's assessment of the political integrity rules in {country_name}, how they are applied and "
        "which data is public. Due by the end of the programme (28 February 2026); this page lists what is known so "
        "far and will link to the report.",
        [
            heading("What the assessment covers"),
            paragraph(ASSESSMENT_METHOD),
            paragraph(
                "Under Output 2.1 the programme publishes reports on the rules in force (laws, bylaws and rules) and "
                "their implementation, compared with the data that is actually available, and tracks changes during "
                "the programme."
            ),
            heading("Data availability: what we know so far"),
            *data_blocks,
            paragraph(REGIONAL_SURVEY),
            heading("Status"),
            paragraph(
                "The report itself is not yet linked from this portal. Check the partner's website for the "
                "published version; this page will be updated with its findings."
            ),
        ],
    )


PUBLICATIONS = [
    _publication(
        "political-integrity-rules-assessment-north-macedonia",
        "Political Integrity Rules Assessment in North Macedonia",
        "MK",
        "integrity_rules",
        datetime.date(2025, 8, 21),
        "Transparency International – Macedonia's assessment of the country's political integrity rules, using the "
        "method developed by the TI Secretariat.",
        [
            paragraph(ASSESSMENT_METHOD),
            paragraph(
                "It is one of the programme's reports under Output 2.1, which compare the rules on paper with how "
                "they work in practice and with the data that is public."
            ),
            paragraph("Read the report on the publisher's website: " + link(RULES_ASSESSMENT_URL, "transparency.mk")),
        ],
        external_url=RULES_ASSESSMENT_URL,
    ),
    _publication(
        "north-macedonia-dataset-scoping-report",
        "Political integrity data in North Macedonia: a review of nine datasets",
        "MK",
        "scoping",
        datetime.date(2023, 11, 14),
        "The scoping review that Transparency International – Macedonia carried out before choosing the datasets "
        "for integritywatch.mk.",
        [
            paragraph("The review assessed how available and usable the following data is:"),
            bullets(
                [
                    "Lobbying meetings",
                    "Assets and interests of officials",
                    "Directories of officials",
                    "Budgets and spending",
                    "Public procurement",
                    "Political financing",
                    "Voting records",
                    "Concessions for mineral exploration",
                ]
            ),
            paragraph(
                "Its results informed the choice of datasets for "
                + page_link("integritywatch-mk", "integritywatch.mk")
                + ". Read the review on the publisher's website: "
                + link(SCOPING_URL, "transparency.mk")
            ),
        ],
        external_url=SCOPING_URL,
    ),
    _planned(
        "political-integrity-rules-bosnia-and-herzegovina",
        "Bosnia and Herzegovina",
        "BA",
        [
            paragraph(
                "Three datasets are public enough for "
                + page_link("integrity-watch-bih", "Integrity Watch BiH")
                + " to link them: public procurement, donations to political parties, and the asset declarations "
                "that elected officials submit to the Central Election Commission."
            ),
        ],
    ),
    _planned(
        "political-integrity-rules-kosovo",
        "Kosovo*",
        "XK",
        [
            paragraph(
                page_link("integrity-watch-kosova", "Integrity Watch Kosova")
                + " combines political financing, public procurement and officials' asset declarations. Under the "
                "Open Government Partnership (commitment XK0017), Kosovo has committed to publishing asset and "
                "interest declarations as open data."
            ),
        ],
    ),
    _planned(
        "political-integrity-rules-serbia",
        "Serbia",
        "RS",
        [
            paragraph(
                "The datasets for Integrity Watch Serbia are still being confirmed. Transparency Serbia's earlier "
                "work points to gaps in law-making (a period of months without any public debate on draft laws) and "
                "to the narrow circle of officials who must declare their assets."
            ),
        ],
    ),
    _planned(
        "political-integrity-rules-turkiye",
        "Türkiye",
        "TR",
        [
            paragraph(
                "Little political finance data is public in Türkiye. Parliamentary candidates have no duty to report "
                "on their campaign finances, there are no spending limits and direct political finance data is not "
                "published."
            ),
        ],
    ),
]

INDEX = {
    "model": "PublicationIndexPage",
    "slug": "publications",
    "title": "Publications",
    "fields": {
        "intro": (
            "Reports on political integrity rules and data availability in the five countries. The regional survey "
            "Accountability, loading, published by Transparency International, compares 11 datasets across all five."
        )
    },
    "children": PUBLICATIONS,
}
