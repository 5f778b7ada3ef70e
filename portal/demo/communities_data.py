"""Demo data of the communities (``load_demo``): the RCP and the five DAGs, their fictional members, documents,
discussions, announcements, dataset consultations with their decisions, and one bilateral exchange.

Sourced facts (programme context, sections 1.1, 1.3 and 3), in our own words: the host partners; DAGs advise their
partner on which datasets the national Integrity Watch platform publishes; what the live platforms cover; the RCP's
regional meeting in Skopje on 27–28 February 2025 and the four priorities of its joint statement.

Everything else is demo data: **every person is fictional** (no real person's name is used on purpose) and signs in
with nothing (unusable password) at the reserved demo domain :data:`MEMBERS_DOMAIN`; the organisations of civil
society and media members are the invented ones of the grants demo or invented here; public bodies and universities
are named only as the kind of employer the context's "recommended demo model" lists. Dates, posts, ballots and
decisions are illustrative.
"""

# Consent codes: which roster columns a member agreed to show publicly.
FULL = "full"  # name, organisation and sector
NAME = "name"  # name only
NAME_ORG = "name+org"
NAME_SECTOR = "name+sector"
NONE = "none"  # not listed

KDI = "Kosova Democratic Institute – Transparency International Kosova"
PA, CS, MEDIA, ACADEMIA = "public_authority", "civil_society", "media", "academia"
COORDINATOR, MEMBER, OBSERVER = "coordinator", "member", "observer"

# The host partners (legal names as in portal.demo.partners.CONSORTIUM) and their country.
HOSTS = {
    "KDI": "XK",
    "TI BiH": "BA",
    "TI-M": "MK",
    "TS": "RS",
    "TI Türkiye": "TR",
}

# key (= Community.slug), kind, country code, English name, short name, host (short name), time zone, language of
# the members' interface (User.preferred_language)
COMMUNITIES = [
    ("rcp", "rcp", None, "Regional Community of Practice", "RCP", "KDI", "Europe/Belgrade", "en"),
    (
        "dag-ba",
        "dag",
        "BA",
        "Domestic Advisory Group – Bosnia and Herzegovina",
        "DAG BiH",
        "TI BiH",
        "Europe/Sarajevo",
        "bs",
    ),
    ("dag-xk", "dag", "XK", "Domestic Advisory Group – Kosovo", "DAG Kosovo", "KDI", "Europe/Belgrade", "sq"),
    (
        "dag-mk",
        "dag",
        "MK",
        "Domestic Advisory Group – North Macedonia",
        "DAG North Macedonia",
        "TI-M",
        "Europe/Skopje",
        "mk",
    ),
    ("dag-rs", "dag", "RS", "Domestic Advisory Group – Serbia", "DAG Serbia", "TS", "Europe/Belgrade", "sr-latn"),
    ("dag-tr", "dag", "TR", "Domestic Advisory Group – Türkiye", "DAG Türkiye", "TI Türkiye", "Europe/Istanbul", "tr"),
]

