"""Template helpers for the shared design components (templates/components/)."""

from django import template
from django.core.paginator import Page, Paginator
from django.http import QueryDict

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, name: str, value) -> str:
    """Return ``?<query>`` with parameter ``name`` set to ``value`` and every other GET parameter kept.

    Used by pagination so that filters and search terms survive a page change. Repeated parameters (``?country=a&
    country=b``) are kept as they are. Returns a string starting with ``?``, already URL-encoded; the template
    engine escapes ``&`` for HTML. Without a request in the context only ``name`` is set.
    """
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    query[name] = str(value)
    return "?" + query.urlencode()


@register.filter
def elided_page_range(paginator: Paginator, number: int):
    """Page numbers to show around page ``number``: first, last and two either side, with ``paginator.ELLIPSIS``.

    A thin wrapper over ``Paginator.get_elided_page_range`` (Django) so templates can call it.
    """
    if isinstance(paginator, Page):
        paginator = paginator.paginator
    return paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)


@register.filter
def has_required_fields(form) -> bool:
    """True when a visible field of ``form`` (a Django form) is required, so ``components/form_field.html`` marks
    it with "*": ``components/form.html`` shows its "Fields marked with * are required." line only then (a form of
    optional fields, such as a report draft, would otherwise promise a marker it never shows)."""
    visible = getattr(form, "visible_fields", None)
    return bool(visible) and any(field.field.required for field in visible())
