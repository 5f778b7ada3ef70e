"""Registrations and the waitlist (issue 7 item 2), reminders sent (item 5) and private calendar feed tokens (item 4).

One row per person per event (database constraint ``one_registration_per_person``): cancelling sets the status to
``cancelled`` and registering again reuses the row. Seats change only in ``events.services.registrations``, which
locks the event row first, so confirmed registrations never exceed the capacity.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from .choices import Attendance, RegistrationStatus
from .pages import EventPage


def new_feed_token() -> str:
    """A random URL-safe token for a private calendar feed (about 256 bits)."""
    return secrets.token_urlsafe(32)


class RegistrationQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=RegistrationStatus.CONFIRMED)

    def waitlisted(self):
        """Waitlisted registrations in arrival order (the order seats are offered in)."""
        return self.filter(status=RegistrationStatus.WAITLISTED).order_by("queued_at", "pk")

    def active(self):
        """Confirmed or waitlisted (not cancelled)."""
        return self.exclude(status=RegistrationStatus.CANCELLED)

    def visible_to(self, user):
        """Registrations ``user`` may see: their own; organisers see those of their events (see
        ``events.permissions.organised_event_ids``). Anonymous users see none."""
        from events.permissions import organised_event_ids

        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(Q(user=user) | Q(event_id__in=organised_event_ids(user)))

    def with_waitlist_position(self):
        """Annotate ``waitlist_position``: for a waitlisted registration, its place in its event's waitlist (1 =
        next to get a seat; arrival order ``queued_at``, then id); None for confirmed and cancelled ones. One
        subquery, so a list of registrations costs one query whatever its length."""
        ahead = (
            Registration.objects.filter(event=OuterRef("event"), status=RegistrationStatus.WAITLISTED)
            .filter(Q(queued_at__lt=OuterRef("queued_at")) | Q(queued_at=OuterRef("queued_at"), pk__lt=OuterRef("pk")))
            .order_by()
            .values("event")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            waitlist_position=Case(
                When(status=RegistrationStatus.WAITLISTED, then=Coalesce(Subquery(ahead), Value(0)) + Value(1)),
                default=None,
                output_field=models.IntegerField(),
            )
        )


class Registration(models.Model):
    """A person's registration for an event (always the event's default-locale page, ``EventPage.canonical``).

    ``queued_at`` is the arrival time used to order the waitlist (set again when a cancelled registration is
    renewed); ``answers`` maps the ``RegistrationQuestion`` id (as a string) to the answer text.
    ``attendance`` is recorded by organisers after the event.
    """

    event = models.ForeignKey(
        EventPage, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations", verbose_name=_("person")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RegistrationStatus.choices, default=RegistrationStatus.CONFIRMED
    )
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    dietary_needs = models.TextField(_("dietary needs"), blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    queued_at = models.DateTimeField(_("registered"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance.choices, default=Attendance.UNKNOWN, blank=True
    )
    attendance_marked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["queued_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="one_registration_per_person"),
        ]
        indexes = [models.Index(fields=["event", "status", "queued_at"], name="registration_queue")]

    def __str__(self):
        return f"{self.user} – {self.event}"

    @property
    def is_confirmed(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED

    @property
    def is_waitlisted(self) -> bool:
        return self.status == RegistrationStatus.WAITLISTED


class RegistrationChange(models.Model):
    """Activity log of seat changes (who did what to which registration, when): written by the service in the same
    transaction as the change."""

    class Action(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("Joined the waitlist")
        PROMOTED = "promoted", _("Moved from the waitlist to confirmed")
        MOVED_TO_WAITLIST = "moved_to_waitlist", _("Moved to the waitlist")
        CONFIRMED = "confirmed", _("Confirmed by an organiser")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDANCE = "attendance", _("Attendance recorded")

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("note"), max_length=255, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("registration change")
        verbose_name_plural = _("registration changes")

    def __str__(self):
        return f"{self.get_action_display()} ({self.at:%Y-%m-%d %H:%M} UTC)"


class ReminderSent(models.Model):
    """A reminder mailed for one registration and one meeting start: the unique constraint makes each reminder go
    out once, however often the beat task runs (issue 7 item 5). ``kind``: "24h" or "1h"; ``starts_at``: the UTC
    start of the meeting reminded of (a weekly series has several)."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=4)
    starts_at = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["registration", "kind", "starts_at"], name="one_reminder_per_meeting"),
        ]

    def __str__(self):
        return f"{self.kind} reminder for registration {self.registration_id}"


class CalendarFeedToken(models.Model):
    """The secret token of a person's private calendar feed (members-only events of their communities and, with the
    join links, the events they are confirmed for). Resetting replaces the token, so old subscriptions stop."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("private calendar feed")
        verbose_name_plural = _("private calendar feeds")

    def __str__(self):
        return str(_("Private calendar feed of %(user)s") % {"user": self.user})
