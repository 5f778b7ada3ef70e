"""The evaluation's permission matrix (issue 4, "Done when"): role × review assignment × application status × URL.

Each case builds one application (its title carries a unique token) in a given status, with one assignment per
reviewer role, and asks one URL as one role. The expected answer comes from the rules, written once below:

- the applicant's pages and files: members of the lead applicant organisation, staff, and reviewers whose
  assignment is accepted (they declared no conflict of interest);
- the review page: only its own reviewer, once accepted; the declaration page: only its own reviewer while the
  declaration is pending (accepted goes on to the review page);
- the reviewer's list, search and CSV export: reviewers only, showing an application's text (the token) only to
  the reviewer whose assignment is accepted (pending: the list shows the title so they can judge a conflict, the
  search and export do not);
- staff pages (inspect, ranking, dashboard, integrity checks, exports, decisions): staff who may read
  applications only;
- answering a clarification request: members of the lead applicant organisation only.

A refusal is a redirect to sign in (anonymous), a 404 (the front end never says an application exists), 403 or
the admin's redirect; whatever the refusal, the token never appears in it and nothing is written.
"""

import itertools
import uuid

import pytest
from django.urls import reverse

from grants.models import (
    ApplicationStatus,
    Clarification,
    Decision,
    ReviewAssignment,
    ReviewAssignmentStatus,
)
from tests.community.factories import OrganisationFactory, member_of
from tests.grants.evaluation_helpers import at_status, make_reviewer, reader
from tests.grants.factories import ApplicationFactory
from tests.grants.files_samples import pdf_bytes, use_private_storage
from tests.portal.factories_accounts import UserFactory

pytestmark = pytest.mark.django_db

S = ApplicationStatus
A = ReviewAssignmentStatus

ANONYMOUS = "anonymous"
OUTSIDER = "outsider"
APPLICANT = "applicant"
OTHER_APPLICANT = "other_applicant"
STAFF = "staff"
REVIEWER_UNASSIGNED = "reviewer_unassigned"
#: Reviewer roles with an assignment to the application, by assignment status.
ASSIGNED = {
    "reviewer_pending": A.PENDING_DECLARATION,
    "reviewer_accepted": A.ACCEPTED,
    "reviewer_conflicted": A.CONFLICTED,
    "reviewer_removed": A.REMOVED,
}
ROLES = [ANONYMOUS, OUTSIDER, APPLICANT, OTHER_APPLICANT, STAFF, REVIEWER_UNASSIGNED, *ASSIGNED]
REVIEWERS = {REVIEWER_UNASSIGNED, *ASSIGNED}
STATUSES = [S.UNDER_REVIEW, S.REVIEWED, S.AWARDED]

URLS = [
    "application_detail",
    "attachment_download",
    "review_detail",
    "review_declare",
    "review_list",
    "review_search",
    "reviewer_export",
    "admin_inspect",
    "admin_ranking",
    "admin_dashboard",
    "admin_integrity",
    "admin_export_csv",
    "post_decision",
    "post_answer",
]

ALLOWED = "allowed"
REDIRECT = "redirect"  # the declaration page of an accepted assignment goes on to the review page
HIDDEN = "hidden"  # 200 for the reviewer's own list/search/export, without the application


def expected(role: str, url: str) -> str:
    """What ``role`` gets at ``url``: ALLOWED, REDIRECT, HIDDEN or "refused"."""
    viewers = {APPLICANT, STAFF, "reviewer_accepted"}
    rules = {
        "application_detail": ALLOWED if role in viewers else "refused",
        "attachment_download": ALLOWED if role in viewers else "refused",
        "review_detail": ALLOWED if role == "reviewer_accepted" else "refused",
        "review_declare": {"reviewer_pending": ALLOWED, "reviewer_accepted": REDIRECT}.get(role, "refused"),
        "review_list": (ALLOWED if role in ("reviewer_pending", "reviewer_accepted") else HIDDEN)
        if role in REVIEWERS
        else "refused",
        "review_search": (ALLOWED if role == "reviewer_accepted" else HIDDEN) if role in REVIEWERS else "refused",
        "reviewer_export": (ALLOWED if role == "reviewer_accepted" else HIDDEN) if role in REVIEWERS else "refused",
        "post_answer": ALLOWED if role == APPLICANT else "refused",
    }
    if url in rules:
        return rules[url]
    return ALLOWED if role == STAFF else "refused"  # every staff page and the decision POST


