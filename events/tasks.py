"""Celery tasks of the events app (idempotent; safe to run twice or on two workers at once)."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="events.tasks.send_event_reminders", ignore_result=True)
def send_event_reminders() -> int:
    """Mail the reminders due now, 24 hours and 1 hour before each meeting, to confirmed registrants
    (:func:`events.services.reminders.send_due_reminders`). Returns how many were queued. Scheduled every five
    minutes by Celery beat (``CELERY_BEAT_SCHEDULE``); each reminder goes once however often it runs."""
    from events.services.reminders import send_due_reminders

    sent = send_due_reminders()
    if sent:
        logger.info("Event reminders queued: %d", sent)
    return sent
