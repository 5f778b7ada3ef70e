"""The notification outbox: write mail in the caller's transaction, publish it on commit, send it idempotently.

Public entry points (GUIDE §3, "Notifications"):

* :func:`notify` renders a mail template per recipient, in the recipient's language, into outbox rows.
* :func:`enqueue_email` stores an already rendered mail (used by the allauth bridge).
* :func:`deliver` sends one outbox row; the Celery task ``send_outbox_message`` calls it.
* :func:`requeue_due` republishes what is pending, failed or stuck; the periodic task calls it.

Mail templates live in ``templates/notifications/<template>/`` as ``subject.txt``, ``body.txt`` and optionally
``body.html``. A language may override any of them in ``templates/notifications/<template>/<language>/``
(``sr-latn`` falls back to ``sr``, then to the shared files). The shared files use ``{% translate %}``, and
are rendered with the recipient's language active, so gettext catalogues translate them. Text templates
should wrap their content in ``{% autoescape off %}`` (plain text is not HTML).
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.utils import timezone, translation
from kombu.exceptions import OperationalError as BrokerOperationalError

from .models import OutboxMessage

logger = logging.getLogger(__name__)

#: Errors that mean "the broker cannot be reached": the message stays pending and the periodic retry sends it.
BROKER_ERRORS: tuple[type[BaseException], ...] = (BrokerOperationalError, OSError)

Recipient = Any  # a User instance or an email address (str)
#: A file sent with a mail: ``(filename, content bytes, MIME type)``, e.g. ``("x.ics", data, "text/calendar")``.
Attachment = tuple[str, bytes, str]


def encode_attachments(attachments: Iterable[Attachment] | None) -> list[dict[str, str]]:
    """``[(filename, bytes, mimetype), …]`` as stored in ``OutboxMessage.attachments``: a list of ``{"filename",
    "mimetype", "content"}`` with the content base64-encoded. Raises ``TypeError`` for content that is not bytes and
    ``ValueError`` for an empty filename or a MIME type without a slash."""
    stored = []
    for filename, content, mimetype in attachments or ():
        if not isinstance(content, bytes | bytearray):
            raise TypeError(f"attachment content must be bytes, not {type(content).__name__}")
        if not filename or "/" not in (mimetype or ""):
            raise ValueError(f"attachment needs a filename and a MIME type: {filename!r}, {mimetype!r}")
        stored.append(
            {"filename": str(filename), "mimetype": mimetype, "content": base64.b64encode(bytes(content)).decode()}
        )
    return stored


def decode_attachments(stored: Iterable[Mapping[str, str]] | None) -> list[Attachment]:
    """The inverse of :func:`encode_attachments`: ``[(filename, bytes, mimetype), …]``."""
    return [(item["filename"], base64.b64decode(item["content"]), item["mimetype"]) for item in stored or ()]


# --- Writing -----------------------------------------------------------------------------------------------------


def _recipient_language(user, language: str | None) -> str:
    """``language`` if given, else the user's ``preferred_language``, else ``settings.LANGUAGE_CODE``."""
    if language:
        return language
    preferred = getattr(user, "preferred_language", "") if user is not None else ""
    return preferred or settings.LANGUAGE_CODE


def _template_candidates(template: str, language: str, filename: str) -> list[str]:
    """Template names to try for one part of a mail, most specific first."""
    names = []
    for code in dict.fromkeys([language, language.split("-")[0]]):
        names.append(f"notifications/{template}/{code}/{filename}")
    names.append(f"notifications/{template}/{filename}")
    return names


