"""Daily and weekly email digests of community notifications (issue 6 items 7 and 8).

A digest covers a **closed** window ``[start, boundary)`` in UTC. ``boundary`` is the last UTC midnight for the
daily digest (:func:`window_boundary`) and the last Monday 00:00 UTC for the weekly one, so the current partial day
(week) is never included: an item created at 23:59 belongs to the day that ends at the next midnight, and is sent
the morning after. ``start`` is where the user's previous window ended (:class:`DigestRun` ``window_end``, of any
frequency), so consecutive windows touch and no item falls between two digests; for a user without a previous
window, the start is their oldest unsent notification (or one period before ``boundary``).

For each user (:func:`send_digest`), in one transaction, with the user row locked (``select_for_update``, the lock
the preference change takes too):

1. a window already recorded up to ``boundary`` means this digest was sent: nothing happens (running the task twice,
   or two workers at once, sends one digest);
2. the items are the user's notifications created in the window that were not yet emailed and that the user may
   **still** see now (``Notification.objects.visible_to``: a former member gets nothing of the community they
   left);
3. the :class:`DigestRun` row is created first (its unique ``(user, window_end)`` constraint stops a second digest
   of the same window even where row locks are not available), then the mail ``community_digest`` is queued
   (``portal.notifications.notify``, dedupe key per user and window) and the items are marked emailed.

No items: no mail, but the window is still recorded, so the next window starts after it (an item that could not be
sent because its reader left the community never comes back in a later digest, even if they rejoin).

Changing preference (``community.services.notification_settings``): items are mailed by the schedule they were
waiting for when it changed, never twice, never dropped: daily → weekly, the waiting items go into the weekly digest
(its window starts where the last daily one ended); weekly → daily, into the next daily digest; daily or weekly →
immediately, the next daily run sends the items that were waiting (new items are mailed at once by
``community.notifications.record_activity``). Leaving "no emails" records an empty window up to that moment, so the
items of the silent period are not mailed afterwards.

A notification row whose transaction commits after the digest of its window was recorded (a transaction open for
longer than the six hours between midnight and the 06:00 UTC run) would be missed; services keep their
transactions short, so this is not a practical concern.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone

from portal.notifications import notify

from ..models import DigestRun, Frequency, Membership, Notification, NotificationPreference
from ..notifications import KIND_HEADINGS, KIND_ORDER

logger = logging.getLogger(__name__)

#: Length of a window for each digest frequency (also the first window of a user who never had one).
PERIOD = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}


def window_boundary(frequency: str, now: datetime | None = None) -> datetime:
    """End (exclusive, aware UTC) of the last closed window at ``now`` (default: now).

    Daily: the last UTC midnight at or before ``now``. Weekly: the last Monday 00:00 UTC at or before ``now``.
    Raises ``KeyError`` for a frequency that has no digest.
    """
    PERIOD[frequency]  # noqa: B018 (validates the frequency)
    now = (now or timezone.now()).astimezone(UTC)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if frequency == Frequency.WEEKLY:
        midnight -= timedelta(days=midnight.weekday())
    return midnight


def current_frequency(user_id: int) -> str:
    """The user's email preference; the model default (daily digest) when they never chose."""
    frequency = NotificationPreference.objects.filter(user_id=user_id).values_list("frequency", flat=True).first()
    return frequency or NotificationPreference._meta.get_field("frequency").default


def last_window_end(user_id: int) -> datetime | None:
    """Where ``user_id``'s last recorded window ended (any frequency), or None."""
    return DigestRun.objects.filter(user_id=user_id).aggregate(end=Max("window_end"))["end"]


def _frequency_q(frequency: str) -> Q:
    """Users whose effective preference is ``frequency`` (no preference row counts as the default)."""
    q = Q(community_notification_preference__frequency=frequency)
    if frequency == NotificationPreference._meta.get_field("frequency").default:
        q |= Q(community_notification_preference__isnull=True)
    return q


def _waiting(boundary: datetime):
    """Notifications not yet emailed, created before ``boundary`` and after their recipient's last window."""
    last_end = DigestRun.objects.filter(user=OuterRef("recipient_id")).order_by("-window_end").values("window_end")[:1]
    return (
        Notification.objects.filter(emailed_at__isnull=True, created_at__lt=boundary)
        .annotate(last_end=Subquery(last_end))
        .filter(Q(last_end__isnull=True) | Q(created_at__gte=F("last_end")))
    )


