"""The notifications page, the link from a notification to its item, email settings and the account menu badge.

Who may: signed-in users see their own notifications of items they may still see. Who may not: anonymous visitors
(sent to sign in), another user (404, same page as a notification that does not exist), a former member (the
notification is no longer listed; its link answers "no longer available" without naming the item).
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from community.models import Frequency, Notification, NotificationPreference, Thread
from community.notifications import item_path
from community.templatetags.community_notifications import community_inbox
from tests.community.community_factories import RCPFactory, community_member, dag
from tests.community.notification_factories import end_membership, new_item, prefer
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db
KIND = Notification.Kind
LIST = "workspace:notifications"
SETTINGS = "workspace:notification_settings"


@pytest.fixture
def mk():
    return dag("MK")


@pytest.fixture
def poster(mk):
    return community_member(mk)


@pytest.fixture
def reader(mk):
    return community_member(mk)


def account_nav(html: str) -> str:
    start = html.index('class="account-nav"')
    return html[start : html.index("</nav>", start)]


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("name", "args", "view"),
    [
        (LIST, [], "notification_list"),
        ("workspace:notifications_mark_all_read", [], "notifications_mark_all_read"),
        ("workspace:notification_open", [7], "notification_open"),
        (SETTINGS, [], "notification_settings"),
    ],
)
def test_paths_resolve_to_the_notification_views(name, args, view):
    """Guards the URLconf order: a community "<slug>/" pattern must not swallow "notifications/"."""
    assert resolve(reverse(name, args=args)).func.__name__ == view


@pytest.mark.parametrize(
    ("method", "name", "args"),
    [
        ("get", LIST, []),
        ("post", "workspace:notifications_mark_all_read", []),
        ("get", "workspace:notification_open", [1]),
        ("get", SETTINGS, []),
        ("post", SETTINGS, []),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, method, name, args):
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- The list ----------------------------------------------------------------------------------------------------


def test_the_list_shows_own_visible_notifications_newest_first_with_unread_marked(client, mk, poster, reader):
    first = new_item(KIND.THREAD, mk, actor=poster, title="Older thread")
    new_item(KIND.ANNOUNCEMENT, mk, actor=poster, title="Newer announcement")
    Notification.objects.filter(recipient=reader, thread=first).update(read_at="2026-01-01T00:00Z")
    other = community_member(dag("RS"))
    new_item(KIND.THREAD, dag("RS"), actor=other, title="Serbian thread")
    response = login(client, reader).get(reverse(LIST))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Newer announcement") < html.index("Older thread")
    assert "Serbian thread" not in html
    assert html.count("notification-list__item--unread") == 1
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert reverse(SETTINGS) in html
    assert reverse("workspace:notifications_mark_all_read") in html


def test_a_former_member_no_longer_sees_the_notifications_of_the_community_they_left(client, mk, poster, reader):
    rcp = RCPFactory()
    new_item(KIND.THREAD, mk, actor=poster, title="Members-only plans")
    new_item(KIND.THREAD, rcp, actor=poster, title="Regional plans")
    end_membership(reader, mk, reader.date_joined.date())
    html = login(client, reader).get(reverse(LIST)).content.decode()
    assert "Members-only plans" not in html
    assert "Regional plans" not in html  # no DAG left, so no RCP either
    assert "You have no notifications" in html


def test_the_list_costs_the_same_queries_for_10_or_200_notifications(client, mk, poster, reader):
    def make(count: int):
        threads = Thread.objects.bulk_create(
            Thread(community=mk, title=f"T{i}", created_by=poster) for i in range(count)
        )
        Notification.objects.bulk_create(
            Notification(recipient=reader, community=mk, kind=KIND.THREAD, actor=poster, thread=t) for t in threads
        )

    login(client, reader)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(LIST)).status_code == 200
        return len(ctx)

    count_queries()  # warm the per-process caches (site root, locales)
    make(10)
    small = count_queries()
    make(190)
    large = count_queries()
    assert small == large
    assert Notification.objects.filter(recipient=reader).count() == 200


def test_the_list_is_paginated(client, mk, poster, reader):
    threads = Thread.objects.bulk_create(Thread(community=mk, title=f"Thread {i:02d}") for i in range(30))
    Notification.objects.bulk_create(
        Notification(recipient=reader, community=mk, kind=KIND.THREAD, thread=t) for t in threads
    )
    login(client, reader)
    assert client.get(reverse(LIST)).content.decode().count("notification-list__item") >= 25
    page2 = client.get(reverse(LIST) + "?page=2").content.decode()
    assert page2.count('class="notification-list__item') == 5


def test_mark_all_as_read(client, mk, poster, reader):
    new_item(KIND.THREAD, mk, actor=poster)
    new_item(KIND.DOCUMENT, mk, actor=poster)
    login(client, reader)
    assert client.get(reverse("workspace:notifications_mark_all_read")).status_code == 405
    response = client.post(reverse("workspace:notifications_mark_all_read"))
    assert response.status_code == 302 and response["Location"] == reverse(LIST)
    assert not Notification.objects.filter(recipient=reader, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=poster).count() == 0


# --- Opening a notification --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [KIND.DOCUMENT, KIND.THREAD, KIND.REPLY, KIND.ANNOUNCEMENT])
def test_opening_marks_read_and_redirects_to_the_item(client, mk, poster, reader, kind):
    item = new_item(kind, mk, actor=poster)
    notification = Notification.objects.get(recipient=reader)
    response = login(client, reader).get(reverse("workspace:notification_open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == item_path(kind, item)
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_former_member_gets_no_longer_available_and_never_the_title(client, mk, poster, reader):
    new_item(KIND.THREAD, mk, actor=poster, title="Secret strategy 7f3a")
    notification = Notification.objects.get(recipient=reader)
    end_membership(reader, mk, reader.date_joined.date())
    response = login(client, reader).get(reverse("workspace:notification_open", args=[notification.pk]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "no longer available" in html
    assert "Secret strategy 7f3a" not in html
    assert "Location" not in response


def test_someone_elses_notification_answers_the_same_page_and_stays_unread(client, mk, poster, reader):
    new_item(KIND.THREAD, mk, actor=poster, title="Secret strategy 9c1d")
    notification = Notification.objects.get(recipient=reader)
    other_member = community_member(mk)
    response = login(client, other_member).get(reverse("workspace:notification_open", args=[notification.pk]))
    assert response.status_code == 404
    assert "Secret strategy 9c1d" not in response.content.decode()
    notification.refresh_from_db()
    assert notification.read_at is None
    missing = client.get(reverse("workspace:notification_open", args=[notification.pk + 1000]))
    assert missing.status_code == 404


# --- Email settings ----------------------------------------------------------------------------------------------


def test_settings_default_to_the_daily_digest_and_explain_each_choice(client, reader):
    response = login(client, reader).get(reverse(SETTINGS))
    assert response.status_code == 200
    assert response.context["form"].initial["frequency"] == Frequency.DAILY
    html = response.content.decode()
    for text in ("Immediately:", "Daily digest:", "Weekly digest:", "No emails:"):
        assert text in html
    assert re.search(r'value="daily"[^>]*checked', html)
    assert not re.search(r'value="weekly"[^>]*checked', html)


@pytest.mark.parametrize("choice", [Frequency.IMMEDIATE, Frequency.WEEKLY, Frequency.NONE, Frequency.DAILY])
def test_a_user_saves_their_choice(client, reader, choice):
    response = login(client, reader).post(reverse(SETTINGS), {"frequency": choice})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=reader).frequency == choice


def test_an_unknown_choice_is_refused(client, reader):
    prefer(reader, Frequency.WEEKLY)
    response = login(client, reader).post(reverse(SETTINGS), {"frequency": "hourly"})
    assert response.status_code == 200
    assert response.context["form"].errors["frequency"]
    assert NotificationPreference.objects.get(user=reader).frequency == Frequency.WEEKLY


def test_settings_are_for_the_signed_in_user_only(client, reader):
    other = UserFactory()
    login(client, other).post(reverse(SETTINGS), {"frequency": Frequency.NONE, "user": reader.pk})
    assert not NotificationPreference.objects.filter(user=reader).exists()
    assert NotificationPreference.objects.get(user=other).frequency == Frequency.NONE


# --- Account menu ------------------------------------------------------------------------------------------------


def test_the_account_menu_shows_the_unread_count_and_the_settings_link(client, mk, poster, reader):
    new_item(KIND.THREAD, mk, actor=poster)
    new_item(KIND.DOCUMENT, mk, actor=poster)
    html = login(client, reader).get(reverse(SETTINGS)).content.decode()
    nav = account_nav(html)
    assert reverse(LIST) in nav and reverse(SETTINGS) in nav
    assert "(2 unread)" in nav


def test_the_badge_counts_only_what_the_user_may_still_see_in_one_query(mk, poster, reader):
    rs = dag("RS")
    community_member(rs, user=reader)
    new_item(KIND.THREAD, mk, actor=poster)
    new_item(KIND.THREAD, rs, actor=poster)
    end_membership(reader, mk, reader.date_joined.date())
    with CaptureQueriesContext(connection) as ctx:
        inbox = community_inbox(reader)
    assert len(ctx) == 1
    assert inbox == {"unread": 1, "show": True}


def test_people_outside_communities_have_no_notifications_link(client):
    outsider = UserFactory()
    assert community_inbox(outsider) == {"unread": 0, "show": False}
    html = login(client, outsider).get(reverse(SETTINGS)).content.decode()
    nav = account_nav(html)
    assert reverse(LIST) not in nav
