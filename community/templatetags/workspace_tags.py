"""Template helpers of the community workspaces. ``{% load workspace_tags %}``.

- ``{% if user|has_workspaces %}``: the user may enter at least one community workspace (the account menu links
  "My workspaces" for them). One query, cached on the user object for the request
  (:func:`community.permissions.community_ids`).
- ``{{ post.body|user_html }}``: stored user rich text, cleaned again by :func:`portal.sanitize.clean_html` on the
  way out and marked safe (defence in depth: the services store clean HTML already; never ``|safe`` on user data).
- ``{% communities_page_url as url %}``: the URL of the public "Communities" page in the active language (the
  ``CommunityIndexPage`` of the active locale, else of the default language), or ``/communities/`` when there is
  none.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

from portal.sanitize import clean_html

from .. import permissions

register = template.Library()

#: Where the public communities page lives when no ``CommunityIndexPage`` is published (the demo's path).
COMMUNITIES_PATH = "/communities/"


@register.filter
def has_workspaces(user) -> bool:
    """True when ``user`` (signed in, active) may enter at least one community workspace."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return bool(permissions.community_ids(user))


@register.filter
def user_html(value) -> str:
    """``value`` (user rich text) cleaned by :func:`portal.sanitize.clean_html` and marked safe for output."""
    return mark_safe(clean_html(value))  # noqa: S308 — clean_html's output is safe HTML by contract


@register.simple_tag(takes_context=True)
def communities_page_url(context) -> str:
    """The URL of the live, public communities index page in the active language (see the module docstring)."""
    from wagtail.models import Locale

    from ..models import CommunityIndexPage

    pages = CommunityIndexPage.objects.live().public()
    page = None
    try:
        page = pages.filter(locale=Locale.get_active()).first()
    except Locale.DoesNotExist:
        pass
    if page is None:
        page = pages.filter(locale__language_code=settings.LANGUAGE_CODE).first() or pages.first()
    if page is None:
        return COMMUNITIES_PATH
    return page.get_url(context.get("request")) or COMMUNITIES_PATH
