"""Content languages: Wagtail locales, complete page trees in every locale, translating pages and snippets.

The portal speaks the languages of ``settings.LANGUAGES`` (``en`` is the default and the source of all content;
``bs``, ``sq``, ``mk``, ``sr-latn`` and ``tr`` are translations). Each locale has its own copy of the page tree under
Wagtail's root page: the English home page is the root of the Wagtail ``Site``, and each other locale's home page is
its translation (a sibling at depth 2); Wagtail serves ``/tr/...`` from the Turkish tree because ``LocaleMiddleware``
activates Turkish for the ``/tr/`` prefix.

A page that nobody has translated yet exists in the other trees as an *alias* of the English page (wagtail-localize's
"locale synchronisation", ``wagtail_localize.synctree``): it shows the English text, and Wagtail republishes it
whenever the English page is published. Translating it (in the admin's translation editor, or with
:func:`translate_instance`) converts the alias into a real page in that language. So every page exists in every
locale and the language switcher never leads to a 404.

How ``load_demo`` (or any code building content) uses this module::

    from portal.i18n import ensure_locales, sync_page_trees, translate_instance

    ensure_locales()                      # 1. a Locale per language, each set to synchronise from English
    ... build the English page tree ...   # 2. pages in the default locale (publish them)
    sync_page_trees()                     # 3. aliases of every English page in every other locale
    translate_instance(home, "tr", {      # 4. translate what you have texts for, per language
        "Integrity Watch in the Western Balkans and Turkey": "Batı Balkanlar ve Türkiye'de Dürüstlük İzleme",
    })
    translate_instance(main_menu, "tr", {"About": "Hakkında", "News": "Haberler"})

All four are idempotent: running them again creates nothing twice and updates translations. To remove a page
from the site, delete it in every locale (``Page.objects.filter(translation_key=page.translation_key)``): an alias
whose English page is deleted becomes a standalone page. That includes Wagtail's initial "Welcome" page if a new
home page replaces it after :func:`ensure_locales` has run.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils import translation
from wagtail.models import DraftStateMixin, Locale, Page, PageViewRestriction, TranslatableMixin

from portal.slugs import transliterate_slug

__all__ = [
    "LanguageLink",
    "default_locale",
    "ensure_locales",
    "language_links",
    "source_strings",
    "sync_page_trees",
    "translate_instance",
]


def _language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def default_locale() -> Locale:
    """The locale of ``settings.LANGUAGE_CODE`` (English), created if missing."""
    locale, _created = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    return locale


@transaction.atomic
def ensure_locales() -> list[Locale]:
    """Create a Wagtail :class:`~wagtail.models.Locale` for each language of ``settings.LANGUAGES``; idempotent.

    Each non-default locale also gets a wagtail-localize ``LocaleSynchronization`` from the default locale, so pages
    that editors create in English in the admin are aliased into every locale at once (wagtail-localize's
    ``after_create_page`` hook). Pages created in code need :func:`sync_page_trees` afterwards.

    Returns the locales in the order of ``settings.LANGUAGES``.
    """
    from wagtail_localize.models import LocaleSynchronization

    source = default_locale()
    locales = []
    for code in _language_codes():
        locale, _created = Locale.objects.get_or_create(language_code=code)
        locales.append(locale)
    for locale in locales:
        if locale.pk != source.pk:
            LocaleSynchronization.objects.get_or_create(locale=locale, defaults={"sync_from": source})
    return locales


@transaction.atomic
def sync_page_trees(*, refresh_aliases: bool = True) -> int:
    """Make every locale's page tree complete; returns how many alias pages were created.

    Calls :func:`ensure_locales`, then wagtail-localize's ``synchronize_tree(default, locale)`` for every other
    locale: each default-locale page (home page included) that has neither a translation nor an alias in that locale
    gets an alias there, under the translation (or alias) of its parent. Then:

    * unless ``refresh_aliases`` is false, aliases of live English pages are refreshed from the English content
      (``Page.update_aliases``, which re-saves every alias), for content changed in code without publishing a
      revision (publishing a revision does this by itself);
    * view restrictions set on an English page after its aliases were made are copied to its aliases and
      translations, so a private page stays private in every language.

    Safe to run any number of times (``manage.py sync_locale_trees`` from wagtail-localize does the first step only).
    """
    from wagtail_localize.synctree import PageIndex, synchronize_tree

    before = Page.objects.filter(alias_of__isnull=False).count()
    source = default_locale()
    targets = [locale for locale in ensure_locales() if locale.pk != source.pk]
    page_index = PageIndex.from_database().sort_by_tree_position()
    for locale in targets:
        synchronize_tree(source, locale, page_index=page_index)
    created = Page.objects.filter(alias_of__isnull=False).count() - before

    if refresh_aliases:
        for original in Page.objects.filter(locale=source, live=True, aliases__isnull=False).distinct().specific():
            original.update_aliases()
    _sync_view_restrictions(source)
    return created


def _sync_view_restrictions(source: Locale) -> None:
    """Copy each default-locale page's own view restrictions onto its translations and aliases that lack them."""
    restricted = PageViewRestriction.objects.filter(page__locale=source).select_related("page")
    for restriction in restricted.prefetch_related("groups"):
        counterparts = Page.objects.filter(translation_key=restriction.page.translation_key).exclude(
            pk=restriction.page_id
        )
        for page in counterparts.exclude(view_restrictions__restriction_type=restriction.restriction_type):
            copy = PageViewRestriction.objects.create(
                page=page, restriction_type=restriction.restriction_type, password=restriction.password
            )
            copy.groups.set(restriction.groups.all())


