"""Wagtail admin of the events app. Each concern keeps its hooks in its own marked section.

The "Events" admin menu (:class:`EventsAdminGroup`) groups the events' admin views; add a viewset to ``items`` to
put it there.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.widgets.button import Button

from .admin_registrations import RegistrationViewSet, organiser_url

# --- Registrations and attendance for staff (issue 7 item 6; events.admin_registrations) -----------------------


class EventsAdminGroup(ViewSetGroup):
    """The "Events" admin menu: registrations (read-only; changes happen on the organiser pages)."""

    items = (RegistrationViewSet,)
    menu_icon = "date"
    menu_label = _("Events")
    menu_name = "events"
    menu_order = 250


@hooks.register("register_admin_viewset")
def register_events_viewsets():
    return EventsAdminGroup()


def _organises(page, user) -> bool:
    """True when ``page`` is an event (any locale) that ``user`` organises."""
    from events import permissions
    from events.models import EventPage

    if page.specific_class is not EventPage or not page.live:
        return False
    return permissions.is_organiser(user, page.specific_deferred.canonical())


@hooks.register("register_page_listing_more_buttons")
def event_registrations_listing_button(page, user, next_url=None):
    """ "Registrations" in an event's "More" menu of the page explorer: its organiser page on the site."""
    if _organises(page, user):
        yield Button(_("Registrations"), url=organiser_url(page), icon_name="list-ul", priority=55)


@hooks.register("register_page_header_buttons")
def event_registrations_header_button(page, user, view_name=None, next_url=None):
    """ "Registrations" in the header of an event's edit view."""
    if _organises(page, user):
        yield Button(_("Registrations"), url=organiser_url(page), icon_name="list-ul", priority=58)


# --- end of registrations and attendance -------------------------------------------------------------------------


# --- Finding events (issue 7 item 7): community pages, the home page, site search ------------------------------
#
# Contracts: ``community_public_meetings`` in community.public; ``home_page_sections`` and ``pages_visible_to`` in
# portal.cms.hooks. Everything shown on community pages and the home page is public (``public_listing``); search
# keeps members-only events for the people ``EventPage.objects.visible_to`` admits.

#: Upcoming events the home page shows.
HOME_PAGE_EVENTS = 3


@hooks.register("community_public_meetings")
def community_public_meetings(community, limit):
    """Public, live events hosted by ``community`` in the active locale, most recent first (upcoming and past):
    ``limit`` mappings of ``title``, ``url``, ``starts_at`` (UTC), ``timezone`` and ``place``."""
    from wagtail.models import Locale

    from .models import EventPage

    pages = (
        EventPage.objects.public_listing()
        .filter(locale=Locale.get_active(), host_communities=community)
        .order_by("-starts_at", "-pk")[:limit]
    )
    return [
        {
            "title": page.title,
            "url": page.url,
            "starts_at": page.starts_at,
            "timezone": page.timezone,
            "place": page.city,
        }
        for page in pages
    ]


@hooks.register("home_page_sections")
def home_page_upcoming_events(request, page):
    """The next :data:`HOME_PAGE_EVENTS` public events of the home page's tree (its locale), soonest first, with a
    link to the events index; nothing when none is coming."""
    from portal.cms.hooks import PageSection

    from .listing import upcoming_occurrences
    from .models import EventIndexPage, EventPage

    meetings = upcoming_occurrences(EventPage.objects.public_listing().descendant_of(page), HOME_PAGE_EVENTS)
    if not meetings:
        return None
    index = EventIndexPage.objects.child_of(page).live().public().first()
    return PageSection(
        template="events/includes/home_upcoming_events.html",
        context={"meetings": meetings, "index": index},
        order=50,
        stylesheet="css/events.css",
    )


@hooks.register("pages_visible_to")
def hide_events_from_outsiders(request, pages):
    """Leave out of ``pages`` (site search) the events ``request.user`` may not see: members-only events outside
    their audience (``EventPage.objects.visible_to``)."""
    from .models import EventPage

    hidden = EventPage.objects.exclude(pk__in=EventPage.objects.visible_to(request.user).values("pk")).values("pk")
    return pages.exclude(pk__in=hidden)


# --- end of "Finding events" -------------------------------------------------------------------------------------


# --- Registrations: seats freed by publishing a larger capacity (events.services.registrations) ----------------


@hooks.register("after_publish_page")
def give_free_seats_to_waitlist(request, page):
    """When an event is published from the admin (created or edited), give the seats that are now free (a larger
    capacity, or no limit any more) to the people waiting, in arrival order; each is told by email
    (``events.services.registrations.fill_free_seats``). Other pages are left alone; returns None so the admin
    carries on as usual."""
    from events.models import EventPage
    from events.services.registrations import fill_free_seats

    if isinstance(page, EventPage):
        fill_free_seats(page, by=request.user)


# --- end of seats freed by publishing -------------------------------------------------------------------------
