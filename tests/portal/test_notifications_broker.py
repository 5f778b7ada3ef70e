"""Broker outage: the user's action succeeds, the mail waits in the outbox and goes out once the broker is back.

These tests really publish (``task_always_eager`` off) to a Redis URL on a closed port, so kombu raises its
connection error; they need no running service.
"""

import logging
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.celery import app as celery_app
from portal.models import User
from portal.notifications import notify
from portal.notifications.models import OutboxMessage
from portal.notifications.services import publish
from portal.notifications.tasks import retry_failed_messages, send_outbox_message

DEAD_BROKER = "redis://127.0.0.1:1/0"
Status = OutboxMessage.Status


def _reset_producer_pools():
    """Drop Celery's cached broker connections so the next publish uses the current ``broker_url``."""
    celery_app._pool = None  # kombu keeps the pools per URL in a registry; only the app's reference goes
    celery_app.amqp._producer_pool = None


@contextmanager
def celery_broker(url: str, *, eager: bool):
    """Point the Celery app at ``url`` with ``task_always_eager=eager`` inside the block, then restore."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager
    conf.broker_url, conf.task_always_eager = url, eager
    _reset_producer_pools()
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager = saved
        _reset_producer_pools()


@pytest.fixture
def dead_broker():
    with celery_broker(DEAD_BROKER, eager=False):
        yield


@pytest.mark.django_db(transaction=True)
def test_notify_commits_with_broker_down_and_mail_goes_out_when_it_is_back(dead_broker, caplog):
    user = User.objects.create_user("ana@example.org", password="x" * 12)
    caplog.set_level(logging.WARNING, logger="portal.notifications.services")

    started = time.monotonic()
    with transaction.atomic():  # a real commit: on_commit publishes to the dead broker
        notify(user, "message", {"subject": "Registration received", "message": "Thank you."})
        User.objects.filter(pk=user.pk).update(first_name="Ana")
    elapsed = time.monotonic() - started

    assert elapsed < 3, f"publishing to a dead broker took {elapsed:.1f} s"
    assert User.objects.get(pk=user.pk).first_name == "Ana"  # the caller's work is committed
    message = OutboxMessage.objects.get()
    assert message.status == Status.PENDING
    assert message.attempts == 0
    assert mail.outbox == []
    assert "Broker unreachable" in caplog.text

    # Still down when the periodic retry runs: nothing is lost, nothing raised.
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert retry_failed_messages() == 0
    assert OutboxMessage.objects.get().status == Status.PENDING

    # The broker is back (tasks run in-process here, as a worker would run them).
    with celery_broker("memory://", eager=True):
        with time_machine.travel(timezone.now() + timedelta(hours=1)):
            assert retry_failed_messages() == 1
            assert retry_failed_messages() == 0  # nothing more to send
        assert send_outbox_message(message.pk) == "skipped"  # a late duplicate task sends nothing

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@example.org"]
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_publish_stops_at_first_broker_error(dead_broker):
    started = time.monotonic()
    assert publish([1, 2, 3, 4, 5]) == 0
    assert time.monotonic() - started < 3  # one failed connection, not five


@pytest.mark.django_db(transaction=True)
def test_signup_succeeds_with_broker_down(dead_broker, client):
    """The sign-up request (allauth) commits the account; its verification mail waits in the outbox."""
    response = client.post(
        reverse("account_signup"),
        {
            "first_name": "New",
            "last_name": "Member",
            "email": "new.member@example.org",
            "password1": "a-long-Passphrase-42",
            "password2": "a-long-Passphrase-42",
        },
    )

    assert response.status_code == 302
    assert User.objects.filter(email="new.member@example.org").exists()
    message = OutboxMessage.objects.get(recipient="new.member@example.org")
    assert message.status == Status.PENDING
    assert message.template == "account/email/email_confirmation_signup"
    assert mail.outbox == []

    with celery_broker("memory://", eager=True):
        with time_machine.travel(timezone.now() + timedelta(minutes=6)):
            assert retry_failed_messages() == 1
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in mail.outbox[0].body
