"""Workspace items for the notification tests (documents, threads, replies, announcements, exchanges) and helpers.

Items are created directly (the workspace services are another concern); :func:`new_item` also fans the item out
with ``record_activity`` the way those services do.
"""

import datetime

import factory
from django.core.files.base import ContentFile
from factory.django import DjangoModelFactory

from community.models import (
    Announcement,
    BilateralExchange,
    CommunityDocument,
    Membership,
    Notification,
    NotificationPreference,
    Post,
    Thread,
)
from community.notifications import record_activity
from tests.community.community_factories import DAGFactory


class ThreadFactory(DjangoModelFactory):
    community = factory.SubFactory(DAGFactory)
    title = factory.Sequence(lambda n: f"Which datasets first? ({n})")

    class Meta:
        model = Thread


class PostFactory(DjangoModelFactory):
    thread = factory.SubFactory(ThreadFactory)
    body = "<p>I agree with the proposal.</p>"

    class Meta:
        model = Post


class AnnouncementFactory(DjangoModelFactory):
    community = factory.SubFactory(DAGFactory)
    title = factory.Sequence(lambda n: f"Meeting on Thursday ({n})")
    body = "<p>Agenda attached.</p>"

    class Meta:
        model = Announcement


class DocumentFactory(DjangoModelFactory):
    community = factory.SubFactory(DAGFactory)
    title = factory.Sequence(lambda n: f"Asset declarations review {n}")
    file = factory.LazyFunction(lambda: ContentFile(b"%PDF-1.4 test", name="review.pdf"))
    original_name = "review.pdf"
    content_type = "application/pdf"
    size_bytes = 13

    class Meta:
        model = CommunityDocument


class ExchangeFactory(DjangoModelFactory):
    title = "Study visit"
    starts_on = datetime.date(2026, 5, 4)
    ends_on = datetime.date(2026, 5, 6)

    class Meta:
        model = BilateralExchange


KIND = Notification.Kind
FACTORY = {KIND.DOCUMENT: DocumentFactory, KIND.THREAD: ThreadFactory, KIND.ANNOUNCEMENT: AnnouncementFactory}


def new_item(kind: str, community, actor=None, **fields):
    """Create an item of ``kind`` in ``community`` by ``actor`` and record the activity; return the item.

    For a reply, ``title`` names the new thread it replies to (unless ``thread`` is given).
    """
    if kind == KIND.REPLY:
        title = {"title": fields.pop("title")} if "title" in fields else {}
        thread = fields.pop("thread", None) or ThreadFactory(community=community, **title)
        item = PostFactory(thread=thread, author=actor, **fields)
    else:
        owner = {KIND.DOCUMENT: "uploaded_by", KIND.THREAD: "created_by", KIND.ANNOUNCEMENT: "created_by"}[kind]
        item = FACTORY[kind](community=community, **{owner: actor}, **fields)
    record_activity(kind, item, actor)
    return item


def prefer(user, frequency: str) -> None:
    """Store ``user``'s email preference directly (the service has its own tests)."""
    NotificationPreference.objects.update_or_create(user=user, defaults={"frequency": frequency})


def end_membership(user, community, on: datetime.date) -> None:
    """End ``user``'s membership of ``community`` on ``on`` (removed by a coordinator)."""
    Membership.objects.filter(user=user, community=community, ended_on__isnull=True).update(
        ended_on=on, end_reason=Membership.EndReason.REMOVED
    )
