"""Daily and weekly digests (issue 6 items 7 and 8), with frozen time.

Each digest covers a closed UTC window that ends at the last midnight (Monday 00:00 for the weekly one) and starts
where the user's previous window ended: no item repeats, none is skipped, also across a month end, the EU daylight
saving changes, missed runs and changes of preference. Running the task twice sends one digest. A former member
gets nothing of the community they left; a members-only title never reaches an outsider's mailbox.
"""

import datetime
import re
import uuid

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.db import IntegrityError

from community.models import DigestRun, Frequency, Notification
from community.notifications import record_activity
from community.services import digests
from community.services.notification_settings import set_frequency
from community.tasks import send_daily_digests, send_weekly_digests
from portal.notifications.models import OutboxMessage
from tests.community.community_factories import RCPFactory, community_member, dag
from tests.community.notification_factories import DocumentFactory, ExchangeFactory, end_membership, new_item, prefer
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
KIND = Notification.Kind


def at(day: str, time: str = "12:00") -> datetime.datetime:
    """``"2026-03-10", "06:00"`` → that instant in UTC."""
    return datetime.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=UTC)


def travel(when: datetime.datetime):
    return time_machine.travel(when, tick=False)


def daily(day: str, time: str = "06:00") -> int:
    with travel(at(day, time)):
        return send_daily_digests()


def weekly(day: str, time: str = "06:00") -> int:
    with travel(at(day, time)):
        return send_weekly_digests()


def post(community, title: str, when: datetime.datetime, actor=None, kind=KIND.THREAD):
    with travel(when):
        return new_item(kind, community, actor=actor, title=title)


def digests_to(user) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(template="community_digest", recipient=user.email).order_by("pk"))


def titles_in(message: OutboxMessage) -> set[str]:
    return set(re.findall(r"item-[0-9a-z-]+", message.body_text))


def windows(user) -> list[tuple[datetime.datetime, datetime.datetime, int]]:
    rows = DigestRun.objects.filter(user=user).order_by("window_end")
    return [(r.window_start, r.window_end, r.item_count) for r in rows]


@pytest.fixture
def mk_pair():
    """North Macedonia's DAG (Europe/Skopje) with a poster and a reader on the default (daily) preference."""
    with travel(at("2026-01-01", "09:00")):
        mk = dag("MK", timezone="Europe/Skopje")
        poster, reader = community_member(mk), community_member(mk)
    return mk, poster, reader


# --- Windows -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "now", "boundary"),
    [
        (Frequency.DAILY, "2026-03-10T06:00", "2026-03-10T00:00"),
        (Frequency.DAILY, "2026-03-10T00:00", "2026-03-10T00:00"),
        (Frequency.DAILY, "2026-03-09T23:59:59", "2026-03-09T00:00"),
        (Frequency.DAILY, "2026-04-01T06:00", "2026-04-01T00:00"),
        (Frequency.WEEKLY, "2026-03-09T06:00", "2026-03-09T00:00"),  # a Monday
        (Frequency.WEEKLY, "2026-03-15T23:59", "2026-03-09T00:00"),  # the Sunday after
        (Frequency.WEEKLY, "2026-03-11T06:00", "2026-03-09T00:00"),  # a Wednesday
        (Frequency.WEEKLY, "2026-11-01T06:00", "2026-10-26T00:00"),  # across a month end
    ],
)
def test_window_boundary_is_the_last_utc_midnight_or_monday(frequency, now, boundary):
    now = datetime.datetime.fromisoformat(now).replace(tzinfo=UTC)
    assert digests.window_boundary(frequency, now) == datetime.datetime.fromisoformat(boundary).replace(tzinfo=UTC)


def test_window_boundary_refuses_frequencies_without_digest():
    with pytest.raises(KeyError):
        digests.window_boundary(Frequency.IMMEDIATE)


