"""Every change to who holds a seat at an event (issue 7 item 2) goes through this module, under one lock.

The lock is the event row (:func:`lock_event`, ``SELECT … FOR UPDATE`` on the default-locale ``EventPage``): every
function here takes it first, counts confirmed seats inside the same transaction and only then changes rows, so on
PostgreSQL 60 parallel registrations for 50 seats give exactly 50 confirmed and 10 waitlisted. (Without the lock,
two transactions could both count 49 confirmed and both confirm: the classic lost update; see
``tests/events/test_registration_concurrency.py``.) SQLite serialises writers, so the same code is safe there too.

Rules:
- one registration per person per event (database constraint); registering again while registered returns the
  existing registration (a double click creates one record); registering again after cancelling renews the row;
- a seat is free when confirmed < capacity (no capacity = no limit) and nobody is waiting ahead; otherwise the
  registration joins the waitlist in arrival order (``queued_at``, then id);
- whenever a seat frees up (a cancellation, a capacity increase, an organiser moving someone to the waitlist), the
  first people waiting are confirmed and told (:func:`fill_free_seats`);
- members-only events accept only members of their audience communities (``events.permissions.can_register``).

Mails are queued with ``portal.notifications.notify`` in the same transaction (outbox), template
``event_registration`` with ``occasion`` one of ``confirmed``, ``waitlisted``, ``promoted``, ``confirmed_by_organiser``,
``moved_to_waitlist``, ``cancelled_by_organiser``, and ``join_url`` (``events.permissions.join_link_for_registration``:
the link only for a confirmed registration of an online or hybrid event, else "").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from events import permissions
from events.models import EventPage, Registration, RegistrationChange, RegistrationStatus
from portal.notifications.services import notify

Action = RegistrationChange.Action


class RegistrationError(Exception):
    """A registration request that cannot be carried out. ``message`` is translated for the person who asked;
    ``code`` is stable: ``not_signed_in``, ``not_allowed``, ``members_only``, ``not_open``, ``closed``,
    ``missing_answer``, ``not_found``, ``not_confirmed``, ``not_organiser``, ``nobody_waiting``."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class RegistrationDetails:
    """What a registrant answers: ``organisation``, ``accessibility_needs``, ``dietary_needs`` (plain text) and
    ``answers`` (``{str(question id): answer}`` for the event's custom questions)."""

    organisation: str = ""
    accessibility_needs: str = ""
    dietary_needs: str = ""
    answers: dict[str, str] = field(default_factory=dict)


def lock_event(event: EventPage) -> EventPage:
    """Lock and return the default-locale row of ``event`` (``SELECT … FOR UPDATE`` on the event table only).

    Call inside ``transaction.atomic()``. Raises ``EventPage.DoesNotExist`` if the event was deleted.
    """
    canonical = event.canonical()
    locked = EventPage.objects.select_for_update(of=("self",)).get(pk=canonical.pk)
    locked.__dict__["_canonical_page"] = locked
    return locked


def _log(registration: Registration, action: str, by=None, note: str = "") -> None:
    RegistrationChange.objects.create(registration=registration, action=action, by=by, note=note[:255])


#: Occasions whose mail carries the event's ``.ics`` (with the join link, since the registrant is then confirmed).
CALENDAR_OCCASIONS = frozenset({"confirmed", "promoted", "confirmed_by_organiser"})


def _calendar_attachment(registration: Registration) -> list[tuple[str, bytes, str]]:
    """The registrant's ``.ics`` of the event, in their language and locale, with the join link when
    ``permissions.can_see_join_link`` allows it (asked afresh: the cached answer predates this change)."""
    from django.conf import settings
    from wagtail.models import Locale

    from events.calendars import event_calendar

    user, event = registration.user, registration.event
    permissions.forget_registration(user, event)
    language = getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE
    locale = Locale.objects.filter(language_code=language).first()
    page = (event.get_translation_or_none(locale) if locale else None) or event
    with translation.override(language):
        content = event_calendar(page, for_user=user)
    return [(f"{event.slug}.ics", content, "text/calendar")]


def _tell(registration: Registration, occasion: str, **extra) -> None:
    attachments = _calendar_attachment(registration) if occasion in CALENDAR_OCCASIONS else None
    notify(
        registration.user,
        "event_registration",
        {
            "registration": registration,
            "event": registration.event,
            "occasion": occasion,
            "join_url": permissions.join_link_for_registration(registration),
            **extra,
        },
        dedupe_key=None,
        attachments=attachments,
    )


