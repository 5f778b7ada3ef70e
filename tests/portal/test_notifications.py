"""The notification outbox: rendering per language, the caller's transaction, idempotent sending, retries."""

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.utils import timezone

from portal.celery import app as celery_app
from portal.models import User
from portal.notifications import enqueue_email, notify
from portal.notifications.models import OutboxMessage
from portal.notifications.services import backoff, deliver, requeue_due
from portal.notifications.tasks import retry_failed_messages, send_outbox_message

pytestmark = pytest.mark.django_db

TEMPLATE_DIR = Path(__file__).parent / "notification_templates"
Status = OutboxMessage.Status
PASSWORD = "a-long-Passphrase-42"


class FailingBackend:
    """An email backend whose every send fails like an SMTP server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")


@pytest.fixture(autouse=True)
def test_templates(settings):
    """Add the test mail templates (``greeting``, ``textonly``) after the project's."""
    engine = dict(settings.TEMPLATES[0])
    engine["DIRS"] = [*engine["DIRS"], TEMPLATE_DIR]
    settings.TEMPLATES = [engine]


@pytest.fixture
def ana():
    return User.objects.create_user("ana@example.org", password="x" * 12, first_name="Ana")


@pytest.fixture
def emre():
    return User.objects.create_user("emre@example.org", password="x" * 12, preferred_language="tr")