def test_the_window_is_closed_and_the_current_day_waits_for_the_next_digest(mk_pair):
    mk, poster, reader = mk_pair
    post(mk, "item-morning", at("2026-03-09", "10:00"), poster)
    post(mk, "item-late", at("2026-03-09", "23:59:59"), poster)
    post(mk, "item-today", at("2026-03-10", "05:00"), poster)
    assert daily("2026-03-10") == 1
    [first] = digests_to(reader)
    assert titles_in(first) == {"item-morning", "item-late"}
    assert windows(reader)[-1][1] == at("2026-03-10", "00:00")
    assert daily("2026-03-11") == 1
    second = digests_to(reader)[-1]
    assert titles_in(second) == {"item-today"}
    start, end, count = windows(reader)[-1]
    assert (start, end, count) == (at("2026-03-10", "00:00"), at("2026-03-11", "00:00"), 1)
    assert digests_to(poster) == []  # the actor is not told about their own items


def test_running_the_task_twice_sends_one_digest_per_recipient(mk_pair):
    mk, poster, reader = mk_pair
    with travel(at("2026-03-01")):
        second_reader = community_member(mk)
    post(mk, "item-a", at("2026-03-09", "10:00"), poster)
    assert daily("2026-03-10", "06:00") == 2
    assert daily("2026-03-10", "06:00") == 0
    assert daily("2026-03-10", "18:30") == 0
    assert len(digests_to(reader)) == 1
    assert len(digests_to(second_reader)) == 1
    assert DigestRun.objects.filter(user=reader).count() == 1
    assert not Notification.objects.filter(emailed_at__isnull=True, recipient__in=[reader, second_reader]).exists()


def test_two_workers_with_the_same_window_record_and_mail_it_once(mk_pair, monkeypatch):
    """Without row locks (SQLite), two workers could both read "no window yet" before either commits; the unique
    (user, window_end) constraint stops the second, whose transaction (mail included) is rolled back."""
    mk, poster, reader = mk_pair
    post(mk, "item-a", at("2026-03-09", "10:00"), poster)
    boundary = at("2026-03-10", "00:00")
    with travel(at("2026-03-10", "06:00")):
        assert digests.send_digest(reader.pk, Frequency.DAILY, boundary).item_count == 1
        # The second worker read before the first committed: no window yet, the item still unsent.
        Notification.objects.filter(recipient=reader).update(emailed_at=None)
        monkeypatch.setattr(digests, "last_window_end", lambda user_id: None)
        with pytest.raises(IntegrityError):
            digests.send_digest(reader.pk, Frequency.DAILY, boundary)
    assert len(digests_to(reader)) == 1
    assert DigestRun.objects.filter(user=reader).count() == 1
    assert Notification.objects.filter(recipient=reader, emailed_at__isnull=True).count() == 1  # rolled back


def test_the_task_skips_a_user_whose_window_another_worker_recorded(mk_pair, monkeypatch):
    mk, poster, reader = mk_pair
    post(mk, "item-a", at("2026-03-09", "10:00"), poster)
    daily("2026-03-10")
    Notification.objects.filter(recipient=reader).update(emailed_at=None)
    monkeypatch.setattr(digests, "last_window_end", lambda user_id: None)
    monkeypatch.setattr(digests, "candidate_ids", lambda frequency, boundary: [reader.pk, poster.pk])
    assert daily("2026-03-10", "07:00") == 0  # both collide with their recorded windows; no error escapes
    assert len(digests_to(reader)) == 1


def test_no_items_no_mail_but_the_window_is_recorded(mk_pair):
    _mk, _poster, reader = mk_pair
    assert daily("2026-03-10") == 0
    assert digests_to(reader) == []
    assert windows(reader) == [(at("2026-03-09", "00:00"), at("2026-03-10", "00:00"), 0)]
    assert daily("2026-03-11") == 0
    assert windows(reader)[-1] == (at("2026-03-10", "00:00"), at("2026-03-11", "00:00"), 0)


def test_people_outside_any_community_get_no_digest_rows():
    outsider = UserFactory()
    daily("2026-03-10")
    assert not DigestRun.objects.filter(user=outsider).exists()


def test_a_missed_run_is_caught_up_by_the_next_one(mk_pair):
    mk, poster, reader = mk_pair
    post(mk, "item-mon", at("2026-03-09", "10:00"), poster)
    daily("2026-03-10")
    post(mk, "item-tue", at("2026-03-10", "10:00"), poster)
    post(mk, "item-wed", at("2026-03-11", "10:00"), poster)
    # The worker was down on the 11th; the run of the 12th covers both days.
    daily("2026-03-12")
    assert titles_in(digests_to(reader)[-1]) == {"item-tue", "item-wed"}
    assert windows(reader)[-1][:2] == (at("2026-03-10", "00:00"), at("2026-03-12", "00:00"))


