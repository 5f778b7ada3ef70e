"""The site design: layout landmarks, error pages, the stylesheet and the shared components.

The 500 page is rendered by Django with an empty context (``django.views.defaults.server_error``), so it is tested
both on its own and through a view that raises.
"""

import re
from pathlib import Path

import pytest
from django import forms
from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import Client, RequestFactory, override_settings
from django.urls import path

from portal.styleguide import SampleForm
from tests.portal.html_checks import inline_code, scripts_not_from_static, unstyled_classes

CSS_PATH = "css/portal.css"
TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
# In template sources (rendered pages use tests.portal.html_checks.inline_code): executable inline scripts; JSON
# data blocks (Wagtail's userbar has one) are not scripts for CSP.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/(?:ld\+)?json\"))[^>]*>", re.IGNORECASE)


def _boom(request):
    raise RuntimeError("deliberate failure for the 500 page test")


# This module doubles as a URLconf for the 500 test (pytest.mark.urls below).
urlpatterns = [path("boom/", _boom)]


def _assert_site_layout(html: str) -> None:
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert 'class="site-header"' in html
    assert 'class="site-footer"' in html
    assert "css/portal.css" in html
    assert not inline_code(html), f"inline code would break the coming Content Security Policy: {inline_code(html)}"
    assert not unstyled_classes(html), f"classes portal.css does not know: {unstyled_classes(html)}"


# --- Error pages -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_404_uses_site_layout_and_offers_search_and_home(client):
    response = client.get("/this-page-does-not-exist/")

    assert response.status_code == 404
    html = response.content.decode()
    _assert_site_layout(html)
    assert '<html lang="en"' in html
    assert "Page not found" in html
    assert 'type="search"' in html
    assert '<meta name="robots" content="noindex">' in html
    assert "Go to the home page" in html


@pytest.mark.django_db
def test_404_under_a_language_prefix_sets_that_language(client):
    response = client.get("/tr/this-page-does-not-exist/")

    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="tr"' in html
    assert 'class="site-header__brand" href="/tr/"' in html  # the logo leads to the home page in that language


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "home"), [("", "/"), ("/bs", "/bs/"), ("/mk", "/mk/"), ("/sr-latn", "/sr-latn/"), ("/tr", "/tr/")]
)
def test_brand_link_goes_to_the_home_page_of_the_current_language(client, prefix, home):
    """The logo (and the menu's fallback "Home" link) lead to the home page in the language being read."""
    html = client.get(f"{prefix}/accounts/login/").content.decode()

    assert f'class="site-header__brand" href="{home}"' in html
    assert f'<a class="main-nav__link" href="{home}">' in html  # no menu and no pages yet: the fallback link


def test_500_template_renders_standalone_without_request_or_context_processors():
    html = render_to_string("500.html")

    assert '<html lang="en"' in html
    assert '<link rel="stylesheet" href="/static/css/portal.css">' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert "Something went wrong" in html
    assert not inline_code(html)
    # No {% url %}/{% static %}/context: links are plain paths.
    assert 'href="/"' in html


@pytest.mark.urls(__name__)
def test_view_raising_an_exception_returns_the_500_page():
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "/static/css/portal.css" in html


# --- Base layout -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_base_layout_has_landmarks_lang_and_deferred_script_only(admin_client):
    response = admin_client.get("/styleguide/")

    assert response.status_code == 200
    html = response.content.decode()
    _assert_site_layout(html)
    assert '<html lang="en" dir="ltr">' in html
    assert re.search(r'<script src="[^"]*js/portal\.js" defer></script>', html)
    assert not scripts_not_from_static(html)  # only files: ours and, for this staff user, Wagtail's user bar
    assert '<nav class="main-nav"' in html


@pytest.mark.django_db
def test_mobile_menu_is_a_details_element_that_works_without_javascript(admin_client):
    html = admin_client.get("/styleguide/").content.decode()

    menu = re.search(
        r'<details class="site-menu"[^>]*>\s*<summary class="site-menu__toggle">(.*?)</summary>', html, re.S
    )
    assert menu, "the menu toggle must be a native <details>/<summary> so it works without JavaScript"
    assert "Menu" in menu.group(1)
    # The navigation sits inside the <details>, after the summary.
    assert html.index('class="site-menu"') < html.index('class="main-nav"') < html.index("</details>")


@pytest.mark.django_db
def test_messages_are_shown_in_a_status_region(rf):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message

    html = render_to_string(
        "components/messages.html", {"messages": [Message(constants.ERROR, "Upload failed"), Message(25, "Saved")]}
    )

    assert 'role="status"' in html
    assert 'class="message message--error"' in html
    assert 'class="message message--success"' in html
    assert "Error:" in html  # the level is said in words, not only by colour


# --- Stylesheet --------------------------------------------------------------------------------------------------


