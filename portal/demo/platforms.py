"""Demo content: the Integrity Watch platforms index and one platform page per country.

Datasets are those the research notes source for each platform. Risk indicators come from the notes' red-flag
list: where the notes tie an indicator to a source for that country it says so; the others are marked in their
text as derived from the platform's data areas (a design proposal, not a published feature). Only integritywatch.mk
has a confirmed web address; the other platforms' addresses are left blank rather than guessed.
"""

from .blocks import bullets, heading, link, page_link, paragraph

DERIVED = "Derived indicator, proposed from the platform's data areas; not yet a published feature."


def dataset(name: str, description: str) -> tuple[str, dict]:
    """One ``dataset`` block of a platform page."""
    return ("dataset", {"name": name, "description": description})


def indicator(name: str, description: str) -> tuple[str, dict]:
    """One ``indicator`` block of a platform page."""
    return ("indicator", {"name": name, "description": description})


# Shared indicator texts (reused across platforms).
DONOR_WINS_CONTRACT = indicator(
    "Party donor wins a public contract soon after donating",
    "A company that donated to a party, or a company linked to a donor, is awarded a public contract within a "
    "set number of months of the donation. " + DERIVED,
)
SINGLE_BIDDER = indicator(
    "Single bidder",
    "Only one offer was received in a competitive procedure. A widely used procurement red flag (for example in "
    "the Corruption Insider dashboard).",
)
PRE_ELECTION = indicator(
    "Contract signed shortly before an election",
    "A contract signed in the weeks before an election, when the pressure to spend for political gain is "
    "highest. A widely used red flag (for example in the Corruption Insider dashboard).",
)
ASSET_DECLARATION = indicator(
    "Asset declaration missing, late or unexplained",
    "An official's declaration is not filed, is filed late, or shows a change in assets that income does not "
    "explain. " + DERIVED,
)

KOSOVO = {
    "model": "PlatformPage",
    "slug": "integrity-watch-kosova",
    "title": "Integrity Watch Kosova",
    "fields": {
        "country": "XK",
        "summary": (
            "Political financing, public procurement and officials' asset declarations in one place. Launched by "
            "the Kosova Democratic Institute on 8 December 2025."
        ),
        "operator": "Kosova Democratic Institute (KDI)",
        "status": "Launched 8 December 2025",
        "website": "",
        "datasets": [
            dataset("Political financing", "Income and spending that political parties report."),
            dataset("Public procurement", "Contracts awarded by public institutions and the companies that won them."),
            dataset("Asset declarations", "What public officials declare about their assets."),
        ],
        "risk_indicators": [DONOR_WINS_CONTRACT, SINGLE_BIDDER, PRE_ELECTION, ASSET_DECLARATION],
        "body": [
            paragraph(
                "Launched by the Kosova Democratic Institute on 8 December 2025, Integrity Watch Kosova brings "
                "political finance, public procurement and officials' asset declarations together so that citizens "
                "can see where money and political power meet."
            ),
            paragraph(
                "Read the " + page_link("integrity-watch-kosova-launched", "news of the launch") + ", or visit "
                "the lead partner's website: " + link("https://kdi-kosova.org") + "."
            ),
        ],
    },
}

BIH = {
    "model": "PlatformPage",
    "slug": "integrity-watch-bih",
    "title": "Integrity Watch BiH",
    "fields": {
        "country": "BA",
        "summary": (
            "Links public procurement with donations to political parties and with officials' asset declarations "
            "filed with the Central Election Commission."
        ),
        "operator": "Transparency International in Bosnia and Herzegovina (TI BiH)",
        "status": "Live by December 2025",
        "website": "",
        "datasets": [
            dataset("Public procurement", "Procurement procedures and contracts, with the companies that won them."),
            dataset("Donations to political parties", "Donations that parties report, by donor."),
            dataset(
                "Asset declarations",
                "The asset declarations (imovinski kartoni) that elected officials submit to the Central Election "
                "Commission, including the companies they own.",
            ),
        ],
        "risk_indicators": [
            indicator(
                "Company owned by an elected official wins a contract",
                "A company owned by an elected official, or by a family member, is awarded a public contract. TI BiH "
                "reports this indicator from Integrity Watch BiH.",
            ),
            indicator(
                "Direct agreement or negotiated procedure without notice",
                "The contract was awarded without open competition. TI BiH reports that most contracts won by "
                "officials' companies were direct agreements.",
            ),
            DONOR_WINS_CONTRACT,
            SINGLE_BIDDER,
            PRE_ELECTION,
            ASSET_DECLARATION,
        ],
        "body": [
            paragraph(
                "Integrity Watch BiH connects three sources that are normally read separately: public procurement, "
                "donations to parties and officials' asset declarations."
            ),
            heading("What the data has shown (illustrative)"),
            paragraph(
                "TI BiH has published the following findings from the platform. They are quoted here for "
                "illustration and may have changed since:"
            ),
            bullets(
                [
                    "More than 930,000 procurement procedures were analysed.",
                    "Companies that had donated to parties since 2018 won more than 27,000 contracts, worth over "
                    "1 billion KM in total.",
                    "Donor companies account for roughly a tenth of reported donations.",
                    "Companies owned by officials won 2,450 contracts; 76.9% of them were direct agreements.",
                    "Of the elected officials who declared owning a company, 19.8% had firms doing business with the "
                    "state; for those elected in 2022 the share was 36.4%.",
                ]
            ),
            paragraph("Partner website: " + link("https://ti-bih.org")),
        ],
    },
}

