"""The events demo (``portal.demo.events``, part of ``load_demo``; issue 7 item 8): the real RCP meeting in Skopje
(27–28 February 2025) with minutes listing the joint statement's four priorities, past and upcoming DAG meetings in
each country's zone, a bilateral exchange visit, a training with attendance, a hackathon, a workshop full with a
waitlist, a weekly call across a clock change and a webinar; and running it again changes nothing.

The demo steps ``load_demo`` runs for the events (a home page, the communities, the demo users and members, the
events, the registrations) run once for the module, inside a transaction rolled back at the end; each
test's own changes are rolled back too. The whole command is tested in tests/portal/test_load_demo.py.
"""

import datetime
import io
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader
from wagtail.models import Locale, Page, Revision

from community.models import Community
from events import permissions
from events.models import (
    EventIndexPage,
    EventMaterial,
    EventMinutes,
    EventPage,
    Registration,
    RegistrationChange,
)
from events.services.registrations import RegistrationDetails, register
from portal.demo import communities, events, events_data, programme, users
from portal.demo.builder import build_site, ensure_countries
from portal.demo.users import ensure_demo_users
from portal.notifications.models import OutboxMessage
from portal.sanitize import clean_html

ZONES = {"BA": "Europe/Sarajevo", "XK": "Europe/Belgrade", "MK": "Europe/Skopje", "RS": "Europe/Belgrade",
         "TR": "Europe/Istanbul"}  # fmt: skip
PRIORITY_PHRASES = ["legal frameworks", "oversight agencies", "interoperable", "Integrity Watch platforms"]
EMAILS = {role.key: role.email for role in users.ROLES}


def load_events_demo(now=None):
    """What ``load_demo`` does for the events; returns the page and activity results of this run. (The aliases in
    the other locales, made by ``portal.i18n.sync_page_trees``, are checked in tests/portal/test_load_demo.py: they
    would double this module's setup time.)"""
    home = build_site(programme.HOME, []).pages[programme.HOME["slug"]]
    communities.ensure_communities(home, ensure_countries())
    ensure_demo_users()
    communities.ensure_community_content()
    pages = events.ensure_events(home, now)
    return pages, events.ensure_event_activity(now)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            cache.clear()
            output = load_events_demo()
            yield output
            transaction.set_rollback(True)
        cache.clear()


@pytest.fixture
def demo_db(demo, db):
    return demo


def english_events():
    return EventPage.objects.filter(locale=Locale.get_default())


def event(slug: str) -> EventPage:
    return english_events().get(slug=slug)


def user(key: str):
    return get_user_model().objects.get(email=EMAILS[key])


def local(when: datetime.datetime, zone: str) -> datetime.datetime:
    return when.astimezone(ZoneInfo(zone))


def counts() -> dict:
    return {
        "pages": Page.objects.count(),
        "events": EventPage.objects.count(),
        "registrations": Registration.objects.count(),
        "changes": RegistrationChange.objects.count(),
        "minutes": EventMinutes.objects.count(),
        "materials": EventMaterial.objects.count(),
        "revisions": Revision.objects.count(),
        "outbox": OutboxMessage.objects.count(),
    }


def test_an_events_index_under_the_english_home_with_at_least_ten_live_events(demo_db):
    index = EventIndexPage.objects.get(locale=Locale.get_default())
    assert (index.slug, index.title) == ("events", "Events")
    assert index.get_parent().specific_class.__name__ == "HomePage"
    assert english_events().child_of(index).live().count() == len(events_data.EVENTS) >= 10
    assert demo_db[0].created == len(events_data.EVENTS) + 1  # the index too


def test_the_skopje_meeting_on_27_and_28_february_2025_in_skopje_time(demo_db):
    skopje = event(events_data.SKOPJE_SLUG)
    assert skopje.timezone == "Europe/Skopje"
    assert local(skopje.starts_at, "Europe/Skopje") == datetime.datetime(
        2025, 2, 27, 9, 30, tzinfo=ZoneInfo("Europe/Skopje")
    )
    assert local(skopje.ends_at, "Europe/Skopje").date() == datetime.date(2025, 2, 28)
    assert skopje.starts_at.utcoffset() == datetime.timedelta(0)  # stored in UTC: 08:30
    assert skopje.starts_at.hour == 8
    assert (skopje.event_type, skopje.event_format, skopje.city, skopje.country.code) == (
        "rcp_meeting",
        "in_person",
        "Skopje",
        "MK",
    )
    assert [c.slug for c in skopje.host_communities.all()] == ["rcp"]
    assert skopje.is_past()
    assert {item.day for item in skopje.agenda_items.all()} == {1, 2}


