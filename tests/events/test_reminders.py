"""Reminders 24 hours and 1 hour before each meeting (issue 7 item 5), with time-machine: once each even when the
task runs twice (or on two workers at once, on PostgreSQL); only to confirmed registrants; skipped, never sent late,
when their window has passed; one per meeting of a weekly series; the join link only for confirmed registrants of
online and hybrid events."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection

from events.models import EventFormat, RegistrationStatus, ReminderSent
from events.services import registrations as services
from events.services.reminders import send_due_reminders
from events.tasks import send_event_reminders
from portal.notifications.models import OutboxMessage
from tests.events.factories import RegistrationFactory, event_page
from tests.portal.factories_accounts import UserFactory

JOIN_URL = "https://meet.example.org/planted-reminder-token-41c7"
START = datetime(2030, 3, 12, 16, 0, tzinfo=UTC)  # 17:00 in Skopje (CET)


def _reminders(user=None):
    rows = OutboxMessage.objects.filter(template="event_reminder")
    return rows.filter(recipient=user.email) if user else rows


def _event(events_index, **fields):
    defaults = {
        "title": "Online DAG meeting",
        "event_format": EventFormat.ONLINE,
        "online_url": JOIN_URL,
        "starts_at": START,
        "ends_at": START + timedelta(hours=2),
        "timezone": "Europe/Skopje",
    }
    return event_page(events_index, **{**defaults, **fields})


def _registered(event, when=START - timedelta(days=3), **fields):
    return RegistrationFactory(event=event, queued_at=when, **fields)


@pytest.mark.django_db
def test_each_reminder_goes_once_even_when_the_task_runs_twice(events_index):
    event = _event(events_index)
    registration = _registered(event)
    user = registration.user

    with time_machine.travel(START - timedelta(hours=23, minutes=58), tick=False):
        assert send_event_reminders() == 1
        assert send_event_reminders() == 0
    with time_machine.travel(START - timedelta(minutes=58), tick=False):
        send_event_reminders()
        send_event_reminders()

    mails = list(_reminders(user).order_by("pk"))
    assert [m.subject for m in mails] == [
        "[Integrity Watch] Tomorrow: Online DAG meeting",
        "[Integrity Watch] In one hour: Online DAG meeting",
    ]
    assert "12 March 2030, 17:00 (Europe/Skopje, CET)" in mails[0].body_text
    assert "12 March 2030, 17:00–19:00 (Europe/Skopje, CET)" in mails[1].body_text
    for mail in mails:
        assert JOIN_URL in mail.body_text and JOIN_URL in mail.body_html
    assert set(ReminderSent.objects.values_list("kind", flat=True)) == {"24h", "1h"}


@pytest.mark.django_db
def test_nothing_before_the_reminders_moment(events_index):
    _registered(_event(events_index))
    with time_machine.travel(START - timedelta(hours=24, minutes=5), tick=False):
        assert send_due_reminders() == 0
    assert not _reminders().exists()


@pytest.mark.django_db
def test_waitlisted_and_cancelled_people_get_no_reminder(events_index):
    event = _event(events_index)
    confirmed = _registered(event)
    waitlisted = _registered(event, status=RegistrationStatus.WAITLISTED)
    cancelled = _registered(event, status=RegistrationStatus.CANCELLED)

    with time_machine.travel(START - timedelta(hours=23, minutes=58), tick=False):
        send_due_reminders()

    assert _reminders(confirmed.user).count() == 1
    assert not _reminders(waitlisted.user).exists()
    assert not _reminders(cancelled.user).exists()


@pytest.mark.django_db
def test_a_reminder_whose_window_has_passed_is_skipped_not_sent_late(events_index):
    event = _event(events_index)
    late_comer = UserFactory()
    with time_machine.travel(START - timedelta(hours=3), tick=False):
        services.register(late_comer, event)
        assert send_due_reminders() == 0  # the 24h reminder's moment is long gone
    with time_machine.travel(START - timedelta(minutes=55), tick=False):
        assert send_due_reminders() == 1
    assert list(_reminders(late_comer).values_list("subject", flat=True)) == [
        "[Integrity Watch] In one hour: Online DAG meeting"
    ]


@pytest.mark.django_db
def test_after_an_outage_the_stale_reminder_is_skipped(events_index):
    registration = _registered(_event(events_index))
    with time_machine.travel(START - timedelta(hours=12), tick=False):  # workers were down for 12 hours
        assert send_due_reminders() == 0
    with time_machine.travel(START - timedelta(minutes=20), tick=False):  # and again past the 1h window
        assert send_due_reminders() == 0
    assert not _reminders(registration.user).exists()


@pytest.mark.django_db
def test_in_person_event_reminder_has_no_join_link(events_index):
    registration = _registered(_event(events_index, event_format=EventFormat.IN_PERSON, venue="Hotel Continental"))
    with time_machine.travel(START - timedelta(minutes=58), tick=False):
        send_due_reminders()
    mail = _reminders(registration.user).get()
    assert "planted-reminder-token" not in mail.body_text and "planted-reminder-token" not in mail.body_html
    assert "Hotel Continental" in mail.body_text


@pytest.mark.django_db
def test_each_meeting_of_a_weekly_series_has_its_reminders_at_local_time(events_index):
    # Tuesdays 10:00 in Sarajevo across the March clock change (31 March 2030): 09:00 UTC, then 08:00 UTC.
    event = _event(
        events_index,
        starts_at=datetime(2030, 3, 26, 9, 0, tzinfo=UTC),
        ends_at=datetime(2030, 3, 26, 10, 0, tzinfo=UTC),
        timezone="Europe/Sarajevo",
        recurrence="weekly",
        occurrence_count=2,
    )
    registration = _registered(event, when=datetime(2030, 3, 1, tzinfo=UTC))

    with time_machine.travel(datetime(2030, 3, 26, 8, 2, tzinfo=UTC), tick=False):
        assert send_due_reminders() == 1
    with time_machine.travel(datetime(2030, 4, 2, 7, 2, tzinfo=UTC), tick=False):  # 09:02 CEST, second meeting
        assert send_due_reminders() == 1

    starts = sorted(ReminderSent.objects.filter(registration=registration).values_list("starts_at", flat=True))
    assert starts == [datetime(2030, 3, 26, 9, 0, tzinfo=UTC), datetime(2030, 4, 2, 8, 0, tzinfo=UTC)]
    second = _reminders(registration.user).latest("pk")
    assert "2 April 2030, 10:00 (Europe/Sarajevo, CEST)" in second.body_text


def test_beat_runs_the_reminders_every_five_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["events-reminders"]
    assert entry["task"] == "events.tasks.send_event_reminders"
    assert entry["schedule"] == 300.0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_reminder_once(events_index):
    """Two workers run the task at the same moment. Without the unique ``ReminderSent`` row written in the same
    transaction as the mail, both would find the reminder unsent and both would mail it; with it, the second insert
    waits for the first transaction and then fails on the constraint, so the second worker sends nothing."""
    event = _event(events_index)
    registrations = [_registered(event) for _ in range(5)]
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(send_event_reminders())
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    with time_machine.travel(START - timedelta(hours=23, minutes=58), tick=False):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)

    assert not errors, errors
    assert sum(results) == 5
    for registration in registrations:
        assert _reminders(registration.user).count() == 1
