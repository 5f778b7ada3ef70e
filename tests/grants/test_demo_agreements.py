"""The agreements demo (``portal.demo.agreements``, part of ``load_demo``; issue 5, item 8 and "Done when"): the five
North Macedonia awards become agreements with tranches; one interim report approved, one report overdue, grants
completed; and on that data a grantee submits a final report, staff approve it, the last tranche is recorded, the
grant completes and appears in the 360Giving file, which validates."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from grants.models import GrantAgreement, ReportingRequirement, Tranche
from grants.services.payments import record_payment
from grants.services.reports import approve_report, save_report
from portal.demo.agreements import ensure_agreements_demo
from portal.demo.builder import ensure_countries
from portal.demo.evaluation import ensure_evaluation_demo, staff_user
from portal.demo.grants import ensure_demo_applicant, ensure_grants_demo
from portal.demo.users import ensure_demo_users
from tests.grants.files_samples import use_private_storage
from tests.grants.test_opendata import _errors
from tests.portal.conftest import home_page  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 11, 29, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def demo(home_page, tmp_path, settings, monkeypatch):  # noqa: F811
    use_private_storage(tmp_path, settings, monkeypatch)
    with time_machine.travel(TODAY, tick=False):
        ensure_grants_demo(home_page, ensure_countries())
        ensure_demo_users()
        ensure_demo_applicant()
        ensure_evaluation_demo(ensure_countries())
        return ensure_agreements_demo()


def agreement_of(name):
    return GrantAgreement.objects.get(organisation__legal_name=name)


def test_five_awards_become_agreements_with_tranches_and_reports(demo):
    assert demo["agreements"] == 5
    assert Tranche.objects.count() == 10
    assert all(a.tranches.filter(number=1, paid_on__isnull=False).exists() for a in GrantAgreement.objects.all())
    assert ReportingRequirement.objects.filter(kind="interim", status="approved").count() >= 1
    assert GrantAgreement.objects.filter(status="completed").count() >= 1
    for name in ("Association for Democratic Initiatives", "Finance Think"):
        assert agreement_of(name).status == "completed"


def test_one_report_is_overdue_and_one_waits_for_review(demo):
    overdue = ReportingRequirement.objects.filter(status="pending", due_at__lt=TODAY)
    assert [r.agreement.organisation.legal_name for r in overdue] == ["Bitola Civic Lab"]
    waiting = agreement_of("Tetovo Youth for Transparency").reporting_requirements.get(kind="final")
    assert waiting.status == "submitted"


def test_tranches_never_exceed_the_award(demo):
    for agreement in GrantAgreement.objects.all():
        assert sum(t.amount_eur for t in agreement.tranches.all()) == agreement.amount_eur
        paid = sum((t.paid_amount_eur or Decimal("0")) for t in agreement.tranches.all())
        assert paid <= agreement.amount_eur


def test_grantee_reports_staff_approve_last_tranche_completes_and_it_is_published(demo, client):
    """The issue's "Done when", on the demo data, through the services and the public file."""
    agreement = agreement_of("Ohrid Public Money Observatory")
    assert agreement.status == "active" and agreement.amendments.filter(kind="no_cost_extension").exists()
    final = agreement.reporting_requirements.get(kind="final")
    grantee = agreement.organisation.memberships.get(user__email__iexact="applicant@demo.iwportal.org").user
    staff = staff_user()
    with time_machine.travel(TODAY, tick=False):
        spending = {line.pk: (line.total_eur, "") for line in agreement.budget_lines.all()}
        narrative = {"activities": "All done.", "results": "Dataset and brief published."}
        save_report(final.pk, user=grantee, narrative=narrative, spending=spending, submit=True)
        approve_report(final.pk, user=staff, comment="Approved.")
        last = agreement.tranches.get(number=2)
        record_payment(last.pk, user=staff, paid_on=timezone.localdate(), amount_eur=last.amount_eur)
    agreement.refresh_from_db()
    assert agreement.status == "completed"

    response = client.get(reverse("grants:awarded_json"))
    package = response.json()
    assert not _errors(package)
    grant = next(g for g in package["grants"] if agreement.reference in g["id"])
    assert Decimal(str(grant["amountAwarded"])) == agreement.amount_eur


def test_running_twice_changes_nothing(demo):
    again = ensure_agreements_demo()
    assert again["agreements_created"] == 0
    assert again["agreements"] == demo["agreements"]


def test_the_activity_log_carries_the_dates_of_the_events_not_the_load_time(demo):
    """Each logged step is dated when it happened in the story (signed 29 September 2025, ...), not when
    ``load_demo`` ran (frozen here at ``TODAY``)."""
    from grants.models import ActivityLog, Amendment
    from portal.demo.agreements import AMENDED_AT, DRAFTED_AT, SENT_AT, SIGNED_AT

    agreement = agreement_of("Association for Democratic Initiatives")
    log = {
        entry.action: entry.created_at
        for entry in ActivityLog.objects.filter(application=agreement.application).order_by("created_at", "pk")
        if entry.action != "tranche_paid"
    }
    assert log["agreement_created"] == DRAFTED_AT
    assert log["agreement_sent"] == SENT_AT
    assert log["agreement_signed"] == SIGNED_AT
    assert log["agreement_activated"].date() == datetime.date(2025, 10, 1)
    assert log["agreement_completed"] == agreement.completed_at
    paid = ActivityLog.objects.filter(application=agreement.application, action="tranche_paid").order_by("pk")
    assert paid[0].created_at.date() == datetime.date(2025, 10, 10)
    assert agreement.created_at == DRAFTED_AT
    assert Amendment.objects.get(agreement=agreement_of("Ohrid Public Money Observatory")).made_at == AMENDED_AT
    # Nothing the evaluation and agreements demo logged carries the load time.
    assert not ActivityLog.objects.filter(created_at=TODAY).exists(), list(
        ActivityLog.objects.filter(created_at=TODAY).values_list("application__reference", "action")
    )


def test_completed_demo_grants_show_their_results_on_the_public_page(demo, client):
    html = client.get(reverse("grants:awarded")).content.decode()
    assert html.count("<summary>Results</summary>") == GrantAgreement.objects.filter(status="completed").count()
    assert "The planned results were reached" in html
    assert "The dataset is half complete" not in html  # an interim report's results are never published
