"""Event times (issue 7 items 1 and 4, "bad input"): typed in the admin as wall-clock times in the event's zone,
stored in UTC, shown in that zone with the zone named, and unchanged by repeated edits or the clock changes.

The staff member's own Wagtail time zone is New York throughout, so nothing depends on it; Europe/Sarajevo (CET/CEST,
changes on the last Sunday of March and October) and Europe/Istanbul (+03 all year) are checked around both
changes with time-machine.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar
from wagtail.users.models import UserProfile

from events import formatting
from events.admin_forms import localise
from events.models import EventPage
from portal.models import Country
from tests.events.factories import event_page
from tests.grants.admin_forms import form_data

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
BELGRADE = ZoneInfo("Europe/Belgrade")
SARAJEVO = ZoneInfo("Europe/Sarajevo")
ISTANBUL = ZoneInfo("Europe/Istanbul")
SKOPJE = ZoneInfo("Europe/Skopje")


# --- formatting ----------------------------------------------------------------------------------------------------


def test_one_day_event_is_written_in_its_zone_with_the_zone_named(events_index):
    event = event_page(
        events_index,
        starts_at=datetime(2026, 3, 12, 10, 0, tzinfo=BELGRADE),
        ends_at=datetime(2026, 3, 12, 12, 0, tzinfo=BELGRADE),
        timezone="Europe/Belgrade",
    )
    assert formatting.format_event_when(event) == "12 March 2026, 10:00–12:00 (Europe/Belgrade, CET)"
    assert formatting.format_in_event_zone(event.starts_at, event) == "12 March 2026, 10:00 (Europe/Belgrade, CET)"


def test_two_day_meeting_in_skopje(events_index):
    event = event_page(
        events_index,
        starts_at=datetime(2025, 2, 27, 9, 30, tzinfo=SKOPJE),
        ends_at=datetime(2025, 2, 28, 17, 0, tzinfo=SKOPJE),
        timezone="Europe/Skopje",
    )
    assert formatting.format_event_when(event) == "27–28 February 2025, 09:30–17:00 (Europe/Skopje, CET)"


def test_ranges_over_months_and_years_and_the_clock_change():
    span = formatting.format_span
    assert (
        span(datetime(2026, 3, 27, 9, tzinfo=SARAJEVO), datetime(2026, 4, 2, 17, tzinfo=SARAJEVO), "Europe/Sarajevo")
        == "27 March – 2 April 2026, 09:00–17:00 (Europe/Sarajevo, CET/CEST)"
    )
    assert (
        span(datetime(2025, 12, 30, 9, tzinfo=BELGRADE), datetime(2026, 1, 2, 13, tzinfo=BELGRADE), "Europe/Belgrade")
        == "30 December 2025 – 2 January 2026, 09:00–13:00 (Europe/Belgrade, CET)"
    )
    assert (
        span(datetime(2026, 7, 1, 10, tzinfo=ISTANBUL), datetime(2026, 7, 1, 11, tzinfo=ISTANBUL), "Europe/Istanbul")
        == "1 July 2026, 10:00–11:00 (Europe/Istanbul, +03)"
    )


def test_kosovo_event_names_kosovo_not_belgrade(events_index):
    kosovo, _ = Country.objects.get_or_create(code="XK", defaults={"name": "Kosovo", "timezone": "Europe/Belgrade"})
    event = event_page(
        events_index,
        starts_at=datetime(2026, 6, 3, 10, 0, tzinfo=BELGRADE),
        ends_at=datetime(2026, 6, 3, 12, 0, tzinfo=BELGRADE),
        timezone="Europe/Belgrade",
        country=kosovo,
    )
    assert formatting.format_event_when(event) == "3 June 2026, 10:00–12:00 (Kosovo, CEST)"


def test_month_names_follow_the_active_language(events_index):
    event = event_page(
        events_index,
        starts_at=datetime(2026, 3, 12, 10, 0, tzinfo=SKOPJE),
        ends_at=datetime(2026, 3, 12, 12, 0, tzinfo=SKOPJE),
        timezone="Europe/Skopje",
    )
    with translation.override("mk"):
        assert formatting.format_event_when(event) == "12 Март 2026, 10:00–12:00 (Europe/Skopje, CET)"
    with translation.override("tr"):
        assert formatting.format_event_when(event) == "12 Mart 2026, 10:00–12:00 (Europe/Skopje, CET)"


def test_weekly_series_is_written_with_its_meetings(events_index):
    event = event_page(
        events_index,
        starts_at=datetime(2026, 3, 19, 10, 0, tzinfo=BELGRADE),
        ends_at=datetime(2026, 3, 19, 11, 0, tzinfo=BELGRADE),
        timezone="Europe/Belgrade",
        recurrence="weekly",
        occurrence_count=3,
    )
    assert formatting.format_event_when(event) == (
        "19 March 2026, 10:00–11:00 (Europe/Belgrade, CET); weekly, 3 meetings until 2 April 2026"
    )
    rendered = [formatting.format_occurrence(event, start, end) for start, end in event.occurrences()]
    assert rendered == [
        "19 March 2026, 10:00–11:00 (Europe/Belgrade, CET)",
        "26 March 2026, 10:00–11:00 (Europe/Belgrade, CET)",
        "2 April 2026, 10:00–11:00 (Europe/Belgrade, CEST)",
    ]


def test_template_tags(events_index):
    from django.template import Context, Template

    event = event_page(
        events_index,
        starts_at=datetime(2026, 3, 12, 10, 0, tzinfo=BELGRADE),
        ends_at=datetime(2026, 3, 12, 12, 0, tzinfo=BELGRADE),
        timezone="Europe/Belgrade",
    )
    template = Template(
        "{% load event_tags %}{{ event|event_when }}|{% event_when event %}|{{ when|in_event_zone:event }}|"
        "{% in_event_zone when event %}|{{ event|event_zone }}|{{ event|event_occurrences|length }}"
    )
    when = datetime(2026, 7, 1, 6, 0, tzinfo=UTC)
    assert template.render(Context({"event": event, "when": when})).split("|") == [
        "12 March 2026, 10:00–12:00 (Europe/Belgrade, CET)",
        "12 March 2026, 10:00–12:00 (Europe/Belgrade, CET)",
        "1 July 2026, 08:00 (Europe/Belgrade, CEST)",
        "1 July 2026, 08:00 (Europe/Belgrade, CEST)",
        "Europe/Belgrade, CET",
        "1",
    ]


# --- weekly series across the clock change --------------------------------------------------------------------


def test_weekly_meeting_stays_at_ten_local_across_the_march_change(events_index):
    """10:00 Europe/Belgrade every Thursday from 19 March 2026; the clocks go forward on Sunday 29 March."""
    event = event_page(
        events_index,
        starts_at=datetime(2026, 3, 19, 10, 0, tzinfo=BELGRADE),
        ends_at=datetime(2026, 3, 19, 11, 30, tzinfo=BELGRADE),
        timezone="Europe/Belgrade",
        recurrence="weekly",
        occurrence_count=4,
    )
    starts = [start for start, _end in event.occurrences()]
    assert [s.astimezone(BELGRADE).strftime("%d %H:%M") for s in starts] == [
        "19 10:00",
        "26 10:00",
        "02 10:00",
        "09 10:00",
    ]
    assert [s.astimezone(UTC).hour for s in starts] == [9, 9, 8, 8]
    ends = [end.astimezone(BELGRADE).strftime("%H:%M") for _start, end in event.occurrences()]
    assert ends == ["11:30"] * 4


# --- the admin form ----------------------------------------------------------------------------------------------


@pytest.fixture
def new_york_admin(admin_user, admin_client):
    """The admin client of a staff member whose own Wagtail time zone is New York (not the event's, not UTC)."""
    profile = UserProfile.get_for_user(admin_user)
    profile.current_time_zone = "America/New_York"
    profile.save()
    return admin_client


def edit_url(event) -> str:
    return reverse("wagtailadmin_pages:edit", args=[event.pk])


def save(client, event, *, publish=True, **changes) -> EventPage:
    """Open the event's admin edit form, change ``changes`` (field: typed text), send it; return the live row (or the
    latest revision's page for a draft)."""
    html = client.get(edit_url(event)).content.decode()
    data = form_data(html, "page-edit-form")
    for name, value in changes.items():
        data[name] = [value]
    if publish:
        data["action-publish"] = ["action-publish"]
    response = client.post(edit_url(event), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page = EventPage.objects.get(pk=event.pk)
    return page if publish else page.get_latest_revision_as_object()


def shown_in_form(client, event, name) -> str:
    return form_data(client.get(edit_url(event)).content.decode(), "page-edit-form")[name][0]


def ics_start(client, event) -> str:
    """The DTSTART line of the VEVENT in the event's public .ics."""
    content = client.get(event.url + "ics/").content.decode()
    vevent = content.split("BEGIN:VEVENT", 1)[1]
    return next(line for line in vevent.splitlines() if line.startswith("DTSTART"))


def test_admin_shows_times_in_the_event_zone_not_the_staff_zone(new_york_admin, events_index):
    event = event_page(
        events_index,
        starts_at=datetime(2026, 12, 10, 9, 30, tzinfo=BELGRADE),
        ends_at=datetime(2026, 12, 10, 12, 0, tzinfo=BELGRADE),
    )
    assert shown_in_form(new_york_admin, event, "starts_at") == "2026-12-10 09:30"
    assert shown_in_form(new_york_admin, event, "ends_at") == "2026-12-10 12:00"


def test_0930_belgrade_stays_0930_after_repeated_edits_and_in_the_ics(new_york_admin, client, events_index):
    event = event_page(
        events_index,
        starts_at=datetime(2026, 12, 10, 8, 0, tzinfo=BELGRADE),
        ends_at=datetime(2026, 12, 10, 12, 0, tzinfo=BELGRADE),
        timezone="Europe/Belgrade",
    )
    page = save(new_york_admin, event, starts_at="2026-12-10 09:30")
    assert page.starts_at == datetime(2026, 12, 10, 8, 30, tzinfo=UTC)  # 09:30 CET is 08:30 UTC
    for _ in range(2):  # edited and saved again, twice, touching something else
        page = save(new_york_admin, event, title=f"{page.title} (edited)")
        assert page.starts_at.astimezone(BELGRADE).strftime("%H:%M") == "09:30"
        assert shown_in_form(new_york_admin, event, "starts_at") == "2026-12-10 09:30"
    page = save(new_york_admin, event, publish=False, summary="A draft change")  # a draft revision as well
    assert page.starts_at.astimezone(BELGRADE).strftime("%H:%M") == "09:30"
    assert shown_in_form(new_york_admin, event, "starts_at") == "2026-12-10 09:30"
    page = save(new_york_admin, event)  # and published from the draft
    assert page.starts_at == datetime(2026, 12, 10, 8, 30, tzinfo=UTC)
    assert ics_start(client, page) == "DTSTART;TZID=Europe/Belgrade:20261210T093000"


def test_changing_the_zone_keeps_the_wall_clock_time_typed(new_york_admin, events_index):
    event = event_page(
        events_index,
        starts_at=datetime(2026, 12, 10, 9, 30, tzinfo=BELGRADE),
        ends_at=datetime(2026, 12, 10, 12, 0, tzinfo=BELGRADE),
        registration_closes_at=datetime(2026, 12, 9, 17, 0, tzinfo=BELGRADE),
        timezone="Europe/Belgrade",
    )
    page = save(new_york_admin, event, timezone="Europe/Istanbul")
    assert page.timezone == "Europe/Istanbul"
    assert page.starts_at.astimezone(ISTANBUL).strftime("%H:%M") == "09:30"
    assert page.starts_at == datetime(2026, 12, 10, 6, 30, tzinfo=UTC)
    assert page.ends_at.astimezone(ISTANBUL).strftime("%H:%M") == "12:00"
    assert page.registration_closes_at.astimezone(ISTANBUL).strftime("%d %H:%M") == "09 17:00"
    assert shown_in_form(new_york_admin, event, "starts_at") == "2026-12-10 09:30"


def test_registration_window_is_typed_in_the_event_zone(new_york_admin, events_index):
    event = event_page(
        events_index,
        starts_at=datetime(2026, 12, 10, 9, 30, tzinfo=SARAJEVO),
        ends_at=datetime(2026, 12, 10, 12, 0, tzinfo=SARAJEVO),
        timezone="Europe/Sarajevo",
    )
    page = save(
        new_york_admin, event, registration_opens_at="2026-11-01 08:00", registration_closes_at="2026-12-09 23:59"
    )
    assert page.registration_opens_at == datetime(2026, 11, 1, 7, 0, tzinfo=UTC)
    assert page.registration_closes_at == datetime(2026, 12, 9, 22, 59, tzinfo=UTC)


def test_a_time_skipped_by_the_clock_change_is_refused_with_a_reason(new_york_admin, events_index):
    event = event_page(
        events_index,
        starts_at=datetime(2026, 3, 28, 9, 0, tzinfo=SARAJEVO),
        ends_at=datetime(2026, 3, 29, 12, 0, tzinfo=SARAJEVO),
        timezone="Europe/Sarajevo",
    )
    data = form_data(new_york_admin.get(edit_url(event)).content.decode(), "page-edit-form")
    data["starts_at"] = ["2026-03-29 02:30"]  # 02:00 → 03:00 in Sarajevo that night
    data["action-publish"] = ["action-publish"]
    response = new_york_admin.post(edit_url(event), data)
    assert response.status_code == 200
    assert "does not exist in Europe/Sarajevo" in str(response.context["form"].errors["starts_at"])
    assert EventPage.objects.get(pk=event.pk).starts_at == datetime(2026, 3, 28, 8, 0, tzinfo=UTC)


def test_localise_takes_the_first_of_a_repeated_hour():
    repeated = localise(datetime(2026, 10, 25, 2, 30), SARAJEVO)  # 03:00 → 02:00: 02:30 happens twice
    assert repeated.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # the first, in summer time
    with pytest.raises(ValueError):
        localise(datetime(2026, 3, 29, 2, 30), SARAJEVO)
    assert localise(datetime(2026, 3, 29, 2, 30), ISTANBUL).astimezone(UTC).hour == 23


# --- around the clock changes (time-machine) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "day", "zone", "utc_hour", "abbreviation"),
    [
        # Saturday before the last Sunday of March: the meeting on Sunday is already in summer time.
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), "2026-03-29", "Europe/Sarajevo", 8, "CEST"),
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), "2026-03-28", "Europe/Sarajevo", 9, "CET"),
        # The night of the October change: Sunday is back in winter time.
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "2026-10-25", "Europe/Sarajevo", 9, "CET"),
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "2026-10-24", "Europe/Sarajevo", 8, "CEST"),
        # Istanbul keeps +03 all year: 10:00 is 07:00 UTC on both sides of both changes.
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), "2026-03-29", "Europe/Istanbul", 7, "+03"),
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), "2026-03-28", "Europe/Istanbul", 7, "+03"),
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "2026-10-25", "Europe/Istanbul", 7, "+03"),
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "2026-10-24", "Europe/Istanbul", 7, "+03"),
    ],
)
def test_ten_oclock_around_the_clock_changes(
    new_york_admin, client, events_index, now, day, zone, utc_hour, abbreviation
):
    with time_machine.travel(now, tick=False):
        event = event_page(
            events_index,
            starts_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
            ends_at=datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
            timezone=zone,
        )
        page = save(new_york_admin, event, starts_at=f"{day} 10:00", ends_at=f"{day} 12:00")
        assert page.starts_at.astimezone(UTC).hour == utc_hour
        assert page.starts_at.astimezone(ZoneInfo(zone)).strftime("%H:%M") == "10:00"
        assert f"10:00–12:00 ({zone}, {abbreviation})" in formatting.format_event_when(page)
        content = client.get(page.url + "ics/").content
    start = Calendar.from_ical(content).events[0].start
    assert start.tzinfo.key == zone
    assert start.strftime("%Y-%m-%d %H:%M") == f"{day} 10:00"
    assert start.astimezone(UTC).hour == utc_hour
    assert abs(start - page.starts_at) == timedelta(0)