NORTH_MACEDONIA = {
    "model": "PlatformPage",
    "slug": "integritywatch-mk",
    "title": "integritywatch.mk",
    "fields": {
        "country": "MK",
        "summary": (
            "Party finance, public procurement and concessions for mineral resources and hydropower plants, run "
            "by Transparency International – Macedonia."
        ),
        "operator": "Transparency International – Macedonia (TI-M)",
        "status": "Live by December 2025",
        "website": "https://integritywatch.mk",
        "datasets": [
            dataset("Financing of political parties", "What parties report about their income and spending."),
            dataset("Public procurement", "Contracts awarded by public institutions and who won them."),
            dataset(
                "Concessions for mineral resources and hydropower plants",
                "Who has been granted the right to exploit minerals or build small hydropower plants.",
            ),
        ],
        "risk_indicators": [
            indicator(
                "Donation above the legal cap or from a forbidden source",
                "A donation that exceeds the legal limit or comes from a source the law bans, such as a public "
                "enterprise or a foreign donor. North Macedonia's bans on such sources are documented by "
                "International IDEA.",
            ),
            indicator(
                "Concession awarded to a company connected to a party or an official",
                "A mineral or hydropower concession goes to a company linked to a party donor or an office "
                "holder. " + DERIVED,
            ),
            DONOR_WINS_CONTRACT,
            SINGLE_BIDDER,
            PRE_ELECTION,
        ],
        "body": [
            paragraph(
                "integritywatch.mk, run by Transparency International – Macedonia, brings together party finance, "
                "public procurement and concessions for natural resources. TI-M presented how it works at an event "
                "in Prilep in December 2025 ("
                + page_link("integrity-watch-presented-in-prilep", "read the news")
                + ")."
            ),
            paragraph("Platform: " + link("https://integritywatch.mk")),
        ],
    },
}

SERBIA = {
    "model": "PlatformPage",
    "slug": "integrity-watch-serbia",
    "title": "Integrity Watch Serbia",
    "fields": {
        "country": "RS",
        "summary": "Part of the regional rollout; datasets to be confirmed.",
        "operator": "Transparency Serbia (TS)",
        "status": "Part of the rollout; datasets to be confirmed",
        "website": "",
        "datasets": [],
        "risk_indicators": [],
        "body": [
            paragraph(
                "Serbia is part of the regional rollout of Integrity Watch. Its datasets are still to be confirmed "
                "(partners choose them in consultation with their Domestic Advisory Group); they will be listed "
                "here, together with the risk indicators the data allows, once confirmed."
            ),
            paragraph("Partner website: " + link("https://transparentnost.org.rs")),
        ],
    },
}

TURKIYE = {
    "model": "PlatformPage",
    "slug": "integrity-watch-turkiye",
    "title": "Integrity Watch Türkiye",
    "fields": {
        "country": "TR",
        "summary": (
            "Part of the regional rollout; datasets to be confirmed. Little political finance data is public in "
            "Türkiye."
        ),
        "operator": "Transparency International Türkiye",
        "status": "Part of the rollout; datasets to be confirmed",
        "website": "",
        "datasets": [],
        "risk_indicators": [],
        "body": [
            paragraph(
                "Türkiye is part of the regional rollout of Integrity Watch; its datasets are still to be confirmed. "
                "Political finance is the hardest area: parliamentary candidates are not required to report on "
                "their campaign finances, spending is not capped and direct political finance data is not public."
            ),
            paragraph("Partner website: " + link("https://seffaflik.org")),
        ],
    },
}

INDEX = {
    "model": "PlatformIndexPage",
    "slug": "platforms",
    "title": "Integrity Watch platforms",
    "fields": {
        "intro": (
            "Each partner builds an Integrity Watch platform that links datasets on political integrity and flags "
            "risks. Here is what each one covers."
        ),
        "body": [
            heading("The model: Integrity Watch in the EU"),
            paragraph(
                "The platforms follow the Integrity Watch model of Transparency International, in use at EU level "
                "since 2014 for MEPs' outside activities, lobby meetings and the EU Transparency Register, with "
                "every dataset downloadable. A companion tool checks procurement notices against 20 risk "
                "indicators."
            ),
        ],
    },
    "children": [KOSOVO, BIH, NORTH_MACEDONIA, SERBIA, TURKIYE],
}
