"""GET filters of the public event lists (issue 7 item 7): the upcoming list, the month calendar and the archive.

``?country=<ISO code>`` (held in the country, or hosted by a community of that country), ``?community=<slug>`` (a
host community), ``?type=<EventType>``, ``?format=<EventFormat>`` and ``?language=<EventLanguageCode>``. Invalid
values are shown as errors on the form and ignored by the list, never a server error. The queryset these filters
narrow comes from the views, already limited by ``EventPage.objects.visible_to``; each filter narrows it with a
``pk__in`` subquery, so the many-to-many joins never duplicate a row.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from community.models import Community
from portal.models import Country

from .models import EventFormat, EventLanguageCode, EventPage, EventType


class EventFilter(django_filters.FilterSet):
    """Filters of an ``EventPage`` queryset (see the module docstring for the parameters)."""

    country = django_filters.ModelChoiceFilter(
        queryset=Country.objects.all(),
        to_field_name="code",
        label=_("Country"),
        empty_label=_("All countries"),
        method="filter_country",
    )
    community = django_filters.ModelChoiceFilter(
        queryset=Community.objects.order_by("kind", "name"),
        to_field_name="slug",
        label=_("Community"),
        empty_label=_("All communities"),
        method="filter_community",
    )
    type = django_filters.ChoiceFilter(
        field_name="event_type", choices=EventType.choices, label=_("Type"), empty_label=_("All types")
    )
    format = django_filters.ChoiceFilter(
        field_name="event_format", choices=EventFormat.choices, label=_("Format"), empty_label=_("All formats")
    )
    language = django_filters.ChoiceFilter(
        choices=EventLanguageCode.choices,
        label=_("Language"),
        empty_label=_("All languages"),
        method="filter_language",
    )

    class Meta:
        model = EventPage
        fields = ["country", "community", "type", "format", "language"]

    def filter_country(self, queryset, name, value):
        """Events held in ``value`` (a Country) or hosted by one of its communities."""
        matching = EventPage.objects.filter(Q(country=value) | Q(host_communities__country=value)).values("pk")
        return queryset.filter(pk__in=matching)

    def filter_community(self, queryset, name, value):
        """Events hosted by ``value`` (a Community)."""
        return queryset.filter(pk__in=EventPage.objects.filter(host_communities=value).values("pk"))

    def filter_language(self, queryset, name, value):
        """Events held in the language with code ``value``."""
        return queryset.filter(pk__in=EventPage.objects.filter(languages__code=value).values("pk"))
