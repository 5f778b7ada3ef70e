"""A community's members-only workspace: document library, discussion threads and announcements.

Who sees what is decided in one place per model: the ``visible_to(user)`` queryset methods below, which use
:meth:`community.models.communities.MembershipQuerySet.community_ids_for`. Rich text (posts, conclusions,
announcements) is cleaned with ``portal.sanitize.clean_html`` by the services before it is stored.

Replays: the forms that create documents, threads, posts and announcements carry a random ``request_token``; it is
stored on the row and unique per community (per thread for posts), so a double-clicked or re-sent form creates one
row (``community.services.workspace`` returns the existing row for a token it has seen).
"""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .communities import Community, Membership


class Visibility(models.TextChoices):
    """Who may see a document: the community's members only, or everyone (also listed on the public page)."""

    MEMBERS = "members", _("Members only")
    PUBLIC = "public", _("Public")


def document_language_choices():
    """The interface languages plus "other" (documents are often in a language of the region)."""
    return [*settings.LANGUAGES, ("other", _("Other language"))]


def private_storage():
    """The ``private`` storage: no public URL; community files are served only by a permission-checked view."""
    return storages["private"]


def document_key(instance, filename: str) -> str:
    """Storage key ``community/<community id>/<random hex>``: never the user's file name, never guessable."""
    return f"community/{instance.community_id}/{uuid.uuid4().hex}"


def _member_ids(user) -> set[int]:
    return Membership.objects.community_ids_for(user)


class CommunityDocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Documents ``user`` may see: public ones, and those of communities (or exchanges) the user belongs to.

        An exchange's documents are also visible to members of the visiting DAG and to RCP coordinators
        (see :meth:`community.models.exchanges.BilateralExchangeQuerySet.visible_to`).
        """
        from .exchanges import BilateralExchange

        ids = _member_ids(user)
        exchanges = BilateralExchange.objects.visible_to(user).values("pk")
        return self.filter(
            Q(visibility=Visibility.PUBLIC) | Q(community_id__in=ids) | Q(exchange__in=exchanges)
        ).distinct()

    def public(self):
        """Documents marked public (listed on the community's public page)."""
        return self.filter(visibility=Visibility.PUBLIC)


class CommunityDocument(models.Model):
    """A file in a community's library (or attached to a bilateral exchange hosted by that community).

    Stored on the private storage under :func:`document_key`; ``original_name`` is the normalised name used for
    downloads; ``content_type`` was detected from the content; ``size_bytes`` in bytes. ``language`` is a code of
    :func:`document_language_choices`.
    """

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="documents")
    exchange = models.ForeignKey(
        "community.BilateralExchange",
        verbose_name=_("bilateral exchange"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    file = models.FileField(_("file"), upload_to=document_key, storage=private_storage, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=120)
    size_bytes = models.PositiveBigIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("shared by")
    )
    created_at = models.DateTimeField(_("shared"), auto_now_add=True)
    request_token = models.CharField(max_length=64, blank=True, default="", editable=False)

    objects = CommunityDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "request_token"], condition=~Q(request_token=""), name="community_document_token"
            ),
        ]

    def __str__(self):
        return self.title

    def get_language_display(self):
        return dict(document_language_choices()).get(self.language, self.language)


class ThreadQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Threads of the communities ``user`` may enter (discussions are always members-only)."""
        return self.filter(community_id__in=_member_ids(user))


class Thread(models.Model):
    """A discussion in a community's workspace. A coordinator may close it with a ``conclusion`` (clean HTML)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    conclusion = models.TextField(_("conclusion"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("started by")
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    last_post_at = models.DateTimeField(_("last post"), null=True, blank=True, db_index=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    request_token = models.CharField(max_length=64, blank=True, default="", editable=False)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        ordering = ["-last_post_at", "-created_at"]
        verbose_name = _("discussion thread")
        verbose_name_plural = _("discussion threads")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "request_token"], condition=~Q(request_token=""), name="community_thread_token"
            ),
        ]

    def __str__(self):
        return self.title


class PostQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Posts in threads ``user`` may see."""
        return self.filter(thread__community_id__in=_member_ids(user))


class Post(models.Model):
    """One message in a thread (the first post opens it). ``body`` is clean HTML."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    request_token = models.CharField(max_length=64, blank=True, default="", editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "request_token"], condition=~Q(request_token=""), name="community_post_token"
            ),
        ]

    def __str__(self):
        return f"{self.thread} #{self.pk}"


class PostFlag(models.Model):
    """A member's report of a post to the community's coordinators (one per member and post)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags")
    flagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("flagged"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("flagged post")
        verbose_name_plural = _("flagged posts")
        constraints = [models.UniqueConstraint(fields=["post", "flagged_by"], name="community_postflag_once")]

    def __str__(self):
        return f"{self.post} ⚑ {self.flagged_by}"


class AnnouncementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Announcements of the communities ``user`` may enter (members-only)."""
        return self.filter(community_id__in=_member_ids(user))


class Announcement(models.Model):
    """A coordinator's announcement to the community's members. ``body`` is clean HTML."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="announcements")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("published"), auto_now_add=True)
    request_token = models.CharField(max_length=64, blank=True, default="", editable=False)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "request_token"],
                condition=~Q(request_token=""),
                name="community_announcement_token",
            ),
        ]

    def __str__(self):
        return self.title
