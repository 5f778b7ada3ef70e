"""Who may do what with events (issue 7). Views, templates, feeds, mails, search and exports call these; nothing
filters for access on its own.

Roles:
- **anyone**: public events (and their public minutes and materials once approved);
- **members**: members-only events of the communities they are active members of (``community.permissions``);
- **confirmed registrants**: the join link of an online or hybrid event, registrant-only materials, and for
  trainings a certificate once their attendance is recorded;
- **organisers**: active programme staff, and active coordinators of one of the event's host communities: they see
  and change registrations, record attendance, write minutes and attach materials.

``event`` arguments are ``EventPage`` instances; rules that concern registrations, minutes and materials are applied
to the event's default-locale page (``EventPage.canonical``), which the callers pass.
"""

from community.permissions import community_ids, is_active_staff

from .models import (
    Attendance,
    Audience,
    EventMaterial,
    EventMinutes,
    EventPage,
    MaterialVisibility,
    Registration,
    RegistrationStatus,
)


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _host_ids(event: EventPage) -> set[int]:
    cache = event.__dict__.setdefault("_host_ids_cache", None)
    if cache is None:
        cache = {c.pk for c in event.host_communities.all()}
        event.__dict__["_host_ids_cache"] = cache
    return cache


def is_audience_member(user, event: EventPage) -> bool:
    """True when ``user`` is an active member of one of the communities a members-only event is for."""
    if not _authenticated(user):
        return False
    return bool(community_ids(user) & event.audience_community_ids())


def is_organiser(user, event: EventPage) -> bool:
    """Active programme staff, or an active coordinator of one of ``event``'s host communities."""
    from community.models import Community
    from community.permissions import is_coordinator

    if not _authenticated(user):
        return False
    if is_active_staff(user):
        return True
    hosts = _host_ids(event) & community_ids(user)
    return any(is_coordinator(user, Community(pk=pk)) for pk in hosts)


def organised_event_ids(user):
    """A queryset of the pks of events ``user`` organises (every event for active staff; none for anonymous)."""
    from community.models import MemberRole, Membership

    if not _authenticated(user):
        return EventPage.objects.none().values("pk")
    if is_active_staff(user):
        return EventPage.objects.values("pk")
    coordinated = Membership.objects.active().filter(user=user, role=MemberRole.COORDINATOR).values("community_id")
    return EventPage.objects.filter(host_communities__in=coordinated).values("pk")


def can_view_event(user, event: EventPage) -> bool:
    """Live events: public ones for everyone; members-only ones for their audience members and organisers."""
    if not event.live:
        return False
    if event.audience == Audience.PUBLIC:
        return True
    return is_audience_member(user, event) or is_organiser(user, event)


def registration_of(user, event: EventPage) -> Registration | None:
    """``user``'s registration for ``event`` (its canonical page), cached on ``user`` for the request; None."""
    if not _authenticated(user):
        return None
    cache = user.__dict__.setdefault("_event_registration_cache", {})
    if event.pk not in cache:
        cache[event.pk] = Registration.objects.filter(user=user, event=event).first()
    return cache[event.pk]


def prime_registrations(user, events) -> None:
    """Fill the :func:`registration_of` cache for ``user`` and each of ``events`` (canonical pages) with one query,
    so lists that check registrant-only rules per event (the archive's minutes and materials) make no query per
    row. Nothing to do for anonymous users."""
    if not _authenticated(user):
        return
    events = [event for event in events if event.pk is not None]
    cache = user.__dict__.setdefault("_event_registration_cache", {})
    missing = [event.pk for event in events if event.pk not in cache]
    if not missing:
        return
    found = {
        registration.event_id: registration
        for registration in Registration.objects.filter(user=user, event_id__in=missing)
    }
    for pk in missing:
        cache[pk] = found.get(pk)


def forget_registration(user, event: EventPage) -> None:
    """Drop the cached :func:`registration_of` answer (after the user's registration changed in this request)."""
    getattr(user, "__dict__", {}).get("_event_registration_cache", {}).pop(event.pk, None)


