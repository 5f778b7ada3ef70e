"""The event page (issue 7 items 1–3): who may open it, what it shows, and how its answers are cached.

:meth:`events.models.EventPage.serve` calls :func:`refuse_outsider` before serving the page or one of its routes
and :func:`mark_per_visitor` on the answer; :meth:`EventPage.get_context` adds :func:`event_page_context`.

Texts (title, summary, description, agenda, question labels) come from the page being served (a translation or
an alias); seats, registrations and the join link always come from the default-locale page
(``EventPage.canonical``), so a person has one registration whatever language they register in.

Nothing here shows the waitlist to the public: the page says how many seats are left and, to a waitlisted person,
only their own position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

from events import permissions
from events.formatting import event_zone_label, format_in_event_zone, format_occurrence
from events.forms import RegistrationForm
from events.models import EventPage, Registration, RegistrationStatus
from events.services.registrations import free_seats


def refuse_outsider(page: EventPage, request):
    """The answer for a visitor who may not see ``page`` (a members-only event of communities they are not in),
    or None when they may.

    Anonymous visitors are sent to sign in; signed-in outsiders get ``Http404`` (raised), the same answer as for a
    page that does not exist, so the page's existence is not revealed (as community workspaces answer outsiders).
    """
    event = page.canonical()
    if permissions.can_view_event(request.user, page) and (
        event is page or permissions.can_view_event(request.user, event)
    ):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404


def mark_per_visitor(request, response):
    """The page shows each visitor their own registration (and a confirmed registrant the join link): every answer
    ``Vary: Cookie``, answers to signed-in visitors ``Cache-Control: private, no-store`` (never kept by a shared cache
    or the browser's history). Returns ``response``."""
    patch_vary_headers(response, ("Cookie",))
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_store=True)
    return response


@dataclass
class AgendaDay:
    """The agenda items of one day: ``number`` (1 = the first day), ``date`` (local date, None for a weekly series
    whose meetings each take the same agenda) and ``items`` (``AgendaItem`` rows in the editor's order)."""

    number: int
    date: date | None
    items: list = field(default_factory=list)


def agenda_by_day(page: EventPage) -> list[AgendaDay]:
    """``page``'s agenda grouped by day, days in order; item times are local wall-clock times of the event's zone
    (as typed). One query."""
    local_first_day = page.local(page.starts_at).date()
    series = len(page.occurrences()) > 1
    days: dict[int, AgendaDay] = {}
    for item in page.agenda_items.all():
        day = days.get(item.day)
        if day is None:
            when = None if series else local_first_day + timedelta(days=item.day - 1)
            day = days[item.day] = AgendaDay(number=item.day, date=when)
        day.items.append(item)
    for day in days.values():
        day.items.sort(key=lambda item: (item.starts_at is None, item.starts_at or time.min))
    return [days[number] for number in sorted(days)]


def host_links(page: EventPage) -> list[dict]:
    """The host communities of ``page``: ``[{"name", "url"}]``, ``url`` being the community's public page in the
    active language ("" when it has none). Two queries."""
    from wagtail.models import Locale

    from community.models import CommunityPage

    hosts = list(page.host_communities.all())
    if not hosts:
        return []
    try:
        locale = Locale.get_active()
    except Locale.DoesNotExist:
        locale = None
    urls = {}
    if locale is not None:
        pages = CommunityPage.objects.live().public().filter(community__in=hosts, locale=locale)
        urls = {p.community_id: p.url for p in pages}
    return [{"name": c.name, "url": urls.get(c.pk) or ""} for c in sorted(hosts, key=lambda c: c.name)]


def registration_state(event: EventPage, now=None) -> str:
    """Where registration for ``event`` (canonical) stands: ``"none"`` (the event takes no registrations),
    ``"not_open"`` (the window has not opened), ``"open"`` or ``"closed"``."""
    if not event.registration_required:
        return "none"
    now = now or timezone.now()
    opens, closes = event.registration_window()
    if opens is not None and now < opens:
        return "not_open"
    if now >= closes:
        return "closed"
    return "open"


def own_registration(user, event: EventPage) -> Registration | None:
    """``user``'s registration for ``event`` (canonical) with ``waitlist_position`` annotated, or None."""
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(event=event, user=user).with_waitlist_position().first()


def registration_form_for(page: EventPage, event: EventPage, data=None) -> RegistrationForm:
    """The registration form of ``event`` (canonical: answers are keyed by its questions), with question labels
    from ``page`` (the translation being served) when it has the same questions."""
    return RegistrationForm(event, data, label_source=list(page.questions.all()) if page is not event else None)


def event_page_context(page: EventPage, request) -> dict:
    """What templates/events/event_page.html needs besides ``page``:

    - ``event``: the default-locale page (registrations, seats, join link);
    - ``meetings``: each meeting as "12 March 2026, 17:00–19:00 (Europe/Skopje, CET)" (several for a series;
      ``events.formatting``);
      ``when``: the first one; ``zone_name``: the event's zone as named next to its times ("Kosovo, CET");
    - ``hosts`` (:func:`host_links`), ``languages``, ``agenda`` (:func:`agenda_by_day`);
    - ``seats_left``: free seats (None without a capacity or registration); never the waitlist;
    - ``registration_state`` (:func:`registration_state`), ``opens_at``/``closes_at`` (formatted, in the zone),
      ``my_registration`` (the visitor's own, with ``waitlist_position``), ``may_register``
      (``permissions.can_register``), ``registration_form`` (when the visitor may register now), ``can_cancel``;
    - ``join_url``: the join link, only when ``permissions.can_see_join_link``; else "";
    - ``is_past``, ``register_url``, ``cancel_url``.
    """
    user = request.user
    event = page.canonical()
    now = timezone.now()
    state = registration_state(event, now)
    mine = own_registration(user, event)
    active = mine is not None and mine.status != RegistrationStatus.CANCELLED
    may_register = permissions.can_register(user, event)
    is_past = event.is_past(now)
    opens, closes = event.registration_window()
    base = page.url or ""
    context = {
        "event": event,
        "meetings": [format_occurrence(event, start, end) for start, end in event.occurrences()],
        "when": format_occurrence(event, event.starts_at, event.ends_at),
        "zone_name": event_zone_label(event),
        "hosts": host_links(page),
        "languages": list(page.languages.all()),
        "agenda": agenda_by_day(page),
        "seats_left": free_seats(event) if state != "none" and not is_past else None,
        "registration_state": state,
        "opens_at": format_in_event_zone(opens, event) if opens else "",
        "closes_at": format_in_event_zone(closes, event),
        "my_registration": mine,
        "may_register": may_register,
        "registration_form": None,
        "can_cancel": active and not is_past,
        "join_url": event.online_url if permissions.can_see_join_link(user, event) else "",
        "is_past": is_past,
        "register_url": base + page.reverse_subpage("register"),
        "cancel_url": base + page.reverse_subpage("cancel"),
    }
    if state == "open" and may_register and not active:
        context["registration_form"] = registration_form_for(page, event)
    return context
