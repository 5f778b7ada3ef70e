"""Demo content: advocacy campaigns on neutral topics from the research notes (section 5).

Each campaign is about a rule or a dataset, never about a named person. Timeline steps with a date are real
milestones from the notes; steps still to come carry no date. The asks are the campaign's proposals (opinion,
clearly worded as asks), not statements of fact.
"""

import datetime

from .blocks import heading, page_link, paragraph

SKOPJE = datetime.date(2025, 2, 28)
KOSOVO_LAUNCH = datetime.date(2025, 12, 8)
PRILEP = datetime.date(2025, 12, 12)


def step(date: datetime.date | None, title: str, description: str = "") -> tuple[str, dict]:
    """One timeline ``step`` (``date`` None for a step still to come)."""
    return ("step", {"date": date.isoformat() if date else None, "title": title, "description": description})


def ask(text: str) -> tuple[str, str]:
    """One item of the campaign's asks."""
    return ("ask", text)


SKOPJE_STEP = step(
    SKOPJE,
    "Regional Community of Practice sets four priorities",
    "Meeting in Skopje on 27–28 February 2025, the RCP called for better data quality, better-resourced oversight "
    "agencies, interoperable open data and use of the Integrity Watch platforms.",
)


def _campaign(slug, title, country, summary, timeline, asks, body, pledge_heading, pledge_text):
    return {
        "model": "CampaignPage",
        "slug": slug,
        "title": title,
        "fields": {
            "summary": summary,
            "country": country,
            "status": "active",
            "timeline": timeline,
            "asks": asks,
            "body": body,
            "pledge_enabled": True,
            "pledge_heading": pledge_heading,
            "pledge_text": pledge_text,
        },
    }


