"""The public event lists (issue 7 item 7), served by the routes of :class:`events.models.EventIndexPage`:

- ``""``: upcoming events (not ended), the soonest next meeting first, filtered and paginated;
- ``calendar/`` and ``calendar/<year>/<month>/``: a month grid (a list on phones) with the same filters;
- ``past/``: the archive, the most recent first, with what the visitor may see of minutes and materials.

Every list starts from :func:`visible_events`: ``EventPage.objects.visible_to(user)`` (members-only events only for
their audience) narrowed to the index's own children, so only pages of the index's locale. The filters are
:class:`events.filters.EventFilter`. Each view makes the same number of queries whatever the number of events
(tests/events/test_listing.py, test_month_calendar.py).
"""

import datetime

from django.http import Http404
from django.utils import timezone

from portal.cms.models.base import paginate, query_without_page

from .. import listing
from ..filters import EventFilter
from ..models import EventPage

#: Events per page of the upcoming list and of the archive.
PAGE_SIZE = 12
#: Years the month calendar serves (outside: 404, so crawlers following "next month" stop somewhere).
CALENDAR_YEARS = range(2000, 2101)


def visible_events(index, user):
    """The live events under ``index`` (an EventIndexPage) that ``user`` may see."""
    return EventPage.objects.visible_to(user).child_of(index)


def _filtered(index, request) -> EventFilter:
    return EventFilter(request.GET or None, queryset=visible_events(index, request.user))


def _common(index, request, filters, view: str) -> dict:
    return {
        "filters": filters,
        "filter_query": query_without_page(request),
        "events_view": view,
        "events_nav": index.events_nav_urls(request),
    }


def upcoming(index, request):
    """The upcoming events of ``index``: ``events`` (a paginator page of :class:`events.listing.Timing`) and
    ``meetings`` (its :class:`events.listing.Occurrence` rows, the next meeting of each event)."""
    filters = _filtered(index, request)
    page_obj = paginate(request, listing.upcoming_timings(filters.qs), per_page=PAGE_SIZE)
    context = _common(index, request, filters, "upcoming")
    context.update(events=page_obj, meetings=listing.occurrences_for(page_obj.object_list))
    return index.render(request, template="events/event_index_page.html", context_overrides=context)


def month(index, request, year: int | None = None, month: int | None = None):
    """The month grid of ``year``-``month`` (default: this month, UTC): ``calendar`` (a
    :class:`events.listing.MonthCalendar`) and the links to the neighbouring months (filters kept)."""
    today = timezone.localdate()
    year, month = (year, month) if year is not None else (today.year, today.month)
    if year not in CALENDAR_YEARS or not 1 <= month <= 12:
        raise Http404
    filters = _filtered(index, request)
    grid = listing.month_calendar(filters.qs, year, month, today=today)
    context = _common(index, request, filters, "calendar")
    context.update(
        calendar=grid,
        previous_url=_month_url(index, request, grid.previous),
        next_url=_month_url(index, request, grid.following),
    )
    return index.render(request, template="events/event_calendar.html", context_overrides=context)


def _month_url(index, request, first: datetime.date) -> str:
    if first.year not in CALENDAR_YEARS:
        return ""
    url = index.get_url(request) + index.reverse_subpage("calendar_month", args=(first.year, first.month))
    query = query_without_page(request)
    return f"{url}?{query}" if query else url


def past(index, request):
    """The archive of ``index``: ``events`` (a paginator page of timings), ``meetings`` (the last meeting of each
    event) and ``outcomes`` (:class:`events.listing.Outcomes` by page pk: the minutes and materials the visitor may
    see, found without a query per event)."""
    filters = _filtered(index, request)
    page_obj = paginate(request, listing.past_timings(filters.qs), per_page=PAGE_SIZE)
    meetings = listing.occurrences_for(page_obj.object_list)
    outcomes = listing.outcomes_for(request.user, [meeting.page for meeting in meetings])
    context = _common(index, request, filters, "past")
    context.update(
        events=page_obj,
        meetings=meetings,
        archive=[(meeting, outcomes.get(meeting.page.pk, listing.Outcomes())) for meeting in meetings],
    )
    return index.render(request, template="events/event_past.html", context_overrides=context)
