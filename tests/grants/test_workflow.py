"""The application workflow (grants.workflow.TRANSITIONS applied by grants.services.workflow.transition).

Walks every allowed transition (right role: succeeds and logs who, when, from, to, comment; wrong role: refused),
tries every forbidden (from, to) pair (refused, nothing written), the guards, and replays.
"""

import datetime
import itertools

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation

from grants.models import ActivityLog, Application, ApplicationStatus
from grants.services.errors import ApplicationError, ApplicationPermissionError, TransitionNotAllowed
from grants.services.submission import SubmissionError
from grants.services.workflow import transition, user_roles
from grants.workflow import APPLICANT, FINAL_STATUSES, REVIEWER, STAFF, TRANSITIONS, allowed_targets
from portal.notifications.models import OutboxMessage
from tests.community.factories import member_of
from tests.grants.factories import ApplicationFactory
from tests.grants.test_submission import make_application
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

S = ApplicationStatus
ALLOWED = sorted(TRANSITIONS)
FORBIDDEN = [pair for pair in itertools.product(S.values, S.values) if pair[0] != pair[1] and pair not in TRANSITIONS]
REASON = "Reason given to the applicant."
NUMBERS = itertools.count(1)


def in_status(status):
    """An application in ``status`` (a reference once past draft), a member of its lead organisation and a staff
    user; returns ``(application, applicant, staff)``."""
    fields = {} if status == S.DRAFT else {"reference": f"IW-MK-2025-{next(NUMBERS):03d}"}
    application = ApplicationFactory(status=status, **fields)
    return application, member_of(application.organisation), UserFactory(is_staff=True)


def moment(application, from_status, to_status):
    """A time at which the transition's guard allows it: before the deadline for the applicant's own changes,
    after it for staff screening and decisions."""
    closes_at = application.call.closes_at
    if APPLICANT in TRANSITIONS[(from_status, to_status)].roles:
        return closes_at - datetime.timedelta(hours=1)
    return closes_at + datetime.timedelta(hours=1)


def test_table_is_well_formed():
    assert len(ALLOWED) == 14
    for (source, target), step in TRANSITIONS.items():
        assert source in S.values and target in S.values and source != target
        assert step.roles and step.roles <= {APPLICANT, STAFF, REVIEWER}
        assert str(ActivityLog(action=step.name).get_action_display()) != step.name  # has a label
    assert FINAL_STATUSES == {S.WITHDRAWN, S.INELIGIBLE, S.AWARDED, S.REJECTED}
    assert allowed_targets(S.RECOMMENDED) == [S.AWARDED, S.REJECTED, S.RESERVE]
    assert len(FORBIDDEN) == 11 * 10 - 14
    assert [pair for pair, step in TRANSITIONS.items() if REVIEWER in step.roles] == [(S.UNDER_REVIEW, S.REVIEWED)]


def reviews_in(application):
    """Give ``application`` the aggregates of a complete review (as grants.services.scoring keeps them), so that
    the guard of under review → reviewed lets the change through."""
    needed = application.call.reviews_per_application
    Application.objects.filter(pk=application.pk).update(submitted_review_count=needed, score_flags=[])


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_allowed_transition_by_right_role_is_made_and_logged(from_status, to_status):
    step = TRANSITIONS[(from_status, to_status)]
    if from_status == S.DRAFT:
        application, applicant = make_application()
        staff = UserFactory(is_staff=True)
    else:
        application, applicant, staff = in_status(from_status)
    if from_status == S.UNDER_REVIEW:
        reviews_in(application)
    user = applicant if APPLICANT in step.roles else staff
    when = moment(application, from_status, to_status)
    with time_machine.travel(when, tick=False):
        result = transition(application.pk, to_status, user=user, comment=REASON)
    assert result.status == to_status
    application.refresh_from_db()
    assert application.status == to_status
    [entry] = ActivityLog.objects.filter(application=application, to_status=to_status)
    assert entry.action == step.name
    assert entry.actor == user
    assert entry.from_status == from_status
    assert entry.created_at == when
    if from_status != S.DRAFT:  # submitting takes no comment; every other change keeps it
        assert entry.comment == REASON


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_allowed_transition_by_wrong_role_is_refused(from_status, to_status):
    step = TRANSITIONS[(from_status, to_status)]
    application, applicant, staff = in_status(from_status)
    wrong = staff if APPLICANT in step.roles else applicant
    outsider = member_of(ApplicationFactory().organisation)
    with time_machine.travel(moment(application, from_status, to_status), tick=False):
        for user in (wrong, outsider):
            with pytest.raises(ApplicationPermissionError):
                transition(application.pk, to_status, user=user, comment=REASON)
    application.refresh_from_db()
    assert application.status == from_status
    assert not ActivityLog.objects.filter(application=application).exists()


