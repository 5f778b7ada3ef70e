"""Transliterated, ASCII-only URL slugs for every language of the portal (GUIDE §3 "Languages").

Why our own maps: generic transliterators get the programme's languages wrong. ``anyascii`` turns Macedonian and
Serbian ``ц`` into ``ts`` and ``х`` into ``kh`` (Russian conventions), a GOST-style table gives ``cz`` for ``ц``, and
Wagtail's admin JavaScript has no Macedonian table at all (``ѓ``/``ќ`` are dropped). So Cyrillic goes through an
explicit table per language first, Latin diacritics are folded next, and ``anyascii`` only handles what is left
(Greek, Russian-only letters, CJK, emoji...).

The choices, per language (documented so editors know what a slug will look like):

* **Macedonian** (``mk``) follows the usual ASCII rendering of the official Macedonian romanisation: ж→zh, ч→ch,
  ш→sh, ѓ→gj, ќ→kj, џ→dz, ѕ→dz, ц→c, њ→nj, љ→lj, ј→j, х→h.
  "Следење на интегритетот во Западен Балкан и Турција" → ``sledenje-na-integritetot-vo-zapaden-balkan-i-turcija``.
* **Serbian** (``sr-latn``) and **Bosnian** (``bs``): Cyrillic is first written in Gaj's Latin alphabet (the one the
  portal uses for these languages), then its diacritics are folded like any Latin text: ж→z, ч→c, ћ→c, ш→s, ђ→dj,
  џ→dz, ц→c, њ→nj, љ→lj, ј→j. So "Шабац" and "Šabac" give the same slug, ``sabac``.
* **Other languages or unknown** (``en``, ``sq``, ``tr``, ``None``): Macedonian digraphs for the shared letters
  (ж→zh, ч→ch, ш→sh) plus ђ→dj, ћ→c: readable, and never the Russian ``ts``/``kh``.

Latin folding for every language: č/ć→c, š→s, ž→z, đ→dj, ë→e, ç→c, ğ→g, ı→i, ş→s, İ→i (and every other letter with
a combining mark loses it). Turkish and Azerbaijani text is lower-cased the Turkish way (I→ı, İ→i) before folding.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii
from django.utils.text import slugify

__all__ = ["transliterate_slug", "MACEDONIAN", "SERBIAN", "DEFAULT_CYRILLIC", "LATIN_FOLDS"]

_CYRILLIC_COMMON = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ѐ": "e",
    "з": "z",
    "и": "i",
    "ѝ": "i",
    "ј": "j",
    "к": "k",
    "л": "l",
    "љ": "lj",
    "м": "m",
    "н": "n",
    "њ": "nj",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "h",
    "ц": "c",
    "џ": "dz",
}

#: Macedonian Cyrillic (lower case) → ASCII.
MACEDONIAN: dict[str, str] = {
    **_CYRILLIC_COMMON,
    "ѓ": "gj",
    "ж": "zh",
    "ѕ": "dz",
    "ќ": "kj",
    "ч": "ch",
    "ш": "sh",
}

#: Serbian/Bosnian Cyrillic (lower case) → ASCII, via Gaj's Latin alphabet with its diacritics folded.
SERBIAN: dict[str, str] = {
    **_CYRILLIC_COMMON,
    "ђ": "dj",
    "ж": "z",
    "ћ": "c",
    "ч": "c",
    "ш": "s",
}

#: Cyrillic in any other language: Macedonian digraphs plus the Serbian-only letters.
DEFAULT_CYRILLIC: dict[str, str] = {**MACEDONIAN, "ђ": "dj", "ћ": "c"}

#: Latin letters that Unicode decomposition does not reduce to ASCII (everything else loses its combining marks).
LATIN_FOLDS: dict[str, str] = {
    "đ": "dj",
    "ð": "d",
    "ı": "i",
    "ł": "l",
    "ø": "o",
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "þ": "th",
}

_MAPS_BY_LANGUAGE = {"mk": MACEDONIAN, "sr": SERBIAN, "bs": SERBIAN, "hr": SERBIAN, "me": SERBIAN}
_TURKIC = {"tr", "az"}
_DASHES = re.compile(r"[-\s_]+")
_NOT_SLUG = re.compile(r"[^a-z0-9-]")


def _primary_language(language: str | None) -> str:
    """``"sr-latn"``, ``"sr_Latn"``, ``"SR"`` → ``"sr"``; ``None`` → ``""``."""
    return (language or "").replace("_", "-").split("-")[0].lower()


def _lower(text: str, primary: str) -> str:
    if primary in _TURKIC:
        text = text.replace("I", "ı").replace("İ", "i")
    return text.lower()


def transliterate_slug(text: str, language: str | None = None) -> str:
    """Return an ASCII slug (only ``a-z``, ``0-9`` and single inner ``-``) for ``text``.

    ``language`` is a language code as in ``settings.LANGUAGES`` (``"mk"``, ``"sr-latn"``, ``"bs"``, ``"tr"``...;
    ``sr_Latn`` and other spellings are accepted); it selects the Cyrillic table (see the module docstring) and the
    Turkish lower-casing. Steps: language-aware lower case → per-language Cyrillic table → Latin folds and removal
    of combining marks → ``anyascii`` for whatever is still not ASCII → Django's ``slugify``. The result is empty when
    ``text`` has nothing sluggable (for example only punctuation); callers choose their own fallback.
    """
    primary = _primary_language(language)
    cyrillic = _MAPS_BY_LANGUAGE.get(primary, DEFAULT_CYRILLIC)
    text = unicodedata.normalize("NFC", _lower(text, primary))
    text = "".join(cyrillic.get(char, LATIN_FOLDS.get(char, char)) for char in text)
    text = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    text = "".join(LATIN_FOLDS.get(char, char) for char in text)
    if not text.isascii():
        text = anyascii(text)
    slug = slugify(text.lower(), allow_unicode=False)
    slug = _NOT_SLUG.sub("", _DASHES.sub("-", slug))
    return _DASHES.sub("-", slug).strip("-")


#: Room left under ``Page.slug``'s 255 characters for a ``-N`` suffix.
_MAX_SLUG_LENGTH = 240


def _available_slug(page, slug: str) -> str:
    """``slug``, or ``slug-2``, ``slug-3``... whichever no sibling of ``page`` uses (Wagtail's own suffix style)."""
    if not page.path or page.depth is None or page.depth <= 1:
        return slug
    siblings = page.get_parent().get_children()
    if page.pk:
        siblings = siblings.exclude(pk=page.pk)
    taken = set(siblings.filter(slug__startswith=slug).values_list("slug", flat=True))
    candidate, suffix = slug, 1
    while candidate in taken:
        suffix += 1
        candidate = f"{slug}-{suffix}"
    return candidate


def ascii_page_slug(sender, instance, raw=False, update_fields=None, **kwargs):
    """``pre_save`` receiver (connected for every sender): rewrite a non-ASCII page slug into its transliteration.

    Applies to any :class:`wagtail.models.Page` subclass. The language is the page's locale
    (``instance.locale.language_code``). The new slug is made unique among the page's siblings (Wagtail serves
    children by slug) and ``url_path`` is recomputed so the page's own URL matches. ASCII slugs are never touched,
    nor are saves that do not write the slug (``update_fields`` without ``slug``) or fixture loading (``raw``).

    Where non-ASCII slugs come from: Wagtail derives a slug from a Cyrillic title (``WAGTAIL_ALLOW_UNICODE_SLUGS`` is
    on, so the admin and ``Page.full_clean`` keep the letters and this receiver, not the browser, transliterates),
    editors type one, or code passes one. Descendants of a renamed page are repaired by :func:`repair_descendant_urls`.
    """
    from wagtail.models import Page

    if raw or not isinstance(instance, Page) or not instance.slug or instance.slug.isascii():
        return
    if update_fields is not None and "slug" not in update_fields:
        return
    language = instance.locale.language_code if instance.locale_id else None
    slug = transliterate_slug(instance.slug, language)[:_MAX_SLUG_LENGTH].strip("-") or "page"
    instance.slug = _available_slug(instance, slug)
    if instance.path and instance.depth and instance.depth > 1:
        instance.set_url_path(instance.get_parent())


def repair_descendant_urls(sender, instance, **kwargs):
    """``page_slug_changed`` receiver: give descendants the ``url_path`` prefix of the slug actually stored.

    ``Page.save`` computes the descendants' new ``url_path`` before ``pre_save`` runs, so when
    :func:`ascii_page_slug` rewrites the slug of a page that has children, Wagtail would give them the prefix of
    the non-ASCII slug. This receiver (Wagtail sends the signal on commit) rewrites every descendant whose
    ``url_path`` does not start with its parent's. It does nothing when the paths already agree.
    """
    from wagtail.models import Page

    expected_prefix = instance.url_path
    descendants = Page.objects.filter(path__startswith=instance.path, depth__gt=instance.depth)
    if not descendants.exclude(url_path__startswith=expected_prefix).exists():
        return
    url_paths = {instance.path: expected_prefix}
    for page in descendants.order_by("depth", "path").only("id", "path", "depth", "slug", "url_path"):
        parent_url = url_paths[page.path[: -Page.steplen]]
        url_paths[page.path] = f"{parent_url}{page.slug}/"
        if page.url_path != url_paths[page.path]:
            Page.objects.filter(pk=page.pk).update(url_path=url_paths[page.path])