def test_daily_digests_across_a_month_end_and_the_march_daylight_saving_change(mk_pair):
    """Items every five hours from 27 March to 3 April 2026 (Europe/Skopje moves to CEST on 29 March): each item
    in exactly one digest, consecutive windows touch, local times shown in the community's zone."""
    mk, poster, reader = mk_pair
    when, created = at("2026-03-27", "00:00"), []
    while when < at("2026-04-03", "00:00"):
        name = f"item-{when:%m%d-%H%M}"
        post(mk, name, when, poster)
        created.append(name)
        when += datetime.timedelta(hours=5)
    for day in range(28, 32):
        daily(f"2026-03-{day}")
    for day in range(1, 4):
        daily(f"2026-04-0{day}")
    seen = [title for message in digests_to(reader) for title in titles_in(message)]
    assert sorted(seen) == sorted(created)  # none skipped, none repeated
    runs = windows(reader)
    assert all(prev[1] == nxt[0] for prev, nxt in zip(runs, runs[1:], strict=False))
    assert all(end.hour == 0 and end.minute == 0 for _start, end, _count in runs)
    bodies = " ".join(m.body_text for m in digests_to(reader))
    assert "27 March 2026, 11:00 (Europe/Skopje, CET)" in bodies  # 10:00 UTC in winter time (UTC+1) ...
    assert "30 March 2026, 15:00 (Europe/Skopje, CEST)" in bodies  # ... 13:00 UTC in summer time (UTC+2)


def test_weekly_digests_across_the_october_daylight_saving_change_and_a_month_end(mk_pair):
    mk, poster, reader = mk_pair
    prefer(reader, Frequency.WEEKLY)
    post(mk, "item-before", at("2026-10-21", "10:00"), poster)  # Wednesday
    post(mk, "item-sunday-night", at("2026-10-25", "23:59"), poster)  # the clocks went back that night
    post(mk, "item-monday", at("2026-10-26", "01:00"), poster)
    post(mk, "item-november", at("2026-11-01", "12:00"), poster)
    assert daily("2026-10-26") == 0  # a weekly reader gets no daily digest
    assert weekly("2026-10-26") == 1
    assert weekly("2026-10-26", "09:00") == 0
    assert titles_in(digests_to(reader)[-1]) == {"item-before", "item-sunday-night"}
    assert weekly("2026-11-02") == 1
    assert titles_in(digests_to(reader)[-1]) == {"item-monday", "item-november"}
    assert windows(reader)[-1][:2] == (at("2026-10-26", "00:00"), at("2026-11-02", "00:00"))
    assert "Your weekly digest: 2 new items" in digests_to(reader)[-1].subject


# --- Changing preference: nothing repeated, nothing skipped ------------------------------------------------------


def test_switch_daily_to_weekly(mk_pair):
    mk, poster, reader = mk_pair
    post(mk, "item-tue", at("2026-03-10", "10:00"), poster)
    daily("2026-03-11")
    post(mk, "item-wed", at("2026-03-11", "10:00"), poster)
    with travel(at("2026-03-11", "12:00")):
        set_frequency(reader, Frequency.WEEKLY)
    post(mk, "item-thu", at("2026-03-12", "10:00"), poster)
    assert daily("2026-03-12") == 0
    weekly("2026-03-16")
    first, second = digests_to(reader)
    assert titles_in(first) == {"item-tue"}
    assert titles_in(second) == {"item-wed", "item-thu"}
    assert windows(reader)[-1][:2] == (at("2026-03-11", "00:00"), at("2026-03-16", "00:00"))


def test_switch_daily_to_immediately_sends_the_waiting_items_once(mk_pair, django_capture_on_commit_callbacks):
    mk, poster, reader = mk_pair
    post(mk, "item-waiting", at("2026-03-11", "10:00"), poster)
    with travel(at("2026-03-11", "12:00")):
        set_frequency(reader, Frequency.IMMEDIATE)
    post(mk, "item-after", at("2026-03-11", "14:00"), poster)
    immediate = OutboxMessage.objects.filter(template="community_activity", recipient=reader.email)
    assert [m.subject.endswith("item-after") for m in immediate] == [True]
    assert daily("2026-03-12") == 1
    assert titles_in(digests_to(reader)[-1]) == {"item-waiting"}
    assert daily("2026-03-13") == 0
    assert len(digests_to(reader)) == 1


