"""Issue 7, "bad input": the online link never appears for anyone not confirmed — one planted-token sweep over every
page, feed and email the events app produces.

An online event (capacity 1) carries a join link containing :data:`PLANTED`. Confirmed registrant C holds the seat;
W waits; X registered and cancelled; O is a signed-in person who never registered; and anonymous visitors. For each
of W, X, O and anonymous, every URL below is fetched and every mail queued to them is read: the token is nowhere.
C's confirmation mail, page and private feed do carry it (the positive control, so the sweep cannot pass vacuously).
"""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from events.models import EventFormat
from events.services import registrations as services
from events.services.calendar_feeds import feed_token
from events.services.reminders import send_due_reminders
from portal.notifications.models import OutboxMessage
from tests.community.community_factories import community_member, dag
from tests.community.public_factories import CommunityIndexPageFactory, CommunityPageFactory
from tests.events.factories import event_page
from tests.portal.factories_accounts import UserFactory

PLANTED = "joinlink-7f3a91c2"
JOIN_URL = f"https://meet.example.org/rooms/{PLANTED}"


@pytest.fixture
def world(events_index, home_page):
    """The event, its host community's public page, and the four kinds of people (see the module docstring)."""
    community = dag("MK")
    CommunityPageFactory(parent=CommunityIndexPageFactory(parent=home_page), community=community)
    start = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    event = event_page(
        events_index,
        title="Online DAG meeting on asset declarations",
        slug="online-dag-meeting",
        event_format=EventFormat.ONLINE,
        online_url=JOIN_URL,
        capacity=1,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        host_communities=[community],
    )
    confirmed, waiting, cancelled, other = (UserFactory() for _ in range(4))
    services.register(confirmed, event)
    services.register(waiting, event)
    registration = services.register(cancelled, event)
    services.cancel(registration, by=cancelled)
    return {
        "event": event,
        "community": community,
        "confirmed": confirmed,
        "waiting": waiting,
        "cancelled": cancelled,
        "other": other,
    }


def _urls(world, user) -> list[str]:
    event = world["event"]
    index = event.get_parent()
    urls = [
        "/",
        index.url,
        index.url + "calendar/",
        index.url + "past/",
        event.url,
        event.url + "ics/",
        event.url + "certificate/",
        event.url + "registrations/",
        event.url + "registrations/export/csv/",
        event.url + "attendance/",
        "/mk" + event.url,
        f"/search/?q={event.title.split()[0]}",
        "/search/?q=meet.example.org",  # the join link's host (searching the token itself would echo it)
        "/sitemap.xml",
        "/feed/",
        "/calendar/events.ics",
        f"/calendar/communities/{world['community'].slug}.ics",
        "/communities/" + world["community"].slug + "/",
    ]
    if user is not None:
        urls += ["/my-events/", "/accounts/calendar/", f"/calendar/private/{feed_token(user).token}.ics"]
    return urls


def _text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    # iCalendar folds long lines ("\r\n "); unfold before searching.
    return content.decode("utf-8", "replace").replace("\r\n ", "")


def _assert_nowhere(client, world, user, label):
    if user is not None:
        client.force_login(user)
    for url in _urls(world, user):
        response = client.get(url, follow=True)
        assert PLANTED not in _text(response), f"{label}: {url}"
    client.logout()


def _mails_to(user) -> str:
    rows = OutboxMessage.objects.filter(recipient=user.email)
    return "".join(f"{m.subject}{m.body_text}{m.body_html}{m.attachments}" for m in rows) + "".join(
        f"{m.subject}{m.body}{m.alternatives}{m.attachments}" for m in mail.outbox if user.email in m.to
    )


@pytest.mark.django_db
def test_join_link_reaches_no_one_who_is_not_confirmed(client, world):
    # Reminders of both kinds ran at their moments (the 24 h and the 1 h one), so their mails are in the sweep.
    start = world["event"].starts_at
    for moment in (start - timedelta(hours=23), start - timedelta(minutes=50)):
        with time_machine.travel(moment):
            send_due_reminders()
    for key in ("waiting", "cancelled", "other"):
        _assert_nowhere(client, world, world[key], key)
        assert PLANTED not in _mails_to(world[key]), key
    _assert_nowhere(client, world, None, "anonymous")


@pytest.mark.django_db
def test_positive_control_the_confirmed_registrant_gets_the_link(client, world):
    start = world["event"].starts_at
    with time_machine.travel(start - timedelta(minutes=50)):
        send_due_reminders()
    confirmed = world["confirmed"]
    assert PLANTED in _mails_to(confirmed)
    client.force_login(confirmed)
    assert PLANTED in _text(client.get(world["event"].url))
    assert PLANTED in _text(client.get(world["event"].url + "ics/"))
    assert PLANTED in _text(client.get(f"/calendar/private/{feed_token(confirmed).token}.ics"))


@pytest.mark.django_db
def test_a_member_of_the_host_community_who_did_not_register_sees_no_link(client, world):
    member = community_member(world["community"])
    _assert_nowhere(client, world, member, "member without registration")
