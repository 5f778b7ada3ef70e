"""The upcoming events list and the archive of past events (issue 7 item 7): what they show, to whom, in which
order, with which filters; minutes and materials in the archive. Query counts: tests/events/test_listing_queries.py.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from wagtail.models import Locale, Page

from events.models import Audience, MaterialVisibility, MinutesStatus, Recurrence
from events.views.listing import PAGE_SIZE
from tests.community.community_factories import RCPFactory, community_member, dag
from tests.events.factories import EventIndexPageFactory, event_page, material, minutes
from tests.portal.factories import HomePageFactory, UserFactory

UTC = datetime.UTC
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
SECRET = "qvzkmembersonlytoken"  # planted in members-only content; appears nowhere else
JOIN_TOKEN = "zzjoinlinktoken"


def at(day, hour=10, minute=0, zone="Europe/Belgrade", month=3, year=2026):
    """An aware UTC datetime for a local wall-clock time in ``zone``."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def meeting(index, title, start, hours=2, **fields):
    return event_page(index, title=title, starts_at=start, ends_at=start + datetime.timedelta(hours=hours), **fields)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def mk():
    return dag("MK")


@pytest.fixture
def rs():
    return dag("RS")


def page_text(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_upcoming_lists_events_not_ended_soonest_first(client, events_index):
    meeting(events_index, "Later meeting", at(20))
    meeting(events_index, "Sooner meeting", at(12))
    meeting(events_index, "Running now", NOW - datetime.timedelta(hours=1))
    meeting(events_index, "Ended meeting", at(2))
    draft = meeting(events_index, "Draft meeting", at(15))
    draft.unpublish()

    html = page_text(client, "/events/")
    assert "Ended meeting" not in html and "Draft meeting" not in html
    assert html.index("Running now") < html.index("Sooner meeting") < html.index("Later meeting")


@pytest.mark.django_db
def test_card_shows_time_in_the_events_zone_named_and_facts(client, events_index, mk):
    meeting(
        events_index,
        "Skopje meeting",
        at(12, 17, zone="Europe/Skopje"),
        timezone="Europe/Skopje",
        city="Skopje",
        host_communities=[mk],
        languages=["mk", "en"],
        event_type="training",
        event_format="hybrid",
        online_url=f"https://meet.example.org/{JOIN_TOKEN}",
    )
    html = page_text(client, "/events/")
    assert "12 March 2026, 17:00–19:00 (Europe/Skopje, CET)" in html
    assert "Training workshop" in html and "Hybrid" in html
    assert "Skopje" in html and "DAG MK" in html
    assert "English" in html and "Macedonian" in html
    assert JOIN_TOKEN not in html


@pytest.mark.django_db
def test_kosovo_event_names_its_zone_by_the_country(client, events_index):
    from tests.portal.factories import CountryFactory

    meeting(events_index, "Prishtina meeting", at(12), country=CountryFactory(code="XK"), city="Prishtina")
    assert "(Kosovo, CET)" in page_text(client, "/events/")


@pytest.mark.django_db
def test_members_only_events_only_for_their_audience(client, events_index, mk, rs):
    meeting(events_index, "Open meeting", at(12))
    meeting(
        events_index,
        f"Closed meeting {SECRET}",
        at(13),
        audience=Audience.MEMBERS,
        host_communities=[mk],
        summary=f"Internal {SECRET}",
    )
    # anonymous
    html = page_text(client, "/events/")
    assert "Open meeting" in html and SECRET not in html
    # signed in, member of another DAG only
    client.force_login(community_member(rs))
    assert SECRET not in page_text(client, "/events/")
    # signed in, no membership
    client.force_login(UserFactory())
    assert SECRET not in page_text(client, "/events/")
    # a member of the host DAG sees it, with the badge
    client.force_login(community_member(mk))
    html = page_text(client, "/events/")
    assert f"Closed meeting {SECRET}" in html
    assert "Members only" in html


@pytest.mark.django_db
def test_answers_vary_by_visitor_and_are_private_when_signed_in(client, events_index):
    response = client.get("/events/")
    assert "Cookie" in response["Vary"]
    client.force_login(UserFactory())
    for url in ("/events/", "/events/calendar/", "/events/past/"):
        response = client.get(url)
        assert "private" in response["Cache-Control"], url
        assert "Cookie" in response["Vary"], url


@pytest.mark.django_db
def test_only_events_of_the_index_locale(client, events_index):
    meeting(events_index, "English page", at(12))
    turkish = Locale.objects.create(language_code="tr")
    home_tr = HomePageFactory(parent=Page.get_first_root_node(), slug="home-tr", locale=turkish)
    index_tr = EventIndexPageFactory(parent=home_tr, locale=turkish, slug="etkinlikler")
    meeting(index_tr, "Türkçe sayfa", at(12), locale=turkish)
    html = page_text(client, "/events/")
    assert "English page" in html and "Türkçe sayfa" not in html


@pytest.mark.django_db
def test_weekly_series_listed_by_its_next_meeting(client, events_index):
    """A weekly series whose first meeting is over stays listed until its last meeting ends, at its next
    meeting's date, and is ordered by that date."""
    meeting(
        events_index,
        "Weekly coordination",
        at(2, 10),
        recurrence=Recurrence.WEEKLY,
        occurrence_count=4,
    )  # 2, 9, 16, 23 March at 10:00
    meeting(events_index, "Meeting on the 13th", at(13))
    html = page_text(client, "/events/")
    assert "16 March 2026, 10:00–12:00 (Europe/Belgrade, CET)" in html
    assert "Weekly, 4 meetings" in html
    assert html.index("Meeting on the 13th") < html.index("Weekly coordination")
    with time_machine.travel(at(23, 13), tick=False):
        assert "Weekly coordination" not in page_text(client, "/events/")
        assert "Weekly coordination" in page_text(client, "/events/past/")


@pytest.mark.django_db
def test_empty_states(client, events_index):
    html = page_text(client, "/events/")
    assert "No upcoming events have been announced yet." in html
    meeting(events_index, "A hackathon", at(12), event_type="hackathon")
    html = page_text(client, "/events/", type="webinar")
    assert "No upcoming events match these filters." in html and "A hackathon" not in html


@pytest.mark.django_db
def test_pagination(client, events_index):
    for day in range(PAGE_SIZE + 2):
        meeting(events_index, f"Meeting number {day:02d}", at(11) + datetime.timedelta(days=day))
    first = page_text(client, "/events/")
    second = page_text(client, "/events/", page=2)
    assert "Meeting number 00" in first and f"Meeting number {PAGE_SIZE:02d}" not in first
    assert f"Meeting number {PAGE_SIZE:02d}" in second and "Meeting number 00" not in second


# --- filters: each narrows correctly ------------------------------------------------------------------------------


@pytest.fixture
def filtered_world(events_index, mk, rs):
    """Events that differ in one respect each."""
    from tests.portal.factories import CountryFactory

    rcp = RCPFactory()
    return {
        "skopje": meeting(
            events_index,
            "Skopje DAG meeting",
            at(12),
            host_communities=[mk],
            country=CountryFactory(code="MK"),
            languages=["mk"],
        ),
        "belgrade": meeting(
            events_index,
            "Belgrade training",
            at(13),
            host_communities=[rs],
            event_type="training",
            languages=["sr", "en"],
        ),
        "online": meeting(
            events_index,
            "Regional webinar",
            at(14),
            host_communities=[rcp],
            event_type="webinar",
            event_format="online",
            online_url="https://meet.example.org/x",
            languages=["en"],
        ),
        "istanbul": meeting(
            events_index,
            "Istanbul conference",
            at(15, zone="Europe/Istanbul"),
            timezone="Europe/Istanbul",
            country=CountryFactory(code="TR"),
            event_type="conference",
            languages=["tr"],
        ),
    }


def listed(client, url="/events/", **params):
    html = page_text(client, url, **params)
    titles = {"Skopje DAG meeting", "Belgrade training", "Regional webinar", "Istanbul conference"}
    return {title for title in titles if title in html}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"Skopje DAG meeting", "Belgrade training", "Regional webinar", "Istanbul conference"}),
        ({"country": "MK"}, {"Skopje DAG meeting"}),
        # hosted by Serbia's DAG (the event itself has no country)
        ({"country": "RS"}, {"Belgrade training"}),
        ({"country": "TR"}, {"Istanbul conference"}),
        ({"community": "rcp"}, {"Regional webinar"}),
        ({"community": "dag-rs"}, {"Belgrade training"}),
        ({"type": "training"}, {"Belgrade training"}),
        ({"type": "dag_meeting"}, {"Skopje DAG meeting"}),
        ({"format": "online"}, {"Regional webinar"}),
        ({"format": "in_person"}, {"Skopje DAG meeting", "Belgrade training", "Istanbul conference"}),
        ({"language": "en"}, {"Belgrade training", "Regional webinar"}),
        ({"language": "tr"}, {"Istanbul conference"}),
        ({"language": "sr", "type": "training"}, {"Belgrade training"}),
        ({"language": "sr", "type": "webinar"}, set()),
    ],
)
def test_each_filter_narrows(client, filtered_world, params, expected):
    assert listed(client, **params) == expected
    assert listed(client, "/events/calendar/2026/3/", **params) == expected


