"""How community pages write times: in the community's own zone, with the zone named (GUIDE §3, "Time").

The idea is the one of ``grants.formatting.format_in_zone`` (a call deadline "16 July 2025, 16:00 (Europe/Skopje,
CEST)"); the community app does not import grants (imports run ``grants → community → portal``), so it has its
own small copy built on the shared :func:`portal.countries.zone_display_name`.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import formats, timezone, translation

from portal.countries import zone_display_name


def community_zone(community) -> ZoneInfo:
    """The IANA zone of ``community`` (``Community.timezone``) as a ``ZoneInfo``."""
    return ZoneInfo(community.timezone)


def community_country_code(community) -> str | None:
    """ISO code of ``community``'s country (None for the RCP). Select ``country`` with the community in lists."""
    return community.country.code if community.country_id else None


def format_in_zone(when: datetime | None, zone_name: str, country_code: str | None = None) -> str:
    """``when`` (aware, any zone) shown in ``zone_name`` (IANA) as "12 March 2026, 17:00 (Europe/Skopje, CET)".

    The month is in the active language; the abbreviation is the one in force on that date (CET in winter, CEST
    in summer, "+03" for Istanbul). ``country_code`` names a zone by its country where the tz database's city
    would be wrong (a Kosovo community says "(Kosovo, CET)"). Empty string for None.
    """
    if when is None:
        return ""
    local = when.astimezone(ZoneInfo(zone_name))
    text = formats.date_format(local, "j F Y, H:i")
    return f"{text} ({zone_display_name(zone_name, country_code)}, {local.tzname()})"


def format_in_community_zone(when: datetime | None, community) -> str:
    """:func:`format_in_zone` in ``community``'s zone, named for its country."""
    return format_in_zone(when, community.timezone, community_country_code(community))


def local_today(community) -> date:
    """Today's date in ``community``'s zone (decision dates, exchange dates)."""
    return timezone.now().astimezone(community_zone(community)).date()


def format_percent(value: Decimal | None) -> str:
    """A percentage with one decimal place as the active language writes it: "45.5 %", "45,5 %", Turkish "%45,5".

    None gives "".
    """
    if value is None:
        return ""
    text = formats.number_format(Decimal(value), decimal_pos=1, use_l10n=True)
    if (translation.get_language() or "").startswith("tr"):
        return f"%{text}"
    return f"{text} %"
