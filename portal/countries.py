"""The five programme countries: codes, display names per language, and IANA time zones.

``PROGRAMME_COUNTRIES`` is the source for the ``Country`` rows (``load_demo`` writes them). Display names go through
gettext so every locale shows its own spelling (Türkiye/Turkey, Kosovo/Kosova): see context notes on naming.
"""

from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PROGRAMME_COUNTRIES = [
    # code, English name, local name, IANA zone
    ("BA", "Bosnia and Herzegovina", "Bosna i Hercegovina", "Europe/Sarajevo"),
    ("XK", "Kosovo", "Kosova", "Europe/Belgrade"),
    ("MK", "North Macedonia", "Северна Македонија", "Europe/Skopje"),
    ("RS", "Serbia", "Srbija", "Europe/Belgrade"),
    ("TR", "Türkiye", "Türkiye", "Europe/Istanbul"),
]

DISPLAY_NAMES = {
    "BA": _("Bosnia and Herzegovina"),
    "XK": _("Kosovo"),
    "MK": _("North Macedonia"),
    "RS": _("Serbia"),
    "TR": _("Türkiye"),
}


def display_name(code: str, default: str = ""):
    """Return the translated display name of the country with ISO code ``code`` (lazy string), or ``default``."""
    return DISPLAY_NAMES.get(code, default)


#: Time zones named by the country instead of their tz-database city. The tz database files Kosovo under
#: ``Europe/Belgrade`` (same rules: CET/CEST); a Kosovo call or event says "(Kosovo, CET)", not a Serbian city
#: (see the context notes on politically sensitive names). Keys: (country code, IANA zone).
ZONES_NAMED_BY_COUNTRY = {("XK", "Europe/Belgrade")}


def zone_display_name(zone_name: str, country_code: str | None = None) -> str:
    """The name shown for the IANA zone ``zone_name`` of something held in ``country_code`` (ISO, optional).

    Usually the IANA name itself (``Europe/Skopje``); the translated country name for the pairs in
    :data:`ZONES_NAMED_BY_COUNTRY`.
    """
    if country_code and (country_code, zone_name) in ZONES_NAMED_BY_COUNTRY:
        return str(display_name(country_code, zone_name))
    return zone_name


def validate_timezone(value: str) -> None:
    """Raise ``ValidationError`` unless ``value`` is an IANA time zone name (e.g. ``Europe/Skopje``).

    Used by every model that carries its own zone (calls, events)."""
    if value not in available_timezones():
        raise ValidationError(_("“%(zone)s” is not a known time zone."), params={"zone": value}, code="timezone")
