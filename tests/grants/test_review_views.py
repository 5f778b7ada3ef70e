"""The reviewer's screens (issue 4, items 3 and 4): my reviews, the conflict-of-interest declaration and the review
page. Every rule is tried both ways: who may (200) and who may not (404; anonymous → sign in)."""

import re
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants.models import (
    ActivityLog,
    Application,
    ApplicationStatus,
    ConflictOfInterestDeclaration,
    CriterionScore,
    Review,
    ReviewAssignment,
    ReviewAssignmentStatus,
    ReviewStatus,
)
from grants.services.errors import ApplicationError
from grants.services.reviews import declare_conflict, remove_reviewer
from grants.services.scoring import criteria_of, save_review
from portal.notifications.models import OutboxMessage
from tests.community.factories import member_of
from tests.grants.factories import ApplicationPartnerFactory
from tests.grants.files_samples import pdf_bytes, upload, use_private_storage
from tests.grants.review_setup import accepted, pending, sheet, submit, under_review
from tests.grants.test_review_assignments import make_reviewer
from tests.portal.factories_accounts import StaffFactory, activate_totp
from tests.portal.html_checks import inline_code, unstyled_classes

pytestmark = pytest.mark.django_db

LIST = reverse("grants:review_list")


def detail_url(assignment):
    return reverse("grants:review_detail", args=[assignment.pk])


def declare_url(assignment):
    return reverse("grants:review_declare", args=[assignment.pk])


def signed_in(client, user):
    client.force_login(user)
    return client


def form_data(application, value="4", comment="Clear and feasible.", recommendation="fund", **overrides):
    """POST data of the score form: ``value`` and ``comment`` on every criterion, overrides by criterion name."""
    data = {"recommendation": recommendation, "overall_comment": "Good project."}
    for criterion in criteria_of(application):
        entry = {"score": value, "comment": comment, **overrides.get(criterion.name, {})}
        data[f"score_{criterion.id}"] = entry["score"]
        data[f"comment_{criterion.id}"] = entry["comment"]
        if entry.get("na"):
            data[f"na_{criterion.id}"] = "on"
    return data


@pytest.fixture
def application():
    return under_review()


@pytest.fixture
def staff():
    return StaffFactory(totp=True)


# --- access --------------------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, application):
    assignment = accepted(application)
    for url in (LIST, declare_url(assignment), detail_url(assignment)):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("who", ["applicant", "staff", "plain_user"])
def test_non_reviewers_get_404_on_every_reviewer_url(client, application, staff, who):
    assignment = accepted(application, staff=staff)
    user = {"applicant": lambda: member_of(application.organisation), "staff": lambda: staff}.get(
        who, lambda: StaffFactory(is_staff=False, is_superuser=False)
    )()
    signed_in(client, user)
    for url in (LIST, declare_url(assignment), detail_url(assignment)):
        assert client.get(url).status_code == 404, url
    assert client.post(detail_url(assignment), form_data(application)).status_code == 404
    assert not Review.objects.exists()


@pytest.mark.parametrize("state", ["unassigned", "pending", "conflicted", "removed"])
def test_review_page_is_404_unless_the_assignment_is_accepted(client, application, staff, state):
    reviewer = make_reviewer()
    activate_totp(reviewer)
    if state == "unassigned":
        assignment = accepted(application, staff=staff)  # someone else's
    else:
        assignment = pending(application, reviewer, staff=staff)
        if state == "conflicted":
            declare_conflict(assignment.pk, reviewer=reviewer, has_conflict=True, statement="Conflict of interest")
        elif state == "removed":
            remove_reviewer(assignment.pk, user=staff)
    signed_in(client, reviewer)
    assert client.get(detail_url(assignment)).status_code == 404
    assert client.post(detail_url(assignment), form_data(application)).status_code == 404
    assert client.post(detail_url(assignment), {"confirm_submit": "1"}).status_code == 404
    assert client.get(reverse("grants:application_detail", args=[application.pk])).status_code == 404
    assert not Review.objects.exists()