@pytest.mark.django_db
def test_invalid_filter_values_are_ignored_with_an_error(client, filtered_world):
    response = client.get("/events/", {"type": "party", "country": "ZZ", "language": "xx"})
    assert response.status_code == 200
    assert len(listed(client, type="party", country="ZZ")) == 4


@pytest.mark.django_db
def test_an_event_matching_a_filter_several_ways_is_listed_once(client, events_index, mk):
    """Held in North Macedonia and hosted by its DAG and the RCP: the joins of the filters never repeat it."""
    from tests.portal.factories import CountryFactory

    meeting(
        events_index,
        "Shared meeting",
        at(12),
        country=CountryFactory(code="MK"),
        host_communities=[mk, RCPFactory()],
        languages=["mk", "en"],
    )
    html = page_text(client, "/events/", country="MK", language="mk")
    assert html.count("Shared meeting</a>") == 1
    assert page_text(client, "/events/calendar/2026/3/", country="MK").count("Shared meeting</a>") == 2  # grid, list


# --- archive ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_archive_most_recent_first_without_upcoming(client, events_index):
    meeting(events_index, "Older meeting", at(1, month=2))
    meeting(events_index, "Recent meeting", at(3))
    meeting(events_index, "Coming meeting", at(20))
    html = page_text(client, "/events/past/")
    assert "Coming meeting" not in html
    assert html.index("Recent meeting") < html.index("Older meeting")