@pytest.fixture
def world(tmp_path, settings, monkeypatch):
    """``make(status) -> dict``: an application in ``status`` with a token in its title, a file, a question to
    the applicant, one assignment per reviewer role, and a user per role."""
    use_private_storage(tmp_path, settings, monkeypatch)

    def make(status):
        from grants.models import Attachment

        token = f"MATRIX-{uuid.uuid4().hex[:12]}"
        application = at_status(ApplicationFactory(title=f"Proposal {token}"), status)
        content = pdf_bytes()
        attachment = Attachment(
            application=application,
            original_name="statute.pdf",
            content_type="application/pdf",
            size_bytes=len(content),
            sha256="0" * 64,
        )
        from django.core.files.base import ContentFile

        attachment.file.save("statute.pdf", ContentFile(content), save=False)
        attachment.save()
        users = {
            OUTSIDER: UserFactory(),
            APPLICANT: member_of(application.organisation),
            OTHER_APPLICANT: member_of(OrganisationFactory()),
            STAFF: reader(),
            REVIEWER_UNASSIGNED: make_reviewer(),
        }
        assignments = {}
        for role, assignment_status in ASSIGNED.items():
            users[role] = make_reviewer()
            assignments[role] = ReviewAssignment.objects.create(
                application=application, reviewer=users[role], status=assignment_status
            )
        question = Clarification.objects.create(application=application, question="Which municipalities?")
        return {
            "token": token,
            "application": application,
            "attachment": attachment,
            "users": users,
            "assignments": assignments,
            "question": question,
        }

    return make


def request(client, url: str, role: str, w: dict):
    """Ask ``url`` as ``role`` (GET, or POST for the two actions); return the response."""
    application = w["application"]
    own = w["assignments"].get(role)
    call_pk = application.call_id
    if url == "application_detail":
        return client.get(reverse("grants:application_detail", args=[application.pk]))
    if url == "attachment_download":
        return client.get(reverse("grants:attachment_download", args=[w["attachment"].pk]))
    if url == "review_detail":
        assignment = own or w["assignments"]["reviewer_accepted"]
        return client.get(reverse("grants:review_detail", args=[assignment.pk]))
    if url == "review_declare":
        assignment = own or w["assignments"]["reviewer_pending"]
        return client.get(reverse("grants:review_declare", args=[assignment.pk]))
    if url == "review_list":
        return client.get(reverse("grants:review_list"))
    if url == "review_search":
        # Part of the token, so that the search box echoing the query does not put the whole token on the page.
        return client.get(reverse("grants:review_list"), {"q": w["token"][:-3]})
    if url == "reviewer_export":
        return client.get(reverse("grants:reviewer_export_csv"))
    if url == "admin_inspect":
        return client.get(reverse("grants_applications:inspect", args=[application.pk]))
    if url == "admin_ranking":
        return client.get(reverse("grants_ranking:call", args=[call_pk]))
    if url in ("admin_dashboard", "admin_integrity", "admin_export_csv"):
        name = url.removeprefix("admin_")
        return client.get(reverse(f"grants_reports:{name}", args=[call_pk]))
    if url == "post_decision":
        prefix = f"decision-{application.pk}"
        return client.post(
            reverse("grants_ranking:call", args=[call_pk]),
            {
                "decide": application.pk,
                f"{prefix}-outcome": "reject",
                f"{prefix}-reason": "Matrix check.",
                f"{prefix}-request_token": uuid.uuid4().hex,
            },
        )
    if url == "post_answer":
        question = w["question"]
        return client.post(
            reverse("grants:clarification_answer", args=[application.pk, question.pk]),
            {f"answer-{question.pk}-answer": "Prilep and Krushevo."},
        )
    raise AssertionError(url)


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@pytest.mark.parametrize(("role", "status", "url"), list(itertools.product(ROLES, STATUSES, URLS)))
def test_permission_matrix(client, world, role, status, url):
    w = world(status)
    if role != ANONYMOUS:
        client.force_login(w["users"][role])
    decisions_before = Decision.objects.count()
    response = request(client, url, role, w)
    outcome = expected(role, url)
    # A decision is possible only on a reviewed application; an answer only while the question is open.
    if url == "post_decision" and outcome == ALLOWED:
        assert response.status_code in (200, 302)
        assert Decision.objects.count() == decisions_before + (1 if status == S.REVIEWED else 0)
        return
    if url == "post_answer" and outcome == ALLOWED:
        assert response.status_code == 302
        w["question"].refresh_from_db()
        assert w["question"].is_answered
        return
    text = body(response)
    if outcome == ALLOWED:
        assert response.status_code == 200, (role, url, response.status_code)
        if url not in ("attachment_download", "admin_dashboard", "admin_integrity"):  # these show no titles
            assert w["token"] in text
    elif outcome == REDIRECT:
        assert response.status_code == 302
        assert response["Location"] == reverse("grants:review_detail", args=[w["assignments"][role].pk])
    elif outcome == HIDDEN:
        assert response.status_code == 200
        assert w["token"] not in text
    else:
        if role == ANONYMOUS:
            assert response.status_code == 302 and "login" in response["Location"]
        elif url.startswith(("admin_", "post_decision")):
            assert response.status_code in (302, 403), response.status_code
        elif url in ("reviewer_export", "post_answer"):
            assert response.status_code in (403, 404)
        else:
            assert response.status_code == 404, (role, url, response.status_code)
        assert w["token"] not in text
        assert Decision.objects.count() == decisions_before
        if url == "post_answer":
            w["question"].refresh_from_db()
            assert not w["question"].is_answered