def test_a_reviewer_with_an_accepted_assignment_completes_the_review_when_the_guard_allows():
    from tests.grants.review_setup import accepted

    application, applicant, staff = in_status(S.ELIGIBLE)
    assignment = accepted(application, staff=staff)  # the first assignment starts the review
    application.refresh_from_db()
    assert application.status == S.UNDER_REVIEW
    assert user_roles(assignment.reviewer, application) == {REVIEWER}
    with pytest.raises(ApplicationError) as refused:  # no submitted review yet
        transition(application.pk, S.REVIEWED, user=assignment.reviewer)
    assert refused.value.code == "guard"
    Application.objects.filter(pk=application.pk).update(submitted_review_count=2, score_flags=["spread"])
    with pytest.raises(ApplicationError):  # enough reviews, but too far apart
        transition(application.pk, S.REVIEWED, user=assignment.reviewer)
    reviews_in(application)
    assert transition(application.pk, S.REVIEWED, user=assignment.reviewer).status == S.REVIEWED
    entry = ActivityLog.objects.get(application=application, action="review_completed")
    assert entry.actor == assignment.reviewer
    for other in (S.RECOMMENDED, S.REJECTED):  # the reviewer role ends there
        with pytest.raises(ApplicationPermissionError):
            transition(application.pk, other, user=assignment.reviewer, comment=REASON)


@pytest.mark.parametrize(("from_status", "to_status"), FORBIDDEN)
def test_forbidden_transition_is_refused_and_writes_nothing(from_status, to_status):
    application, applicant, _staff = in_status(from_status)
    both = applicant
    both.is_staff = True  # holds every role: the refusal comes from the table, not the role
    both.save()
    assert user_roles(both, application) == {APPLICANT, STAFF}
    before = application.updated_at
    with time_machine.travel(application.call.closes_at + datetime.timedelta(hours=1), tick=False):
        with pytest.raises(TransitionNotAllowed) as refused:
            transition(application.pk, to_status, user=both, comment=REASON)
    assert refused.value.code == "transition"
    assert str(S(to_status).label) in refused.value.messages[0]
    application.refresh_from_db()
    assert (application.status, application.updated_at) == (from_status, before)
    assert not ActivityLog.objects.filter(application=application).exists()
    assert not OutboxMessage.objects.exists()


def test_anonymous_user_is_refused():
    application, _applicant, _staff = in_status(S.REVIEWED)
    with pytest.raises(ApplicationPermissionError):
        transition(application.pk, S.RECOMMENDED, user=AnonymousUser())
    assert Application.objects.get(pk=application.pk).status == S.REVIEWED


@pytest.mark.parametrize(
    ("from_status", "to_status"), [pair for pair, step in TRANSITIONS.items() if step.comment_required]
)
def test_decisions_and_ineligibility_need_a_reason(from_status, to_status):
    application, _applicant, staff = in_status(from_status)
    with time_machine.travel(moment(application, from_status, to_status), tick=False):
        for blank in ("", "   ", "\x00"):
            with pytest.raises(ApplicationError) as refused:
                transition(application.pk, to_status, user=staff, comment=blank)
            assert refused.value.code == "comment_required"
    assert Application.objects.get(pk=application.pk).status == from_status
    assert not ActivityLog.objects.exists()


@pytest.mark.parametrize("to_status", [S.ELIGIBLE, S.INELIGIBLE])
def test_screening_waits_for_the_deadline(to_status):
    application, _applicant, staff = in_status(S.SUBMITTED)
    closes_at = application.call.closes_at
    with time_machine.travel(closes_at, tick=False):  # the deadline itself is still on time for the applicant
        with pytest.raises(ApplicationError) as refused:
            transition(application.pk, to_status, user=staff, comment=REASON)
    assert refused.value.code == "guard"
    assert "(UTC" not in refused.value.messages[0] and "Europe/Skopje" in refused.value.messages[0]
    with time_machine.travel(closes_at + datetime.timedelta(seconds=1), tick=False):
        assert transition(application.pk, to_status, user=staff, comment=REASON).status == to_status


