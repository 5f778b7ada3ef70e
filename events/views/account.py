""" "My events" (issue 7): the signed-in person's own registrations, upcoming and past, with their status and, on a
waitlist, their own place in the queue. Only the person's own rows (``Registration.objects.filter(user=…)``); the
answer is ``Cache-Control: private, no-store``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from events.formatting import format_occurrence
from events.models import EventPage, Registration, RegistrationStatus


@dataclass
class MyEvent:
    """One line of "My events": ``registration`` (with ``waitlist_position``), ``page`` (the event in the active
    language when it has a live page there, else the default-locale page), ``url`` and ``when`` (the next meeting,
    or the last one of a past event, formatted in the event's zone)."""

    registration: Registration
    page: EventPage
    url: str
    when: str
    meeting_count: int


def _pages_in_active_language(events: list[EventPage]) -> dict:
    """``{translation_key: page}`` of the live pages of ``events`` in the active locale (one query; {} when the
    active locale is the events' own)."""
    from wagtail.models import Locale

    try:
        locale = Locale.get_active()
    except Locale.DoesNotExist:
        return {}
    keys = {event.translation_key for event in events if event.locale_id != locale.pk}
    if not keys:
        return {}
    pages = EventPage.objects.live().filter(locale=locale, translation_key__in=keys)
    return {page.translation_key: page for page in pages}


def my_events_lists(request, now=None) -> tuple[list[MyEvent], list[MyEvent]]:
    """``(upcoming, past)`` for ``request.user``: upcoming = confirmed or waitlisted registrations of events that
    have not ended (soonest first); past = registrations of events that have ended, cancelled ones left out (most
    recent first). Three queries whatever the number of registrations."""
    now = now or timezone.now()
    registrations = list(
        Registration.objects.filter(user=request.user, event__live=True)
        .select_related("event", "event__country")
        .with_waitlist_position()
        .order_by("event__starts_at", "pk")
    )
    shown = _pages_in_active_language([r.event for r in registrations])
    upcoming, past = [], []
    for registration in registrations:
        event = registration.event
        meetings = event.occurrences()
        page = shown.get(event.translation_key, event)
        url = page.get_url(request) or ""
        if event.is_past(now):
            if registration.status == RegistrationStatus.CANCELLED:
                continue
            start, end = meetings[-1]
            past.append(MyEvent(registration, page, url, format_occurrence(event, start, end), len(meetings)))
        elif registration.status != RegistrationStatus.CANCELLED:
            start, end = next((m for m in meetings if m[1] > now), meetings[-1])
            upcoming.append(MyEvent(registration, page, url, format_occurrence(event, start, end), len(meetings)))
    past.reverse()
    return upcoming, past


@require_GET
def my_events(request):
    """ "My events": the signed-in person's upcoming and past registrations (anonymous visitors sign in first)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    upcoming, past = my_events_lists(request)
    response = render(
        request,
        "events/my_events.html",
        {"upcoming": upcoming, "past": past, "current_title": _("My events")},
    )
    patch_cache_control(response, private=True, no_store=True)
    return response