CAMPAIGNS = [
    _campaign(
        "searchable-register-party-finances-north-macedonia",
        "A searchable register of party financial reports",
        "MK",
        "Political parties in North Macedonia file financial reports. Transparency International – Macedonia "
        "recommends publishing them in one searchable online register that also shows what parties spend on "
        "social-media advertising.",
        [
            step(
                datetime.date(2024, 7, 26),
                "Assessment of political parties recommends a register",
                "TI-Macedonia's National Integrity System assessment of political parties recommends a searchable "
                "online register of their financial reports, including social-media advertising.",
            ),
            SKOPJE_STEP,
            step(
                PRILEP,
                "integritywatch.mk presented in Prilep",
                "The platform, which includes data on the financing of political parties, was presented to the public.",
            ),
            step(None, "A public register of party financial reports", "The goal of this campaign."),
        ],
        [
            ask(
                "Publish every party's annual and campaign financial reports in one online register that anyone can "
                "search and download."
            ),
            ask("Report spending on social-media advertising as a separate item."),
            ask(
                "Publish the reports as open, machine-readable data so that tools such as integritywatch.mk can "
                "reuse them."
            ),
        ],
        [
            heading("Why it matters"),
            paragraph(
                "Reports that cannot be searched or compared do little for accountability. A single register lets "
                "voters, journalists and oversight bodies see who finances parties and how the money is spent, "
                "including on online campaigning."
            ),
            paragraph(
                "Party finance is one of the datasets on " + page_link("integritywatch-mk", "integritywatch.mk") + "."
            ),
        ],
        "Support a searchable register",
        "I support publishing the financial reports of political parties in North Macedonia in one searchable "
        "online register.",
    ),
    _campaign(
        "asset-declarations-open-data-kosovo",
        "Officials' asset declarations as open data",
        "XK",
        "Kosovo has committed, under the Open Government Partnership (commitment XK0017), to publish the asset and "
        "interest declarations of officials as open data. This campaign asks for that commitment to be delivered "
        "in full.",
        [
            SKOPJE_STEP,
            step(
                KOSOVO_LAUNCH,
                "Integrity Watch Kosova launched",
                "The Kosova Democratic Institute's platform brings asset declarations together with political "
                "finance and public procurement data.",
            ),
            step(None, "Declarations published as open data", "The goal of this campaign."),
        ],
        [
            ask("Publish officials' declarations of assets and interests as open, machine-readable data."),
            ask("Keep earlier declarations online so that changes over time can be compared."),
            ask(
                "Use consistent identifiers for officials and companies so declarations can be linked with "
                "procurement and party finance data."
            ),
        ],
        [
            heading("Why it matters"),
            paragraph(
                "Declarations show whether an official's wealth matches their income and whether they hold "
                "interests that conflict with their duties. As open data they can be checked systematically rather "
                "than one document at a time."
            ),
            paragraph(
                "Asset declarations are one of the datasets on "
                + page_link("integrity-watch-kosova", "Integrity Watch Kosova")
                + "."
            ),
        ],
        "Support open asset declarations",
        "I support publishing the asset and interest declarations of officials in Kosovo as open data.",
    ),
    _campaign(
        "campaign-finance-disclosure-turkiye",
        "Disclosure rules for parliamentary candidates' campaign finances",
        "TR",
        "In Türkiye, parliamentary candidates have no duty to report on how they finance their campaigns, there "
        "are no spending limits and direct political finance data is not public. This campaign asks for clear "
        "disclosure rules.",
        [
            SKOPJE_STEP,
            step(None, "Disclosure rules for candidates adopted", "The goal of this campaign."),
        ],
        [
            ask("Require parliamentary candidates to report the income and spending of their campaigns."),
            ask("Set limits on campaign spending."),
            ask("Publish candidates' and parties' financial reports online as open data."),
        ],
        [
            heading("Why it matters"),
            paragraph(
                "Without reports from candidates, voters cannot know who pays for a campaign, and there is no data "
                "for the Integrity Watch approach to work with. Disclosure is the first step towards any other "
                "political finance control."
            ),
            paragraph(
                "Türkiye is part of the " + page_link("integrity-watch-turkiye", "Integrity Watch rollout") + "."
            ),
        ],
        "Support campaign finance disclosure",
        "I support clear rules for parliamentary candidates in Türkiye to disclose their campaign finances.",
    ),
    _campaign(
        "legislative-footprint-serbia",
        "Public debates on draft laws: a legislative footprint for every bill",
        "RS",
        "Transparency Serbia found a period of several months, between February and October of one year, in which "
        "not a single law went through a public debate. This campaign asks for open consultation and a record of "
        "who shaped each bill.",
        [
            SKOPJE_STEP,
            step(None, "Public debate and a footprint for every bill", "The goal of this campaign."),
        ],
        [
            ask("Hold a public debate on every draft law before it goes to parliament."),
            ask(
                "Publish a legislative footprint with each bill: who was consulted, what they proposed and how the "
                "proposals were handled."
            ),
            ask("Publish records of meetings between decision-makers and interest groups about draft laws."),
        ],
        [
            heading("Why it matters"),
            paragraph(
                "Law-making is one of the three areas the programme covers, with political finance and the "
                "allocation of resources. A legislative footprint, which also appears among the indicators of the "
                "EU-level Integrity Watch (lobby meetings followed by amendments), shows whose voice shaped a law."
            ),
        ],
        "Support open law-making",
        "I support public debates and a legislative footprint for every draft law in Serbia.",
    ),
    _campaign(
        "party-donors-public-contracts-bih",
        "Party donors and public contracts: closing the loop",
        "BA",
        "Integrity Watch BiH links donations to parties with public contracts. The figures reported so far show "
        "why the link matters; this campaign asks for rules and data that make it routine to check.",
        [
            SKOPJE_STEP,
            step(
                None,
                "Integrity Watch BiH live",
                "By December 2025 the platform linked procurement, party donations and asset declarations.",
            ),
            step(None, "Donor checks built into procurement oversight", "The goal of this campaign."),
        ],
        [
            ask(
                "Publish party donation records with company registration numbers so they can be matched with "
                "procurement data."
            ),
            ask("Publish a justification for every contract awarded by direct agreement."),
            ask("Publish asset declarations, including company ownership, as open data."),
        ],
        [
            heading("What the data shows (illustrative)"),
            paragraph(
                "TI BiH reports that companies that had donated to parties since 2018 won more than 27,000 public "
                "contracts, worth over 1 billion KM, and that 76.9% of the 2,450 contracts won by companies owned "
                "by officials were direct agreements. These aggregate figures are quoted for illustration; they do "
                "not by themselves show wrongdoing by anyone."
            ),
            paragraph("See " + page_link("integrity-watch-bih", "Integrity Watch BiH") + "."),
        ],
        "Support donor checks",
        "I support open data that links party donations and public contracts in Bosnia and Herzegovina.",
    ),
    _campaign(
        "regional-open-data-interoperability",
        "Interoperable open data on assets, party finance and contracts",
        None,
        "The Regional Community of Practice asked for open data of good quality that can be combined across "
        "officials' assets, political finance and public contracting. This regional campaign takes that priority "
        "forward in all five countries.",
        [
            SKOPJE_STEP,
            step(KOSOVO_LAUNCH, "Integrity Watch Kosova launched", "Three datasets combined on one platform."),
            step(PRILEP, "integritywatch.mk presented in Prilep", "Party finance, procurement and concessions."),
            step(None, "Common open-data standards in all five countries", "The goal of this campaign."),
        ],
        [
            ask(
                "Publish asset declarations, political finance reports and procurement data as open, "
                "machine-readable data."
            ),
            ask("Use the same identifiers for companies, parties and officials across datasets."),
            ask("Give oversight agencies the staff and tools to check and enforce disclosure."),
        ],
        [
            heading("Why it matters"),
            paragraph(
                "Risks to political integrity often show only when datasets are combined: a donor that wins a "
                "contract, an official whose company is paid by the state. That is only possible when each "
                "dataset is open, complete and uses shared identifiers."
            ),
            paragraph(
                "Read the " + page_link("rcp-joint-statement-2025", "joint statement of the Skopje meeting") + "."
            ),
        ],
        "Support interoperable open data",
        "I support open, interoperable data on officials' assets, political finance and public contracts in the "
        "Western Balkans and Türkiye.",
    ),
]


