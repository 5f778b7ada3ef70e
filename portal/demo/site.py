"""Demo content: the footer settings and the main menu (labels and the page or site path each item opens)."""

# The footer's text fields are left empty so the template shows its standard wording, translated into the
# visitor's language (templates/includes/footer.html); filled fields would show the same text in every language.
# Running load_demo again empties fields an earlier version had filled. The contact address is set by load_demo.
FOOTER = {"funder_eu_credit": "", "funder_norway_credit": "", "disclaimer": ""}

MENU_TITLE = "Main menu"

# (label, slug of the English page the item opens, or a site path "/…" of a Django view: the menu shows that path
# in the visitor's language, see portal.cms.templatetags.cms_tags.localised_site_path)
MENU_ITEMS = [
    ("About", "about"),
    ("Countries", "countries"),
    ("Platforms", "platforms"),
    ("News", "news"),
    ("Campaigns", "campaigns"),
    ("Resources", "resources"),
    ("Publications", "publications"),
    ("Calls for proposals", "calls"),
    ("Grants awarded", "/grants/awarded/"),
    ("Communities", "communities"),
    ("Events", "events"),
    ("Contact", "contact"),
]
