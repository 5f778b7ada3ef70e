"""The upcoming list, the month calendar and the archive make the same number of queries with 10 and with 500
events (issue 7 "Performance"), for an anonymous visitor and for a DAG member (who also sees members-only events and
registrant-only materials).

The 510 event pages are built once for this module (about half a minute) inside a transaction that is rolled back
when the module ends; each test runs in a savepoint inside it. Two events indexes under one home page hold the two
sizes: ``/events-small/`` (10 events) and ``/events-big/`` (500). The mix is the same in both: public and
members-only upcoming meetings (some over two days), weekly series crossing the clock change, and past meetings with
minutes and materials of every visibility, some with the member's registration.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, Page, Site

from events.models import (
    Audience,
    EventLanguage,
    EventMaterial,
    EventMinutes,
    EventPage,
    MaterialKind,
    MaterialVisibility,
    MinutesStatus,
    Recurrence,
    Registration,
    RegistrationStatus,
)
from events.views.listing import PAGE_SIZE
from tests.community.community_factories import community_member, dag
from tests.events.factories import EventIndexPageFactory
from tests.portal.factories import HomePageFactory

UTC = datetime.UTC
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
BELGRADE = ZoneInfo("Europe/Belgrade")
VISIBILITIES = [MaterialVisibility.PUBLIC, MaterialVisibility.MEMBERS, MaterialVisibility.REGISTRANTS]
SIZES = {"small": 10, "big": 500}


def _local(month, day, hour):
    return datetime.datetime(2026, month, day, hour, tzinfo=BELGRADE).astimezone(UTC)


def _build(index, count, hosts, languages, member):
    """``count`` events under ``index`` in a fixed mix (see the module docstring)."""
    for n in range(count):
        kind = n % 4
        fields = {
            "title": f"{index.slug} event {n}",
            "slug": f"event-{n}",
            "timezone": "Europe/Belgrade",
            "city": "Belgrade",
            "summary": "A meeting.",
            "event_type": ["dag_meeting", "training", "webinar", "hackathon"][n % 4],
        }
        if kind in (0, 1):
            start = _local(3, 11 + n % 19, 10)
            end = start + datetime.timedelta(days=1 if n % 8 == 0 else 0, hours=3)
            fields.update(audience=Audience.MEMBERS if kind == 1 else Audience.PUBLIC)
        elif kind == 2:
            start = _local(2, 1 + n % 27, 9)
            end = start + datetime.timedelta(hours=2)
        else:
            start = _local(3, 2, 10)
            end = start + datetime.timedelta(hours=1)
            fields.update(recurrence=Recurrence.WEEKLY, occurrence_count=4)
        page = index.add_child(
            instance=EventPage(
                starts_at=start, ends_at=end, host_communities=hosts, languages=languages[: 1 + n % 2], **fields
            )
        )
        if kind == 2:
            visibility = VISIBILITIES[n % 3]
            EventMinutes.objects.create(
                event=page, body="<p>Minutes.</p>", status=MinutesStatus.APPROVED, visibility=visibility
            )
            for position, material_visibility in enumerate(VISIBILITIES):
                EventMaterial.objects.create(
                    event=page,
                    title=f"Material {position}",
                    kind=MaterialKind.RECORDING,
                    url="https://example.org/recording",
                    visibility=material_visibility,
                )
            if n % 3 == 0:
                Registration.objects.create(event=page, user=member, status=RegistrationStatus.CONFIRMED, queued_at=NOW)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Both indexes, built once for the module and rolled back at its end; yields the DAG member."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with override_settings(
                WAGTAILSEARCH_BACKENDS={
                    "default": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": False}
                }
            ):
                Locale.objects.get_or_create(language_code="en")
                home = HomePageFactory(parent=Page.get_first_root_node(), slug="home-queries")
                site = Site.objects.get(is_default_site=True)
                site.root_page = home
                site.save()
                hosts = [dag("MK"), dag("RS")]
                member = community_member(hosts[0], started_on=datetime.date(2025, 1, 1))
                languages = list(EventLanguage.objects.filter(code__in=["en", "mk"]))
                for name, count in SIZES.items():
                    index = EventIndexPageFactory(parent=home, slug=f"events-{name}", title=f"Events {name}")
                    _build(index, count, hosts, languages, member)
            yield member
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response.content.decode()


VIEWS = {"upcoming": "", "calendar": "calendar/2026/3/", "past": "past/"}


@pytest.mark.django_db
@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("visitor", ["anonymous", "member"])
def test_same_query_count_with_10_and_500_events(client, world, view, visitor):
    if visitor == "member":
        client.force_login(world)
    with time_machine.travel(NOW, tick=False):
        _queries(client, f"/events-small/{VIEWS[view]}")  # warm the site and content type caches
        small, small_html = _queries(client, f"/events-small/{VIEWS[view]}")
        big, big_html = _queries(client, f"/events-big/{VIEWS[view]}")
    assert small == big, f"{view} ({visitor}): {small} queries for 10 events, {big} for 500"
    # The big page really shows many more events than the small one.
    if view == "calendar":
        assert big_html.count("event-calendar__event") > 10 * small_html.count("event-calendar__event") > 0
    else:
        assert big_html.count('class="card event-card') == PAGE_SIZE
        assert 0 < small_html.count('class="card event-card') < PAGE_SIZE
    if view == "past":
        assert "#minutes" in big_html and "materials" in big_html
    if visitor == "member" and view == "upcoming":
        assert "Members only" in big_html
    if visitor == "anonymous":
        assert "Members only" not in big_html
