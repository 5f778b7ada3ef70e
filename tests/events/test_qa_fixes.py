"""Faults found by the browser walk of issue 7, each with the input that showed it.

- An organiser confirming a waitlisted person on a full event: the button says it goes beyond the capacity, and the
  mail says the organisers confirmed the registration (it used to say "a seat has become free", which was untrue).
- "Move to the waitlist" was offered on every confirmed row, and refused whenever nobody was waiting.
- A past event still offered "Go to registration", the registration box and "add to calendar".
- The agenda note named the raw tz-database zone ("Europe/Belgrade") for a Kosovo event whose times say "Kosovo".
- Two registrations at the same moment on SQLite (the zero-setup default) failed with "database is locked".
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from events.models import AgendaItem
from events.services import registrations as services
from portal.countries import PROGRAMME_COUNTRIES
from portal.models import Country
from portal.notifications.models import OutboxMessage
from tests.events.factories import event_page
from tests.events.outcome_world import sub_url
from tests.portal.factories_accounts import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_event(events_index):
    """A one-seat event: ``first`` holds the seat, ``second`` waits."""
    event = event_page(events_index, capacity=1)
    first, second = UserFactory(), UserFactory()
    services.register(first, event)
    waiting = services.register(second, event)
    return {"event": event, "first": first, "second": second, "waiting": waiting}


def test_confirm_on_a_full_event_says_it_goes_beyond_the_capacity(client, full_event):
    client.force_login(StaffFactory(totp=True))
    html = client.get(sub_url(full_event["event"], "organiser_registrations")).content.decode()
    assert "Confirm beyond capacity" in html


def test_confirm_with_free_seats_is_plain_confirm(client, events_index):
    event = event_page(events_index, capacity=5)
    registration = services.register(UserFactory(), event)
    services.cancel(registration, by=registration.user)
    client.force_login(StaffFactory(totp=True))
    html = client.get(sub_url(event, "organiser_registrations")).content.decode()
    assert '">Confirm<span class="visually-hidden">' in html
    assert "Confirm beyond capacity" not in html


def test_an_organisers_confirmation_mail_says_who_confirmed(full_event):
    OutboxMessage.objects.all().delete()
    services.confirm(full_event["waiting"], by=StaffFactory())
    message = OutboxMessage.objects.get(recipient=full_event["second"].email)
    assert "have confirmed your registration" in message.body_text
    assert "a seat has become free" not in message.body_text
    assert message.subject.endswith(full_event["event"].title)
    assert message.attachments  # the .ics, as with every confirmation


def test_move_to_the_waitlist_is_offered_only_while_someone_waits(client, full_event):
    client.force_login(StaffFactory(totp=True))
    url = sub_url(full_event["event"], "organiser_registrations")
    assert "Move to the waitlist" in client.get(url).content.decode()
    services.cancel(full_event["waiting"], by=full_event["second"])
    assert "Move to the waitlist" not in client.get(url).content.decode()


def test_a_past_event_offers_no_registration_and_no_calendar_links(client, events_index):
    start = timezone.now() - timedelta(days=3)
    event = event_page(events_index, starts_at=start, ends_at=start + timedelta(hours=2))
    person = UserFactory()
    services.register(person, event, now=start - timedelta(days=1))
    client.force_login(person)
    html = client.get(event.url).content.decode()
    assert "This event has ended." in html
    assert "You were registered for this event." in html
    for gone in ("Go to registration", "Cancel my registration", "calendar.google.com", 'name="organisation"'):
        assert gone not in html, gone


def test_an_attendee_of_a_past_event_reads_that_they_attended(client, events_index):
    start = timezone.now() - timedelta(days=3)
    event = event_page(events_index, starts_at=start, ends_at=start + timedelta(hours=2))
    person = UserFactory()
    registration = services.register(person, event, now=start - timedelta(days=1))
    registration.attendance = "attended"
    registration.save(update_fields=["attendance"])
    client.force_login(person)
    assert "You attended this event." in client.get(event.url).content.decode()


def test_an_upcoming_event_still_has_its_registration_and_calendar_links(client, events_index):
    event = event_page(events_index)
    client.force_login(UserFactory())
    html = client.get(event.url).content.decode()
    assert "Go to registration" in html and "calendar.google.com" in html
    assert "This event has ended." not in html


def test_the_agenda_note_names_the_zone_as_the_times_do(client, events_index):
    code, name, _local, zone = next(row for row in PROGRAMME_COUNTRIES if row[0] == "XK")
    kosovo = Country.objects.get_or_create(code=code, defaults={"name": name, "timezone": zone})[0]
    event = event_page(events_index, country=kosovo, city="Prishtina", timezone="Europe/Belgrade")
    AgendaItem.objects.create(page=event, day=1, title="Welcome", sort_order=0)
    html = client.get(event.url).content.decode()
    assert "Times are local times of the event (Kosovo," in html
    assert "(Europe/Belgrade)" not in html


def test_sqlite_transactions_take_the_write_lock_at_begin():
    """On SQLite, BEGIN IMMEDIATE makes concurrent writers queue instead of failing with "database is locked";
    PostgreSQL keeps its own settings (it has row locks: see test_registration_concurrency)."""
    from portal.settings.base import queue_sqlite_writers

    sqlite = queue_sqlite_writers({"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"})
    assert sqlite["OPTIONS"] == {"transaction_mode": "IMMEDIATE", "timeout": 20}
    postgres = {"ENGINE": "django.db.backends.postgresql", "NAME": "iw", "OPTIONS": {}}
    assert queue_sqlite_writers(dict(postgres)) == postgres
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
