"""Attachments of outbox mail: ``notify(..., attachments=[(filename, bytes, mimetype)])`` and ``enqueue_email`` store
them base64-encoded in the row (so a resend after a crash sends the same files) and ``build_email`` attaches them."""

from email import message_from_bytes
from pathlib import Path

import pytest
from django.core import mail

from portal.models import User
from portal.notifications import enqueue_email, notify
from portal.notifications.models import OutboxMessage
from portal.notifications.services import build_email, decode_attachments, deliver, encode_attachments

pytestmark = pytest.mark.django_db

TEMPLATE_DIR = Path(__file__).parent / "notification_templates"
ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nX-WR-CALNAME:Škola за\r\nEND:VCALENDAR\r\n".encode()
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def test_templates(settings):
    engine = dict(settings.TEMPLATES[0])
    engine["DIRS"] = [*engine["DIRS"], TEMPLATE_DIR]
    settings.TEMPLATES = [engine]


@pytest.fixture
def ana():
    return User.objects.create_user("ana@example.org", password="x" * 12, first_name="Ana")


def test_notify_stores_attachments_and_sends_them(ana, django_capture_on_commit_callbacks):
    files = [("meeting.ics", ICS, "text/calendar"), ("certificate.pdf", PDF, "application/pdf")]
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = notify([ana], "textonly", {}, attachments=files)
    row.refresh_from_db()
    assert [item["filename"] for item in row.attachments] == ["meeting.ics", "certificate.pdf"]
    assert [item["mimetype"] for item in row.attachments] == ["text/calendar", "application/pdf"]
    assert decode_attachments(row.attachments) == files  # bytes survive the JSON round trip exactly
    (sent,) = mail.outbox
    assert [(name, mimetype) for name, _content, mimetype in sent.attachments] == [
        ("meeting.ics", "text/calendar"),
        ("certificate.pdf", "application/pdf"),
    ]
    message = message_from_bytes(sent.message().as_bytes())
    parts = {part.get_filename(): part for part in message.walk() if part.get_filename()}
    assert parts["meeting.ics"].get_content_type() == "text/calendar"
    # A text part travels with the transport's line ends (CRLF over SMTP): same lines, same UTF-8 text.
    assert parts["meeting.ics"].get_payload(decode=True).splitlines() == ICS.splitlines()
    assert parts["certificate.pdf"].get_payload(decode=True) == PDF


def test_every_recipient_gets_the_attachments(ana):
    rows = notify([ana, "guest@example.org"], "textonly", {}, attachments=[("a.ics", ICS, "text/calendar")])
    assert len(rows) == 2
    assert all(decode_attachments(row.attachments) == [("a.ics", ICS, "text/calendar")] for row in rows)


def test_no_attachments_by_default(ana):
    (row,) = notify(ana, "textonly", {})
    assert row.attachments == []
    assert build_email(row).attachments == []


def test_enqueue_email_with_attachments(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = enqueue_email("b@example.org", "Subject", "Text", attachments=[("x.ics", ICS, "text/calendar")])
    assert decode_attachments(OutboxMessage.objects.get(pk=row.pk).attachments) == [("x.ics", ICS, "text/calendar")]
    assert [name for name, _c, _m in mail.outbox[0].attachments] == ["x.ics"]


def test_a_resend_carries_the_same_attachments(ana, settings):
    settings.EMAIL_BACKEND = "tests.portal.test_notifications.FailingBackend"
    (row,) = notify(ana, "textonly", {}, attachments=[("a.ics", ICS, "text/calendar")])
    assert deliver(row.pk) == "failed"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver(row.pk) == "sent"
    (sent,) = mail.outbox
    assert sent.attachments[0][0] == "a.ics"


@pytest.mark.parametrize(
    ("attachments", "error"),
    [
        ([("a.ics", "text, not bytes", "text/calendar")], TypeError),
        ([("", ICS, "text/calendar")], ValueError),
        ([("a.ics", ICS, "calendar")], ValueError),
    ],
)
def test_bad_attachments_are_refused_and_nothing_is_written(ana, attachments, error):
    with pytest.raises(error):
        notify(ana, "textonly", {}, attachments=attachments)
    with pytest.raises(error):
        enqueue_email("b@example.org", "S", "T", attachments=attachments)
    assert not OutboxMessage.objects.exists()


def test_encode_attachments_is_json_safe():
    import json

    stored = encode_attachments([("a.ics", ICS, "text/calendar")])
    assert json.loads(json.dumps(stored)) == stored
