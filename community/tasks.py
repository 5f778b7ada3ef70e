"""Celery tasks of the community app (idempotent; safe to run twice or on two workers at once)."""

import datetime
import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="community.tasks.send_daily_digests", ignore_result=True)
def send_daily_digests(*, now: datetime.datetime | None = None) -> int:
    """Mail each daily-digest reader what was new in their communities up to the last UTC midnight.

    See :func:`community.services.digests.send_digests`. Returns how many digests were mailed. Scheduled every day
    at 06:00 UTC by Celery beat (``CELERY_BEAT_SCHEDULE``); a second run the same day mails nothing more.
    """
    from community.models import Frequency
    from community.services.digests import send_digests

    mailed = send_digests(Frequency.DAILY, now=now)
    if mailed:
        logger.info("Daily community digests mailed: %d", mailed)
    return mailed


@shared_task(name="community.tasks.send_weekly_digests", ignore_result=True)
def send_weekly_digests(*, now: datetime.datetime | None = None) -> int:
    """Mail each weekly-digest reader what was new in their communities up to the last Monday 00:00 UTC.

    See :func:`community.services.digests.send_digests`. Returns how many digests were mailed. Scheduled every
    Monday at 06:00 UTC by Celery beat (``CELERY_BEAT_SCHEDULE``).
    """
    from community.models import Frequency
    from community.services.digests import send_digests

    mailed = send_digests(Frequency.WEEKLY, now=now)
    if mailed:
        logger.info("Weekly community digests mailed: %d", mailed)
    return mailed
