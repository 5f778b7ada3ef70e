"""Celery tasks of the sub-granting app (idempotent; safe to run twice)."""

import datetime
import logging

from celery import shared_task
from django.utils import timezone

logger = logging.getLogger(__name__)

#: Stored files younger than this are never swept: an upload may be between storing and its row's commit.
ORPHAN_GRACE = datetime.timedelta(hours=24)
ATTACHMENTS_PREFIX = "applications"


@shared_task(name="grants.tasks.sweep_orphaned_attachment_files")
def sweep_orphaned_attachment_files(*, now: datetime.datetime | None = None) -> int:
    """Delete application files on the private storage that no :class:`~grants.models.Attachment` points at.

    Such files remain when a caller's outer transaction rolls back after
    :func:`grants.services.attachments.add_attachment` stored a file. Only files under ``applications/`` and
    older than :data:`ORPHAN_GRACE` (by the storage's modified time, UTC) are removed. Returns how many files
    were deleted. Idempotent: a second run finds nothing more to delete. Scheduled daily by Celery beat
    (``CELERY_BEAT_SCHEDULE``).
    """
    from grants.models import Attachment

    storage = Attachment._meta.get_field("file").storage
    now = now or timezone.now()
    referenced = set(Attachment.objects.values_list("file", flat=True))
    deleted = 0
    try:
        folders, _ = storage.listdir(ATTACHMENTS_PREFIX)
    except FileNotFoundError:
        return 0
    for folder in folders:
        _, names = storage.listdir(f"{ATTACHMENTS_PREFIX}/{folder}")
        for name in names:
            key = f"{ATTACHMENTS_PREFIX}/{folder}/{name}"
            if key in referenced:
                continue
            if now - storage.get_modified_time(key) < ORPHAN_GRACE:
                continue
            storage.delete(key)
            deleted += 1
    if deleted:
        logger.info("Orphaned application files deleted: %d", deleted)
    return deleted


@shared_task(name="grants.tasks.activate_started_agreements")
def activate_started_agreements(*, now: datetime.datetime | None = None) -> int:
    """Put in force every signed grant agreement whose start date is reached in its call's time zone
    (:func:`grants.services.agreements.activate_started_agreements`). Returns how many were activated. Idempotent:
    a second run activates nothing more. Scheduled hourly by Celery beat (``CELERY_BEAT_SCHEDULE``)."""
    from grants.services.agreements import activate_started_agreements as activate

    activated = activate(now=now)
    if activated:
        logger.info("Grant agreements put in force: %d", len(activated))
    return len(activated)
