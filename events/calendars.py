"""iCalendar (RFC 5545) files of events: the ``.ics`` download of one event, the site, community and private feeds,
the mail attachment, and the "add to Google / Outlook" links (issue 7 item 4), built with the ``icalendar`` package.

Times: each VEVENT carries ``DTSTART``/``DTEND`` as wall-clock times with ``TZID`` = the event's IANA zone, and the
calendar carries a ``VTIMEZONE`` for every zone used (``Calendar.add_missing_timezones``, from the tz database). A
weekly series is one VEVENT with ``RRULE:FREQ=WEEKLY;COUNT=n``; because its start has a TZID, calendar programs
repeat it at the same local time across the clock changes, as :meth:`EventPage.occurrences` does.

The join link (``online_url``) goes into a calendar only when it is built *for* a person (``for_user``) whom
``events.permissions`` allows to see it (confirmed registrants and organisers); public files and feeds never carry
it, and the Google/Outlook links never do (they pass through third parties).

``UID`` is ``event-<translation_key>@<host>``: the same for every locale's copy of an event and across edits, so a
calendar program updates the event instead of adding a second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from events import permissions
from events.models import EventFormat, EventPage, Recurrence

#: PRODID of every calendar the portal writes.
PRODID = "-//Integrity Watch Portal//Events//EN"
#: How often subscribed calendar programs should fetch a feed again.
FEED_REFRESH = timedelta(hours=1)
ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"
UTC = ZoneInfo("UTC")


def _host() -> str:
    return urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "integrity-watch.local"


def event_uid(event: EventPage) -> str:
    """The stable iCalendar UID of ``event`` (all its locales and edits): ``event-<translation_key>@<host>``."""
    return f"event-{event.translation_key}@{_host()}"


def event_url(event: EventPage, request=None) -> str:
    """The absolute URL of ``event``'s page (its own locale); "" when the page is not routable."""
    return event.get_full_url(request) or ""


def event_ics_path(event: EventPage, request=None) -> str:
    """The path (or URL, on another site) of ``event``'s ``.ics`` download: its page URL + ``ics/``."""
    return (event.get_url(request) or "") + event.reverse_subpage("ics")


def join_link_for(event: EventPage, user) -> str:
    """``event``'s join link when ``user`` may see it (``permissions.can_see_join_link`` on the default-locale
    page), else ""."""
    if user is None or not event.is_online or not event.online_url:
        return ""
    return event.online_url if permissions.can_see_join_link(user, event.canonical()) else ""


def event_location(event: EventPage, join_url: str = "") -> str:
    """The LOCATION text: venue, address, city and country; "Online" (or the join link when given) for online
    events, both for hybrid ones."""
    country = str(event.country) if event.country_id else ""
    place = ", ".join(part for part in (event.venue, event.address, event.city, country) if part)
    if event.event_format == EventFormat.ONLINE:
        return join_url or _("Online")
    if event.event_format == EventFormat.HYBRID:
        return _("%(place)s and online") % {"place": place} if place else (join_url or _("Online"))
    return place


def event_description(event: EventPage, url: str, join_url: str = "") -> str:
    """The DESCRIPTION text: the summary, the join link when given, and the page address."""
    parts = [event.summary.strip()]
    if join_url:
        parts.append(_("Join online: %(url)s") % {"url": join_url})
    if url:
        parts.append(_("Details and registration: %(url)s") % {"url": url})
    return "\n\n".join(part for part in parts if part)


def build_vevent(event: EventPage, *, url: str = "", join_url: str = "", stamp: datetime | None = None) -> Event:
    """The VEVENT of ``event``: DTSTART/DTEND with TZID (local wall-clock times), RRULE for a weekly series,
    UID, DTSTAMP (``stamp``, default now), LAST-MODIFIED, SUMMARY, LOCATION, URL, DESCRIPTION, CATEGORIES, CLASS
    (PRIVATE for members-only events), STATUS, and the join link (DESCRIPTION, CONFERENCE) only if ``join_url``."""
    zone = ZoneInfo(event.timezone)
    vevent = Event()
    vevent.add("uid", event_uid(event))
    vevent.add("dtstamp", (stamp or timezone.now()).astimezone(UTC))
    if event.last_published_at:
        vevent.add("last-modified", event.last_published_at.astimezone(UTC))
    vevent.add("dtstart", event.starts_at.astimezone(zone))
    vevent.add("dtend", event.ends_at.astimezone(zone))
    if event.recurrence == Recurrence.WEEKLY and len(event.occurrences()) > 1:
        vevent.add("rrule", {"freq": "weekly", "count": len(event.occurrences())})
    vevent.add("summary", event.title)
    location = event_location(event, join_url)
    if location:
        vevent.add("location", location)
    if url:
        vevent.add("url", url)
    description = event_description(event, url, join_url)
    if description:
        vevent.add("description", description)
    vevent.add("categories", [str(event.get_event_type_display())])
    vevent.add("class", "PRIVATE" if event.is_members_only else "PUBLIC")
    vevent.add("status", "CONFIRMED")
    if join_url:
        vevent.add("conference", join_url, parameters={"VALUE": "URI", "FEATURE": "VIDEO"})
    return vevent


