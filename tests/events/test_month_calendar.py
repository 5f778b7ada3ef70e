"""The month calendar of the events index (issue 7 item 7): meetings on their local days (across the clock change),
events over several days on each day, weekly series on each week's day, month navigation that keeps the filters,
and a list instead of the grid on phones. Query count: tests/events/test_listing_queries.py."""

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.staticfiles import finders

from events.listing import month_calendar
from events.models import Audience, EventPage, Recurrence
from tests.community.community_factories import community_member, dag
from tests.events.factories import event_page
from tests.portal.factories import UserFactory
from tests.portal.html_checks import inline_code

UTC = datetime.UTC
SECRET = "kqzcalendarmembersonly"


def local(year, month, day, hour, minute=0, zone="Europe/Belgrade"):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def meeting(index, title, start, end=None, **fields):
    return event_page(index, title=title, starts_at=start, ends_at=end or start + datetime.timedelta(hours=1), **fields)


def days_of(grid, title):
    """The dates of the grid whose cell lists ``title``, with the time shown there."""
    return {
        day.date: entry.time
        for week in grid.weeks
        for day in week
        for entry in day.meetings
        if entry.meeting.page.title == title
    }


def grid_for(index, year, month, user=None):
    from django.contrib.auth.models import AnonymousUser

    return month_calendar(EventPage.objects.visible_to(user or AnonymousUser()).child_of(index), year, month)


def cell(html, date):
    """The HTML of the grid cell of ``date`` (YYYY-MM-DD)."""
    start = html.rindex("<td", 0, html.index(f'<time class="event-calendar__date" datetime="{date}">'))
    return html[start : html.index("</td>", start)]


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["Europe/Sarajevo", "Europe/Istanbul"])
def test_meeting_late_on_31_march_stays_on_31_march(events_index, zone):
    """After the clock change (Sarajevo on CEST, UTC+2; Istanbul on +03 all year) a meeting from 23:30 to midnight
    local on 31 March is on 31 March only, and one at 00:30 local on 1 April (still 31 March in UTC) is on 1 April."""
    start = local(2025, 3, 31, 23, 30, zone)
    meeting(events_index, "Late meeting", start, start + datetime.timedelta(minutes=30), timezone=zone)
    meeting(events_index, "Early meeting", local(2025, 4, 1, 0, 30, zone), timezone=zone)
    assert local(2025, 4, 1, 0, 30, zone).date() == datetime.date(2025, 3, 31)  # the UTC date differs

    grid = grid_for(events_index, 2025, 3)
    assert days_of(grid, "Late meeting") == {datetime.date(2025, 3, 31): "23:30–00:00"}
    assert set(days_of(grid, "Early meeting")) == {datetime.date(2025, 4, 1)}  # in the grid's last week
    april = grid_for(events_index, 2025, 4)
    assert set(days_of(april, "Early meeting")) == {datetime.date(2025, 4, 1)}
    assert days_of(april, "Late meeting") == {datetime.date(2025, 3, 31): "23:30–00:00"}  # April's first week


@pytest.mark.django_db
def test_late_meeting_in_the_rendered_grid(client, events_index):
    start = local(2025, 3, 31, 23, 30, "Europe/Sarajevo")
    meeting(events_index, "Late Sarajevo meeting", start, start.replace(minute=59), timezone="Europe/Sarajevo")
    html = client.get("/events/calendar/2025/3/").content.decode()
    assert "Late Sarajevo meeting" in cell(html, "2025-03-31")
    assert "Late Sarajevo meeting" not in cell(html, "2025-04-01")
    assert "Late Sarajevo meeting" not in cell(html, "2025-03-30")
    assert 'title="Europe/Sarajevo, CEST"' in cell(html, "2025-03-31")


