"""``{% load event_mail_tags %}``: what the registration and reminder mails need besides the times of
``event_tags`` (``events.formatting``): the event in the recipient's language, absolute links, the place, and the
registrant's own place in the waitlist."""

from django import template

register = template.Library()


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
