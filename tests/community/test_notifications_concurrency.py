"""Digests under parallel workers (PostgreSQL): N workers running the daily digest at once mail one digest per
recipient and record one window each.

Without the lock, every worker would read "no window yet" for a user, collect the same notifications and queue its
own digest. ``send_digest`` locks the user row first (``select_for_update``), so the others wait, then see the
recorded window and do nothing; the unique (user, window_end) constraint and the outbox dedupe key are second and
third guards (see test_notifications_digests.py for the constraint alone).
"""

import datetime
import threading

import pytest
import time_machine
from django.db import connection

from community.models import DigestRun, Frequency, Notification
from community.services import digests
from community.services.notification_settings import set_frequency
from portal.notifications.models import OutboxMessage
from tests.community.community_factories import community_member, dag
from tests.community.notification_factories import new_item

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
UTC = datetime.UTC
NOW = datetime.datetime(2026, 3, 10, 6, 0, tzinfo=UTC)


def _run_in_parallel(funcs):
    barrier = threading.Barrier(len(funcs))
    results, errors = [], []

    def target(func):
        try:
            barrier.wait(timeout=10)
            results.append(func())
        except Exception as exc:  # reported below, not swallowed
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(f,)) for f in funcs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


def test_parallel_daily_runs_mail_one_digest_per_recipient():
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, 0, tzinfo=UTC), tick=False):
        mk = dag("MK")
        poster = community_member(mk)
        readers = [community_member(mk) for _ in range(4)]
    with time_machine.travel(datetime.datetime(2026, 3, 9, 10, 0, tzinfo=UTC), tick=False):
        new_item(Notification.Kind.THREAD, mk, actor=poster, title="Parallel item")

    results = _run_in_parallel([lambda: digests.send_digests(Frequency.DAILY, now=NOW)] * 4)

    assert sum(results) == len(readers)
    for reader in readers:
        assert OutboxMessage.objects.filter(template="community_digest", recipient=reader.email).count() == 1
        assert DigestRun.objects.filter(user=reader).count() == 1
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_a_preference_change_waits_for_the_digest_being_sent():
    """The switch and the digest lock the same user row: whichever comes second sees the other's result, so the
    waiting item is mailed exactly once (by the digest, or — after a switch to weekly — by the weekly one)."""
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, 0, tzinfo=UTC), tick=False):
        mk = dag("MK")
        poster, reader = community_member(mk), community_member(mk)
    with time_machine.travel(datetime.datetime(2026, 3, 9, 10, 0, tzinfo=UTC), tick=False):
        new_item(Notification.Kind.THREAD, mk, actor=poster, title="Contended item")
    boundary = digests.window_boundary(Frequency.DAILY, NOW)

    _run_in_parallel(
        [
            lambda: digests.send_digest(reader.pk, Frequency.DAILY, boundary),
            lambda: set_frequency(reader, Frequency.WEEKLY),
        ]
    )
    digests.send_digests(Frequency.WEEKLY, now=datetime.datetime(2026, 3, 16, 6, 0, tzinfo=UTC))

    assert OutboxMessage.objects.filter(template="community_digest", recipient=reader.email).count() == 1
    assert not Notification.objects.filter(recipient=reader, emailed_at__isnull=True).exists()
