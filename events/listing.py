"""Finding events (issue 7 item 7): which meetings of which events a list shows, in what order, on which days.

The views in :mod:`events.views.listing`, the home page and community page hooks (:mod:`events.wagtail_hooks`) use
these functions. None of them decides who may see an event: callers pass a queryset already narrowed by
``EventPage.objects.visible_to(user)`` or ``EventPage.objects.public_listing()``.

A weekly series (``EventPage.occurrences``) is one page with several meetings at the same local wall-clock time, so
"has it ended?" and "when is the next meeting?" depend on the meetings, not on the page's first ``ends_at``. The
database narrows to a superset (events ending after ``now``, plus weekly series that may still run), then the exact
answer is computed from :meth:`EventPage.occurrences` in Python over a few columns: one query whatever the number of
events, and the ordering (by next meeting) is exact. Lists are paginated over these light rows; only the shown page
of events is loaded in full, with its related rows prefetched (:func:`load_pages`).

Times are aware UTC datetimes; "local" means in the event's own IANA zone (``EventPage.timezone``), which is where a
meeting's calendar day is taken: a meeting at 23:30 in Sarajevo on 31 March is on 31 March, whatever UTC says.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q
from django.utils import formats, timezone
from django.utils.translation import gettext

from community.models import Community
from portal.countries import zone_display_name

from .models import EventPage, Recurrence
from .models.pages import MAX_OCCURRENCES

UTC = datetime.UTC
#: The columns :meth:`EventPage.occurrences` needs (with ``pk``); what the light timing query loads.
TIMING_FIELDS = ("pk", "starts_at", "ends_at", "timezone", "recurrence", "occurrence_count")
#: Widest distance of a local calendar day from the UTC one (UTC-12 … UTC+14); a query window on local dates is
#: widened by it and the exact local dates are then computed per meeting.
MAX_ZONE_OFFSET = datetime.timedelta(hours=14)
#: How far back a weekly series' first meeting may lie while a later one is still to come.
SERIES_SPAN = datetime.timedelta(weeks=MAX_OCCURRENCES)


# --- one meeting ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Occurrence:
    """One meeting of ``page`` (a single event has one; a weekly series one per week) as a list shows it.

    ``starts_at`` / ``ends_at``: aware UTC datetimes of this meeting. The display helpers work in the event's zone
    and name it (GUIDE §3 "Time"); they make no query when ``page.country`` was selected with the page.
    """

    page: EventPage
    starts_at: datetime.datetime
    ends_at: datetime.datetime

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.page.timezone)

    @property
    def local_start(self) -> datetime.datetime:
        """The start in the event's zone."""
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> datetime.datetime:
        """The end in the event's zone."""
        return self.ends_at.astimezone(self.zone)

    @property
    def zone_label(self) -> str:
        """The zone as shown: "Europe/Skopje, CET" (the country's name where the tz city would be wrong, e.g.
        "Kosovo, CET"); both abbreviations when the clocks change during the meeting ("CET/CEST")."""
        country_code = self.page.country.code if self.page.country_id else None
        start, end = self.local_start.tzname(), self.local_end.tzname()
        names = start if start == end else f"{start}/{end}"
        return f"{zone_display_name(self.page.timezone, country_code)}, {names}"

    @property
    def is_multi_day(self) -> bool:
        """True when the meeting spans more than one local calendar day (see :meth:`local_dates`)."""
        return len(self.local_dates()) > 1

    def local_dates(self) -> list[datetime.date]:
        """The local calendar days the meeting takes place on, first to last. A meeting ending at exactly midnight
        does not reach the next day."""
        first, end = self.local_start, self.local_end
        last = end.date()
        if end.time() == datetime.time(0, 0) and end > first and last > first.date():
            last -= datetime.timedelta(days=1)
        days = (last - first.date()).days
        return [first.date() + datetime.timedelta(days=n) for n in range(max(days, 0) + 1)]

    @property
    def when(self) -> str:
        """ "12 March 2026, 17:00–19:00 (Europe/Skopje, CET)", or for a meeting over several days "27 February 2025,
        09:00 – 28 February 2025, 17:00 (Europe/Skopje, CET)"; month names in the active language."""
        start, end = self.local_start, self.local_end
        if self.is_multi_day:
            text = f"{formats.date_format(start, 'j F Y, H:i')} – {formats.date_format(end, 'j F Y, H:i')}"
        else:
            text = f"{formats.date_format(start, 'j F Y, H:i')}–{formats.date_format(end, 'H:i')}"
        return f"{text} ({self.zone_label})"

    def time_on(self, day: datetime.date) -> str:
        """The meeting's local time on the calendar day ``day``: "17:00–19:00" for a meeting within one day; over
        several days "from 09:00" on the first, "until 17:00" on the last and "all day" in between."""
        start, end = formats.date_format(self.local_start, "H:i"), formats.date_format(self.local_end, "H:i")
        dates = self.local_dates()
        if len(dates) == 1:
            return f"{start}–{end}"
        if day == dates[0]:
            return gettext("from %(time)s") % {"time": start}
        if day == dates[-1]:
            return gettext("until %(time)s") % {"time": end}
        return gettext("all day")


