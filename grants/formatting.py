"""How the sub-granting app writes money and times for people: one place for pages, services, mails and admin.

Template filters wrapping these live in :mod:`grants.templatetags.call_tags`.
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import formats, translation

from portal.countries import zone_display_name


def format_in_zone(when: datetime | None, zone_name: str, country_code: str | None = None) -> str:
    """``when`` (aware, any zone) shown in ``zone_name`` (IANA) as "16 July 2025, 16:00 (Europe/Skopje, CEST)".

    ``country_code`` (ISO) is the country of the call: a Kosovo call shows "(Kosovo, CET)" rather than the tz
    database's ``Europe/Belgrade`` (:func:`portal.countries.zone_display_name`).

    The date uses the active language's month names; the zone abbreviation is the one in force on that date
    (CET in winter, CEST in summer; "+03" for Istanbul, which has no letter abbreviation). Empty string for None.
    """
    if when is None:
        return ""
    from zoneinfo import ZoneInfo

    local = when.astimezone(ZoneInfo(zone_name))
    text = formats.date_format(local, "j F Y, H:i")
    return f"{text} ({zone_display_name(zone_name, country_code)}, {local.tzname()})"


def format_date(day: date | None) -> str:
    """A calendar date for people, as the pages write it: "1 January 2027" (``j F Y``, the active language's month
    names; Macedonian in Cyrillic). A datetime gives its own date as stored (convert it to the right zone first).
    Empty string for None."""
    if day is None:
        return ""
    return formats.date_format(day, "j F Y")


def call_country_code(call) -> str | None:
    """ISO code of ``call``'s country (None for a regional call). Select ``country`` with the call in lists."""
    return call.country.code if call.country_id else None


def format_eur(amount) -> str:
    """``Decimal("44000")`` → "EUR 44,000.00" (two decimals, thousands grouped as the active language does).

    None or a non-number gives "".
    """
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    return "EUR " + formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


def format_percent(value) -> str:
    """A percentage (Decimal, number or numeric string) as "20 %", "12.5 %" or "12,5 %": no exponent (``Decimal("20")
    .normalize()`` would give "2E+1"), no trailing zeros, the active language's decimal separator; Turkish writes
    the sign first ("%12,5").

    None or a non-number gives "".
    """
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return ""
    if not number.is_finite():
        return ""
    number = number.normalize()
    places = max(0, -number.as_tuple().exponent)
    text = formats.number_format(number.quantize(Decimal(1).scaleb(-places)), decimal_pos=places, use_l10n=True)
    if (translation.get_language() or "").startswith("tr"):
        return f"%{text}"
    return f"{text} %"
