"""``{% load event_page_tags %}``: an event's times in its own zone with the zone named (GUIDE §3, "Time"), for the
event page, "My events" and the registration and reminder mails.

Built on ``community.formatting.format_in_zone`` ("12 March 2026, 17:00 (Europe/Skopje, CET)"); a meeting is shown
as one span, "12 March 2026, 17:00 – 19:00 (Europe/Skopje, CET)", or with both dates when it runs over several days.
(These can move into ``events.formatting`` once the calendar helpers there are merged.)
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import template
from django.utils import formats

from community.formatting import format_in_zone
from portal.countries import zone_display_name

register = template.Library()


def _country_code(event) -> str | None:
    """ISO code of the event's country (names Kosovo's zone by the country); None without a country."""
    if not getattr(event, "country_id", None):
        return None
    return event.country.code


def format_event_time(when: datetime | None, event) -> str:
    """``when`` (aware) in ``event``'s zone, named: "12 March 2026, 17:00 (Europe/Skopje, CET)"; "" for None."""
    return format_in_zone(when, event.timezone, _country_code(event))


def format_event_span(start: datetime, end: datetime, event) -> str:
    """One meeting from ``start`` to ``end`` (aware) in ``event``'s zone with the zone named once:
    "12 March 2026, 17:00 – 19:00 (Europe/Skopje, CET)", or "27 February 2025, 09:00 – 28 February 2025, 17:00
    (Europe/Skopje, CET)" over several days. When the abbreviation changes in between (a clock change during the
    meeting), both ends are written in full."""
    zone = ZoneInfo(event.timezone)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    if local_start.tzname() != local_end.tzname():
        return f"{format_event_time(start, event)} – {format_event_time(end, event)}"
    first = formats.date_format(local_start, "j F Y, H:i")
    last = formats.time_format(local_end, "H:i") if local_start.date() == local_end.date() else None
    if last is None:
        last = formats.date_format(local_end, "j F Y, H:i")
    name = zone_display_name(event.timezone, _country_code(event))
    return f"{first} – {last} ({name}, {local_start.tzname()})"


def event_meetings(event) -> list[str]:
    """Each meeting of ``event`` as a :func:`format_event_span` string (several for a weekly series)."""
    return [format_event_span(start, end, event) for start, end in event.occurrences()]


@register.filter
def in_event_zone(when, event) -> str:
    """``{{ reminder_starts_at|in_event_zone:event }}`` → "12 March 2026, 17:00 (Europe/Skopje, CET)"."""
    return format_event_time(when, event)


@register.filter
def event_when(event) -> str:
    """``{{ event|event_when }}``: the first meeting as a span, in the event's zone, named."""
    return format_event_span(event.starts_at, event.ends_at, event)


@register.filter
def event_meeting_list(event) -> list[str]:
    """``{% for meeting in event|event_meeting_list %}``: every meeting of the event (see :func:`event_meetings`)."""
    return event_meetings(event)


@register.filter
def event_place(event) -> str:
    """Venue, address, city and country of ``event`` joined with commas ("" when none is set)."""
    parts = [event.venue, event.address, event.city]
    if getattr(event, "country_id", None):
        parts.append(str(event.country))
    return ", ".join(part for part in parts if part)


@register.simple_tag
def event_in_language(event):
    """``{% event_in_language event as shown %}``: the live page of ``event`` in the active language (its
    translation or alias), else ``event`` itself. Mails are rendered in the recipient's language, so titles and
    links follow it."""
    from wagtail.models import Locale

    try:
        locale = Locale.get_active()
    except Locale.DoesNotExist:
        return event
    if event.locale_id == locale.pk:
        return event
    translation = event.get_translation_or_none(locale)
    return translation if translation is not None and translation.live else event


@register.filter
def event_link(page) -> str:
    """``{{ shown|event_link }}``: the absolute URL of an event page (for mails), on ``WAGTAILADMIN_BASE_URL`` when
    Wagtail gives a path; "" when the page has no URL."""
    from django.conf import settings

    url = page.get_url() or ""
    if url.startswith("/"):
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url
    return url


@register.filter
def queue_position(registration) -> int | None:
    """``{{ registration|queue_position }}``: a waitlisted registration's place in the queue (1 = next); None for
    others. One query (see ``RegistrationQuerySet.with_waitlist_position``)."""
    from events.models import Registration

    return (
        Registration.objects.filter(pk=registration.pk)
        .with_waitlist_position()
        .values_list("waitlist_position", flat=True)
        .first()
    )


@register.simple_tag
def event_span(start, end, event) -> str:
    """``{% event_span starts_at ends_at event %}``: one meeting as :func:`format_event_span` writes it."""
    return format_event_span(start, end, event)
