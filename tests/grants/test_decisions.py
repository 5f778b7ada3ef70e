"""Award decisions (issue 4, item 5): the service through the workflow, amounts, reasons, replays, batch, mails in
the recipient's language, the staff forms on the ranking page (CSRF, replay) and what the applicant sees."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from grants.models import ActivityLog, ApplicationStatus, Decision, DecisionOutcome
from grants.services.decisions import recommend, record_decision, record_decisions
from grants.services.errors import ApplicationError, ApplicationPermissionError, TransitionNotAllowed
from portal.notifications.models import OutboxMessage
from tests.community.factories import member_of
from tests.grants.evaluation_helpers import at_status, make_reviewer, reader, reviewed, submitted_review
from tests.grants.factories import ApplicationFactory
from tests.portal.factories_accounts import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
S = ApplicationStatus


@pytest.fixture
def staff():
    return StaffFactory()


# --- the service -----------------------------------------------------------------------------------------------


def test_award_from_recommended_records_the_decision_logs_and_mails_the_applicant(staff):
    application, member = reviewed(S.RECOMMENDED)
    decision = record_decision(application.pk, "award", user=staff, reason="Strong proposal.", amount_eur="5500")
    application.refresh_from_db()
    assert application.status == S.AWARDED
    assert (decision.outcome, decision.amount_eur, decision.decided_by) == ("award", Decimal("5500.00"), staff)
    entry = ActivityLog.objects.get(application=application, action="awarded")
    assert entry.actor == staff and "Strong proposal." in entry.comment and "5,500.00" in entry.comment
    [mail] = OutboxMessage.objects.filter(template="application_decision")
    assert mail.recipient == member.email
    assert application.reference in mail.subject and "grant awarded" in mail.subject
    assert "EUR 5,500.00" in mail.body_text and "Strong proposal." in mail.body_text
    assert reverse("grants:application_detail", args=[application.pk]) in mail.body_text


def test_award_from_reviewed_recommends_first_both_logged(staff):
    application, _member = reviewed(S.REVIEWED)
    record_decision(application.pk, "award", user=staff, reason="Top of the lot.", amount_eur="6000")
    steps = list(
        ActivityLog.objects.filter(application=application).order_by("pk").values_list("from_status", "to_status")
    )
    assert steps == [(S.REVIEWED, S.RECOMMENDED), (S.RECOMMENDED, S.AWARDED)]


def test_reserve_then_award_keeps_both_decisions_the_latest_is_current(staff):
    application, _member = reviewed(S.REVIEWED)
    record_decision(application.pk, "reserve", user=staff, reason="Waiting for funds.", amount_eur="6000")
    first = Decision.objects.get(application=application)
    assert first.amount_eur is None  # an amount is ignored for the reserve list
    record_decision(application.pk, "award", user=staff, reason="Funds freed up.", amount_eur="4000")
    application.refresh_from_db()
    assert application.status == S.AWARDED
    assert application.decisions.latest().outcome == DecisionOutcome.AWARD
    assert OutboxMessage.objects.filter(template="application_decision").count() == 2


def test_reject_from_reserve(staff):
    application, _member = reviewed(S.RESERVE)
    record_decision(application.pk, "reject", user=staff, reason="Envelope used up.")
    application.refresh_from_db()
    assert application.status == S.REJECTED


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (S.UNDER_REVIEW, "award"),
        (S.ELIGIBLE, "reject"),
        (S.SUBMITTED, "reserve"),
        (S.RESERVE, "reserve"),
        (S.AWARDED, "reject"),
        (S.REJECTED, "award"),
    ],
)
def test_decisions_outside_the_workflow_are_refused_and_write_nothing(staff, status, outcome):
    application, _member = reviewed(status)
    with pytest.raises(TransitionNotAllowed):
        record_decision(application.pk, outcome, user=staff, reason="Because.", amount_eur="5000")
    application.refresh_from_db()
    assert application.status == status
    assert not Decision.objects.exists() and not OutboxMessage.objects.exists()
    assert not ActivityLog.objects.filter(application=application).exists()


@pytest.mark.parametrize("reason", ["", "   ", "\x00\x01", None])
def test_a_reason_is_required(staff, reason):
    application, _member = reviewed(S.RECOMMENDED)
    with pytest.raises(ApplicationError) as error:
        record_decision(application.pk, "reject", user=staff, reason=reason)
    assert error.value.code == "reason_required"
    assert not Decision.objects.exists()


@pytest.mark.parametrize("amount", [None, "", "0", "-1", "abc", "NaN", "6000.01", "Infinity"])
def test_award_amount_must_be_positive_and_at_most_the_requested_amount(staff, amount):
    application, _member = reviewed(S.RECOMMENDED)  # requested EUR 6,000
    with pytest.raises(ApplicationError) as error:
        record_decision(application.pk, "award", user=staff, reason="Good.", amount_eur=amount)
    assert error.value.code == "amount"
    application.refresh_from_db()
    assert application.status == S.RECOMMENDED and not Decision.objects.exists()


def test_award_amount_may_not_exceed_the_lot_maximum(staff):
    application, _member = reviewed(S.RECOMMENDED, requested_amount_eur=Decimal("9000"))  # lot A: at most 8,000
    with pytest.raises(ApplicationError) as error:
        record_decision(application.pk, "award", user=staff, reason="Good.", amount_eur="8500")
    assert error.value.code == "amount" and "8,000.00" in error.value.messages[0]
    decision = record_decision(application.pk, "award", user=staff, reason="Good.", amount_eur="7999.999")
    assert decision.amount_eur == Decimal("8000.00")  # rounded half-up to cents, then within the maximum


def test_unknown_outcome_is_refused(staff):
    application, _member = reviewed(S.RECOMMENDED)
    with pytest.raises(ApplicationError) as error:
        record_decision(application.pk, "fund", user=staff, reason="x")
    assert error.value.code == "outcome"


@pytest.mark.parametrize("who", ["member", "reviewer", "plain", "anonymous", "inactive_staff"])
def test_only_active_staff_may_decide(who):
    from django.contrib.auth.models import AnonymousUser

    application, member = reviewed(S.RECOMMENDED)
    user = {
        "member": lambda: member,
        "reviewer": make_reviewer,
        "plain": UserFactory,
        "anonymous": AnonymousUser,
        "inactive_staff": lambda: StaffFactory(is_active=False),
    }[who]()
    with pytest.raises(ApplicationPermissionError):
        record_decision(application.pk, "award", user=user, reason="x", amount_eur="5000")
    with pytest.raises(ApplicationPermissionError):
        record_decisions([{"application_id": application.pk, "outcome": "reject", "reason": "x"}], user=user)
    assert not Decision.objects.exists()


def test_the_same_request_token_returns_the_first_decision_with_no_second_mail(staff):
    application, _member = reviewed(S.RECOMMENDED)
    first = record_decision(application.pk, "award", user=staff, reason="Yes.", amount_eur="6000", request_token="t1")
    again = record_decision(application.pk, "award", user=staff, reason="Yes.", amount_eur="6000", request_token="t1")
    assert first.pk == again.pk
    assert Decision.objects.count() == 1
    assert OutboxMessage.objects.filter(template="application_decision").count() == 1
    assert ActivityLog.objects.filter(application=application, action="awarded").count() == 1
    with pytest.raises(TransitionNotAllowed):  # a new form (new token) cannot decide a final application again
        record_decision(application.pk, "award", user=staff, reason="Yes.", amount_eur="6000", request_token="t2")


def test_batch_reports_each_row_and_awards_the_requested_amount(staff):
    good, _m1 = reviewed(S.RECOMMENDED, requested_amount_eur=Decimal("5000"))
    late, _m2 = reviewed(S.UNDER_REVIEW)
    rows = [
        {"application_id": good.pk, "outcome": "award", "reason": "Ranked first.", "request_token": "b1"},
        {"application_id": late.pk, "outcome": "award", "reason": "Ranked first.", "request_token": "b1"},
    ]
    results = record_decisions(rows, user=staff)
    assert [r.ok for r in results] == [True, False]
    assert results[0].decision.amount_eur == Decimal("5000.00")
    assert "Under review" in results[1].error
    assert record_decisions(rows, user=staff)[0].decision.pk == results[0].decision.pk  # replayed batch
    assert Decision.objects.count() == 1


def test_recommend_moves_reviewed_to_recommended_once(staff):
    application, _member = reviewed(S.REVIEWED)
    recommend(application.pk, user=staff, comment="Shortlist.")
    recommend(application.pk, user=staff, comment="Shortlist.")
    application.refresh_from_db()
    assert application.status == S.RECOMMENDED
    assert ActivityLog.objects.filter(application=application, action="recommended").count() == 1
    assert not OutboxMessage.objects.exists()


def test_mails_go_to_each_member_in_their_language_without_reviewer_names(staff):
    application, english = reviewed(S.RECOMMENDED)
    macedonian = member_of(application.organisation, preferred_language="mk")
    turkish = member_of(application.organisation, preferred_language="tr")
    submitted_review(application, make_reviewer(first_name="Zoran", last_name="Secretovski", email="zs@rev.example"))
    record_decision(application.pk, "reject", user=staff, reason="Below the pass mark.")
    mails = {mail.recipient: mail for mail in OutboxMessage.objects.filter(template="application_decision")}
    assert set(mails) == {english.email, macedonian.email, turkish.email}
    assert mails[macedonian.email].language == "mk" and mails[turkish.email].language == "tr"
    assert "not selected for funding" in mails[english.email].subject
    assert "not selected for funding" not in mails[macedonian.email].subject
    assert "not selected for funding" not in mails[turkish.email].subject
    for mail in mails.values():
        assert "Below the pass mark." in mail.body_text
        for secret in ("Zoran", "Secretovski", "zs@rev.example"):
            assert secret not in mail.body_text and secret not in mail.body_html and secret not in mail.subject


def test_mail_goes_to_the_submitter_when_the_organisation_has_no_member(staff):
    submitter = UserFactory()
    application = at_status(ApplicationFactory(), S.RECOMMENDED, submitted_by=submitter)
    record_decision(application.pk, "reserve", user=staff, reason="Reserve.")
    assert list(OutboxMessage.objects.values_list("recipient", flat=True)) == [submitter.email]


# --- the staff forms on the ranking page ---------------------------------------------------------------------------


def ranking_url(application):
    return reverse("grants_ranking:call", args=[application.call_id])


def decision_post(application, form_key="tok-1", **overrides):
    prefix = f"decision-{application.pk}"
    data = {
        "decide": str(application.pk),
        f"{prefix}-outcome": "award",
        f"{prefix}-amount_eur": "6000.00",
        f"{prefix}-reason": "Best in the lot.",
        f"{prefix}-request_token": form_key,
    }
    data.update({f"{prefix}-{key}": value for key, value in overrides.items()})
    return data


def test_the_ranking_row_form_is_prefilled_and_a_replayed_post_makes_one_decision_and_one_mail(client):
    application, _member = reviewed(S.RECOMMENDED)
    client.force_login(reader())
    page = client.get(ranking_url(application)).content.decode()
    assert f'name="decision-{application.pk}-amount_eur" value="6000.00"' in page
    assert f'name="decision-{application.pk}-request_token"' in page
    first = client.post(ranking_url(application), decision_post(application))
    second = client.post(ranking_url(application), decision_post(application))
    assert first.status_code == second.status_code == 302
    assert Decision.objects.filter(application=application).count() == 1
    assert OutboxMessage.objects.filter(template="application_decision").count() == 1


def test_the_decision_form_needs_csrf(client):
    application, _member = reviewed(S.RECOMMENDED)
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(reader())
    assert csrf_client.post(ranking_url(application), decision_post(application)).status_code == 403
    assert not Decision.objects.exists()


def test_a_refused_decision_shows_the_page_again_with_what_was_typed(client):
    application, _member = reviewed(S.RECOMMENDED)
    client.force_login(reader())
    response = client.post(ranking_url(application), decision_post(application, amount_eur="7000.00"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "more than the requested amount" in page and "Best in the lot." in page and 'value="7000.00"' in page
    response = client.post(ranking_url(application), decision_post(application, reason=""))
    assert response.status_code == 200 and not Decision.objects.exists()


def test_the_batch_form_awards_requested_amounts_and_lists_refused_rows(client):
    first, _m1 = reviewed(S.RECOMMENDED, requested_amount_eur=Decimal("5000"))
    call = first.call
    second, _m2 = reviewed(S.REVIEWED, call=call, organisation=first.organisation, lot=call.lots.get(code="B"))
    second = at_status(second, S.REVIEWED, requested_amount_eur=Decimal("9000"))
    client.force_login(reader())
    data = {
        "batch": "1",
        "batch-applications": [str(first.pk), str(second.pk)],
        "batch-outcome": "award",
        "batch-reason": "Ranked within the envelope.",
        "batch-request_token": "batch-1",
    }
    response = client.post(ranking_url(first), data, follow=True)
    assert response.status_code == 200
    amounts = dict(Decision.objects.values_list("application_id", "amount_eur"))
    assert amounts == {first.pk: Decimal("5000.00"), second.pk: Decimal("9000.00")}
    mails = OutboxMessage.objects.filter(template="application_decision").count()
    client.post(ranking_url(first), data)  # replayed
    assert Decision.objects.count() == 2
    assert OutboxMessage.objects.filter(template="application_decision").count() == mails
    data.update({"batch-outcome": "reject", "batch-request_token": "batch-2"})
    response = client.post(ranking_url(first), data)  # decided applications are no longer offered
    assert response.status_code == 200 and response.context["batch_form"].errors
    third, _m3 = reviewed(S.RESERVE, call=call, lot=call.lots.get(code="C"))
    fourth, _m4 = reviewed(S.REVIEWED, call=call, lot=call.lots.get(code="C"))
    data.update({"batch-applications": [str(third.pk), str(fourth.pk)], "batch-outcome": "reserve"})
    page = client.post(ranking_url(first), data, follow=True).content.decode()
    assert third.reference in page and "cannot be moved" in page  # a refused row is named with the reason
    fourth.refresh_from_db()
    assert fourth.status == S.RESERVE  # the other rows still go through


def test_batch_without_a_reason_for_a_decision_is_refused(client):
    application, _member = reviewed(S.RECOMMENDED)
    client.force_login(reader())
    data = {
        "batch": "1",
        "batch-applications": [str(application.pk)],
        "batch-outcome": "reject",
        "batch-reason": "",
        "batch-request_token": "x",
    }
    response = client.post(ranking_url(application), data)
    assert response.status_code == 200 and not Decision.objects.exists()
    assert "checked" in response.content.decode()


# --- what the applicant sees -------------------------------------------------------------------------------------


def share_scores(application, share=True):
    version = application.rules_version
    version.rules = {**version.rules, "share_scores_with_applicants": share}
    version.save(update_fields=["rules"])


def test_the_applicant_sees_the_decision_and_shared_reviews_without_reviewer_identities(client, staff):
    application, member = reviewed(S.RECOMMENDED)
    share_scores(application)
    secret = make_reviewer(first_name="Zoran", last_name="Secretovski", email="zoran@reviewers.example")
    other = make_reviewer(first_name="Elif", last_name="Hiddenoglu", email="elif@reviewers.example")
    submitted_review(application, secret, total="80.00", comment="Clear plan.", criterion_comment="Solid method")
    submitted_review(application, other, total="70.00", comment="Thin budget.")
    at_status(application, S.RECOMMENDED, score="75.00")
    record_decision(application.pk, "award", user=staff, reason="Well ranked.", amount_eur="6000")
    client.force_login(member)
    page = client.get(reverse("grants:application_detail", args=[application.pk])).content.decode()
    assert "Well ranked." in page and "EUR 6,000.00" in page and "Award" in page
    assert "75.00" in page and "Reviewer 1" in page and "Reviewer 2" in page
    assert "Clear plan." in page and "Thin budget." in page and "Solid method" in page
    for hidden in ("Zoran", "Secretovski", "zoran@reviewers.example", "Elif", "Hiddenoglu", "elif@reviewers"):
        assert hidden not in page
    dashboard = client.get(reverse("grants:dashboard")).content.decode()
    assert "EUR 6,000.00" in dashboard and "Award" in dashboard


def test_reviews_are_not_shown_when_the_call_does_not_share_them(client, staff):
    application, member = reviewed(S.RECOMMENDED)
    share_scores(application, share=False)
    submitted_review(application, make_reviewer(), comment="Private remark.")
    record_decision(application.pk, "reject", user=staff, reason="Weak.")
    client.force_login(member)
    page = client.get(reverse("grants:application_detail", args=[application.pk])).content.decode()
    assert "Weak." in page
    assert "Reviewer 1" not in page and "Private remark." not in page


def test_a_reviewer_who_may_read_the_application_does_not_see_the_decision_or_other_reviews(client, staff):
    application, _member = reviewed(S.RECOMMENDED)
    share_scores(application)
    reviewer = make_reviewer()
    submitted_review(application, reviewer, comment="My own remark.")
    submitted_review(application, make_reviewer(), comment="Another reviewer's remark.")
    record_decision(application.pk, "reserve", user=staff, reason="Internal reason.")
    client.force_login(reviewer)
    response = client.get(reverse("grants:application_detail", args=[application.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Internal reason." not in page and "Another reviewer&#x27;s remark." not in page
    assert "Another reviewer's remark." not in page
