"""The Wagtail admin form of events (``EventPage.base_form_class``).

Staff type an event's times as wall-clock times in the event's own ``timezone`` (09:30 in Europe/Belgrade), whatever
their own zone or the server's; they are stored in UTC. The form shows stored times back in that zone, so saving an
event again (or its draft, or a revision) never moves them, and changing the zone keeps the wall-clock times typed
(09:30 Belgrade becomes 09:30 Istanbul). This is the pattern of ``grants.admin_views.CallAdminForm``, with one
difference: the typed time is never read in the staff member's zone first, so a time that does not exist there
(the hour skipped when the clocks go forward) is no obstacle; only a time that does not exist *in the event's zone*
is refused, with a message that says so.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

#: EventPage fields typed as wall-clock times in the event's zone.
LOCAL_TIME_FIELDS = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")
UTC = ZoneInfo("UTC")


class WallClockDateTimeField(forms.DateTimeField):
    """A datetime typed without a zone and kept naive: the form attaches the event's zone afterwards (Django's own
    field would read it in the current time zone and refuse times that do not exist there)."""

    def to_python(self, value):
        """A naive datetime (the wall-clock time typed), or an aware one when the input named its own offset
        (ISO 8601 with "+01:00"); None when empty. Raises ``ValidationError`` for input that is no datetime."""
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value
        try:
            parsed = parse_datetime(str(value).strip())
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed
        return super(forms.DateTimeField, self).to_python(value)  # BaseTemporalField: the input formats

    def prepare_value(self, value):
        # Naive values (the form's initial data) are already wall-clock times in the event's zone: show them as
        # they are, without Django's conversion to the current time zone.
        return value


@cache
def known_zones() -> frozenset[str]:
    """The IANA zone names of the tz database (read once per process)."""
    return frozenset(available_timezones())


def localise(wall: datetime, zone: ZoneInfo) -> datetime:
    """The aware datetime of the naive wall-clock time ``wall`` in ``zone``.

    Raises ``ValueError`` for a time that does not exist in ``zone`` (skipped when the clocks go forward). A time that
    exists twice (the hour repeated when they go back) is taken the first time (summer time).
    """
    aware = wall.replace(tzinfo=zone, fold=0)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
        raise ValueError("nonexistent local time")
    return aware


class EventPageForm(WagtailAdminPageForm):
    """Admin form of :class:`events.models.EventPage`: the times of :data:`LOCAL_TIME_FIELDS` are typed and shown
    as wall-clock times in the event's ``timezone`` and stored in UTC. A time that is shown to the minute and sent
    back unchanged keeps its stored value (seconds included)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone_name = self.instance.timezone if self.instance.timezone in known_zones() else None
        for name in LOCAL_TIME_FIELDS:
            field = self.fields.get(name)
            if field is None:
                continue
            self.fields[name] = WallClockDateTimeField(
                label=field.label,
                required=field.required,
                widget=field.widget,
                help_text=_("Wall-clock time in the event's time zone (e.g. 09:30 in Europe/Belgrade)."),
                disabled=field.disabled,
            )
            value = getattr(self.instance, name, None)
            if zone_name and value is not None and timezone.is_aware(value):
                self.initial[name] = value.astimezone(ZoneInfo(zone_name)).replace(tzinfo=None)

    def clean(self):
        cleaned = super().clean()
        self._localise_times(cleaned)
        return cleaned

    def _localise_times(self, cleaned) -> None:
        """Attach the chosen zone to the typed wall-clock times (the ``timezone`` field reports an unknown zone)."""
        zone_name = cleaned.get("timezone") or self.instance.timezone
        if zone_name not in known_zones():
            zone_name = "UTC"  # the timezone field reports the error; the form is invalid and saves nothing
        zone = ZoneInfo(zone_name)
        for name in LOCAL_TIME_FIELDS:
            wall = cleaned.get(name)
            if wall is None:
                continue
            if timezone.is_aware(wall):  # typed with its own offset: an instant, not a wall-clock time
                continue
            try:
                value = localise(wall, zone)
            except ValueError:
                self.add_error(
                    name,
                    ValidationError(
                        _(
                            "%(time)s does not exist in %(zone)s: the clocks go forward then. Choose a time an hour "
                            "later or earlier."
                        ),
                        params={"time": wall.strftime("%Y-%m-%d %H:%M"), "zone": zone_name},
                        code="nonexistent_time",
                    ),
                )
                continue
            stored = getattr(self.instance, name, None) if self.instance.pk else None
            if stored is not None and stored.replace(second=0, microsecond=0) == value:
                value = stored  # shown to the minute and sent back unchanged: keep the stored value
            cleaned[name] = value