def next_occurrence(page: EventPage, now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime] | None:
    """The first meeting of ``page`` that has not ended at ``now`` (UTC ``(start, end)``), or None."""
    for start, end in page.occurrences():
        if end > now:
            return start, end
    return None


def last_ended_occurrence(
    page: EventPage, now: datetime.datetime
) -> tuple[datetime.datetime, datetime.datetime] | None:
    """The last meeting of ``page`` when every meeting has ended at ``now``; None while one is still to end."""
    meetings = page.occurrences()
    if meetings[-1][1] > now:
        return None
    return meetings[-1]


# --- ordered light rows ----------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Timing:
    """A light row of a list before its events are loaded: ``sort_key`` orders it, ``pk`` names the event,
    ``starts_at`` / ``ends_at`` (UTC) are the meeting the list shows (the next one, or the last one in the
    archive)."""

    sort_key: tuple
    pk: int = field(compare=False)
    starts_at: datetime.datetime = field(compare=False)
    ends_at: datetime.datetime = field(compare=False)


def _maybe_running(now: datetime.datetime) -> Q:
    """Events that may have a meeting ending after ``now``: single events ending after it, and weekly series whose
    first meeting ended at most a year (the longest series) before it."""
    return Q(ends_at__gt=now) | Q(recurrence=Recurrence.WEEKLY, occurrence_count__gt=1, ends_at__gt=now - SERIES_SPAN)


def upcoming_timings(queryset, now: datetime.datetime | None = None) -> list[Timing]:
    """The events of ``queryset`` with a meeting still to end at ``now`` (UTC, default: now), soonest next meeting
    first (ties by pk). One query, whatever the number of events."""
    now = now or timezone.now()
    rows = queryset.filter(_maybe_running(now)).order_by().only(*TIMING_FIELDS)
    timings = []
    for page in rows:
        meeting = next_occurrence(page, now)
        if meeting is not None:
            timings.append(Timing((meeting[0], page.pk), page.pk, *meeting))
    timings.sort()
    return timings


def past_timings(queryset, now: datetime.datetime | None = None) -> list[Timing]:
    """The events of ``queryset`` whose every meeting has ended at ``now`` (UTC, default: now), the most recent
    (last meeting) first. One query, whatever the number of events."""
    now = now or timezone.now()
    rows = queryset.filter(ends_at__lte=now).order_by().only(*TIMING_FIELDS)
    timings = []
    for page in rows:
        meeting = last_ended_occurrence(page, now)
        if meeting is not None:
            start = meeting[0]
            timings.append(Timing((-start.timestamp(), -page.pk), page.pk, *meeting))
    timings.sort()
    return timings


def card_queryset(queryset=None):
    """``EventPage`` rows with what an event card shows: the country (joined), the host communities (with their
    countries) and the languages (prefetched): a fixed number of queries for any number of cards."""
    queryset = EventPage.objects.all() if queryset is None else queryset
    return queryset.select_related("country").prefetch_related(
        Prefetch("host_communities", queryset=Community.objects.select_related("country").order_by("kind", "name")),
        "languages",
    )


def load_pages(pks: Iterable[int], queryset=None) -> dict[int, EventPage]:
    """The events with primary keys ``pks``, ready for cards (:func:`card_queryset`), by pk (three queries)."""
    pks = list(pks)
    if not pks:
        return {}
    return {page.pk: page for page in card_queryset(queryset).filter(pk__in=pks)}


def occurrences_for(timings: Iterable[Timing], queryset=None) -> list[Occurrence]:
    """The :class:`Occurrence` of each timing, in the timings' order, with its page loaded for a card. Rows whose
    page is gone meanwhile are skipped."""
    timings = list(timings)
    pages = load_pages((timing.pk for timing in timings), queryset)
    return [Occurrence(pages[timing.pk], timing.starts_at, timing.ends_at) for timing in timings if timing.pk in pages]


def upcoming_occurrences(queryset, limit: int, now: datetime.datetime | None = None) -> list[Occurrence]:
    """The next ``limit`` events of ``queryset`` (soonest next meeting first), ready for cards."""
    return occurrences_for(upcoming_timings(queryset, now)[:limit])


# --- the month calendar -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarEntry:
    """A meeting on one calendar day: ``meeting`` and ``time`` (its local time that day, :meth:`Occurrence.time_on`)."""

    meeting: Occurrence
    time: str


