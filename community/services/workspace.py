"""State changes in a community's workspace: documents, threads, replies, flags and announcements (issue 6 item 4).

Every function takes the acting ``user`` as a keyword, checks it with :mod:`community.permissions`, locks the row it
changes or adds to (the community, or the thread for a reply) with ``select_for_update`` inside one
``transaction.atomic``, and, for a new document, thread, reply or announcement, calls
:func:`community.notifications.record_activity` in that transaction (in-app notifications, immediate mails on
commit). Errors:

* ``django.core.exceptions.PermissionDenied`` when ``user`` may not do it (views answer 404 to people who may not
  see the workspace, 403 to members whose role does not allow the action);
* ``django.core.exceptions.ValidationError`` with a translated message when the input is refused (empty text,
  a file of the wrong type or too large, a closed thread, a post already reported).

Replays: ``request_token`` is the random token of the form that posted (at most 64 characters; empty means "no
replay protection"). A second call with a token already stored for the same community (the same thread for a
reply) returns the first row and writes nothing: a double click on "Post reply" creates one post and one set of
notifications. The lock makes the check safe on PostgreSQL; the unique constraints on ``request_token`` catch a
race on databases without row locks.

Rich text (posts, conclusions, announcements) is stored as :func:`portal.sanitize.clean_html` output; titles and
descriptions are plain text (templates escape them).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.files import inspect_upload
from portal.notifications import notify
from portal.sanitize import clean_html, clean_plain_text, clean_text

from .. import permissions
from ..models import (
    Announcement,
    Community,
    CommunityDocument,
    MemberRole,
    Membership,
    Notification,
    Post,
    PostFlag,
    Thread,
    Visibility,
    document_language_choices,
)
from ..notifications import record_activity

logger = logging.getLogger(__name__)

#: Longest form token stored (``request_token`` columns are 64 characters).
MAX_TOKEN_LENGTH = 64


def _token(request_token: str | None) -> str:
    return str(request_token or "")[:MAX_TOKEN_LENGTH]


def _locked_community(community: Community) -> Community:
    return Community.objects.select_for_update().get(pk=community.pk)


#: Longest title of a document, thread or announcement, in characters (the columns' ``max_length``).
MAX_TITLE_LENGTH = 200


def _title(value: str | None) -> str:
    """``value`` as a one-line plain-text title; raises ``ValidationError`` (``required`` or ``too_long``)."""
    text = " ".join(clean_plain_text(value).split())
    if not text:
        raise ValidationError(_("Enter a title."), code="required")
    if len(text) > MAX_TITLE_LENGTH:
        raise ValidationError(
            _("The title is too long: at most %(limit)d characters.") % {"limit": MAX_TITLE_LENGTH}, code="too_long"
        )
    return text


def _required_html(value: str | None, message: str) -> str:
    """``value`` cleaned by :func:`portal.sanitize.clean_html`; raises ``ValidationError`` (``required``) when no
    text is left (empty, only markup, or only a removed script)."""
    html = clean_html(value).strip()
    if not clean_text(html):
        raise ValidationError(message, code="required")
    return html


def _create_once(model, lookup: dict, fields: dict):
    """Create ``model(**lookup, **fields)`` in a savepoint; on a token clash return the row that won the race."""
    try:
        with transaction.atomic():
            return model.objects.create(**lookup, **fields), True
    except IntegrityError:
        if not lookup.get("request_token"):
            raise
        return model.objects.get(**lookup), False


# --- Documents -------------------------------------------------------------------------------------------------


def share_document(
    *,
    user,
    community: Community,
    uploaded_file,
    title: str,
    description: str = "",
    language: str = "en",
    visibility: str = Visibility.MEMBERS,
    exchange=None,
    request_token: str = "",
) -> CommunityDocument:
    """Add ``uploaded_file`` to ``community``'s library (or to ``exchange``, a bilateral exchange) and return it.

    ``user`` must be allowed to share documents in ``community`` (coordinators and members, not observers); for an
    exchange also to view it (:func:`community.permissions.can_view_exchange`); the document then belongs to the
    exchange's host. The file is checked by content (:func:`portal.files.inspect_upload`, limit
    ``settings.COMMUNITY_DOCUMENT_MAX_BYTES`` bytes) before anything is written; it is stored on the private storage
    and offered for download under its normalised name. ``language``: a code of
    :func:`community.models.document_language_choices`; ``visibility``: a :class:`Visibility` value.

    Raises ``PermissionDenied``; ``ValidationError`` with the codes of ``inspect_upload`` (``empty``,
    ``too_large``, ``type_not_allowed``, ``type_mismatch``, ``damaged``, ``encrypted``, ``too_large_unpacked``)
    or ``required``/``invalid`` for the title, language or visibility. On any error nothing is written (database or
    storage). A replayed ``request_token`` returns the first document without reading the file again.
    """
    if not permissions.can_share_documents(user, community):
        raise PermissionDenied
    if exchange is not None and not permissions.can_view_exchange(user, exchange):
        raise PermissionDenied
    owner = exchange.host if exchange is not None else community
    token = _token(request_token)
    if token and (existing := CommunityDocument.objects.filter(community=owner, request_token=token).first()):
        return existing

    title = _title(title)
    if language not in dict(document_language_choices()):
        raise ValidationError(_("Choose a language from the list."), code="invalid")
    if visibility not in Visibility.values:
        raise ValidationError(_("Choose who may see the document."), code="invalid")
    detected = inspect_upload(uploaded_file, max_bytes=settings.COMMUNITY_DOCUMENT_MAX_BYTES)

    storage = CommunityDocument._meta.get_field("file").storage
    stored_key = None
    try:
        with transaction.atomic():
            _locked_community(owner)
            existing = CommunityDocument.objects.filter(community=owner, request_token=token).first() if token else None
            if existing:
                return existing
            name = detected.filename or f"document.{detected.extension}"
            document = CommunityDocument(
                community=owner,
                exchange=exchange,
                title=title,
                description=clean_plain_text(description),
                language=language,
                visibility=visibility,
                original_name=name,
                content_type=detected.content_type,
                size_bytes=detected.size_bytes,
                uploaded_by=user,
                request_token=token,
            )
            uploaded_file.seek(0)
            document.file.save(name, uploaded_file, save=False)
            stored_key = document.file.name
            try:
                with transaction.atomic():
                    document.save()
            except IntegrityError:
                if not token:
                    raise
                _delete_stored(storage, stored_key)
                stored_key = None
                return CommunityDocument.objects.get(community=owner, request_token=token)
            record_activity(Notification.Kind.DOCUMENT, document, user)
    except BaseException:
        if stored_key:
            _delete_stored(storage, stored_key)
        raise
    return document


def _delete_stored(storage, key: str) -> None:
    try:
        storage.delete(key)
    except OSError:  # the row is gone or was never written; a stray file is harmless and logged
        logger.warning("Could not delete stored community document %s", key, exc_info=True)


# --- Discussions -----------------------------------------------------------------------------------------------


def start_thread(*, user, community: Community, title: str, body: str, request_token: str = "") -> Thread:
    """Open a discussion in ``community`` with ``title`` (plain text) and a first post ``body`` (HTML, cleaned).

    Every member may (observers too: :func:`community.permissions.can_take_part`). Raises ``PermissionDenied``;
    ``ValidationError`` (code ``required``) for an empty title or message. Notifies the members (kind
    ``thread``). A replayed ``request_token`` returns the first thread.
    """
    if not permissions.can_take_part(user, community):
        raise PermissionDenied
    title = _title(title)
    body = _required_html(body, _("Write a message."))
    token = _token(request_token)
    with transaction.atomic():
        _locked_community(community)
        if token and (existing := Thread.objects.filter(community=community, request_token=token).first()):
            return existing
        now = timezone.now()
        thread, created = _create_once(
            Thread,
            {"community": community, "request_token": token},
            {"title": title, "created_by": user, "last_post_at": now},
        )
        if not created:
            return thread
        Post.objects.create(thread=thread, author=user, body=body)
        record_activity(Notification.Kind.THREAD, thread, user)
    return thread


def reply(*, user, thread: Thread, body: str, request_token: str = "") -> Post:
    """Add a reply ``body`` (HTML, cleaned) to the open ``thread``; return the post.

    Every member of the thread's community may (observers too). Raises ``PermissionDenied``; ``ValidationError``
    with code ``closed`` when the thread was closed (also when it closed while the reply was typed) or
    ``required`` for an empty message. Notifies the members (kind ``reply``) and moves the thread's
    ``last_post_at``. A replayed ``request_token`` returns the first post.
    """
    if not permissions.can_take_part(user, thread.community):
        raise PermissionDenied
    body = _required_html(body, _("Write a message."))
    token = _token(request_token)
    with transaction.atomic():
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
        if token and (existing := Post.objects.filter(thread=locked, request_token=token).first()):
            return existing
        if locked.status == Thread.Status.CLOSED:
            raise ValidationError(_("This discussion is closed: it takes no more replies."), code="closed")
        post, created = _create_once(Post, {"thread": locked, "request_token": token}, {"author": user, "body": body})
        if not created:
            return post
        Thread.objects.filter(pk=locked.pk).update(last_post_at=post.created_at)
        thread.last_post_at = post.created_at
        record_activity(Notification.Kind.REPLY, post, user)
    return post


def close_thread(*, user, thread: Thread, conclusion: str) -> Thread:
    """Close ``thread`` with a ``conclusion`` (HTML, cleaned): it then takes no replies. Coordinators only.

    Raises ``PermissionDenied`` for anyone else and ``ValidationError`` (code ``required``) for an empty
    conclusion. A thread already closed is returned unchanged (a repeated form closes nothing twice).
    """
    if not permissions.can_coordinate(user, thread.community):
        raise PermissionDenied
    conclusion = _required_html(conclusion, _("Write the conclusion of the discussion."))
    with transaction.atomic():
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
        if locked.status == Thread.Status.CLOSED:
            return locked
        locked.status = Thread.Status.CLOSED
        locked.conclusion = conclusion
        locked.closed_by = user
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "conclusion", "closed_by", "closed_at"])
    return locked


def flag_post(*, user, post: Post, reason: str) -> PostFlag:
    """Report ``post`` to the community's coordinators with a ``reason`` (plain text); return the flag.

    Every member may report a post of someone else, once per post. The coordinators get a mail
    (``community_post_flagged``) on commit. Raises ``PermissionDenied`` (not a member), ``ValidationError`` with
    code ``required`` (no reason), ``own_post`` or ``already_flagged``.
    """
    community = post.thread.community
    if not permissions.can_take_part(user, community):
        raise PermissionDenied
    if post.author_id == user.pk:
        raise ValidationError(_("You cannot report your own post."), code="own_post")
    reason = clean_plain_text(reason)
    if not reason:
        raise ValidationError(_("Say why you are reporting this post."), code="required")
    already = ValidationError(_("You have already reported this post."), code="already_flagged")
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        if PostFlag.objects.filter(post=locked, flagged_by=user).exists():
            raise already
        try:
            with transaction.atomic():
                flag = PostFlag.objects.create(post=locked, flagged_by=user, reason=reason)
        except IntegrityError:
            raise already from None
        _notify_coordinators_of_flag(community, post, flag)
    return flag


def _notify_coordinators_of_flag(community: Community, post: Post, flag: PostFlag) -> None:
    """Mail the community's active coordinators that ``post`` was reported (one mail per report)."""
    coordinators = [
        membership.user
        for membership in Membership.objects.active()
        .filter(community=community, role=MemberRole.COORDINATOR, user__is_active=True)
        .select_related("user")
    ]
    if not coordinators:
        return
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    thread = post.thread
    notify(
        coordinators,
        "community_post_flagged",
        {
            "community_name": community.name,
            "thread_title": thread.title,
            "thread_url": base_url + reverse("workspace:thread_detail", args=[community.slug, thread.pk]),
        },
        dedupe_key=f"community-post-flag-{flag.pk}",
    )