def _confirmed_count(event: EventPage) -> int:
    return Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).count()


def free_seats(event: EventPage) -> int | None:
    """Seats left at ``event`` (its canonical page): None when there is no capacity limit, else >= 0."""
    event = event.canonical()
    if event.capacity is None:
        return None
    return max(event.capacity - _confirmed_count(event), 0)


def _check_answers(event: EventPage, details: RegistrationDetails) -> None:
    for question in event.questions.all():
        if question.required and not (details.answers.get(str(question.pk)) or "").strip():
            raise RegistrationError(
                _("Please answer the question “%(question)s”.") % {"question": question.label}, "missing_answer"
            )


def _check_may_register(user, event: EventPage, now: datetime) -> None:
    if not getattr(user, "is_authenticated", False):
        raise RegistrationError(_("Please sign in to register."), "not_signed_in")
    if not permissions.can_register(user, event):
        if event.is_members_only:
            raise RegistrationError(
                _("This event is for members of its communities only; you are not a member."), "members_only"
            )
        raise RegistrationError(_("You cannot register for this event."), "not_allowed")
    if not event.registration_required:
        raise RegistrationError(_("This event does not take registrations."), "not_open")
    opens, closes = event.registration_window()
    if opens is not None and now < opens:
        raise RegistrationError(_("Registration for this event has not opened yet."), "not_open")
    if now >= closes:
        raise RegistrationError(_("Registration for this event has closed."), "closed")


def register(user, event: EventPage, details: RegistrationDetails | None = None, *, now=None) -> Registration:
    """Register ``user`` for ``event``; return the registration (confirmed, or waitlisted when the event is full).

    Idempotent: a person already confirmed or waiting gets their existing registration back unchanged (a double
    click makes one record). A cancelled registration is renewed at the end of the queue.

    Raises :class:`RegistrationError` (``not_signed_in``, ``members_only``, ``not_allowed``, ``not_open``,
    ``closed``, ``missing_answer``). Mails the registrant (confirmation with the join link for online events, or
    the waitlist notice) when the transaction commits.
    """
    now = now or timezone.now()
    details = details or RegistrationDetails()
    event = event.canonical()
    _check_may_register(user, event, now)
    _check_answers(event, details)
    try:
        with transaction.atomic():
            registration = _register_locked(user, event, details, now)
    except IntegrityError:
        # Another request of the same person inserted the row first (the event lock normally serialises them; this
        # is the database constraint's backstop): the constraint kept one row, return it.
        registration = Registration.objects.get(event=event, user=user)
    permissions.forget_registration(user, event)
    return registration


def _register_locked(user, event, details, now):
    locked = lock_event(event)
    existing = Registration.objects.select_for_update().filter(event=locked, user=user).first()
    if existing is not None and existing.status != RegistrationStatus.CANCELLED:
        return existing
    waiting = Registration.objects.filter(event=locked, status=RegistrationStatus.WAITLISTED).exists()
    seat = not waiting and (locked.capacity is None or _confirmed_count(locked) < locked.capacity)
    status = RegistrationStatus.CONFIRMED if seat else RegistrationStatus.WAITLISTED
    fields = {
        "status": status,
        "organisation": details.organisation.strip()[:255],
        "accessibility_needs": details.accessibility_needs.strip(),
        "dietary_needs": details.dietary_needs.strip(),
        "answers": {key: str(value).strip() for key, value in details.answers.items()},
        "queued_at": now,
        "confirmed_at": now if seat else None,
        "cancelled_at": None,
        "attendance": "",
        "attendance_marked_at": None,
    }
    if existing is None:
        registration = Registration.objects.create(event=locked, user=user, **fields)
    else:
        registration = existing
        for name, value in fields.items():
            setattr(registration, name, value)
        registration.save()
    _log(registration, Action.REGISTERED if seat else Action.WAITLISTED, by=user)
    _tell(registration, "confirmed" if seat else "waitlisted")
    return registration


