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

from .models import Call, CallPage, GrantAgreement, Lot

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


#: Years a ``?year=`` may name (a well-formed year without grants gives an empty list, not every grant).
YEAR_RANGE = range(2000, 2101)


class AwardYearField(django_filters.fields.ChoiceField):
    """A select of the years with grants that also accepts any other year in :data:`YEAR_RANGE` typed into the
    address (so ``?year=2019`` lists nothing rather than being ignored)."""

    def valid_value(self, value):
        return super().valid_value(value) or (str(value).isdigit() and int(value) in YEAR_RANGE)


class AwardYearFilter(django_filters.ChoiceFilter):
    field_class = AwardYearField


def _award_year_choices() -> list[tuple[str, str]]:
    from .opendata import award_years

    return [(str(year), str(year)) for year in award_years()]


class AwardedGrantFilter(django_filters.FilterSet):
    """Filters of the public "Grants awarded" list and its 360Giving files, on public :class:`GrantAgreement` rows.

    ``?country=<ISO code>`` (grants whose grantee or a partner is in that country), ``?call=<code of a published
    call>`` and ``?year=<YYYY>`` (year of the award in the call's time zone, see
    :func:`grants.opendata.in_award_year`; the select offers the years with grants). A valid value without grants
    gives an empty list; an impossible one (unknown country code or call code, not a year from 2000 to 2100) makes
    the filter set invalid (``is_valid()`` False, ``errors`` keyed by the filter's name, e.g. "Choose a country
    from the list."): callers must check ``is_valid()`` and show the error instead of any list, because
    django-filter's ``qs`` silently drops an invalid value (it would list every grant).
    """

    country = django_filters.ModelChoiceFilter(
        queryset=Country.objects.all(),
        to_field_name="code",
        label=_("Country"),
        empty_label=_("All countries"),
        method="filter_country",
        error_messages={"invalid_choice": _("Choose a country from the list.")},
    )
    call = django_filters.ModelChoiceFilter(
        queryset=Call.objects.published().order_by("-opens_at", "title"),
        to_field_name="code",
        label=_("Call for proposals"),
        empty_label=_("All calls"),
        method="filter_call",
        error_messages={"invalid_choice": _("Choose a call from the list.")},
    )
    year = AwardYearFilter(
        choices=_award_year_choices,
        label=_("Year awarded"),
        empty_label=_("All years"),
        method="filter_year",
        error_messages={"invalid_choice": _("Choose a year from the list (a year from 2000 to 2100).")},
    )

    class Meta:
        model = GrantAgreement
        fields = ["country", "call", "year"]

    def filter_country(self, queryset, name, value):
        """Grants of an organisation in ``value`` (a Country), or with a partner organisation there."""
        partners = GrantAgreement.partners.through.objects.filter(
            grantagreement_id=OuterRef("pk"), organisation__country=value
        )
        return queryset.filter(Q(organisation__country=value) | Q(Exists(partners)))

    def filter_call(self, queryset, name, value):
        """Grants of the call ``value``."""
        return queryset.filter(application__call=value)

    def filter_year(self, queryset, name, value):
        """Grants awarded in the year ``value`` (digits, validated by :class:`AwardYearField`)."""
        from .opendata import in_award_year

        return in_award_year(queryset, int(value))
