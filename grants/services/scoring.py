"""Reviews and scores (issue 4, item 4): a reviewer's draft and submitted review, and the application's score.

Public entry points:

- :func:`criteria_of` ``(application) -> list[CriterionRule]``: the scoring grid the application is judged by
  (its frozen rules version, :attr:`Application.rules_version`), with each criterion's guidance.
- :func:`save_review` ``(assignment_id, *, user, scores, recommendation=None, overall_comment=None, submit=False,
  now=None) -> Review``: save the reviewer's draft and, with ``submit=True``, submit it (final).
- :func:`submission_problems` ``(review) -> list[str]``: what still stops a draft from being submitted.
- :func:`review_total` ``(criteria, marks) -> Decimal | None``: the weighted total of one review.
- :func:`recompute_application_score` ``(application) -> Application``: the application's mean score, spread,
  number of submitted reviews and flags (:data:`FLAG_LABELS`).

The weighted total (points on the call's grid)
----------------------------------------------
Each criterion has a ``weight`` (points; the grid's weights sum to 100) and a ``max_score`` (the reviewer's scale,
e.g. 0..5). A mark ``score`` on it is worth ``score / max_score * weight`` weighted points. Criteria marked *not
applicable* are left out, never counted as 0: the points of the applicable criteria are scaled up to the full grid
(the sum of all weights)::

    total = sum(points of applicable criteria) * sum(all weights) / sum(weights of applicable criteria)

rounded to 2 decimal places, half up (only the final value is rounded). Example, grid A (weight 40, 0..5),
B (weight 30, 0..5), C (weight 30, 0..10, not applicable): A = 4 → 32 points, B = 3 → 18 points; 50 points out
of the 70 applicable → 50 × 100 / 70 = **71.43** (counting C as 0 would wrongly give 50.00).

The application's score
-----------------------
``Application.score`` is the mean of the submitted reviews' totals (2 places, half up), ``score_spread`` the
highest total minus the lowest, ``submitted_review_count`` the number of submitted reviews, and ``score_flags``
the codes of :data:`FLAG_LABELS` that apply:

- ``"eliminatory"``: on a criterion with an ``eliminatory_threshold`` (weighted points), the mean of the
  reviewers' weighted points on it (reviewers who marked it not applicable left out) is below the threshold;
- ``"below_pass_mark"``: the score is below the call's pass mark;
- ``"spread"``: the spread is above the call's ``score_spread_threshold`` while the application has no more
  submitted reviews than ``reviews_per_application``: one more review is needed. Once an extra review is in,
  the flag is cleared (the spread itself stays on the application for the ranking).

Pass mark, spread threshold, reviews per application and the criteria come from the application's frozen rules
(``rules_version.rules``, read with ``.get`` and the call's current value as the default for versions stored
before a key existed).

Workflow: a submitted review that brings the application to ``reviews_per_application`` submitted reviews with
no ``"spread"`` flag moves it from *under review* to *reviewed* (:data:`grants.workflow.TRANSITIONS`, role
``"reviewer"``), in the same transaction.

Errors: :class:`~grants.services.errors.ApplicationPermissionError` (not the assignment's reviewer, or the
assignment is not accepted; views answer 404), :class:`~grants.services.errors.ApplicationError` with ``code``
``"not_found"``, ``"status"`` (the application is not under review), ``"submitted"`` (the review is final),
``"invalid"`` (a mark out of range, not applicable where the call does not allow it, an unknown recommendation;
one message per problem, naming the criterion) or ``"incomplete"`` (submission with something missing; one
message per problem). Nothing is written when anything is refused.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grants.models import (
    Application,
    ApplicationStatus,
    CriterionScore,
    EvaluationCriterion,
    Recommendation,
    Review,
    ReviewAssignment,
    ReviewStatus,
)
from grants.permissions import can_open_for_review
from grants.services.common import lock_application, log_activity
from grants.services.errors import ApplicationError, ApplicationPermissionError
from grants.services.workflow import apply_transition
from portal.sanitize import clean_plain_text

CENT = Decimal("0.01")
ZERO = Decimal("0")

#: Longest comment kept (per criterion and overall, characters); longer text is cut.
MAX_COMMENT_LENGTH = 5000

#: Flag codes stored in ``Application.score_flags`` and their labels (for staff: ranking, inspect view).
FLAG_LABELS = {
    "eliminatory": gettext_lazy("Below the eliminatory threshold of a criterion"),
    "below_pass_mark": gettext_lazy("Below the pass mark"),
    "spread": gettext_lazy("Reviewers' totals far apart: another review is needed"),
}


@dataclass(frozen=True)
class CriterionRule:
    """One criterion of an application's frozen scoring grid.

    ``weight`` and ``eliminatory_threshold`` are in weighted points; ``max_score`` is the top of the reviewer's
    scale (marks go from 0 to it); ``description`` is the guidance of the criterion row ("" when gone).
    """

    id: int
    name: str
    weight: Decimal
    max_score: int
    eliminatory_threshold: Decimal | None
    allow_not_applicable: bool
    description: str = ""


@dataclass(frozen=True)
class Mark:
    """A reviewer's mark on one criterion: ``score`` (``None`` = not given) or ``not_applicable``."""

    score: Decimal | None
    not_applicable: bool = False


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


