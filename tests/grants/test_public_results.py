"""Results of completed grants on the public "Grants awarded" page (issue 5, item 6; QA walk): the approved final
report's "results against the planned results", shortened, escaped, without email addresses or phone numbers, for
completed grants only. Tokens planted in drafts, in versions waiting for review or sent back, in interim reports and
in grants not completed never reach the page."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from grants.models import AgreementStatus, Report, ReportKind
from grants.public_results import REDACTED, SUMMARY_LENGTH, approved_final_results, public_summary
from grants.services import reporting
from grants.services.payments import record_payment
from tests.grants.agreement_factories import agreement_with_member
from tests.portal.factories_accounts import StaffFactory

pytestmark = pytest.mark.django_db
PAGE_URL = "/grants/awarded/"


@pytest.fixture
def staff():
    return StaffFactory()


def _narrative(results: str) -> dict:
    return {
        "activities": "Two workshops and a public debate.",
        "results": results,
        "challenges": "None worth noting.",
        "next_steps": "Keep the dataset up to date.",
        "links": "",
    }


def _spending(agreement) -> dict:
    return {line.pk: (str(line.total_eur), "") for line in agreement.budget_lines.all()}


def _pay(agreement, number, staff):
    tranche = agreement.tranches.get(number=number)
    record_payment(tranche.pk, user=staff, paid_on=datetime.date(2026, 7, 1), amount_eur=tranche.amount_eur)


def grant_at(stage: str, staff, results: str = "An open dataset and a policy brief.", *, title="Budget watch"):
    """An agreement whose final report is at ``stage``: ``draft`` (saved, not submitted), ``submitted`` (waiting
    for review), ``changes`` (sent back), ``approved`` (approved, last tranche unpaid: not completed) or
    ``completed`` (approved and everything paid). Returns ``(agreement, final requirement, member)``."""
    agreement, member = agreement_with_member(title=title)
    requirements = reporting.create_schedule(agreement)
    final = next(r for r in requirements if r.kind == ReportKind.FINAL)
    _pay(agreement, 1, staff)
    reporting.save_report(
        final.pk, user=member, narrative=_narrative(results), spending=_spending(agreement), submit=stage != "draft"
    )
    if stage == "changes":
        reporting.request_changes(final.pk, user=staff, comment="Add the receipts.")
    if stage in ("approved", "completed"):
        reporting.approve_report(final.pk, user=staff)
    if stage == "completed":
        _pay(agreement, 2, staff)
    agreement.refresh_from_db()
    return agreement, final, member


def _page() -> str:
    response = Client().get(PAGE_URL)
    assert response.status_code == 200
    return response.content.decode()


def test_a_completed_grant_shows_its_approved_results_escaped(staff):
    agreement, _final, _member = grant_at(
        "completed", staff, "Scorecard of 12 municipalities <b>published</b> & presented on 3 June 2026."
    )
    assert agreement.status == AgreementStatus.COMPLETED
    html = _page()
    assert "<summary>Results</summary>" in html
    assert "Scorecard of 12 municipalities &lt;b&gt;published&lt;/b&gt; &amp; presented on 3 June 2026." in html
    assert "<b>published</b>" not in html


@pytest.mark.parametrize("stage", ["draft", "submitted", "changes", "approved"])
def test_results_of_a_grant_not_completed_or_a_report_not_approved_never_show(staff, stage):
    token = f"ZQ-UNAPPROVED-RESULTS-{stage.upper()}"
    agreement, _final, _member = grant_at(stage, staff, f"Results {token}")
    assert agreement.status != AgreementStatus.COMPLETED
    html = _page()
    assert token not in html and "<summary>Results</summary>" not in html
    assert approved_final_results([agreement.pk]) == {}


def test_only_the_approved_version_shows_not_an_earlier_one_sent_back(staff):
    token = "ZQ-SENT-BACK-VERSION-1"
    agreement, member = agreement_with_member()
    [final] = [r for r in reporting.create_schedule(agreement) if r.kind == ReportKind.FINAL]
    _pay(agreement, 1, staff)
    spending = _spending(agreement)
    reporting.save_report(final.pk, user=member, narrative=_narrative(f"First {token}"), spending=spending, submit=True)
    reporting.request_changes(final.pk, user=staff, comment="Say what was achieved.")
    reporting.save_report(
        final.pk, user=member, narrative=_narrative("Second: the dataset is online."), spending=spending, submit=True
    )
    reporting.approve_report(final.pk, user=staff)
    _pay(agreement, 2, staff)
    html = _page()
    assert "Second: the dataset is online." in html and token not in html


def test_the_text_shown_is_the_approved_snapshot_not_the_working_copy(staff):
    """Were the stored report changed after approval (by hand, a bug, a future edit), the page still shows what staff
    approved."""
    agreement, final, _member = grant_at("completed", staff, "Approved wording.")
    Report.objects.filter(requirement=final).update(results="ZQ-CHANGED-AFTER-APPROVAL")
    html = _page()
    assert "Approved wording." in html and "ZQ-CHANGED-AFTER-APPROVAL" not in html


def test_an_interim_report_never_feeds_the_page(staff):
    token = "ZQ-INTERIM-ONLY-RESULTS"
    agreement, member = agreement_with_member(end=datetime.date(2026, 12, 31))  # long enough for an interim report
    requirements = {r.kind: r for r in reporting.create_schedule(agreement)}
    assert ReportKind.INTERIM in requirements
    interim = requirements[ReportKind.INTERIM]
    reporting.save_report(
        interim.pk, user=member, narrative=_narrative(token), spending=_spending(agreement), submit=True
    )
    reporting.approve_report(interim.pk, user=staff)
    assert token not in _page()
    assert approved_final_results([agreement.pk]) == {}


def test_emails_and_phone_numbers_are_removed_and_long_text_is_shortened(staff):
    results = (
        "Write to ana.petrovska@example.org or call +389 70 123 456 for the data. "
        + "The 2026 scorecard covered 80 municipalities and EUR 6,000 was spent. " * 20
    )
    grant_at("completed", staff, results)
    html = _page()
    assert "ana.petrovska@example.org" not in html and "123 456" not in html
    assert f"Write to {REDACTED} or call {REDACTED} for the data." in html
    assert "The 2026 scorecard covered 80 municipalities" in html


def test_public_summary_rules():
    assert public_summary("  Two\n\nparagraphs\tof text. ") == "Two paragraphs of text."
    assert public_summary("mail: a.b+c@mail.example.mk, tel (02) 3100-200.") == f"mail: {REDACTED}, tel {REDACTED}."
    kept = "In 2026, 12 of 80 towns; EUR 6,000.00 and EUR 1 200 000; 30.11.2026; 2020-2026; (2026)."
    assert public_summary(kept) == kept
    assert public_summary("Call 070/123-456 or 00389 2 3100 200.") == f"Call {REDACTED} or {REDACTED}."
    long = ("word " * 400).strip()
    summary = public_summary(long)
    assert len(summary) <= SUMMARY_LENGTH and summary.endswith("word…")
    assert public_summary("") == "" and public_summary(None) == ""
    assert public_summary("nul\x00char") == "nulchar"


def _page_queries() -> int:
    client = Client()
    client.get(PAGE_URL)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE_URL).status_code == 200
    return len(queries)


def test_page_query_count_is_flat_with_completed_grants(staff):
    grant_at("completed", staff, title="First completed")
    grant_at("submitted", staff, title="Waiting")
    few = _page_queries()
    for n in range(3):
        grant_at("completed", staff, title=f"Completed {n}")
    assert _page_queries() == few
    assert _page().count("<summary>Results</summary>") == 4
