"""``manage.py load_demo``: the demo site is complete, idempotent, translated, and keeps secrets out of logs.

The command runs once per module (it takes a few seconds); every test then works inside that data, and the whole
module's changes are rolled back at the end.
"""

import html
import io
import re
from collections import Counter
from urllib.parse import urlparse

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from wagtail.fields import StreamField
from wagtail.models import Locale, Page, Site

from portal.demo import programme, site, translations, users
from portal.models import Country

LANGUAGES = ["bs", "sq", "mk", "sr-latn", "tr"]
COUNTRY_CODES = {"BA", "XK", "MK", "RS", "TR"}

# Every external address in the demo content must come from the research notes (no invented URLs).
SOURCED_HOSTS = {
    "kdi-kosova.org",
    "ti-bih.org",
    "transparency.mk",
    "transparentnost.org.rs",
    "seffaflik.org",
    "www.transparency.org",
    "smartbalkansproject.org",
    "integritywatch.mk",
}


def run_load_demo(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Run ``load_demo`` once for the module, inside a transaction rolled back afterwards; yield its output."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            cache.clear()
            output = run_load_demo()
            yield output
            transaction.set_rollback(True)
        cache.clear()  # Wagtail caches site root paths; the rolled-back site must not leak into other modules


@pytest.fixture
def demo_db(demo, db):
    """The demo data, with each test's own changes rolled back."""
    return demo


def english_pages():
    return Page.objects.filter(locale=Locale.get_default(), depth__gt=1).specific()


def page_counts() -> Counter:
    return Counter(
        (page.content_type.model, page.locale.language_code)
        for page in Page.objects.select_related("content_type", "locale")
    )


def test_running_twice_gives_the_same_content(demo_db):
    from wagtail.documents import get_document_model

    from portal.cms.models import MainMenu, MenuItem

    before = (
        page_counts(),
        Country.objects.count(),
        get_user_model().objects.count(),
        get_document_model().objects.count(),
        MainMenu.objects.count(),
        MenuItem.objects.count(),
        Site.objects.count(),
    )
    output = run_load_demo()
    after = (
        page_counts(),
        Country.objects.count(),
        get_user_model().objects.count(),
        get_document_model().objects.count(),
        MainMenu.objects.count(),
        MenuItem.objects.count(),
        Site.objects.count(),
    )
    assert after == before
    assert "0 created, 0 updated" in output


def test_second_run_restores_edited_content_in_place(demo_db):
    about = Page.objects.get(slug="about", locale=Locale.get_default()).specific
    about.title = "Edited by someone"
    about.save_revision().publish()
    run_load_demo()
    about.refresh_from_db()
    assert about.title == "About the programme"
    assert Page.objects.filter(slug="about", locale=Locale.get_default()).count() == 1


def test_home_page_is_the_site_root_and_serves_the_programme(demo_db, client):
    site_obj = Site.objects.get(is_default_site=True)
    assert type(site_obj.root_page.specific).__name__ == "HomePage"
    assert not Page.objects.filter(depth=2, content_type__model="page").exists()  # Wagtail's welcome page is gone
    response = client.get("/")
    assert response.status_code == 200
    assert "Integrity Watch" in response.text
    assert html.escape(programme.HERO_TEXT) in response.text


def test_the_five_countries_exist(demo_db):
    assert set(Country.objects.values_list("code", flat=True)) == COUNTRY_CODES


def test_every_english_page_is_live_and_renders(demo_db, client):
    pages = list(english_pages())
    assert len(pages) >= 45
    for page in pages:
        assert page.live, page.slug
        response = client.get(page.url)
        if getattr(page, "audience", "public") == "members":
            # A members-only event (portal.demo.events) sends anonymous visitors to sign in.
            assert response.status_code == 302 and "login" in response["Location"], (page.url, response.status_code)
            continue
        assert response.status_code == 200, (page.url, response.status_code)


def test_stream_content_passes_the_admin_validation(demo_db):
    """Every StreamField value is valid for its block definition, so editors can save the pages unchanged."""
    for page in english_pages():
        for model_field in page._meta.get_fields():
            if isinstance(model_field, StreamField):
                model_field.stream_block.clean(getattr(page, model_field.name))
        page.full_clean()


def test_campaigns_publications_and_resources(demo_db):
    from portal.cms.models import CampaignPage, PublicationPage, ResourcePage

    english = Locale.get_default()
    campaigns = CampaignPage.objects.live().filter(locale=english)
    assert campaigns.count() >= 3
    for campaign in campaigns:
        assert campaign.summary and campaign.pledge_enabled and campaign.status == "active"
        assert len(campaign.timeline) >= 2 and len(campaign.asks) >= 2
    publication_countries = set(
        PublicationPage.objects.live().filter(locale=english).values_list("country__code", flat=True)
    )
    assert COUNTRY_CODES <= publication_countries
    resource_types = set(ResourcePage.objects.live().filter(locale=english).values_list("resource_type", flat=True))
    assert resource_types == {"tutorial", "syllabus", "guide"}


def test_platform_pages_never_invent_addresses(demo_db):
    from portal.cms.models import PlatformPage

    platforms = {p.country.code: p for p in PlatformPage.objects.filter(locale=Locale.get_default())}
    assert set(platforms) == COUNTRY_CODES
    assert platforms["MK"].website == "https://integritywatch.mk"
    for code in ("BA", "XK", "RS", "TR"):
        assert platforms[code].website == ""
    assert platforms["XK"].status == "Launched 8 December 2025"
    assert {d.value["name"] for d in platforms["XK"].datasets} == {
        "Political financing",
        "Public procurement",
        "Asset declarations",
    }


def test_all_external_links_are_sourced(demo_db):
    href = re.compile(r'href="(https?://[^"]+)"')
    found = set()
    for page in english_pages():
        for model_field in page._meta.get_fields():
            if isinstance(model_field, StreamField):
                found.update(href.findall(str(getattr(page, model_field.name).get_prep_value())))
            elif model_field.name in ("website", "external_url") and getattr(page, model_field.name):
                found.add(f"{getattr(page, model_field.name)}")
    assert found
    assert {urlparse(url).hostname for url in found} <= SOURCED_HOSTS


def test_skopje_news_names_the_four_priorities(demo_db, client):
    from portal.cms.models import NewsPage

    news = NewsPage.objects.get(slug="rcp-meeting-skopje-2025", locale=Locale.get_default())
    assert str(news.date) == "2025-02-28"
    text = client.get(news.url).text
    assert "Skopje" in text
    for phrase in ("legal frameworks", "oversight agencies", "interoperable", "Integrity Watch platforms"):
        assert phrase in text, phrase
    for slug in (
        "integrity-watch-kosova-launched",
        "integrity-watch-presented-in-prilep",
        "north-macedonia-sub-grants-signed",
        "north-macedonia-sub-grant-call-closes",
    ):
        assert NewsPage.objects.filter(slug=slug).exists(), slug


OTHER_LANGUAGE_PREFIXES = tuple(f"/{language}/" for language in LANGUAGES)
HREF = re.compile(r'href="([^"#]*)')


def internal_english_link(url: str) -> str | None:
    """The path of ``url`` when it is an English page address on this site (not a file, admin or feed), else None."""
    parsed = urlparse(html.unescape(url))
    if parsed.scheme not in ("", "http", "https") or (parsed.netloc and parsed.hostname != "testserver"):
        return None
    path = parsed.path
    if not path.startswith("/") or path.startswith(OTHER_LANGUAGE_PREFIXES):
        return None
    if path.startswith(("/static/", "/media/", "/documents/", "/admin/", "/django-admin/")) or "." in path:
        return None
    return path


def test_every_sitemap_page_is_reachable_from_the_home_page_and_menu(demo_db, client):
    """A visitor can reach every English page in the sitemap by following links from the home page.

    Breadth-first crawl from "/" with the test client, following internal links (no query strings) of the default
    locale; every page listed in the sitemap must be reached. The main menu items are checked to be on "/" too.
    """
    host = Site.objects.get(is_default_site=True).root_url
    sitemap = client.get("/sitemap.xml").text
    sitemap_paths = {
        urlparse(loc).path
        for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap)
        if loc.startswith(host) and not urlparse(loc).path.startswith(OTHER_LANGUAGE_PREFIXES)
    }
    assert len(sitemap_paths) >= 45

    home = client.get("/").text
    nav = home.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
    for _label, target in site.MENU_ITEMS:
        href = target if target.startswith("/") else f"/{target}/"
        assert f'href="{href}"' in nav, target

    seen, queue = {"/"}, ["/"]
    while queue:
        path = queue.pop(0)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.text):
            target = internal_english_link(href)
            if target and target not in seen and len(seen) < 500:
                seen.add(target)
                queue.append(target)
    assert sitemap_paths - seen == set()


