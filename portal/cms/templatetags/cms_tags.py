"""Template tags of the site chrome: the main menu items (breadcrumbs: templates/components/breadcrumbs.html)."""

from django import template
from wagtail.models import Locale, Page, Site

from portal.cms.models import MainMenu

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
                url, label, is_home = item.link_url, item.label, item.link_url in ("/", f"/{locale.language_code}/")
            entries.append({"label": label, "url": url, "current": _aria_current(url, path, is_home)})
        return entries
    if site is None:
        return []
    home = site.root_page.get_translation_or_none(locale) or site.root_page
    for page in home.get_children().live().public().in_menu():
        url = page.get_url(request)
        entries.append({"label": page.title, "url": url, "current": _aria_current(url, path, False)})
    return entries
