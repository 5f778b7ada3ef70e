"""Attendance (issue 7 item 6): after an event has started, its organisers record for each confirmed registrant
whether they attended, were absent, or leave it "not recorded".

Rules:
- only organisers (:func:`events.permissions.is_organiser`) record attendance;
- only confirmed registrations carry attendance (waitlisted and cancelled people were not given a seat);
- only once the event has started (its first meeting's ``starts_at`` is past): nobody can have attended before;
- every change is written to :class:`~events.models.RegistrationChange` (action ``attendance``, the note says the
  new value) in the same transaction, under the event lock (:func:`events.services.registrations.lock_event`), so it
  cannot interleave with an organiser cancelling the same registration;
- marking a registration with the value it already has changes and logs nothing, so a form sent twice (a double
  click, a reload) leaves one log line per real change.

Attendance decides the certificate of attendance (``events.permissions.can_download_certificate``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events import permissions
from events.models import Attendance, EventPage, Registration, RegistrationChange, RegistrationStatus

from .registrations import RegistrationError, lock_event


class AttendanceError(RegistrationError):
    """Attendance that cannot be recorded. ``message`` is translated; ``code`` is one of ``not_organiser``,
    ``not_started``, ``not_confirmed`` (a registration that is not, or no longer, confirmed), ``not_found`` (not a
    registration of this event) or ``invalid`` (a value that is not an :class:`~events.models.Attendance`)."""


def attendance_open(event: EventPage, now: datetime | None = None) -> bool:
    """True once ``event`` (its first meeting) has started: attendance can be recorded from then on."""
    return event.starts_at <= (now or timezone.now())


def record_attendance(
    event: EventPage, marks: Mapping[int, str], *, by, now: datetime | None = None
) -> list[Registration]:
    """Record attendance at ``event`` (any locale's page; the canonical one is used).

    ``marks`` maps a registration id to an :class:`~events.models.Attendance` value (``"attended"``, ``"absent"``,
    or ``""`` for not recorded). All marks are applied or none: the whole call runs in one transaction under the
    event lock. ``now``: aware UTC, defaults to the current time. Returns the registrations whose attendance changed
    (each logged as a ``RegistrationChange`` of action ``attendance`` by ``by``, ``attendance_marked_at`` = now).

    Raises :class:`AttendanceError`: ``not_organiser`` (``by`` does not organise the event), ``not_started``,
    ``invalid`` (a value outside ``Attendance``), ``not_found`` (an id that is not a registration of the event) or
    ``not_confirmed`` (a registration that is waitlisted or cancelled, with the person's name in the message).
    """
    now = now or timezone.now()
    event = event.canonical()
    if not permissions.is_organiser(by, event):
        raise AttendanceError(_("Only the event's organisers can record attendance."), "not_organiser")
    if not attendance_open(event, now):
        raise AttendanceError(_("Attendance can be recorded once the event has started."), "not_started")
    wanted = {int(pk): value for pk, value in marks.items()}
    if any(value not in Attendance.values for value in wanted.values()):
        raise AttendanceError(_("Choose attended, absent or not recorded."), "invalid")
    if not wanted:
        return []
    changed = []
    with transaction.atomic():
        locked = lock_event(event)
        rows = {
            r.pk: r
            for r in Registration.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(event=locked, pk__in=wanted)
        }
        for pk in wanted:
            registration = rows.get(pk)
            if registration is None:
                raise AttendanceError(_("This registration no longer exists."), "not_found")
            if registration.status != RegistrationStatus.CONFIRMED:
                raise AttendanceError(
                    _("The registration of %(person)s is no longer confirmed; reload the page.")
                    % {"person": registration.user.get_full_name() or registration.user.email},
                    "not_confirmed",
                )
        for pk, value in wanted.items():
            registration = rows[pk]
            if registration.attendance == value:
                continue
            registration.attendance = value
            registration.attendance_marked_at = now if value else None
            registration.save(update_fields=["attendance", "attendance_marked_at", "updated_at"])
            RegistrationChange.objects.create(
                registration=registration,
                action=RegistrationChange.Action.ATTENDANCE,
                by=by,
                note=value or "not recorded",
            )
            changed.append(registration)
    for registration in changed:
        permissions.forget_registration(registration.user, event)
    return changed


def mark_attendance(registration: Registration, value: str, *, by, now: datetime | None = None) -> Registration:
    """Record one registrant's attendance (see :func:`record_attendance`, same errors); returns the registration
    as stored."""
    record_attendance(registration.event, {registration.pk: value}, by=by, now=now)
    return Registration.objects.get(pk=registration.pk)