def test_the_skopje_minutes_are_approved_clean_and_list_the_four_priorities(demo_db):
    minutes = EventMinutes.objects.get(event=event(events_data.SKOPJE_SLUG))
    assert minutes.is_approved and minutes.visibility == "public" and minutes.approved_at
    assert minutes.body == clean_html(minutes.body)
    priorities = minutes.body.split("<ol>", 1)[1].split("</ol>", 1)[0]
    assert priorities.count("<li>") == 4
    for phrase in PRIORITY_PHRASES:
        assert phrase in priorities, phrase
    assert permissions.can_view_minutes(None, minutes)
    # Written and approved through the outcomes service by the RCP's coordinator, a week after the meeting.
    assert minutes.written_by == minutes.approved_by
    assert minutes.written_by.email == communities.member_email("Dren", "Kelmendi", "en")
    assert minutes.approved_at.date() == datetime.date(2025, 3, 7)


def test_the_skopje_materials_link_the_joint_statement_and_a_real_pdf(demo_db):
    materials = {m.title: m for m in EventMaterial.objects.filter(event=event(events_data.SKOPJE_SLUG))}
    link = next(m for m in materials.values() if m.url)
    assert urlsplit(link.url).hostname == "kdi-kosova.org"
    document = next(m for m in materials.values() if m.file)
    assert document.visibility == "public" and document.content_type == "application/pdf"
    with document.file.open("rb") as handle:
        text = PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()
    assert "four priorities" in text and "Integrity Watch platforms" in text
    assert document.size_bytes == document.file.size
    assert {m.request_token for m in materials.values()} == {"demo:0", "demo:1"}
    assert all(permissions.can_view_material(None, m) for m in materials.values())


def test_each_country_has_dag_meetings_in_its_zone_past_and_upcoming(demo_db):
    dag_meetings = english_events().filter(event_type="dag_meeting").prefetch_related("host_communities")
    by_country = {}
    for meeting in dag_meetings:
        (host,) = meeting.host_communities.all()
        by_country.setdefault(host.country.code, []).append(meeting)
        assert meeting.timezone == ZONES[host.country.code], meeting.slug
    assert set(by_country) == set(ZONES)
    assert all(any(m.is_past() for m in meetings) for meetings in by_country.values())
    upcoming = [m for m in dag_meetings if not m.is_past()]
    assert len(upcoming) >= 3
    approved = EventMinutes.objects.filter(event__in=dag_meetings, status="approved")
    assert approved.count() >= 3
    members_only = [m for m in dag_meetings if m.is_members_only]
    assert len(members_only) >= 3
    for meeting in members_only:
        (host,) = meeting.host_communities.all()
        assert meeting.audience_community_ids() == {host.pk}, meeting.slug


def test_upcoming_events_start_at_round_local_times_weeks_ahead(demo_db):
    now = datetime.datetime.now(datetime.UTC)
    ahead = [spec for spec in events_data.EVENTS if spec["when"][0] == "ahead"]
    assert len(ahead) >= 6
    for spec in ahead:
        page = event(spec["slug"])
        start = local(page.starts_at, page.timezone)
        assert start.minute in (0, 30) and start.second == 0, spec["slug"]
        assert datetime.timedelta(weeks=1) <= page.starts_at - now <= datetime.timedelta(weeks=9), spec["slug"]


def test_online_events_have_a_clearly_fake_join_link_and_one_is_hybrid(demo_db):
    online = english_events().filter(event_format__in=["online", "hybrid"])
    assert online.filter(event_format="hybrid").exists()
    for page in online:
        assert urlsplit(page.online_url).hostname == "meet.example.org", page.slug
    assert not english_events().filter(event_format="in_person").exclude(online_url="").exists()


