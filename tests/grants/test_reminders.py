"""Report reminders (issue 5, item 5) with frozen time: 14 days before the due date, on the due day and weekly when
overdue, each once per occasion and recipient even when the task runs twice a day; days counted in the call's
zone, across the daylight-saving changes of Europe/Skopje; mails in each member's language."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from grants.models import AgreementStatus, ReportingRequirement, ReportKind, ReportStatus
from grants.services import reporting
from grants.services.report_common import end_of_day
from grants.tasks import reminder_occasion, send_report_reminders
from portal.notifications.models import OutboxMessage
from tests.community.factories import member_of
from tests.grants.agreement_factories import agreement_with_member
from tests.portal.factories_accounts import StaffFactory

pytestmark = pytest.mark.django_db
SKOPJE = ZoneInfo("Europe/Skopje")
DUE = datetime.date(2026, 7, 30)


def at(day: datetime.date, hour: int = 6) -> datetime.datetime:
    """``hour``:00 Skopje time on ``day``."""
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=SKOPJE)


def run_on(day: datetime.date, hour: int = 6) -> int:
    with time_machine.travel(at(day, hour), tick=False):
        return send_report_reminders()


def mails() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(template="report_reminder").order_by("pk"))


@pytest.fixture
def owed():
    """A signed agreement ending 30 June 2026 with its final report due 30 July 2026 and two members."""
    agreement, member = agreement_with_member()
    second = member_of(agreement.organisation, preferred_language="mk")
    [final] = reporting.create_schedule(agreement)
    return final, member, second


@pytest.mark.parametrize(
    ("days_before", "occasion"),
    [
        (15, None),
        (14, "before-14"),
        (1, "before-14"),
        (0, "due"),
        (-6, "due"),
        (-7, "overdue-1"),
        (-13, "overdue-1"),
        (-14, "overdue-2"),
        (-70, "overdue-10"),
    ],
)
def test_occasions(days_before, occasion):
    assert reminder_occasion(DUE, DUE - datetime.timedelta(days=days_before)) == occasion


def test_reminders_across_days_once_per_occasion_and_recipient(owed):
    final, member, second = owed
    assert run_on(DUE - datetime.timedelta(days=15)) == 0
    assert run_on(DUE - datetime.timedelta(days=14)) == 2  # one per member
    assert run_on(DUE - datetime.timedelta(days=14), hour=18) == 0  # the task ran twice the same day
    assert run_on(DUE - datetime.timedelta(days=13)) == 0
    assert run_on(DUE) == 2
    assert run_on(DUE, hour=23) == 0
    for later in range(1, 7):
        assert run_on(DUE + datetime.timedelta(days=later)) == 0
    assert run_on(DUE + datetime.timedelta(days=7)) == 2
    assert run_on(DUE + datetime.timedelta(days=7)) == 0
    assert run_on(DUE + datetime.timedelta(days=14)) == 2
    keys = [m.dedupe_key for m in mails() if m.recipient == member.email]
    assert keys == [f"report-reminder:{final.pk}:{o}" for o in ("before-14", "due", "overdue-1", "overdue-2")]
    assert sorted({m.recipient for m in mails()}) == sorted([member.email, second.email])


def test_reminder_mail_in_the_recipients_language_with_the_link(owed):
    final, member, second = owed
    run_on(DUE - datetime.timedelta(days=14))
    english = next(m for m in mails() if m.recipient == member.email)
    macedonian = next(m for m in mails() if m.recipient == second.email)
    assert english.language == "en" and "due in 14 days" in english.subject
    assert final.agreement.reference in english.subject
    assert f"/grants/reports/{final.pk}/" in english.body_text and "30 July 2026" in english.body_text
    assert macedonian.language == "mk" and macedonian.subject != english.subject
    assert "due in" not in macedonian.subject


def test_overdue_mail_says_so(owed):
    run_on(DUE + datetime.timedelta(days=7))
    assert all("overdue" in m.subject and "7 days overdue" in m.body_text for m in mails() if m.language == "en")


def test_a_missed_day_is_caught_up_once(owed):
    assert run_on(DUE - datetime.timedelta(days=12)) == 2  # the 14-days run did not happen: sent now
    assert run_on(DUE - datetime.timedelta(days=11)) == 0


@pytest.mark.parametrize("status", [ReportStatus.SUBMITTED, ReportStatus.APPROVED])
def test_no_reminder_for_submitted_or_approved_reports(owed, status):
    final, *_ = owed
    ReportingRequirement.objects.filter(pk=final.pk).update(status=status)
    assert run_on(DUE) == 0


def test_reports_sent_back_for_changes_are_reminded(owed):
    final, *_ = owed
    ReportingRequirement.objects.filter(pk=final.pk).update(status=ReportStatus.CHANGES_REQUESTED)
    assert run_on(DUE) == 2


@pytest.mark.parametrize("status", [AgreementStatus.TERMINATED, AgreementStatus.COMPLETED])
def test_no_reminder_once_the_agreement_is_closed(owed, status):
    final, *_ = owed
    type(final.agreement).objects.filter(pk=final.agreement_id).update(status=status)
    assert run_on(DUE) == 0


def test_an_extension_gets_reminders_for_the_new_date(owed):
    final, member, _second = owed
    assert run_on(DUE) == 2
    reporting.extend_due_date(final.pk, user=StaffFactory(), new_due_at=datetime.date(2026, 8, 20), reason="Floods.")
    assert run_on(DUE + datetime.timedelta(days=7)) == 2  # 14 days before the new date
    assert run_on(datetime.date(2026, 8, 20)) == 2
    assert run_on(datetime.date(2026, 8, 20), hour=20) == 0


def test_days_are_counted_in_the_calls_zone_across_the_spring_dst_change():
    """Due Sunday 29 March 2026 (clocks go forward at 02:00 in Skopje): at 00:30 local time it is still 28 March
    in UTC, but the due day has come in the call's zone."""
    agreement, member = agreement_with_member(start=datetime.date(2025, 10, 1), end=datetime.date(2026, 2, 27))
    due = end_of_day(datetime.date(2026, 3, 29), SKOPJE)
    ReportingRequirement.objects.create(agreement=agreement, kind=ReportKind.FINAL, due_at=due, original_due_at=due)
    assert due == datetime.datetime(2026, 3, 29, 21, 59, 59, tzinfo=datetime.UTC)  # CEST after the change
    with time_machine.travel(datetime.datetime(2026, 3, 14, 23, 30, tzinfo=datetime.UTC), tick=False):
        assert send_report_reminders() == 1  # 00:30 on 15 March in Skopje: 14 days before
    with time_machine.travel(datetime.datetime(2026, 3, 28, 23, 30, tzinfo=datetime.UTC), tick=False):
        assert send_report_reminders() == 1  # 00:30 CET on the due day
        assert send_report_reminders() == 0
    [_before, on_the_day] = mails()
    assert on_the_day.dedupe_key.endswith(":due") and "due today" in on_the_day.subject


