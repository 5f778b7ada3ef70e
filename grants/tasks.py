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


#: Days before the due date of the first reminder.
REMINDER_DAYS_BEFORE = 14
#: Days between reminders once a report is overdue.
REMINDER_OVERDUE_EVERY = 7


def reminder_occasion(due_day: datetime.date, today: datetime.date) -> str | None:
    """The reminder occasion reached on ``today`` for a report due on ``due_day`` (both local dates of the call's
    zone), or None before the first one.

    ``"before-14"`` from 14 days before the due day, ``"due"`` from the due day, ``"overdue-<n>"`` from ``7 n`` days
    after it (``n`` = whole weeks overdue). The latest occasion reached is returned, so a day the task did not run
    is caught up the next day; each occasion is mailed once (the outbox's ``dedupe_key``).
    """
    days_left = (due_day - today).days
    if days_left > REMINDER_DAYS_BEFORE:
        return None
    if days_left > 0:
        return f"before-{REMINDER_DAYS_BEFORE}"
    weeks = -days_left // REMINDER_OVERDUE_EVERY
    return f"overdue-{weeks}" if weeks else "due"


def reminder_dedupe_key(requirement, occasion: str) -> str:
    """``report-reminder:<requirement id>:<occasion>``; after staff moved the due date the occasion carries the new
    due time (``…:due@<UTC timestamp>``) so the reminders of the new date are sent too."""
    key = f"report-reminder:{requirement.pk}:{occasion}"
    if requirement.due_at != requirement.original_due_at:
        key += f"@{int(requirement.due_at.timestamp())}"
    return key


@shared_task(name="grants.tasks.send_report_reminders")
def send_report_reminders(*, now: datetime.datetime | None = None) -> int:
    """Mail the members of each grantee organisation about the reports they still owe; return the mails written.

    For every requirement pending or sent back for changes, of an agreement in force (signed or active): 14 days
    before the due date, on the due day, and every 7 days while overdue (:func:`reminder_occasion`), days counted
    in the call's time zone. Template ``report_reminder``, each member in their language. Idempotent: a second run
    (the same day or later) writes no second mail for an occasion (``notify(..., dedupe_key=...)``, unique per
    recipient in the outbox). Scheduled daily by Celery beat (``CELERY_BEAT_SCHEDULE``).
    """
    from zoneinfo import ZoneInfo

    from django.db.models import Prefetch

    from community.models import OrganisationMembership
    from grants.models import ReportingRequirement
    from grants.services.report_common import EDITABLE_STATUSES, REPORTING_AGREEMENT_STATUSES, requirement_context
    from portal.notifications import notify

    now = now or timezone.now()
    horizon = now + datetime.timedelta(days=REMINDER_DAYS_BEFORE + 1)
    requirements = (
        ReportingRequirement.objects.filter(
            status__in=EDITABLE_STATUSES,
            agreement__status__in=REPORTING_AGREEMENT_STATUSES,
            due_at__lte=horizon,
        )
        .select_related("agreement__application__call__country", "agreement__organisation")
        .prefetch_related(
            Prefetch(
                "agreement__organisation__memberships",
                queryset=OrganisationMembership.objects.filter(user__is_active=True).select_related("user"),
                to_attr="active_memberships",
            )
        )
        .order_by("due_at", "pk")
    )
    written = 0
    for requirement in requirements:
        zone = ZoneInfo(requirement.agreement.application.call.timezone)
        due_day = requirement.due_at.astimezone(zone).date()
        occasion = reminder_occasion(due_day, now.astimezone(zone).date())
        if occasion is None:
            continue
        members = [m.user for m in requirement.agreement.organisation.active_memberships]
        if not members:
            continue
        context = {
            **requirement_context(requirement),
            "occasion": occasion.split("-")[0],
            "days_left": (due_day - now.astimezone(zone).date()).days,
            "days_overdue": (now.astimezone(zone).date() - due_day).days,
        }
        written += len(
            notify(members, "report_reminder", context, dedupe_key=reminder_dedupe_key(requirement, occasion))
        )
    if written:
        logger.info("Report reminders written: %d", written)
    return written
