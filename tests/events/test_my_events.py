""" "My events": the signed-in person's own registrations, upcoming (confirmed, waitlisted with their place) and
past; never someone else's; private answers; a flat query count; the link in the account navigation."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import RegistrationStatus
from tests.events.factories import RegistrationFactory, event_page
from tests.portal.factories_accounts import UserFactory

pytestmark = pytest.mark.django_db

URL = "/my-events/"


def test_url_is_under_the_language_prefix():
    assert reverse("events_account:my_events") == URL


def test_anonymous_visitors_sign_in_first(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_lists_own_upcoming_and_past_registrations(client, events_index):
    now = timezone.now()
    user, other = UserFactory(), UserFactory()
    soon = event_page(events_index, title="Soon meeting", starts_at=now + timedelta(days=2))
    full = event_page(events_index, title="Full training", starts_at=now + timedelta(days=9), capacity=1)
    dropped = event_page(events_index, title="Dropped workshop", starts_at=now + timedelta(days=4))
    before = event_page(
        events_index, title="Earlier hackathon", starts_at=now - timedelta(days=30), ends_at=now - timedelta(days=29)
    )
    not_mine = event_page(events_index, title="Someone else's visit")
    RegistrationFactory(event=soon, user=user)
    RegistrationFactory(event=full, user=UserFactory(), queued_at=now - timedelta(hours=2))
    RegistrationFactory(
        event=full, user=UserFactory(), status=RegistrationStatus.WAITLISTED, queued_at=now - timedelta(hours=1)
    )
    RegistrationFactory(event=full, user=user, status=RegistrationStatus.WAITLISTED, queued_at=now)
    RegistrationFactory(event=dropped, user=user, status=RegistrationStatus.CANCELLED)
    RegistrationFactory(event=before, user=user, attendance="attended")
    RegistrationFactory(event=not_mine, user=other)
    client.force_login(user)

    response = client.get(URL)

    html = response.content.decode()
    upcoming = [row.page.title for row in response.context["upcoming"]]
    past = [row.page.title for row in response.context["past"]]
    assert upcoming == ["Soon meeting", "Full training"]
    assert past == ["Earlier hackathon"]
    assert "number 2 in the queue" in html
    assert f'href="{soon.url}"' in html and "Attended" in html
    assert "Dropped workshop" not in html and "Someone else" not in html
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_weekly_series_shows_the_next_meeting(client, events_index):
    now = timezone.now().replace(microsecond=0)
    series = event_page(
        events_index,
        title="Weekly DAG call",
        starts_at=now - timedelta(days=6, hours=23),
        ends_at=now - timedelta(days=6, hours=22),
        recurrence="weekly",
        occurrence_count=4,
        timezone="UTC",
    )
    user = UserFactory()
    RegistrationFactory(event=series, user=user, queued_at=now - timedelta(days=8))
    client.force_login(user)

    (row,) = client.get(URL).context["upcoming"]

    assert row.meeting_count == 4
    assert row.when.startswith(f"{(now + timedelta(hours=1)):%-d %B %Y, %H:%M}–")


def test_account_navigation_links_to_my_events(client, events_index):
    client.force_login(UserFactory())
    html = client.get(URL).content.decode()
    assert f'<a href="{URL}">My events</a>' in html


def _queries_for(client, user) -> int:
    client.force_login(user)
    client.get(URL)  # warm caches (site root paths, locale)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries)


def test_query_count_is_flat(client, events_index):
    now = timezone.now()
    few, many = UserFactory(), UserFactory()
    for n in range(30):
        event = event_page(
            events_index, starts_at=now + timedelta(days=1 + n) if n % 3 else now - timedelta(days=n + 2)
        )
        if n < 3:
            RegistrationFactory(event=event, user=few, status=RegistrationStatus.WAITLISTED if n == 1 else "confirmed")
        RegistrationFactory(event=event, user=many, status=RegistrationStatus.WAITLISTED if n % 4 == 1 else "confirmed")

    assert _queries_for(client, few) == _queries_for(client, many)