@pytest.mark.django_db
def test_archive_shows_minutes_and_materials_the_visitor_may_see(client, events_index, mk):
    public = meeting(events_index, "Public minutes meeting", at(3), host_communities=[mk])
    minutes(public)
    material(public, title="Slides", url="https://example.org/slides.pdf")
    material(public, title="Members' notes", visibility=MaterialVisibility.MEMBERS, url="https://example.org/n")
    draft = meeting(events_index, "Draft minutes meeting", at(4), host_communities=[mk])
    minutes(draft, status=MinutesStatus.DRAFT)
    members_minutes = meeting(events_index, "Members minutes meeting", at(5), host_communities=[mk])
    minutes(members_minutes, visibility=MaterialVisibility.MEMBERS)

    def card(html, title):
        start = html.index(title)
        return html[start : html.index("</article>", start)]

    html = page_text(client, "/events/past/")
    assert f'href="{public.url}#minutes"' in card(html, "Public minutes meeting")
    assert "1 material" in card(html, "Public minutes meeting")
    assert "#minutes" not in card(html, "Draft minutes meeting")
    assert "#minutes" not in card(html, "Members minutes meeting")
    assert "No minutes or materials yet" in card(html, "Draft minutes meeting")

    client.force_login(community_member(mk))
    html = page_text(client, "/events/past/")
    assert "2 materials" in card(html, "Public minutes meeting")
    assert "#minutes" in card(html, "Members minutes meeting")
    assert "#minutes" not in card(html, "Draft minutes meeting")


@pytest.mark.django_db
def test_archive_registrant_only_material_for_confirmed_registrants(client, events_index):
    from tests.events.factories import RegistrationFactory

    event = meeting(events_index, "Training day", at(3), event_type="training")
    material(event, title="Recording", visibility=MaterialVisibility.REGISTRANTS, url="https://example.org/rec")
    attendee, other = UserFactory(), UserFactory()
    RegistrationFactory(event=event, user=attendee)
    client.force_login(other)
    assert "1 material" not in page_text(client, "/events/past/")
    client.force_login(attendee)
    assert "1 material" in page_text(client, "/events/past/")


@pytest.mark.django_db
def test_archive_of_a_translated_locale_uses_the_english_pages_minutes(client, events_index):
    """Minutes belong to the default-locale page; the archive of another locale finds them through the
    translation key."""
    from events.listing import outcomes_for

    event = meeting(events_index, "Skopje RCP meeting", at(3))
    minutes(event)
    turkish = Locale.objects.create(language_code="tr")
    home_tr = events_index.get_parent().copy_for_translation(turkish)
    index_tr = events_index.copy_for_translation(turkish)
    copy = event.copy_for_translation(turkish)
    copy.save_revision().publish()
    assert home_tr and index_tr
    from django.contrib.auth.models import AnonymousUser

    assert outcomes_for(AnonymousUser(), [copy])[copy.pk].minutes is True


@pytest.mark.django_db
def test_members_only_past_event_not_in_archive_for_outsiders(client, events_index, mk):
    event = meeting(events_index, f"Closed past {SECRET}", at(3), audience=Audience.MEMBERS, host_communities=[mk])
    minutes(event, body=f"<p>{SECRET}</p>")
    assert SECRET not in page_text(client, "/events/past/")
    client.force_login(UserFactory())
    assert SECRET not in page_text(client, "/events/past/")
    client.force_login(community_member(mk))
    assert SECRET in page_text(client, "/events/past/")


@pytest.mark.django_db
def test_prime_registrations_answers_registration_of_without_queries(events_index, django_assert_num_queries):
    from events.permissions import prime_registrations, registration_of
    from tests.events.factories import RegistrationFactory

    first, second = meeting(events_index, "First", at(12)), meeting(events_index, "Second", at(13))
    user = UserFactory()
    registration = RegistrationFactory(event=first, user=user)
    with django_assert_num_queries(1):
        prime_registrations(user, [first, second])
    with django_assert_num_queries(0):
        assert registration_of(user, first) == registration
        assert registration_of(user, second) is None
    from django.contrib.auth.models import AnonymousUser

    with django_assert_num_queries(0):
        prime_registrations(AnonymousUser(), [first, second])
