"""Main menu (per locale with fallback, aria-current) and footer settings."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.cms.models import FooterSettings, MainMenu, MenuItem
from tests.portal.factories import NewsIndexPageFactory, StandardPageFactory


def nav_html(html: str) -> str:
    start = html.index('<nav class="main-nav"')
    return html[start : html.index("</nav>", start)]


@pytest.fixture
def pages(home_page):
    about = StandardPageFactory(parent=home_page, title="About", show_in_menus=True)
    news = NewsIndexPageFactory(parent=home_page, title="News", show_in_menus=True)
    hidden = StandardPageFactory(parent=home_page, title="Hidden page", show_in_menus=False)
    return about, news, hidden


@pytest.fixture
def menu(home_page, pages):
    about, news, _ = pages
    menu = MainMenu.objects.create(title="Main menu")
    MenuItem.objects.create(menu=menu, link_page=about, sort_order=0)
    MenuItem.objects.create(menu=menu, link_page=news, label="Latest news", sort_order=1)
    MenuItem.objects.create(menu=menu, link_url="https://integritywatch.eu/", label="EU Integrity Watch", sort_order=2)
    return menu


@pytest.mark.django_db
def test_without_a_menu_the_home_children_in_menus_are_listed(client, pages):
    about, news, _ = pages
    nav = nav_html(client.get(about.url).content.decode())
    assert ">About</a>" in nav and ">News</a>" in nav and "Hidden page" not in nav
    assert f'href="{about.url}" aria-current="page"' in nav


@pytest.mark.django_db
def test_menu_snippet_is_rendered_in_order_with_aria_current(client, menu, pages):
    about, news, _ = pages
    nav = nav_html(client.get(news.url).content.decode())
    assert nav.index(">About<") < nav.index(">Latest news<") < nav.index(">EU Integrity Watch<")
    assert f'href="{news.url}" aria-current="page"' in nav
    assert f'href="{about.url}">' in nav  # not current
    assert 'href="https://integritywatch.eu/"' in nav


@pytest.mark.django_db
def test_section_is_marked_for_pages_below_it(client, menu, pages):
    about = pages[0]
    child = StandardPageFactory(parent=about, title="Partners")
    nav = nav_html(client.get(child.url).content.decode())
    assert f'href="{about.url}" aria-current="true"' in nav


@pytest.mark.django_db
def test_other_locales_fall_back_to_the_default_menu_with_translated_pages(client, menu, pages, locale_tr):
    about = pages[0]
    tr_about = about.copy_for_translation(locale_tr, copy_parents=True, alias=False)
    tr_about.title = "Hakkında"
    tr_about.save_revision().publish()
    nav = nav_html(client.get(tr_about.url).content.decode())
    assert f'href="{tr_about.url}" aria-current="page">Hakkında</a>' in nav  # translated page and its title
    assert tr_about.url.startswith("/tr/")


@pytest.mark.django_db
def test_a_menu_in_the_visitors_locale_wins(client, menu, pages, locale_tr):
    tr_menu = MainMenu.objects.create(title="Ana menü", locale=locale_tr, translation_key=menu.translation_key)
    MenuItem.objects.create(menu=tr_menu, link_url="/tr/", label="Ana sayfa", sort_order=0)
    tr_about = pages[0].copy_for_translation(locale_tr, copy_parents=True, alias=False)
    tr_about.save_revision().publish()
    nav = nav_html(client.get(tr_about.url).content.decode())
    assert "Ana sayfa" in nav and "Latest news" not in nav


@pytest.mark.django_db
def test_translating_the_menu_gives_turkish_labels_under_tr(client, menu, pages, locale_tr):
    """wagtail-localize translates the menu with its items (MenuItem is TranslatableMixin): labels in Turkish."""
    from portal.i18n import source_strings, translate_instance

    assert {"Latest news", "EU Integrity Watch"} <= set(source_strings(menu))
    assert "https://integritywatch.eu/" not in source_strings(menu)  # addresses are copied, not translated
    tr_about = pages[0].copy_for_translation(locale_tr, copy_parents=True, alias=False)
    tr_about.title = "Hakkında"
    tr_about.save_revision().publish()
    turkish = {"Latest news": "Son haberler", "EU Integrity Watch": "AB Dürüstlük İzleme"}

    tr_menu = translate_instance(menu, "tr", turkish)
    translate_instance(menu, "tr", turkish)  # idempotent: updates the same rows

    assert tr_menu.locale == locale_tr and tr_menu.translation_key == menu.translation_key
    items = list(tr_menu.items.order_by("sort_order"))
    assert [item.locale_id for item in items] == [locale_tr.pk] * 3
    english = list(menu.items.order_by("sort_order"))
    assert [item.translation_key for item in items] == [item.translation_key for item in english]
    assert MenuItem.objects.filter(locale=locale_tr).count() == 3
    nav = nav_html(client.get(tr_about.url).content.decode())
    assert nav.index(">Hakkında<") < nav.index(">Son haberler<") < nav.index(">AB Dürüstlük İzleme<")
    assert "Latest news" not in nav and "EU Integrity Watch" not in nav
    assert 'href="https://integritywatch.eu/"' in nav
    # The English menu is untouched.
    english_nav = nav_html(client.get(pages[0].url).content.decode())
    assert ">Latest news<" in english_nav and "Son haberler" not in english_nav


@pytest.mark.django_db
def test_menu_query_count_is_constant(client, menu, pages, home_page):
    def count():
        client.get(pages[0].url)
        with CaptureQueriesContext(connection) as queries:
            client.get(pages[0].url)
        return len(queries)

    before = count()
    for n in range(10):
        page = StandardPageFactory(parent=home_page, title=f"Extra {n}")
        MenuItem.objects.create(menu=menu, link_page=page, sort_order=10 + n)
    assert count() == before


@pytest.mark.django_db
def test_footer_defaults_name_both_funders_and_the_disclaimer(client, home_page):
    html = client.get(home_page.url).content.decode()
    assert "Funded by the European Union." in html
    assert "SMART Balkans, funded by the Norwegian Ministry of Foreign Affairs" in html
    assert "do not necessarily reflect those of the European Union" in html


@pytest.mark.django_db
def test_footer_settings_override_the_defaults(client, home_page):
    from wagtail.models import Site

    footer = FooterSettings.for_site(Site.objects.get(is_default_site=True))
    footer.funder_eu_credit = "EU credit from settings"
    footer.funder_norway_credit = "Norway credit from settings"
    footer.disclaimer = "Disclaimer <b>from</b> settings"
    footer.contact_email = "info@example.org"
    footer.save()
    html = client.get(home_page.url).content.decode()
    assert "EU credit from settings" in html and "Norway credit from settings" in html
    assert "Disclaimer &lt;b&gt;from&lt;/b&gt; settings" in html  # plain text, escaped
    assert 'href="mailto:info@example.org"' in html


@pytest.mark.django_db
def test_a_site_path_item_follows_the_visitors_language(client, menu, pages, locale_tr):
    """An item with the path of a Django view (no language prefix) opens that view in the visitor's language; a
    Wagtail page path, a prefixed path and an absolute URL are left as they are."""
    from portal.cms.templatetags.cms_tags import localised_site_path

    MenuItem.objects.create(menu=menu, link_url="/search/", label="Find", sort_order=3)
    tr_about = pages[0].copy_for_translation(locale_tr, copy_parents=True, alias=False)
    tr_about.save_revision().publish()
    nav = nav_html(client.get(tr_about.url).content.decode())
    assert 'href="/tr/search/">Find</a>' in nav
    nav = nav_html(client.get(pages[0].url).content.decode())
    assert 'href="/search/">Find</a>' in nav

    assert localised_site_path("/search/?q=x", "mk") == "/mk/search/?q=x"
    assert localised_site_path("/tr/search/", "mk") == "/tr/search/"
    assert localised_site_path("/about/", "mk") == "/about/"  # a Wagtail page: link the page instead
    assert localised_site_path("https://integritywatch.eu/", "mk") == "https://integritywatch.eu/"
    assert localised_site_path("/sitemap.xml", "mk") == "/sitemap.xml"
