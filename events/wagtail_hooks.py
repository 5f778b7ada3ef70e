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