@dataclass
class CalendarDay:
    """One cell of the month grid: ``date`` (a local calendar day), ``in_month`` (False for the days of the
    neighbouring months that fill the first and last week), ``is_today`` and the ``meetings`` on that day
    (:class:`CalendarEntry`, each on its own zone's calendar), by start time."""

    date: datetime.date
    in_month: bool
    is_today: bool
    meetings: list[CalendarEntry] = field(default_factory=list)


@dataclass
class MonthCalendar:
    """A month grid: ``first`` (the 1st of the month), ``weeks`` (lists of seven :class:`CalendarDay`, Monday
    first), ``previous`` and ``following`` (the 1st of the neighbouring months)."""

    first: datetime.date
    weeks: list[list[CalendarDay]]
    previous: datetime.date
    following: datetime.date

    @property
    def days_with_meetings(self) -> list[CalendarDay]:
        """The days of this month that have a meeting (the list shown on narrow screens)."""
        return [day for week in self.weeks for day in week if day.in_month and day.meetings]

    @property
    def meeting_count(self) -> int:
        """How many (meeting, day) entries the month itself shows."""
        return sum(len(day.meetings) for day in self.days_with_meetings)


def _shift_month(first: datetime.date, months: int) -> datetime.date:
    index = first.year * 12 + first.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_calendar(queryset, year: int, month: int, today: datetime.date | None = None) -> MonthCalendar:
    """The month grid of ``year``-``month`` with the meetings of ``queryset`` on each local day they take place
    (a meeting over several days on each of them, a weekly series on each week's day).

    The grid runs Monday to Sunday and includes the days of the neighbouring months that complete its first and
    last week (their meetings shown too). One query for the events, whatever their number. Raises ``ValueError``
    for a month outside 1–12 or a year outside ``datetime.date``'s range.
    """
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    first_day, last_day = weeks[0][0], weeks[-1][-1]
    window_start = datetime.datetime.combine(first_day, datetime.time.min, UTC) - MAX_ZONE_OFFSET
    window_end = datetime.datetime.combine(last_day, datetime.time.max, UTC) + MAX_ZONE_OFFSET
    today = today or timezone.localdate()
    days = {
        day: CalendarDay(date=day, in_month=day.month == month, is_today=day == today) for week in weeks for day in week
    }
    rows = queryset.filter(starts_at__lt=window_end).filter(_maybe_running(window_start)).select_related("country")
    for page in rows:
        for start, end in page.occurrences():
            if end <= window_start or start >= window_end:
                continue
            meeting = Occurrence(page, start, end)
            for day in meeting.local_dates():
                if day in days:
                    days[day].meetings.append(CalendarEntry(meeting, meeting.time_on(day)))
    for day in days.values():
        day.meetings.sort(key=lambda entry: (entry.meeting.starts_at, entry.meeting.page.pk))
    first = datetime.date(year, month, 1)
    return MonthCalendar(
        first=first,
        weeks=[[days[day] for day in week] for week in weeks],
        previous=_shift_month(first, -1),
        following=_shift_month(first, 1),
    )


# --- the archive: minutes and materials ------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcomes:
    """What the archive shows of an event's outcome to one visitor: ``minutes`` (True when approved minutes they
    may read exist) and ``materials`` (how many materials they may see)."""

    minutes: bool = False
    materials: int = 0


def outcomes_for(user, pages: Iterable[EventPage]) -> dict[int, Outcomes]:
    """For each of ``pages`` (any locale), what of its minutes and materials ``user`` may see, by page pk.

    Minutes and materials belong to the default-locale page of an event (``EventPage.canonical``); the canonical
    pages of all ``pages`` are loaded at once with their minutes, materials and communities, and ``user``'s
    registrations for them are primed (``events.permissions.prime_registrations``), so the permission checks
    (``can_view_minutes``, ``can_view_material``) make no query per event. A fixed number of queries.
    """
    from wagtail.models import Locale

    from . import permissions
    from .models import EventMinutes

    pages = list(pages)
    if not pages:
        return {}
    try:
        default_locale_id = Locale.get_default().pk
    except Locale.DoesNotExist:
        default_locale_id = pages[0].locale_id
    canonical = {
        page.translation_key: page
        for page in EventPage.objects.filter(
            translation_key__in={page.translation_key for page in pages}, locale_id=default_locale_id
        )
        .select_related("minutes")
        .prefetch_related("materials", "host_communities", "audience_communities")
    }
    permissions.prime_registrations(user, canonical.values())
    result = {}
    for page in pages:
        source = canonical.get(page.translation_key)
        if source is None:
            result[page.pk] = Outcomes()
            continue
        try:
            minutes = source.minutes  # selected with the page: no query, raises when there are none
        except EventMinutes.DoesNotExist:
            minutes = None
        result[page.pk] = Outcomes(
            minutes=minutes is not None and permissions.can_view_minutes(user, minutes),
            materials=sum(1 for item in source.materials.all() if permissions.can_view_material(user, item)),
        )
    return result