@pytest.mark.django_db
def test_meeting_over_two_days_shows_on_both(client, events_index):
    """The RCP meeting in Skopje, 27–28 February 2025."""
    meeting(
        events_index,
        "RCP meeting Skopje",
        local(2025, 2, 27, 9, zone="Europe/Skopje"),
        local(2025, 2, 28, 17, zone="Europe/Skopje"),
        timezone="Europe/Skopje",
        event_type="rcp_meeting",
    )
    grid = grid_for(events_index, 2025, 2)
    assert days_of(grid, "RCP meeting Skopje") == {
        datetime.date(2025, 2, 27): "from 09:00",
        datetime.date(2025, 2, 28): "until 17:00",
    }
    html = client.get("/events/calendar/2025/2/").content.decode()
    assert "RCP meeting Skopje" in cell(html, "2025-02-27") and "RCP meeting Skopje" in cell(html, "2025-02-28")
    assert "RCP meeting Skopje" not in cell(html, "2025-02-26")


@pytest.mark.django_db
def test_meeting_over_three_days_and_one_ending_at_midnight(events_index):
    meeting(events_index, "Hackathon", local(2026, 5, 8, 18), local(2026, 5, 10, 16), event_type="hackathon")
    meeting(events_index, "Evening", local(2026, 5, 12, 20), local(2026, 5, 13, 0))
    grid = grid_for(events_index, 2026, 5)
    assert days_of(grid, "Hackathon") == {
        datetime.date(2026, 5, 8): "from 18:00",
        datetime.date(2026, 5, 9): "all day",
        datetime.date(2026, 5, 10): "until 16:00",
    }
    assert days_of(grid, "Evening") == {datetime.date(2026, 5, 12): "20:00–00:00"}


@pytest.mark.django_db
def test_weekly_series_on_each_meeting_across_the_clock_change(events_index):
    """Weekly at 10:00 Belgrade from 16 March 2026 (clocks change on 29 March): each week's day, always 10:00."""
    meeting(
        events_index,
        "Weekly DAG call",
        local(2026, 3, 16, 10, zone="Europe/Belgrade"),
        timezone="Europe/Belgrade",
        recurrence=Recurrence.WEEKLY,
        occurrence_count=5,
    )
    march = grid_for(events_index, 2026, 3)
    assert days_of(march, "Weekly DAG call") == {
        datetime.date(2026, 3, 16): "10:00–11:00",
        datetime.date(2026, 3, 23): "10:00–11:00",
        datetime.date(2026, 3, 30): "10:00–11:00",
    }
    april = grid_for(events_index, 2026, 4)
    assert days_of(april, "Weekly DAG call") == {
        datetime.date(2026, 3, 30): "10:00–11:00",
        datetime.date(2026, 4, 6): "10:00–11:00",
        datetime.date(2026, 4, 13): "10:00–11:00",
    }
    assert days_of(grid_for(events_index, 2026, 5), "Weekly DAG call") == {}


@pytest.mark.django_db
def test_weekly_series_started_months_before_is_found(events_index):
    """A long series whose first meeting is far before the month still shows in it."""
    meeting(
        events_index,
        "Year-long series",
        local(2026, 1, 5, 10),
        recurrence=Recurrence.WEEKLY,
        occurrence_count=30,
    )
    june = days_of(grid_for(events_index, 2026, 6), "Year-long series")
    assert datetime.date(2026, 6, 1) in june and len(june) >= 4


@pytest.mark.django_db
def test_grid_shape_and_neighbouring_days(events_index):
    grid = grid_for(events_index, 2026, 3)  # 1 March 2026 is a Sunday
    assert all(len(week) == 7 for week in grid.weeks)
    assert grid.weeks[0][0].date == datetime.date(2026, 2, 23) and not grid.weeks[0][0].in_month
    assert grid.weeks[0][6].date == datetime.date(2026, 3, 1) and grid.weeks[0][6].in_month
    assert (grid.previous, grid.following) == (datetime.date(2026, 2, 1), datetime.date(2026, 4, 1))
    december = grid_for(events_index, 2026, 12)
    assert december.following == datetime.date(2027, 1, 1)


