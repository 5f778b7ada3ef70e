"""Template tags of the site chrome: the main menu items, the page-top messages and the footer's news feed link.

Breadcrumbs: templates/components/breadcrumbs.html.
"""

from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils import translation
from wagtail.models import Locale, Page, Site

from portal.cms.models import MainMenu, NewsIndexPage
from portal.cms.models.campaigns import PLEDGE_MESSAGE_TAG

register = template.Library()


def _aria_current(item_url: str, path: str, is_home: bool) -> str:
    """``"page"`` for the current page, ``"true"`` for a section that contains it, ``""`` otherwise."""
    if not item_url:
        return ""
    if item_url == path:
        return "page"
    if not is_home and item_url.endswith("/") and path.startswith(item_url):
        return "true"
    return ""


def localised_site_path(url: str, language: str) -> str:
    """The address of a menu item's site path in ``language``.

    A path of a Django view written in the default language (``/grants/awarded/``, no prefix) becomes that view's
    address in ``language`` (``/mk/grants/awarded/``), so a visitor reading Macedonian stays in Macedonian.
    Unchanged: absolute URLs, ``mailto:``, paths that resolve to a Wagtail page (their slugs differ per language:
    link the page instead), paths that already carry a language prefix, and paths that do not resolve.
    """
    if not url.startswith("/") or url.startswith("//"):
        return url
    with translation.override(settings.LANGUAGE_CODE):
        try:
            match = resolve(urlsplit(url).path)
        except Resolver404:
            return url
        if match.url_name == "wagtail_serve":
            return url
        return translate_url(url, language)


def _menu_for(locale):
    """The ``MainMenu`` of ``locale`` or, failing that, of the default locale (``None`` if neither exists)."""
    default = Locale.get_default()
    menus = {menu.locale_id: menu for menu in MainMenu.objects.filter(locale__in=[locale, default])}
    return menus.get(locale.pk) or menus.get(default.pk)


@register.simple_tag(takes_context=True)
def main_menu_items(context) -> list[dict]:
    """Return the main menu entries as ``[{"label": str, "url": str, "current": "page"|"true"|""}, …]``.

    Uses the ``MainMenu`` of the active locale, falling back to the default locale's menu; a linked page is
    replaced by its translation in the active locale when that exists and is live. Without any menu, lists the
    live, public children of this locale's home page that have "show in menus" ticked. Constant query count
    (no query per item). Returns ``[]`` when there is no request (e.g. the bare 500 page).
    """
    request = context.get("request")
    if request is None:
        return []
    locale = Locale.get_active()
    site = Site.find_for_request(request)
    path = request.path
    entries = []
    menu = _menu_for(locale)
    if menu is not None:
        items = list(menu.items.select_related("link_page").order_by("sort_order"))
        keys = [item.link_page.translation_key for item in items if item.link_page_id]
        translated = {
            page.translation_key: page
            for page in Page.objects.filter(translation_key__in=keys, locale=locale).live().public()
        }
        for item in items:
            if item.link_page_id:
                page = translated.get(item.link_page.translation_key, item.link_page)
                if not page.live:
                    continue
                url = page.get_url(request)
                label = item.label or page.title
                is_home = page.depth <= 2
            else:
                url = localised_site_path(item.link_url, locale.language_code)
                label, is_home = item.label, item.link_url in ("/", f"/{locale.language_code}/")
            entries.append({"label": label, "url": url, "current": _aria_current(url, path, is_home)})
        return entries
    if site is None:
        return []
    home = site.root_page.get_translation_or_none(locale) or site.root_page
    for page in home.get_children().live().public().in_menu():
        url = page.get_url(request)
        entries.append({"label": page.title, "url": url, "current": _aria_current(url, path, False)})
    return entries


@register.filter
def page_top_messages(messages) -> list:
    """Return the Django messages to show at the top of the page: all but the pledge confirmation.

    The pledge confirmation (``extra_tags == PLEDGE_MESSAGE_TAG``) is shown inside the campaign's pledge box
    instead (templates/cms/campaign_page.html). Iterating the message storage here does not consume it for the
    rest of the request. ``messages`` may be missing (``""``), then ``[]``.
    """
    return [message for message in messages or () if message.extra_tags != PLEDGE_MESSAGE_TAG]


@register.simple_tag(takes_context=True)
def news_feed_url(context) -> str:
    """Return the URL of the RSS feed of the active locale's news index (``<news index url>feed/``).

    Falls back to ``/feed/`` (the default locale's feed, :func:`portal.cms.views.default_news_feed`) when there is
    no request, no site, or no live public news index in the active locale's home page. Constant query count.
    """
    fallback = reverse("news_feed")
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return fallback
    home = site.root_page.get_translation_or_none(Locale.get_active())
    if home is None:
        return fallback
    index = NewsIndexPage.objects.descendant_of(home).live().public().order_by("path").first()
    url = index.get_url(request) if index is not None else None
    if not url:
        return fallback
    return url + index.reverse_subpage("feed")


#: Fields tried, in order, for the short text of a search result (the first non-empty one is shown).
SNIPPET_FIELDS = ("search_description", "intro", "summary", "hero_text")


@register.filter
def search_snippet(page) -> str:
    """Return the short text of a search result: ``search_description``, else the page's intro, summary or hero text.

    ``page`` should be the specific page (the search view asks for specific results, batched per page type, so this
    makes no query); a field the page type lacks is skipped. Returns ``""`` when none is filled in.
    """
    for field in SNIPPET_FIELDS:
        value = getattr(page, field, "")
        if value:
            return value
    return ""
