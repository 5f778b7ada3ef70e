"""Views of the CMS outside the page tree: search, robots.txt, sitemap.xml and the /feed/ shortcut."""

import re
import unicodedata

from django.http import Http404
from django.template.response import TemplateResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.models import Locale, Site

from .feeds import NewsFeed
from .models import NewsIndexPage
from .models.base import paginate, query_without_page
from .permissions import pages_visible_to
from .sitemaps import PortalSitemap

SEARCH_PAGE_SIZE = 10
SEARCH_QUERY_MAX_LENGTH = 200
_SPACES = re.compile(r"\s+")


def clean_search_query(raw: str) -> str:
    """Return ``raw`` fit for the search backend: control characters (Unicode category ``Cc``: NUL, tabs, line
    breaks, DEL, C1 controls…) become spaces, runs of whitespace collapse to one space, ends are stripped, and the
    result is cut to ``SEARCH_QUERY_MAX_LENGTH`` characters.

    A NUL byte otherwise reaches the database: SQLite fails with "unterminated string" and PostgreSQL refuses NUL in
    text, both a server error.
    """
    text = "".join(" " if unicodedata.category(char) == "Cc" else char for char in raw)
    return _SPACES.sub(" ", text).strip()[:SEARCH_QUERY_MAX_LENGTH].strip()


@require_GET
def search(request):
    """``/search/?q=…&page=n``: Wagtail search over the pages the visitor may view, in the active locale.

    The database search backend uses PostgreSQL full-text search on PostgreSQL and its SQLite/fallback
    implementation otherwise. Private pages are filtered before searching (:func:`pages_visible_to`). The query is
    cleaned by :func:`clean_search_query`. The results of the shown page are the specific pages (one query per page
    type, not per result), so the template can show their intro, summary or hero text as a snippet.
    """
    query = clean_search_query(request.GET.get("q", ""))
    results = None
    if query:
        pages = pages_visible_to(request).filter(locale=Locale.get_active())
        results = paginate(request, pages.specific().search(query), per_page=SEARCH_PAGE_SIZE)
    return TemplateResponse(
        request,
        "search/search.html",
        {"search_query": query, "search_results": results, "filter_query": query_without_page(request)},
    )


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    """robots.txt: allow everything except the admin and account pages; point crawlers to the sitemap."""
    return TemplateResponse(request, "cms/robots.txt", {}, content_type="text/plain; charset=utf-8")


@require_GET
def sitemap_xml(request):
    """sitemap.xml of every locale's public, live pages (:class:`portal.cms.sitemaps.PortalSitemap`)."""
    # One <url> per line (Django's template squeezes the whole set onto one line), easier to read and to grep.
    return wagtail_sitemap(request, sitemaps={"pages": PortalSitemap}, template_name="cms/sitemap.xml")


@require_GET
def default_news_feed(request):
    """``/feed/``: the RSS feed of the default locale's news index of this site (404 when there is none)."""
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    root = site.root_page.get_translation_or_none(Locale.get_default()) or site.root_page
    index = NewsIndexPage.objects.descendant_of(root).live().public().first()
    if index is None:
        raise Http404
    return NewsFeed()(request, index=index)