def test_new_event_typed_in_the_admin_is_stored_from_its_zone(new_york_admin, events_index):
    url = reverse("wagtailadmin_pages:add", args=["events", "eventpage", events_index.pk])
    data = form_data(new_york_admin.get(url).content.decode(), "page-edit-form")
    data.update(
        {
            "title": ["RCP meeting in Skopje"],
            "slug": ["rcp-meeting-skopje"],
            "timezone": ["Europe/Skopje"],
            "starts_at": ["2025-02-27 09:30"],
            "ends_at": ["2025-02-28 17:00"],
            "action-publish": ["action-publish"],
        }
    )
    response = new_york_admin.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    page = EventPage.objects.get(slug="rcp-meeting-skopje")
    assert page.starts_at == datetime(2025, 2, 27, 8, 30, tzinfo=UTC)
    assert page.ends_at == datetime(2025, 2, 28, 16, 0, tzinfo=UTC)
    assert formatting.format_event_when(page) == "27–28 February 2025, 09:30–17:00 (Europe/Skopje, CET)"


def test_unknown_zone_is_refused_and_the_times_stay(new_york_admin, events_index):
    event = event_page(
        events_index,
        starts_at=datetime(2026, 12, 10, 9, 30, tzinfo=BELGRADE),
        ends_at=datetime(2026, 12, 10, 12, 0, tzinfo=BELGRADE),
    )
    data = form_data(new_york_admin.get(edit_url(event)).content.decode(), "page-edit-form")
    data["timezone"] = ["Europe/Atlantis"]
    data["action-publish"] = ["action-publish"]
    response = new_york_admin.post(edit_url(event), data)
    assert response.status_code == 200
    assert "timezone" in response.context["form"].errors
    stored = EventPage.objects.get(pk=event.pk)
    assert (stored.timezone, stored.starts_at) == ("Europe/Belgrade", datetime(2026, 12, 10, 8, 30, tzinfo=UTC))
