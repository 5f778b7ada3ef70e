"""Scoring (issue 4, item 4): the weighted total, drafts and submission, the application's score and flags, and the
workflow steps around review (first assignment starts it, enough submitted reviews complete it)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from grants.models import (
    ActivityLog,
    Application,
    ApplicationStatus,
    CriterionScore,
    Review,
    ReviewAssignmentStatus,
    ReviewStatus,
)
from grants.services.errors import ApplicationError, ApplicationPermissionError
from grants.services.reviews import assign_reviewer, declare_conflict, remove_reviewer
from grants.services.scoring import (
    FLAG_LABELS,
    CriterionRule,
    Mark,
    criteria_of,
    recompute_application_score,
    review_total,
    save_review,
)
from grants.services.workflow import transition, user_roles
from grants.workflow import REVIEWER, STAFF
from portal.notifications.models import OutboxMessage
from tests.community.factories import member_of
from tests.grants.factories import ApplicationFactory, open_call
from tests.grants.review_setup import accepted, pending, sheet, submit, under_review
from tests.grants.test_review_assignments import make_reviewer
from tests.portal.factories_accounts import StaffFactory

pytestmark = pytest.mark.django_db

S = ApplicationStatus


def rule(pk, weight, max_score=5, *, threshold=None, na=False):
    return CriterionRule(pk, f"C{pk}", Decimal(weight), max_score, threshold, na)


def by_name(application, name):
    return next(c for c in criteria_of(application) if c.name == name)


# --- the formula (no database) ------------------------------------------------------------------------------------


@pytest.mark.django_db(False)
def test_total_of_the_docstring_example_scales_applicable_points_to_the_full_grid():
    grid = [rule(1, 40), rule(2, 30), rule(3, 30, 10, na=True)]
    marks = {1: Mark(Decimal(4)), 2: Mark(Decimal(3)), 3: Mark(None, not_applicable=True)}
    assert review_total(grid, marks) == Decimal("71.43")


@pytest.mark.django_db(False)
def test_not_applicable_is_left_out_never_counted_as_zero():
    grid = [rule(1, 50), rule(2, 50, na=True)]
    left_out = review_total(grid, {1: Mark(Decimal(4)), 2: Mark(None, True)})
    as_zero = review_total(grid, {1: Mark(Decimal(4)), 2: Mark(Decimal(0))})
    assert left_out == Decimal("80.00")  # 4/5 of the applicable half, scaled to the full grid
    assert as_zero == Decimal("40.00")


@pytest.mark.django_db(False)
def test_weights_and_scales_decide_the_points():
    grid = [rule(1, 70), rule(2, 30, 10)]
    assert review_total(grid, {1: Mark(Decimal(5)), 2: Mark(Decimal(0))}) == Decimal("70.00")
    assert review_total(grid, {1: Mark(Decimal(0)), 2: Mark(Decimal(10))}) == Decimal("30.00")
    assert review_total(grid, {1: Mark(Decimal("2.5")), 2: Mark(Decimal(5))}) == Decimal("50.00")


@pytest.mark.django_db(False)
def test_total_is_rounded_half_up_to_two_places_only_at_the_end():
    assert review_total([rule(1, 1, 8)], {1: Mark(Decimal(1))}) == Decimal("0.13")  # 0.125, half up
    grid = [rule(1, 100, 3)]
    assert review_total(grid, {1: Mark(Decimal(1))}) == Decimal("33.33")
    assert review_total(grid, {1: Mark(Decimal(2))}) == Decimal("66.67")


@pytest.mark.django_db(False)
def test_a_review_with_every_criterion_not_applicable_has_no_total():
    grid = [rule(1, 50, na=True), rule(2, 50, na=True)]
    assert review_total(grid, {1: Mark(None, True), 2: Mark(None, True)}) is None


# --- drafts -------------------------------------------------------------------------------------------------------


@pytest.fixture
def application():
    return under_review()


def test_a_draft_may_be_incomplete_and_keeps_what_was_not_sent_again(application):
    assignment = accepted(application)
    relevance = by_name(application, "Relevance")
    capacity = by_name(application, "Capacity")
    reviewer = assignment.reviewer
    save_review(assignment.pk, user=reviewer, scores={relevance.id: {"score": "4", "comment": "Fits the call."}})
    review = save_review(
        assignment.pk,
        user=reviewer,
        scores={str(capacity.id): {"score": Decimal("2.5"), "comment": ""}},
        recommendation="fund_with_changes",
    )
    assert review.status == ReviewStatus.DRAFT and review.total_score is None
    stored = {s.criterion_id: s for s in review.scores.all()}
    assert stored[relevance.id].score == 4 and stored[relevance.id].comment == "Fits the call."
    assert stored[capacity.id].score == Decimal("2.5")
    assert review.recommendation == "fund_with_changes"
    application.refresh_from_db()
    assert application.score is None and application.submitted_review_count == 0


@pytest.mark.parametrize("bad", ["5.5", "-1", "-0.01", "abc", "NaN", "Infinity", "3.333"])
def test_a_score_out_of_range_or_not_a_number_is_refused_and_nothing_is_written(application, bad):
    assignment = accepted(application)
    relevance = by_name(application, "Relevance")
    capacity = by_name(application, "Capacity")
    save_review(assignment.pk, user=assignment.reviewer, scores={capacity.id: {"score": "3", "comment": "Kept."}})
    with pytest.raises(ApplicationError) as refused:
        save_review(
            assignment.pk,
            user=assignment.reviewer,
            scores={relevance.id: {"score": bad, "comment": "typed"}, capacity.id: {"score": "1", "comment": "x"}},
        )
    assert refused.value.code == "invalid"
    assert any("Relevance" in message for message in refused.value.messages)
    [kept] = CriterionScore.objects.all()
    assert (kept.criterion_id, kept.score, kept.comment) == (capacity.id, 3, "Kept.")


def test_an_entry_without_a_mark_changes_only_the_comment_and_one_without_a_comment_only_the_mark(application):
    """What the review page sends for a row whose score was refused (comment only: the earlier score stays) or
    whose comment was refused (mark only: the earlier comment stays)."""
    assignment = accepted(application)
    relevance, capacity = by_name(application, "Relevance"), by_name(application, "Capacity")
    reviewer = assignment.reviewer
    save_review(
        assignment.pk,
        user=reviewer,
        scores={relevance.id: {"score": "3", "comment": "Old."}, capacity.id: {"score": "2", "comment": "Old too."}},
    )
    review = save_review(
        assignment.pk,
        user=reviewer,
        scores={relevance.id: {"comment": "New comment."}, capacity.id: {"score": "4", "not_applicable": False}},
    )
    stored = {s.criterion_id: s for s in review.scores.all()}
    assert (stored[relevance.id].score, stored[relevance.id].comment) == (3, "New comment.")
    assert (stored[capacity.id].score, stored[capacity.id].comment) == (4, "Old too.")
    methodology = by_name(application, "Methodology and feasibility")
    review = save_review(assignment.pk, user=reviewer, scores={methodology.id: {"comment": "First words."}})
    row = review.scores.get(criterion_id=methodology.id)
    assert (row.score, row.not_applicable, row.comment) == (None, False, "First words.")
    save_review(assignment.pk, user=reviewer, scores={methodology.id: {}})  # nothing given: nothing changes
    assert CriterionScore.objects.get(criterion_id=methodology.id).comment == "First words."


def test_not_applicable_only_where_the_call_allows_it_and_never_with_a_score():
    call = open_call()
    call.criteria.filter(name="Capacity").update(allow_not_applicable=True)
    application = under_review(ApplicationFactory(call=call, lot=call.lots.get(code="A")))
    assignment = accepted(application)
    relevance, capacity = by_name(application, "Relevance"), by_name(application, "Capacity")
    assert capacity.allow_not_applicable and not relevance.allow_not_applicable
    with pytest.raises(ApplicationError) as refused:
        save_review(assignment.pk, user=assignment.reviewer, scores={relevance.id: {"not_applicable": True}})
    assert "Relevance" in refused.value.messages[0]
    with pytest.raises(ApplicationError):
        save_review(
            assignment.pk, user=assignment.reviewer, scores={capacity.id: {"score": "2", "not_applicable": True}}
        )
    assert not Review.objects.exists()
    review = submit(assignment, "5", Capacity={"score": None, "not_applicable": True, "comment": ""})
    assert review.total_score == Decimal("100.00")  # N/A left out: full marks elsewhere stay 100, not 90


# --- submission ---------------------------------------------------------------------------------------------------


def test_submission_needs_every_criterion_a_comment_on_each_and_a_recommendation(application):
    assignment = accepted(application)
    scores = sheet(application, Capacity={"score": None, "comment": ""}, Relevance={"comment": "  "})
    with pytest.raises(ApplicationError) as refused:
        save_review(assignment.pk, user=assignment.reviewer, scores=scores, recommendation="", submit=True)
    assert refused.value.code == "incomplete"
    text = " ".join(refused.value.messages)
    assert "Capacity" in text and "Relevance" in text and "recommendation" in text
    assert not Review.objects.exists()  # refused submission writes nothing, the view saves the draft first


def test_submission_sets_the_total_logs_it_and_updates_the_application(application):
    assignment = accepted(application)
    now = timezone.now().replace(microsecond=0)
    review = save_review(
        assignment.pk,
        user=assignment.reviewer,
        scores=sheet(application, "4", Relevance={"score": Decimal("5")}),
        recommendation="fund",
        overall_comment="Solid <b>plan</b>\x00",
        submit=True,
        now=now,
    )
    # Relevance 5/5*30 = 30, the other 70 points at 4/5 = 56: 86.
    assert (review.status, review.total_score, review.submitted_at) == (ReviewStatus.SUBMITTED, Decimal("86"), now)
    assert "\x00" not in review.overall_comment
    assert ActivityLog.objects.filter(action="review_submitted", actor=assignment.reviewer).count() == 1
    application.refresh_from_db()
    assert (application.score, application.score_spread, application.submitted_review_count) == (86, 0, 1)


def test_a_submitted_review_is_final_and_submitting_twice_makes_one_submission(application):
    assignment = accepted(application)
    first = submit(assignment, "4")
    again = submit(assignment, "1")  # a replayed POST: unchanged
    assert first.pk == again.pk and again.total_score == Decimal("80.00")
    assert Review.objects.get().submitted_at == first.submitted_at
    assert ActivityLog.objects.filter(action="review_submitted").count() == 1
    with pytest.raises(ApplicationError) as refused:
        save_review(assignment.pk, user=assignment.reviewer, scores=sheet(application, "1"))
    assert refused.value.code == "submitted"
    assert Review.objects.get().total_score == Decimal("80.00")


@pytest.mark.parametrize("who", ["other_reviewer", "staff", "applicant", "pending", "conflicted", "removed"])
def test_only_the_reviewer_of_an_accepted_assignment_may_write(application, who):
    staff = StaffFactory()
    if who in ("pending", "conflicted", "removed"):
        assignment = pending(application, staff=staff)
        user = assignment.reviewer
        if who == "conflicted":
            declare_conflict(assignment.pk, reviewer=user, has_conflict=True, statement="My conflict of interest.")
        elif who == "removed":
            declare_conflict(assignment.pk, reviewer=user, has_conflict=False)
            remove_reviewer(assignment.pk, user=staff)
    else:
        assignment = accepted(application, staff=staff)
        user = {
            "other_reviewer": lambda: accepted(application, staff=staff).reviewer,
            "staff": lambda: staff,
            "applicant": lambda: member_of(application.organisation),
        }[who]()
    with pytest.raises(ApplicationPermissionError):
        save_review(assignment.pk, user=user, scores=sheet(application), recommendation="fund", submit=True)
    assert not Review.objects.filter(assignment=assignment).exists()


def test_the_assignments_own_reviewer_may_write(application):
    assignment = accepted(application)
    assert save_review(assignment.pk, user=assignment.reviewer, scores=sheet(application)).pk


def test_reviews_are_written_only_while_the_application_is_under_review(application):
    assignment = accepted(application)
    Application.objects.filter(pk=application.pk).update(status=S.RESERVE)
    with pytest.raises(ApplicationError) as refused:
        save_review(assignment.pk, user=assignment.reviewer, scores=sheet(application))
    assert refused.value.code == "status"
    with pytest.raises(ApplicationError) as unknown:
        save_review(10**9, user=assignment.reviewer, scores={})
    assert unknown.value.code == "not_found"


# --- the application's score and flags ----------------------------------------------------------------------------


def test_score_is_the_mean_of_submitted_totals_rounded_half_up_and_drafts_do_not_count(application):
    first, second, third = accepted(application), accepted(application), accepted(application)
    save_review(third.pk, user=third.reviewer, scores=sheet(application, "0"))  # a draft: left out
    submit(first, "4")  # 80.00
    submit(second, "4", Capacity={"score": Decimal("4.25")})  # 80.50
    application.refresh_from_db()
    assert application.score == Decimal("80.25")
    assert application.score_spread == Decimal("0.50")
    assert application.submitted_review_count == 2
    assert application.score_flags == []
    Review.objects.filter(assignment=second).update(total_score=Decimal("80.01"))
    recompute_application_score(application)
    assert application.score == Decimal("80.01")  # (80.00 + 80.01) / 2 = 80.005 → 80.01, half up


def test_an_eliminatory_criterion_below_its_threshold_is_flagged(application):
    # Relevance (30 points) is eliminatory below 15: 2/5 → 12 and 3/5 → 18 average 15, which is not below it.
    first, second = accepted(application), accepted(application)
    submit(first, "5", Relevance={"score": Decimal(2)})
    submit(second, "5", Relevance={"score": Decimal(3)})
    application.refresh_from_db()
    assert "eliminatory" not in application.score_flags
    Review.objects.filter(assignment=second).update(status=ReviewStatus.DRAFT)
    recompute_application_score(application)
    assert application.score_flags == ["eliminatory"]  # one review left: 12 < 15, though its total (82) passes


def test_a_score_below_the_pass_mark_is_flagged(application):
    submit(accepted(application), "3")  # 60 < 65
    application.refresh_from_db()
    assert application.score == 60 and application.score_flags == ["below_pass_mark"]
    assert str(FLAG_LABELS["below_pass_mark"])


def test_flags_use_the_applications_frozen_rules_and_defaults_for_missing_keys(application):
    version = application.rules_version
    version.rules = {**version.rules, "pass_mark": "90.00"}
    version.rules.pop("score_spread_threshold")
    version.save()
    application.call.score_spread_threshold = Decimal("5")
    application.call.save()
    submit(accepted(application), "4")
    submit(accepted(application), "5")
    application.refresh_from_db()
    assert application.score == 90 and "below_pass_mark" not in application.score_flags
    assert application.score_flags == ["spread"]  # 20 > 5, the call's value used for the missing key


def test_a_spread_above_the_threshold_asks_for_one_more_review_before_the_review_is_complete(application):
    first, second = accepted(application), accepted(application)
    submit(first, "5")  # 100
    submit(second, "3")  # 60: 40 points apart, threshold 20
    application.refresh_from_db()
    assert application.score_flags == ["spread"]
    assert application.status == S.UNDER_REVIEW
    submit(accepted(application), "4")
    application.refresh_from_db()
    assert "spread" not in application.score_flags and application.score_spread == 40
    assert application.status == S.REVIEWED
    assert application.score == Decimal("80.00")


# --- workflow around the review -----------------------------------------------------------------------------------


def test_the_first_assignment_starts_the_review_once(application):
    staff = StaffFactory()
    assign_reviewer(application.pk, make_reviewer(), user=staff)
    assign_reviewer(application.pk, make_reviewer(), user=staff)
    application.refresh_from_db()
    assert application.status == S.UNDER_REVIEW
    [started] = ActivityLog.objects.filter(application=application, action="review_started")
    assert (started.actor, started.from_status, started.to_status) == (staff, S.ELIGIBLE, S.UNDER_REVIEW)


def test_enough_submitted_reviews_complete_the_review_automatically(application):
    first, second = accepted(application), accepted(application)
    submit(first, "4")
    application.refresh_from_db()
    assert application.status == S.UNDER_REVIEW  # 1 of 2
    submit(second, "4")
    application.refresh_from_db()
    assert application.status == S.REVIEWED
    entry = ActivityLog.objects.get(application=application, action="review_completed")
    assert entry.actor == second.reviewer
    assert submit(second, "1").total_score == Decimal("80.00")  # a replay after the review closed changes nothing
    assert ActivityLog.objects.filter(action="review_submitted").count() == 2


def test_reviewer_role_and_guard_of_under_review_to_reviewed(application):
    staff = StaffFactory()
    assignment = accepted(application, staff=staff)
    assert user_roles(assignment.reviewer, application) == {REVIEWER}
    assert user_roles(staff, application) == {STAFF}
    assert user_roles(pending(application, staff=staff).reviewer, application) == frozenset()
    for user in (staff, assignment.reviewer):
        with pytest.raises(ApplicationError) as refused:
            transition(application.pk, S.REVIEWED, user=user)
        assert refused.value.code == "guard" and "2" in refused.value.messages[0]
    with pytest.raises(ApplicationPermissionError):
        transition(application.pk, S.REVIEWED, user=member_of(application.organisation))


def test_assignment_mails_the_reviewer_a_link_to_the_declaration_in_their_language(application):
    staff = StaffFactory()
    reviewer = make_reviewer(preferred_language="mk")
    assignment = assign_reviewer(application.pk, reviewer, user=staff)
    assign_reviewer(application.pk, reviewer, user=staff)  # a replay sends nothing more
    [mail] = OutboxMessage.objects.filter(template="review_assigned")
    assert mail.recipient == reviewer.email and mail.language == "mk"
    assert f"/mk/grants/reviews/{assignment.pk}/declare/" in mail.body_text
    assert application.reference in mail.subject and "review" not in mail.subject.lower()  # in Macedonian
    remove_reviewer(assignment.pk, user=staff)
    later = timezone.now() + datetime.timedelta(minutes=1)
    assign_reviewer(application.pk, reviewer, user=staff, now=later)
    assert OutboxMessage.objects.filter(template="review_assigned").count() == 2
    assert ReviewAssignmentStatus.PENDING_DECLARATION == type(assignment).objects.get().status