def _stylesheet() -> str:
    found = finders.find(CSS_PATH)
    assert found, "static/css/portal.css must be found by the staticfiles finders"
    return Path(found).read_text(encoding="utf-8")


def _documented_classes(css: str) -> set[str]:
    header = css.split("*/", 1)[0]
    section = header.split("COMPONENT CLASSES", 1)[1]
    return set(re.findall(r"(?<![\w-])\.([a-z][a-z0-9]*(?:[-_]{1,2}[a-z0-9]+)*)", section)) - {"css", "html", "js"}


def test_stylesheet_is_found_by_staticfiles_finders_and_served():
    css = _stylesheet()

    assert "--c-navy" in css
    with override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True):
        response = Client().get("/static/css/portal.css")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/css")
        assert b"COMPONENT CLASSES" in b"".join(response.streaming_content)


def test_every_documented_component_class_is_styled():
    css = _stylesheet()
    body = css.split("*/", 1)[1]
    documented = _documented_classes(css)

    assert {"container", "card", "pledge", "timeline", "facts", "doc-list", "pagination", "prose"} <= documented
    missing = sorted(name for name in documented if not re.search(rf"\.{re.escape(name)}(?![\w-])", body))
    assert not missing, f"documented but not styled: {missing}"


def test_stylesheet_respects_reduced_motion_focus_and_print():
    css = _stylesheet()

    assert "@media (prefers-reduced-motion: reduce)" in css
    assert ":focus-visible" in css
    assert "@media print" in css
    assert "@import" not in css and "url(http" not in css, "no external resources (fonts, CDNs)"


def _rules_for(css: str, selector: str) -> list[str]:
    """The declaration blocks of every rule whose selector list names ``selector`` (at any nesting level)."""
    pattern = re.compile(r"([^{}]+)\{([^{}]*)\}")
    return [body for sel, body in pattern.findall(css) if selector in [part.strip() for part in sel.split(",")]]


def test_header_rows_stay_in_the_flow_so_the_account_menu_cannot_cover_the_main_menu():
    """Regression: signed in, the account links wrapped inside an absolutely positioned box and covered the first row
    of the main navigation (About, News, ... could not be clicked in bs, mk, sq, sr-latn and at 1024 px in English).
    The header's parts must take up room in the flow, so a longer account menu pushes the navigation down."""
    css = _stylesheet()
    body = css.split("*/", 1)[1]

    for selector in [".site-menu__tools", ".site-menu__panel", ".account-nav", ".account-nav ul", ".main-nav"]:
        for rules in _rules_for(body, selector):
            assert not re.search(r"position:\s*(absolute|fixed)", rules), f"{selector} must stay in the flow"
            assert not re.search(r"(?<![-\w])(height|max-height):", rules), f"{selector} must not have a fixed height"
    # Wide screens: the tools sit beside the brand in a grid row of their own, the main navigation in the next row.
    assert any("grid-area: 1 / 2" in rules for rules in _rules_for(body, ".site-menu__tools"))
    assert any("grid-area: 2 / 1" in rules for rules in _rules_for(body, ".main-nav"))


@pytest.mark.parametrize("name", ["images/logo.svg", "images/favicon.svg", "js/portal.js"])
def test_static_assets_exist(name):
    assert finders.find(name)


OWN_TEMPLATES = ["base.html", "403.html", "404.html", "500.html", "styleguide.html", "includes/header.html"]


@pytest.mark.parametrize(
    "name", OWN_TEMPLATES + [f"components/{p.name}" for p in sorted((TEMPLATES_DIR / "components").glob("*.html"))]
)
def test_design_templates_have_no_inline_script_or_style(name):
    source = (TEMPLATES_DIR / name).read_text(encoding="utf-8")

    assert not INLINE_SCRIPT.search(source)
    assert not re.search(r"\sstyle=", source), "use a class in static/css/portal.css (CSP will forbid inline styles)"
    assert "|safe" not in source


# --- Components --------------------------------------------------------------------------------------------------


def test_pagination_keeps_other_query_parameters_and_marks_current_page():
    request = RequestFactory().get("/news/", {"country": "mk", "page": "3", "q": "a&b"})
    page_obj = Paginator(range(100), 10).get_page(3)

    html = render_to_string("components/pagination.html", {"page_obj": page_obj}, request=request)

    assert 'aria-label="Pagination"' in html
    assert 'href="?country=mk&amp;page=4&amp;q=a%26b" rel="next"' in html
    assert 'href="?country=mk&amp;page=2&amp;q=a%26b" rel="prev"' in html
    assert re.search(r'pagination__link--current" href="\?country=mk&amp;page=3&amp;q=a%26b" aria-current="page"', html)
    assert "page=10" in html  # last page always reachable


