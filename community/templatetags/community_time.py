"""``{% load community_time %}``: times of a community's workspace shown in its zone, and percentages (see
community.formatting)."""

from django import template

from ..formatting import format_in_community_zone, format_percent

register = template.Library()


@register.filter
def in_community_zone(when, community) -> str:
    """``{{ consultation.closes_at|in_community_zone:community }}`` → "12 March 2026, 17:00 (Europe/Skopje, CET)"."""
    return format_in_community_zone(when, community)


@register.filter
def community_percent(value) -> str:
    """``{{ row.share|community_percent }}`` → "45.5 %" (see :func:`community.formatting.format_percent`)."""
    return format_percent(value)