def _locale_for(language_code: str) -> Locale:
    codes = _language_codes()
    if language_code not in codes:
        raise ValueError(f"Unknown language {language_code!r}; expected one of {codes}")
    return Locale.objects.get_or_create(language_code=language_code)[0]


def _source_of(instance: Model):
    from wagtail_localize.models import TranslationSource

    if isinstance(instance, Page):
        instance = instance.specific
    if instance.locale_id != default_locale().pk:
        # Callers may pass the page they hold in any locale; the source is always the default-locale original.
        instance = instance.get_translation(default_locale())
        if isinstance(instance, Page):
            instance = instance.specific
    source, created = TranslationSource.get_or_create_from_instance(instance)
    if not created:
        source.update_from_db()  # pick up English changes made since the last translation
    return source


def source_strings(instance: Model) -> list[str]:
    """The texts of ``instance`` that :func:`translate_instance` accepts as keys, in page order.

    These are wagtail-localize's string segments of the default-locale original: plain text for ``CharField`` and
    ``TextField`` values (title, slug, intro...), one entry per block of text inside StreamFields, and one entry per
    paragraph/heading/list item of rich text (HTML, inline tags such as ``<b>`` kept, links as ``<a id="a1">``).
    """
    from wagtail_localize.models import StringSegment

    segments = StringSegment.objects.filter(source=_source_of(instance)).order_by("order").select_related("string")
    return [segment.string.data for segment in segments]


@transaction.atomic
def translate_instance(
    instance: Model,
    language_code: str,
    translations: dict[str, str],
    publish: bool = True,
    user=None,
) -> Model:
    """Translate a page or a ``TranslatableMixin`` snippet into ``language_code`` with wagtail-localize.

    ``instance``: the default-locale (English) original, or any of its translations/aliases (the original is looked
    up by ``translation_key``). ``language_code``: a code from ``settings.LANGUAGES`` other than the default
    (``ValueError`` otherwise). ``translations``: ``{source text: translated text}`` where the keys are strings as
    :func:`source_strings` lists them; every segment whose source text is a key gets that translation, every other
    segment keeps the English text (wagtail-localize's fallback). A translation of the ``slug`` is transliterated
    with :func:`portal.slugs.transliterate_slug`; without one, the translated page keeps the English slug.

    Steps: a ``TranslationSource`` for the original (refreshed from the database when it already exists), a
    ``Translation`` to the target locale (what the admin's translation editor uses, so editors can continue the
    work there), a ``StringTranslation`` per matched segment (created or updated), then the target is written: an
    alias page is converted into a real page, a missing page is created (its parents are aliased/copied first),
    and its revision is published at once when ``publish`` is true (for pages and draftable snippets; a snippet
    without drafts is always saved live, and ``publish=False`` raises ``ValueError`` for it).

    Idempotent: running it again with the same mapping changes nothing visible; with a changed mapping or changed
    English content it updates the translation. Returns the translated instance (specific page class for pages).
    Raises ``ValueError`` for a model that is not translatable.
    """
    from wagtail_localize.models import StringSegment, StringTranslation, Translation

    if not isinstance(instance, TranslatableMixin):
        raise ValueError(f"{type(instance).__name__} is not translatable (no TranslatableMixin)")
    locale = _locale_for(language_code)
    if locale.pk == default_locale().pk:
        raise ValueError(f"{language_code!r} is the source language; edit the original instead")
    draftable = isinstance(instance, DraftStateMixin)
    if not publish and not draftable:
        raise ValueError(f"{type(instance).__name__} has no drafts; it can only be translated live (publish=True)")

    source = _source_of(instance)
    translation_obj, _created = Translation.objects.get_or_create(source=source, target_locale=locale)
    if not translation_obj.enabled:
        translation_obj.enabled = True
        translation_obj.save(update_fields=["enabled"])

    segments = StringSegment.objects.filter(source=source).select_related("string", "context")
    for segment in segments:
        text = segment.string.data
        if text not in translations:
            continue
        value = translations[text]
        if segment.context.path == "slug":
            value = transliterate_slug(value, language_code) or text
        StringTranslation.objects.update_or_create(
            translation_of=segment.string,
            locale=locale,
            context=segment.context,
            defaults={
                "data": value,
                "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL,
                "last_translated_by": user,
                "has_error": False,
                "field_error": "",
            },
        )

    # wagtail-localize publishes pages in transaction.on_commit; we publish the new revision here instead, so the
    # translation is live as soon as this function returns (inside load_demo's transaction and in tests too).
    target, _created = source.create_or_update_translation(
        locale, user=user, publish=not draftable, copy_parent_pages=True, fallback=True
    )
    if draftable and publish:
        target.get_latest_revision().publish(user=user)
        target = type(target).objects.get(pk=target.pk)
    return target.specific if isinstance(target, Page) else target