def test_pagination_renders_nothing_for_a_single_page():
    page_obj = Paginator(range(5), 10).get_page(1)

    assert render_to_string("components/pagination.html", {"page_obj": page_obj}).strip() == ""


def test_form_field_links_label_help_and_errors_for_screen_readers():
    form = SampleForm(data={"email": "not-an-email"})
    form.is_valid()

    html = render_to_string("components/form_field.html", {"field": form["email"]})

    assert '<label for="id_email">' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_email_error"' in html
    assert 'id="id_email_error"' in html
    assert "field--error" in html


def test_form_field_checkbox_puts_label_after_box_with_help_text_id():
    form = SampleForm(data={})
    form.is_valid()

    html = render_to_string("components/form_field.html", {"field": form["consent"]})

    assert "field--checkbox" in html
    assert html.index('type="checkbox"') < html.index('<label for="id_consent">')
    assert 'id="id_consent_helptext"' in html
    assert 'aria-describedby="id_consent_helptext id_consent_error"' in html


def test_form_error_summary_links_to_each_invalid_field():
    form = SampleForm(data={"name": "Ana", "email": "x"})
    form.is_valid()

    html = render_to_string("components/form.html", {"form": form})

    assert 'role="alert"' in html
    assert 'href="#id_email"' in html
    assert 'href="#id_country"' in html
    assert 'href="#id_name"' not in html  # valid fields are not listed


def test_required_fields_are_marked_and_the_form_says_what_the_mark_means():
    """Each required field carries a visible "*" (hidden from screen readers, which hear the input's ``required``
    attribute instead); optional fields carry none; the "Fields marked with * are required." line comes with them."""
    form = SampleForm()
    html = render_to_string("components/form.html", {"form": form})
    assert "Fields marked with * are required." in html
    for field in form.visible_fields():
        label = re.search(
            rf'<(?:label for="{field.id_for_label}"|legend)>{re.escape(field.label)}(.*?)</(?:label|legend)>', html
        )
        assert label, field.name
        marked = '<span class="required" aria-hidden="true">*</span>' in label.group(1)
        assert marked == field.field.required, field.name
    assert re.search(r'<input[^>]*name="email"[^>]*\brequired\b', html)


def test_a_form_without_required_fields_does_not_promise_a_mark():
    """A form of optional fields only (e.g. a report draft) shows no "*" and so no line explaining it."""

    class OptionalForm(forms.Form):
        note = forms.CharField(label="Note", required=False)
        more = forms.CharField(label="More", required=False, widget=forms.Textarea)

    html = render_to_string("components/form.html", {"form": OptionalForm()})
    assert "Fields marked with *" not in html and 'class="required"' not in html
    assert 'id="id_note"' in html


def test_radio_field_is_a_fieldset_with_legend():
    html = render_to_string("components/form_field.html", {"field": SampleForm()["role"]})

    assert "<fieldset" in html and "<legend>Your role" in html


def test_card_escapes_text_and_links_title():
    html = render_to_string(
        "components/card.html",
        {"title": "RCP <meeting>", "url": "/news/rcp/", "text": "<script>x</script>", "country": "Kosovo"},
    )

    assert '<a class="card__link" href="/news/rcp/">RCP &lt;meeting&gt;</a>' in html
    assert "<script>" not in html
    assert 'class="badge badge--country"' in html
    assert "<h3" in html


def test_breadcrumbs_from_a_crumb_list_mark_the_current_page():
    html = render_to_string(
        "components/breadcrumbs.html", {"crumbs": [{"url": "/", "title": "Home"}], "current": "Applications"}
    )

    assert 'aria-label="Breadcrumb"' in html
    assert '<a href="/">Home</a>' in html
    assert '<span aria-current="page">Applications</span>' in html


@pytest.mark.parametrize(("level", "word"), [("error", "Error:"), ("warning", "Warning:"), ("success", "Success:")])
def test_alert_names_its_level_in_words(level, word):
    html = render_to_string("components/alert.html", {"level": level, "text": "Body"})

    assert f"alert--{level}" in html
    assert word in html


# --- Style guide -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_styleguide_is_hidden_from_anonymous_users_when_debug_is_off(client):
    assert client.get("/styleguide/").status_code == 404


@pytest.mark.django_db
def test_styleguide_shows_the_documented_components_to_staff(admin_client):
    html = admin_client.get("/styleguide/").content.decode()

    for cls in (
        "hero",
        "card-grid",
        "pledge",
        "timeline",
        "facts",
        "doc-list",
        "pagination",
        "table--stacked",
        "search-results",
        "filters",
        "alert--error",
        "badge--active",
        "prose",
        "cta",
        "asks",
    ):
        assert f'class="{cls}' in html or f" {cls}" in html, cls


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_styleguide_is_open_in_debug(client):
    assert client.get("/styleguide/").status_code == 200