def resolve_flag(*, user, flag: PostFlag) -> PostFlag:
    """Mark ``flag`` resolved (a coordinator dealt with the report). Coordinators of the post's community only.

    Raises ``PermissionDenied`` for anyone else. A flag already resolved is returned unchanged.
    """
    if not permissions.can_coordinate(user, flag.post.thread.community):
        raise PermissionDenied
    with transaction.atomic():
        locked = PostFlag.objects.select_for_update().get(pk=flag.pk)
        if locked.resolved_at is None:
            locked.resolved_at = timezone.now()
            locked.resolved_by = user
            locked.save(update_fields=["resolved_at", "resolved_by"])
    return locked


# --- Announcements ---------------------------------------------------------------------------------------------


def announce(*, user, community: Community, title: str, body: str, request_token: str = "") -> Announcement:
    """Publish an announcement (``title`` plain text, ``body`` HTML, cleaned) to ``community``'s members.

    Coordinators only. Raises ``PermissionDenied``; ``ValidationError`` (code ``required``) for an empty title or
    text. Notifies the members (kind ``announcement``). A replayed ``request_token`` returns the first one.
    """
    if not permissions.can_coordinate(user, community):
        raise PermissionDenied
    title = _title(title)
    body = _required_html(body, _("Write the text of the announcement."))
    token = _token(request_token)
    with transaction.atomic():
        _locked_community(community)
        if token and (existing := Announcement.objects.filter(community=community, request_token=token).first()):
            return existing
        announcement, created = _create_once(
            Announcement,
            {"community": community, "request_token": token},
            {"title": title, "body": body, "created_by": user},
        )
        if created:
            record_activity(Notification.Kind.ANNOUNCEMENT, announcement, user)
    return announcement
