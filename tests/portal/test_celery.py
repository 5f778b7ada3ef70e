"""The Celery app: configured from Django settings, fails fast on a dead broker, beat schedule in the database."""

import socket
import threading
import time
from contextlib import contextmanager

import pytest
from django.conf import settings
from kombu.exceptions import OperationalError

from portal.celery import app as celery_app
from portal.notifications.services import publish
from portal.notifications.tasks import send_outbox_message


@contextmanager
def broker(url: str):
    """Publish to ``url`` for real (not eagerly) inside the block."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager
    conf.broker_url, conf.task_always_eager = url, False
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager = saved
        celery_app._pool = None
        celery_app.amqp._producer_pool = None


@contextmanager
def silent_server():
    """A TCP server on 127.0.0.1 that accepts connections and never answers: a hung broker. Yields its URL."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    held, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    finally:
        stop.set()
        thread.join(2)
        for conn in held:
            conn.close()
        server.close()


def test_app_reads_django_settings():
    assert celery_app.main == "portal"
    assert celery_app.conf.timezone == "UTC"
    assert celery_app.conf.broker_connection_timeout == settings.CELERY_BROKER_CONNECTION_TIMEOUT
    assert celery_app.conf.broker_transport_options["socket_timeout"] <= 2
    assert celery_app.conf.task_publish_retry is False
    assert celery_app.conf.task_always_eager is True  # test settings: in-process unless a test says otherwise


def test_publish_to_refused_broker_fails_at_once():
    with broker("redis://127.0.0.1:1/0"):
        started = time.monotonic()
        with pytest.raises(OperationalError):
            send_outbox_message.delay(1)
        assert time.monotonic() - started < 1.5


def test_publish_to_hung_broker_fails_within_a_few_seconds():
    with silent_server() as url, broker(url):
        started = time.monotonic()
        with pytest.raises(OperationalError):
            send_outbox_message.delay(1)
        elapsed = time.monotonic() - started
    assert elapsed < 4, f"publishing to a hung broker took {elapsed:.1f} s"


def test_outbox_publish_swallows_a_hung_broker():
    with silent_server() as url, broker(url):
        started = time.monotonic()
        assert publish([1, 2, 3]) == 0  # logged, not raised; stops after the first failure
        elapsed = time.monotonic() - started
    assert elapsed < 4


@pytest.mark.django_db(transaction=True)  # the scheduler closes "old" connections, as beat does between ticks
def test_beat_schedule_is_synced_to_django_celery_beat():
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    DatabaseScheduler(app=celery_app, lazy=False)

    task = PeriodicTask.objects.get(name="notifications-retry-failed")
    assert task.task == "portal.notifications.tasks.retry_failed_messages"
    assert task.enabled
    assert task.interval.every * {"seconds": 1, "minutes": 60}[task.interval.period] == 300