def test_review_page_opens_for_the_accepted_reviewer(client, application):
    assignment = accepted(application, totp=True)
    response = signed_in(client, assignment.reviewer).get(detail_url(assignment))
    assert response.status_code == 200
    body = response.content.decode()
    assert application.summary in body and application.reference in body
    for criterion in criteria_of(application):
        assert criterion.name in body
    assert 'name="save"' in body and 'name="submit"' in body


@pytest.mark.parametrize("state", ["unassigned", "conflicted", "removed"])
def test_declaration_page_is_404_for_an_unassigned_conflicted_or_removed_reviewer(client, application, staff, state):
    reviewer = make_reviewer()
    activate_totp(reviewer)
    if state == "unassigned":
        assignment = pending(application, staff=staff)
    else:
        assignment = pending(application, reviewer, staff=staff)
        if state == "conflicted":
            declare_conflict(assignment.pk, reviewer=reviewer, has_conflict=True)
        else:
            remove_reviewer(assignment.pk, user=staff)
    signed_in(client, reviewer)
    assert client.get(declare_url(assignment)).status_code == 404
    assert client.post(declare_url(assignment), {"conflict": "no"}).status_code == 404
    assert ReviewAssignment.objects.get(pk=assignment.pk).status != ReviewAssignmentStatus.ACCEPTED


# --- the list ------------------------------------------------------------------------------------------------------


def test_list_shows_pending_and_accepted_assignments_only(client, staff):
    reviewer = make_reviewer()
    activate_totp(reviewer)
    apps = [under_review() for _ in range(5)]
    waiting = pending(apps[0], reviewer, staff=staff)
    open_one = accepted(apps[1], reviewer, staff=staff)
    conflicted = pending(apps[2], reviewer, staff=staff)
    declare_conflict(conflicted.pk, reviewer=reviewer, has_conflict=True)
    removed = accepted(apps[3], reviewer, staff=staff)
    remove_reviewer(removed.pk, user=staff)
    body = signed_in(client, reviewer).get(LIST).content.decode()
    assert apps[0].reference in body and apps[0].title in body and apps[0].organisation.legal_name in body
    assert declare_url(waiting) in body and detail_url(open_one) in body
    for hidden in apps[2:]:
        assert hidden.reference not in body and hidden.title not in body
    assert "Declaration needed" in body and "Not started" in body
    assert not unstyled_classes(body), unstyled_classes(body)
    assert not inline_code(body)


def test_list_shows_the_review_state(client, application):
    assignment = accepted(application, totp=True)
    signed_in(client, assignment.reviewer)
    save_review(assignment.pk, user=assignment.reviewer, scores={})
    assert "Draft" in client.get(LIST).content.decode()
    submit(assignment)
    assert "Submitted" in client.get(LIST).content.decode()


def test_search_finds_only_accepted_assignments(client, staff):
    reviewer = make_reviewer()
    activate_totp(reviewer)
    mine = accepted(under_review(title="Budget transparency in Bitola"), reviewer, staff=staff)
    waiting = pending(under_review(title="Budget transparency in Ohrid"), reviewer, staff=staff)
    other = under_review(title="Budget transparency in Skopje")
    accepted(other, staff=staff)
    response = signed_in(client, reviewer).get(LIST, {"q": "budget transparency"})
    body = response.content.decode()
    assert "Bitola" in body and detail_url(mine) in body
    assert "Ohrid" not in body and declare_url(waiting) not in body
    assert "Skopje" not in body
    assert "Bitola" in client.get(LIST, {"q": mine.application.reference.lower()}).content.decode()
    assert "No application you review matches" in client.get(LIST, {"q": "Skopje"}).content.decode()


