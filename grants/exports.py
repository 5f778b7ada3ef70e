"""What the grants exports contain (issue 4, item 8); the formula-safe writing is :mod:`portal.exports`.

* :func:`call_export` — staff: a call's submitted applications with scores and decisions, one row each.
* :func:`reviewer_export` — a reviewer: their own accepted assignments (never pending, conflicted or removed ones),
  with their own review's status and score (never other reviewers').

Both return ``(headers, rows)``: ``headers`` a list of translated column titles, ``rows`` a generator reading the
database with ``.iterator(chunk_size=EXPORT_CHUNK_ROWS)`` so memory stays flat; the query count does not depend on
the number of rows. Callers check permissions first (:func:`grants.permissions.can_view_call_reports`,
:func:`portal.accounts.roles.is_reviewer`) and hand the pair to :func:`portal.exports.stream_csv` or
:func:`portal.exports.xlsx_response`. Money is EUR as numbers (two decimals), scores in weighted points; dates are
ISO 8601 dates in the call's time zone.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from .integrity import flag_label, flags_for_call
from .models import Application, ApplicationStatus, Decision, DecisionOutcome, ReviewAssignment

#: Rows fetched from the database per round trip while streaming.
EXPORT_CHUNK_ROWS = 2000


def with_latest_decision(queryset):
    """Annotate ``decision_outcome``, ``decision_amount_eur`` and ``decision_at`` from each application's latest
    :class:`~grants.models.Decision` (by ``decided_at``, then ``pk``); None without a decision. Three correlated
    subqueries in the same query: no query per row."""
    latest = Decision.objects.filter(application=OuterRef("pk")).order_by("-decided_at", "-pk")
    return queryset.annotate(
        decision_outcome=Subquery(latest.values("outcome")[:1]),
        decision_amount_eur=Subquery(latest.values("amount_eur")[:1]),
        decision_at=Subquery(latest.values("decided_at")[:1]),
    )


def _two_places(value):
    """A Decimal with two places (SQLite may hand back ``Decimal("9000")`` from a subquery), None kept."""
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def score_flag_label(code: str) -> str:
    """The translated label of a score flag code of ``Application.score_flags`` (the scoring service's labels when
    installed), else the code."""
    try:
        from .services.scoring import FLAG_LABELS
    except ImportError:
        return code
    return str(FLAG_LABELS.get(code, code))


def call_export(call) -> tuple[list[str], Iterator[list]]:
    """Headers and rows of ``call``'s submitted applications (drafts left out), by lot then reference.

    Columns: reference, lot, lead organisation, its country, title, status, requested (EUR), score (points),
    spread (points), submitted reviews, score flags, integrity flags (:func:`grants.integrity.flags_for_call`),
    latest decision, awarded (EUR, the latest decision's amount when it is an award), decision date.
    Queries: the integrity checks' seven, then one per :data:`EXPORT_CHUNK_ROWS` rows (one on PostgreSQL, which
    uses a server-side cursor).
    """
    headers = [
        _("Reference"),
        _("Lot"),
        _("Organisation"),
        _("Country"),
        _("Title"),
        _("Status"),
        _("Requested (EUR)"),
        _("Score (points)"),
        _("Spread (points)"),
        _("Submitted reviews"),
        _("Score flags"),
        _("Integrity flags"),
        _("Decision"),
        _("Awarded (EUR)"),
        _("Decision date"),
    ]
    flags = {pk: sorted({flag_label(f.code) for f in items}) for pk, items in flags_for_call(call).items()}
    queryset = (
        with_latest_decision(Application.objects.filter(call=call).exclude(status=ApplicationStatus.DRAFT))
        .select_related("lot", "organisation__country")
        .order_by("lot__sort_order", "lot__code", "reference", "pk")
    )
    outcomes = dict(DecisionOutcome.choices)
    statuses = dict(ApplicationStatus.choices)
    zone = call.zone

    def rows():
        for application in queryset.iterator(chunk_size=EXPORT_CHUNK_ROWS):
            outcome = application.decision_outcome
            yield [
                application.reference,
                application.lot.code,
                application.organisation.legal_name,
                str(application.organisation.country),
                application.title,
                str(statuses.get(application.status, application.status)),
                application.requested_amount_eur,
                application.score,
                application.score_spread,
                application.submitted_review_count,
                "; ".join(score_flag_label(code) for code in application.score_flags or []),
                "; ".join(flags.get(application.pk, [])),
                str(outcomes.get(outcome, "")) if outcome else "",
                _two_places(application.decision_amount_eur) if outcome == DecisionOutcome.AWARD else None,
                application.decision_at.astimezone(zone).date() if application.decision_at else None,
            ]

    return headers, rows()


def reviewer_export(user) -> tuple[list[str], Iterator[list]]:
    """Headers and rows of ``user``'s accepted review assignments
    (:meth:`~grants.models.ReviewAssignmentQuerySet.accepted_for`: they declared no conflict, and are still a
    reviewer), oldest assignment first, with their own review's status, total score and submission date.
    One query per :data:`EXPORT_CHUNK_ROWS` rows."""
    headers = [
        _("Reference"),
        _("Call"),
        _("Lot"),
        _("Title"),
        _("Organisation"),
        _("Assigned"),
        _("Review status"),
        _("Your total score (points)"),
        _("Review submitted"),
    ]
    queryset = (
        ReviewAssignment.objects.accepted_for(user)
        .select_related("application__call", "application__lot", "application__organisation", "review")
        .order_by("assigned_at", "pk")
    )

    def rows():
        for assignment in queryset.iterator(chunk_size=EXPORT_CHUNK_ROWS):
            application = assignment.application
            zone = application.call.zone
            review = getattr(assignment, "review", None)
            yield [
                application.reference,
                application.call.title,
                application.lot.code,
                application.title,
                application.organisation.legal_name,
                assignment.assigned_at.astimezone(zone).date(),
                review.get_status_display() if review else _("Not started"),
                review.total_score if review else None,
                review.submitted_at.astimezone(zone).date() if review and review.submitted_at else None,
            ]

    return headers, rows()
