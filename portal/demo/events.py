"""Demo events (``load_demo``, issue 7 item 8): the "Events" index under the English home page and the events of
:mod:`portal.demo.events_data` (the real RCP meeting in Skopje on 27–28 February 2025 with its approved minutes and
the joint statement's four priorities, a past and some upcoming DAG meetings per country, a bilateral exchange visit,
a training, a participatory workshop that is full with a waitlist, a hackathon, a weekly online coordination call
across a clock change and a webinar), with registrations, attendance, minutes and materials.

Two steps, like the communities demo, because the pages must exist before the page trees of the other locales are
synchronised (:func:`portal.i18n.sync_page_trees` aliases them into every locale) and the registrations need the
members of :func:`portal.demo.communities.ensure_community_content`:

1. :func:`ensure_events` (with the other pages): the index and the event pages, published.
2. :func:`ensure_event_activity` (after the community content): registrations, attendance of the past events,
   minutes and materials, all through the events services (``events.services.registrations``, ``.attendance``,
   ``.outcomes``), so seats, the waitlist, the logs, the cleaning of the minutes and the checks of the files are
   theirs; the organiser acting is the coordinator of the event's (first) host community.

Times: past events have fixed local times in their IANA zone; upcoming ones are placed a few weeks after the day the
demo is first loaded, at round local times. A later run leaves an event's dates alone while it lies ahead, and moves
an upcoming event that has meanwhile ended to the same distance ahead again (so the demo keeps upcoming events).

Idempotent: pages are found by slug under the index and get a new revision only when something differs; a person
who already has a registration for an event (in any state: they may have cancelled it while trying the demo) is
left alone; minutes are written only when the event has none, materials only when their request token is new. The
demo's registrations mail nobody (the demo is data, not people's actions): the outbox rows the service writes for
them are removed before the transaction commits, so the send task finds nothing. The services are looked up at run
time (``portal`` imports none of the apps, GUIDE §2).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import import_module
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from . import communities_data
from . import events_data as data
from .builder import ensure_countries
from .communities import _publish, find_communities, member_email, pdf_document
from .users import ROLES

UTC = datetime.UTC
#: Past events: people registered this long before the start.
REGISTERED_BEFORE = datetime.timedelta(days=14)
#: The most meetings a weekly series may have (``events.models.pages.MAX_OCCURRENCES``).
MAX_OCCURRENCES = 52


def _model(label: str):
    return apps.get_model(label)


def _service(name: str):
    """The events service module ``name`` (``registrations``, ``attendance``, ``outcomes``), looked up at run time."""
    return import_module(f"events.services.{name}")


# --- times -----------------------------------------------------------------------------------------------------------


def local_moment(text: str, zone: str) -> datetime.datetime:
    """``"YYYY-MM-DD HH:MM"`` local to ``zone`` as an aware UTC datetime."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _at(day: datetime.date, hhmm: str, zone: str) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.fromisoformat(hhmm), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def ahead(
    now: datetime.datetime, zone: str, weeks: int, weekday: int, start: str, end: str, days: int = 0
) -> tuple[datetime.datetime, datetime.datetime]:
    """``(start, end)`` in UTC of an event ``weeks`` weeks after ``now``'s local date in ``zone``, on the next
    ``weekday`` (0 = Monday) from ``start`` to ``end`` local time (``"HH:MM"``), ending ``days`` later."""
    day = now.astimezone(ZoneInfo(zone)).date() + datetime.timedelta(weeks=weeks)
    day += datetime.timedelta(days=(weekday - day.weekday()) % 7)
    return _at(day, start, zone), _at(day + datetime.timedelta(days=days), end, zone)


def next_clock_change(after: datetime.datetime, zone: str) -> datetime.date:
    """The first local date after ``after`` (aware) on which ``zone``'s UTC offset at noon differs from the day
    before (a daylight-saving change). Raises ``ValueError`` for a zone without one within 400 days."""
    tz = ZoneInfo(zone)
    day = after.astimezone(tz).date()
    offset = datetime.datetime.combine(day, datetime.time(12), tzinfo=tz).utcoffset()
    for _ in range(400):
        day += datetime.timedelta(days=1)
        current = datetime.datetime.combine(day, datetime.time(12), tzinfo=tz).utcoffset()
        if current != offset:
            return day
    raise ValueError(f"{zone} has no clock change within 400 days of {after:%Y-%m-%d}")


def weeks_across_clock_change(start: datetime.datetime, zone: str, weeks_after: int) -> int:
    """How many weekly meetings from ``start`` reach ``weeks_after`` meetings past ``zone``'s next clock change."""
    change = next_clock_change(start, zone)
    before = (change - start.astimezone(ZoneInfo(zone)).date()).days // 7 + 1
    return min(before + weeks_after, MAX_OCCURRENCES)