@dataclass(frozen=True)
class LanguageLink:
    """One entry of the language switcher.

    ``code``: language code (``"sr-latn"``); ``name``: the language's own name from ``settings.LANGUAGES``;
    ``url``: where the link goes (site-relative); ``is_current``: the language of the page being shown;
    ``exact``: the link shows the same content in that language (so it is an ``hreflang`` alternate), rather than
    the nearest translated ancestor or that language's home page.
    """

    code: str
    name: str
    url: str
    is_current: bool
    exact: bool


def _home_url(language_code: str) -> str:
    with translation.override(language_code):
        return reverse("wagtail_serve", args=[""])


def _page_links(request, page: Page, current: str) -> list[LanguageLink]:
    """Links to ``page`` in every language: its live translation (or alias), else the nearest translated ancestor."""
    chain = list(page.get_ancestors(inclusive=True).filter(depth__gt=1).values_list("translation_key", "depth"))
    depth_of = dict(chain)
    candidates = Page.objects.live().filter(translation_key__in=depth_of.keys()).select_related("locale")
    best: dict[str, Page] = {}
    for candidate in candidates:
        code = candidate.locale.language_code
        if code not in best or depth_of[candidate.translation_key] > depth_of[best[code].translation_key]:
            best[code] = candidate
    links = []
    for code, name in settings.LANGUAGES:
        target = best.get(code)
        url = target.get_url(request=request) if target is not None else None
        links.append(
            LanguageLink(
                code=code,
                name=name,
                url=url or _home_url(code),
                is_current=code == current,
                exact=bool(url) and target.translation_key == page.translation_key,
            )
        )
    return links


def _path_links(request, current: str) -> list[LanguageLink]:
    """Links for a non-page view: the same path with its language prefix swapped (Django's ``translate_url``)."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    links = []
    for code, name in settings.LANGUAGES:
        if match is None or match.url_name == "wagtail_serve":
            # A path Wagtail could not serve (404 page): the other languages' home pages always exist.
            url, exact = _home_url(code), False
        else:
            url, exact = translate_url(request.path, code), True
            if request.GET:
                url = f"{url}?{request.GET.urlencode()}"
        links.append(LanguageLink(code=code, name=name, url=url, is_current=code == current, exact=exact))
    return links


def language_links(request, page: Page | None = None) -> list[LanguageLink]:
    """Language switcher entries for the current request, one per ``settings.LANGUAGES`` entry, in that order.

    With a Wagtail ``page``: links to its translations (aliases included; live pages only), falling back to the
    nearest ancestor that exists in that language, then to that language's home page, so no link leads to a 404.
    Without one (allauth pages, search, other views): the current path with its language prefix swapped. The result
    is memoised on ``request`` for the switcher and the ``hreflang`` links of the same response.
    """
    current = translation.get_language() or settings.LANGUAGE_CODE
    if page is not None and not isinstance(page, Page):
        page = None
    cache_key = (page.pk if page is not None else None, current)
    memo = getattr(request, "_portal_language_links", {}) if request is not None else {}
    if cache_key in memo:
        return memo[cache_key]
    if request is None:
        links = [LanguageLink(code, name, _home_url(code), code == current, False) for code, name in settings.LANGUAGES]
    elif page is not None and page.pk and page.depth and page.depth > 1:  # unsaved pages: admin previews
        links = _page_links(request, page, current)
    else:
        links = _path_links(request, current)
    if request is not None:
        memo[cache_key] = links
        request._portal_language_links = memo
    return links
