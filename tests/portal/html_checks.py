"""Checks on rendered HTML shared by the page tests: no inline code that a Content Security Policy would block.

The rule (a CSP without ``'unsafe-inline'`` comes later): scripts only from files (``<script src=…>``, e.g. the
deferred ``/static/js/portal.js``), no inline ``<script>`` body, no ``on*=`` event-handler attributes, no ``style=``
attributes. JSON data blocks (``<script type="application/json">``, Wagtail's userbar has one) are data, not script.
"""

from __future__ import annotations

from html.parser import HTMLParser
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
