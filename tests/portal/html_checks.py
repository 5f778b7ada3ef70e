"""Checks on rendered HTML shared by the page tests: no inline code that a Content Security Policy would block.

The rule (a CSP without ``'unsafe-inline'`` comes later): scripts only from files (``<script src=…>``, e.g. the
deferred ``/static/js/portal.js``), no inline ``<script>`` body, no ``on*=`` event-handler attributes, no ``style=``
attributes. JSON data blocks (``<script type="application/json">``, Wagtail's userbar has one) are data, not script.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

DATA_SCRIPT_TYPES = frozenset({"application/json", "application/ld+json"})


class _InlineCodeFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name.lower(): value for name, value in attrs}
        if tag == "script" and "src" not in names and (names.get("type") or "").lower() not in DATA_SCRIPT_TYPES:
            self.problems.append(f"inline <script> at line {self.getpos()[0]}")
        for name in names:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}= on <{tag}> at line {self.getpos()[0]}")
        if "style" in names:
            self.problems.append(f"style= on <{tag}> at line {self.getpos()[0]}")

    handle_startendtag = handle_starttag


def inline_code(html: str) -> list[str]:
    """Return a description of each piece of inline code in ``html`` (an empty list when there is none).

    Inline code is a ``<script>`` without ``src`` (other than a JSON data block), any ``on…=`` attribute, or any
    ``style=`` attribute. ``<style>`` elements are not looked at (no template of ours has one; add it if needed).
    """
    finder = _InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


def external_scripts(html: str) -> list[str]:
    """Return the ``src`` of every ``<script src=…>`` in ``html``, in document order."""
    sources: list[str] = []

    class _Finder(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "script":
                src = dict(attrs).get("src")
                if src:
                    sources.append(src)

    finder = _Finder()
    finder.feed(html)
    finder.close()
    return sources


def scripts_not_from_static(html: str) -> list[str]:
    """Return the ``src`` of every ``<script src=…>`` in ``html`` that is not under ``STATIC_URL`` (on any host).

    Wagtail's user bar, shown to editors, adds its own scripts from ``//host/static/wagtailadmin/…``: allowed.
    """
    return [src for src in external_scripts(html) if not urlsplit(src).path.startswith(settings.STATIC_URL)]


def _stylesheet_classes() -> set[str]:
    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/portal.css")).read_text(encoding="utf-8")
    return set(re.findall(r"\.([a-zA-Z][\w-]*)", css.split("*/", 1)[1]))


#: Classes that only name the kind of page for tests and later styles (``body_class`` blocks).
PAGE_HOOK = re.compile(r"^(template|page)-[a-z0-9-]+$")
#: Classes Wagtail adds itself (the user bar shown to editors, with its SVG icons).
WAGTAIL_PREFIXES = ("w-", "wagtail", "icon")


def unstyled_classes(html: str) -> set[str]:
    """Return the classes used in ``html`` that static/css/portal.css neither styles nor extends.

    Allowed: every class with a rule in the stylesheet; a BEM element or modifier (``block__el``, ``block--mod``)
    of a block that has rules (a hook the block's descendant selectors style, e.g. ``main-nav__link``); page hooks
    (``template-news``, ``page-account``); Wagtail's own classes. Anything else is a name the design does not know
    (``form-field`` instead of ``field``, ``card-list`` instead of ``card-grid``): the page looks unstyled there.
    """
    styled = _stylesheet_classes()
    used: set[str] = set()

    class _Finder(HTMLParser):
        def handle_starttag(self, tag, attrs):
            for name, value in attrs:
                if name == "class" and value:
                    used.update(value.split())

    finder = _Finder()
    finder.feed(html)
    finder.close()
    unknown = set()
    for name in used - styled:
        block = re.split(r"__|--", name, maxsplit=1)[0]
        if block != name and block in styled:
            continue
        if any(rule.startswith((f"{name}__", f"{name}--")) for rule in styled):
            continue  # a block styled only through its elements or modifiers (.site-main--padded)
        if PAGE_HOOK.match(name) or name.startswith(WAGTAIL_PREFIXES):
            continue
        unknown.add(name)
    return unknown