def fact_sheet(spec: dict) -> tuple[str, str, str]:
    """A one-page plain-text fact sheet for the campaign ``spec``: ``(document title, file name, text)``.

    Made from the campaign's own summary, dated timeline steps and asks, so it never says more than the page.
    """
    fields = spec["fields"]
    lines = [f"Campaign fact sheet: {spec['title']}", "", fields["summary"], "", "Milestones:"]
    for _type, value in fields["timeline"]:
        lines.append(f"- {value['date'] or 'Still to come'}: {value['title']}")
    lines += ["", "What we ask:"]
    lines += [f"- {text}" for _type, text in fields["asks"]]
    lines += [
        "",
        "Integrity Watch in the Western Balkans and Turkey. Add your name on the campaign page of the Integrity "
        "Watch Portal, where this fact sheet is kept up to date.",
    ]
    return (f"Fact sheet: {spec['title']}", f"fact-sheet-{spec['slug']}.txt", "\n".join(lines) + "\n")


# Campaigns that offer a fact sheet to download (the CampaignPage "documents" section).
FACT_SHEET_CAMPAIGNS = ["searchable-register-party-finances-north-macedonia", "asset-declarations-open-data-kosovo"]
for _spec in CAMPAIGNS:
    if _spec["slug"] in FACT_SHEET_CAMPAIGNS:
        _spec["documents"] = [fact_sheet(_spec)]

INDEX = {
    "model": "CampaignIndexPage",
    "slug": "campaigns",
    "title": "Campaigns",
    "fields": {
        "intro": "Campaigns for better rules and open data on political integrity. Add your name to those you support."
    },
    "children": CAMPAIGNS,
}
