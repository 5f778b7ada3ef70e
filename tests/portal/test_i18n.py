"""Languages: every locale has the page tree, untranslated pages show English, translations, the switcher."""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.utils import translation
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail_localize.models import StringTranslation, Translation

from portal.i18n import ensure_locales, language_links, source_strings, sync_page_trees, translate_instance

CODES = ["en", "bs", "sq", "mk", "sr-latn", "tr"]
PREFIXES = {"en": "/", "bs": "/bs/", "sq": "/sq/", "mk": "/mk/", "sr-latn": "/sr-latn/", "tr": "/tr/"}
TEMPLATES_DIR = Path(__file__).parent / "i18n_templates"


@pytest.fixture(autouse=True)
def page_template(settings):
    """Plain wagtailcore.Page instances render with the site's base.html (header, switcher, hreflang links)."""
    engine = dict(settings.TEMPLATES[0])
    engine["DIRS"] = [TEMPLATES_DIR, *engine["DIRS"]]
    settings.TEMPLATES = [engine]


@pytest.fixture
def tree(db):
    """English home (site root) → about → partners, synchronised into every locale."""
    ensure_locales()
    root = Page.get_first_root_node()
    home = root.add_child(instance=Page(title="Portal home", slug="portal-home"))
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="IW")
    about = home.add_child(instance=Page(title="About the programme", slug="about"))
    partners = about.add_child(instance=Page(title="Consortium partners", slug="partners"))
    sync_page_trees()
    return {"home": home, "about": about, "partners": partners}


class _Links(HTMLParser):
    """Collects <a> inside <nav class="language-switcher"> and <link rel="alternate"> elements."""

    def __init__(self):
        super().__init__()
        self.in_switcher = False
        self.switcher: list[dict] = []
        self.alternates: list[dict] = []
        self.html_lang = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if tag == "nav" and "language-switcher" in (attrs.get("class") or ""):
            self.in_switcher = True
        elif tag == "a" and self.in_switcher:
            self.switcher.append(attrs)
        elif tag == "link" and attrs.get("rel") == "alternate":
            self.alternates.append(attrs)

    def handle_endtag(self, tag):
        if tag == "nav":
            self.in_switcher = False


def parse(response) -> _Links:
    parser = _Links()
    parser.feed(response.content.decode())
    return parser


# --- locales ------------------------------------------------------------------------------------------------


def test_ensure_locales_is_idempotent_and_follows_settings(db):
    first = ensure_locales()
    second = ensure_locales()
    assert [locale.language_code for locale in first] == CODES
    assert [locale.pk for locale in first] == [locale.pk for locale in second]
    assert Locale.objects.count() == len(CODES)


def test_sr_latn_is_one_code_for_django_and_wagtail(db):
    ensure_locales()
    with translation.override("sr-latn"):
        assert translation.get_language() == "sr-latn"
        assert Locale.get_active().language_code == "sr-latn"
        assert translation.gettext("Skip to main content") == "Pređi na glavni sadržaj"  # from locale/sr_Latn
    assert Locale.objects.get(language_code="sr-latn").get_display_name() == "Srpski (latinica)"


# --- page trees ---------------------------------------------------------------------------------------------


def test_every_locale_has_the_whole_tree(tree):
    for code in CODES:
        locale = Locale.objects.get(language_code=code)
        titles = set(Page.objects.filter(locale=locale, depth__gt=1).values_list("title", flat=True))
        assert {"Portal home", "About the programme", "Consortium partners"} <= titles, code


@pytest.mark.parametrize("code", CODES)
def test_locale_prefixes_serve_the_english_text_until_translated(client, tree, code):
    for path in ("", "about/", "about/partners/"):
        response = client.get(PREFIXES[code] + path)
        assert response.status_code == 200, (code, path)
    assert "Consortium partners" in response.content.decode()
    assert parse(response).html_lang == code


@pytest.mark.parametrize(
    ("code", "skip_link"),
    [
        ("bs", "Preskoči na glavni sadržaj"),
        ("sq", "Kalo te përmbajtja kryesore"),
        ("mk", "Премини на главната содржина"),
        ("sr-latn", "Pređi na glavni sadržaj"),
        ("tr", "Ana içeriğe geç"),
    ],
)
def test_interface_is_translated_under_each_prefix(client, tree, code, skip_link):
    assert skip_link in client.get(PREFIXES[code]).content.decode()


def test_sync_is_idempotent_and_picks_up_new_pages(tree):
    assert sync_page_trees() == 0
    news = tree["home"].add_child(instance=Page(title="News", slug="news"))
    assert sync_page_trees() == len(CODES) - 1
    assert sync_page_trees() == 0
    assert Page.objects.filter(translation_key=news.translation_key).count() == len(CODES)


