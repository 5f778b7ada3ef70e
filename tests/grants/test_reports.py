"""Grantee reports (issue 5, item 3): drafts that keep what was typed, spending figures checked per line, atomic
and replay-safe submission, staff approval and requests for changes with history, files checked by content, the
financial summary, and completion of the grant after the final report is approved and every tranche paid."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction

from grants.formatting import format_date
from grants.models import ActivityLog, AgreementStatus, Report, ReportFile, ReportReview, ReportStatus
from grants.services import reporting
from grants.services.errors import ApplicationPermissionError
from portal.notifications.models import OutboxMessage
from tests.community.factories import member_of
from tests.grants.agreement_factories import agreement_with_member, make_agreement
from tests.grants.files_samples import SVG, pdf_bytes, png_bytes, upload, use_private_storage
from tests.portal.factories_accounts import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
NARRATIVE = {"activities": "Two workshops in Kumanovo.", "results": "Scorecard published for both municipalities."}


@pytest.fixture
def staff():
    return StaffFactory()


@pytest.fixture
def setup():
    """A signed agreement (1 Jan–30 Jun 2026, lines 4,000 + 2,000 EUR), its final requirement and a member."""
    agreement, member = agreement_with_member()
    [final] = reporting.create_schedule(agreement)
    coordinator, debate = agreement.budget_lines.order_by("sort_order")
    return agreement, final, member, coordinator, debate


@pytest.fixture
def storage(tmp_path, settings, monkeypatch):
    storage = use_private_storage(tmp_path, settings, monkeypatch)
    monkeypatch.setattr(ReportFile._meta.get_field("file"), "storage", storage)
    return storage


def complete(final, member, coordinator, debate, **kwargs):
    spending = {coordinator.pk: ("4100.00", "Extra month"), debate.pk: ("1500", "")}
    return reporting.save_report(final.pk, user=member, narrative=NARRATIVE, spending=spending, **kwargs)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1234.5", "1234.50"),
        ("1 234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("0", "0.00"),
        (Decimal("12"), "12.00"),
        (7, "7.00"),
        ("1,234", "1234.00"),
    ],
)
def test_amounts_as_people_type_them(typed, amount):
    assert reporting.parse_amount(typed) == Decimal(amount)


@pytest.mark.parametrize("typed", ["abc", "12.345", "1e400", "NaN", "Infinity", "12 EUR", ""])
def test_non_amounts_are_refused(typed):
    with pytest.raises(ValueError):
        reporting.parse_amount(typed)


def test_draft_saves_narrative_and_figures(setup):
    agreement, final, member, coordinator, debate = setup
    report = complete(final, member, coordinator, debate)
    assert report.activities == NARRATIVE["activities"] and report.version == 0
    assert {s.budget_line_id: s.actual_eur for s in report.spending.all()} == {
        coordinator.pk: Decimal("4100.00"),
        debate.pk: Decimal("1500.00"),
    }
    final.refresh_from_db()
    assert final.status == ReportStatus.PENDING and not report.history.exists()


@pytest.mark.parametrize(("bad", "words"), [("-50", "cannot be negative"), ("fifty", "is not an amount")])
def test_negative_or_non_numeric_spending_is_refused_per_line_and_the_rest_kept(setup, bad, words):
    agreement, final, member, coordinator, debate = setup
    with pytest.raises(reporting.SpendingError) as refused:
        reporting.save_report(
            final.pk,
            user=member,
            narrative=NARRATIVE,
            spending={coordinator.pk: (bad, ""), debate.pk: ("1500", "Hall rent")},
            submit=True,
        )
    message = refused.value.line_errors[coordinator.pk]
    assert "Project coordinator" in message and words in message
    assert list(refused.value.line_errors) == [coordinator.pk]
    report = Report.objects.get(requirement=final)
    assert report.activities == NARRATIVE["activities"]  # the narrative was saved
    assert report.spending.get().budget_line == debate  # the valid figure was saved, the bad one not
    final.refresh_from_db()
    assert final.status == ReportStatus.PENDING and not ReportReview.objects.exists()  # nothing submitted


def test_an_empty_figure_removes_the_saved_one(setup):
    agreement, final, member, coordinator, debate = setup
    complete(final, member, coordinator, debate)
    report = reporting.save_report(final.pk, user=member, narrative={}, spending={coordinator.pk: ("", "")})
    assert [s.budget_line_id for s in report.spending.all()] == [debate.pk]
    assert report.activities == NARRATIVE["activities"]  # missing narrative keys keep the saved text


def test_lines_of_another_agreement_are_ignored(setup):
    agreement, final, member, coordinator, debate = setup
    other_line = make_agreement().budget_lines.first()
    report = reporting.save_report(final.pk, user=member, narrative={}, spending={other_line.pk: ("10", "")})
    assert not report.spending.exists()


def test_database_refuses_negative_spending(setup):
    agreement, final, member, coordinator, debate = setup
    report = complete(final, member, coordinator, debate)
    with pytest.raises(IntegrityError), transaction.atomic():
        report.spending.filter(budget_line=coordinator).update(actual_eur=Decimal("-1"))


def test_only_members_of_the_grantee_write_the_report(setup, staff):
    agreement, final, member, coordinator, debate = setup
    other_grantee, other_member = agreement_with_member()
    for user in (staff, other_member, UserFactory()):
        with pytest.raises(ApplicationPermissionError):
            reporting.save_report(final.pk, user=user, narrative=NARRATIVE, spending={})
    assert not Report.objects.filter(requirement=final).exists()


def test_submission_is_atomic_and_a_replay_submits_once(setup, staff):
    agreement, final, member, coordinator, debate = setup
    report = complete(final, member, coordinator, debate, submit=True)
    again = reporting.submit_report(final.pk, user=member)
    complete_again = None
    with pytest.raises(reporting.ReportError):  # a replayed draft save after submission is refused, nothing changes
        complete_again = complete(final, member, coordinator, debate, submit=True)
    assert complete_again is None
    final.refresh_from_db()
    assert final.status == ReportStatus.SUBMITTED
    assert again.pk == report.pk and again.version == 1
    [row] = ReportReview.objects.filter(report=report)
    assert (row.outcome, row.version, row.by) == ("submitted", 1, member)
    assert row.snapshot["activities"] == NARRATIVE["activities"] and row.snapshot["version"] == 1
    assert {line["actual_eur"] for line in row.snapshot["spending"]} == {"4100.00", "1500.00"}
    assert ActivityLog.objects.filter(application=agreement.application, action="report_submitted").count() == 1
    [mail] = OutboxMessage.objects.filter(template="report_submitted")
    assert mail.recipient == settings.PORTAL_CONTACT_EMAIL
    assert agreement.reference in mail.subject and "version 1" in mail.subject


def test_the_database_allows_one_submission_per_version(setup):
    agreement, final, member, coordinator, debate = setup
    report = complete(final, member, coordinator, debate, submit=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportReview.objects.create(report=report, outcome="submitted", version=1, at=report.submitted_at)


def test_an_incomplete_report_is_not_submitted(setup):
    agreement, final, member, coordinator, debate = setup
    with pytest.raises(reporting.ReportError) as refused:
        reporting.save_report(
            final.pk, user=member, narrative={"activities": "Done."}, spending={coordinator.pk: ("10", "")}, submit=True
        )
    messages = " ".join(refused.value.messages)
    assert "Results against the planned results" in messages and "Public debate" in messages
    final.refresh_from_db()
    assert final.status == ReportStatus.PENDING
    assert final.report.activities == "Done."  # the draft is kept (the save and the refused submission are one step)
    assert not ReportReview.objects.exists()


def test_approve_request_changes_resubmit_keeps_the_history(setup, staff):
    agreement, final, member, coordinator, debate = setup
    complete(final, member, coordinator, debate, submit=True)
    with pytest.raises(reporting.ReportError) as no_comment:
        reporting.request_changes(final.pk, user=staff, comment=" ")
    assert no_comment.value.code == "comment_required"
    reporting.request_changes(final.pk, user=staff, comment="Add the list of participants.")
    assert reporting.request_changes(final.pk, user=staff, comment="Again") is None  # replay: nothing more
    final.refresh_from_db()
    assert final.status == ReportStatus.CHANGES_REQUESTED
    [mail] = OutboxMessage.objects.filter(template="report_reviewed")
    assert mail.recipient == member.email and "Add the list of participants." in mail.body_text

    reporting.save_report(final.pk, user=member, narrative={"results": "Scorecard and list."}, spending={}, submit=True)
    reporting.approve_report(final.pk, user=staff, comment="Thank you.")
    assert reporting.approve_report(final.pk, user=staff) is None  # replay
    final.refresh_from_db()
    assert final.status == ReportStatus.APPROVED and final.report.version == 2
    history = list(final.report.history.values_list("outcome", "version"))
    assert history == [("submitted", 1), ("changes_requested", 1), ("submitted", 2), ("approved", 2)]
    snapshots = [row.snapshot.get("results") for row in final.report.history.filter(outcome="submitted")]
    assert snapshots == [NARRATIVE["results"], "Scorecard and list."]  # each version as it was submitted
    actions = list(
        ActivityLog.objects.filter(application=agreement.application, action__startswith="report_")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "report_added",
        "report_submitted",
        "report_changes_requested",
        "report_submitted",
        "report_approved",
    ]
    assert OutboxMessage.objects.filter(template="report_reviewed").count() == 2
    with pytest.raises(reporting.ReportError):  # approved: the grantee can no longer change it
        reporting.save_report(final.pk, user=member, narrative={"results": "Later"}, spending={})


def test_only_staff_review_and_only_submitted_reports(setup, staff):
    agreement, final, member, coordinator, debate = setup
    with pytest.raises(reporting.ReportError) as not_submitted:
        reporting.approve_report(final.pk, user=staff)
    assert not_submitted.value.code == "status"
    complete(final, member, coordinator, debate, submit=True)
    with pytest.raises(ApplicationPermissionError):
        reporting.approve_report(final.pk, user=member)
    final.refresh_from_db()
    assert final.status == ReportStatus.SUBMITTED


def test_approval_of_the_final_report_completes_a_fully_paid_grant(setup, staff):
    agreement, final, member, coordinator, debate = setup
    agreement.tranches.update(paid_on=datetime.date(2026, 7, 1), paid_amount_eur=Decimal("1"))
    complete(final, member, coordinator, debate, submit=True)
    reporting.approve_report(final.pk, user=staff)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.COMPLETED
    assert ActivityLog.objects.filter(application=agreement.application, action="agreement_completed").count() == 1


def test_financial_summary_per_line_and_overall(setup):
    agreement, final, member, coordinator, debate = setup
    report = complete(final, member, coordinator, debate)
    summary = reporting.financial_summary(report)
    first, second = summary["lines"]
    assert (first["awarded_eur"], first["actual_eur"], first["variance_eur"]) == (
        Decimal("4000.00"),
        Decimal("4100.00"),
        Decimal("100.00"),
    )
    assert first["variance_percent"] == Decimal("2.5") and first["note"] == "Extra month"
    assert second["variance_eur"] == Decimal("-500.00") and second["variance_percent"] == Decimal("-25.0")
    assert (summary["awarded_eur"], summary["actual_eur"], summary["variance_eur"]) == (
        Decimal("6000.00"),
        Decimal("5600.00"),
        Decimal("-400.00"),
    )
    assert summary["variance_percent"] == Decimal("-6.7") and summary["complete"] is True
    empty = reporting.financial_summary(None, agreement)
    assert empty["actual_eur"] == Decimal("0.00") and empty["complete"] is False
    assert all(row["actual_eur"] is None for row in empty["lines"])


def test_files_are_checked_by_content_and_a_refused_file_keeps_the_draft(setup, storage):
    agreement, final, member, coordinator, debate = setup
    report = complete(final, member, coordinator, debate)
    photo = reporting.add_report_file(
        report.pk, user=member, uploaded_file=upload("Работилница.png", png_bytes()), kind="photo", caption="Workshop"
    )
    assert photo.content_type == "image/png" and photo.original_name == "Работилница.png"
    assert storage.exists(photo.file.name) and photo.file.name.startswith(f"reports/{report.pk}/")
    with pytest.raises(reporting.ReportError):
        reporting.add_report_file(report.pk, user=member, uploaded_file=upload("scan.pdf", pdf_bytes()), kind="photo")
    with pytest.raises(Exception):  # noqa: B017, PT011 - ValidationError from inspect_upload
        reporting.add_report_file(report.pk, user=member, uploaded_file=upload("x.svg", SVG), kind="supporting")
    supporting = reporting.add_report_file(
        report.pk, user=member, uploaded_file=upload("invoice.pdf", pdf_bytes()), kind="supporting"
    )
    assert list(report.files.values_list("pk", flat=True)) == [photo.pk, supporting.pk]
    report.refresh_from_db()
    assert report.activities == NARRATIVE["activities"] and report.spending.count() == 2
    with pytest.raises(ApplicationPermissionError):
        reporting.add_report_file(
            report.pk,
            user=member_of(make_agreement().organisation),
            uploaded_file=upload("a.pdf", pdf_bytes()),
            kind="supporting",
        )
    reporting.remove_report_file(supporting.pk, user=member)
    assert list(report.files.values_list("pk", flat=True)) == [photo.pk]


def test_request_changes_gives_the_grantee_a_new_due_date(setup, staff):
    """A report submitted on time and sent back long after its due date is not overdue at once: the due date moves
    to ``respond_by`` (default 14 days after today in the call's zone), the first due date is kept, the log says so."""
    agreement, final, member, coordinator, debate = setup
    complete(final, member, coordinator, debate, submit=True)
    first_due = final.due_at
    now = datetime.datetime(2027, 3, 31, 22, 30, tzinfo=datetime.UTC)  # 1 April 00:30 in Skopje
    reporting.request_changes(final.pk, user=staff, comment="Add the receipts.", now=now)
    final.refresh_from_db()
    skopje = final.due_at.astimezone(reporting.call_zone(agreement))
    assert (skopje.date(), skopje.time()) == (datetime.date(2027, 4, 15), datetime.time(23, 59, 59))
    assert final.original_due_at == first_due
    log = ActivityLog.objects.get(application=agreement.application, action="report_changes_requested")
    assert "Add the receipts." in log.comment
    first_day = format_date(first_due.astimezone(skopje.tzinfo).date())
    assert f"Due date moved from {first_day} to 15 April 2027." in log.comment
    mail = OutboxMessage.objects.get(template="report_reviewed")
    assert "Add the receipts." in mail.body_text


def test_request_changes_never_brings_the_due_date_forward_and_refuses_a_past_date(setup, staff):
    agreement, final, member, coordinator, debate = setup
    complete(final, member, coordinator, debate, submit=True)
    due = final.due_at
    early = due - datetime.timedelta(days=40)
    with pytest.raises(reporting.ReportError) as past:
        reporting.request_changes(
            final.pk, user=staff, comment="Fix it.", respond_by=datetime.date(2026, 1, 1), now=early
        )
    assert past.value.code == "respond_by"
    final.refresh_from_db()
    assert final.status == ReportStatus.SUBMITTED and final.due_at == due  # nothing written
    # Asked 40 days before the due date with the default (14 days): the due date stays.
    assert (
        reporting.changes_default_respond_by(final, now=early) == due.astimezone(reporting.call_zone(agreement)).date()
    )
    reporting.request_changes(final.pk, user=staff, comment="Fix it.", now=early)
    final.refresh_from_db()
    assert final.due_at == due and final.status == ReportStatus.CHANGES_REQUESTED
    log = ActivityLog.objects.get(application=agreement.application, action="report_changes_requested")
    assert "Due date moved" not in log.comment
