"""End to end with the real broker: notify() → commit → Redis → an in-thread Celery worker → the mail is sent.

Needs ``REDIS_URL`` (marker ``redis``). The worker thread opens its own database connection, so the test runs
with real commits (``transaction=True``); Celery's Django fixup closes that connection after each task.
"""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail
from django.db import transaction

from portal.celery import app as celery_app
from portal.models import User
from portal.notifications import notify
from portal.notifications.models import OutboxMessage
from portal.notifications.tasks import send_outbox_message

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

Status = OutboxMessage.Status


@pytest.fixture
def task_results():
    """``{task_id: return value}`` of every task the worker finishes during the test."""
    results = {}

    def record(task_id=None, retval=None, **kwargs):
        results[task_id] = retval

    task_postrun.connect(record, weak=False)
    yield results
    task_postrun.disconnect(record)


@pytest.fixture
def live_worker():
    """A solo-pool Celery worker in a thread, consuming from the Redis broker at ``REDIS_URL``."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager
    conf.broker_url, conf.task_always_eager = os.environ["REDIS_URL"], False
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.control.purge()  # leftovers of earlier runs in this Redis database
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING") as worker:
            yield worker
    finally:
        conf.broker_url, conf.task_always_eager = saved
        celery_app._pool = None
        celery_app.amqp._producer_pool = None


def _wait_for(predicate, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_worker_sends_notification_end_to_end(live_worker, task_results):
    user = User.objects.create_user("ana@example.org", password="x" * 12, preferred_language="tr")
    with transaction.atomic():
        (message,) = notify(user, "message", {"subject": "Registration confirmed", "message": "See you in Skopje."})
        # Inside the transaction nothing is published yet, so the worker cannot see a row that may roll back.
        time.sleep(0.3)
        assert mail.outbox == []

    # Wait on the worker's signal, not by polling the table: SQLite's shared in-memory test database locks
    # whole tables across connections, so a poll could collide with the worker's write.
    assert _wait_for(lambda: len(task_results) == 1)
    assert list(task_results.values()) == ["sent"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@example.org"]
    assert mail.outbox[0].subject == "[Integrity Watch] Registration confirmed"
    message.refresh_from_db()
    assert message.language == "tr"
    assert message.attempts == 1

    # A duplicate task for the same row (e.g. the periodic retry racing the first publish) sends nothing more.
    duplicate = send_outbox_message.delay(message.pk)
    assert _wait_for(lambda: duplicate.id in task_results)
    assert task_results[duplicate.id] == "skipped"
    assert len(mail.outbox) == 1