def test_switch_weekly_to_daily(mk_pair):
    mk, poster, reader = mk_pair
    prefer(reader, Frequency.WEEKLY)
    weekly("2026-03-09")
    post(mk, "item-tue", at("2026-03-10", "10:00"), poster)
    with travel(at("2026-03-11", "08:00")):
        set_frequency(reader, Frequency.DAILY)
    post(mk, "item-wed", at("2026-03-11", "10:00"), poster)
    daily("2026-03-12")
    assert titles_in(digests_to(reader)[-1]) == {"item-tue", "item-wed"}
    assert weekly("2026-03-16") == 0
    assert len(digests_to(reader)) == 1


def test_items_of_a_no_emails_period_are_not_mailed_afterwards(mk_pair):
    mk, poster, reader = mk_pair
    with travel(at("2026-03-09", "08:00")):
        set_frequency(reader, Frequency.NONE)
    post(mk, "item-silent", at("2026-03-09", "10:00"), poster)
    assert daily("2026-03-10") == 0
    with travel(at("2026-03-10", "09:00")):
        set_frequency(reader, Frequency.DAILY)
    post(mk, "item-wanted", at("2026-03-10", "10:00"), poster)
    daily("2026-03-11")
    [digest] = digests_to(reader)
    assert titles_in(digest) == {"item-wanted"}
    assert Notification.objects.filter(recipient=reader).count() == 2  # both stay in the in-app list


def test_a_user_without_a_preference_row_gets_the_daily_digest(mk_pair):
    mk, poster, reader = mk_pair
    assert digests.current_frequency(reader.pk) == Frequency.DAILY
    post(mk, "item-a", at("2026-03-09", "10:00"), poster)
    assert daily("2026-03-10") == 1


# --- Former members and planted tokens ---------------------------------------------------------------------------


def test_a_former_member_gets_nothing_of_the_community_they_left():
    with travel(at("2026-03-01", "09:00")):
        rcp, mk, rs = RCPFactory(), dag("MK"), dag("RS")
        poster_mk, poster_rs = community_member(mk), community_member(rs)
        leaving = community_member(mk)
        both = community_member(mk)
        community_member(rs, user=both)
    post(mk, "item-mk", at("2026-03-09", "10:00"), poster_mk)
    post(rs, "item-rs", at("2026-03-09", "11:00"), poster_rs)
    post(rcp, "item-rcp", at("2026-03-09", "12:00"), poster_rs)
    end_membership(leaving, mk, datetime.date(2026, 3, 9))
    end_membership(both, mk, datetime.date(2026, 3, 9))
    daily("2026-03-10")
    assert digests_to(leaving) == []
    assert windows(leaving) == [(at("2026-03-09", "00:00"), at("2026-03-10", "00:00"), 0)]
    [digest] = digests_to(both)
    assert titles_in(digest) == {"item-rs", "item-rcp"}  # still in RS, so still in the RCP
    # Rejoining later does not bring back what was held back.
    with travel(at("2026-03-12", "09:00")):
        community_member(mk, user=leaving)
    daily("2026-03-13")
    assert digests_to(leaving) == []


def test_a_planted_title_reaches_members_only(django_capture_on_commit_callbacks):
    token = f"item-token-{uuid.uuid4().hex}"
    with travel(at("2026-03-01", "09:00")):
        RCPFactory()
        mk, rs = dag("MK"), dag("RS")
        poster, member = community_member(mk), community_member(mk)
        former, other_dag, outsider = community_member(mk), community_member(rs), UserFactory()
        immediate_other = community_member(rs)
        prefer(immediate_other, Frequency.IMMEDIATE)
        weekly_former = community_member(mk)
        prefer(weekly_former, Frequency.WEEKLY)
    post(mk, token, at("2026-03-09", "10:00"), poster)
    post(rs, "item-rs-news", at("2026-03-09", "11:00"), other_dag)  # so the RS people get mail too
    post(mk, "item-reply", at("2026-03-09", "12:00"), member, kind=KIND.REPLY)
    # The former members were told in-app while they belonged; the digests must not carry it after they left.
    assert Notification.objects.filter(recipient__in=[former, weekly_former], thread__title=token).count() == 2
    end_membership(former, mk, datetime.date(2026, 3, 9))
    end_membership(weekly_former, mk, datetime.date(2026, 3, 9))
    daily("2026-03-10")
    weekly("2026-03-16")
    outsiders = [former, other_dag, outsider, immediate_other, weekly_former]
    for message in OutboxMessage.objects.all():
        text = message.subject + message.body_text + message.body_html
        if message.recipient in {u.email for u in outsiders}:
            assert token not in text, message.recipient
    assert any(token in m.body_text for m in digests_to(member))
    assert OutboxMessage.objects.filter(recipient__in=[other_dag.email, immediate_other.email]).exists()


