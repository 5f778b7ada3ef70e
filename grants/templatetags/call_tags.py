"""Template filters for calls: times in the call's zone with its name, EUR amounts, countdowns, languages.

``{% load call_tags %}``, then::

    {{ call.closes_at|in_call_zone:call }}     16 July 2025, 16:00 (Europe/Skopje, CEST)
    {{ submitted_at|in_zone:"Europe/Skopje" }} the same, given the zone's name (mails)
    {{ call.total_envelope|eur }}              EUR 44,000.00   (grouping and decimal mark of the active language)
    {% countdown call as text %}               5 days, 3 hours left / Closed / Opens on 1 June 2025, 09:00 (…)
    {{ call.accepted_languages|language_names }}   English, Macedonian
"""

from datetime import UTC, datetime

from django import template
from django.utils import timezone
from django.utils.translation import get_language_info, gettext, ngettext, pgettext

from grants.formatting import call_country_code, format_eur, format_in_zone, format_percent

register = template.Library()


@register.filter
def in_call_zone(when, call) -> str:
    """``{{ call.closes_at|in_call_zone:call }}``: see :func:`format_in_zone` (``call.timezone``, its country)."""
    return format_in_zone(when, call.timezone, call_country_code(call))


@register.filter
def in_zone(when, zone) -> str:
    """``{{ submitted_at|in_zone:zone }}`` where ``zone`` is an IANA zone name or a ``[zone name, country code]``
    pair (mails get these, not the call): see :func:`format_in_zone`."""
    if isinstance(zone, list | tuple):
        return format_in_zone(when, zone[0], zone[1] if len(zone) > 1 else None)
    return format_in_zone(when, zone)


@register.filter
def iso_utc(when) -> str:
    """An aware datetime as ISO 8601 in UTC (for ``<time datetime>`` and data attributes); "" for None."""
    if when is None:
        return ""
    return when.astimezone(UTC).isoformat()


@register.filter
def eur(amount) -> str:
    """``{{ amount|eur }}``: see :func:`format_eur`."""
    return format_eur(amount)


@register.filter
def percent(value) -> str:
    """``{{ tranche.percent|percent }}`` → "20 %", "12.5 %": see :func:`format_percent`."""
    return format_percent(value)


def countdown_text(call, now: datetime | None = None) -> str:
    """What a visitor reads about the call's timing at ``now`` (default: server now).

    Before opening: "Opens on <opening in the call's zone>"; while open: "x days, y hours left" (under a day:
    "y hours, z minutes left"); after the deadline: "Closed". The deadline second itself still counts as open.
    """
    now = now or timezone.now()
    status = call.status(now)
    if status == "upcoming":
        return gettext("Opens on %(when)s") % {
            "when": format_in_zone(call.opens_at, call.timezone, call_country_code(call))
        }
    if status == "closed":
        return pgettext("call status", "Closed")
    remaining = int((call.closes_at - now).total_seconds())
    days, rest = divmod(remaining, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        parts = [
            ngettext("%(count)d day", "%(count)d days", days) % {"count": days},
            ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours},
        ]
    else:
        parts = [
            ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours},
            ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes},
        ]
    return gettext("%(duration)s left") % {"duration": ", ".join(parts)}


@register.simple_tag
def countdown(call) -> str:
    """``{% countdown call %}``: see :func:`countdown_text`."""
    return countdown_text(call)


@register.filter
def language_names(codes) -> str:
    """``["en", "mk"]`` → "English, Macedonian" in the active language; unknown codes are shown as they are."""
    names = []
    for code in codes or []:
        try:
            names.append(str(get_language_info(code)["name_translated"]))
        except KeyError:
            names.append(str(code))
    return ", ".join(names)


@register.filter
def organisation_type_names(values) -> str:
    """``["association", "foundation"]`` → their labels (from ``community.models.OrganisationType``)."""
    from community.models import OrganisationType

    labels = dict(OrganisationType.choices)
    return ", ".join(str(labels.get(value, value)) for value in values or [])


@register.filter
def partner_rule(lot) -> str:
    """The partnership rule of a lot in words, e.g. "At least 1 partner organisation from at least 1 programme
    country other than the lead applicant's"; "" for a lot without partners required."""
    if not lot.cross_border and not lot.min_partners:
        return ""
    partners = ngettext(
        "at least %(count)d partner organisation", "at least %(count)d partner organisations", lot.min_partners
    ) % {"count": lot.min_partners}
    if not lot.min_partner_countries:
        return gettext("Needs %(partners)s.") % {"partners": partners}
    countries = ngettext(
        "at least %(count)d programme country other than the lead applicant's",
        "at least %(count)d programme countries other than the lead applicant's",
        lot.min_partner_countries,
    ) % {"count": lot.min_partner_countries}
    return gettext("Needs %(partners)s from %(countries)s.") % {"partners": partners, "countries": countries}