def test_the_dag_member_finds_an_upcoming_mk_meeting_and_registers_with_the_link(demo_db):
    member = user("dag_member")
    mk = Community.objects.get(slug="dag-mk")
    meeting = (
        EventPage.objects.visible_to(member)
        .filter(
            locale=Locale.get_default(), event_type="dag_meeting", host_communities=mk, starts_at__gt=timezone.now()
        )
        .order_by("starts_at")
        .first()
    )
    assert meeting is not None and meeting.is_members_only and meeting.is_online
    assert not EventPage.objects.visible_to(user("applicant")).filter(pk=meeting.pk).exists()
    assert permissions.registration_of(member, meeting) is None  # left for the member to register
    registration = register(member, meeting, RegistrationDetails(organisation="Faculty of Law, Skopje"))
    assert registration.is_confirmed
    assert permissions.can_see_join_link(member, meeting)
    assert not permissions.can_see_join_link(user("applicant"), meeting)


def test_after_the_pilot_meeting_the_dag_member_finds_its_minutes(demo_db):
    member = user("dag_member")
    pilot = event("dag-mk-pilot-testing-2025")
    minutes = EventMinutes.objects.get(event=pilot)
    assert minutes.is_approved and minutes.visibility == "members"
    assert permissions.can_view_minutes(member, minutes)
    assert not permissions.can_view_minutes(user("applicant"), minutes)
    assert not permissions.can_view_minutes(None, minutes)


def test_the_training_is_past_with_attendance_and_certificates(demo_db):
    training = event(events_data.TRAINING["slug"])
    assert training.event_type == "training" and training.offers_certificates and training.is_past()
    registrations = Registration.objects.filter(event=training)
    assert registrations.filter(attendance="attended").count() >= 3
    assert registrations.filter(attendance="absent").count() == 1
    assert permissions.can_download_certificate(user("dag_member"), training)
    assert RegistrationChange.objects.filter(registration__event=training, action="attendance").count() == (
        registrations.exclude(attendance="").count()
    )
    for registration in registrations:
        assert registration.queued_at < training.starts_at


def test_a_full_workshop_has_a_waitlist_in_arrival_order(demo_db):
    workshop = event(events_data.WORKSHOP["slug"])
    registrations = Registration.objects.filter(event=workshop)
    assert registrations.confirmed().count() == workshop.capacity == 12
    waiting = list(registrations.waitlisted())
    assert len(waiting) == 2
    last_confirmed = registrations.confirmed().order_by("-queued_at").first()
    assert all(w.queued_at > last_confirmed.queued_at for w in waiting)
    assert not workshop.is_past()


def test_the_hackathon_asks_a_custom_question_with_40_seats(demo_db):
    hackathon = event(events_data.HACKATHON["slug"])
    assert hackathon.event_type == "hackathon" and hackathon.capacity == 40 and not hackathon.is_past()
    question = hackathon.questions.first()
    assert question.required and "dataset" in question.label
    answers = [r.answers for r in Registration.objects.filter(event=hackathon)]
    assert len(answers) >= 5 and all(a.get(str(question.pk)) for a in answers)
    assert local(hackathon.starts_at, "Europe/Sarajevo").weekday() == 5  # Saturday
    assert (hackathon.ends_at - hackathon.starts_at) > datetime.timedelta(days=1)


def test_the_weekly_call_stays_at_ten_local_across_the_clock_change(demo_db):
    series = event(events_data.COORDINATION_CALLS["slug"])
    assert series.recurrence == "weekly" and series.is_members_only
    meetings = series.occurrences()
    local_starts = [local(start, "Europe/Belgrade") for start, _end in meetings]
    assert {(s.hour, s.minute) for s in local_starts} == {(10, 0)}
    assert len({s.utcoffset() for s in local_starts}) == 2  # CET and CEST
    assert {start.hour for start, _end in meetings} == {8, 9}  # UTC


def test_the_bilateral_visit_is_north_macedonia_visiting_kosovo(demo_db):
    visit = event(events_data.RETURN_VISIT["slug"])
    assert visit.event_type == "bilateral_visit" and visit.city == "Prishtina"
    assert visit.timezone == "Europe/Belgrade"
    assert {c.slug for c in visit.host_communities.all()} == {"dag-xk", "dag-mk"}
    assert {r.user.email.split("@")[1] for r in visit.registrations.select_related("user")} == {
        communities.MEMBERS_DOMAIN
    }
    assert english_events().filter(event_type="webinar").exists()