def test_weekly_overdue_count_across_the_autumn_dst_change():
    """Due Tuesday 20 October 2026; clocks go back on 25 October. One week overdue is 27 October in Skopje, which
    begins at 23:00 UTC on the 26th."""
    agreement, member = agreement_with_member(start=datetime.date(2026, 3, 1), end=datetime.date(2026, 8, 31))
    due = end_of_day(datetime.date(2026, 10, 20), SKOPJE)
    ReportingRequirement.objects.create(agreement=agreement, kind=ReportKind.FINAL, due_at=due, original_due_at=due)
    with time_machine.travel(datetime.datetime(2026, 10, 26, 22, 30, tzinfo=datetime.UTC), tick=False):
        send_report_reminders()  # 23:30 on the 26th in Skopje: the "due" reminder (caught up), not overdue yet
    with time_machine.travel(datetime.datetime(2026, 10, 26, 23, 30, tzinfo=datetime.UTC), tick=False):
        send_report_reminders()  # 00:30 on the 27th
    assert [m.dedupe_key.rsplit(":", 1)[1] for m in mails()] == ["due", "overdue-1"]


def test_reminders_are_scheduled_daily_by_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["grants-report-reminders"]
    assert entry["task"] == "grants.tasks.send_report_reminders"
    assert entry["schedule"].hour == {6} and entry["schedule"].minute == {0}


def test_a_request_for_changes_after_the_due_date_restarts_the_reminders_on_the_new_date(owed):
    """Submitted on time, sent back for changes ten days after the due date: no overdue mail, the reminders follow
    the new due date (14 days later), keyed to it."""
    final, member, _second = owed
    agreement = final.agreement
    lines = {line.pk: ("100.00", "") for line in agreement.budget_lines.all()}
    narrative = {"activities": "Workshops.", "results": "Scorecard."}
    with time_machine.travel(at(DUE - datetime.timedelta(days=20)), tick=False):
        reporting.save_report(final.pk, user=member, narrative=narrative, spending=lines, submit=True)
    sent_back = DUE + datetime.timedelta(days=10)
    with time_machine.travel(at(sent_back), tick=False):
        reporting.request_changes(final.pk, user=StaffFactory(), comment="Add the receipts.")
    final.refresh_from_db()
    new_due = sent_back + datetime.timedelta(days=14)
    assert final.due_at == end_of_day(new_due, SKOPJE) and final.original_due_at == end_of_day(DUE, SKOPJE)
    assert run_on(sent_back) == 2  # "due in 14 days", not "10 days overdue"
    assert all("overdue" not in m.subject for m in mails())
    assert run_on(sent_back + datetime.timedelta(days=7)) == 0
    assert run_on(new_due) == 2
    assert run_on(new_due + datetime.timedelta(days=7)) == 2  # overdue only from the new date
    stamp = int(final.due_at.timestamp())
    keys = [m.dedupe_key for m in mails() if m.recipient == member.email]
    assert keys == [f"report-reminder:{final.pk}:{o}@{stamp}" for o in ("before-14", "due", "overdue-1")]
