"""The ranking of a call's reviewed applications, per lot (issue 4, item 5): what staff look at before deciding.

:func:`ranking_for_call` returns one :class:`LotRanking` per lot of the call (in the lots' order), each with its
applications in :data:`RANKED_STATUSES` ranked by score (highest first; not yet scored last; ties by reference),
the requested amounts and their running total in rank order, compared with what the call's envelope leaves for
the lot (the envelope less the awards already made in the other lots: lots share the call's one envelope). Rank
and running total are computed in the database (window functions), so the number of queries does not depend on the
number of applications (four: the lots, the ranked applications, their decisions, the awarded totals; plus at most
seven for the integrity checks). :func:`envelope_summary` adds the whole call up from the lots (no query).

Units: scores are weighted points (``Application.score``, the mean of submitted reviews, kept by
``grants.services.scoring``); money is EUR ``Decimal`` with two places.

Flags: ``Application.score_flags`` holds codes; :func:`flag_labels` names them with the scoring service's
``FLAG_LABELS``. Each row also carries the labels of its integrity flags (issue 4, item 7,
:attr:`RankedApplication.integrity_flags`, from :mod:`grants.integrity`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, OuterRef, Prefetch, Subquery, Sum, Window
from django.db.models.functions import RowNumber

from .integrity import flag_label, flags_for_call
from .models import Application, ApplicationStatus, Call, Decision, DecisionOutcome, Lot
from .models.calls import ZERO

S = ApplicationStatus
#: Statuses shown in the ranking: reviewed or being reviewed, and decided.
RANKED_STATUSES = (S.UNDER_REVIEW, S.REVIEWED, S.RECOMMENDED, S.RESERVE, S.AWARDED, S.REJECTED)


#: Names of the score flag codes (fallback; the scoring service's own table wins when it exists).
def flag_labels(codes) -> list[str]:
    """The labels (active language) of score flag ``codes`` (:data:`grants.services.scoring.FLAG_LABELS`); an
    unknown code is shown as stored."""
    from grants.services.scoring import FLAG_LABELS

    return [str(FLAG_LABELS.get(code, code)) for code in codes or []]


@dataclass
class RankedApplication:
    """One row of a lot's ranking.

    ``rank``: 1-based position in the lot; ``application``: with ``organisation__country`` joined;
    ``requested_eur``: requested amount (EUR, 0 when missing); ``running_total_eur``: sum of the requested amounts
    of this row and every row ranked above it in the lot (EUR); ``within_envelope``: running total <= what the
    envelope leaves for the lot (:attr:`LotRanking.available_eur`); ``flags``: score flag labels;
    ``integrity_flags``: labels of its integrity flags (issue 4, item 7, :func:`grants.integrity.flag_label`);
    ``decision``: the latest :class:`Decision` or None.
    """

    rank: int
    application: Application
    requested_eur: Decimal
    running_total_eur: Decimal
    within_envelope: bool
    flags: list[str]
    decision: Decision | None
    integrity_flags: list[str] = field(default_factory=list)


@dataclass
class LotRanking:
    """The ranking of one lot: ``rows`` in rank order; ``envelope_eur`` the call's total envelope (lots have no
    envelope of their own); ``available_eur`` what the envelope leaves for this lot, the amount the running total
    is compared with: the envelope less the awards in the call's other lots (may be negative);
    ``requested_total_eur`` the sum of the rows' requested amounts; ``awarded_total_eur`` the sum of current
    awards in the lot (EUR)."""

    lot: Lot
    rows: list[RankedApplication]
    envelope_eur: Decimal
    requested_total_eur: Decimal
    awarded_total_eur: Decimal
    available_eur: Decimal = ZERO


@dataclass(frozen=True)
class EnvelopeSummary:
    """The call as a whole against its envelope (EUR): ``envelope_eur``; ``awarded_eur`` the current awards of
    every lot; ``remaining_eur`` envelope less awarded (negative when overrun); ``requested_eur`` the requested
    amounts of every ranked application; ``overrun_eur`` how far the awards go beyond the envelope (0 when
    within)."""

    envelope_eur: Decimal
    awarded_eur: Decimal
    requested_eur: Decimal

    @property
    def remaining_eur(self) -> Decimal:
        return self.envelope_eur - self.awarded_eur

    @property
    def over_envelope(self) -> bool:
        """True when the awards add up to more than the envelope."""
        return self.awarded_eur > self.envelope_eur

    @property
    def overrun_eur(self) -> Decimal:
        return max(self.awarded_eur - self.envelope_eur, ZERO)


def envelope_summary(call: Call, lots: list[LotRanking]) -> EnvelopeSummary:
    """The :class:`EnvelopeSummary` of ``call`` from its ranking ``lots`` (:func:`ranking_for_call`); no query."""
    return EnvelopeSummary(
        envelope_eur=call.total_envelope or ZERO,
        awarded_eur=sum((lot.awarded_total_eur for lot in lots), ZERO),
        requested_eur=sum((lot.requested_total_eur for lot in lots), ZERO),
    )


def call_awarded_total(call: Call) -> Decimal:
    """The current awards of ``call`` summed over its lots (EUR, one query)."""
    return sum(awarded_totals(call).values(), ZERO)


def ranked_queryset(call: Call):
    """The call's applications in :data:`RANKED_STATUSES`, annotated with ``rank`` (1-based within the lot) and
    ``running_total`` (EUR, requested amounts summed in rank order within the lot), ordered by lot then rank."""
    order = [F("score").desc(nulls_last=True), F("reference").asc(), F("pk").asc()]
    return (
        Application.objects.filter(call=call, status__in=RANKED_STATUSES)
        .select_related("organisation__country")
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("lot_id")], order_by=order),
            running_total=Window(Sum("requested_amount_eur"), partition_by=[F("lot_id")], order_by=order),
        )
        .prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.order_by("decided_at", "pk"), to_attr="decision_list")
        )
        .order_by("lot_id", *order)
    )


def ranking_for_call(call: Call) -> list[LotRanking]:
    """The ranking of ``call``, one :class:`LotRanking` per lot (lots without ranked applications included, with
    no rows), in the lots' order; a row's ``within_envelope`` compares its running total with what the envelope
    leaves for the lot after the awards in the other lots. Each row carries the labels of its integrity flags
    (:func:`grants.integrity.flags_for_call`). At most eleven queries whatever the number of applications (four
    here, at most seven for the integrity checks)."""
    lots = list(Lot.objects.filter(call=call).order_by("sort_order", "code"))
    integrity = flags_for_call(call)
    envelope = call.total_envelope or ZERO
    awarded = awarded_totals(call)
    awarded_in_call = sum(awarded.values(), ZERO)
    available = {lot.pk: envelope - (awarded_in_call - awarded.get(lot.pk, ZERO)) for lot in lots}
    rows: dict[int, list[RankedApplication]] = {lot.pk: [] for lot in lots}
    for application in ranked_queryset(call):
        running = application.running_total or ZERO
        decisions = application.decision_list
        rows.setdefault(application.lot_id, []).append(
            RankedApplication(
                rank=application.rank,
                application=application,
                requested_eur=application.requested_amount_eur or ZERO,
                running_total_eur=running,
                within_envelope=running <= available.get(application.lot_id, envelope),
                flags=flag_labels(application.score_flags),
                decision=decisions[-1] if decisions else None,
                integrity_flags=list(dict.fromkeys(flag_label(f.code) for f in integrity.get(application.pk, []))),
            )
        )
    return [
        LotRanking(
            lot=lot,
            rows=rows.get(lot.pk, []),
            envelope_eur=envelope,
            requested_total_eur=rows[lot.pk][-1].running_total_eur if rows.get(lot.pk) else ZERO,
            awarded_total_eur=awarded.get(lot.pk, ZERO),
            available_eur=available[lot.pk],
        )
        for lot in lots
    ]


def awarded_totals(call: Call) -> dict[int, Decimal]:
    """``{lot_id: EUR}``: the amounts of the latest award of each awarded application of ``call``, summed per lot
    in the database (one query)."""
    latest_award = (
        Decision.objects.filter(application=OuterRef("pk"), outcome=DecisionOutcome.AWARD)
        .order_by("-decided_at", "-pk")
        .values("amount_eur")[:1]
    )
    rows = (
        Application.objects.filter(call=call, status=S.AWARDED)
        .annotate(award=Subquery(latest_award))
        .order_by()
        .values("lot_id")
        .annotate(total=Sum("award", default=ZERO))
        .values_list("lot_id", "total")
    )
    return {lot_id: total or ZERO for lot_id, total in rows}
