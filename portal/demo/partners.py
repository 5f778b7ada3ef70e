"""Demo content: the consortium partners and one page per programme country.

Names, local names and websites are those the research notes mark as sourced; the technology partner's website
is not in the notes, so it is not linked. Country pages live under a "Countries" page.
"""

from .blocks import bullets, heading, link, page_link, paragraph, rich_list

# The standard EU footnote for Kosovo, used on the Kosovo page and in the footer disclaimer.
KOSOVO_FOOTNOTE = (
    "*This designation is without prejudice to positions on status, and is in line with UNSCR 1244/1999 and the "
    "ICJ Opinion on the Kosovo declaration of independence."
)

# (English name, local name, short name, website, description)
CONSORTIUM = [
    (
        "Kosova Democratic Institute – Transparency International Kosova",
        "Instituti Demokratik i Kosovës",
        "KDI",
        "https://kdi-kosova.org",
        "The lead partner of the consortium and the Transparency International chapter in Kosovo. KDI runs "
        "Integrity Watch Kosova, which went live on 8 December 2025.",
    ),
    (
        "Transparency International in Bosnia and Herzegovina",
        "Transparency International u Bosni i Hercegovini",
        "TI BiH",
        "https://ti-bih.org",
        "The Transparency International chapter in Bosnia and Herzegovina, with offices in Banja Luka and Sarajevo "
        "according to its 2015 annual report. It runs Integrity Watch BiH.",
    ),
    (
        "Transparency International – Macedonia",
        "Транспаренси Интернешнл – Македонија",
        "TI-M",
        "https://transparency.mk",
        "The Transparency International chapter in North Macedonia (it calls the country Macedonia in its own "
        "texts). It runs integritywatch.mk and manages the programme's sub-grants in the country.",
    ),
    (
        "Transparency Serbia",
        "Transparentnost Srbija",
        "TS",
        "https://transparentnost.org.rs",
        "An accredited chapter of Transparency International since 2005, and the partner for Serbia.",
    ),
    (
        "Transparency International Türkiye",
        "Uluslararası Şeffaflık Derneği",
        "TI Türkiye",
        "https://seffaflik.org",
        "The Transparency International chapter in Türkiye, founded in 2008. Its English pages are at "
        "en.seffaflik.org.",
    ),
    (
        "Transparency International Secretariat",
        "Transparency International e.V.",
        "TI-S",
        "https://www.transparency.org",
        "The movement's secretariat. It provides the Integrity Watch methodology and co-organised the regional "
        "meeting of the Regional Community of Practice in Skopje in February 2025.",
    ),
]


def _partner_blocks():
    blocks = []
    for name, local_name, short, website, description in CONSORTIUM:
        blocks.append(heading(f"{name} ({short})"))
        blocks.append(paragraph(f"<i>{local_name}</i>", description, "Website: " + link(website)))
    return blocks


PARTNERS = {
    "model": "StandardPage",
    "slug": "partners",
    "title": "Partners",
    "fields": {
        "intro": (
            "The Integrity Watch consortium: the Kosova Democratic Institute as lead partner, four more "
            "Transparency International chapters and the TI Secretariat, with a technology partner and a "
            "co-supporting regional project."
        ),
        "body": [
            *_partner_blocks(),
            heading("Technology partner: Datasketch"),
            paragraph(
                "Datasketch worked with the chapters and civil-society organisations in each country to define "
                "corruption risk indicators and the signals worth showing, and built a dashboard that crosses "
                "databases in five languages."
            ),
            heading("Co-supporter: the SMART Balkans consortium"),
            paragraph(
                "The regional project SMART Balkans also supports the action. It is run by the Center for Civil "
                "Society Promotion (CPCD, Bosnia and Herzegovina, lead), the Center for Research and Policy Making "
                "(CRPM, North Macedonia) and the Institute for Democracy and Mediation (IDM, Albania), and is "
                "financed by the Norwegian Ministry of Foreign Affairs. Website: "
                + link("https://smartbalkansproject.org")
            ),
        ],
    },
}

# --- Country pages ---------------------------------------------------------------------------------------------


def _country(slug, title, intro, blocks):
    return {"model": "StandardPage", "slug": slug, "title": title, "fields": {"intro": intro, "body": blocks}}