def _new_calendar(name: str, *, feed: bool) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    if feed:
        calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", FEED_REFRESH)
    return calendar


def _add_timezones(calendar: Calendar, events: list[EventPage]) -> None:
    """A VTIMEZONE for each zone used, with the transitions from the year of the first event to the year after the
    last one (a short component, and complete for every date in the calendar)."""
    if not events:
        return
    first = min(event.starts_at for event in events)
    last = max(event.last_ends_at for event in events)
    calendar.add_missing_timezones(first_date=date(first.year - 1, 1, 1), last_date=date(last.year + 2, 1, 1))


def _to_bytes(calendar: Calendar) -> bytes:
    return calendar.to_ical()


def event_calendar(event: EventPage, *, for_user=None, request=None) -> bytes:
    """The ``.ics`` file (bytes, UTF-8, CRLF lines) of ``event``: one VEVENT and the VTIMEZONE of its zone.

    ``for_user``: pass the person the file is for to include the join link when ``permissions.can_see_join_link``
    allows it (confirmed registrants, organisers); None (the default) never includes it. ``request`` only speeds up
    and fixes the page URL (site and scheme of the request). Texts (LOCATION, DESCRIPTION) are in the active
    language.
    """
    join_url = join_link_for(event, for_user)
    calendar = _new_calendar(event.title, feed=False)
    calendar.add_component(build_vevent(event, url=event_url(event, request), join_url=join_url))
    _add_timezones(calendar, [event])
    return _to_bytes(calendar)


def feed_calendar(events: Iterable[EventPage], *, for_user=None, name: str, request=None) -> bytes:
    """A subscribable feed (bytes) named ``name`` with one VEVENT per event of ``events`` and the VTIMEZONE of
    every zone used.

    The caller chooses the events through ``EventPageQuerySet.public_listing`` / ``visible_to`` (never ad hoc):
    this function does not filter. ``for_user``: join links are added for the events whose link that person may
    see (``permissions.join_link_translation_keys``, two queries for the whole feed); None adds none. Select
    ``country`` and ``locale`` with the events: building the feed then makes no query per event.
    """
    events = list(events)
    allowed = permissions.join_link_translation_keys(for_user, events) if for_user is not None else set()
    stamp = timezone.now()
    calendar = _new_calendar(name, feed=True)
    for event in events:
        join_url = event.online_url if event.translation_key in allowed else ""
        calendar.add_component(build_vevent(event, url=event_url(event, request), join_url=join_url, stamp=stamp))
    _add_timezones(calendar, events)
    return _to_bytes(calendar)


# --- "Add to calendar" links ---------------------------------------------------------------------------------------


def _utc_stamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google_calendar_url(event: EventPage, request=None) -> str:
    """The "Add to Google Calendar" link: UTC times (``dates``), the event's zone (``ctz``), a weekly RRULE, the public
    location and description; never the join link."""
    url = event_url(event, request)
    params = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{_utc_stamp(event.starts_at)}/{_utc_stamp(event.ends_at)}",
        "ctz": event.timezone,
        "details": event_description(event, url),
        "location": event_location(event),
    }
    occurrences = event.occurrences()
    if len(occurrences) > 1:
        params["recur"] = f"RRULE:FREQ=WEEKLY;COUNT={len(occurrences)}"
    return "https://calendar.google.com/calendar/render?" + urlencode(params)


def outlook_calendar_url(event: EventPage, request=None) -> str:
    """The "Add to Outlook" link (Outlook on the web): UTC times in ISO 8601, the public location and description;
    never the join link. Outlook's link cannot carry a repetition: for a weekly series it adds the first meeting
    (the ``.ics`` file has the whole series)."""
    url = event_url(event, request)
    params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": event.starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "enddt": event.ends_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "body": event_description(event, url),
        "location": event_location(event),
    }
    return "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(params)
