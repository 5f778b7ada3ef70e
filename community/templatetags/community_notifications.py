"""Template helpers for community notifications: item links, member names, local times, the unread badge.

``{% load community_notifications %}``, then::

    {% community_item_url kind item %}                path of the item in its workspace (mails prefix base_url)
    {{ notification.actor|member_name }}              full name, or "A member" (never the email address)
    {{ notification.created_at|community_time:community }}  14 March 2026, 10:15 (Europe/Skopje, CET)
    {% community_inbox user as inbox %}               inbox.unread (int), inbox.show (bool): one query
"""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import template
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import formats

from community.models import Membership, Notification
from community.notifications import actor_name, item_path
from portal.countries import zone_display_name

register = template.Library()


@register.simple_tag
def community_item_url(kind: str, item) -> str:
    """The path of ``item`` (a ``Notification.Kind`` ``kind``) in its workspace, in the active language."""
    return item_path(kind, item)


@register.filter
def member_name(user) -> str:
    """``{{ user|member_name }}``: the person's full name, or "A member"."""
    return actor_name(user)


@register.filter
def community_time(when, community) -> str:
    """``{{ when|community_time:community }}``: "27 March 2026, 11:00 (Europe/Skopje, CET)" in the community's zone
    (a Kosovo zone is named after the country; see ``portal.countries.zone_display_name``). "" for None."""
    if when is None:
        return ""
    try:
        zone = ZoneInfo(community.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = when.astimezone(zone)
    country_code = community.country.code if community.country_id else None
    text = formats.date_format(local, "j F Y, H:i")
    return f"{text} ({zone_display_name(zone.key, country_code)}, {local.tzname()})"


@register.simple_tag
def community_inbox(user) -> dict:
    """For the account menu: ``{"unread": n, "show": bool}`` in one query.

    ``unread`` counts the user's unread notifications they may still see (``Notification.objects.visible_to``);
    ``show`` is true for anyone who has ever belonged to a community or has a notification to read.
    """
    if not getattr(user, "is_authenticated", False):
        return {"unread": 0, "show": False}
    unread = (
        Notification.objects.visible_to(user)
        .unread()
        .order_by()
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            unread=Coalesce(Subquery(unread), 0),
            belongs=Exists(Membership.objects.filter(user_id=OuterRef("pk"))),
        )
        .values("unread", "belongs")
        .first()
    )
    if row is None:
        return {"unread": 0, "show": False}
    return {"unread": row["unread"], "show": bool(row["belongs"] or row["unread"])}