def is_confirmed_registrant(user, event: EventPage) -> bool:
    registration = registration_of(user, event)
    return registration is not None and registration.status == RegistrationStatus.CONFIRMED


def can_register(user, event: EventPage) -> bool:
    """Signed-in people who may see the event; members-only events accept only their audience members (staff and
    coordinators included only when they are members). The window and capacity are checked by the service."""
    if not _authenticated(user) or not event.live:
        return False
    if event.audience == Audience.MEMBERS:
        return is_audience_member(user, event)
    return True


def can_see_join_link(user, event: EventPage) -> bool:
    """The join link of an online or hybrid event: confirmed registrants and organisers only (never the public,
    waitlisted or cancelled people)."""
    if not event.is_online or not event.online_url:
        return False
    return is_confirmed_registrant(user, event) or is_organiser(user, event)


def join_link_for_registration(registration: Registration) -> str:
    """The join link a mail (confirmation, reminder) to ``registration``'s person may carry: the event's link when
    the registration is confirmed and the event is online or hybrid; "" otherwise (waitlisted, cancelled, in
    person). Decided from the registration row itself, not from a cached :func:`registration_of`, because mails are
    written inside the transaction that changes the registration."""
    event = registration.event
    if registration.status != RegistrationStatus.CONFIRMED or not event.is_online:
        return ""
    return event.online_url or ""


def join_link_translation_keys(user, events) -> set:
    """The ``translation_key`` of each of ``events`` (pages of any locale) whose join link ``user`` may see: the
    rule of :func:`can_see_join_link`, answered for a whole list (a calendar feed) in at most two queries.

    Registrations belong to the default-locale page, so they are matched through the translation key, which every
    locale's copy of an event shares. Anonymous users get an empty set.
    """
    online = {event.translation_key for event in events if event.is_online and event.online_url}
    if not online or not _authenticated(user):
        return set()
    if is_active_staff(user):
        return online
    confirmed = Registration.objects.filter(
        user=user, status=RegistrationStatus.CONFIRMED, event__translation_key__in=online
    ).values_list("event__translation_key", flat=True)
    organised = EventPage.objects.filter(pk__in=organised_event_ids(user), translation_key__in=online).values_list(
        "translation_key", flat=True
    )
    return set(confirmed) | set(organised)


def can_manage_registrations(user, event: EventPage) -> bool:
    """See, confirm, move and cancel registrations, record attendance, export: organisers."""
    return is_organiser(user, event)


def _visibility_allows(user, event: EventPage, visibility: str) -> bool:
    if is_organiser(user, event):
        return True
    if not can_view_event(user, event):
        return False
    if visibility == MaterialVisibility.PUBLIC:
        return True
    if visibility == MaterialVisibility.MEMBERS:
        ids = _host_ids(event) | event.audience_community_ids()
        return _authenticated(user) and bool(community_ids(user) & ids)
    if visibility == MaterialVisibility.REGISTRANTS:
        return is_confirmed_registrant(user, event)
    return False


def can_view_minutes(user, minutes: EventMinutes) -> bool:
    """Organisers always (drafts included); others only approved minutes their visibility admits."""
    event = minutes.event
    if is_organiser(user, event):
        return True
    return minutes.is_approved and _visibility_allows(user, event, minutes.visibility)


def can_edit_minutes(user, event: EventPage) -> bool:
    """Write and approve minutes: organisers."""
    return is_organiser(user, event)


def can_view_material(user, material: EventMaterial) -> bool:
    """Who may see (and download) a material: by its own visibility (see ``MaterialVisibility``)."""
    return _visibility_allows(user, material.event, material.visibility)


def can_add_material(user, event: EventPage) -> bool:
    """Attach materials: organisers."""
    return is_organiser(user, event)


def can_download_certificate(user, event: EventPage) -> bool:
    """Attendees (attendance recorded as attended) of trainings, workshops, hackathons and webinars."""
    if not event.offers_certificates:
        return False
    registration = registration_of(user, event)
    return (
        registration is not None
        and registration.status == RegistrationStatus.CONFIRMED
        and registration.attendance == Attendance.ATTENDED
    )