def render_message(template: str, context: Mapping[str, Any], language: str) -> tuple[str, str, str]:
    """Render ``template`` in ``language``; return ``(subject, body_text, body_html)``.

    The subject is folded onto one line. ``body_html`` is ``""`` when the template has no ``body.html``.
    Raises ``django.template.TemplateDoesNotExist`` when ``subject.txt`` or ``body.txt`` is missing.
    """
    with translation.override(language):
        ctx = {
            "site_name": settings.WAGTAIL_SITE_NAME,
            "base_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/"),
            "language": language,
            **context,
        }
        subject = select_template(_template_candidates(template, language, "subject.txt")).render(ctx)
        body_text = select_template(_template_candidates(template, language, "body.txt")).render(ctx)
        try:
            body_html = select_template(_template_candidates(template, language, "body.html")).render(ctx)
        except TemplateDoesNotExist:
            body_html = ""
    subject = " ".join(subject.split())
    return settings.NOTIFICATIONS_SUBJECT_PREFIX + subject, body_text.strip() + "\n", body_html.strip()


def _split_recipient(recipient: Recipient):
    """Return ``(email, user_or_None)`` for a User instance or an email string."""
    if isinstance(recipient, str):
        return recipient.strip(), None
    if isinstance(recipient, get_user_model()):
        return (recipient.email or "").strip(), recipient
    raise TypeError(f"notify() recipients are User instances or email strings, not {type(recipient).__name__}")


def _as_list(recipients) -> list:
    # A model instance is one recipient, also behind a lazy wrapper: ``request.user`` is a SimpleLazyObject, which
    # claims to be iterable (it proxies ``__iter__``) but answers isinstance() checks for the User class.
    if isinstance(recipients, str | Model) or not isinstance(recipients, Iterable):
        return [recipients]
    return list(recipients)


def _store(fields: dict[str, Any], dedupe_key: str | None) -> OutboxMessage | None:
    """Insert one row; with a ``dedupe_key`` insert it only once per recipient (None when it already existed)."""
    if not dedupe_key:
        return OutboxMessage.objects.create(**fields)
    # get_or_create runs the INSERT in a savepoint, so a duplicate never breaks the caller's transaction.
    message, created = OutboxMessage.objects.get_or_create(
        dedupe_key=dedupe_key, recipient=fields.pop("recipient"), defaults=fields
    )
    return message if created else None


def _initial_available_at():
    return timezone.now() + timedelta(minutes=settings.NOTIFICATIONS_RETRY_AFTER_MINUTES)


def notify(
    recipients: Recipient | Iterable[Recipient],
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    language: str | None = None,
    dedupe_key: str | None = None,
    attachments: Iterable[Attachment] | None = None,
) -> list[OutboxMessage]:
    """Queue the mail ``template`` to each recipient; return the outbox rows written.

    ``recipients``: one or more ``User`` instances or email addresses (duplicates and empty addresses are
    dropped). Each recipient gets the template rendered with ``context`` (plus ``recipient``, ``user``,
    ``site_name``, ``base_url``, ``language``) in ``language`` if given, else the user's
    ``preferred_language``, else ``settings.LANGUAGE_CODE``.

    The rows are written in the caller's transaction (a rollback writes nothing) and the send task is published
    when it commits; a broker outage only delays the mail (see :func:`publish`). With ``dedupe_key``, a
    recipient who already has a row with that key gets nothing new.

    ``attachments``: files sent with the mail to every recipient, ``[(filename, bytes, mimetype), …]`` (stored
    base64-encoded in the row, :func:`encode_attachments`).

    Raises ``TemplateDoesNotExist`` for an unknown template, ``TypeError`` for a recipient of another type or an
    attachment that is not bytes.
    """
    context = dict(context or {})
    stored_attachments = encode_attachments(attachments)
    written: list[OutboxMessage] = []
    seen: set[str] = set()
    with transaction.atomic():
        for recipient in _as_list(recipients):
            email, user = _split_recipient(recipient)
            if not email or email.casefold() in seen:
                continue
            seen.add(email.casefold())
            lang = _recipient_language(user, language)
            subject, body_text, body_html = render_message(
                template, {**context, "recipient": email, "user": user}, lang
            )
            fields = {
                "recipient": email,
                "user": user,
                "language": lang,
                "template": template,
                "subject": subject,
                "body_text": body_text,
                "body_html": body_html,
                "attachments": stored_attachments,
                "available_at": _initial_available_at(),
            }
            message = _store(fields, dedupe_key)
            if message is not None:
                written.append(message)
    schedule_send([m.pk for m in written])
    return written