def schedule(spec: dict, now: datetime.datetime, page=None) -> dict:
    """The time fields of ``spec``'s event: fixed for ``("at", …)``; for ``("ahead", …)`` the existing ``page``'s
    times while its last meeting lies ahead, else new times counted from ``now``."""
    zone = spec["zone"]
    kind, *when = spec["when"]
    if kind == "at":
        start, end = local_moment(when[0], zone), local_moment(when[1], zone)
        return {"starts_at": start, "ends_at": end, "recurrence": "none", "occurrence_count": 1}
    if page is not None and not page.is_past(now):
        return {
            "starts_at": page.starts_at,
            "ends_at": page.ends_at,
            "recurrence": page.recurrence,
            "occurrence_count": page.occurrence_count,
        }
    start, end = ahead(now, zone, *when)
    times = {"starts_at": start, "ends_at": end, "recurrence": "none", "occurrence_count": 1}
    if "weekly_past_clock_change" in spec:
        times["recurrence"] = "weekly"
        times["occurrence_count"] = weeks_across_clock_change(start, zone, spec["weekly_past_clock_change"])
    return times


# --- step 1: pages ---------------------------------------------------------------------------------------------------


@dataclass
class EventsResult:
    """The index page and how many event pages this run created, gave a new revision, or left unchanged."""

    index: object
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def ensure_index(home):
    """The English "Events" index under ``home`` (slug ``events``), published. Returns ``(index, created)``."""
    EventIndexPage = _model("events.EventIndexPage")
    index = EventIndexPage.objects.child_of(home).filter(slug=data.INDEX_SLUG).first()
    created = index is None
    if created:
        index = home.add_child(
            instance=EventIndexPage(title=data.INDEX_TITLE, slug=data.INDEX_SLUG, locale=home.locale, live=False)
        )
    index.refresh_from_db()
    _publish(index, {"title": data.INDEX_TITLE, "intro": data.INDEX_INTRO})
    return index, created


def _scalar_values(spec: dict, times: dict, countries: dict) -> dict:
    online = spec["format"] in ("online", "hybrid")
    country = spec.get("country")
    return {
        "title": spec["title"],
        "event_type": spec["type"],
        "event_format": spec["format"],
        "timezone": spec["zone"],
        **times,
        "venue": spec.get("venue", ""),
        "address": "",
        "city": spec.get("city", ""),
        "country_id": countries[country].pk if country else None,
        "online_url": data.JOIN_LINK.format(slug=spec["slug"]) if online else "",
        "audience": spec.get("audience", data.PUBLIC),
        "summary": spec["summary"],
        "description": spec["description"],
        "capacity": spec.get("capacity"),
        "registration_required": True,
        "registration_opens_at": None,
        "registration_closes_at": None,
        "ask_organisation": True,
        "ask_accessibility": True,
        "ask_dietary": spec.get("ask_dietary", False),
    }


