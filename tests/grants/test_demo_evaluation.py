"""The evaluation demo (``portal.demo.evaluation``, part of ``load_demo``; issue 4, item 10): the North Macedonia
2025 call screened, reviewed twice, ranked and decided with five awards within its envelope; the illustrative
Bosnia and Herzegovina pilot call left at every stage for visitors to try; idempotent."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

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
from portal.demo.evaluation import BA_CALL_CODE, ensure_evaluation_demo
from portal.demo.grants import MK_CALL_CODE, ensure_demo_applicant, ensure_grants_demo
from portal.demo.users import ROLES, ensure_demo_users
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
