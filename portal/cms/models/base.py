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
