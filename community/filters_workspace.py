"""GET filters of the workspace lists (django-filter): the member directory and the document library.

Invalid values are shown as errors on the form and ignored by the list (never a server error). The querysets these
filters narrow come from the views, already limited to what the user may see.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import Country

from .models import ExpertiseArea, Sector, Visibility, document_language_choices

#: Most words of a search taken into account.
MAX_SEARCH_WORDS = 6


def _words(value: str) -> list[str]:
    return [word for word in (value or "").split() if word][:MAX_SEARCH_WORDS]


class MemberFilter(django_filters.FilterSet):
    """Filters of the member directory (a queryset of :class:`community.models.Membership`).

    ``?q=`` words of the member's name (each word in the first or the last name), ``?country=<ISO code>`` the
    country of the member's DAG (in the RCP's directory: the DAG the membership belongs to; members of the RCP
    itself have none), ``?sector=<Sector value>``, ``?expertise=<Expertise code>``.
    """

    q = django_filters.CharFilter(label=_("Name"), method="filter_name", max_length=100)
    country = django_filters.ModelChoiceFilter(
        field_name="community__country",
        queryset=Country.objects.all(),
        to_field_name="code",
        label=_("Country"),
        empty_label=_("All countries"),
    )
    sector = django_filters.ChoiceFilter(choices=Sector.choices, label=_("Sector"), empty_label=_("All sectors"))
    expertise = django_filters.ModelChoiceFilter(
        field_name="expertise",
        queryset=ExpertiseArea.objects.all(),
        to_field_name="code",
        label=_("Expertise"),
        empty_label=_("All areas of expertise"),
    )

    def filter_name(self, queryset, name, value):
        for word in _words(value):
            queryset = queryset.filter(Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word))
        return queryset


class DocumentFilter(django_filters.FilterSet):
    """Filters of the document library: ``?q=`` words of the title, ``?language=<code>``, ``?visibility=``."""

    q = django_filters.CharFilter(label=_("Title"), method="filter_title", max_length=100)
    language = django_filters.ChoiceFilter(
        choices=document_language_choices, label=_("Language"), empty_label=_("All languages")
    )
    visibility = django_filters.ChoiceFilter(
        choices=Visibility.choices, label=_("Visibility"), empty_label=_("Members and public")
    )

    def filter_title(self, queryset, name, value):
        for word in _words(value):
            queryset = queryset.filter(title__icontains=word)
        return queryset
