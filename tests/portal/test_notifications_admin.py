"""Wagtail admin of the outbox: read-only list with filter and search, inspect, retry."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import User
from portal.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status


def _message(n=0, **fields):
    values = {
        "recipient": f"member{n}@example.org",
        "subject": f"Subject {n}",
        "body_text": f"Body {n}",
        "status": Status.SENT,
    }
    values.update(fields)
    return OutboxMessage.objects.create(**values)


# ``admin_client`` (a superuser with TOTP) and ``staff_client`` come from tests/conftest.py.


@pytest.fixture
def viewer_client(staff_client, staff_user):
    """Staff with admin access and, through a group, only the view permission on the outbox."""
    group = Group.objects.create(name="Outbox viewers")
    group.permissions.add(Permission.objects.get(codename="view_outboxmessage"))
    staff_user.groups.add(group)
    return staff_client


def test_list_filter_and_search(admin_client):
    _message(1, recipient="ana@example.org", status=Status.FAILED, last_error="SMTP down")
    _message(2, recipient="emre@example.org")

    response = admin_client.get(reverse("outbox:index"))
    assert response.status_code == 200
    assert b"ana@example.org" in response.content and b"emre@example.org" in response.content

    response = admin_client.get(reverse("outbox:index"), {"status": "failed"})
    assert b"ana@example.org" in response.content and b"emre@example.org" not in response.content

    response = admin_client.get(reverse("outbox:index"), {"q": "emre"})
    assert b"emre@example.org" in response.content and b"ana@example.org" not in response.content


def test_list_query_count_does_not_grow_with_rows(admin_client):
    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(reverse("outbox:index")).status_code == 200
        return len(ctx.captured_queries)

    for n in range(3):
        _message(n, status=Status.FAILED)
    few = count_queries()
    for n in range(3, 30):
        _message(n, status=Status.FAILED)
    assert count_queries() == few


def test_outbox_is_read_only_even_for_superusers(admin_client):
    message = _message(1)
    for url in (
        reverse("outbox:add"),
        reverse("outbox:edit", args=[message.pk]),
        reverse("outbox:delete", args=[message.pk]),
    ):
        assert _refused(admin_client.get(url)), url
    assert _refused(admin_client.post(reverse("outbox:delete", args=[message.pk])))
    assert OutboxMessage.objects.filter(pk=message.pk).exists()


def test_inspect_and_retry_a_failed_message(admin_client, django_capture_on_commit_callbacks):
    message = _message(1, status=Status.FAILED, attempts=6, last_error="SMTP down")

    response = admin_client.get(reverse("outbox:inspect", args=[message.pk]))
    assert response.status_code == 200
    assert b"Body 1" in response.content
    retry_url = reverse("outbox:retry", args=[message.pk])
    assert retry_url.encode() in response.content

    assert admin_client.get(retry_url).status_code == 200  # confirmation page
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(retry_url)
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 1
    assert len(mail.outbox) == 1


def _refused(response):
    """Wagtail turns PermissionDenied in the admin into a redirect to the dashboard with an error message."""
    return response.status_code == 403 or (response.status_code == 302 and response.url == reverse("wagtailadmin_home"))


def test_sent_message_cannot_be_retried(admin_client, django_capture_on_commit_callbacks):
    message = _message(1, status=Status.SENT, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert _refused(admin_client.post(reverse("outbox:retry", args=[message.pk])))
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 1)
    assert mail.outbox == []


def test_viewer_sees_the_outbox_but_cannot_retry(viewer_client):
    message = _message(1, status=Status.FAILED)
    assert viewer_client.get(reverse("outbox:index")).status_code == 200
    response = viewer_client.get(reverse("outbox:inspect", args=[message.pk]))
    assert response.status_code == 200
    assert reverse("outbox:retry", args=[message.pk]).encode() not in response.content
    assert _refused(viewer_client.post(reverse("outbox:retry", args=[message.pk])))
    message.refresh_from_db()
    assert message.status == Status.FAILED


def test_user_without_permission_cannot_see_the_outbox(client):
    user = User.objects.create_user("member@example.org", password="x" * 12)
    client.force_login(user)
    _message(1, recipient="secret@example.org")
    response = client.get(reverse("outbox:index"))
    assert response.status_code == 302
    assert b"secret@example.org" not in response.content