def test_withdrawal_after_the_deadline_is_refused():
    application, applicant, _staff = in_status(S.SUBMITTED)
    with time_machine.travel(application.call.closes_at + datetime.timedelta(seconds=1), tick=False):
        with pytest.raises(ApplicationError):
            transition(application.pk, S.WITHDRAWN, user=applicant, comment=REASON)
    assert Application.objects.get(pk=application.pk).status == S.SUBMITTED
    assert not ActivityLog.objects.exists()


def test_submitting_through_transition_still_checks_completeness():
    application, applicant = make_application(documents=False)
    with pytest.raises(SubmissionError):
        transition(application.pk, S.SUBMITTED, user=applicant)
    application.refresh_from_db()
    assert (application.status, application.reference) == (S.DRAFT, None)


def test_submitting_after_the_deadline_is_refused():
    application, applicant = make_application()
    with time_machine.travel(application.call.closes_at + datetime.timedelta(seconds=1), tick=False):
        with pytest.raises(ApplicationError):
            transition(application.pk, S.SUBMITTED, user=applicant)
    assert Application.objects.get(pk=application.pk).status == S.DRAFT


def test_replaying_a_transition_changes_nothing():
    application, applicant, staff = in_status(S.RECOMMENDED)
    with time_machine.travel(application.call.closes_at + datetime.timedelta(days=2), tick=False):
        first = transition(application.pk, S.AWARDED, user=staff, comment=REASON)
        again = transition(application.pk, S.AWARDED, user=staff, comment="Clicked twice.")
    assert first.status == again.status == S.AWARDED
    assert ActivityLog.objects.filter(application=application).count() == 1
    with pytest.raises(ApplicationPermissionError):  # a replay is still only for those who may make the change
        transition(application.pk, S.AWARDED, user=applicant)


def test_replaying_a_submission_makes_one_log_entry_and_one_receipt():
    application, applicant = make_application()
    transition(application.pk, S.SUBMITTED, user=applicant)
    transition(application.pk, S.SUBMITTED, user=applicant)
    assert ActivityLog.objects.filter(application=application, action="submitted").count() == 1
    assert OutboxMessage.objects.filter(template="application_submitted").count() == 1


def test_unknown_application_is_refused():
    with pytest.raises(ApplicationError) as refused:
        transition(10**9, S.ELIGIBLE, user=UserFactory(is_staff=True))
    assert refused.value.code == "not_found"


def test_comment_is_plain_text_and_capped():
    application, _applicant, staff = in_status(S.REVIEWED)
    with time_machine.travel(application.call.closes_at + datetime.timedelta(days=1), tick=False):
        transition(application.pk, S.REJECTED, user=staff, comment="Bad\x00 <b>fit</b> " + "x" * 10_000)
    entry = ActivityLog.objects.get(application=application)
    assert "\x00" not in entry.comment and len(entry.comment) <= 5000


@pytest.mark.parametrize("language", ["bs", "mk", "sq", "sr-latn", "tr"])
def test_new_statuses_show_translated_in_the_activity_log(language):
    entry = ActivityLog(action="put_on_reserve", from_status=S.RECOMMENDED, to_status=S.RESERVE)
    with translation.override(language):
        shown = entry.get_status_change_display()
        action = entry.get_action_display()
    assert "Reserve list" not in shown and "Recommended" not in shown
    assert action != "Put on the reserve list"


def test_staff_inspect_view_shows_the_log(client, admin_user):
    application, _applicant, _staff = in_status(S.REVIEWED)
    staff = admin_user
    with time_machine.travel(application.call.closes_at + datetime.timedelta(days=1), tick=False):
        transition(application.pk, S.RESERVE, user=staff, comment=REASON)
    client.force_login(staff)
    response = client.get(reverse("grants_applications:inspect", args=[application.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Reviewed → Reserve list" in body and REASON in body and "Put on the reserve list" in body