def candidate_ids(frequency: str, boundary: datetime) -> list[int]:
    """IDs of the users :func:`send_digest` should consider for the window ending at ``boundary`` (one query).

    Users whose preference is ``frequency`` and who are active members of a community or have notifications
    waiting; for the daily run also users now on *immediately* with items still waiting from before they switched.
    Users whose window up to ``boundary`` is already recorded are left out.
    """
    waiting = _waiting(boundary).values("recipient_id")
    members = Membership.objects.active().values("user_id")
    wanted = _frequency_q(frequency) & (Q(pk__in=members) | Q(pk__in=waiting))
    if frequency == Frequency.DAILY:
        wanted |= Q(community_notification_preference__frequency=Frequency.IMMEDIATE) & Q(pk__in=waiting)
    done = DigestRun.objects.filter(window_end__gte=boundary).values("user_id")
    return list(
        get_user_model()
        .objects.filter(wanted, is_active=True)
        .exclude(pk__in=done)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def digest_groups(items: list[Notification]) -> list[dict]:
    """Group ``items`` by community (the RCP first, then by name), then by kind (:data:`KIND_ORDER`).

    Returns ``[{"community": Community, "sections": [{"kind", "heading", "items": [Notification]}]}]``.
    """
    communities: dict[int, dict] = {}
    for item in sorted(items, key=lambda n: (not n.community.is_rcp, n.community.name, n.created_at, n.pk)):
        group = communities.setdefault(item.community_id, {"community": item.community, "kinds": {}})
        group["kinds"].setdefault(item.kind, []).append(item)
    return [
        {
            "community": group["community"],
            "sections": [
                {"kind": kind, "heading": KIND_HEADINGS[kind], "items": group["kinds"][kind]}
                for kind in KIND_ORDER
                if kind in group["kinds"]
            ],
        }
        for group in communities.values()
    ]


def send_digest(user_id: int, frequency: str, boundary: datetime) -> DigestRun | None:
    """Send ``user_id`` their ``frequency`` digest for the window ending at ``boundary``; return the window.

    Returns the :class:`DigestRun` recorded (``item_count`` 0 when nothing was mailed), or None when nothing was
    due: the window is already recorded, the user's preference is not ``frequency`` (the daily run also serves
    users now on *immediately* who have items waiting from before the switch), or the user is gone.
    Raises ``IntegrityError`` when another worker recorded the same window first (the caller skips the user; this
    transaction is rolled back, so no mail is queued and no item is marked).
    """
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
        if user is None:
            return None
        preference = current_frequency(user.pk)
        sweep = frequency == Frequency.DAILY and preference == Frequency.IMMEDIATE
        if preference != frequency and not sweep:
            return None
        last_end = last_window_end(user.pk)
        if last_end is not None and last_end >= boundary:
            return None
        waiting = Notification.objects.filter(recipient=user, emailed_at__isnull=True, created_at__lt=boundary)
        if last_end is not None:
            waiting = waiting.filter(created_at__gte=last_end)
            start = last_end
        else:
            oldest = waiting.aggregate(oldest=Min("created_at"))["oldest"]
            start = min(oldest, boundary - PERIOD[frequency]) if oldest else boundary - PERIOD[frequency]
        if sweep and not waiting.exists():
            return None
        items = list(waiting.visible_to(user).with_items())
        run = DigestRun.objects.create(
            user=user, frequency=frequency, window_start=start, window_end=boundary, item_count=len(items)
        )
        if items:
            notify(
                user,
                "community_digest",
                {
                    "frequency": frequency,
                    "window_start": start,
                    "window_end": boundary,
                    "item_count": len(items),
                    "groups": digest_groups(items),
                },
                dedupe_key=f"community-digest-{user.pk}-{boundary:%Y%m%dT%H%MZ}",
            )
            Notification.objects.filter(pk__in=[item.pk for item in items]).update(emailed_at=timezone.now())
    return run


def send_digests(frequency: str, now: datetime | None = None) -> int:
    """Send every due ``frequency`` digest for the last closed window at ``now``; return how many were mailed.

    Each user is handled in their own transaction by :func:`send_digest`; a user whose window another worker
    recorded first is skipped. Safe to run twice and in parallel: each window is recorded, and mailed, once.
    """
    boundary = window_boundary(frequency, now)
    mailed = 0
    for user_id in candidate_ids(frequency, boundary):
        try:
            run = send_digest(user_id, frequency, boundary)
        except IntegrityError:
            logger.info("Digest %s for user %s up to %s was recorded by another worker", frequency, user_id, boundary)
            continue
        if run is not None and run.item_count:
            mailed += 1
    return mailed
