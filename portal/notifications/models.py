"""Outbox models: one :class:`OutboxMessage` row per email and recipient, written in the caller's transaction."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxQuerySet(models.QuerySet):
    """Queries over the outbox."""

    def due_for_retry(self, now=None, max_attempts=None):
        """Messages the periodic retry should (re)publish at ``now`` (aware UTC datetime, default: now).

        That is every message whose ``available_at`` has passed and that is

        * ``pending`` (never published, e.g. the broker was down at commit time),
        * ``failed`` with fewer than ``max_attempts`` attempts (default ``NOTIFICATIONS_MAX_ATTEMPTS``), or
        * ``sending`` whose lease ran out (the worker died while sending).
        """
        now = now or timezone.now()
        if max_attempts is None:
            max_attempts = settings.NOTIFICATIONS_MAX_ATTEMPTS
        Status = OutboxMessage.Status
        return self.filter(available_at__lte=now).filter(
            models.Q(status=Status.PENDING)
            | models.Q(status=Status.SENDING)
            | models.Q(status=Status.FAILED, attempts__lt=max_attempts)
        )


class OutboxMessage(models.Model):
    """One rendered email to one recipient, waiting to be sent, sent, or failed.

    Rows are written by :func:`portal.notifications.services.notify` (renders a template per recipient) and
    :func:`portal.notifications.services.enqueue_email` (already rendered mail, e.g. allauth's), always in the
    caller's transaction, and sent by the Celery task
    :func:`portal.notifications.tasks.send_outbox_message` once that transaction commits.

    ``available_at`` (aware UTC) is when the periodic task
    :func:`portal.notifications.tasks.retry_failed_messages` may pick the row up next: creation time plus a
    grace period for a fresh row, the end of the sending lease while ``sending``, and the backoff time after a
    failure. The first publish on commit does not wait for it.

    ``attachments`` is a list of ``{"filename", "mimetype", "content"}`` (content base64-encoded) attached to the
    mail when it is sent (e.g. an event's ``.ics``); see :func:`portal.notifications.services.encode_attachments`.

    ``dedupe_key`` (optional) makes a notification idempotent per recipient: a second ``notify()`` with the same
    key and recipient writes nothing (unique constraint on ``(dedupe_key, recipient)``).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.EmailField(_("recipient"), max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_messages",
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    template = models.CharField(
        _("template"), max_length=200, blank=True, help_text=_("Name of the mail template the message was made from.")
    )
    from_email = models.CharField(_("sender"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=998)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    attachments = models.JSONField(
        _("attachments"),
        default=list,
        blank=True,
        help_text=_("Files sent with the mail: a list of {filename, mimetype, content (base64)}."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    available_at = models.DateTimeField(_("next retry at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [models.Index(fields=["status", "available_at"], name="notif_outbox_status_avail")]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key", "recipient"],
                condition=models.Q(dedupe_key__isnull=False),
                name="notif_outbox_dedupe_unique",
            ),
        ]

    def __str__(self):
        return f"{self.recipient}: {self.subject}"
