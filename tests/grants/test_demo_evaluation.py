"""The evaluation demo (``portal.demo.evaluation``, part of ``load_demo``; issue 4, item 10): the North Macedonia
2025 call screened, reviewed twice, ranked and decided with five awards within its envelope; the illustrative
Bosnia and Herzegovina pilot call left at every stage for visitors to try; idempotent."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from grants.integrity import (
    ABOVE_REFERENCE_COST,
    NEAR_DUPLICATE_PROPOSAL,
    REVIEWER_DOMAIN,
    email_domain,
    flags_for_application,
    flags_for_call,
)
from grants.models import (
    ActivityLog,
    Application,
    Call,
    Decision,
    EligibilityCheck,
    Review,
    ReviewAssignment,
    ReviewAssignmentStatus,
)
from grants.ranking import ranking_for_call
from portal.demo.builder import ensure_countries
from portal.demo.evaluation import ensure_evaluation_demo
from portal.demo.evaluation_data import BA_CALL_CODE, EVALUATORS_DOMAIN
from portal.demo.grants import MK_CALL_CODE, ensure_demo_applicant, ensure_grants_demo
from portal.demo.users import DEMO_DOMAIN, ROLES, ensure_demo_users
from tests.grants.files_samples import use_private_storage
from tests.portal.conftest import home_page  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def demo_user(key):
    from django.contrib.auth import get_user_model

    email = next(role.email for role in ROLES if role.key == key)
    return get_user_model().objects.get(email__iexact=email)


@pytest.fixture
def evaluated(home_page, private_storage):  # noqa: F811
    ensure_grants_demo(home_page, ensure_countries())
    ensure_demo_users()
    ensure_demo_applicant()
    return ensure_evaluation_demo(ensure_countries())


@pytest.fixture
def private_storage(tmp_path, settings, monkeypatch):
    return use_private_storage(tmp_path, settings, monkeypatch)


def test_north_macedonia_call_ends_with_five_awards_within_the_envelope(evaluated):
    call = Call.objects.get(code=MK_CALL_CODE)
    applications = Application.objects.filter(call=call)
    assert applications.filter(status="awarded").count() == 5
    awarded = Decision.objects.filter(application__call=call, outcome="award").aggregate(total=Sum("amount_eur"))
    assert Decimal("0") < awarded["total"] <= call.total_envelope
    # The two real grantees named by the programme are among the five.
    winners = set(applications.filter(status="awarded").values_list("organisation__legal_name", flat=True))
    assert {"Association for Democratic Initiatives", "Finance Think"} <= winners
    assert applications.filter(status="reserve").count() == 2
    assert applications.filter(status="rejected").count() == 2
    assert applications.filter(status="ineligible").count() == 1


def test_every_screened_eligible_application_has_two_submitted_reviews(evaluated):
    call = Call.objects.get(code=MK_CALL_CODE)
    assert EligibilityCheck.objects.filter(application__call=call).count() == 10
    for application in Application.objects.filter(call=call).exclude(status="ineligible"):
        reviews = Review.objects.submitted().filter(application=application)
        assert reviews.count() == 2, application.reference
        assert application.score == sum(r.total_score for r in reviews) / 2
    assert Review.objects.submitted().count() >= 10
    assert ActivityLog.objects.filter(application__call=call).count() >= 10


def test_ranking_orders_by_score_and_awards_fit_the_envelope(evaluated):
    call = Call.objects.get(code=MK_CALL_CODE)
    rows = [row for lot in ranking_for_call(call) for row in lot.rows]
    assert len(rows) == 9
    for lot in ranking_for_call(call):
        scores = [row.application.score for row in lot.rows]
        assert scores == sorted(scores, reverse=True)
    rejected = {row.application.reference: row.flags for row in rows if row.application.status == "rejected"}
    assert all(flags for flags in rejected.values())  # each rejection shows why (pass mark or eliminatory)


def test_pilot_call_has_an_application_at_each_stage(evaluated):
    call = Call.objects.get(code=BA_CALL_CODE)
    statuses = sorted(Application.objects.filter(call=call).values_list("status", flat=True))
    assert statuses == ["awarded", "eligible", "submitted", "submitted", "under_review"]
    reviewer = demo_user("reviewer")
    pending = ReviewAssignment.objects.get(application__call=call, reviewer=reviewer)
    assert pending.status == ReviewAssignmentStatus.PENDING_DECLARATION
    assert call.reference_costs.exists()


def test_demo_reviewer_sees_their_assignments_and_applicant_sees_the_decision(evaluated, client):
    reviewer = demo_user("reviewer")
    client.force_login(reviewer)
    page = client.get(reverse("grants:review_list")).content.decode()
    assert "IW-BA-2026P-002" in page
    assert "IW-MK-2025-" in page  # reviews they submitted in the North Macedonia call
    client.logout()

    applicant = demo_user("applicant")
    client.force_login(applicant)
    awarded = Application.objects.get(call__code=BA_CALL_CODE, status="awarded")
    page = client.get(reverse("grants:application_detail", args=[awarded.pk])).content.decode()
    assert "4,800.00" in page
    for user in (reviewer, *[a.reviewer for a in awarded.review_assignments.select_related("reviewer")]):
        assert user.email not in page and user.get_full_name() not in page


def test_running_twice_changes_nothing(evaluated):
    before = (
        Application.objects.count(),
        Review.objects.count(),
        Decision.objects.count(),
        ActivityLog.objects.count(),
    )
    again = ensure_evaluation_demo(ensure_countries())
    assert again["applications_created"] == 0
    after = (Application.objects.count(), Review.objects.count(), Decision.objects.count(), ActivityLog.objects.count())
    assert after == before


# --- integrity flags, contacts and the log of the demo ------------------------------------------------------------


def pilot(number):
    return Application.objects.get(reference=f"IW-BA-2026P-{number:03d}")


def test_the_awarded_pilot_application_carries_no_integrity_flag(evaluated):
    """Every demo account used to share one domain, so both evaluators of the showcase award were flagged as sharing
    the demo applicant's email domain (a member of the awarded organisation)."""
    awarded = pilot(1)
    assert awarded.status == "awarded"
    applicant = demo_user("applicant")
    assert awarded.organisation.memberships.filter(user=applicant).exists()
    reviewers = [a.reviewer for a in awarded.review_assignments.select_related("reviewer")]
    assert len(reviewers) == 2
    assert all(email_domain(r.email) == EVALUATORS_DOMAIN for r in reviewers)
    assert flags_for_application(awarded) == []
    assert awarded.pk not in flags_for_call(awarded.call)