COUNTRY_PAGES = [
    _country(
        "bosnia-and-herzegovina",
        "Bosnia and Herzegovina",
        "Partner: Transparency International in Bosnia and Herzegovina. Platform: Integrity Watch BiH.",
        [
            heading("Partner"),
            paragraph(
                "Transparency International in Bosnia and Herzegovina (TI BiH) works from offices in Banja Luka and "
                "Sarajevo. Website: " + link("https://ti-bih.org")
            ),
            heading("Platform"),
            paragraph(
                page_link("integrity-watch-bih", "Integrity Watch BiH")
                + " links public procurement data with donations to political parties and with the asset "
                "declarations that officials submit to the Central Election Commission."
            ),
            paragraph(
                "Among the figures TI BiH has reported from it: more than 930,000 procurement procedures analysed, "
                "and more than 27,000 contracts won since 2018 by companies that had donated to parties. These "
                "figures are quoted for illustration; the platform has the current numbers."
            ),
            heading("Languages"),
            paragraph(
                "Bosnian, Croatian and Serbian are all used; Serbian is also written in Cyrillic, mainly in "
                "Republika Srpska."
            ),
        ],
    ),
    _country(
        "kosovo",
        "Kosovo*",
        "Partner: Kosova Democratic Institute (lead partner). Platform: Integrity Watch Kosova.",
        [
            heading("Partner"),
            paragraph(
                "The Kosova Democratic Institute (Instituti Demokratik i Kosovës), the Transparency International "
                "chapter in Kosovo, leads the regional consortium. Website: " + link("https://kdi-kosova.org")
            ),
            heading("Platform"),
            paragraph(
                page_link("integrity-watch-kosova", "Integrity Watch Kosova")
                + " went live on 8 December 2025. It lets citizens follow political financing, public procurement "
                "and the asset declarations of officials in one place."
            ),
            heading("Languages"),
            paragraph(
                "Albanian and Serbian. Calls for civil society in Kosovo are usually published in both, and often "
                "in English too."
            ),
            paragraph(f"<i>{KOSOVO_FOOTNOTE}</i>"),
        ],
    ),
    _country(
        "north-macedonia",
        "North Macedonia",
        "Partner: Transparency International – Macedonia. Platform: integritywatch.mk.",
        [
            heading("Partner"),
            paragraph(
                "Transparency International – Macedonia (Транспаренси Интернешнл – Македонија) is the chapter in "
                "the country. Website: " + link("https://transparency.mk")
            ),
            heading("Platform"),
            paragraph(
                page_link("integritywatch-mk", "integritywatch.mk")
                + " covers the financing of political parties, public procurement, and concessions for mineral "
                "resources and hydropower plants. Its functions were presented to the public in Prilep in "
                "December 2025."
            ),
            heading("Research"),
            bullets(
                [
                    "A dataset scoping report (November 2023) that reviewed the availability of political integrity "
                    "data in the country",
                    "A Political Integrity Rules Assessment (August 2025) based on the method developed by the "
                    "TI Secretariat",
                ]
            ),
            heading("Sub-grants"),
            paragraph(
                "The country's share of the regional scheme was EUR 44,000 for at least five grants of EUR "
                "4,000–12,000 each. More than 30 organisations applied by the deadline of 16 July 2025, and five "
                "grant agreements were signed on 29 September 2025."
            ),
            heading("Languages"),
            paragraph("Macedonian, written in Cyrillic; Albanian is also widely used in official settings."),
        ],
    ),
    _country(
        "serbia",
        "Serbia",
        "Partner: Transparency Serbia. Platform: part of the regional rollout; datasets to be confirmed.",
        [
            heading("Partner"),
            paragraph(
                "Transparency Serbia (Transparentnost Srbija) has been an accredited Transparency International "
                "chapter since 2005. Website: " + link("https://transparentnost.org.rs")
            ),
            heading("Platform"),
            paragraph(
                page_link("integrity-watch-serbia", "Integrity Watch Serbia")
                + " is part of the regional rollout. Its datasets are still to be confirmed (partners choose them in "
                "consultation with their Domestic Advisory Group), and its address will be added here once it is "
                "public."
            ),
            heading("Themes"),
            paragraph(
                "Transparency Serbia has long followed public debates on draft laws, officials' campaigning and the "
                "declaration of assets; see the " + page_link("campaigns", "campaigns") + " for current asks."
            ),
            heading("Languages"),
            paragraph("Serbian. Cyrillic is the official script, but the Latin script is in wide everyday use."),
        ],
    ),
    _country(
        "turkiye",
        "Türkiye",
        "Partner: Transparency International Türkiye. Platform: part of the regional rollout; datasets to be "
        "confirmed.",
        [
            heading("Partner"),
            paragraph(
                "Transparency International Türkiye (Uluslararası Şeffaflık Derneği) was founded in 2008. Website: "
                + link("https://seffaflik.org")
            ),
            heading("Platform"),
            paragraph(
                page_link("integrity-watch-turkiye", "Integrity Watch Türkiye")
                + " is part of the regional rollout; its datasets are still to be confirmed. Little political "
                "finance data is public in Türkiye: parliamentary candidates have no duty to report on their "
                "campaign finances and there are no spending limits."
            ),
            heading("Languages"),
            paragraph("Turkish, written in the Latin alphabet with ç, ğ, ı, İ, ö, ş and ü."),
        ],
    ),
]

COUNTRIES_PAGE = {
    "model": "StandardPage",
    "slug": "countries",
    "title": "Countries",
    "fields": {
        "intro": "The programme works in five countries, each with a partner organisation and an Integrity Watch "
        "platform.",
        "body": [
            rich_list(
                [
                    page_link("bosnia-and-herzegovina", "Bosnia and Herzegovina"),
                    page_link("kosovo", "Kosovo*"),
                    page_link("north-macedonia", "North Macedonia"),
                    page_link("serbia", "Serbia"),
                    page_link("turkiye", "Türkiye"),
                ]
            ),
            paragraph(f"<i>{KOSOVO_FOOTNOTE}</i>"),
        ],
    },
    "children": COUNTRY_PAGES,
}
