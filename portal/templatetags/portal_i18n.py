"""Template tags for languages: ``{% language_links as links %}`` and ``{% hreflang_links %}``.

Both read the Wagtail ``page`` from the template context when there is one (any other ``page`` value, such as a
paginator page, is ignored) and delegate to :func:`portal.i18n.language_links`.
"""

from django import template
from django.conf import settings

from portal.i18n import language_links as _language_links

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """Return a list of :class:`portal.i18n.LanguageLink` for the page or view being rendered."""
    return _language_links(context.get("request"), context.get("page"))


@register.inclusion_tag("includes/hreflang_links.html", takes_context=True)
def hreflang_links(context):
    """Render ``<link rel="alternate" hreflang=...>`` for each language that has this same content.

    URLs are absolute (search engines require it); ``x-default`` points to the default language's version.
    """
    request = context.get("request")
    alternates = []
    default = None
    if request is not None:
        for link in _language_links(request, context.get("page")):
            if link.exact:
                url = request.build_absolute_uri(link.url)
                alternates.append({"code": link.code, "url": url})
                if link.code == settings.LANGUAGE_CODE:
                    default = url
    return {"alternates": alternates if len(alternates) > 1 else [], "default_url": default}
