"""Celery tasks of the outbox. Both take ids or nothing, and are safe to run twice (GUIDE §2, ``tasks.py``)."""

from celery import shared_task

from . import services


@shared_task(name="portal.notifications.tasks.send_outbox_message", ignore_result=True)
def send_outbox_message(message_id: int) -> str:
    """Send outbox row ``message_id`` unless it is already sent or being sent.

    Returns ``"sent"``, ``"failed"`` (recorded on the row, retried later by :func:`retry_failed_messages`) or
    ``"skipped"``. See :func:`portal.notifications.services.deliver`.
    """
    return services.deliver(message_id)


@shared_task(name="portal.notifications.tasks.retry_failed_messages", ignore_result=True)
def retry_failed_messages() -> int:
    """Periodic (``CELERY_BEAT_SCHEDULE``, every 5 minutes): republish pending, failed and stuck messages.

    Returns how many sends were published. See :func:`portal.notifications.services.requeue_due` for which rows
    are due and the backoff (``NOTIFICATIONS_*`` settings).
    """
    return services.requeue_due()
