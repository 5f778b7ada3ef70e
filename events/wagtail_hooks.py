"""Wagtail hooks of the events app. Each concern keeps its hooks in its own marked section."""

from wagtail import hooks

# --- registrations: seats freed by publishing a larger capacity (events.services.registrations) ----------------


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
