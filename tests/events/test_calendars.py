"""The .ics of one event (issue 7 item 4): RFC 5545 with time zone data, a weekly series that keeps its local time,
the join link only for people allowed to see it, the "add to Google / Outlook" links, and the .ics attached to the
confirmation mail."""

from datetime import datetime
from email import message_from_bytes
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from django.core import mail
from django.template import Context, Template
from django.test import RequestFactory
from icalendar import Calendar

from community.models import MemberRole
from events import calendars
from events.models import RegistrationStatus
from events.services.registrations import cancel, register
from portal.notifications.models import OutboxMessage
from portal.notifications.services import build_email
from tests.community.community_factories import community_member, dag
from tests.events.factories import RegistrationFactory, event_page
from tests.portal.factories_accounts import UserFactory
from tests.portal.html_checks import inline_code

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
BELGRADE = ZoneInfo("Europe/Belgrade")
JOIN = "https://meet.example.org/j/planted-7f3a9c"


def parse(content: bytes | str) -> Calendar:
    return Calendar.from_ical(content)


def unfolded(content: bytes | str) -> str:
    """The text of an .ics with RFC 5545 line folding undone (a long line is split every 75 octets), so a search
    for the join link cannot miss a folded copy."""
    text = content.decode() if isinstance(content, bytes) else content
    return text.replace("\r\n ", "").replace("\r\n\t", "")


def get_ics(client, event):
    return client.get(event.url + "ics/")


@pytest.fixture
def online_event(events_index):
    return event_page(
        events_index,
        title="Open data training",
        event_type="training",
        event_format="hybrid",
        online_url=JOIN,
        venue="Media Centre",
        city="Belgrade",
        starts_at=datetime(2030, 3, 12, 9, 30, tzinfo=BELGRADE),
        ends_at=datetime(2030, 3, 12, 12, 0, tzinfo=BELGRADE),
        timezone="Europe/Belgrade",
        summary="How to use the Integrity Watch platforms.",
    )


def test_event_ics_is_rfc5545_with_the_zone(client, online_event):
    response = get_ics(client, online_event)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{online_event.slug}.ics"'
    assert b"\r\n" in response.content  # RFC 5545 lines end in CRLF
    calendar = parse(response.content)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == calendars.PRODID
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Belgrade"]
    assert calendar.get_missing_tzids() == set()
    (event,) = calendar.events
    assert event["DTSTART"].params["TZID"] == "Europe/Belgrade"
    assert event["DTEND"].params["TZID"] == "Europe/Belgrade"
    assert event.start == datetime(2030, 3, 12, 9, 30, tzinfo=BELGRADE)
    assert event.end == datetime(2030, 3, 12, 12, 0, tzinfo=BELGRADE)
    assert str(event["UID"]) == f"event-{online_event.translation_key}@{calendars._host()}"
    assert event.DTSTAMP.tzinfo is not None
    assert event["SUMMARY"] == "Open data training"
    assert event["LOCATION"] == "Media Centre, Belgrade and online"
    assert event["URL"] == online_event.full_url
    assert event["DESCRIPTION"].startswith("How to use the Integrity Watch platforms.")
    assert event["STATUS"] == "CONFIRMED"
    assert event["CLASS"] == "PUBLIC"
    assert "RRULE" not in event
    assert JOIN not in unfolded(response.content)  # anonymous: never the join link
    assert "no-store" not in response.get("Cache-Control", "")


def test_uid_is_stable_across_edits(online_event):
    first = parse(calendars.event_calendar(online_event)).events[0]["UID"]
    online_event.title = "Renamed training"
    online_event.save_revision().publish()
    second = parse(calendars.event_calendar(online_event)).events[0]["UID"]
    assert first == second


