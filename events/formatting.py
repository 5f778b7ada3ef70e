"""How events write their times for people: in the event's own zone, with the zone named (GUIDE §3, "Time").

One place for pages, lists, mails, reminders and calendar descriptions (template filters in
:mod:`events.templatetags.event_tags`):

- :func:`format_in_event_zone`: one instant, "12 March 2026, 17:00 (Europe/Skopje, CET)";
- :func:`format_span`: a meeting, "12 March 2026, 10:00–12:00 (Europe/Belgrade, CET)", or over several days
  "27–28 February 2025, 09:30–17:00 (Europe/Skopje, CET)";
- :func:`format_event_when`: an event's first meeting and, for a weekly series, "weekly, 6 meetings until …".

Month names are the active language's (``j F Y``, as ``community.formatting`` writes dates); the zone is named by
:func:`portal.countries.zone_display_name` ("Kosovo" rather than the tz database's Belgrade for an event held in
Kosovo) and its abbreviation is the one in force on that date (CET in winter, CEST in summer, "+03" in Istanbul).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.countries import ZONES_NAMED_BY_COUNTRY, zone_display_name

#: Zones that some country names instead of its tz-database city: only for these is the event's country read.
_ZONES_NAMED_BY_A_COUNTRY = frozenset(zone for _code, zone in ZONES_NAMED_BY_COUNTRY)


def event_country_code(event) -> str | None:
    """ISO code of ``event``'s country, read only when it changes how the zone is named (a Kosovo event in
    ``Europe/Belgrade``); None otherwise. Lists should ``select_related("country")`` all the same."""
    if not event.country_id or event.timezone not in _ZONES_NAMED_BY_A_COUNTRY:
        return None
    return event.country.code


def event_zone_label(event, when: datetime | None = None) -> str:
    """The zone of ``event`` as shown next to its times: "Europe/Skopje, CET" (the abbreviation in force at
    ``when``, default the event's start)."""
    zone = ZoneInfo(event.timezone)
    local = (when or event.starts_at).astimezone(zone)
    return f"{zone_display_name(event.timezone, event_country_code(event))}, {local.tzname()}"


def format_in_event_zone(when: datetime | None, event) -> str:
    """``when`` (aware, any zone) in ``event``'s zone: "12 March 2026, 17:00 (Europe/Skopje, CET)". "" for None."""
    if when is None:
        return ""
    local = when.astimezone(ZoneInfo(event.timezone))
    return f"{formats.date_format(local, 'j F Y, H:i')} ({event_zone_label(event, when)})"


def _date_range(first: date, last: date) -> str:
    """Days as "12 March 2026", "27–28 February 2025", "30 March – 2 April 2026", "30 December 2025 – 2 January
    2026"."""
    if first == last:
        return formats.date_format(first, "j F Y")
    if (first.year, first.month) == (last.year, last.month):
        return f"{formats.date_format(first, 'j')}–{formats.date_format(last, 'j F Y')}"
    if first.year == last.year:
        return f"{formats.date_format(first, 'j F')} – {formats.date_format(last, 'j F Y')}"
    return f"{formats.date_format(first, 'j F Y')} – {formats.date_format(last, 'j F Y')}"


def format_span(start: datetime, end: datetime, zone_name: str, country_code: str | None = None) -> str:
    """A meeting from ``start`` to ``end`` (aware, any zone) written in ``zone_name`` (IANA).

    One day: "12 March 2026, 10:00–12:00 (Europe/Belgrade, CET)"; several days: "27–28 February 2025, 09:30–17:00
    (Europe/Skopje, CET)" (first day's start, last day's end). When the clocks change between start and end both
    abbreviations are named: "(Europe/Belgrade, CET/CEST)".
    """
    zone = ZoneInfo(zone_name)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    abbreviations = dict.fromkeys([local_start.tzname(), local_end.tzname()])
    times = formats.time_format(local_start, "H:i")
    if local_end != local_start:
        times = f"{times}–{formats.time_format(local_end, 'H:i')}"
    days = _date_range(local_start.date(), local_end.date())
    return f"{days}, {times} ({zone_display_name(zone_name, country_code)}, {'/'.join(abbreviations)})"


def format_occurrence(event, start: datetime, end: datetime) -> str:
    """One meeting of ``event`` (e.g. an item of :meth:`EventPage.occurrences`) by :func:`format_span`."""
    return format_span(start, end, event.timezone, event_country_code(event))


def format_series(event) -> str:
    """For a weekly series: "weekly, 6 meetings until 16 April 2026" (the last meeting's local date); "" for a
    single event."""
    occurrences = event.occurrences()
    if len(occurrences) <= 1:
        return ""
    last = occurrences[-1][0].astimezone(ZoneInfo(event.timezone)).date()
    return ngettext(
        "weekly, %(count)s meeting until %(last)s",
        "weekly, %(count)s meetings until %(last)s",
        len(occurrences),
    ) % {"count": len(occurrences), "last": formats.date_format(last, "j F Y")}


def format_event_when(event) -> str:
    """When ``event`` takes place, for pages, lists and mails: its (first) meeting by :func:`format_span`, followed
    for a weekly series by :func:`format_series`: "12 March 2026, 10:00–12:00 (Europe/Belgrade, CET); weekly, 6
    meetings until 16 April 2026"."""
    text = format_occurrence(event, event.starts_at, event.ends_at)
    series = format_series(event)
    if series:
        text = _("%(first)s; %(series)s") % {"first": text, "series": series}
    return text


def local_date(event, when: datetime | None = None):
    """The calendar date of ``when`` (default: the event's start) in the event's zone (month calendars, lists)."""
    return (when or event.starts_at).astimezone(ZoneInfo(event.timezone)).date()
