"""Build the demo site from the plain-data page specs in :mod:`portal.demo` (used by ``manage.py load_demo``).

A page spec is a dict::

    {"model": "StandardPage", "slug": "about", "title": "About the programme",
     "fields": {"intro": "...", "body": [heading("..."), paragraph("...")]},
     "documents": [(title, filename, text)],   # optional: ResourcePage, CampaignPage
     "children": [<spec>, ...]}

``model`` names a model of the ``cms`` app; StreamField values are lists of ``(block_type, value)`` pairs (see
:mod:`portal.demo.blocks`); a ``country`` field holds an ISO code (or ``None``). Pages are found again by their
slug under their parent in the default locale, so a second run updates them in place, and a page is only given a
new published revision when one of its fields changed.

Building runs in two passes: the first makes sure every page exists (so ``<a page="slug">`` links can be resolved
to page ids), the second writes the content and publishes.
"""

import hashlib
import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models
from wagtail.fields import StreamField
from wagtail.models import Locale, Page, Site

from portal.countries import PROGRAMME_COUNTRIES

from .blocks import resolve_stream_links, stream

logger = logging.getLogger(__name__)

SITE_NAME = "Integrity Watch Portal"


@dataclass
class BuildResult:
    """What a build did: pages ``created``, ``updated`` (new revision published) and ``unchanged`` (by slug)."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    pages: dict[str, Page] = field(default_factory=dict)


def ensure_countries() -> dict:
    """Create or update the five ``portal.Country`` rows from ``PROGRAMME_COUNTRIES``; return them by code."""
    from portal.models import Country

    countries = {}
    for order, (code, name, local_name, tz) in enumerate(PROGRAMME_COUNTRIES):
        countries[code], _ = Country.objects.update_or_create(
            code=code, defaults={"name": name, "local_name": local_name, "timezone": tz, "sort_order": order}
        )
    return countries


def _model(name: str) -> type[Page]:
    return apps.get_model("cms", name)


def ensure_home(spec: dict) -> tuple[Page, bool]:
    """Return the default locale's ``HomePage`` (created if missing) and make it the default Site's root.

    Wagtail's initial "Welcome to your new Wagtail site!" page (a plain ``Page`` at depth 2) and its translations
    are deleted when the home page is first created. The default Site takes its host name and port from
    ``settings.WAGTAILADMIN_BASE_URL`` (``http://127.0.0.1:8000`` in development), so absolute URLs in the sitemap
    and feeds point at the running site, and ``is_default_site=True``, so it answers any host name.
    """
    HomePage = _model(spec["model"])
    locale = Locale.get_default()
    home = HomePage.objects.filter(depth=2, locale=locale).first()
    created = home is None
    if created:
        plain_page_type = ContentType.objects.get_for_model(Page)
        placeholders = Page.objects.filter(depth=2, content_type=plain_page_type)
        for page in placeholders:
            # A page's translations are siblings here; deleting one may already have removed another.
            if Page.objects.filter(pk=page.pk).exists():
                page.delete()
        root = Page.get_first_root_node()
        home = root.add_child(
            instance=HomePage(title=spec["title"], slug=spec["slug"], locale=locale, live=True),
        )
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    if site is None:
        site = Site(is_default_site=True)
    base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    site.hostname = base.hostname or "localhost"
    site.port = base.port or (443 if base.scheme == "https" else 80)
    site.root_page = home
    site.site_name = SITE_NAME
    site.is_default_site = True
    site.save()
    return home, created


def _walk(specs: list[dict], parent_slug: str | None = None):
    for spec in specs:
        yield spec, parent_slug
        yield from _walk(spec.get("children", []), spec["slug"])


def check_specs(home_spec: dict, specs: list[dict]) -> None:
    """Raise ``ValueError`` when two specs share a slug or a spec names an unknown model or field."""
    seen = {home_spec["slug"]}
    for spec, _parent in _walk(specs):
        if spec["slug"] in seen:
            raise ValueError(f"duplicate demo slug {spec['slug']!r}")
        seen.add(spec["slug"])
        model = _model(spec["model"])
        names = {f.name for f in model._meta.get_fields()}
        unknown = set(spec.get("fields", {})) - names
        if unknown:
            raise ValueError(f"{spec['model']} {spec['slug']!r}: unknown fields {sorted(unknown)}")


def _ensure_page(parent: Page, spec: dict) -> tuple[Page, bool]:
    """Find the page with ``spec["slug"]`` under ``parent`` (same locale) or create a bare draft.

    Returns ``(page, created)``.
    """
    model = _model(spec["model"])
    page = model.objects.child_of(parent).filter(slug=spec["slug"], locale=parent.locale).first()
    if page is not None:
        return page, False
    existing = parent.get_children().filter(slug=spec["slug"]).first()
    if existing is not None:
        raise ValueError(f"page {spec['slug']!r} exists under {parent} but is a {existing.specific_class.__name__}")
    page = parent.add_child(instance=model(title=spec["title"], slug=spec["slug"], locale=parent.locale, live=False))
    return page, True


def ensure_documents(specs: list[dict]) -> dict[str, object]:
    """Create the plain-text handouts named by ``documents`` in the specs; return them by file name.

    A document is found again by its title; its file is rewritten only when the text changed.
    """
    from wagtail.documents import get_document_model

    Document = get_document_model()
    documents = {}
    for spec, _parent in _walk(specs):
        for title, filename, text in spec.get("documents", []):
            data = text.encode("utf-8")
            digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()
            document = Document.objects.filter(title=title).first()
            if document is None or document.file_hash != digest:
                document = document or Document(title=title)
                document.file.save(filename, ContentFile(data), save=False)
                document.file_size = len(data)
                document.file_hash = digest
                document.save()
            documents[filename] = document
    return documents


def _stored(page: Page, name: str):
    """The value of field ``name`` of ``page`` as it is stored (comparable between runs)."""
    model_field = page._meta.get_field(name)
    value = getattr(page, model_field.attname)
    if isinstance(model_field, StreamField):
        return model_field.get_prep_value(value)
    return value


def _values(page: Page, spec: dict, countries: dict, slug_ids: dict, documents: dict) -> dict:
    """The field values to write on ``page`` for ``spec`` (stream fields as JSON with stable ids, links resolved)."""
    values = {"title": spec["title"]}
    for name, value in spec.get("fields", {}).items():
        model_field = page._meta.get_field(name)
        if isinstance(model_field, StreamField):
            value = stream(f"{spec['slug']}:{name}", value)
            value = resolve_stream_links(value, slug_ids.get)
        elif isinstance(model_field, models.ForeignKey) and name == "country":
            value = countries[value].pk if value else None
            name = model_field.attname
        values[name] = value
    if spec.get("documents"):
        docs = [documents[filename] for _title, filename, _text in spec["documents"]]
        values["documents"] = stream(f"{spec['slug']}:documents", [("document", doc.pk) for doc in docs])
    return values


def _write(page: Page, spec: dict, countries: dict, slug_ids: dict, documents: dict, publish_all: bool) -> bool:
    """Write ``spec``'s content on ``page`` and publish a revision when something changed; return True if so."""
    values = _values(page, spec, countries, slug_ids, documents)
    changed = False
    for name, value in values.items():
        field_name = name[:-3] if name.endswith("_id") else name
        before = _stored(page, field_name)
        setattr(page, name, value)
        if _stored(page, field_name) != before:
            changed = True
    if changed or publish_all or not page.live or page.has_unpublished_changes:
        page.save_revision(log_action=False).publish(log_action=False)
        return True
    return False


def build_site(home_spec: dict, specs: list[dict], publish_all: bool = False) -> BuildResult:
    """Create or update the home page from ``home_spec`` and the page tree ``specs`` under it; publish every page.

    Returns a :class:`BuildResult`. Raises ``ValueError`` for duplicate slugs or unknown fields in the specs.
    """
    check_specs(home_spec, specs)
    result = BuildResult()
    countries = ensure_countries()
    documents = ensure_documents(specs)

    home, created = ensure_home(home_spec)
    result.pages[home_spec["slug"]] = home
    if created:
        result.created.append(home_spec["slug"])

    # Pass 1: every page exists, so links between pages can be resolved.
    for spec, parent_slug in _walk(specs):
        parent = result.pages[parent_slug or home_spec["slug"]]
        page, created = _ensure_page(parent, spec)
        result.pages[spec["slug"]] = page
        if created:
            result.created.append(spec["slug"])
    slug_ids = {slug: page.pk for slug, page in result.pages.items()}

    # Pass 2: content and publication, parents before children (a child cannot go live under a draft parent).
    for spec, _parent in [(home_spec, None), *_walk(specs)]:
        page = result.pages[spec["slug"]]
        page.refresh_from_db()
        if _write(page, spec, countries, slug_ids, documents, publish_all):
            if spec["slug"] not in result.created:
                result.updated.append(spec["slug"])
        else:
            result.unchanged.append(spec["slug"])
        result.pages[spec["slug"]] = page
    return result


def ensure_footer(site: Site, values: dict) -> None:
    """Write the footer settings of ``site`` (funder credits, disclaimer, contact email)."""
    FooterSettings = _model("FooterSettings")
    footer = FooterSettings.for_site(site)
    for name, value in values.items():
        setattr(footer, name, value)
    footer.save()


def ensure_menu(title: str, items: list[tuple[str, str]], pages: dict[str, Page]):
    """Create or update the default locale's ``MainMenu`` with ``items`` (label, page slug or site path), in order.

    A target starting with ``/`` is a site path (``link_url``, e.g. a Django view such as ``/grants/awarded/``);
    anything else is the slug of a page in ``pages``; an item whose page is not in ``pages`` (its app's demo part
    did not build it) is left out. Existing items are updated in place by position (so their ids, and
    wagtail-localize's segments, stay stable); extra items are removed.
    """
    MainMenu = _model("MainMenu")
    locale = Locale.get_default()
    menu = MainMenu.objects.filter(locale=locale).first() or MainMenu(locale=locale)
    menu.title = title
    existing = list(menu.items.all()) if menu.pk else []
    new_items = []
    items = [(label, target) for label, target in items if target.startswith("/") or target in pages]
    for position, (label, target) in enumerate(items):
        item = existing[position] if position < len(existing) else menu.items.model()
        item.label = label
        is_path = target.startswith("/")
        item.link_page = None if is_path else pages[target]
        item.link_url = target if is_path else ""
        item.sort_order = position
        new_items.append(item)
    menu.items = new_items
    menu.save()
    return menu
