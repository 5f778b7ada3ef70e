"""Factories for workspace items (documents, threads, posts, flags, announcements), a private-storage helper and a
fast way to make hundreds of members for query-count tests."""

import factory
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from factory.django import DjangoModelFactory

from community.models import (
    Announcement,
    CommunityDocument,
    Membership,
    Post,
    PostFlag,
    Thread,
    Visibility,
)
from portal.accounts.canonical import canonical_email
from portal.models import User
from tests.community.community_factories import DAGFactory
from tests.grants.files_samples import pdf_bytes
from tests.portal.factories import UserFactory


class DocumentFactory(DjangoModelFactory):
    """A members-only one-page PDF in North Macedonia's DAG (the file is written to the document's storage)."""

    community = factory.SubFactory(DAGFactory)
    title = factory.Sequence(lambda n: f"Document {n}")
    language = "en"
    visibility = Visibility.MEMBERS
    file = factory.LazyFunction(lambda: ContentFile(pdf_bytes(), name="document.pdf"))
    original_name = "Izvještaj.pdf"
    content_type = "application/pdf"
    size_bytes = 600
    uploaded_by = factory.SubFactory(UserFactory)

    class Meta:
        model = CommunityDocument


class ThreadFactory(DjangoModelFactory):
    community = factory.SubFactory(DAGFactory)
    title = factory.Sequence(lambda n: f"Discussion {n}")
    created_by = factory.SubFactory(UserFactory)
    last_post_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = Thread


class PostFactory(DjangoModelFactory):
    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(UserFactory)
    body = "<p>A message.</p>"

    class Meta:
        model = Post


class PostFlagFactory(DjangoModelFactory):
    post = factory.SubFactory(PostFactory)
    flagged_by = factory.SubFactory(UserFactory)
    reason = "Off topic."

    class Meta:
        model = PostFlag


class AnnouncementFactory(DjangoModelFactory):
    community = factory.SubFactory(DAGFactory)
    title = factory.Sequence(lambda n: f"Announcement {n}")
    body = "<p>News for the members.</p>"
    created_by = factory.SubFactory(UserFactory)

    class Meta:
        model = Announcement


def use_document_storage(tmp_path, settings, monkeypatch) -> FileSystemStorage:
    """Point the private storage (``STORAGES["private"]`` and ``CommunityDocument.file``) at ``tmp_path``."""
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location), "base_url": "/private-files/"},
        },
    }
    storage = FileSystemStorage(location=str(location), base_url="/private-files/")
    monkeypatch.setattr(CommunityDocument._meta.get_field("file"), "storage", storage)
    return storage


def bulk_members(community, count: int, *, start: int = 0, **fields) -> list[Membership]:
    """``count`` active memberships of ``community`` with new users, written with two ``bulk_create`` calls."""
    users = User.objects.bulk_create(
        User(
            email=f"bulk{start + i}-{community.slug}@example.org",
            email_canonical=canonical_email(f"bulk{start + i}-{community.slug}@example.org"),
            first_name=f"Member{start + i}",
            last_name="Bulk",
        )
        for i in range(count)
    )
    return Membership.objects.bulk_create(
        Membership(community=community, user=user, organisation=f"Org {user.pk}", position="Analyst", **fields)
        for user in users
    )