def test_new_english_pages_reach_other_locales(client, tree):
    tree["about"].add_child(instance=Page(title="Funders", slug="funders"))
    sync_page_trees()
    response = client.get("/tr/about/funders/")
    assert response.status_code == 200
    assert "Funders" in response.content.decode()


def test_english_changes_reach_aliases(client, tree):
    about = tree["about"]
    about.title = "About Integrity Watch"
    about.save_revision().publish()  # publishing updates aliases (Wagtail)
    assert "About Integrity Watch" in client.get("/mk/about/").content.decode()

    about.title = "About us"
    about.save()  # changed in code without a revision: the next sync refreshes the aliases
    sync_page_trees()
    assert "About us" in client.get("/mk/about/").content.decode()


def test_draft_english_pages_stay_unpublished_in_other_locales(client, tree):
    tree["home"].add_child(instance=Page(title="Draft plan", slug="draft-plan", live=False))
    sync_page_trees()
    assert client.get("/tr/draft-plan/").status_code == 404
    assert not Page.objects.filter(slug="draft-plan", live=True).exists()


def test_view_restrictions_added_later_reach_every_locale(client, tree):
    members = tree["home"].add_child(instance=Page(title="Members area", slug="members"))
    sync_page_trees()
    restriction = PageViewRestriction.objects.create(page=members, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([Group.objects.create(name="DAG members")])
    sync_page_trees()
    sync_page_trees()
    for code in CODES:
        response = client.get(PREFIXES[code] + "members/")
        assert response.status_code == 302, code
        assert "/accounts/login/" in response["Location"]
    assert PageViewRestriction.objects.filter(page__translation_key=members.translation_key).count() == len(CODES)


# --- translating ----------------------------------------------------------------------------------------------


def test_translate_converts_the_alias_and_keeps_the_rest_in_english(client, tree):
    home = tree["home"]
    tr_home = translate_instance(home, "tr", {"Portal home": "Portal ana sayfası"})

    assert tr_home.locale.language_code == "tr"
    assert tr_home.alias_of_id is None
    assert tr_home.live and not tr_home.has_unpublished_changes
    assert "Portal ana sayfası" in client.get("/tr/").content.decode()
    assert "Portal home" in client.get("/").content.decode()
    assert "Portal home" in client.get("/mk/").content.decode()
    # Its children are still there, still showing English until translated.
    response = client.get("/tr/about/partners/")
    assert response.status_code == 200
    assert "Consortium partners" in response.content.decode()


def test_translate_is_idempotent_and_updates(client, tree):
    about = tree["about"]
    first = translate_instance(about, "sq", {"About the programme": "Rreth programit"})
    again = translate_instance(about, "sq", {"About the programme": "Rreth programit"})
    assert first.pk == again.pk
    assert Translation.objects.filter(target_locale__language_code="sq").count() == 1
    assert StringTranslation.objects.filter(locale__language_code="sq").count() == 1

    translate_instance(again, "sq", {"About the programme": "Për programin"})  # any locale's copy works as input
    assert "Për programin" in client.get("/sq/about/").content.decode()
    assert StringTranslation.objects.filter(locale__language_code="sq").count() == 1


def test_translated_slug_is_transliterated(client, tree):
    about = tree["about"]
    assert "about" in source_strings(about)
    mk_about = translate_instance(about, "mk", {"About the programme": "За програмата", "about": "За програмата"})
    assert mk_about.slug == "za-programata"
    response = client.get("/mk/za-programata/partners/")
    assert response.status_code == 200
    assert "За програмата" not in response.content.decode()  # the child is still English
    assert "Consortium partners" in response.content.decode()


def test_english_changes_after_translation_are_picked_up_on_rerun(client, tree):
    about = tree["about"]
    translate_instance(about, "bs", {"About the programme": "O programu"})
    about.title = "About the Integrity Watch programme"
    about.save_revision().publish()
    translate_instance(about, "bs", {"About the Integrity Watch programme": "O programu Integrity Watch"})
    assert "O programu Integrity Watch" in client.get("/bs/about/").content.decode()


def test_draft_translation(tree):
    page = translate_instance(tree["about"], "tr", {"About the programme": "Program hakkında"}, publish=False)
    assert page.get_latest_revision().as_object().title == "Program hakkında"


@pytest.mark.parametrize("code", ["en", "xx"])
def test_translate_refuses_source_or_unknown_language(tree, code):
    with pytest.raises(ValueError):
        translate_instance(tree["about"], code, {})


# --- language switcher and hreflang ---------------------------------------------------------------------------


def _assert_switcher(response, current):
    links = parse(response).switcher
    assert [link["hreflang"] for link in links] == CODES
    assert [link["lang"] for link in links] == CODES
    assert [link.get("aria-current") for link in links] == ["true" if code == current else None for code in CODES]
    return links


def test_switcher_links_to_the_same_page_in_each_language(client, tree):
    translate_instance(tree["about"], "mk", {"about": "за-програмата", "About the programme": "За програмата"})
    response = client.get("/about/partners/")
    links = _assert_switcher(response, "en")
    assert [link["href"] for link in links] == [
        "/about/partners/",
        "/bs/about/partners/",
        "/sq/about/partners/",
        "/mk/za-programata/partners/",
        "/sr-latn/about/partners/",
        "/tr/about/partners/",
    ]
    assert "Македонски" in response.content.decode()
    for link in links:
        followed = client.get(link["href"])
        assert followed.status_code == 200, link["href"]
        _assert_switcher(followed, link["hreflang"])


def test_switcher_falls_back_to_nearest_translated_ancestor(client, tree):
    tr_about = Page.objects.get(locale__language_code="tr", translation_key=tree["about"].translation_key)
    tr_about.add_child(instance=Page(title="Yalnızca Türkçe", slug="yalnizca-turkce"))  # exists in Turkish only
    response = client.get("/tr/about/yalnizca-turkce/")
    assert response.status_code == 200
    links = _assert_switcher(response, "tr")
    assert links[0]["href"] == "/about/"
    assert links[-1]["href"] == "/tr/about/yalnizca-turkce/"
    for link in links:
        assert client.get(link["href"]).status_code == 200, link["href"]
    assert parse(response).alternates == []  # no other language has this content


def test_hreflang_alternates(client, tree):
    alternates = parse(client.get("/tr/about/")).alternates
    assert {(link["hreflang"], link["href"]) for link in alternates} == {
        ("en", "http://testserver/about/"),
        ("bs", "http://testserver/bs/about/"),
        ("sq", "http://testserver/sq/about/"),
        ("mk", "http://testserver/mk/about/"),
        ("sr-latn", "http://testserver/sr-latn/about/"),
        ("tr", "http://testserver/tr/about/"),
        ("x-default", "http://testserver/about/"),
    }


def test_switcher_for_non_page_views_swaps_the_prefix(client, tree):
    request = RequestFactory().get("/tr/accounts/login/", {"next": "/tr/about/"})
    with translation.override("tr"):
        links = language_links(request)
    assert [link.url for link in links] == [
        "/accounts/login/?next=%2Ftr%2Fabout%2F",
        "/bs/accounts/login/?next=%2Ftr%2Fabout%2F",
        "/sq/accounts/login/?next=%2Ftr%2Fabout%2F",
        "/mk/accounts/login/?next=%2Ftr%2Fabout%2F",
        "/sr-latn/accounts/login/?next=%2Ftr%2Fabout%2F",
        "/tr/accounts/login/?next=%2Ftr%2Fabout%2F",
    ]
    assert [link.is_current for link in links] == [code == "tr" for code in CODES]
    for link in links:
        assert client.get(link.url).status_code == 200, link.url


def test_switcher_on_a_missing_page_links_to_home_pages(client, tree):
    request = RequestFactory().get("/sq/no-such-page/")
    with translation.override("sq"):
        links = language_links(request)
    assert [link.url for link in links] == list(PREFIXES.values())
    for link in links:
        assert client.get(link.url).status_code == 200


def test_switcher_query_count_is_bounded(tree, django_assert_max_num_queries):
    partners = tree["partners"]
    request = RequestFactory().get("/about/partners/")
    language_links(request, Page.objects.get(pk=partners.pk))  # warm the site root paths cache
    request, page = RequestFactory().get("/about/partners/"), Page.objects.get(pk=partners.pk)
    with django_assert_max_num_queries(3):  # the same few queries whatever the depth of the page
        links = language_links(request, page)
    assert len(links) == len(CODES)


def test_cyrillic_slug_typed_in_the_translation_editor_becomes_ascii(client, tree, django_capture_on_commit_callbacks):
    """Editor path: wagtail-localize drops a non-ASCII slug, Wagtail derives one from the title, we transliterate."""
    from wagtail_localize.models import StringSegment, TranslationSource

    about = tree["about"]
    source, _created = TranslationSource.get_or_create_from_instance(about)
    mk = Locale.objects.get(language_code="mk")
    translation_obj = Translation.objects.create(source=source, target_locale=mk)
    for segment in StringSegment.objects.filter(source=source).select_related("string", "context"):
        text = {"slug": "за-програмата", "title": "За програмата"}[segment.context.path]
        StringTranslation.objects.create(
            translation_of=segment.string, locale=mk, context=segment.context, data=text, translation_type="manual"
        )
    with django_capture_on_commit_callbacks(execute=True):
        translation_obj.save_target(publish=True)

    mk_about = Page.objects.get(locale=mk, translation_key=about.translation_key)
    assert (mk_about.slug, mk_about.alias_of_id, mk_about.live) == ("za-programata", None, True)
    assert client.get("/mk/za-programata/partners/").status_code == 200
