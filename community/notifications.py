"""Notifications about new workspace items (issue 6 item 7): the one place that fans an item out to members.

Services call :func:`record_activity` inside their transaction after creating a document, thread, reply or
announcement. It writes one in-app :class:`community.models.Notification` per person who may see the item (never
the actor) and queues an email at once for those whose preference is *immediately*; daily and weekly digests are
sent by the Celery beat tasks in ``community.tasks`` from the same rows.
"""

from django.db import transaction
from django.utils import timezone

from portal.notifications import notify

from .models import Frequency, Membership, Notification, NotificationPreference

#: Item field on :class:`Notification` for each kind.
ITEM_FIELD = {
    Notification.Kind.DOCUMENT: "document",
    Notification.Kind.THREAD: "thread",
    Notification.Kind.REPLY: "post",
    Notification.Kind.ANNOUNCEMENT: "announcement",
}


def audience_ids(kind: str, item) -> set[int]:
    """User IDs who may see ``item`` (a document, thread, post or announcement) of ``kind`` today.

    The community's active members (for the RCP: every active DAG member too); for an exchange's document, the
    members of both DAGs of the exchange.
    """
    if kind == Notification.Kind.DOCUMENT and item.exchange_id:
        exchange = item.exchange
        return Membership.objects.user_ids_of(exchange.host) | Membership.objects.user_ids_of(exchange.visiting)
    return Membership.objects.user_ids_of(community_of(kind, item))


def community_of(kind: str, item):
    """The community ``item`` belongs to."""
    if kind == Notification.Kind.REPLY:
        return item.thread.community
    return item.community


def record_activity(kind: str, item, actor) -> list[Notification]:
    """Notify everyone who may see ``item`` except ``actor``; return the notifications written.

    ``kind`` is a :class:`Notification.Kind` value and ``item`` the matching model instance. Runs in the caller's
    transaction (``transaction.atomic``); immediate emails are queued through ``portal.notifications.notify``,
    which publishes them on commit, with a dedupe key per notification so a replay sends nothing twice.
    Raises ``KeyError`` for an unknown ``kind``.
    """
    field = ITEM_FIELD[kind]
    community = community_of(kind, item)
    recipients = audience_ids(kind, item) - {getattr(actor, "pk", None)}
    with transaction.atomic():
        rows = Notification.objects.bulk_create(
            Notification(recipient_id=user_id, community=community, kind=kind, actor=actor, **{field: item})
            for user_id in sorted(recipients)
        )
        immediate = set(
            NotificationPreference.objects.filter(user_id__in=recipients, frequency=Frequency.IMMEDIATE).values_list(
                "user_id", flat=True
            )
        )
        now = timezone.now()
        for row in rows:
            if row.recipient_id in immediate:
                notify(
                    row.recipient,
                    "community_activity",
                    {"notification": row, "community": community, "item": item, "kind": kind},
                    dedupe_key=f"community-notification-{row.pk}",
                )
                row.emailed_at = now
        Notification.objects.filter(pk__in=[r.pk for r in rows if r.emailed_at]).update(emailed_at=now)
    return rows