def test_the_intended_integrity_flags_of_the_pilot_call_remain(evaluated):
    flags = flags_for_call(Call.objects.get(code=BA_CALL_CODE))
    zenica, bihac = pilot(4), pilot(5)
    assert {(f.code, f.related_application_id) for f in flags[zenica.pk]} == {
        (NEAR_DUPLICATE_PROPOSAL, bihac.pk),
        (ABOVE_REFERENCE_COST, None),
    }
    assert [(f.code, f.related_application_id) for f in flags[bihac.pk]] == [(NEAR_DUPLICATE_PROPOSAL, zenica.pk)]
    assert set(flags) == {zenica.pk, bihac.pk}  # nothing else in the pilot call is flagged


def test_sub_domains_are_not_merged_by_the_reviewer_domain_check(evaluated):
    """The evaluators' domain is a sub-domain of the demo applicant's: the check must tell them apart (the demo
    relies on it)."""
    assert EVALUATORS_DOMAIN.endswith("." + DEMO_DOMAIN)
    assert email_domain(f"evaluator-1@{EVALUATORS_DOMAIN}") != email_domain(demo_user("applicant").email)
    awarded = pilot(1)
    evaluator = awarded.review_assignments.first().reviewer
    # The same evaluator on the applicant's own domain would be flagged.
    evaluator.email = f"evaluator-1@{DEMO_DOMAIN}"
    evaluator.save(update_fields=["email"])
    assert [f.code for f in flags_for_application(awarded)] == [REVIEWER_DOMAIN]


def test_the_applications_left_for_screening_have_a_contact_who_gets_the_ineligibility_mail(evaluated):
    from django.contrib.auth import get_user_model

    from grants.services.screening import prefill_screening, record_screening
    from portal.accounts.roles import REVIEWERS_GROUP
    from portal.notifications.models import OutboxMessage

    reviewers = get_user_model().objects.filter(groups__name=REVIEWERS_GROUP)
    reviewer_domains = {email_domain(user.email) for user in reviewers}
    assert {DEMO_DOMAIN, EVALUATORS_DOMAIN} <= reviewer_domains
    contacts = {}
    for number in (4, 5):
        application = pilot(number)
        [member] = get_user_model().objects.filter(organisation_roles__organisation=application.organisation)
        assert not member.has_usable_password()
        assert email_domain(member.email) not in reviewer_domains | {DEMO_DOMAIN}
        contacts[number] = member
    assert email_domain(contacts[4].email) != email_domain(contacts[5].email)

    zenica = pilot(4)
    after = zenica.call.closes_at + datetime.timedelta(days=3)
    items = [
        {"code": i["code"], "met": i["code"] != "documents", "reason": "Unsigned." if i["code"] == "documents" else ""}
        for i in prefill_screening(zenica, now=after)
    ]
    record_screening(zenica.pk, user=demo_user("staff"), items=items, now=after)
    [mail] = OutboxMessage.objects.filter(template="application_ineligible", dedupe_key__endswith=f"-{zenica.pk}")
    assert mail.recipient == contacts[4].email


def test_the_demos_submission_log_rows_are_dated_at_the_samples_submission(evaluated):
    rows = ActivityLog.objects.filter(action="submitted", actor__isnull=True).select_related("application")
    assert rows.count() == Application.objects.filter(call__code__in=[MK_CALL_CODE, BA_CALL_CODE]).count() == 15
    for row in rows:
        assert row.created_at == row.application.submitted_at, row.application.reference
    # A database loaded before this fix (rows dated at load time) is mended by the next run.
    mk_sample, ba_sample = rows.get(application__reference="IW-MK-2025-001"), rows.get(application=pilot(4))
    rows.update(created_at=timezone.now())
    ensure_evaluation_demo(ensure_countries())
    for row in (mk_sample, ba_sample):
        row.refresh_from_db()
        assert row.created_at == row.application.submitted_at, row.application.reference


def test_evaluators_loaded_on_the_old_shared_domain_are_moved_to_their_own(evaluated):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    evaluator = User.objects.get(email=f"evaluator-1@{EVALUATORS_DOMAIN}")
    User.objects.filter(pk=evaluator.pk).update(email=f"evaluator-1@{DEMO_DOMAIN}")
    ensure_evaluation_demo(ensure_countries())
    assert User.objects.get(pk=evaluator.pk).email == f"evaluator-1@{EVALUATORS_DOMAIN}"
    assert not User.objects.filter(email__startswith="evaluator-1@").exclude(pk=evaluator.pk).exists()