def _set_fields(page, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(page, name) != value:
            setattr(page, name, value)
            changed = True
    return changed


def _set_m2m(page, name: str, objects: list) -> bool:
    """Set the parental many-to-many ``name`` of ``page`` to ``objects`` unless it holds them already."""
    manager = getattr(page, name)
    if {obj.pk for obj in manager.all()} == {obj.pk for obj in objects}:
        return False
    manager.set(objects)
    return True


def _set_children(page, relation: str, model, names: list[str], rows: list[tuple]) -> bool:
    """Make the child objects ``relation`` of ``page`` hold ``rows`` (values of ``names``, in order), reusing the
    existing objects by position so their ids stay (answers to registration questions are keyed by id)."""
    existing = list(getattr(page, relation).all())
    if [tuple(getattr(obj, name) for name in names) for obj in existing] == rows:
        return False
    objects = []
    for position, row in enumerate(rows):
        obj = existing[position] if position < len(existing) else model()
        for name, value in zip(names, row, strict=True):
            setattr(obj, name, value)
        objects.append(obj)
    setattr(page, relation, objects)
    return True


def _agenda_rows(spec: dict) -> list[tuple]:
    return [
        (day, datetime.time.fromisoformat(hhmm) if hhmm else None, title, speaker)
        for day, hhmm, title, speaker in spec.get("agenda", [])
    ]


def ensure_event(index, spec: dict, context: dict, now: datetime.datetime) -> str:
    """Create or update the event ``spec`` under ``index``; publish it when something changed.

    ``context``: ``countries`` (by code), ``communities`` (by key), ``languages`` (``EventLanguage`` by code).
    Returns ``"created"``, ``"updated"`` or ``"unchanged"``.
    """
    EventPage = _model("events.EventPage")
    page = EventPage.objects.child_of(index).filter(slug=spec["slug"]).first()
    values = _scalar_values(spec, schedule(spec, now, page), context["countries"])
    created = page is None
    if created:
        page = index.add_child(instance=EventPage(slug=spec["slug"], locale=index.locale, live=False, **values))
        page.refresh_from_db()
    communities = context["communities"]
    changed = _set_fields(page, values)
    changed |= _set_m2m(page, "host_communities", [communities[key] for key in spec["hosts"]])
    changed |= _set_m2m(page, "audience_communities", [communities[key] for key in spec.get("audience_of", [])])
    changed |= _set_m2m(page, "languages", [context["languages"][code] for code in spec.get("languages", ["en"])])
    changed |= _set_children(
        page, "agenda_items", _model("events.AgendaItem"), ["day", "starts_at", "title", "speaker"], _agenda_rows(spec)
    )
    changed |= _set_children(
        page, "questions", _model("events.RegistrationQuestion"), ["label", "help_text", "required"],
        [tuple(row) for row in spec.get("questions", [])],
    )  # fmt: skip
    if created or changed or not page.live or page.has_unpublished_changes:
        page.save_revision(log_action=False).publish(log_action=False)
        return "created" if created else "updated"
    return "unchanged"


def ensure_events(home, now: datetime.datetime | None = None) -> EventsResult:
    """Step 1: the "Events" index under ``home`` (the English HomePage) and every event of
    :data:`events_data.EVENTS`, published. Needs the communities (:func:`communities.ensure_communities`)."""
    now = now or timezone.now()
    countries = ensure_countries()
    EventLanguage = _model("events.EventLanguage")
    context = {
        "countries": countries,
        "communities": find_communities(countries),
        "languages": {code: EventLanguage.objects.get_or_create(code=code)[0] for code in ("en", "sq", "bs", "mk",
                                                                                          "sr", "tr")},
    }  # fmt: skip
    index, created = ensure_index(home)
    result = EventsResult(index=index, created=int(created))
    for spec in data.EVENTS:
        outcome = ensure_event(index, spec, context, now)
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result


# --- step 2: registrations, attendance, minutes, materials --------------------------------------------------------


@contextmanager
def mail_suppressed() -> Iterator[None]:
    """Remove the ``event_registration`` outbox rows written inside the block (before the transaction commits, so the
    send task published on commit finds nothing to send). The demo runs alone, so newer rows are the block's own."""
    Outbox = _model("notifications.OutboxMessage")
    last = Outbox.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    yield
    Outbox.objects.filter(pk__gt=last, template="event_registration").delete()


def _people() -> dict:
    """Every person the demo may register, by ``(community key, position)`` and by demo login key:
    ``(user, organisation)``. Missing users (a demo login not created yet) are left out."""
    languages = {row[0]: row[7] for row in communities_data.COMMUNITIES}
    emails = {}
    for key, rows in communities_data.MEMBERS.items():
        for position, row in enumerate(rows):
            emails[(key, position)] = (member_email(row[0], row[1], languages[key]), row[4])
    login_emails = {role.key: role.email for role in ROLES}
    for key, _slug, _role, _sector, organisation, *_rest in communities_data.DEMO_LOGINS:
        emails[key] = (login_emails[key], organisation)
    users = {u.email.casefold(): u for u in get_user_model().objects.filter(email__in=[e for e, _ in emails.values()])}
    return {
        ref: (users[email.casefold()], organisation)
        for ref, (email, organisation) in emails.items()
        if email.casefold() in users
    }


def _events() -> dict:
    """The English event pages of the demo, by slug."""
    EventPage = _model("events.EventPage")
    index = _model("events.EventIndexPage").objects.filter(slug=data.INDEX_SLUG, locale__language_code="en").first()
    if index is None:
        return {}
    return {page.slug: page for page in EventPage.objects.child_of(index)}


def _backdate(registration, when: datetime.datetime) -> None:
    """Date the registration and its log at ``when`` (``auto_now_add`` fields, set with ``update()``)."""
    _model("events.Registration").objects.filter(pk=registration.pk).update(created_at=when)
    _model("events.RegistrationChange").objects.filter(registration=registration).update(at=when)


def _organiser(event, people: dict):
    """The coordinator (position 0 in :data:`communities_data.MEMBERS`) of the event's first host community (by the
    order of its ``hosts`` in the data), for the logs, minutes and materials; None when unknown."""
    spec = next((spec for spec in data.EVENTS if spec["slug"] == event.slug), None)
    person = people.get((spec["hosts"][0], 0)) if spec else None
    return person[0] if person else None


def ensure_registrations(events: dict, people: dict, now: datetime.datetime) -> int:
    """Register the people of :data:`events_data.REGISTRATIONS` who have no registration for the event yet (through
    ``events.services.registrations.register``, in order of arrival, two hours apart), and record the attendance of
    those registered here for a past event (``events.services.attendance.record_attendance``, by the organiser, at
    the end of the event): "attended" unless listed as absent. Returns how many were registered in this run."""
    registrations = _service("registrations")
    attendance = _service("attendance")
    Registration = _model("events.Registration")
    registered = 0
    for slug, spec in data.REGISTRATIONS.items():
        event = events.get(slug)
        if event is None:
            continue
        past = event.is_past(now)
        first_arrival = event.starts_at - REGISTERED_BEFORE if past else now - datetime.timedelta(days=3)
        taken = set(Registration.objects.filter(event=event).values_list("user_id", flat=True))
        absent = set(spec.get("absent", []))
        question = event.questions.order_by("sort_order", "pk").first()
        marks = {}
        for arrival, ref in enumerate(spec["people"]):
            if ref not in people or people[ref][0].pk in taken:
                continue
            user, organisation = people[ref]
            answers = {}
            if question is not None and arrival < len(spec.get("answers", [])):
                answers[str(question.pk)] = spec["answers"][arrival]
            when = first_arrival + datetime.timedelta(hours=2 * arrival)
            registration = registrations.register(
                user, event, registrations.RegistrationDetails(organisation=organisation, answers=answers), now=when
            )
            _backdate(registration, when)
            registered += 1
            if past and registration.status == "confirmed":
                marks[registration.pk] = "absent" if ref in absent else "attended"
        if marks:
            ended = event.last_ends_at
            attendance.record_attendance(event, marks, by=_organiser(event, people), now=ended)
            _model("events.RegistrationChange").objects.filter(registration_id__in=marks, action="attendance").update(
                at=ended
            )
    return registered


def ensure_minutes(events: dict, people: dict) -> int:
    """The minutes of :data:`events_data.MINUTES` for events that have none, through
    ``events.services.outcomes.save_minutes`` (cleaned HTML; approved ones a week after the event, by their author,
    the host's coordinator). Returns how many were created in this run."""
    outcomes = _service("outcomes")
    EventMinutes = _model("events.EventMinutes")
    created = 0
    for slug, (status, visibility, author, body) in data.MINUTES.items():
        event = events.get(slug)
        if event is None or author not in people or EventMinutes.objects.filter(event=event).exists():
            continue
        outcomes.save_minutes(
            event,
            by=people[author][0],
            body=body,
            visibility=visibility,
            approve=status == "approved",
            now=event.last_ends_at + datetime.timedelta(days=7),
        )
        created += 1
    return created


def ensure_materials(events: dict, people: dict) -> int:
    """The materials of :data:`events_data.MATERIALS` (links, or generated one-page PDFs), through
    ``events.services.outcomes`` by the host's coordinator. Each carries the request token ``demo:<n>`` (its place in
    the event's list), so a later run finds it again and adds nothing. Returns how many were created in this run."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    outcomes = _service("outcomes")
    EventMaterial = _model("events.EventMaterial")
    created = 0
    for slug, materials in data.MATERIALS.items():
        event = events.get(slug)
        organiser = _organiser(event, people) if event is not None else None
        if organiser is None:
            continue
        for position, (kind, title, visibility, url, document) in enumerate(materials):
            token = f"demo:{position}"
            if EventMaterial.objects.filter(event=event, request_token=token).exists():
                continue
            common = {"by": organiser, "title": title, "kind": kind, "visibility": visibility, "request_token": token}
            if document is None:
                material = outcomes.add_material_link(event, url=url, **common)
            else:
                filename, lines = document
                upload = SimpleUploadedFile(filename, pdf_document(lines), content_type="application/pdf")
                material = outcomes.add_material_file(event, uploaded_file=upload, **common)
            EventMaterial.objects.filter(pk=material.pk).update(
                created_at=event.last_ends_at + datetime.timedelta(days=1)
            )
            created += 1
    return created


@dataclass
class ActivityResult:
    """What :func:`ensure_event_activity` did in this run, and the totals in the database."""

    registered: int
    minutes_created: int
    materials_created: int
    registrations: int
    waitlisted: int


def ensure_event_activity(now: datetime.datetime | None = None) -> ActivityResult:
    """Step 2: registrations (through the service, mailing nobody), attendance, minutes and materials. Needs
    :func:`ensure_events` and :func:`portal.demo.communities.ensure_community_content` to have run."""
    now = now or timezone.now()
    events = _events()
    people = _people()
    with mail_suppressed():
        registered = ensure_registrations(events, people, now)
    Registration = _model("events.Registration")
    return ActivityResult(
        registered=registered,
        minutes_created=ensure_minutes(events, people),
        materials_created=ensure_materials(events, people),
        registrations=Registration.objects.filter(event__in=events.values()).count(),
        waitlisted=Registration.objects.filter(event__in=events.values(), status="waitlisted").count(),
    )