def _many_assignments(reviewer, count):
    """``count`` assignments of ``reviewer`` (half accepted, a third with a draft review), made in bulk."""
    template = under_review()
    base = Application.objects.filter(call=template.call).count()
    applications = Application.objects.bulk_create(
        Application(
            call=template.call,
            lot=template.lot,
            rules_version=template.rules_version,
            organisation=template.organisation,
            status=ApplicationStatus.UNDER_REVIEW,
            reference=f"IW-BULK-{reviewer.pk}-{base + number:05d}",
            title=f"Bulk application {number}",
        )
        for number in range(count)
    )
    assignments = ReviewAssignment.objects.bulk_create(
        ReviewAssignment(
            application=application,
            reviewer=reviewer,
            status=ReviewAssignmentStatus.ACCEPTED if number % 2 else ReviewAssignmentStatus.PENDING_DECLARATION,
        )
        for number, application in enumerate(applications)
    )
    Review.objects.bulk_create(
        Review(assignment=a, application_id=a.application_id, reviewer=reviewer)
        for number, a in enumerate(assignments)
        if number % 2 and number % 3 == 0
    )


def test_list_query_count_is_the_same_for_10_and_1000_assignments(client):
    few, many = make_reviewer(), make_reviewer()
    for reviewer, count in ((few, 10), (many, 1000)):
        activate_totp(reviewer)
        _many_assignments(reviewer, count)
    counts = []
    for reviewer in (few, many):
        signed_in(client, reviewer)
        client.get(LIST)  # warm the session and caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST, {"q": "Bulk", "page": 3}).status_code == 200
    assert len(queries) == counts[1]


def test_my_reviews_link_is_in_the_account_menu_of_reviewers_only(client, application):
    assignment = accepted(application, totp=True)
    body = signed_in(client, assignment.reviewer).get(LIST).content.decode()
    assert f'href="{LIST}"' in body and "My reviews" in body
    applicant = member_of(application.organisation)
    body = signed_in(client, applicant).get(reverse("grants:dashboard")).content.decode()
    assert f'href="{LIST}"' not in body


# --- the conflict-of-interest declaration -------------------------------------------------------------------------


def test_declaration_page_shows_who_applies_but_not_the_proposal(client, application):
    partner = ApplicationPartnerFactory(application=application)
    assignment = pending(application, totp=True)
    response = signed_in(client, assignment.reviewer).get(declare_url(assignment))
    body = response.content.decode()
    assert response.status_code == 200
    assert application.organisation.legal_name in body and partner.organisation.legal_name in body
    assert application.title in body and application.summary not in body and application.problem not in body
    assert not unstyled_classes(body), unstyled_classes(body)


def test_declaring_no_conflict_opens_the_review(client, application):
    assignment = pending(application, totp=True)
    signed_in(client, assignment.reviewer)
    response = client.post(declare_url(assignment), {"conflict": "no", "statement": "None."})
    assert response.status_code == 302 and response["Location"] == detail_url(assignment)
    assert ReviewAssignment.objects.get(pk=assignment.pk).status == ReviewAssignmentStatus.ACCEPTED
    assert client.get(declare_url(assignment))["Location"] == detail_url(assignment)  # nothing left to declare


def test_declaring_a_conflict_of_interest_hides_the_application_everywhere(client, application):
    assignment = pending(application, totp=True)
    signed_in(client, assignment.reviewer)
    response = client.post(declare_url(assignment), {"conflict": "yes", "statement": "I sit on its board."})
    assert response.status_code == 302 and response["Location"] == LIST
    declaration = ConflictOfInterestDeclaration.objects.get()
    assert declaration.has_conflict and declaration.statement == "I sit on its board."
    listing = client.get(LIST).content.decode()
    assert application.title not in listing and declare_url(assignment) not in listing
    assert client.get(detail_url(assignment)).status_code == 404
    assert client.get(declare_url(assignment)).status_code == 404