def test_country_pages_are_linked_from_home_about_and_contact(demo_db, client):
    for path in ("/", "/about/", "/contact/", "/countries/"):
        text = client.get(path).text
        for slug in programme.COUNTRY_SLUGS:
            assert f'href="/countries/{slug}/"' in text, (path, slug)
    # The translated home page links each country to that locale's page.
    assert 'href="/tr/countries/turkiye/"' in client.get("/tr/").text


def test_partner_lists_are_lists_not_line_breaks(demo_db, client):
    for path in ("/about/", "/contact/", "/countries/"):
        text = client.get(path).text
        assert "<br" not in text.split("<main", 1)[1].split("</main>", 1)[0], path
    about = client.get("/about/").text
    assert re.search(r"<li>[^<]*<a [^>]*>Kosovo</a>: Kosova Democratic Institute", about)


def test_campaigns_offer_a_fact_sheet(demo_db, client):
    from portal.cms.models import CampaignPage

    with_documents = [
        c for c in CampaignPage.objects.live().filter(locale=Locale.get_default()) if len(c.documents) > 0
    ]
    assert len(with_documents) >= 2
    for campaign in with_documents:
        document = campaign.documents[0].value
        text = client.get(campaign.url).text
        assert "Documents" in text and document.url in text
        with document.file.open("rb") as handle:
            content = handle.read().decode("utf-8")
        assert campaign.title in content and campaign.summary in content


