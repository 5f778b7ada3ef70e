"""Figures of a call for the staff dashboard (issue 4, item 9), counted and summed in the database, and the
geometry of the bar charts that show them (drawn as SVG by ``templates/grants/admin/includes/bar_chart.html``).

:func:`call_statistics` runs six queries whatever the number of applications. Only submitted applications count
(every status but draft); drafts are counted apart. Money in EUR (Decimal), scores in weighted points (0..100).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Floor, Least
from django.utils.translation import gettext as _

from portal.countries import display_name

from .formatting import format_eur
from .models import Application, ApplicationStatus, Decision, DecisionOutcome
from .models.calls import ZERO

#: Width of one score bin (points) and the number of bins (0–10, 10–20, …, 90–100; 100 goes in the last).
SCORE_BIN_POINTS = 10
SCORE_BINS = 10

#: Chart geometry (SVG user units): label column (default, and the bounds it is fitted to the longest label
#: within), bar area, value column, row height.
LABEL_WIDTH = 220
MIN_LABEL_WIDTH = 80
MAX_LABEL_WIDTH = 400
#: Room kept between a label and its bar, and the width budgeted per character of a label at 13 px (generous
#: for Latin and Cyrillic text, so a label never runs off the left edge of the SVG).
LABEL_GAP = 8
LABEL_CHAR_WIDTH = 8
BAR_WIDTH = 360
VALUE_WIDTH = 140
ROW_HEIGHT = 28
BAR_HEIGHT = 18


@dataclass
class Bar:
    """One bar: ``label`` (text), ``value`` (number), ``display`` (the value as people read it), ``over`` (drawn
    as a warning, e.g. awards beyond the envelope), geometry; ``short_label`` is the label as drawn (cut with "…"
    when longer than the label column; the full label is in the bar's ``<title>`` and the data table)."""

    label: str
    value: Decimal | int
    display: str
    over: bool = False
    short_label: str = ""
    width: int = 0
    y: int = 0
    text_y: int = 0


@dataclass
class BarChart:
    """A horizontal bar chart: ``title``, the ``bars`` scaled to the largest value, and its SVG size.

    ``value_header`` names the value column of the data table shown under the chart.
    """

    title: str
    value_header: str
    bars: list[Bar] = field(default_factory=list)
    label_width: int = LABEL_WIDTH
    bar_x: int = LABEL_WIDTH
    value_x: int = LABEL_WIDTH + BAR_WIDTH + 8
    width: int = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height: int = ROW_HEIGHT

    def __post_init__(self):
        longest = max((len(bar.label) for bar in self.bars), default=0)
        self.label_width = min(MAX_LABEL_WIDTH, max(MIN_LABEL_WIDTH, longest * LABEL_CHAR_WIDTH + 2 * LABEL_GAP))
        self.bar_x = self.label_width
        self.label_x = self.label_width - LABEL_GAP
        self.value_x = self.label_width + BAR_WIDTH + 8
        self.width = self.label_width + BAR_WIDTH + VALUE_WIDTH
        fits = (self.label_width - 2 * LABEL_GAP) // LABEL_CHAR_WIDTH
        for bar in self.bars:
            bar.short_label = bar.label if len(bar.label) <= fits else bar.label[: max(fits - 1, 1)].rstrip() + "…"
        largest = max((bar.value for bar in self.bars), default=0) or 0
        for index, bar in enumerate(self.bars):
            bar.width = int(round(BAR_WIDTH * bar.value / largest)) if largest else 0
            if bar.value and not bar.width:
                bar.width = 1  # a non-zero value stays visible
            bar.y = index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2
            bar.text_y = index * ROW_HEIGHT + ROW_HEIGHT // 2 + 5
        self.height = max(1, len(self.bars)) * ROW_HEIGHT
        self.bar_height = BAR_HEIGHT


def _count_chart(title, rows) -> BarChart:
    return BarChart(
        title=title,
        value_header=_("Applications"),
        bars=[Bar(label=str(label), value=count, display=str(count)) for label, count in rows],
    )


def call_statistics(call) -> dict:
    """The dashboard figures of ``call``.

    Returns ``{"submitted": int, "drafts": int, "envelope": Decimal, "requested": Decimal, "awarded": Decimal,
    "awarded_count": int, "scored": int, "over_envelope": bool, "overrun": Decimal, "charts": [BarChart, ...]}``:
    charts by country, by lot, by status, the score distribution (bins of 10 points) and the money (envelope,
    requested, awarded; the awarded bar is marked ``over`` when it exceeds the envelope). ``awarded`` sums the
    amounts of applications whose latest decision is an award; ``over_envelope`` is True when it is more than the
    envelope and ``overrun`` says by how much (EUR, 0 otherwise). Six queries.
    """
    applications = Application.objects.filter(call=call)
    submitted = applications.exclude(status=ApplicationStatus.DRAFT)

    totals = applications.aggregate(
        drafts=Count("pk", filter=Q(status=ApplicationStatus.DRAFT)),
        submitted=Count("pk", filter=~Q(status=ApplicationStatus.DRAFT)),
        requested=Sum("requested_amount_eur", filter=~Q(status=ApplicationStatus.DRAFT), default=ZERO),
        scored=Count("pk", filter=~Q(status=ApplicationStatus.DRAFT) & Q(score__isnull=False)),
    )
    by_country = (
        submitted.values("organisation__country__code", "organisation__country__name")
        .annotate(n=Count("pk"))
        .order_by("organisation__country__code")
    )
    by_lot = (
        submitted.values("lot__code", "lot__name", "lot__sort_order")
        .annotate(n=Count("pk"))
        .order_by("lot__sort_order", "lot__code")
    )
    by_status = dict(submitted.values_list("status").annotate(n=Count("pk")).order_by())
    bins = dict(
        submitted.filter(score__isnull=False)
        .annotate(
            bin=Least(
                Cast(Floor(F("score") / Value(Decimal(SCORE_BIN_POINTS), DecimalField())), IntegerField()),
                SCORE_BINS - 1,
            )
        )
        .values_list("bin")
        .annotate(n=Count("pk"))
        .order_by()
    )
    latest = Decision.objects.filter(application=OuterRef("application")).order_by("-decided_at", "-pk")
    awarded = Decision.objects.filter(
        application__call=call, outcome=DecisionOutcome.AWARD, pk=Subquery(latest.values("pk")[:1])
    ).aggregate(amount=Sum("amount_eur", default=ZERO), count=Count("pk"))

    country_rows = [
        (display_name(row["organisation__country__code"], row["organisation__country__name"]), row["n"])
        for row in by_country
    ]
    lot_rows = [(f"{row['lot__code']}: {row['lot__name']}", row["n"]) for row in by_lot]
    status_rows = [(label, by_status[value]) for value, label in ApplicationStatus.choices if value in by_status]
    score_rows = [
        (
            f"{index * SCORE_BIN_POINTS}–{(index + 1) * SCORE_BIN_POINTS}",
            bins.get(index, 0),
        )
        for index in range(SCORE_BINS)
    ]
    over_envelope = awarded["amount"] > (call.total_envelope or ZERO)
    money = BarChart(
        title=_("Requested and awarded against the envelope"),
        value_header=_("Amount"),
        bars=[
            Bar(label=_("Envelope"), value=call.total_envelope, display=format_eur(call.total_envelope)),
            Bar(label=_("Requested"), value=totals["requested"], display=format_eur(totals["requested"])),
            Bar(
                label=_("Awarded"),
                value=awarded["amount"],
                display=format_eur(awarded["amount"]),
                over=over_envelope,
            ),
        ],
    )
    return {
        "submitted": totals["submitted"],
        "drafts": totals["drafts"],
        "scored": totals["scored"],
        "envelope": call.total_envelope,
        "requested": totals["requested"],
        "awarded": awarded["amount"],
        "awarded_count": awarded["count"],
        "over_envelope": over_envelope,
        "overrun": max(awarded["amount"] - (call.total_envelope or ZERO), ZERO),
        "charts": [
            _count_chart(_("Applications by country"), country_rows),
            _count_chart(_("Applications by lot"), lot_rows),
            _count_chart(_("Applications by status"), status_rows),
            _count_chart(_("Score distribution (points)"), score_rows),
            money,
        ],
    }