def fill_free_seats(event: EventPage, *, by=None, now=None, exclude: Registration | None = None) -> list[Registration]:
    """Confirm the first people waiting while seats are free; tell each of them. Returns those promoted.

    Call after anything that frees seats (a cancellation, a capacity increase; ``events.wagtail_hooks`` calls it
    when an event is published). ``exclude``: a registration skipped this time (the one an organiser just moved
    to the waitlist). Takes the event lock itself (nested in the caller's transaction when there is one).
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_event(event)
        waiting = Registration.objects.select_for_update().filter(event=locked).waitlisted()
        if exclude is not None:
            waiting = waiting.exclude(pk=exclude.pk)
        if locked.capacity is not None:
            free = max(locked.capacity - _confirmed_count(locked), 0)
            waiting = waiting[:free]
        promoted = list(waiting)
        for registration in promoted:
            registration.status = RegistrationStatus.CONFIRMED
            registration.confirmed_at = now
            registration.save(update_fields=["status", "confirmed_at", "updated_at"])
            _log(registration, Action.PROMOTED, by=by)
            _tell(registration, "promoted")
    return promoted


def _get_locked_registration(registration: Registration) -> tuple[EventPage, Registration]:
    locked = lock_event(registration.event)
    try:
        current = Registration.objects.select_for_update().get(pk=registration.pk, event=locked)
    except Registration.DoesNotExist as error:
        raise RegistrationError(_("This registration no longer exists."), "not_found") from error
    return locked, current


def cancel(registration: Registration, *, by, now=None) -> Registration:
    """Cancel ``registration`` (by the registrant or an organiser) and give a freed seat to the first person
    waiting. Cancelling a cancelled registration changes nothing.

    Raises :class:`RegistrationError` ``not_organiser`` when ``by`` is neither the registrant nor an organiser of
    the event. An organiser's cancellation is mailed to the registrant.
    """
    now = now or timezone.now()
    if by != registration.user and not permissions.is_organiser(by, registration.event):
        raise RegistrationError(_("Only the registrant or an organiser can cancel this registration."), "not_organiser")
    with transaction.atomic():
        locked, current = _get_locked_registration(registration)
        if current.status == RegistrationStatus.CANCELLED:
            return current
        current.status = RegistrationStatus.CANCELLED
        current.cancelled_at = now
        current.save(update_fields=["status", "cancelled_at", "updated_at"])
        _log(current, Action.CANCELLED, by=by)
        if by != current.user:
            _tell(current, "cancelled_by_organiser")
        fill_free_seats(locked, by=by, now=now)
    permissions.forget_registration(current.user, locked)
    return current


def confirm(registration: Registration, *, by, now=None) -> Registration:
    """An organiser confirms a waitlisted (or cancelled) registration, even beyond the capacity (an organiser's
    decision: the confirmed count may then exceed the capacity, which the registrations page shows).

    Raises :class:`RegistrationError` ``not_organiser``. The registrant is told.
    """
    now = now or timezone.now()
    _require_organiser(by, registration.event)
    with transaction.atomic():
        locked, current = _get_locked_registration(registration)
        if current.status == RegistrationStatus.CONFIRMED:
            return current
        current.status = RegistrationStatus.CONFIRMED
        current.confirmed_at = now
        current.cancelled_at = None
        current.save(update_fields=["status", "confirmed_at", "cancelled_at", "updated_at"])
        _log(current, Action.CONFIRMED, by=by)
        _tell(current, "confirmed_by_organiser")
    return current


def move_to_waitlist(registration: Registration, *, by, now=None) -> Registration:
    """An organiser gives ``registration``'s seat to the first person waiting and puts ``registration`` at the front
    of the waitlist (it keeps its arrival time, so it gets the next seat that frees up).

    Raises :class:`RegistrationError` ``not_organiser``, ``not_confirmed``, or ``nobody_waiting`` (with nobody on
    the waitlist the seat would stay empty: cancel the registration or lower the capacity instead). Both people
    are told.
    """
    now = now or timezone.now()
    _require_organiser(by, registration.event)
    with transaction.atomic():
        locked, current = _get_locked_registration(registration)
        if current.status != RegistrationStatus.CONFIRMED:
            raise RegistrationError(_("Only a confirmed registration can be moved to the waitlist."), "not_confirmed")
        if not Registration.objects.filter(event=locked).waitlisted().exclude(pk=current.pk).exists():
            raise RegistrationError(
                _("Nobody is on the waitlist to take this seat: cancel the registration or lower the capacity."),
                "nobody_waiting",
            )
        current.status = RegistrationStatus.WAITLISTED
        current.confirmed_at = None
        current.save(update_fields=["status", "confirmed_at", "updated_at"])
        _log(current, Action.MOVED_TO_WAITLIST, by=by)
        _tell(current, "moved_to_waitlist")
        fill_free_seats(locked, by=by, now=now, exclude=current)
    permissions.forget_registration(current.user, locked)
    return current


def _require_organiser(user, event: EventPage) -> None:
    if not permissions.is_organiser(user, event.canonical()):
        raise RegistrationError(_("Only the event's organisers can do this."), "not_organiser")