def test_sitemap_lists_the_site(demo_db, client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.text.count("<loc>") >= 15


def test_search_finds_the_skopje_news(demo_db, client):
    response = client.get(reverse("search"), {"q": "Skopje"})
    assert response.status_code == 200
    assert "Regional Community of Practice meets in Skopje" in response.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_locale_home_shows_the_translated_hero(demo_db, client, language):
    hero_title = translations.HOME[language][programme.HERO_TITLE]
    hero_text = translations.HOME[language][programme.HERO_TEXT]
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    assert html.escape(hero_title) in response.text
    assert html.escape(hero_text) in response.text
    assert html.escape(programme.HERO_TEXT) not in response.text


def test_every_home_page_string_has_a_translation(demo_db):
    """A change to the English home page must come with its translations, or a locale would show English."""
    from portal.cms.models import HomePage
    from portal.i18n import source_strings

    strings = set(source_strings(HomePage.objects.get(locale=Locale.get_default())))
    for language in LANGUAGES:
        assert strings - set(translations.HOME[language]) == set(), language


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_locale_menu_is_translated(demo_db, client, language):
    from portal.cms.models import MainMenu

    menu = MainMenu.objects.get(locale__language_code=language)
    labels = [item.label for item in menu.items.order_by("sort_order")]
    expected = [translations.MENU[language][label] for label, _slug in site.MENU_ITEMS]
    assert labels == expected
    nav = client.get(f"/{language}/").text.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
    for label, target in site.MENU_ITEMS:
        translated = html.escape(translations.MENU[language][label])
        href = f"/{language}{target}" if target.startswith("/") else f"/{language}/{target}/"
        assert f'href="{href}">{translated}</a>' in nav, (label, nav)


def test_untranslated_pages_exist_in_every_locale(demo_db, client):
    for language in LANGUAGES:
        response = client.get(f"/{language}/news/rcp-meeting-skopje-2025/")
        assert response.status_code == 200, language


def test_the_events_exist_in_every_locale(demo_db):
    """The events index and every event (portal.demo.events) are aliased into each locale by the page-tree sync."""
    from events.models import EventIndexPage, EventPage

    english = Locale.get_default()
    pages = [EventIndexPage.objects.get(locale=english), *EventPage.objects.filter(locale=english)]
    assert len(pages) >= 11
    for page in pages:
        languages = set(
            Page.objects.filter(translation_key=page.translation_key).values_list("locale__language_code", flat=True)
        )
        assert languages == {"en", *LANGUAGES}, page.slug


def test_footer_text_fields_are_left_to_the_translated_defaults(demo_db, client, settings):
    """load_demo leaves the footer's wording empty, so each language shows the template's translated credits."""
    from django.utils import translation

    from portal.cms.models import FooterSettings

    footer = FooterSettings.for_site(Site.objects.get(is_default_site=True))
    assert footer.funder_eu_credit == footer.funder_norway_credit == footer.disclaimer == ""
    assert footer.contact_email == settings.PORTAL_CONTACT_EMAIL
    for field_name in ("funder_eu_credit", "funder_norway_credit", "disclaimer"):
        assert "standard translated" in str(FooterSettings._meta.get_field(field_name).help_text)

    english = client.get("/").text.split('class="site-footer"', 1)[1]
    assert "Funded by the European Union." in english and "SMART Balkans" in english
    with translation.override("tr"):
        turkish_credit = translation.gettext("Funded by the European Union.")
    assert turkish_credit != "Funded by the European Union."
    turkish = client.get("/tr/").text.split('class="site-footer"', 1)[1]
    assert html.escape(turkish_credit) in turkish
    assert "Funded by the European Union." not in turkish


def test_demo_users_have_roles_verified_emails_and_staff_totp(demo_db):
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    User = get_user_model()
    for role in users.ROLES:
        user = User.objects.get(email=role.email)
        assert user.groups.filter(name=role.group).exists()
        assert EmailAddress.objects.filter(user=user, email=role.email, verified=True, primary=True).exists()
        assert user.is_staff == role.is_staff and user.is_superuser == role.is_superuser
        has_totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        assert has_totp == role.totp
    staff = User.objects.get(email=f"staff@{users.DEMO_DOMAIN}")
    assert staff.has_perm("wagtailadmin.access_admin")
    assert staff.has_perm("cms.change_mainmenu")


def test_secrets_are_not_printed_without_debug(demo, demo_db, settings):
    settings.DEBUG = False
    assert "password:" not in demo and "TOTP secret" not in demo  # the first run, with the test settings
    output = run_load_demo("--reset-passwords")
    assert "password:" not in output and "TOTP secret" not in output
    assert "not shown because DEBUG is off" in output


def test_rerun_without_reset_prints_no_secrets_even_in_debug(demo_db, settings):
    settings.DEBUG = True
    output = run_load_demo()
    assert "password:" not in output


def test_debug_reset_prints_working_passwords_and_totp_secrets(demo_db, settings):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value, yield_hotp_counters_from_time

    settings.DEBUG = True
    output = run_load_demo("--reset-passwords")
    lines = {line.split()[1]: line for line in output.splitlines() if "password:" in line}
    assert set(lines) == {role.email for role in users.ROLES}
    for role in users.ROLES:
        password = re.search(r"password: (\S+)", lines[role.email]).group(1)
        assert authenticate(email=role.email, password=password) is not None
    staff_line = lines[f"staff@{users.DEMO_DOMAIN}"]
    secret = re.search(r"TOTP secret \(base32\): (\S+)", staff_line).group(1)
    authenticator = Authenticator.objects.get(user__email=f"staff@{users.DEMO_DOMAIN}", type="totp")
    counters = list(yield_hotp_counters_from_time())
    code = format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))
    assert TOTP(authenticator).validate_code(code)
