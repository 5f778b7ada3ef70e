"""In-app notifications about new workspace items and each member's email preference (issue 6 item 7).

``community.notifications.record_activity`` writes one :class:`Notification` per member who may see the item;
members who chose *immediately* are mailed at once, the others get the item in their daily or weekly digest. A
:class:`DigestRun` records each digest sent and the closed time window ``[window_start, window_end)`` (UTC) it
covered; the next digest starts where the last ended, so no item repeats and none is skipped.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, Q
from django.utils.translation import gettext_lazy as _

from .communities import Community, CommunityKind, Membership


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    NONE = "none", _("No emails")


class NotificationPreference(models.Model):
    """How a user wants community emails (default: daily digest). ``changed_at`` is UTC."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_notification_preference"
    )
    frequency = models.CharField(_("email me"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return f"{self.user}: {self.get_frequency_display()}"


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """``user``'s own notifications whose item ``user`` may still see today (empty for anonymous users).

        The same rule as ``Membership.objects.community_ids_for`` (active memberships; the RCP through any active
        DAG membership), written as subqueries so the whole filter is one SQL query (the account menu's unread
        badge runs it on every page). A document of a bilateral exchange also stays visible to the members of the
        exchange's host and visiting DAG. A former member therefore sees none of the notifications of a community
        they left, even those written while they belonged to it.
        """
        if not getattr(user, "is_authenticated", False):
            return self.none()
        active = Membership.objects.active().filter(user=user)
        ids = active.values("community_id")
        in_a_dag = Exists(active.filter(community__kind=CommunityKind.DAG))
        return self.filter(recipient=user).filter(
            Q(community_id__in=ids)
            | (Q(community__kind=CommunityKind.RCP) & Q(in_a_dag))
            | Q(document__exchange__host_id__in=ids)
            | Q(document__exchange__visiting_id__in=ids)
        )

    def unread(self):
        return self.filter(read_at__isnull=True)

    def with_items(self):
        """Load the community, the actor and the item (a reply's thread too) in the same query."""
        return self.select_related("community__country", "actor", "document", "thread", "post__thread", "announcement")


class Notification(models.Model):
    """One in-app notification for ``recipient`` about a new document, thread, reply or announcement.

    Exactly one of ``document``, ``thread``, ``post``, ``announcement`` is set (the item; deleting it deletes the
    notification). ``emailed_at`` is set when the item was mailed (immediately or in a digest).
    """

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("New document")
        THREAD = "thread", _("New discussion")
        REPLY = "reply", _("New reply")
        ANNOUNCEMENT = "announcement", _("Announcement")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_notifications"
    )
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    document = models.ForeignKey("community.CommunityDocument", null=True, blank=True, on_delete=models.CASCADE)
    thread = models.ForeignKey("community.Thread", null=True, blank=True, on_delete=models.CASCADE)
    post = models.ForeignKey("community.Post", null=True, blank=True, on_delete=models.CASCADE)
    announcement = models.ForeignKey("community.Announcement", null=True, blank=True, on_delete=models.CASCADE)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="community_notif_unread")]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}"

    @property
    def item(self):
        """The document, thread, post or announcement this notification is about (None if it is gone)."""
        return self.document or self.thread or self.post or self.announcement

    @property
    def item_title(self) -> str:
        """The item's title; for a reply, the title of its thread."""
        if self.post_id:
            return self.post.thread.title
        item = self.item
        return item.title if item is not None else ""


class DigestRun(models.Model):
    """A digest mailed to ``user`` covering notifications created in ``[window_start, window_end)`` (UTC)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(_("email me"), max_length=10, choices=Frequency.choices)
    window_start = models.DateTimeField(_("from"))
    window_end = models.DateTimeField(_("until"))
    item_count = models.PositiveIntegerField(_("items"), default=0)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-window_end"]
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        constraints = [models.UniqueConstraint(fields=["user", "window_end"], name="community_digest_once")]

    def __str__(self):
        return f"{self.user} {self.window_start:%Y-%m-%d %H:%M}–{self.window_end:%Y-%m-%d %H:%M}"
