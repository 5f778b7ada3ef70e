"""The event page's registration routes (``register/``, ``cancel/``; issue 7 item 2): POST only, they call
``events.services.registrations`` and come back to the event page with a message (post/redirect/get).

Access is checked before these run: ``EventPage.serve`` refuses visitors who may not see the event. The service
is idempotent, so a double click on "Register" makes one registration (the second POST finds it and says so).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from events import permissions
from events.models import EventPage, RegistrationStatus
from events.services import registrations as services
from events.views.pages import registration_form_for


def _page_url(request, page: EventPage) -> str:
    return page.get_url(request) or "/"


def register(request, page: EventPage):
    """POST ``register/``: register the signed-in visitor for ``page``'s event with the form's answers.

    GET redirects to the page; anonymous visitors are sent to sign in. An invalid form re-renders the page with its
    errors (status 400); a refusal of the service (:class:`~events.services.registrations.RegistrationError`, e.g.
    members only, not open, closed) is shown as an error message on the page.
    """
    here = _page_url(request, page)
    if request.method != "POST":
        return redirect(here)
    if not request.user.is_authenticated:
        return redirect_to_login(here)
    event = page.canonical()
    before = permissions.registration_of(request.user, event)
    if before is not None and before.status != RegistrationStatus.CANCELLED:
        messages.info(request, _("You are already registered for this event."))
        return redirect(here)
    form = registration_form_for(page, event, request.POST)
    if not form.is_valid():
        response = page.render(request, context_overrides={"registration_form": form})
        response.status_code = 400
        return response
    try:
        registration = services.register(request.user, event, form.details())
    except services.RegistrationError as error:
        messages.error(request, error.message)
        return redirect(here)
    if registration.status == RegistrationStatus.CONFIRMED:
        messages.success(request, _("You are registered. We have sent you a confirmation by email."))
    else:
        messages.success(
            request,
            _(
                "The event is full, so you are on the waitlist. We will email you as soon as a seat is yours; "
                "your place in the queue is shown below."
            ),
        )
    return redirect(here)


def cancel(request, page: EventPage):
    """POST ``cancel/``: cancel the signed-in visitor's own registration for ``page``'s event (the first person
    waiting gets the seat and is told). Cancelling twice changes nothing. GET redirects to the page."""
    here = _page_url(request, page)
    if request.method != "POST":
        return redirect(here)
    if not request.user.is_authenticated:
        return redirect_to_login(here)
    event = page.canonical()
    registration = permissions.registration_of(request.user, event)
    if registration is None or registration.status == RegistrationStatus.CANCELLED:
        messages.info(request, _("You have no registration to cancel for this event."))
        return redirect(here)
    if event.is_past():
        messages.error(request, _("This event is over; its registrations can no longer be cancelled."))
        return redirect(here)
    try:
        services.cancel(registration, by=request.user)
    except services.RegistrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your registration has been cancelled."))
    return redirect(here)
