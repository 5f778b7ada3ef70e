"""``{% event_outcomes event %}``: the minutes, materials, certificate button and organiser links of an event page
(issue 7 item 6), for the person looking. The event page's template includes
``events/includes/event_outcomes.html``, which calls this tag; the context comes from
:func:`events.views.outcomes.outcomes_context` (every rule from ``events.permissions``)."""

from django import template

register = template.Library()


@register.inclusion_tag("events/includes/outcomes_panel.html", takes_context=True)
def event_outcomes(context, event):
    """Render the outcomes block of ``event`` (an EventPage of any locale) for ``context["request"].user``.

    Renders nothing visible when there is nothing the user may see (no approved minutes for them, no material, no
    certificate, not an organiser)."""
    from events.views.outcomes import outcomes_context

    request = context.get("request")
    if request is None:
        return {"event": event, "minutes": None, "materials": [], "certificate_url": "", "organiser_links": []}
    return outcomes_context(request, event)


@register.filter
def minutes_html(value) -> str:
    """``{{ minutes.body|minutes_html }}``: the allow-listed HTML of the minutes, cleaned again on output (the
    service stored it cleaned; a row written another way still cannot carry script). Never ``|safe``."""
    from django.utils.safestring import mark_safe

    from portal.sanitize import clean_html

    return mark_safe(clean_html(value))  # noqa: S308  (clean_html output is the allow-list only)
