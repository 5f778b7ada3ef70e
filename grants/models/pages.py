"""Public pages of calls: the calls index (open, upcoming and past calls with filters) and a call page.

The rules live on :class:`grants.models.calls.Call`; a :class:`CallPage` carries the public, translatable text
and shows the rules of its call (deadline in the call's time zone, countdown, lots, criteria, documents).
"""

from urllib.parse import urlencode

from django.db import models
from django.db.models import Case, F, IntegerField, When
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.cms.blocks import BodyBlock
from portal.cms.models.base import FilteredListingMixin

# Order of the calls list: open calls first (nearest deadline first), then upcoming (soonest opening first),
# then closed calls (latest deadline first).
STATUS_RANK = {"open": 0, "upcoming": 1, "closed": 2}


class CallIndexPage(FilteredListingMixin, Page):
    """The list of calls for proposals of one locale (open first, then upcoming, then past), with filters.

    Filters (``?country=``, ``?status=``, ``?lot_type=``): :class:`grants.filters.CallFilter`. The template gets
    ``calls`` (a page of ``CallPage`` rows with ``call``, ``call.country`` and ``call.lots`` loaded; the number of
    queries does not grow with the number of calls) and ``filters``.
    """

    intro = models.TextField(_("introduction"), blank=True)

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["grants.CallPage"]
    max_count_per_parent = 1

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    listing_filter = "CallFilter"
    listing_filter_module = "grants.filters"
    listing_context_name = "calls"

    class Meta:
        verbose_name = _("calls index")
        verbose_name_plural = _("calls indexes")

    def listing_pages(self, now=None):
        """Live, public ``CallPage`` children whose call is published, ordered as described in ``STATUS_RANK``.

        ``now`` (aware datetime, default server now) decides which calls count as open.
        """
        now = now or timezone.now()
        is_open = models.Q(call__opens_at__lte=now, call__closes_at__gte=now)
        is_upcoming = models.Q(call__opens_at__gt=now)
        return (
            CallPage.objects.child_of(self)
            .live()
            .public()
            .filter(call__published=True)
            .select_related("call", "call__country")
            .prefetch_related("call__lots")
            .annotate(
                status_rank=Case(
                    When(is_open, then=STATUS_RANK["open"]),
                    When(is_upcoming, then=STATUS_RANK["upcoming"]),
                    default=STATUS_RANK["closed"],
                    output_field=IntegerField(),
                ),
                sort_time=Case(
                    When(is_open, then=F("call__closes_at")),
                    When(is_upcoming, then=F("call__opens_at")),
                    default=None,
                ),
            )
            .order_by("status_rank", "sort_time", "-call__closes_at", "pk")
        )


def application_start_url(call, lot) -> str | None:
    """The applicant's "start an application" URL for ``lot`` of ``call`` (``?call=<id>&lot=<id>``), or None when
    the ``grants:application_start`` view is not installed."""
    try:
        base = reverse("grants:application_start")
    except NoReverseMatch:
        return None
    return f"{base}?{urlencode({'call': call.pk, 'lot': lot.pk})}"


class CallPage(Page):
    """The public page of one call for proposals: introduction and body text; rules come from ``call``.

    A page whose call is not published answers 404 to visitors (previews in the admin still work).
    """

    call = models.ForeignKey("grants.Call", verbose_name=_("call"), on_delete=models.PROTECT, related_name="pages")
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    parent_page_types = ["grants.CallIndexPage"]
    subpage_types: list[str] = []

    content_panels = Page.content_panels + [FieldPanel("call"), FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = _("call page")
        verbose_name_plural = _("call pages")

    def serve(self, request, *args, **kwargs):
        if not getattr(request, "is_preview", False) and not self.call.published:
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        """Adds ``call`` (with country, lots, criteria, documents and eligible countries loaded), ``status``
        (``"upcoming"``/``"open"``/``"closed"``), ``grid_total`` (sum of the criteria weights, points),
        ``documents`` and ``cross_border_documents``; each lot gets ``apply_url`` (None unless the call is open
        and the application view exists) and ``can_apply`` says whether any lot has one."""
        from .calls import Call

        context = super().get_context(request, *args, **kwargs)
        call = (
            Call.objects.select_related("country")
            .prefetch_related("lots", "criteria", "required_documents", "eligible_countries")
            .get(pk=self.call_id)
        )
        is_open = call.is_open()
        lots = list(call.lots.all())
        for lot in lots:
            lot.apply_url = application_start_url(call, lot) if is_open else None
        documents = list(call.required_documents.all())
        context.update(
            call=call,
            status=call.status(),
            lots=lots,
            can_apply=any(lot.apply_url for lot in lots),
            criteria=list(call.criteria.all()),
            grid_total=sum((c.weight for c in call.criteria.all()), start=0),
            documents=[d for d in documents if not d.cross_border_only],
            cross_border_documents=[d for d in documents if d.cross_border_only],
        )
        return context
