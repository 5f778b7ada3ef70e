"""Helpers that write StreamField content as plain data (the JSON form Wagtail stores), with stable block ids.

Every helper returns a ``(block_type, value)`` pair; :func:`stream` turns a list of pairs into the list of
``{"type", "value", "id"}`` dicts that a ``StreamField`` accepts on assignment. Ids are UUID5s derived from a
key (the page slug and field name) and the block position, so running ``load_demo`` again writes the same ids:
wagtail-localize keys its translation segments on block ids, so stable ids keep existing translations valid.

Rich text (``paragraph``) is HTML in Wagtail's storage format. Links to other demo pages are written as
``<a page="slug">…</a>`` and turned into ``<a linktype="page" id="…">`` by :func:`resolve_page_links` once the
pages exist. External links are ordinary ``<a href="https://…">`` (only sourced addresses, never invented ones).
"""

import re
import uuid
from collections.abc import Callable, Iterable
from html import escape

# Fixed namespace: changing it would give every block a new id and orphan existing translations.
BLOCK_ID_NAMESPACE = uuid.UUID("6a1f3c52-9d1e-4c53-8f6f-2b7d3e1c0a47")

Block = tuple[str, object]


def heading(text: str) -> Block:
    """A section heading (``<h2>``)."""
    return ("heading", text)


def paragraph(*paragraphs: str) -> Block:
    """One rich-text block made of ``paragraphs`` (each an HTML fragment, wrapped in ``<p>``)."""
    return ("paragraph", "".join(f"<p>{p}</p>" for p in paragraphs))


def bullets(items: Iterable[str]) -> Block:
    """A bullet list of plain-text items."""
    return ("list", list(items))


def rich_list(items: Iterable[str]) -> Block:
    """A bullet list whose items are HTML fragments (links allowed): one rich-text block holding a ``<ul>``.

    Use it instead of :func:`bullets` when items need links; each item is one translation segment.
    """
    return ("paragraph", "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")


def facts(pairs: Iterable[tuple[str, str]]) -> Block:
    """Headline figures: ``pairs`` of ``(value, label)``, e.g. ``("27,000+", "contracts …")``."""
    return ("facts", [{"value": value, "label": label} for value, label in pairs])


def quote(text: str, attribution: str = "") -> Block:
    """A pull quote."""
    return ("quote", {"text": text, "attribution": attribution})


def call_to_action(title: str, text: str = "", link_url: str = "", link_text: str = "") -> Block:
    """A highlighted box with one link; ``link_url`` is ``https://…``, ``mailto:…`` or a site path ``/…``."""
    return ("call_to_action", {"title": title, "text": text, "link_url": link_url, "link_text": link_text})


def link(url: str, text: str | None = None) -> str:
    """An external link as rich-text HTML (``text`` defaults to the address without its scheme)."""
    label = text if text is not None else re.sub(r"^https?://(www\.)?", "", url).rstrip("/")
    return f'<a href="{escape(url)}">{escape(label)}</a>'


def page_link(slug: str, text: str) -> str:
    """A link to another demo page by its slug, resolved later by :func:`resolve_page_links`."""
    return f'<a page="{escape(slug)}">{escape(text)}</a>'


def block_id(key: str, index: int, sub: int | None = None) -> str:
    """The stable id of block number ``index`` (and list item ``sub``) of the stream named ``key``."""
    name = f"{key}:{index}" if sub is None else f"{key}:{index}:{sub}"
    return str(uuid.uuid5(BLOCK_ID_NAMESPACE, name))


def _list_value(key: str, index: int, items: list) -> list[dict]:
    return [{"type": "item", "value": item, "id": block_id(key, index, n)} for n, item in enumerate(items)]


def stream(key: str, blocks: Iterable[Block], list_types: Iterable[str] = ("list", "facts")) -> list[dict]:
    """Return ``blocks`` as StreamField JSON with stable ids derived from ``key`` (e.g. ``"about:body"``).

    ``list_types`` names the block types that are ``ListBlock``s; their items get stable ids too.
    """
    list_types = set(list_types)
    result = []
    for index, (block_type, value) in enumerate(blocks):
        if block_type in list_types:
            value = _list_value(key, index, value)
        result.append({"type": block_type, "value": value, "id": block_id(key, index)})
    return result


_PAGE_LINK = re.compile(r'<a page="([^"]+)">(.*?)</a>', re.DOTALL)


def resolve_page_links(html: str, page_id_for_slug: Callable[[str], int | None]) -> str:
    """Replace ``<a page="slug">text</a>`` placeholders in ``html`` with Wagtail page links.

    ``page_id_for_slug(slug)`` returns the id of the English page with that slug, or ``None``; a link whose
    page does not exist becomes plain text rather than a broken link.
    """

    def replace(match: re.Match) -> str:
        page_id = page_id_for_slug(match.group(1))
        if page_id is None:
            return match.group(2)
        return f'<a linktype="page" id="{page_id}">{match.group(2)}</a>'

    return _PAGE_LINK.sub(replace, html)


def resolve_stream_links(data: list[dict], page_id_for_slug: Callable[[str], int | None]) -> list[dict]:
    """Apply :func:`resolve_page_links` to every ``paragraph`` block of StreamField JSON ``data``."""
    resolved = []
    for block in data:
        if block["type"] == "paragraph":
            block = {**block, "value": resolve_page_links(block["value"], page_id_for_slug)}
        resolved.append(block)
    return resolved
