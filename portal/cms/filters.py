"""GET filters of the CMS listing pages (django-filter); invalid values are ignored, never a server error."""

import django_filters
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal.models import Country

from .models import CampaignPage, NewsPage, PublicationPage, ResourcePage


def _country_filter():
    return django_filters.ModelChoiceFilter(
        field_name="country",
        queryset=Country.objects.all(),
        to_field_name="code",
        label=_("Country"),
        empty_label=_("All countries"),
    )


class NewsFilter(django_filters.FilterSet):
    """``?country=<ISO code>``."""

    country = _country_filter()

    class Meta:
        model = NewsPage
        fields = ["country"]


class CampaignFilter(django_filters.FilterSet):
    """``?status=active|achieved|closed`` and ``?country=<ISO code>``."""

    status = django_filters.ChoiceFilter(
        choices=CampaignPage.Status.choices, label=_("Status"), empty_label=_("All statuses")
    )
    country = _country_filter()

    class Meta:
        model = CampaignPage
        fields = ["status", "country"]


class ResourceFilter(django_filters.FilterSet):
    """``?resource_type=tutorial|syllabus|guide``, ``?country=<ISO code>`` and ``?language=<code>``."""

    resource_type = django_filters.ChoiceFilter(
        choices=ResourcePage.ResourceType.choices, label=_("Type"), empty_label=_("All types")
    )
    country = _country_filter()
    language = django_filters.ChoiceFilter(
        choices=settings.LANGUAGES, label=_("Language"), empty_label=_("All languages")
    )

    class Meta:
        model = ResourcePage
        fields = ["resource_type", "country", "language"]


class PublicationFilter(django_filters.FilterSet):
    """``?publication_type=…`` and ``?country=<ISO code>``."""

    publication_type = django_filters.ChoiceFilter(
        choices=PublicationPage.PublicationType.choices, label=_("Type"), empty_label=_("All types")
    )
    country = _country_filter()

    class Meta:
        model = PublicationPage
        fields = ["publication_type", "country"]
