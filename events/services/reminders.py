"""Reminders before each meeting (issue 7 item 5): 24 hours and 1 hour before the start, to confirmed registrants.

``events.tasks.send_event_reminders`` calls :func:`send_due_reminders` every five minutes (Celery beat). Each
reminder goes at most once per registration, kind and meeting start, however often the task runs and even when two
workers run it at once: the :class:`~events.models.ReminderSent` row (unique on registration, kind and start) is
inserted in the same transaction as the outbox row, so the second attempt fails on the constraint and sends nothing
(on PostgreSQL the second insert waits for the first transaction and then fails).

A reminder is *due* from its moment (``start - lead``) until ``start - lead + grace``; outside that window it is
skipped, never sent late (after a long outage of the workers people get the next reminder, not a stale one). It is
also skipped for a registration confirmed after its moment: someone registering three hours before a meeting has
just had the confirmation and gets only the one-hour reminder. Waitlisted and cancelled people get none.

A weekly series has several meetings (``EventPage.occurrences``); each meeting has its own reminders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from events import permissions
from events.models import EventPage, Registration, RegistrationStatus, ReminderSent
from events.models.pages import MAX_OCCURRENCES
from portal.notifications.services import notify


@dataclass(frozen=True)
class ReminderKind:
    """``code`` (stored in ``ReminderSent.kind``), ``lead`` (how long before the start it goes) and ``grace`` (how
    late after its moment it may still go)."""

    code: str
    lead: timedelta
    grace: timedelta


#: The reminders, earliest first. The grace periods are shorter than the gap to the next reminder and leave the
#: one-hour reminder at least 30 minutes before the start.
REMINDERS = (
    ReminderKind("24h", timedelta(hours=24), timedelta(hours=4)),
    ReminderKind("1h", timedelta(hours=1), timedelta(minutes=30)),
)
LONGEST_LEAD = max(kind.lead for kind in REMINDERS)


def due_reminders(event: EventPage, now: datetime) -> list[tuple[ReminderKind, datetime, datetime]]:
    """``(kind, start, end)`` of each reminder of ``event`` due at ``now`` (UTC): ``start - lead <= now <
    start - lead + grace`` for each meeting ``(start, end)`` of the event."""
    due = []
    for start, end in event.occurrences():
        for kind in REMINDERS:
            moment = start - kind.lead
            if moment <= now < moment + kind.grace:
                due.append((kind, start, end))
    return due


def _candidate_events(now: datetime):
    """Live events with a meeting that may start within :data:`LONGEST_LEAD` (a weekly series started up to a year
    ago may still have meetings to come); the exact check is :func:`due_reminders`."""
    return (
        EventPage.objects.live()
        .filter(registrations__status=RegistrationStatus.CONFIRMED)
        .filter(starts_at__lte=now + LONGEST_LEAD, starts_at__gt=now - timedelta(weeks=MAX_OCCURRENCES))
        .select_related("country")
        .distinct()
    )


def _send_one(registration: Registration, kind: ReminderKind, start: datetime, end: datetime) -> bool:
    """Record and queue one reminder in one transaction; False when it was already sent (or the registration is no
    longer confirmed)."""
    with transaction.atomic():
        still_confirmed = (
            Registration.objects.select_for_update()
            .filter(pk=registration.pk, status=RegistrationStatus.CONFIRMED)
            .exists()
        )
        if not still_confirmed:
            return False
        try:
            with transaction.atomic():
                ReminderSent.objects.create(registration=registration, kind=kind.code, starts_at=start)
        except IntegrityError:
            return False
        notify(
            registration.user,
            "event_reminder",
            {
                "registration": registration,
                "event": registration.event,
                "kind": kind.code,
                "starts_at": start,
                "ends_at": end,
                "join_url": permissions.join_link_for_registration(registration),
            },
            dedupe_key=f"event-reminder:{registration.pk}:{kind.code}:{start.isoformat()}",
        )
    return True


def send_due_reminders(now: datetime | None = None) -> int:
    """Queue every reminder due at ``now`` (UTC; default: the current time) to confirmed registrants; return how
    many were queued. Idempotent and safe to run concurrently (see the module docstring)."""
    now = now or timezone.now()
    sent = 0
    for event in _candidate_events(now):
        due = due_reminders(event, now)
        if not due:
            continue
        registrations = list(Registration.objects.confirmed().filter(event=event).select_related("user").order_by("pk"))
        for kind, start, end in due:
            moment = start - kind.lead
            for registration in registrations:
                if registration.confirmed_at is not None and registration.confirmed_at > moment:
                    continue
                registration.event = event
                if _send_one(registration, kind, start, end):
                    sent += 1
    return sent