def test_weekly_series_across_the_march_change_keeps_ten_oclock_in_the_ics(client, events_index):
    event = event_page(
        events_index,
        starts_at=datetime(2026, 3, 19, 10, 0, tzinfo=BELGRADE),
        ends_at=datetime(2026, 3, 19, 11, 0, tzinfo=BELGRADE),
        timezone="Europe/Belgrade",
        recurrence="weekly",
        occurrence_count=4,
    )
    calendar = parse(get_ics(client, event).content)
    (vevent,) = calendar.events
    assert vevent["DTSTART"].params["TZID"] == "Europe/Belgrade"
    assert vevent["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=4"
    # The VTIMEZONE carries the change of 29 March 2026 (CET +0100 → CEST +0200).
    (zone,) = calendar.timezones
    assert b"TZOFFSETTO:+0200" in zone.to_ical()
    assert zone.to_tz().utcoffset(datetime(2026, 4, 2, 10)).total_seconds() == 7200
    # Expanded as a calendar program does: the same local time every week, one hour earlier in UTC after the change.
    expanded = list(rrulestr(vevent["RRULE"].to_ical().decode(), dtstart=vevent.start))
    assert [start.strftime("%d %H:%M") for start in expanded] == ["19 10:00", "26 10:00", "02 10:00", "09 10:00"]
    assert [start.astimezone(UTC) for start in expanded] == [start for start, _end in event.occurrences()]
    assert [start.astimezone(UTC).hour for start in expanded] == [9, 9, 8, 8]


def test_join_link_only_for_a_confirmed_registrant(client, online_event):
    confirmed = RegistrationFactory(event=online_event, status=RegistrationStatus.CONFIRMED).user
    waiting = RegistrationFactory(event=online_event, status=RegistrationStatus.WAITLISTED).user
    cancelled = RegistrationFactory(event=online_event, status=RegistrationStatus.CANCELLED).user
    outsider = UserFactory()

    client.force_login(confirmed)
    response = get_ics(client, online_event)
    assert JOIN in parse(response.content).events[0]["DESCRIPTION"]
    assert str(parse(response.content).events[0]["CONFERENCE"]) == JOIN
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]

    for user in (waiting, cancelled, outsider):
        client.force_login(user)
        response = get_ics(client, online_event)
        assert response.status_code == 200
        assert JOIN not in unfolded(response.content)
        assert "private" in response["Cache-Control"]


def test_event_calendar_leaves_the_join_link_out_unless_asked_for_an_allowed_person(online_event):
    confirmed = RegistrationFactory(event=online_event, status=RegistrationStatus.CONFIRMED).user
    assert JOIN not in unfolded(calendars.event_calendar(online_event))
    assert JOIN not in unfolded(calendars.event_calendar(online_event, for_user=UserFactory()))
    assert JOIN in unfolded(calendars.event_calendar(online_event, for_user=confirmed))


def test_members_only_event_ics_only_for_its_audience(client, events_index):
    community = dag("MK")
    event = event_page(events_index, audience="members", host_communities=[community])
    assert get_ics(client, event).status_code in (404, 302)  # anonymous
    client.force_login(UserFactory())
    assert get_ics(client, event).status_code == 404  # signed in, not a member
    client.force_login(community_member(dag("RS")))
    assert get_ics(client, event).status_code == 404  # a member of another community
    client.force_login(community_member(community))
    response = get_ics(client, event)
    assert response.status_code == 200
    assert parse(response.content).events[0]["CLASS"] == "PRIVATE"
    assert "private" in response["Cache-Control"]
    client.force_login(community_member(community, role=MemberRole.COORDINATOR))
    assert get_ics(client, event).status_code == 200


def test_google_and_outlook_links_use_utc_and_never_the_join_link(online_event):
    google = urlsplit(calendars.google_calendar_url(online_event))
    assert google.netloc == "calendar.google.com"
    query = parse_qs(google.query)
    assert query["dates"] == ["20300312T083000Z/20300312T110000Z"]  # 09:30–12:00 CET in UTC
    assert query["ctz"] == ["Europe/Belgrade"]
    assert query["text"] == ["Open data training"]
    assert online_event.full_url in query["details"][0]
    outlook = urlsplit(calendars.outlook_calendar_url(online_event))
    query = parse_qs(outlook.query)
    assert query["startdt"] == ["2030-03-12T08:30:00Z"]
    assert query["enddt"] == ["2030-03-12T11:00:00Z"]
    assert query["subject"] == ["Open data training"]
    for url in (calendars.google_calendar_url(online_event), calendars.outlook_calendar_url(online_event)):
        assert "planted-7f3a9c" not in url


def test_google_link_repeats_a_weekly_series(events_index):
    event = event_page(events_index, recurrence="weekly", occurrence_count=6)
    assert parse_qs(urlsplit(calendars.google_calendar_url(event)).query)["recur"] == ["RRULE:FREQ=WEEKLY;COUNT=6"]


