"""The reviewers panel of the staff inspect view (issue 4, item 3): the assignments with their review status, the
assign form (exclusions shown with the reason), removal, the review summary, the integrity-flags place, CSRF, and
who may use the staff URLs."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from community.models import OrganisationMembership
from grants.models import ActivityLog, ApplicationStatus, ReviewAssignment, ReviewAssignmentStatus
from grants.services.reviews import assign_reviewer, reviewer_options
from tests.grants.evaluation_helpers import at_status, make_reviewer, reader, reviewed, submitted_review
from tests.portal.factories_accounts import UserFactory

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def inspect_url(application):
    return reverse("grants_applications:inspect", args=[application.pk])


def assign_url(application):
    return reverse("grants_applications:assign_reviewer", args=[application.pk])


def remove_url(assignment):
    return reverse("grants_applications:remove_reviewer", args=[assignment.application_id, assignment.pk])


def test_the_panel_lists_reviewers_with_review_status_and_the_summary(client):
    application, _member = reviewed(S.UNDER_REVIEW)
    done = make_reviewer(first_name="Marta", last_name="Done", email="marta@reviewers.example")
    submitted_review(application, done, total="81.25")
    waiting = make_reviewer(email="waiting@reviewers.example")
    assign_reviewer(application.pk, waiting, user=reader())
    at_status(
        application,
        S.UNDER_REVIEW,
        score="81.25",
        score_spread=Decimal("12.50"),
        submitted_review_count=1,
        score_flags=["below_pass_mark"],
    )
    client.force_login(reader())
    page = client.get(inspect_url(application)).content.decode()
    assert "marta@reviewers.example" in page and "waiting@reviewers.example" in page
    assert "Submitted" in page and "Not started" in page and "Awaiting conflict-of-interest declaration" in page
    assert "81.25" in page and "12.50" in page and "Below the pass mark" in page
    assert "Integrity checks" in page and "Reviewer assigned" in page  # the log is shown too


def test_assign_form_lists_excluded_reviewers_disabled_with_the_reason(client):
    application, _member = reviewed(S.ELIGIBLE)
    free = make_reviewer(email="free@reviewers.example")
    insider = make_reviewer(email="insider@reviewers.example")
    OrganisationMembership.objects.create(organisation=application.organisation, user=insider)
    options = {user.pk: reason for user, reason in reviewer_options(application)}
    assert options[free.pk] is None and "lead applicant organisation" in options[insider.pk]
    client.force_login(reader())
    page = client.get(inspect_url(application)).content.decode()
    assert f'<option value="{free.pk}">' in page
    assert f'<option value="{insider.pk}" disabled>' in page


def test_staff_assign_and_remove_a_reviewer_from_the_inspect_view(client):
    application, _member = reviewed(S.ELIGIBLE)
    reviewer = make_reviewer()
    client.force_login(reader())
    response = client.post(assign_url(application), {"reviewer": reviewer.pk})
    assert response.status_code == 302
    assignment = ReviewAssignment.objects.get(application=application, reviewer=reviewer)
    assert assignment.status == ReviewAssignmentStatus.PENDING_DECLARATION
    assert client.post(remove_url(assignment), {"reason": "Too busy."}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignmentStatus.REMOVED
    assert "Too busy." in ActivityLog.objects.get(application=application, action="reviewer_removed").comment


def test_an_excluded_or_unknown_reviewer_is_refused_with_a_message(client):
    application, _member = reviewed(S.ELIGIBLE)
    insider = make_reviewer()
    OrganisationMembership.objects.create(organisation=application.organisation, user=insider)
    client.force_login(reader())
    response = client.post(assign_url(application), {"reviewer": insider.pk}, follow=True)
    assert "member of the lead applicant organisation" in response.content.decode()
    response = client.post(assign_url(application), {"reviewer": UserFactory().pk}, follow=True)  # not a reviewer
    assert "Choose a reviewer from the list." in response.content.decode()
    assert not ReviewAssignment.objects.exists()


def test_no_assign_form_once_the_review_is_over(client):
    application, _member = reviewed(S.REVIEWED)
    make_reviewer()
    client.force_login(reader())
    page = client.get(inspect_url(application)).content.decode()
    assert assign_url(application) not in page


def test_an_assignment_of_another_application_cannot_be_removed_through_this_one(client):
    application, _member = reviewed(S.ELIGIBLE)
    other, _m = reviewed(S.ELIGIBLE)
    assignment = assign_reviewer(other.pk, make_reviewer(), user=reader())
    client.force_login(reader())
    url = reverse("grants_applications:remove_reviewer", args=[application.pk, assignment.pk])
    assert client.post(url).status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignmentStatus.PENDING_DECLARATION


def test_reviewer_actions_need_csrf_and_post(client):
    application, _member = reviewed(S.ELIGIBLE)
    reviewer = make_reviewer()
    staff = reader()
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(staff)
    assert csrf_client.post(assign_url(application), {"reviewer": reviewer.pk}).status_code == 403
    client.force_login(staff)
    assert client.get(assign_url(application)).status_code == 405
    assert not ReviewAssignment.objects.exists()


def test_the_inspect_query_count_does_not_grow_with_reviewers(client):
    application, _member = reviewed(S.UNDER_REVIEW)
    staff = reader()
    client.force_login(staff)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as context:
            assert client.get(inspect_url(application)).status_code == 200
        return len(context.captured_queries)

    assign_reviewer(application.pk, make_reviewer(), user=staff)
    count()
    few = count()
    for _ in range(8):
        assign_reviewer(application.pk, make_reviewer(), user=staff)
    assert count() == few


@pytest.mark.parametrize("who", ["anonymous", "applicant", "reviewer", "plain", "staff_without_permission"])
def test_who_may_not_use_the_reviewer_actions(client, who):
    application, member = reviewed(S.ELIGIBLE)
    reviewer = make_reviewer()
    assignment = assign_reviewer(application.pk, make_reviewer(), user=reader())
    if who == "applicant":
        member.user_permissions.add(*Permission.objects.filter(codename__in=["access_admin", "view_application"]))
        client.force_login(member)
    elif who == "reviewer":
        client.force_login(reviewer)
    elif who == "plain":
        client.force_login(UserFactory())
    elif who == "staff_without_permission":
        from tests.portal.factories_accounts import StaffFactory

        user = StaffFactory(is_superuser=False, totp=True)
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
        client.force_login(user)
    assert client.get(inspect_url(application)).status_code in (302, 403)
    assert client.post(assign_url(application), {"reviewer": reviewer.pk}).status_code in (302, 403)
    assert client.post(remove_url(assignment)).status_code in (302, 403)
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignmentStatus.PENDING_DECLARATION
    assert ReviewAssignment.objects.count() == 1