def enqueue_email(
    to: str | Iterable[str],
    subject: str,
    body: str,
    html_body: str | None = None,
    *,
    from_email: str | None = None,
    headers: Mapping[str, str] | None = None,
    user=None,
    language: str | None = None,
    template: str = "",
    dedupe_key: str | None = None,
    attachments: Iterable[Attachment] | None = None,
) -> list[OutboxMessage]:
    """Queue an already rendered mail (one row per address in ``to``); return the rows written.

    Same transaction and publishing rules as :func:`notify`. ``language`` defaults to the active language.
    ``attachments``: ``[(filename, bytes, mimetype), …]`` as for :func:`notify`.
    """
    stored_attachments = encode_attachments(attachments)
    written: list[OutboxMessage] = []
    with transaction.atomic():
        for email in dict.fromkeys(addr.strip() for addr in _as_list(to) if addr and addr.strip()):
            fields = {
                "recipient": email,
                "user": user,
                "language": language or translation.get_language() or settings.LANGUAGE_CODE,
                "template": template,
                "from_email": from_email or "",
                "headers": dict(headers or {}),
                "subject": " ".join(subject.split()),
                "body_text": body,
                "body_html": html_body or "",
                "attachments": stored_attachments,
                "available_at": _initial_available_at(),
            }
            message = _store(fields, dedupe_key)
            if message is not None:
                written.append(message)
    schedule_send([m.pk for m in written])
    return written


# --- Publishing --------------------------------------------------------------------------------------------------


def schedule_send(message_ids: list[int], using: str = DEFAULT_DB_ALIAS) -> None:
    """Publish the send task for ``message_ids`` once the current transaction commits (at once outside one)."""
    if message_ids:
        transaction.on_commit(lambda: publish(message_ids), using=using, robust=True)


def publish(message_ids: Iterable[int]) -> int:
    """Publish ``send_outbox_message`` for each id; return how many were published.

    Never raises for a broker that cannot be reached: it logs a warning and stops (the rest would fail the same
    way, each after the broker timeout), leaving the rows ``pending`` for :func:`requeue_due`. With
    ``CELERY_TASK_ALWAYS_EAGER`` the task runs here, in-process.
    """
    from .tasks import send_outbox_message

    published = 0
    for message_id in message_ids:
        try:
            send_outbox_message.delay(message_id)
        except BROKER_ERRORS as exc:
            logger.warning(
                "Broker unreachable, outbox message %s stays pending for the periodic retry: %s", message_id, exc
            )
            break
        published += 1
    return published


# --- Sending -----------------------------------------------------------------------------------------------------


def backoff(attempts: int) -> timedelta:
    """Wait before retry number ``attempts + 1``: ``NOTIFICATIONS_BACKOFF_MINUTES`` doubled per failure, capped."""
    minutes = settings.NOTIFICATIONS_BACKOFF_MINUTES * 2 ** max(attempts - 1, 0)
    return timedelta(minutes=min(minutes, settings.NOTIFICATIONS_BACKOFF_MAX_MINUTES))


def _locked(queryset):
    """``select_for_update(skip_locked=True)`` where the database supports it (PostgreSQL); as is on SQLite."""
    if connections[queryset.db].features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True)
    return queryset