def test_add_to_calendar_include(online_event):
    request = RequestFactory().get("/")
    html = Template('{% include "events/includes/event_calendar_links.html" %}').render(
        Context({"event": online_event, "request": request})
    )
    assert f'href="{online_event.url}ics/"' in html
    assert "https://calendar.google.com/calendar/render?" in html
    assert "https://outlook.live.com/calendar/0/deeplink/compose?" in html
    assert "Add to Google Calendar" in html and "Add to Outlook" in html
    assert 'rel="noopener noreferrer"' in html
    assert "planted-7f3a9c" not in html
    assert inline_code(html) == []


# --- the .ics attached to the registration mails -----------------------------------------------------------------


def _ics_attachments(user):
    rows = OutboxMessage.objects.filter(user=user, template="event_registration").order_by("pk")
    return [row.attachments for row in rows]


def test_confirmation_mail_carries_the_ics_with_the_join_link(online_event, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(user, online_event)
    assert registration.status == RegistrationStatus.CONFIRMED
    (row,) = OutboxMessage.objects.filter(user=user)
    (attachment,) = row.attachments
    assert attachment["filename"] == f"{online_event.slug}.ics"
    assert attachment["mimetype"] == "text/calendar"
    (sent,) = mail.outbox
    (filename, content, mimetype) = sent.attachments[0]
    assert (filename, mimetype) == (f"{online_event.slug}.ics", "text/calendar")
    calendar = parse(content)
    assert calendar.events[0]["DTSTART"].params["TZID"] == "Europe/Belgrade"
    assert JOIN in calendar.events[0]["DESCRIPTION"]
    # The MIME message really has a text/calendar part.
    parts = [part.get_content_type() for part in message_from_bytes(sent.message().as_bytes()).walk()]
    assert "text/calendar" in parts


def test_waitlisted_mail_has_no_ics_and_promotion_mail_has_it(online_event):
    online_event.capacity = 1
    online_event.save_revision().publish()
    first, second = UserFactory(), UserFactory()
    first_registration = register(first, online_event)
    second_registration = register(second, online_event)
    assert second_registration.status == RegistrationStatus.WAITLISTED
    assert _ics_attachments(second) == [[]]  # the waitlist notice: no calendar file, so no join link
    cancel(first_registration, by=first)
    waitlisted_mail, promoted_mail = _ics_attachments(second)
    assert waitlisted_mail == []
    (attachment,) = promoted_mail
    row = OutboxMessage.objects.filter(user=second).order_by("pk").last()
    (_name, content, _type) = build_email(row).attachments[0]
    assert JOIN in parse(content).events[0]["DESCRIPTION"]


def test_confirmation_ics_is_in_the_registrants_language(online_event):
    user = UserFactory(preferred_language="mk")
    register(user, online_event)
    (row,) = OutboxMessage.objects.filter(user=user)
    (_name, content, _type) = build_email(row).attachments[0]
    description = parse(content).events[0]["DESCRIPTION"]
    # Macedonian text around the join link (the event page itself is English: no Macedonian copy here).
    assert JOIN in description
    assert "Join online" not in description


def test_join_link_in_the_ics_of_another_language_page(client, online_event):
    """Registrations belong to the English page; a confirmed registrant downloading the .ics from the Macedonian copy
    (an alias) still gets the join link, with the same UID and the /mk/ address; an outsider does not."""
    from portal.i18n import ensure_locales, sync_page_trees

    ensure_locales()
    sync_page_trees()
    macedonian = online_event.get_translation(online_event.locale.__class__.objects.get(language_code="mk"))
    confirmed = RegistrationFactory(event=online_event, status=RegistrationStatus.CONFIRMED).user
    client.force_login(confirmed)
    response = client.get(macedonian.url + "ics/")
    assert response.status_code == 200
    (vevent,) = parse(response.content).events
    assert JOIN in vevent["DESCRIPTION"]
    assert "/mk/" in str(vevent["URL"])
    assert str(vevent["UID"]) == calendars.event_uid(online_event)
    client.force_login(UserFactory())
    assert JOIN not in unfolded(client.get(macedonian.url + "ics/").content)