def test_notify_renders_per_recipient_in_their_language(ana, emre, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = notify([ana, emre, "guest@example.org"], "greeting", {"message": "Meeting in Skopje"})

    assert len(callbacks) == 1  # one publish, after commit
    by_recipient = {row.recipient: row for row in rows}
    assert by_recipient["ana@example.org"].language == "en"
    assert by_recipient["ana@example.org"].subject == "[Integrity Watch] Greeting for ana@example.org [en]"
    assert by_recipient["ana@example.org"].body_text == "Body in en: Meeting in Skopje\n"
    assert by_recipient["ana@example.org"].body_html == "<p>Meeting in Skopje</p>"
    assert by_recipient["ana@example.org"].user == ana
    # Emre prefers Turkish: the tr/ override of the subject, the shared body rendered with tr active.
    assert by_recipient["emre@example.org"].language == "tr"
    assert by_recipient["emre@example.org"].subject == "[Integrity Watch] Merhaba emre@example.org"
    assert by_recipient["emre@example.org"].body_text == "Body in tr: Meeting in Skopje\n"
    assert by_recipient["guest@example.org"].user is None
    assert all(row.status == Status.PENDING for row in rows)
    assert mail.outbox == []


def test_explicit_language_and_regional_fallback(ana):
    (row,) = notify(ana, "greeting", {"message": "Zdravo"}, language="sr-latn")
    assert row.language == "sr-latn"
    assert row.body_text == "Srpski tekst: Zdravo\n"  # sr-latn → sr/body.txt
    assert row.subject.endswith("[sr-latn]")  # no sr subject: the shared one, rendered in sr-latn


def test_text_is_not_html_escaped_but_html_is(ana):
    (row,) = notify(ana, "greeting", {"message": "Tom & Jerry <b>"})
    assert "Tom & Jerry <b>" in row.body_text
    assert row.body_html == "<p>Tom &amp; Jerry &lt;b&gt;</p>"


def test_duplicate_and_empty_recipients_are_dropped(ana):
    rows = notify([ana, "ANA@example.org", "", "x@example.org", "x@example.org"], "textonly", {})
    assert sorted(r.recipient for r in rows) == ["ana@example.org", "x@example.org"]
    assert rows[0].body_html == ""


def test_a_lazy_user_is_one_recipient(ana):
    """``request.user`` is a SimpleLazyObject, which claims to be iterable; it is one recipient, not a list (the
    event registration view passes it on: the first registration through the page failed with a TypeError)."""
    from django.utils.functional import SimpleLazyObject

    (row,) = notify(SimpleLazyObject(lambda: ana), "textonly", {})
    assert row.recipient == "ana@example.org" and row.user == ana


def test_unknown_template_and_bad_recipient_raise(ana):
    with pytest.raises(TemplateDoesNotExist):
        notify(ana, "no-such-template", {})
    with pytest.raises(TypeError):
        notify([42], "textonly", {})
    assert not OutboxMessage.objects.exists()


def test_sent_after_commit(ana, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = notify(ana, "greeting", {"message": "Hello"})
        assert mail.outbox == []  # nothing leaves before the commit

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["ana@example.org"]
    assert sent.subject == "[Integrity Watch] Greeting for ana@example.org [en]"
    assert sent.alternatives[0][1] == "text/html"
    assert sent.extra_headers["Message-ID"].startswith(f"<outbox.{row.pk}.")
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert row.attempts == 1
    assert row.sent_at is not None


def test_rollback_writes_and_sends_nothing(ana, django_capture_on_commit_callbacks):
    class Boom(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(Boom), transaction.atomic():
            notify(ana, "greeting", {"message": "Hello"})
            raise Boom

    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


def test_dedupe_key_writes_once_per_recipient(ana, emre, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notify([ana], "textonly", {}, dedupe_key="call-7-opened")
        with transaction.atomic():  # a duplicate never breaks the caller's transaction
            second = notify([ana, emre], "textonly", {}, dedupe_key="call-7-opened")
            User.objects.filter(pk=ana.pk).update(first_name="Ana Marija")

    assert len(first) == 1
    assert [r.recipient for r in second] == ["emre@example.org"]
    assert OutboxMessage.objects.count() == 2
    assert len(mail.outbox) == 2
    assert User.objects.get(pk=ana.pk).first_name == "Ana Marija"


def test_send_task_is_idempotent(ana):
    (row,) = notify(ana, "textonly", {})  # on_commit never runs inside the test transaction
    assert send_outbox_message(row.pk) == "sent"
    assert send_outbox_message(row.pk) == "skipped"
    assert deliver(row.pk) == "skipped"
    assert deliver(999_999) == "skipped"
    assert len(mail.outbox) == 1


def test_sending_row_is_not_sent_again(ana):
    (row,) = notify(ana, "textonly", {})
    OutboxMessage.objects.filter(pk=row.pk).update(status=Status.SENDING)  # another worker holds it
    assert deliver(row.pk) == "skipped"
    assert mail.outbox == []


def test_failure_is_recorded_then_retried_with_backoff(ana, settings):
    (row,) = notify(ana, "textonly", {})
    settings.EMAIL_BACKEND = "tests.portal.test_notifications.FailingBackend"
    with time_machine.travel("2026-03-02 10:00:00+00:00", tick=False):
        assert deliver(row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == Status.FAILED
    assert row.attempts == 1
    assert "SMTP server down" in row.last_error
    assert row.available_at.isoformat() == "2026-03-02T10:05:00+00:00"  # first backoff: 5 minutes

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel("2026-03-02 10:04:00+00:00", tick=False):
        assert retry_failed_messages() == 0  # not due yet
    with time_machine.travel("2026-03-02 10:06:00+00:00", tick=False):
        assert retry_failed_messages() == 1
        assert retry_failed_messages() == 0
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert row.attempts == 2
    assert row.last_error == ""
    assert len(mail.outbox) == 1


def test_gives_up_after_max_attempts(ana, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    settings.EMAIL_BACKEND = "tests.portal.test_notifications.FailingBackend"
    (row,) = notify(ana, "textonly", {})
    now = timezone.now()
    assert deliver(row.pk) == "failed"
    for hour in range(1, 6):
        requeue_due(now=now + timedelta(hours=hour * 7))
    row.refresh_from_db()
    assert row.status == Status.FAILED
    assert row.attempts == 3
    assert deliver(row.pk) == "skipped"
    assert not OutboxMessage.objects.due_for_retry(now + timedelta(days=30)).exists()


def test_backoff_doubles_and_is_capped(settings):
    assert [backoff(n).total_seconds() / 60 for n in range(1, 6)] == [5, 10, 20, 40, 80]
    assert backoff(30) == timedelta(minutes=settings.NOTIFICATIONS_BACKOFF_MAX_MINUTES)


def test_pending_message_is_republished_once_old_enough(ana):
    """A row whose publish was lost (broker down at commit) is picked up by the periodic retry."""
    (row,) = notify(ana, "textonly", {})
    assert retry_failed_messages() == 0  # fresh: its own publish may still be on the way
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert retry_failed_messages() == 1
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert len(mail.outbox) == 1


def test_stuck_sending_message_is_requeued_after_its_lease(ana):
    (row,) = notify(ana, "textonly", {})
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=Status.SENDING, attempts=1, available_at=timezone.now() + timedelta(minutes=15)
    )
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        assert retry_failed_messages() == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert retry_failed_messages() == 1
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert row.attempts == 2
    assert len(mail.outbox) == 1


def test_enqueue_email_for_rendered_mail(ana, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rows = enqueue_email(
            ["a@example.org", "b@example.org"],
            "Subject\nwith a break",
            "Text",
            "<p>HTML</p>",
            from_email="grants@example.org",
            headers={"Reply-To": "help@example.org"},
            user=ana,
            language="mk",
        )
    assert [r.subject for r in rows] == ["Subject with a break"] * 2
    assert {m.to[0] for m in mail.outbox} == {"a@example.org", "b@example.org"}
    assert mail.outbox[0].from_email == "grants@example.org"
    assert mail.outbox[0].extra_headers["Reply-To"] == "help@example.org"
    assert all(r.language == "mk" for r in OutboxMessage.objects.all())


def test_project_message_template_renders(ana):
    (row,) = notify(
        ana,
        "message",
        {"subject": "Call open", "message": "A call for proposals is open.", "action_url": "https://example.org/c"},
    )
    assert row.subject == "[Integrity Watch] Call open"
    assert row.body_text.startswith("Hello Ana,\n\nA call for proposals is open.")
    assert "https://example.org/c" in row.body_text
    assert '<a href="https://example.org/c">' in row.body_html
    assert '<html lang="en">' in row.body_html


def test_retry_task_is_registered_and_scheduled(settings):
    assert "portal.notifications.tasks.retry_failed_messages" in celery_app.tasks
    assert "portal.notifications.tasks.send_outbox_message" in celery_app.tasks
    schedule = settings.CELERY_BEAT_SCHEDULE["notifications-retry-failed"]
    assert schedule["task"] == "portal.notifications.tasks.retry_failed_messages"
    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"


@pytest.mark.parametrize("prefix, language", [("", "en"), ("/tr", "tr")])
def test_signup_mail_goes_through_the_outbox(client, django_capture_on_commit_callbacks, prefix, language):
    """allauth's verification mail is rendered by allauth, queued in the outbox and sent after commit."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{prefix}/accounts/signup/",
            {
                "first_name": "Dag",
                "last_name": "Member",
                "email": "dag.member@example.org",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )

    assert response.status_code == 302
    row = OutboxMessage.objects.get()
    assert row.template == "account/email/email_confirmation_signup"
    assert row.recipient == "dag.member@example.org"
    assert row.user == User.objects.get(email="dag.member@example.org")
    assert row.language == language
    assert row.status == Status.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == row.subject
    assert mail.outbox[0].subject.startswith("[Integrity Watch] ")
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    # The greeting names the portal, not the host ("Hello from testserver!" without django.contrib.sites).
    assert "Integrity Watch Portal" in mail.outbox[0].body
    assert "testserver!" not in mail.outbox[0].body
