"""Subscribable calendar feeds (issue 7 item 4): the site and community feeds show public events only, without join
links; the private feed behind a secret token adds the members-only events of the owner's communities and the join
links of the events they are confirmed for; resetting the token kills the old address; the "Calendar feeds" page;
a planted join link never reaches a public place; and each feed's query count does not grow with its events."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events import calendars
from events.models import CalendarFeedToken, RegistrationStatus
from events.services.calendar_feeds import feed_token, reset_feed_token
from tests.community.community_factories import community_member, dag
from tests.events.bulk import bulk_event_pages
from tests.events.factories import RegistrationFactory, event_page
from tests.portal.factories_accounts import UserFactory
from tests.portal.html_checks import inline_code

pytestmark = pytest.mark.django_db

BELGRADE = ZoneInfo("Europe/Belgrade")
PLANTED = "planted-c41e-5b9d"
PUBLIC_JOIN = f"https://meet.example.org/public/{PLANTED}"
MEMBERS_JOIN = f"https://meet.example.org/members/{PLANTED}"


def unfolded(content: bytes) -> str:
    """The .ics text with RFC 5545 line folding undone, so a search for a join link cannot miss a folded copy."""
    return content.decode().replace("\r\n ", "").replace("\r\n\t", "")


def summaries(content: bytes) -> set[str]:
    return {str(event["SUMMARY"]) for event in Calendar.from_ical(content).events}


def private_url(user) -> str:
    return reverse("event_calendar:private_feed", args=[feed_token(user).token])


@pytest.fixture
def setting(events_index):
    """Two communities; a public online event hosted by the Macedonian DAG, a members-only online event of the
    Macedonian DAG, a members-only event of the Serbian DAG, and a public event of the Serbian DAG."""
    mk, rs = dag("MK"), dag("RS")
    start = (timezone.now() + timedelta(days=10)).astimezone(BELGRADE).replace(hour=10, minute=0, second=0)
    common = {"starts_at": start, "ends_at": start + timedelta(hours=2)}
    return {
        "mk": mk,
        "rs": rs,
        "public_online": event_page(
            events_index,
            title="Public webinar",
            event_format="online",
            online_url=PUBLIC_JOIN,
            host_communities=[mk],
            **common,
        ),
        "mk_members": event_page(
            events_index,
            title="MK DAG internal meeting",
            audience="members",
            event_format="hybrid",
            online_url=MEMBERS_JOIN,
            host_communities=[mk],
            **common,
        ),
        "rs_members": event_page(
            events_index, title="RS DAG internal meeting", audience="members", host_communities=[rs], **common
        ),
        "rs_public": event_page(events_index, title="RS DAG open meeting", host_communities=[rs], **common),
    }


def test_site_feed_has_public_events_only_and_no_join_links(client, setting):
    response = client.get(reverse("event_calendar:site_feed"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert summaries(response.content) == {"Public webinar", "RS DAG open meeting"}
    assert PLANTED not in unfolded(response.content)
    calendar = Calendar.from_ical(response.content)
    assert calendar.get_missing_tzids() == set()
    assert all(event["DTSTART"].params["TZID"] == "Europe/Belgrade" for event in calendar.events)
    assert "public" in response["Cache-Control"]


def test_community_feed_has_the_public_events_it_hosts(client, setting):
    response = client.get(reverse("event_calendar:community_feed", args=[setting["mk"].slug]))
    assert response.status_code == 200
    assert summaries(response.content) == {"Public webinar"}
    assert PLANTED not in unfolded(response.content)
    response = client.get(reverse("event_calendar:community_feed", args=[setting["rs"].slug]))
    assert summaries(response.content) == {"RS DAG open meeting"}
    assert client.get(reverse("event_calendar:community_feed", args=["no-such-community"])).status_code == 404


def test_feeds_are_the_same_for_a_signed_in_member(client, setting):
    """Public feeds do not depend on who fetches them: a member signed in gets no members-only event there."""
    client.force_login(community_member(setting["mk"]))
    RegistrationFactory(event=setting["public_online"], user=UserFactory())
    for url in (
        reverse("event_calendar:site_feed"),
        reverse("event_calendar:community_feed", args=[setting["mk"].slug]),
    ):
        content = client.get(url).content
        assert "MK DAG internal meeting" not in summaries(content)
        assert PLANTED not in unfolded(content)


def test_private_feed_of_a_member(client, setting):
    member = community_member(setting["mk"])
    RegistrationFactory(event=setting["mk_members"], user=member, status=RegistrationStatus.CONFIRMED)
    response = client.get(private_url(member))  # no session: the token is the key
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert summaries(response.content) == {"Public webinar", "RS DAG open meeting", "MK DAG internal meeting"}
    text = unfolded(response.content)
    assert MEMBERS_JOIN in text  # confirmed for it
    assert PUBLIC_JOIN not in text  # not registered for the webinar
    events = {str(e["SUMMARY"]): e for e in Calendar.from_ical(response.content).events}
    assert events["MK DAG internal meeting"]["CLASS"] == "PRIVATE"


def test_private_feed_join_link_only_when_confirmed(client, setting):
    waiting = community_member(setting["mk"])
    RegistrationFactory(event=setting["mk_members"], user=waiting, status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(event=setting["public_online"], user=waiting, status=RegistrationStatus.CANCELLED)
    content = client.get(private_url(waiting)).content
    assert "MK DAG internal meeting" in summaries(content)
    assert PLANTED not in unfolded(content)


def test_private_feed_of_a_non_member(client, setting):
    outsider = community_member(setting["rs"])
    RegistrationFactory(event=setting["public_online"], user=outsider, status=RegistrationStatus.CONFIRMED)
    content = client.get(private_url(outsider)).content
    assert summaries(content) == {"Public webinar", "RS DAG open meeting", "RS DAG internal meeting"}
    text = unfolded(content)
    assert PUBLIC_JOIN in text  # confirmed for the webinar
    assert MEMBERS_JOIN not in text
    nobody = UserFactory()
    content = client.get(private_url(nobody)).content
    assert summaries(content) == {"Public webinar", "RS DAG open meeting"}
    assert PLANTED not in unfolded(content)


def test_bulk_join_link_rule_matches_can_see_join_link(setting):
    from events.permissions import can_see_join_link, join_link_translation_keys

    member = community_member(setting["mk"])
    RegistrationFactory(event=setting["mk_members"], user=member, status=RegistrationStatus.CONFIRMED)
    coordinator = community_member(setting["mk"], role="coordinator")
    events = [setting[key] for key in ("public_online", "mk_members", "rs_members", "rs_public")]
    from django.contrib.auth.models import AnonymousUser

    from tests.portal.factories_accounts import StaffFactory

    staff = StaffFactory()
    users = (member, coordinator, staff, UserFactory(), community_member(setting["rs"]), AnonymousUser())
    for user in users:
        bulk = join_link_translation_keys(user, events)
        assert bulk == {e.translation_key for e in events if can_see_join_link(user, e)}
    assert join_link_translation_keys(staff, events) == {
        setting["public_online"].translation_key,
        setting["mk_members"].translation_key,
    }
    assert join_link_translation_keys(UserFactory(), events) == set()


def test_unknown_token_and_reset_token(client, setting):
    member = community_member(setting["mk"])
    old_url = private_url(member)
    assert client.get(old_url).status_code == 200
    assert client.get(reverse("event_calendar:private_feed", args=["not-a-token"])).status_code == 404
    reset_feed_token(member)
    assert client.get(old_url).status_code == 404
    assert client.get(private_url(member)).status_code == 200
    member.is_active = False
    member.save()
    assert client.get(private_url(member)).status_code == 404


def test_private_feed_in_the_owner_language(client, setting):
    member = community_member(setting["mk"], user=UserFactory(preferred_language="mk"))
    content = client.get(private_url(member)).content
    name = str(Calendar.from_ical(content)["X-WR-CALNAME"])
    assert name != "My Integrity Watch events"  # translated (Macedonian catalogue)


# --- the "Calendar feeds" account page ------------------------------------------------------------------------------


def test_calendar_feeds_page_needs_sign_in(client):
    response = client.get(reverse("event_account:calendar_feeds"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_calendar_feeds_page_shows_the_addresses_and_resets_the_token(client, setting):
    member = community_member(setting["mk"])
    client.force_login(member)
    response = client.get(reverse("event_account:calendar_feeds"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    token = CalendarFeedToken.objects.get(user=member).token
    assert f"http://testserver/calendar/private/{token}.ics" in html
    assert f"webcal://testserver/calendar/private/{token}.ics" in html
    assert "webcal://testserver/calendar/events.ics" in html
    assert f"webcal://testserver/calendar/communities/{setting['mk'].slug}.ics" in html
    assert 'href="/accounts/calendar/"' in html  # in the account navigation
    assert inline_code(html) == []

    response = client.post(reverse("event_account:calendar_feeds"))
    assert response.status_code == 302
    new_token = CalendarFeedToken.objects.get(user=member).token
    assert new_token != token
    assert client.get(f"/calendar/private/{token}.ics").status_code == 404
    assert client.get(f"/calendar/private/{new_token}.ics").status_code == 200
    assert new_token in client.get(reverse("event_account:calendar_feeds")).content.decode()


def test_calendar_feeds_page_in_macedonian(client):
    client.force_login(UserFactory())
    response = client.get("/mk/accounts/calendar/")
    assert response.status_code == 200
    assert "?lang=mk" in response.content.decode()


# --- the planted join link ----------------------------------------------------------------------------------------


def test_planted_join_link_never_reaches_public_places(client, setting):
    """The join links of a public and of a members-only online event (both containing PLANTED) appear in none of
    the places an outsider (or a registrant who is not confirmed) can reach."""
    waiting = community_member(setting["mk"])
    RegistrationFactory(event=setting["public_online"], user=waiting, status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(event=setting["mk_members"], user=waiting, status=RegistrationStatus.WAITLISTED)
    public_online = setting["public_online"]
    places = {
        "site feed": client.get(reverse("event_calendar:site_feed")).content.decode(),
        "community feed": client.get(
            reverse("event_calendar:community_feed", args=[setting["mk"].slug])
        ).content.decode(),
        "public .ics": client.get(public_online.url + "ics/").content.decode(),
        "google link": calendars.google_calendar_url(public_online),
        "outlook link": calendars.outlook_calendar_url(setting["mk_members"]),
        "public event_calendar": calendars.event_calendar(public_online).decode(),
        "public feed_calendar": calendars.feed_calendar([public_online], name="x").decode(),
        "waitlisted private feed": client.get(private_url(waiting)).content.decode(),
    }
    client.force_login(waiting)
    places["waitlisted .ics"] = client.get(public_online.url + "ics/").content.decode()
    places["waitlisted members .ics"] = client.get(setting["mk_members"].url + "ics/").content.decode()
    for place, text in places.items():
        assert PLANTED not in text.replace("\r\n ", ""), place


# --- query counts -------------------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("feed", ["site", "community", "private"])
def test_feed_query_count_is_the_same_at_10_and_500_events(client, events_index, feed):
    """Each feed makes the same number of queries with 10 and with 500 events (rows written by
    ``tests.events.bulk.bulk_event_pages``: 500 pages the normal way would take a minute)."""
    mk = dag("MK")
    member = community_member(mk)
    urls = {
        "site": reverse("event_calendar:site_feed"),
        "community": reverse("event_calendar:community_feed", args=[mk.slug]),
        "private": private_url(member),
    }

    def add(count):
        bulk_event_pages(events_index, count // 2, host_communities=[mk])
        pks = bulk_event_pages(
            events_index,
            count - count // 2,
            host_communities=[mk],
            audience="members",
            event_format="online",
            online_url="https://meet.example.org/x",
        )
        for pk in pks[:3]:
            RegistrationFactory(event_id=pk, user=member, status=RegistrationStatus.CONFIRMED)

    add(10)
    _queries(client, urls[feed])  # warm caches (site root paths, locales)
    small = _queries(client, urls[feed])
    add(490)
    content = client.get(urls[feed]).content
    expected = 500 if feed == "private" else 250
    assert len(Calendar.from_ical(content).events) == expected
    assert _queries(client, urls[feed]) == small


def test_feed_leaves_out_events_older_than_a_year(client, events_index):
    old = datetime.now(BELGRADE) - timedelta(days=400)
    event_page(events_index, title="Long ago", starts_at=old, ends_at=old + timedelta(hours=1))
    event_page(events_index, title="Soon")
    assert summaries(client.get(reverse("event_calendar:site_feed")).content) == {"Soon"}


def test_feeds_in_another_language_list_that_locale_s_pages(client, setting):
    """``?lang=mk`` gives the Macedonian copies (aliases) of the same public events, linked under /mk/, with the
    same UIDs; the members-only ones stay out, and the join links too."""
    from portal.i18n import ensure_locales, sync_page_trees

    ensure_locales()
    sync_page_trees()
    english = Calendar.from_ical(client.get(reverse("event_calendar:site_feed")).content)
    response = client.get(reverse("event_calendar:site_feed") + "?lang=mk")
    macedonian = Calendar.from_ical(response.content)
    assert str(macedonian["X-WR-CALNAME"]) != str(english["X-WR-CALNAME"])
    assert {str(e["UID"]) for e in macedonian.events} == {str(e["UID"]) for e in english.events}
    assert all("/mk/" in str(e["URL"]) for e in macedonian.events)
    assert PLANTED not in unfolded(response.content)
    community = client.get(reverse("event_calendar:community_feed", args=[setting["mk"].slug]) + "?lang=mk")
    assert summaries(community.content) == {"Public webinar"}
    member = community_member(setting["mk"], user=UserFactory(preferred_language="mk"))
    RegistrationFactory(event=setting["mk_members"], user=member, status=RegistrationStatus.CONFIRMED)
    private = client.get(private_url(member)).content
    assert "MK DAG internal meeting" in summaries(private)
    assert MEMBERS_JOIN in unfolded(private)
    assert all("/mk/" in str(e["URL"]) for e in Calendar.from_ical(private).events)