def test_demo_registrations_mail_nobody_and_go_through_the_service_log(demo_db):
    assert not OutboxMessage.objects.filter(template="event_registration").exists()
    registrations = Registration.objects.all()
    assert registrations.count() >= 60
    for registration in registrations.prefetch_related("changes"):
        actions = [change.action for change in registration.changes.all()]
        assert actions[0] in ("registered", "waitlisted"), registration.pk


def test_running_the_demo_again_changes_nothing(demo_db):
    before = counts()
    pages, activity = load_events_demo()
    assert counts() == before
    assert (pages.created, pages.updated) == (0, 0)
    assert (activity.registered, activity.minutes_created, activity.materials_created) == (0, 0, 0)


def test_a_later_run_moves_upcoming_events_that_have_ended_ahead_again(demo_db):
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=400)
    pages, _activity = load_events_demo(now=later)
    ahead = [spec["slug"] for spec in events_data.EVENTS if spec["when"][0] == "ahead"]
    assert pages.updated == len(ahead) and pages.created == 0
    for slug in ahead:
        assert not event(slug).is_past(later), slug
    assert event(events_data.SKOPJE_SLUG).starts_at.year == 2025


def test_a_cancelled_demo_registration_is_not_renewed(demo_db):
    webinar = event(events_data.WEBINAR["slug"])
    coordinator = user("dag_coordinator")
    registration = Registration.objects.get(event=webinar, user=coordinator)
    from events.services.registrations import cancel

    cancel(registration, by=coordinator)
    load_events_demo()
    registration.refresh_from_db()
    assert registration.status == "cancelled"


# --- the time helpers -------------------------------------------------------------------------------------------


def test_ahead_places_an_event_on_the_weekday_at_local_time():
    now = datetime.datetime(2026, 11, 29, 22, 10, tzinfo=datetime.UTC)  # a Sunday
    start, end = events.ahead(now, "Europe/Skopje", 3, events_data.TUE, "10:00", "13:00")
    assert local(start, "Europe/Skopje") == datetime.datetime(2026, 12, 22, 10, 0, tzinfo=ZoneInfo("Europe/Skopje"))
    assert end - start == datetime.timedelta(hours=3)
    start, end = events.ahead(now, "Europe/Sarajevo", 8, events_data.SAT, "09:00", "17:00", 1)
    assert (start.date().isoformat(), local(end, "Europe/Sarajevo").date().isoformat()) == ("2027-01-30", "2027-01-31")


def test_the_next_clock_change_and_a_series_across_it():
    november = datetime.datetime(2026, 11, 29, tzinfo=datetime.UTC)
    assert events.next_clock_change(november, "Europe/Belgrade") == datetime.date(2027, 3, 28)
    assert events.next_clock_change(datetime.datetime(2027, 4, 1, tzinfo=datetime.UTC), "Europe/Sarajevo") == (
        datetime.date(2027, 10, 31)
    )
    start = datetime.datetime(2027, 3, 10, 9, 0, tzinfo=datetime.UTC)  # Wednesday 10:00 CET
    assert events.weeks_across_clock_change(start, "Europe/Belgrade", 2) == 5  # 10, 17, 24 March; 31 March, 7 April
    with pytest.raises(ValueError, match="no clock change"):
        events.next_clock_change(november, "Europe/Istanbul")  # Türkiye keeps +03 all year


@pytest.mark.django_db  # an unsaved Page still looks up the default locale
def test_a_weekly_spec_is_scheduled_across_the_change_in_local_time():
    now = datetime.datetime(2026, 11, 29, 22, 10, tzinfo=datetime.UTC)
    times = events.schedule(events_data.COORDINATION_CALLS, now)
    assert times["recurrence"] == "weekly"
    page = EventPage(timezone="Europe/Belgrade", **times)
    starts = [local(start, "Europe/Belgrade") for start, _end in page.occurrences()]
    assert starts[0].date() == datetime.date(2026, 12, 9)
    assert starts[-1].date() == datetime.date(2027, 4, 7)  # two weeks after 28 March
    assert {(s.hour, s.minute) for s in starts} == {(10, 0)}
