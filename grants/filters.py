"""GET filters of the public calls list (django-filter); invalid values are ignored, never a server error.

``?country=<ISO code>`` (the call's country, or a regional call open to that country), ``?status=open|upcoming|
closed`` (against the server clock, UTC) and ``?lot_type=cross_border|national`` (calls with at least one lot of
that kind). Used by :class:`grants.models.pages.CallIndexPage` through ``FilteredListingMixin``.
"""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.models import Country

from .models import Call, CallPage, Lot

STATUS_CHOICES = [
    ("open", pgettext_lazy("call status", "Open")),
    ("upcoming", pgettext_lazy("call status", "Upcoming")),
    ("closed", pgettext_lazy("call status", "Closed")),
]
LOT_TYPE_CHOICES = [("cross_border", _("Cross-border")), ("national", _("In one country"))]


class CallFilter(django_filters.FilterSet):
    """Filters on :class:`~grants.models.CallPage` rows (the page carries the call in ``call``)."""

    country = django_filters.ModelChoiceFilter(
        queryset=Country.objects.all(),
        to_field_name="code",
        label=_("Country"),
        empty_label=_("All countries"),
        method="filter_country",
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, label=_("Status"), empty_label=_("Any status"), method="filter_status"
    )
    lot_type = django_filters.ChoiceFilter(
        choices=LOT_TYPE_CHOICES, label=_("Lot type"), empty_label=_("All lots"), method="filter_lot_type"
    )

    class Meta:
        model = CallPage
        fields = ["country", "status", "lot_type"]

    def filter_country(self, queryset, name, value):
        """Calls of ``value`` (a Country), and regional calls that accept applicants from it."""
        eligible = Call.eligible_countries.through.objects.filter(call_id=OuterRef("call_id"), country_id=value.pk)
        return queryset.filter(Q(call__country=value) | Q(Exists(eligible), call__country__isnull=True))

    def filter_status(self, queryset, name, value):
        """``open``: opened and deadline not passed (the deadline itself is still open); ``upcoming``; ``closed``."""
        now = timezone.now()
        if value == "open":
            return queryset.filter(call__opens_at__lte=now, call__closes_at__gte=now)
        if value == "upcoming":
            return queryset.filter(call__opens_at__gt=now)
        return queryset.filter(call__closes_at__lt=now)

    def filter_lot_type(self, queryset, name, value):
        """Calls with at least one cross-border lot, or with at least one lot in a single country."""
        lots = Lot.objects.filter(call_id=OuterRef("call_id"), cross_border=(value == "cross_border"))
        return queryset.filter(Exists(lots))