# Members per community: (first name, last name, sector, role, organisation, position, expertise codes, consent,
# member since "YYYY-MM-DD", left on "YYYY-MM-DD" or "").
# fmt: off
MEMBERS = {
    "rcp": [
        ("Dren", "Kelmendi", CS, COORDINATOR, KDI, "Regional coordinator",
         ("open_data", "political_finance"), FULL, "2024-09-16", ""),
        ("Sophie", "Lindqvist", CS, MEMBER, "Transparency International Secretariat", "Programme officer",
         ("open_data", "oversight"), FULL, "2024-09-16", ""),
        ("Marko", "Perić", ACADEMIA, MEMBER, "Independent researcher", "Data analyst",
         ("data_analysis", "public_procurement"), NAME_SECTOR, "2025-02-27", ""),
        ("Teuta", "Hajdari", MEDIA, OBSERVER, "Balkan Data Journalism Network (demo)", "Editor",
         ("investigative_journalism",), NAME, "2025-02-27", ""),
    ],
    "dag-ba": [
        ("Amra", "Hadžić", CS, COORDINATOR, "Transparency International in Bosnia and Herzegovina",
         "DAG coordinator", ("open_data", "political_finance"), FULL, "2023-10-12", ""),
        ("Emir", "Kovačević", PA, MEMBER, "Central Election Commission", "Adviser on party financing",
         ("political_finance", "elections"), NAME, "2023-10-12", ""),
        ("Jelena", "Marić", PA, MEMBER, "Anti-corruption agency", "Senior adviser",
         ("asset_declarations", "oversight"), NAME_SECTOR, "2023-10-12", ""),
        ("Mirza", "Delić", PA, OBSERVER, "Public procurement agency", "Procurement analyst",
         ("public_procurement",), NONE, "2024-02-05", ""),
        ("Nermin", "Šabić", CS, MEMBER, "Civic Data Hub Mostar", "Data lead",
         ("open_data", "data_analysis"), FULL, "2023-10-12", ""),
        ("Lejla", "Begović", CS, MEMBER, "Open Municipality Tuzla", "Programme manager",
         ("public_procurement",), FULL, "2023-10-12", ""),
        ("Aida", "Karić", CS, MEMBER, "Zenica Citizens' Watch (demo)", "Legal officer",
         ("law", "asset_declarations"), FULL, "2024-02-05", ""),
        ("Selma", "Mehmedović", MEDIA, MEMBER, "Sarajevo Data Desk (demo)", "Investigative journalist",
         ("investigative_journalism", "public_procurement"), NONE, "2023-10-12", ""),
        ("Драган", "Савић", MEDIA, MEMBER, "Banja Luka Open Newsroom (demo)", "Editor",
         ("investigative_journalism",), NAME_ORG, "2023-10-12", ""),
        ("Ivana", "Čolić", ACADEMIA, MEMBER, "Faculty of Political Science, Sarajevo", "Associate professor",
         ("political_finance", "elections"), FULL, "2023-10-12", ""),
        ("Haris", "Đulić", ACADEMIA, MEMBER, "Faculty of Economics, Banja Luka", "Researcher",
         ("data_analysis",), NAME, "2024-05-20", ""),
        ("Tarik", "Šehović", CS, MEMBER, "Civic Data Hub Mostar", "Developer",
         ("open_data",), NAME_ORG, "2024-05-20", ""),
    ],
    "dag-xk": [
        ("Arta", "Berisha", CS, COORDINATOR, KDI, "DAG coordinator",
         ("open_data", "political_finance"), FULL, "2023-11-08", ""),
        ("Blerim", "Krasniqi", PA, MEMBER, "Anti-corruption agency", "Head of asset declarations unit",
         ("asset_declarations",), NAME_SECTOR, "2023-11-08", ""),
        ("Drita", "Gashi", PA, MEMBER, "Central Election Commission", "Political finance auditor",
         ("political_finance", "elections"), NAME, "2023-11-08", ""),
        ("Shpëtim", "Morina", PA, OBSERVER, "Procurement regulator", "Legal adviser",
         ("public_procurement", "law"), NONE, "2024-03-11", ""),
        ("Fatmir", "Hoxha", CS, MEMBER, "Prizren Accountability Forum", "Executive director",
         ("oversight",), FULL, "2023-11-08", ""),
        ("Lirije", "Shala", CS, MEMBER, "Budget Watch Gjilan", "Budget analyst",
         ("public_procurement", "data_analysis"), FULL, "2023-11-08", ""),
        ("Ardit", "Çela", CS, MEMBER, "Mitrovicë Youth Initiative (demo)", "Project officer",
         ("open_data",), NAME_ORG, "2024-03-11", ""),
        ("Милица", "Петровић", CS, MEMBER, "Gračanica Civic Initiative (demo)", "Coordinator",
         ("law_making",), FULL, "2024-03-11", ""),
        ("Elona", "Dervishi", MEDIA, MEMBER, "Prishtina Data Desk (demo)", "Data journalist",
         ("investigative_journalism", "data_analysis"), FULL, "2023-11-08", ""),
        ("Kushtrim", "Rexhepi", MEDIA, MEMBER, "Ferizaj Local Radio (demo)", "Reporter",
         ("investigative_journalism",), NONE, "2023-11-08", ""),
        ("Arbër", "Zeqiri", ACADEMIA, MEMBER, "Faculty of Law, Prishtina", "Lecturer",
         ("law", "law_making"), FULL, "2023-11-08", ""),
        ("Mimoza", "Bytyçi", ACADEMIA, MEMBER, "Institute for Public Data (demo)", "Researcher",
         ("data_analysis", "open_data"), NAME_SECTOR, "2024-03-11", ""),
    ],
    "dag-mk": [
        ("Марија", "Стојановска", CS, COORDINATOR, "Transparency International – Macedonia", "DAG coordinator",
         ("open_data", "political_finance"), FULL, "2023-09-26", ""),
        ("Александар", "Трајковски", PA, MEMBER, "Anti-corruption commission", "Adviser on conflicts of interest",
         ("asset_declarations", "oversight"), NAME_SECTOR, "2023-09-26", ""),
        ("Елена", "Николовска", PA, MEMBER, "State audit office", "Auditor",
         ("oversight", "political_finance"), NAME, "2023-09-26", ""),
        ("Катерина", "Митреска", PA, OBSERVER, "Municipal procurement unit, Prilep", "Procurement officer",
         ("public_procurement",), NONE, "2024-04-15", ""),
        ("Горан", "Петрушевски", CS, MEMBER, "Bitola Civic Lab", "Programme director",
         ("political_finance", "elections"), FULL, "2023-09-26", ""),
        ("Ивана", "Ристеска", CS, MEMBER, "Ohrid Public Money Observatory", "Researcher",
         ("public_procurement", "data_analysis"), FULL, "2023-09-26", ""),
        ("Besnik", "Rexhepi", CS, MEMBER, "Tetovo Youth for Transparency", "Project manager",
         ("open_data",), FULL, "2023-09-26", ""),
        ("Драган", "Стефановски", MEDIA, MEMBER, "Skopje Data Newsroom (demo)", "Editor",
         ("investigative_journalism", "data_analysis"), NAME_ORG, "2023-09-26", ""),
        ("Ана", "Јованоска", MEDIA, MEMBER, "Freelance", "Investigative journalist",
         ("investigative_journalism",), NONE, "2024-04-15", ""),
        ("Vlora", "Ismaili", ACADEMIA, MEMBER, "University in Tetovo (demo)", "Assistant professor",
         ("law", "law_making"), NAME_SECTOR, "2023-09-26", ""),
        ("Бојан", "Ангеловски", ACADEMIA, MEMBER, "Faculty of Law, Skopje", "Associate professor",
         ("law", "political_finance"), FULL, "2023-09-26", ""),
        ("Никола", "Јанев", CS, MEMBER, "Kumanovo Citizens' Forum (demo)", "Volunteer",
         ("elections",), NAME, "2023-09-26", "2025-06-30"),
    ],
    "dag-rs": [
        ("Ненад", "Јовановић", CS, COORDINATOR, "Transparency Serbia", "DAG coordinator",
         ("law_making", "political_finance"), FULL, "2023-10-19", ""),
        ("Јелена", "Марковић", PA, MEMBER, "Anti-corruption agency", "Adviser on political finance",
         ("political_finance", "asset_declarations"), NAME_SECTOR, "2023-10-19", ""),
        ("Miloš", "Đorđević", PA, OBSERVER, "State audit institution", "Auditor",
         ("oversight",), NONE, "2023-10-19", ""),
        ("Ђорђе", "Лазић", PA, MEMBER, "City procurement office, Niš", "Procurement officer",
         ("public_procurement",), NAME, "2024-06-03", ""),
        ("Ана", "Илић", CS, MEMBER, "Novi Sad Integrity Network", "Executive director",
         ("law_making", "oversight"), FULL, "2023-10-19", ""),
        ("Stefan", "Nikolić", CS, MEMBER, "Kragujevac Civic Forum (demo)", "Analyst",
         ("public_procurement", "data_analysis"), FULL, "2023-10-19", ""),
        ("Milica", "Radosavljević", CS, MEMBER, "Subotica Open Budget (demo)", "Programme manager",
         ("open_data",), FULL, "2024-06-03", ""),
        ("Јована", "Стојковић", MEDIA, MEMBER, "Niš Local Media Initiative", "Journalist",
         ("investigative_journalism",), NAME_ORG, "2023-10-19", ""),
        ("Marko", "Živković", MEDIA, MEMBER, "Belgrade Data Desk (demo)", "Data journalist",
         ("investigative_journalism", "data_analysis"), NAME, "2023-10-19", ""),
        ("Драгана", "Павловић", ACADEMIA, MEMBER, "Faculty of Political Sciences, Belgrade", "Professor",
         ("elections", "political_finance"), FULL, "2023-10-19", ""),
        ("Vladimir", "Šćepanović", ACADEMIA, MEMBER, "Institute of Social Sciences (demo)", "Researcher",
         ("data_analysis",), NAME_SECTOR, "2024-06-03", ""),
    ],
    "dag-tr": [
        ("Elif", "Şahin", CS, COORDINATOR, "Transparency International Türkiye", "DAG coordinator",
         ("open_data", "public_procurement"), FULL, "2023-12-07", ""),
        ("İbrahim", "Çelik", PA, OBSERVER, "Municipal audit office (demo)", "Auditor",
         ("oversight",), NONE, "2023-12-07", ""),
        ("Oğuz", "Erdem", PA, MEMBER, "Metropolitan municipality transparency office (demo)", "Head of unit",
         ("open_data",), NAME, "2024-04-22", ""),
        ("Ayşe", "Yıldız", CS, MEMBER, "İzmir Open Council Association", "Co-founder",
         ("law_making", "open_data"), FULL, "2023-12-07", ""),
        ("Mehmet", "Öztürk", CS, MEMBER, "Anatolian Data Literacy Foundation", "Data trainer",
         ("data_analysis", "open_data"), FULL, "2023-12-07", ""),
        ("Selin", "Arslan", CS, MEMBER, "Bursa Civic Watch (demo)", "Researcher",
         ("public_procurement",), FULL, "2024-04-22", ""),
        ("Işıl", "Yılmaz", CS, MEMBER, "Eskişehir Youth Integrity Network (demo)", "Coordinator",
         ("elections",), NAME_ORG, "2024-04-22", ""),
        ("Zeynep", "Kılıç", MEDIA, MEMBER, "Ankara Data Newsroom (demo)", "Data editor",
         ("investigative_journalism", "data_analysis"), NAME_ORG, "2023-12-07", ""),
        ("Burak", "Doğan", MEDIA, MEMBER, "Freelance", "Investigative journalist",
         ("investigative_journalism",), NONE, "2023-12-07", ""),
        ("Gülşen", "Aydın", ACADEMIA, MEMBER, "Faculty of Political Science, Ankara", "Associate professor",
         ("political_finance", "law"), FULL, "2023-12-07", ""),
        ("Emre", "Karataş", ACADEMIA, MEMBER, "Department of Public Administration, İstanbul", "Lecturer",
         ("law_making",), NAME_SECTOR, "2023-12-07", ""),
        ("Hakan", "Güneş", ACADEMIA, MEMBER, "Institute for Open Government Research (demo)", "Researcher",
         ("open_data", "data_analysis"), NAME, "2024-04-22", ""),
    ],
}
# fmt: on

# The two demo logins of portal.demo.users (keys of users.ROLES) and their place in DAG North Macedonia. They are
# not listed publicly (their names say what they are for).
# fmt: off
DEMO_LOGINS = [
    ("dag_coordinator", "dag-mk", COORDINATOR, CS, "Transparency International – Macedonia", "Deputy coordinator",
     ("open_data",), "2024-01-15"),
    ("dag_member", "dag-mk", MEMBER, ACADEMIA, "Faculty of Law, Skopje", "Researcher", ("data_analysis",),
     "2024-01-15"),
]
# fmt: on
