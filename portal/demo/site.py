"""Demo content: the footer settings and the main menu (labels and the slug of the page each item opens)."""

from .partners import KOSOVO_FOOTNOTE

FOOTER = {
    "funder_eu_credit": "This programme is supported by the European Union.",
    "funder_norway_credit": (
        "It is also supported by the regional project SMART Balkans – Civil Society for Shared Society in the "
        "Western Balkans, implemented by CPCD, CRPM and IDM and financed by the Ministry of Foreign Affairs of the "
        "Kingdom of Norway."
    ),
    "disclaimer": (
        "This website was produced with the financial support of the European Union and of the SMART Balkans "
        "project, financed by the Norwegian Ministry of Foreign Affairs. Its contents are the sole responsibility "
        "of the Integrity Watch consortium led by the Kosova Democratic Institute and do not necessarily reflect "
        "the views of the European Union, the Norwegian Ministry of Foreign Affairs or the SMART Balkans partners.\n"
        + KOSOVO_FOOTNOTE
    ),
}

MENU_TITLE = "Main menu"

# (label, slug of the English page the item opens)
MENU_ITEMS = [
    ("About", "about"),
    ("Platforms", "platforms"),
    ("News", "news"),
    ("Campaigns", "campaigns"),
    ("Resources", "resources"),
    ("Publications", "publications"),
    ("DAGs & RCP", "dags-and-rcp"),
    ("Contact", "contact"),
]
