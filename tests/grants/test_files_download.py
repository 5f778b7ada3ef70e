"""Serving application files: only through the permission-checked download view, never by a public URL."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from community.models import OrganisationMembership
from grants.services.attachments import add_attachment
from tests.community.factories import member_of
from tests.grants.factories import ApplicationFactory
from tests.grants.files_samples import pdf_bytes, upload, use_private_storage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


@pytest.fixture
def private_storage(tmp_path, settings, monkeypatch):
    return use_private_storage(tmp_path, settings, monkeypatch)


NAME = "Başvuru_İzmir Изјава.pdf"


@pytest.fixture
def application():
    return ApplicationFactory()


@pytest.fixture
def member(application):
    return member_of(application.organisation, role=OrganisationMembership.Role.MEMBER)


@pytest.fixture
def attachment(application, member):
    return add_attachment(application.pk, user=member, uploaded_file=upload(NAME, pdf_bytes(), "text/html"))


def _url(attachment):
    return reverse("grants:attachment_download", args=[attachment.pk])


def test_url_shape(attachment):
    assert _url(attachment) == f"/grants/attachments/{attachment.pk}/download/"


def test_member_downloads_with_safe_headers(client, member, attachment):
    client.force_login(member)
    response = client.get(_url(attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote(NAME)}" in disposition
    assert int(response["Content-Length"]) == attachment.size_bytes


def test_admin_role_member_downloads(client, application, attachment):
    client.force_login(member_of(application.organisation, role=OrganisationMembership.Role.ADMIN))
    assert client.get(_url(attachment)).status_code == 200


def test_staff_downloads(staff_client, attachment):
    response = staff_client.get(_url(attachment))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")


def test_user_of_another_organisation_gets_404(client, attachment):
    client.force_login(member_of(ApplicationFactory().organisation))
    assert client.get(_url(attachment)).status_code == 404


def test_unknown_attachment_is_404_like_a_foreign_one(client, member, attachment):
    client.force_login(member)
    assert client.get(reverse("grants:attachment_download", args=[attachment.pk + 1000])).status_code == 404


def test_anonymous_is_sent_to_sign_in_and_gets_no_bytes(client, attachment):
    response = client.get(_url(attachment))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not hasattr(response, "streaming_content")


def test_missing_stored_file_is_404(client, member, attachment, private_storage):
    private_storage.delete(attachment.file.name)
    client.force_login(member)
    assert client.get(_url(attachment)).status_code == 404


def test_post_is_not_allowed(client, member, attachment):
    client.force_login(member)
    assert client.post(_url(attachment)).status_code == 405


def test_stored_file_has_no_public_url(client, member, attachment, private_storage, settings):
    """``PRIVATE_MEDIA_ROOT`` is served by no URL pattern: its storage URL and guesses under /media/ are 404."""
    client.force_login(member)
    assert private_storage.exists(attachment.file.name)
    for url in (
        private_storage.url(attachment.file.name),
        f"/private-files/{attachment.file.name}",
        f"{settings.MEDIA_URL}{attachment.file.name}",
        f"/mk/private-files/{attachment.file.name}",
    ):
        response = client.get(url, follow=True)  # APPEND_SLASH may redirect first
        assert response.status_code == 404, url
        assert b"%PDF" not in response.content


def test_private_media_root_is_outside_the_public_roots(settings):
    from pathlib import Path

    private = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    for public in (settings.MEDIA_ROOT, settings.STATIC_ROOT, *settings.STATICFILES_DIRS):
        public = Path(public).resolve()
        assert public not in private.parents and public != private
        assert private not in public.parents


def test_debug_static_serving_covers_only_media_url(settings):
    """portal/urls.py serves ``MEDIA_ROOT`` in DEBUG only; the private root is never the document root."""
    import importlib

    from django.urls import clear_url_caches

    import portal.urls

    settings.DEBUG = True
    try:
        module = importlib.reload(portal.urls)
        roots = [
            p.default_args.get("document_root")
            for p in module.urlpatterns
            if getattr(p, "default_args", None) and "document_root" in p.default_args
        ]
        assert roots == [settings.MEDIA_ROOT]
    finally:
        settings.DEBUG = False
        importlib.reload(portal.urls)
        clear_url_caches()