def test_an_exchange_document_reaches_the_visiting_dag_while_its_members_belong():
    with travel(at("2026-03-01", "09:00")):
        mk, rs = dag("MK"), dag("RS")
        host_poster, visitor, leaver = community_member(mk), community_member(rs), community_member(rs)
        exchange = ExchangeFactory(host=mk, visiting=rs)
    with travel(at("2026-03-09", "10:00")):
        document = DocumentFactory(community=mk, exchange=exchange, title="item-visit-report")
        record_activity(KIND.DOCUMENT, document, host_poster)
    end_membership(leaver, rs, datetime.date(2026, 3, 9))
    daily("2026-03-10")
    [digest] = digests_to(visitor)
    assert titles_in(digest) == {"item-visit-report"}
    assert digests_to(leaver) == []


# --- The preference service --------------------------------------------------------------------------------------


def test_set_frequency_refuses_unknown_values(mk_pair):
    _mk, _poster, reader = mk_pair
    with pytest.raises(ValueError):
        set_frequency(reader, "hourly")
    assert digests.current_frequency(reader.pk) == Frequency.DAILY


def test_leaving_no_emails_records_the_silent_window_and_nothing_else_does(mk_pair):
    _mk, _poster, reader = mk_pair
    with travel(at("2026-03-09", "08:00")):
        set_frequency(reader, Frequency.WEEKLY)
        set_frequency(reader, Frequency.WEEKLY)
        set_frequency(reader, Frequency.NONE)
    assert windows(reader) == []
    with travel(at("2026-03-11", "15:30")):
        set_frequency(reader, Frequency.IMMEDIATE)
    assert windows(reader) == [(at("2026-03-09", "08:00"), at("2026-03-11", "15:30"), 0)]
    assert DigestRun.objects.get(user=reader).frequency == Frequency.NONE


# --- Content and schedule ----------------------------------------------------------------------------------------


def test_the_digest_groups_by_community_then_kind_and_speaks_the_readers_language():
    with travel(at("2026-03-01", "09:00")):
        rcp, mk = RCPFactory(), dag("MK", timezone="Europe/Skopje")
        poster = community_member(mk)
        reader = community_member(mk, user=UserFactory(preferred_language="mk"))
    post(mk, "item-doc", at("2026-03-09", "08:00"), poster, kind=KIND.DOCUMENT)
    post(mk, "item-thread", at("2026-03-09", "09:00"), poster)
    post(mk, "item-news", at("2026-03-09", "10:00"), poster, kind=KIND.ANNOUNCEMENT)
    post(rcp, "item-regional", at("2026-03-09", "11:00"), poster)
    daily("2026-03-10")
    [digest] = digests_to(reader)
    body = digest.body_text
    assert digest.language == "mk"
    assert body.index(rcp.name) < body.index(mk.name)  # the RCP first
    mk_part = body[body.index(mk.name) :]
    assert mk_part.index("item-news") < mk_part.index("item-thread") < mk_part.index("item-doc")
    assert "/mk/workspace/notifications/settings/" in body
    assert "item-doc" in digest.body_html
    assert "4" in digest.subject


def test_beat_runs_the_daily_digest_every_morning_and_the_weekly_one_on_monday():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["community-daily-digests"]["task"] == "community.tasks.send_daily_digests"
    assert schedule["community-daily-digests"]["schedule"] == crontab(minute=0, hour=6)
    assert schedule["community-weekly-digests"]["task"] == "community.tasks.send_weekly_digests"
    assert schedule["community-weekly-digests"]["schedule"] == crontab(minute=0, hour=6, day_of_week=1)
