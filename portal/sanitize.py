"""The one place that cleans user-supplied HTML (GUIDE §3, "Text"), with one allow-list.

Backed by nh3, the Python binding of the Rust ammonia sanitiser (an HTML5 parser, not regular expressions).
The design named bleach; bleach 6.4.0 (June 2026) announced the end of its maintenance with no further security
releases, so nh3, its maintained successor, sits behind the same functions. Swap the library here and nowhere
else.

* :func:`clean_html` keeps the rich-text allow-list below and drops everything else.
* :func:`clean_text` keeps no markup at all and returns plain text.
* :class:`SanitizedHTMLField` / :class:`SanitizeHTMLMixin` run :func:`clean_html` in a form's ``clean()``, for
  rich text typed by portal users (applications, reports, discussions).

Not for Wagtail's own ``RichTextField``/``RichTextBlock``: their stored format carries ``<a linktype="page">``
and ``<embed>`` elements that Wagtail expands on output, editors are trusted staff, and Wagtail's editor
already limits the markup it saves (``features``).
"""

from __future__ import annotations

import html
import re

import nh3
from django import forms

#: Tags user rich text may contain.
ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p", "br", "strong", "em", "b", "i", "u", "s", "sub", "sup", "a", "ul", "ol", "li",
        "h2", "h3", "h4", "blockquote", "code", "pre", "hr",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    }
)  # fmt: skip

#: Attributes allowed per tag; no ``style``, ``class``, ``id`` or event handler anywhere.
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "th": frozenset({"colspan", "rowspan", "scope"}),
    "td": frozenset({"colspan", "rowspan"}),
}

#: URL schemes allowed in ``href``. Of relative URLs only site paths (``/en/news/``), fragments (``#top``) and
#: queries are kept; anything else without a scheme (``news``, ``//host``, a back-quoted ``javascript:``) goes.
ALLOWED_URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})

#: Forced on every link: no window.opener access, no referrer, no search-engine credit for user links.
LINK_REL = "noopener noreferrer nofollow"

#: Tags removed together with their content (the others lose the tag and keep their text).
DROPPED_WITH_CONTENT: frozenset[str] = frozenset(
    {
        "script", "style", "template", "iframe", "object", "embed", "applet", "noscript", "noembed",
        "noframes", "textarea", "title", "xmp", "svg", "math", "select", "option", "frameset", "frame",
    }
)  # fmt: skip


def _relative_url(url: str) -> str | None:
    """Keep a relative URL only when it is a site path, a fragment or a query (None drops it)."""
    if url.startswith(("/", "#", "?")) and not url.startswith("//"):
        return url
    return None


#: Characters a URL never holds unencoded (RFC 3986); an ``href`` with one of them is dropped rather than kept as
#: text a careless consumer could read back as markup (e.g. ``/<style``).
_NOT_IN_URLS = frozenset('<>"`')


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """Drop an ``href`` holding a character that is never unencoded in a URL; keep every other value."""
    if attribute == "href" and any(char in _NOT_IN_URLS for char in value):
        return None
    return value


_RICH_TEXT = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(ALLOWED_URL_SCHEMES),
    url_relative=_relative_url,
    attribute_filter=_attribute_filter,
    link_rel=LINK_REL,
    strip_comments=True,
)
_NO_MARKUP = nh3.Cleaner(tags=set(), clean_content_tags=set(DROPPED_WITH_CONTENT), strip_comments=True)


def clean_html(value: str | None) -> str:
    """Return ``value`` with only the allow-listed tags, attributes and URL schemes (``""`` for None/empty).

    The result is safe to output unescaped. Disallowed tags are removed and their text kept (escaped), except
    :data:`DROPPED_WITH_CONTENT`, which go with their content; a link whose URL has another scheme
    (``javascript:``, ``data:``, ``vbscript:`` …, in any spelling) loses its ``href``; every link gets
    ``rel="noopener noreferrer nofollow"``. Idempotent: ``clean_html(clean_html(x)) == clean_html(x)``.
    Never raises for odd input.
    """
    if not value:
        return ""
    cleaned = _clean_once(str(value))
    # Mis-nested markup (e.g. "<a><table><a>") serialises to HTML that the next parse re-nests differently:
    # clean the output again until it is stable, so stored HTML is a fixed point (usually one extra pass).
    for _ in range(_MAX_EXTRA_PASSES):
        again = _clean_once(cleaned)
        if again == cleaned:
            break
        cleaned = again
    return cleaned


_MAX_EXTRA_PASSES = 4


def _clean_once(value: str) -> str:
    # ammonia turns a character reference like "&#xD" into a raw carriage return, which the next HTML parse
    # would read as "\n" (HTML normalises CR and CRLF to LF): normalise here so cleaning stays idempotent.
    return _RICH_TEXT.clean(value).replace("\r\n", "\n").replace("\r", "\n")


def clean_text(value: str | None) -> str:
    """Return the plain text of ``value``: every tag removed, entities decoded, surrounding space stripped.

    For fields that must hold no markup (names, titles). The result is text, not HTML: templates escape it on
    output as usual.
    """
    if not value:
        return ""
    return html.unescape(_NO_MARKUP.clean(str(value))).strip()


_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_plain_text(value: str | None) -> str:
    """Return user plain text as typed, minus what no text needs: NUL and other C0 control characters.

    Line endings become ``\n``; tabs and newlines stay; surrounding space is stripped. Unlike :func:`clean_text`,
    nothing that looks like markup is removed (``"fewer than <5 municipalities"`` keeps every character): the value
    is text, and templates escape it on output. For long fields of applications and reports.
    """
    if not value:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARS.sub("", text).strip()


class SanitizeHTMLMixin:
    """Form field mixin: the cleaned value passes :func:`clean_html` (after the field's own ``to_python``).

    Use with any text form field whose value is user-supplied HTML, e.g.
    ``class RichDescription(SanitizeHTMLMixin, forms.CharField)``. The form then hands clean HTML to the
    service that saves it.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return clean_html(value) if value else value


class SanitizedHTMLField(SanitizeHTMLMixin, forms.CharField):
    """A ``forms.CharField`` (textarea) for user rich text; its cleaned value is :func:`clean_html` output."""

    widget = forms.Textarea
