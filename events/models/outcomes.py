"""What an event leaves behind (issue 7 item 6): minutes (draft, then approved) and materials (documents, slides,
recording links), each with its own visibility (:class:`~events.models.choices.MaterialVisibility`).

Files go to the private storage and are served only by a view that checks ``events.permissions.can_view_material``;
minutes text is cleaned with ``portal.sanitize.clean_html`` by the service before it is stored.
"""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import MaterialKind, MaterialVisibility, MinutesStatus
from .pages import EventPage


def private_storage():
    """The ``private`` storage: no public URL; event files are served only by a permission-checked view."""
    return storages["private"]


def material_key(instance, filename: str) -> str:
    """Storage key of a material: ``events/<event id>/<random>/<normalised file name>`` (not guessable)."""
    return f"events/{instance.event_id}/{uuid.uuid4().hex}/{filename}"


class EventMinutes(models.Model):
    """The minutes of an event (one per event, on its default-locale page). ``body`` is clean HTML. Only approved
    minutes are shown to anyone but the organisers, and then only to those ``visibility`` admits."""

    event = models.OneToOneField(EventPage, on_delete=models.CASCADE, related_name="minutes", verbose_name=_("event"))
    status = models.CharField(_("status"), max_length=10, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT)
    visibility = models.CharField(
        _("visibility"), max_length=12, choices=MaterialVisibility.choices, default=MaterialVisibility.PUBLIC
    )
    body = models.TextField(_("minutes"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self):
        return str(_("Minutes of %(event)s") % {"event": self.event.title})

    @property
    def is_approved(self) -> bool:
        return self.status == MinutesStatus.APPROVED


class EventMaterial(models.Model):
    """A document, slide deck (private file) or recording link attached to an event, with its own visibility."""

    event = models.ForeignKey(EventPage, on_delete=models.CASCADE, related_name="materials", verbose_name=_("event"))
    kind = models.CharField(_("kind"), max_length=10, choices=MaterialKind.choices, default=MaterialKind.DOCUMENT)
    title = models.CharField(_("title"), max_length=200)
    visibility = models.CharField(
        _("visibility"), max_length=12, choices=MaterialVisibility.choices, default=MaterialVisibility.PUBLIC
    )
    file = models.FileField(_("file"), upload_to=material_key, storage=private_storage, max_length=255, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size_bytes = models.PositiveBigIntegerField(_("size"), default=0)
    url = models.URLField(_("link"), max_length=500, blank=True, help_text=_("A recording or external document."))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    #: The random token of the form that added the material (empty: none): a re-sent form adds one row
    #: (``events.services.outcomes``).
    request_token = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(file="") | ~models.Q(url=""), name="event_material_file_or_link"
            ),
            models.UniqueConstraint(
                fields=["event", "request_token"],
                condition=~models.Q(request_token=""),
                name="one_material_per_request",
            ),
        ]

    def __str__(self):
        return self.title
