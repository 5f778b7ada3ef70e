"""Notifications about new workspace items (issue 6 item 7): the one place that fans an item out to members.

Services call :func:`record_activity` inside their transaction after creating a document, thread, reply or
announcement. It writes one in-app :class:`community.models.Notification` per person who may see the item (never
the actor) and queues an email at once for those whose preference is *immediately*; daily and weekly digests are
sent by the Celery beat tasks in ``community.tasks`` (``community.services.digests``) from the same rows.

:func:`item_path` is the one place that knows where an item lives in the workspace (mails, the notifications page
and its redirect view use it).
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.notifications import notify

from .models import Frequency, Membership, Notification

#: Item field on :class:`Notification` for each kind.
ITEM_FIELD = {
    Notification.Kind.DOCUMENT: "document",
    Notification.Kind.THREAD: "thread",
    Notification.Kind.REPLY: "post",
    Notification.Kind.ANNOUNCEMENT: "announcement",
}

#: Order of the kinds in a digest and their section headings (plural).
KIND_ORDER = [
    Notification.Kind.ANNOUNCEMENT,
    Notification.Kind.THREAD,
    Notification.Kind.REPLY,
    Notification.Kind.DOCUMENT,
]
KIND_HEADINGS = {
    Notification.Kind.ANNOUNCEMENT: _("Announcements"),
    Notification.Kind.THREAD: _("New discussions"),
    Notification.Kind.REPLY: _("New replies"),
    Notification.Kind.DOCUMENT: _("New documents"),
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


def title_of(kind: str, item) -> str:
    """The title a person knows ``item`` by: its own, or for a reply its thread's."""
    if kind == Notification.Kind.REPLY:
        return item.thread.title
    return item.title


def actor_name(actor) -> str:
    """How mails and the notifications page name the person who acted: full name, or "A member" (never the
    address)."""
    name = actor.get_full_name().strip() if actor is not None else ""
    return name or str(_("A member"))


def item_path(kind: str, item) -> str:
    """The path (language prefix of the active language included) of ``item`` in its community's workspace.

    Documents go to ``workspace:document_download``, threads and replies to ``workspace:thread_detail`` (a reply
    with ``#post-<pk>``), announcements to ``workspace:announcements`` (``#announcement-<pk>``). When such a URL
    is not installed, the community's ``workspace:home``; failing that, the notifications page. Never raises.
    """
    community = community_of(kind, item)
    candidates = {
        Notification.Kind.DOCUMENT: ("workspace:document_download", [community.slug, item.pk], ""),
        Notification.Kind.THREAD: ("workspace:thread_detail", [community.slug, item.pk], ""),
        Notification.Kind.ANNOUNCEMENT: ("workspace:announcements", [community.slug], f"#announcement-{item.pk}"),
    }
    if kind == Notification.Kind.REPLY:
        candidates[kind] = ("workspace:thread_detail", [community.slug, item.thread_id], f"#post-{item.pk}")
    for name, args, anchor in (candidates[kind], ("workspace:home", [community.slug], "")):
        try:
            return reverse(name, args=args) + anchor
        except NoReverseMatch:
            continue
    return reverse("workspace:notifications")


def record_activity(kind: str, item, actor) -> list[Notification]:
    """Notify everyone who may see ``item`` except ``actor``; return the notifications written.

    ``kind`` is a :class:`Notification.Kind` value and ``item`` the matching model instance (saved). Runs in the
    caller's transaction (``transaction.atomic``). Idempotent: a person who already has a notification of this
    item gets no second one, and the immediate mail carries a dedupe key per item, so a replayed call writes and
    sends nothing new. Immediate mails are queued through ``portal.notifications.notify`` (one outbox row per
    recipient, published on commit) for the recipients whose preference is *immediately*; users without a
    preference row get the model default (daily digest). Queries: a fixed number, whatever the audience size,
    plus one template rendering per immediate recipient. Raises ``KeyError`` for an unknown ``kind``.
    """
    field = ITEM_FIELD[kind]
    community = community_of(kind, item)
    actor_id = getattr(actor, "pk", None)
    with transaction.atomic():
        already = set(Notification.objects.filter(kind=kind, **{field: item}).values_list("recipient_id", flat=True))
        recipients = sorted(audience_ids(kind, item) - already - {actor_id})
        rows = Notification.objects.bulk_create(
            Notification(recipient_id=user_id, community=community, kind=kind, actor=actor, **{field: item})
            for user_id in recipients
        )
        immediate = list(
            get_user_model().objects.filter(
                pk__in=recipients, is_active=True, community_notification_preference__frequency=Frequency.IMMEDIATE
            )
        )
        if immediate:
            notify(
                immediate,
                "community_activity",
                {
                    "community": community,
                    "kind": kind,
                    "kind_label": Notification.Kind(kind).label,
                    "item": item,
                    "item_title": title_of(kind, item),
                    "actor_name": actor_name(actor),
                },
                dedupe_key=f"community-activity-{kind}-{item.pk}",
            )
            now = timezone.now()
            emailed = {user.pk for user in immediate}
            Notification.objects.filter(kind=kind, recipient_id__in=emailed, **{field: item}).update(emailed_at=now)
            for row in rows:
                if row.recipient_id in emailed:
                    row.emailed_at = now
    return rows