def _claim(message_id: int) -> OutboxMessage | None:
    """Move one sendable row to ``sending`` (attempt + 1, lease set) and return it; None when not sendable.

    Sendable: ``pending``, or ``failed`` with attempts left. A row locked by another worker
    (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL), already ``sending`` or ``sent`` is skipped. The
    change itself is a compare-and-set ``UPDATE`` on the status and attempt count read, so even a database
    without row locks (SQLite) lets only one worker claim a row: a message is never sent twice concurrently.
    """
    Status = OutboxMessage.Status
    with transaction.atomic():
        message = _locked(
            OutboxMessage.objects.filter(pk=message_id, status__in=[Status.PENDING, Status.FAILED])
        ).first()
        if message is None:
            return None
        if message.status == Status.FAILED and message.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            return None
        lease_until = timezone.now() + timedelta(minutes=settings.NOTIFICATIONS_SENDING_LEASE_MINUTES)
        claimed = OutboxMessage.objects.filter(pk=message.pk, status=message.status, attempts=message.attempts).update(
            status=Status.SENDING, attempts=message.attempts + 1, available_at=lease_until
        )
        if not claimed:
            return None
    message.status, message.attempts, message.available_at = Status.SENDING, message.attempts + 1, lease_until
    return message


def build_email(message: OutboxMessage) -> EmailMultiAlternatives:
    """The ``EmailMultiAlternatives`` for one outbox row (HTML as an alternative when present, the row's
    attachments attached).

    The Message-ID is derived from the row, so a resend after a crash carries the same id.
    """
    headers = {"Message-ID": f"<outbox.{message.pk}.{message.created_at:%Y%m%d%H%M%S}@{DNS_NAME}>"}
    headers.update(message.headers or {})
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers=headers,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for filename, content, mimetype in decode_attachments(message.attachments):
        email.attach(filename, content, mimetype)
    return email


def deliver(message_id: int) -> str:
    """Send outbox row ``message_id`` once; return ``"sent"``, ``"failed"`` or ``"skipped"``.

    Idempotent: a row that is sent, being sent, locked by another worker, out of attempts or gone is skipped.
    A send error is recorded (``status=failed``, ``last_error``, ``available_at`` = now + :func:`backoff`)
    and not raised, so the periodic retry, not Celery, decides when to try again.
    """
    message = _claim(message_id)
    if message is None:
        return "skipped"
    Status = OutboxMessage.Status
    try:
        build_email(message).send(fail_silently=False)
    except Exception as exc:  # any backend error (SMTP, network, …) is recorded on the row
        logger.warning("Sending outbox message %s failed (attempt %s): %s", message.pk, message.attempts, exc)
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=Status.FAILED,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            available_at=timezone.now() + backoff(message.attempts),
        )
        return "failed"
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.SENT, sent_at=timezone.now(), last_error="")
    return "sent"


def requeue_due(now=None, limit: int | None = None) -> int:
    """Republish every message :meth:`OutboxQuerySet.due_for_retry` finds; return how many were published.

    ``sending`` rows whose lease ran out go back to ``pending`` first (or to ``failed`` when they have no
    attempts left). Each republished row's ``available_at`` moves on by :func:`backoff`, so a broker that is
    still down is not hammered; publishing stops at the first broker error.
    """
    now = now or timezone.now()
    limit = limit or settings.NOTIFICATIONS_RETRY_BATCH
    Status = OutboxMessage.Status
    with transaction.atomic():
        due = list(_locked(OutboxMessage.objects.due_for_retry(now)).order_by("available_at")[:limit])
        for message in due:
            if message.status == Status.SENDING:
                if message.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
                    message.status = Status.FAILED
                else:
                    message.status = Status.PENDING
                message.last_error = "Sending lease ran out (worker lost?)"
            message.available_at = now + backoff(message.attempts + 1)
            message.save(update_fields=["status", "last_error", "available_at"])
        ids = [m.pk for m in due if m.status != Status.FAILED or m.attempts < settings.NOTIFICATIONS_MAX_ATTEMPTS]
    return publish(ids)


def retry_now(message: OutboxMessage) -> None:
    """Staff action: put a failed or stuck message back to ``pending`` with fresh attempts and publish it.

    Does nothing to a message already sent.
    """
    Status = OutboxMessage.Status
    updated = (
        OutboxMessage.objects.filter(pk=message.pk)
        .exclude(status=Status.SENT)
        .update(status=Status.PENDING, attempts=0, available_at=_initial_available_at())
    )
    if updated:
        schedule_send([message.pk])
