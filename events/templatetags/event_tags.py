"""Template helpers for event times and calendars. ``{% load event_tags %}``, then::

    {{ event|event_when }}                 12 March 2026, 10:00–12:00 (Europe/Belgrade, CET)
                                           (27–28 February 2025, 09:30–17:00 (Europe/Skopje, CET) over two days;
                                           "…; weekly, 6 meetings until 16 April 2026" for a series)
    {% event_when event %}                 the same, as a tag
    {{ when|in_event_zone:event }}         12 March 2026, 17:00 (Europe/Skopje, CET): any aware datetime
    {% in_event_zone when event %}         the same, as a tag
    {% event_occurrence event start end %} one meeting of a series (items of event.occurrences)
    {{ event|event_occurrences }}          every meeting, formatted: a list of str
    {{ event|event_zone }}                 Europe/Belgrade, CET (the zone as named next to the times)
    {{ event|event_series }}               weekly, 6 meetings until 16 April 2026 ("" for a single event)
    {% event_calendar_urls event as cal %} cal.ics (the .ics download path), cal.google, cal.outlook (links
                                           without the join link); used by events/includes/event_calendar_links.html

All times are shown in the event's own zone, named (``events.formatting``).
"""

from django import template

from events import calendars, formatting

register = template.Library()


@register.filter(name="event_when")
def event_when_filter(event) -> str:
    """``{{ event|event_when }}``: :func:`events.formatting.format_event_when`."""
    return formatting.format_event_when(event) if event else ""


@register.simple_tag(name="event_when")
def event_when_tag(event) -> str:
    """``{% event_when event %}``: :func:`events.formatting.format_event_when`."""
    return event_when_filter(event)


@register.filter(name="in_event_zone")
def in_event_zone_filter(when, event) -> str:
    """``{{ when|in_event_zone:event }}``: :func:`events.formatting.format_in_event_zone`."""
    return formatting.format_in_event_zone(when, event) if event else ""


@register.simple_tag(name="in_event_zone")
def in_event_zone_tag(when, event) -> str:
    """``{% in_event_zone when event %}``: :func:`events.formatting.format_in_event_zone`."""
    return in_event_zone_filter(when, event)


@register.simple_tag
def event_occurrence(event, start, end) -> str:
    """``{% event_occurrence event start end %}``: one meeting, :func:`events.formatting.format_occurrence`."""
    return formatting.format_occurrence(event, start, end)


@register.filter
def event_occurrences(event) -> list[str]:
    """``{{ event|event_occurrences }}``: each meeting of the event (one for a single event), formatted."""
    return [formatting.format_occurrence(event, start, end) for start, end in event.occurrences()]


@register.filter
def event_zone(event) -> str:
    """``{{ event|event_zone }}``: "Europe/Belgrade, CET" (the abbreviation in force at the start)."""
    return formatting.event_zone_label(event)


@register.filter
def event_series(event) -> str:
    """``{{ event|event_series }}``: :func:`events.formatting.format_series`."""
    return formatting.format_series(event)


@register.simple_tag(takes_context=True)
def event_calendar_urls(context, event) -> dict:
    """``{% event_calendar_urls event as cal %}``: ``cal.ics`` (path of the .ics download), ``cal.google`` and
    ``cal.outlook`` (links that add the event, built from its UTC times; never with the join link)."""
    request = context.get("request")
    return {
        "ics": calendars.event_ics_path(event, request),
        "google": calendars.google_calendar_url(event, request),
        "outlook": calendars.outlook_calendar_url(event, request),
    }