def _rules(application: Application) -> dict:
    return application.rules_version.rules if application.rules_version_id else {}


def criteria_of(application: Application) -> list[CriterionRule]:
    """The criteria ``application`` is scored on, in the order of its frozen rules (one query for the guidance)."""
    rows = _rules(application).get("criteria") or []
    guidance = dict(
        EvaluationCriterion.objects.filter(pk__in=[row["id"] for row in rows]).values_list("pk", "description")
    )
    return [
        CriterionRule(
            id=row["id"],
            name=row.get("name", ""),
            weight=_decimal(row.get("weight")) or ZERO,
            max_score=int(row.get("max_score") or 5),
            eliminatory_threshold=_decimal(row.get("eliminatory_threshold")),
            allow_not_applicable=bool(row.get("allow_not_applicable", False)),
            description=guidance.get(row["id"], ""),
        )
        for row in rows
    ]


def weighted_points(score: Decimal, criterion: CriterionRule) -> Decimal:
    """``score / max_score * weight``: the weighted points a mark is worth (not rounded)."""
    return Decimal(score) / Decimal(criterion.max_score) * criterion.weight


def review_total(criteria: list[CriterionRule], marks: dict[int, Mark]) -> Decimal | None:
    """The weighted total (points, 2 places, half up) of ``marks`` (``{criterion_id: Mark}``) on ``criteria``.

    Not applicable criteria are left out and the rest scaled to the full grid (see the module docstring).
    ``None`` when no criterion is scored or the applicable weights sum to 0. A criterion without a mark counts as
    not scored (callers check completeness first).
    """
    full = sum((c.weight for c in criteria), ZERO)
    points = ZERO
    applicable = ZERO
    for criterion in criteria:
        mark = marks.get(criterion.id)
        if mark is None or mark.not_applicable or mark.score is None:
            continue
        points += weighted_points(mark.score, criterion)
        applicable += criterion.weight
    if applicable == ZERO:
        return None
    return (points * full / applicable).quantize(CENT, rounding=ROUND_HALF_UP)


# --- validating input ---------------------------------------------------------------------------------------------


