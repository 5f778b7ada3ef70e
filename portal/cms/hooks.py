"""Extension points of the CMS for the other apps. ``portal`` imports none of them (imports run ``events →
community → portal``); an app that wants to add to a CMS page, or to hide its own pages, registers a Wagtail hook.

``pages_visible_to`` (:data:`PAGES_VISIBLE_TO_HOOK`)
    ``fn(request, pages) -> pages``: narrows the ``PageQuerySet`` of pages ``request``'s visitor may view, after
    Wagtail page privacy was applied (:func:`portal.cms.permissions.pages_visible_to`, used by site search). An app
    whose pages carry their own audience (members-only events) excludes the ones the visitor may not see. A
    function must only narrow (``filter``/``exclude``), never widen, and must keep the queryset searchable (filter
    on the primary key with a subquery: ``pages.exclude(pk__in=…)``).

``home_page_sections`` (:data:`HOME_PAGE_SECTIONS_HOOK`)
    ``fn(request, page) -> PageSection | None`` (or an iterable of them): a block the home page ``page`` (a
    ``HomePage`` of one locale) shows after its own body and campaigns, e.g. the next events. The template is
    included with the page's context plus ``section`` (the :class:`PageSection`); everything it shows must be
    public (the home page is the same for everyone). Sections are shown by ``order``, then by registration order;
    their stylesheets are linked in the head (``home_section_stylesheets`` in the context, each once).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from wagtail import hooks

PAGES_VISIBLE_TO_HOOK = "pages_visible_to"
HOME_PAGE_SECTIONS_HOOK = "home_page_sections"


@dataclass(frozen=True)
class PageSection:
    """A block an app adds to a CMS page: ``template`` (the template name to include), ``context`` (what it shows,
    read in the template as ``section.context``), ``order`` (lower first) and ``stylesheet`` (optional path of a
    static CSS file the block needs, linked in the page's head once)."""

    template: str
    context: dict = field(default_factory=dict)
    order: int = 100
    stylesheet: str = ""


def narrow_visible_pages(request, pages):
    """``pages`` narrowed by every ``pages_visible_to`` hook (see the module docstring)."""
    for function in hooks.get_hooks(PAGES_VISIBLE_TO_HOOK):
        pages = function(request, pages)
    return pages


def home_page_sections(request, page) -> list[PageSection]:
    """The sections the ``home_page_sections`` hooks give for the home page ``page``, by ``order``."""
    sections = []
    for function in hooks.get_hooks(HOME_PAGE_SECTIONS_HOOK):
        result = function(request, page)
        if result is None:
            continue
        items: Iterable = [result] if isinstance(result, PageSection) else result
        sections.extend(section for section in items if isinstance(section, PageSection))
    return sorted(sections, key=lambda section: section.order)
