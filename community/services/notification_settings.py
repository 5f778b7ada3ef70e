"""A member's notification preference and the read state of their in-app notifications (issue 6 item 7).

The preference change locks the user row, the lock :func:`community.services.digests.send_digest` takes, so a
digest being sent and a change of preference never interleave. See the digests module for what happens to the
items waiting for a digest when the preference changes.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ..models import DigestRun, Frequency, Notification, NotificationPreference
from .digests import last_window_end


def set_frequency(user, frequency: str) -> NotificationPreference:
    """Set how ``user`` wants community emails (a :class:`Frequency` value); return the preference row.

    Leaving *no emails* records an empty digest window (``DigestRun`` with frequency ``none``) from when the user
    chose it until now, so the notifications of the silent period are not mailed in the next digest. Choosing the
    current value again changes nothing. Raises ``ValueError`` for an unknown frequency.
    """
    if frequency not in Frequency.values:
        raise ValueError(f"Unknown notification frequency: {frequency!r}")
    default = NotificationPreference._meta.get_field("frequency").default
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        preference = NotificationPreference.objects.filter(user=user).first()
        previous = preference.frequency if preference else default
        if preference is not None and previous == frequency:
            return preference
        now = timezone.now()
        if previous == Frequency.NONE and frequency != Frequency.NONE:
            last_end = last_window_end(user.pk)
            start = max(d for d in (last_end, preference.changed_at) if d is not None)
            DigestRun.objects.create(
                user=user, frequency=Frequency.NONE, window_start=min(start, now), window_end=now, item_count=0
            )
        if preference is None:
            preference = NotificationPreference.objects.create(user=user, frequency=frequency)
        else:
            preference.frequency = frequency
            preference.save(update_fields=["frequency", "changed_at"])
    return preference


def mark_read(user, notification_id: int) -> Notification | None:
    """Mark ``user``'s notification ``notification_id`` read (once; the first read time is kept).

    Returns the notification, or None when it does not exist or belongs to someone else.
    """
    notification = Notification.objects.filter(pk=notification_id, recipient=user).with_items().first()
    if notification is None:
        return None
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def mark_all_read(user) -> int:
    """Mark every unread notification of ``user`` read; return how many changed."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