def test_declaration_needs_an_answer_and_a_csrf_token(application):
    assignment = pending(application, totp=True)
    client = signed_in(Client(enforce_csrf_checks=True), assignment.reviewer)
    assert client.post(declare_url(assignment), {"conflict": "no"}).status_code == 403
    page = client.get(declare_url(assignment))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(declare_url(assignment), {"csrfmiddlewaretoken": token})
    assert response.status_code == 200 and "Say whether you have a conflict of interest" in response.content.decode()
    assert ReviewAssignment.objects.get(pk=assignment.pk).status == ReviewAssignmentStatus.PENDING_DECLARATION


def test_the_assignment_mail_links_to_the_declaration_which_others_cannot_open(client, application):
    assignment = pending(application, totp=True)
    mail = OutboxMessage.objects.get(template="review_assigned", recipient=assignment.reviewer.email)
    path = re.search(r"https?://[^/\s]+(/\S+/declare/)", mail.body_text).group(1)
    assert path == declare_url(assignment)
    assert signed_in(client, assignment.reviewer).get(path).status_code == 200
    intruder = make_reviewer()
    activate_totp(intruder)
    assert signed_in(client, intruder).get(path).status_code == 404


# --- scoring through the page -------------------------------------------------------------------------------------


def test_save_draft_keeps_an_incomplete_review(client, application):
    assignment = accepted(application, totp=True)
    data = form_data(application, value="", comment="", recommendation="")
    relevance = criteria_of(application)[0]
    data.update({f"score_{relevance.id}": "3", f"comment_{relevance.id}": "Partly relevant.", "save": "1"})
    response = signed_in(client, assignment.reviewer).post(detail_url(assignment), data)
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.status == ReviewStatus.DRAFT
    assert review.scores.get(criterion_id=relevance.id).comment == "Partly relevant."
    page = client.get(detail_url(assignment)).content.decode()
    assert "Partly relevant." in page and 'value="3' in page