@pytest.mark.django_db
def test_month_links_keep_filters_and_default_month(client, events_index):
    with time_machine.travel(datetime.datetime(2026, 3, 10, 12, tzinfo=UTC), tick=False):
        html = client.get("/events/calendar/", {"type": "training"}).content.decode()
    assert "March 2026" in html
    assert 'href="/events/calendar/2026/2/?type=training"' in html
    assert 'href="/events/calendar/2026/4/?type=training"' in html
    assert 'aria-current="date"' in cell(html, "2026-03-10")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/events/calendar/2026/13/", "/events/calendar/2026/0/", "/events/calendar/1850/1/"])
def test_impossible_months_are_not_found(client, events_index, path):
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_members_only_meetings_only_for_their_audience(client, events_index):
    mk = dag("MK")
    meeting(
        events_index,
        f"Internal {SECRET}",
        local(2026, 3, 12, 10),
        audience=Audience.MEMBERS,
        host_communities=[mk],
    )
    assert SECRET not in client.get("/events/calendar/2026/3/").content.decode()
    client.force_login(UserFactory())
    assert SECRET not in client.get("/events/calendar/2026/3/").content.decode()
    client.force_login(community_member(dag("RS")))
    assert SECRET not in client.get("/events/calendar/2026/3/").content.decode()
    client.force_login(community_member(mk))
    html = client.get("/events/calendar/2026/3/").content.decode()
    assert SECRET in cell(html, "2026-03-12")
    assert "Members only" in cell(html, "2026-03-12")


@pytest.mark.django_db
def test_empty_month_says_so(client, events_index):
    html = client.get("/events/calendar/2026/3/").content.decode()
    assert "No events this month." in html
    meeting(
        events_index,
        "A webinar",
        local(2026, 3, 12, 10),
        event_type="webinar",
        event_format="online",
        online_url="https://meet.example.org/a",
    )
    html = client.get("/events/calendar/2026/3/", {"type": "training"}).content.decode()
    assert "No events this month match these filters." in html


def _css_classes(*names) -> set[str]:
    classes = set()
    for name in names:
        classes |= set(re.findall(r"\.([a-zA-Z][\w-]*)", Path(finders.find(name)).read_text(encoding="utf-8")))
    return classes


@pytest.mark.django_db
def test_phones_get_a_list_instead_of_the_grid(client, events_index):
    """Under 48em (a 390 px phone is 24.4em) the grid is hidden and the days with meetings are listed; each is
    in the page once in each form. The page has no inline code and every class it uses is styled."""
    meeting(events_index, "Phone meeting", local(2026, 3, 12, 10))
    html = client.get("/events/calendar/2026/3/").content.decode()
    listing = html[html.index('<ol class="event-calendar__list">') :]
    assert "Phone meeting" in listing and "10:00–11:00 (Europe/Belgrade, CET)" in listing
    assert html.count("Phone meeting</a>") == 2
    css = Path(finders.find("css/events.css")).read_text(encoding="utf-8")
    assert re.search(r"@media \(max-width: 47\.99em\) \{ \.event-calendar__grid \{ display: none; \} \}", css)
    assert re.search(r"@media \(min-width: 48em\) \{ \.event-calendar__list \{ display: none; \} \}", css)
    assert 'href="/static/css/events.css"' in html
    assert inline_code(html) == []
    used = set(re.findall(r'class="([^"]+)"', html))
    used = {name for value in used for name in value.split()}
    styled = _css_classes("css/portal.css", "css/events.css")
    unknown = {
        name
        for name in used - styled
        if re.split(r"__|--", name, maxsplit=1)[0] not in styled  # an element of a styled block
        and not any(rule.startswith((f"{name}__", f"{name}--")) for rule in styled)  # a block styled by elements
        and not name.startswith(("template-", "w-", "icon"))
    }
    assert unknown == set()
