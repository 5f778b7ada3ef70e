"""Pieces shared by the page models: pagination of listings and the country foreign key."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.utils.translation import gettext_lazy as _

LISTING_PAGE_SIZE = 12


def paginate(request, queryset, per_page: int = LISTING_PAGE_SIZE):
    """Return the ``django.core.paginator.Page`` of ``queryset`` named by ``?page=`` in ``request``.

    A missing or non-numeric page number gives page 1; a number past the end gives the last page (never a 404),
    so a stale link to ``?page=9`` after content was removed still shows results.
    """
    paginator = Paginator(queryset, per_page)
    number = request.GET.get("page", 1)
    try:
        return paginator.page(number)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def country_field(help_text=""):
    """A nullable foreign key to ``portal.Country`` (blank means "regional" / all five countries)."""
    return models.ForeignKey(
        "portal.Country",
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=help_text,
    )


def query_without_page(request) -> str:
    """Return the current GET parameters minus ``page`` (URL-encoded), for pagination links that keep filters."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


class FilteredListingMixin:
    """Mixin for an index page that lists its children one page at a time behind a django-filter FilterSet.

    Subclasses set ``listing_filter`` (the class name of a FilterSet in the module ``listing_filter_module``,
    default :mod:`portal.cms.filters`, resolved late because that module imports the page models) and
    ``listing_context_name`` (the template name of the page of results, e.g. ``"news"``), and implement
    ``listing_pages()`` returning the live, public child queryset.
    ``get_context`` adds ``filters`` (the bound FilterSet), ``listing`` and the named alias (a Django ``Page`` of
    ``LISTING_PAGE_SIZE`` results) and ``filter_query`` (the query string without ``page``).
    """

    listing_filter: str = ""
    listing_filter_module: str = "portal.cms.filters"
    listing_context_name: str = "listing"

    def get_context(self, request, *args, **kwargs):
        from importlib import import_module

        filter_class = getattr(import_module(self.listing_filter_module), self.listing_filter)
        context = super().get_context(request, *args, **kwargs)
        filters = filter_class(request.GET or None, queryset=self.listing_pages())
        results = paginate(request, filters.qs)
        context.update(filters=filters, listing=results, filter_query=query_without_page(request))
        context[self.listing_context_name] = results
        return context