@pytest.mark.parametrize("bad", ["7", "-1"])
def test_a_score_above_the_maximum_or_negative_is_refused_on_the_page_and_nothing_typed_is_lost(
    client, application, bad
):
    assignment = accepted(application, totp=True)
    relevance, methodology = criteria_of(application)[:2]
    data = form_data(application, value="4", comment="Fine.")
    data.update({f"score_{relevance.id}": bad, f"comment_{relevance.id}": "Typed text kept.", "submit": "1"})
    response = signed_in(client, assignment.reviewer).post(detail_url(assignment), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Give a score from 0 to 5." in body and "Relevance" in body
    assert f'value="{bad}"' in body and "Typed text kept." in body  # shown again as typed
    review = Review.objects.get()
    assert review.status == ReviewStatus.DRAFT
    relevance_row = review.scores.get(criterion_id=relevance.id)
    assert relevance_row.score is None  # the bad value is not stored
    assert relevance_row.comment == "Typed text kept."  # its comment is
    assert review.scores.get(criterion_id=methodology.id).score == 4  # the valid rest is saved
    assert not CriterionScore.objects.filter(score__lt=0).exists() and not CriterionScore.objects.filter(score__gt=5)


def test_save_draft_with_two_scores_out_of_range_keeps_their_comments_and_earlier_scores(client, application):
    """The QA case: scores 7 (max 5) and -1 with comments on those rows, "Save draft"; the page said everything else
    was saved, but after a reload the two comments were empty."""
    assignment = accepted(application, totp=True)
    relevance, methodology, third = criteria_of(application)[:3]
    signed_in(client, assignment.reviewer)
    first = form_data(application, value="", comment="", recommendation="")
    first.update({f"score_{relevance.id}": "3", f"comment_{relevance.id}": "Earlier comment.", "save": "1"})
    assert client.post(detail_url(assignment), first).status_code == 302

    data = form_data(application, value="", comment="", recommendation="fund")
    data.update(
        {
            f"score_{relevance.id}": "7",
            f"comment_{relevance.id}": "Very relevant to the call.",
            f"score_{methodology.id}": "-1",
            f"comment_{methodology.id}": "The method is weak.",
            f"score_{third.id}": "4",
            f"comment_{third.id}": "Good use of data.",
            "save": "1",
        }
    )
    response = client.post(detail_url(assignment), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "The scores marked below were not saved (a score saved earlier is kept)" in body
    assert "Everything else you entered was saved" not in body
    for typed in ('value="7"', 'value="-1"', "Very relevant to the call.", "The method is weak.", "Good use of data."):
        assert typed in body  # the form keeps what was typed
    stored = {row.criterion_id: row for row in Review.objects.get().scores.all()}
    assert (stored[relevance.id].score, stored[relevance.id].comment) == (3, "Very relevant to the call.")
    assert (stored[methodology.id].score, stored[methodology.id].comment) == (None, "The method is weak.")
    assert (stored[third.id].score, stored[third.id].comment) == (4, "Good use of data.")
    assert Review.objects.get().recommendation == "fund"
    reloaded = client.get(detail_url(assignment)).content.decode()
    assert "Very relevant to the call." in reloaded and "The method is weak." in reloaded


def test_save_draft_names_other_refused_entries_precisely(client, application):
    assignment = accepted(application, totp=True)
    relevance = criteria_of(application)[0]
    data = form_data(application, value="3", comment="Fine.")
    data.update({f"comment_{relevance.id}": "x" * 5001, "recommendation": "maybe", "save": "1"})
    response = signed_in(client, assignment.reviewer).post(detail_url(assignment), data)
    assert response.status_code == 200
    assert "The entries marked below were not saved; everything else you entered was saved." in (
        response.content.decode()
    )
    review = Review.objects.get()
    row = review.scores.get(criterion_id=relevance.id)
    assert (row.score, row.comment) == (3, "")  # the score saved, the over-long comment not
    assert review.recommendation == ""


def test_save_draft_refused_by_the_service_says_nothing_was_saved(client, application):
    """When the service refuses the save (here: the application left review between the page and the POST), the
    page must not claim that anything was saved."""
    from grants.views import reviews as review_views

    assignment = accepted(application, totp=True)
    signed_in(client, assignment.reviewer)
    data = {**form_data(application, value="3"), "save": "1"}
    refusal = ApplicationError("This application is not under review any more.", code="status")
    with mock.patch.object(review_views, "save_review", side_effect=refusal):
        response = client.post(detail_url(assignment), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nothing you entered was saved" in body and "This application is not under review any more." in body
    assert "Clear and feasible." in body  # shown again as typed
    assert not Review.objects.exists()


def test_submit_asks_for_confirmation_then_submits_once(client, application):
    assignment = accepted(application, totp=True)
    signed_in(client, assignment.reviewer)
    response = client.post(detail_url(assignment), {**form_data(application), "submit": "1"})
    assert response.status_code == 200 and 'name="confirm_submit"' in response.content.decode()
    assert Review.objects.get().status == ReviewStatus.DRAFT  # saved, not submitted yet
    for _ in range(2):  # a double click
        response = client.post(detail_url(assignment), {"confirm_submit": "1"})
        assert response.status_code == 302
    review = Review.objects.get()
    assert review.status == ReviewStatus.SUBMITTED and review.total_score == Decimal("80.00")
    assert ActivityLog.objects.filter(action="review_submitted").count() == 1
    page = client.get(detail_url(assignment)).content.decode()
    assert "can no longer be changed" in page and 'name="save"' not in page
    response = client.post(detail_url(assignment), {**form_data(application, value="1"), "save": "1"})
    assert response.status_code == 302 and Review.objects.get().total_score == Decimal("80.00")


def test_submit_with_something_missing_lists_it_and_keeps_the_draft(client, application):
    assignment = accepted(application, totp=True)
    capacity = next(c for c in criteria_of(application) if c.name == "Capacity")
    data = {**form_data(application, Capacity={"score": "", "comment": ""}), "submit": "1"}
    response = signed_in(client, assignment.reviewer).post(detail_url(assignment), data)
    body = response.content.decode()
    assert response.status_code == 200 and "Not submitted yet" in body and "Capacity" in body
    assert 'name="confirm_submit"' not in body
    review = Review.objects.get()
    assert review.status == ReviewStatus.DRAFT and review.scores.get(criterion_id=capacity.id).score is None


def test_the_score_post_needs_a_csrf_token(application):
    assignment = accepted(application, totp=True)
    client = signed_in(Client(enforce_csrf_checks=True), assignment.reviewer)
    data = {**form_data(application), "save": "1"}
    assert client.post(detail_url(assignment), data).status_code == 403
    assert client.post(detail_url(assignment), {"confirm_submit": "1"}).status_code == 403
    assert not Review.objects.exists()
    page = client.get(detail_url(assignment)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post(detail_url(assignment), {**data, "csrfmiddlewaretoken": token}).status_code == 302
    assert Review.objects.get().scores.count() == len(criteria_of(application))


def test_blind_review_others_reviews_appear_only_after_submitting_ones_own(client, application):
    me = accepted(application, totp=True)
    colleague = accepted(application, make_reviewer(first_name="Zorica", last_name="Kolegovska"))
    save_review(me.pk, user=me.reviewer, scores=sheet(application, "3"), recommendation="fund")
    submit(colleague, "5", comment="TOKEN-colleague-comment-7f3a", recommendation="do_not_fund")
    signed_in(client, me.reviewer)
    before = client.get(detail_url(me)).content.decode()
    assert "TOKEN-colleague-comment-7f3a" not in before and "Other reviews" not in before
    client.post(detail_url(me), {**form_data(application, value="3"), "submit": "1"})
    client.post(detail_url(me), {"confirm_submit": "1"})
    after = client.get(detail_url(me)).content.decode()
    assert "TOKEN-colleague-comment-7f3a" in after and "Reviewer 1" in after and "Do not fund" in after
    reviewer = colleague.reviewer
    assert reviewer.email not in after and reviewer.get_full_name() not in after.replace(
        me.reviewer.get_full_name(), ""
    )


def test_attachments_are_listed_with_the_checked_download_link(client, application, settings, tmp_path, monkeypatch):
    from grants.services.attachments import add_attachment

    use_private_storage(tmp_path, settings, monkeypatch)
    document = application.call.required_documents.first()
    member = member_of(application.organisation)
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.DRAFT)
    attachment = add_attachment(
        application.pk, user=member, uploaded_file=upload("plan.pdf", pdf_bytes()), document=document
    )
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.UNDER_REVIEW)
    assignment = accepted(application, totp=True)
    download = reverse("grants:attachment_download", args=[attachment.pk])
    signed_in(client, assignment.reviewer)
    assert download in client.get(detail_url(assignment)).content.decode()
    assert client.get(download).status_code == 200


def test_review_page_is_styled_and_without_inline_code(client, application):
    assignment = accepted(application, totp=True)
    body = signed_in(client, assignment.reviewer).get(detail_url(assignment)).content.decode()
    assert not unstyled_classes(body), unstyled_classes(body)
    assert not inline_code(body)


def test_review_page_in_macedonian_is_translated(client, application):
    assignment = accepted(application, totp=True)
    signed_in(client, assignment.reviewer)
    body = client.get(f"/mk{detail_url(assignment)}").content.decode()
    assert "Save draft" not in body and "Submit review" not in body and "Your review" not in body


def test_a_closed_review_shows_the_draft_read_only(client, application):
    assignment = accepted(application, totp=True)
    save_review(assignment.pk, user=assignment.reviewer, scores=sheet(application, "2", comment="Half done."))
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.REVIEWED)
    signed_in(client, assignment.reviewer)
    body = client.get(detail_url(assignment)).content.decode()
    assert "Half done." in body and 'name="save"' not in body
    response = client.post(detail_url(assignment), {**form_data(application), "save": "1"})
    assert response.status_code == 302 and Review.objects.get().status == ReviewStatus.DRAFT
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.REVIEWED