def _clean_entry(criterion: CriterionRule, entry) -> tuple[Mark | None, str | None, list[str]]:
    """``(mark, comment, problems)`` of one criterion's input ``{"score", "not_applicable", "comment"}``.

    ``mark`` is None when the entry has neither ``"score"`` nor ``"not_applicable"`` (the stored mark stays),
    ``comment`` None when it has no ``"comment"`` (the stored comment stays).
    """
    problems = []
    entry = entry or {}
    comment = None
    if "comment" in entry:
        comment = clean_plain_text(str(entry.get("comment") or ""))[:MAX_COMMENT_LENGTH].strip()
    if "score" not in entry and "not_applicable" not in entry:
        return None, comment, problems
    not_applicable = bool(entry.get("not_applicable", False))
    raw = entry.get("score")
    score = None
    if raw is not None and raw != "":
        try:
            score = Decimal(str(raw).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            score = None
            problems.append(_("“%(criterion)s”: the score must be a number.") % {"criterion": criterion.name})
        else:
            if not score.is_finite() or score < 0 or score > criterion.max_score:
                problems.append(
                    _("“%(criterion)s”: give a score from 0 to %(max)d.")
                    % {"criterion": criterion.name, "max": criterion.max_score}
                )
            elif score != score.quantize(CENT):
                problems.append(_("“%(criterion)s”: use at most two decimal places.") % {"criterion": criterion.name})
    if not_applicable and not criterion.allow_not_applicable:
        problems.append(
            _("“%(criterion)s” cannot be marked not applicable in this call.") % {"criterion": criterion.name}
        )
    elif not_applicable and score is not None:
        problems.append(
            _("“%(criterion)s”: either give a score or mark it not applicable, not both.")
            % {"criterion": criterion.name}
        )
    return Mark(None if not_applicable else score, not_applicable), comment, problems


def submission_problems(review: Review, criteria: list[CriterionRule] | None = None) -> list[str]:
    """What stops ``review`` from being submitted (messages in the active language); ``[]`` when it may be.

    A submitted review needs every criterion scored or marked not applicable (at least one scored), a comment on
    every scored criterion and a recommendation. The overall comment is optional.
    """
    criteria = criteria if criteria is not None else criteria_of(review.application)
    stored = {s.criterion_id: s for s in review.scores.all()}
    problems = []
    scored = 0
    for criterion in criteria:
        row = stored.get(criterion.id)
        if row is None or (row.score is None and not row.not_applicable):
            problems.append(_("“%(criterion)s”: give a score.") % {"criterion": criterion.name})
            continue
        if row.not_applicable:
            continue
        scored += 1
        if not row.comment.strip():
            problems.append(_("“%(criterion)s”: add a comment.") % {"criterion": criterion.name})
    if criteria and scored == 0 and not problems:
        problems.append(_("Score at least one criterion."))
    if review.recommendation not in Recommendation.values:
        problems.append(_("Choose a recommendation."))
    return problems


# --- saving a review ----------------------------------------------------------------------------------------------


def _refusal(problems: list[str], code: str) -> ApplicationError:
    """An :class:`ApplicationError` with one message per problem and ``code`` (a list error keeps no code)."""
    error = ApplicationError([ApplicationError(problem, code=code) for problem in problems])
    error.code = code
    return error


def _assignment(assignment_id: int) -> ReviewAssignment:
    try:
        return ReviewAssignment.objects.select_related("reviewer").get(pk=assignment_id)
    except ReviewAssignment.DoesNotExist:
        raise ApplicationError(_("This review assignment does not exist."), code="not_found") from None


def save_review(
    assignment_id: int,
    *,
    user,
    scores: dict,
    recommendation: str | None = None,
    overall_comment: str | None = None,
    submit: bool = False,
    now: datetime.datetime | None = None,
) -> Review:
    """Save ``user``'s review for assignment ``assignment_id`` (created on first save); with ``submit``, submit it.

    ``scores``: ``{criterion_id: {"score": Decimal | str | None, "not_applicable": bool, "comment": str}}``. Only
    the criteria given change; the others keep what was saved before (ids not in the grid are ignored). Within an
    entry, the mark (score and not applicable) stays as saved before when neither ``"score"`` nor
    ``"not_applicable"`` is given (a missing one of the two counts as ``None`` / ``False``), and the comment stays
    when ``"comment"`` is not given: the review page sends only the valid part of what was typed, so that the
    comment of a criterion whose score was refused is still saved.
    ``recommendation`` (a :class:`~grants.models.Recommendation` value or ``""``) and ``overall_comment`` (plain
    text) change when not ``None``. Comments are cut at :data:`MAX_COMMENT_LENGTH`.

    Who and when: only the assignment's reviewer, whose assignment is accepted (no conflict of interest declared,
    :func:`~grants.permissions.can_open_for_review`), while the application is *under review*. Drafts may be
    incomplete but every value given must be valid (scores 0..``max_score`` with at most two decimals, not
    applicable only where the call allows it): one invalid value refuses the whole call (``code="invalid"``, a
    message per problem) and nothing is written, so the view shows the form again with what was typed.

    ``submit=True`` first saves the values, then needs :func:`submission_problems` to find nothing
    (``code="incomplete"``; nothing is written either), then sets the total (:func:`review_total`), ``submitted``
    and ``submitted_at=now`` (default: server clock, UTC), logs ``review_submitted``, recomputes the application's
    score (:func:`recompute_application_score`) and, when enough reviews are in and no spread flag is raised,
    moves the application to *reviewed*. A submitted review is final: saving it again is refused
    (``code="submitted"``), except that submitting it again (a double click, a replayed POST) returns it
    unchanged, with one submission and one log entry.
    """
    now = now if now is not None else timezone.now()
    assignment = _assignment(assignment_id)
    with transaction.atomic():
        application = lock_application(assignment.application_id)
        if not (getattr(user, "is_authenticated", False) and assignment.reviewer_id == user.pk):
            raise ApplicationPermissionError(_("This review assignment is not yours."), code="forbidden")
        if not can_open_for_review(user, application):
            raise ApplicationPermissionError(
                _("Declare that you have no conflict of interest before reviewing this application."),
                code="forbidden",
            )
        review = Review.objects.select_for_update().filter(assignment_id=assignment.pk).first()
        if review is not None and review.status == ReviewStatus.SUBMITTED:
            if submit:
                return review
            raise ApplicationError(_("This review was submitted; it can no longer be changed."), code="submitted")
        if application.status != ApplicationStatus.UNDER_REVIEW:
            raise ApplicationError(_("This application is not under review any more."), code="status")

        criteria = criteria_of(application)
        cleaned, problems = {}, []
        for criterion in criteria:
            key = criterion.id if criterion.id in scores else str(criterion.id)
            if key not in scores:
                continue
            mark, comment, errors = _clean_entry(criterion, scores[key])
            problems += errors
            cleaned[criterion.id] = (mark, comment)
        if recommendation is not None and recommendation not in ("", *Recommendation.values):
            problems.append(_("Choose a recommendation from the list."))
        if problems:
            raise _refusal(problems, "invalid")

        if review is None:
            review = Review.objects.create(assignment=assignment, application=application, reviewer=user)
        if recommendation is not None:
            review.recommendation = recommendation
        if overall_comment is not None:
            review.overall_comment = clean_plain_text(overall_comment)[:MAX_COMMENT_LENGTH].strip()
        _write_marks(review, cleaned)
        review.save(update_fields=["recommendation", "overall_comment", "updated_at"])
        if not submit:
            return review

        problems = submission_problems(review, criteria)
        if problems:
            raise _refusal(problems, "incomplete")  # rolls back the values saved above
        marks = {s.criterion_id: Mark(s.score, s.not_applicable) for s in review.scores.all()}
        review.total_score = review_total(criteria, marks)
        review.status = ReviewStatus.SUBMITTED
        review.submitted_at = now
        review.save(update_fields=["total_score", "status", "submitted_at", "updated_at"])
        log_activity(application, user, "review_submitted")
        recompute_application_score(application)
        if reviews_complete(application) is None:
            apply_transition(application, ApplicationStatus.REVIEWED, user=user, now=now)
        return review


def _write_marks(review: Review, cleaned: dict[int, tuple[Mark | None, str | None]]) -> None:
    """Create or update the :class:`CriterionScore` rows of ``review`` for the criteria in ``cleaned``; a ``None``
    mark or comment leaves the stored one (a new row: no score, not "not applicable", no comment)."""
    cleaned = {key: value for key, value in cleaned.items() if value != (None, None)}
    if not cleaned:
        return
    existing = {s.criterion_id: s for s in CriterionScore.objects.filter(review=review, criterion_id__in=cleaned)}
    new, changed = [], []
    for criterion_id, (mark, comment) in cleaned.items():
        row = existing.get(criterion_id)
        if row is None:
            row = CriterionScore(review=review, criterion_id=criterion_id, score=None, not_applicable=False, comment="")
            new.append(row)
        else:
            changed.append(row)
        if mark is not None:
            row.score, row.not_applicable = mark.score, mark.not_applicable
        if comment is not None:
            row.comment = comment
    CriterionScore.objects.bulk_create(new)
    CriterionScore.objects.bulk_update(changed, ["score", "not_applicable", "comment"])
    if hasattr(review, "_prefetched_objects_cache"):
        review._prefetched_objects_cache.pop("scores", None)


# --- the application's score --------------------------------------------------------------------------------------


def _reviews_needed(application: Application) -> int:
    return int(_rules(application).get("reviews_per_application") or application.call.reviews_per_application)


def recompute_application_score(application: Application) -> Application:
    """Set and save ``application``'s ``score``, ``score_spread``, ``submitted_review_count`` and ``score_flags``
    from its submitted reviews (two queries and one update; see the module docstring for the rules).

    With no submitted review: score and spread ``None``, count 0, no flags. Call inside the transaction that
    changed a review (the row should be locked by the caller).
    """
    rules = _rules(application)
    criteria = criteria_of(application)
    reviews = list(Review.objects.submitted().filter(application=application).prefetch_related("scores"))
    totals = [r.total_score for r in reviews if r.total_score is not None]
    flags: list[str] = []
    if totals:
        score = (sum(totals, ZERO) / len(totals)).quantize(CENT, rounding=ROUND_HALF_UP)
        spread = max(totals) - min(totals)
        if _eliminated(criteria, reviews):
            flags.append("eliminatory")
        pass_mark = _decimal(rules.get("pass_mark", application.call.pass_mark))
        if pass_mark is not None and score < pass_mark:
            flags.append("below_pass_mark")
        threshold = _decimal(rules.get("score_spread_threshold", application.call.score_spread_threshold))
        if threshold is not None and spread > threshold and len(reviews) <= _reviews_needed(application):
            flags.append("spread")
    else:
        score = spread = None
    application.score = score
    application.score_spread = spread
    application.submitted_review_count = len(reviews)
    application.score_flags = flags
    application.save(update_fields=["score", "score_spread", "submitted_review_count", "score_flags", "updated_at"])
    return application


def _eliminated(criteria: list[CriterionRule], reviews: list[Review]) -> bool:
    """True when the reviewers' mean weighted points on an eliminatory criterion are below its threshold."""
    for criterion in criteria:
        if criterion.eliminatory_threshold is None:
            continue
        points = [
            weighted_points(s.score, criterion)
            for review in reviews
            for s in review.scores.all()
            if s.criterion_id == criterion.id and not s.not_applicable and s.score is not None
        ]
        if points and sum(points, ZERO) / len(points) < criterion.eliminatory_threshold:
            return True
    return False


def reviews_complete(application: Application) -> str | None:
    """Why the review of ``application`` is not complete (a message), or ``None`` when it is: at least
    ``reviews_per_application`` submitted reviews and no ``"spread"`` flag. Reads the aggregate fields kept by
    :func:`recompute_application_score`. The workflow guard of *under review → reviewed*."""
    needed = _reviews_needed(application)
    if application.submitted_review_count < needed:
        return _("The review is complete when %(needed)d reviews are submitted (%(count)d so far).") % {
            "needed": needed,
            "count": application.submitted_review_count,
        }
    if "spread" in (application.score_flags or []):
        return _("The reviewers' totals are too far apart: another review is needed first.")
    return None
