"""Minutes and materials of an event (issue 7 item 6). Views call these; nothing else writes the rows.

Every function checks the acting user with ``events.permissions`` (organisers only), works on the event's
default-locale page (``EventPage.canonical``) and runs under the event lock
(:func:`events.services.registrations.lock_event`) in one transaction. Errors are :class:`OutcomeError` with a
translated ``message`` and a stable ``code``.

Minutes (one per event): :func:`save_minutes` stores a draft or approves.
- The body is cleaned with :func:`portal.sanitize.clean_html` before it is stored; a body with no text left is
  refused.
- Approving records who approved and when; approving minutes that are already approved and unchanged keeps the
  first approver and time (a double click changes nothing).
- **Editing approved minutes puts them back to draft.** Saving a draft of approved minutes (changed or not) clears
  the approval: the minutes disappear from everyone but the organisers until an organiser approves them again, so
  visitors never read text nobody approved. An organiser who corrects a typo and wants the minutes to stay
  published uses "Save and approve", which stores the text and records them as the new approver.

Materials: :func:`add_material_file` (a document or slides, checked by content with
:func:`portal.files.inspect_upload`, limit ``settings.EVENT_MATERIAL_MAX_BYTES``, stored under its normalised name
on the private storage) and :func:`add_material_link` (a recording or document link, ``http``/``https`` only), each
with its own visibility; :func:`delete_material`. A form's random ``request_token`` makes a re-sent form add one
row: a second call with a token already stored for the event returns the first material (the unique constraint
``one_material_per_request`` is the backstop for a race).
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events import permissions
from events.models import EventMaterial, EventMinutes, EventPage, MaterialKind, MaterialVisibility, MinutesStatus
from portal.files import inspect_upload
from portal.sanitize import clean_html, clean_text

from .registrations import lock_event

logger = logging.getLogger(__name__)

#: Longest form token stored (``EventMaterial.request_token`` is 64 characters).
MAX_TOKEN_LENGTH = 64
#: Longest material title (the column's ``max_length``).
MAX_TITLE_LENGTH = 200
#: Kinds a file may have; a link may be any kind (usually a recording).
FILE_KINDS = (MaterialKind.DOCUMENT, MaterialKind.SLIDES)

_http_url = URLValidator(schemes=["http", "https"])


class OutcomeError(Exception):
    """Minutes or a material that cannot be saved. ``message`` is translated for the person who asked; ``code``:
    ``not_organiser``, ``required`` (empty minutes or title, no file), ``too_long``, ``invalid`` (a visibility or
    kind outside the choices), ``bad_link`` (not an http/https URL), or one of
    :func:`portal.files.inspect_upload`'s codes (``empty``, ``too_large``, ``type_not_allowed``, ``type_mismatch``,
    ``damaged``, ``encrypted``, ``too_large_unpacked``)."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def _require_organiser(user, event: EventPage) -> None:
    if not permissions.is_organiser(user, event):
        raise OutcomeError(_("Only the event's organisers can do this."), "not_organiser")


def _visibility(value: str) -> str:
    if value not in MaterialVisibility.values:
        raise OutcomeError(_("Choose who may see it."), "invalid")
    return value


def _token(value: str | None) -> str:
    return str(value or "")[:MAX_TOKEN_LENGTH]


# --- Minutes ---------------------------------------------------------------------------------------------------


def save_minutes(
    event: EventPage,
    *,
    by,
    body: str,
    visibility: str = MaterialVisibility.PUBLIC,
    approve: bool = False,
    now: datetime | None = None,
) -> EventMinutes:
    """Create or update the minutes of ``event`` and return them.

    ``body``: HTML (cleaned here with ``clean_html``); ``visibility``: a ``MaterialVisibility`` value; ``approve``:
    False stores a draft (and takes back an approval, see the module docstring), True stores and approves
    (``approved_by`` = ``by``, ``approved_at`` = ``now``, aware UTC; kept unchanged when the minutes were already
    approved with the same text and visibility). ``written_by`` is the last person who saved.

    Raises :class:`OutcomeError` ``not_organiser``, ``invalid`` (visibility) or ``required`` (no text).
    """
    now = now or timezone.now()
    event = event.canonical()
    _require_organiser(by, event)
    visibility = _visibility(visibility)
    html = clean_html(body).strip()
    if not clean_text(html):
        raise OutcomeError(_("Write the minutes before saving them."), "required")
    with transaction.atomic():
        locked = lock_event(event)
        minutes = EventMinutes.objects.select_for_update().filter(event=locked).first()
        if minutes is None:
            minutes = EventMinutes(event=locked)
        unchanged = minutes.pk is not None and minutes.body == html and minutes.visibility == visibility
        if approve and unchanged and minutes.is_approved:
            return minutes
        minutes.body = html
        minutes.visibility = visibility
        minutes.written_by = by
        if approve:
            minutes.status = MinutesStatus.APPROVED
            minutes.approved_by = by
            minutes.approved_at = now
        else:
            minutes.status = MinutesStatus.DRAFT
            minutes.approved_by = None
            minutes.approved_at = None
        minutes.save()
    return minutes


# --- Materials -------------------------------------------------------------------------------------------------


def _title(value: str | None) -> str:
    text = " ".join(clean_text(value).split())
    if not text:
        raise OutcomeError(_("Enter a title."), "required")
    if len(text) > MAX_TITLE_LENGTH:
        raise OutcomeError(
            _("The title is too long: at most %(limit)d characters.") % {"limit": MAX_TITLE_LENGTH}, "too_long"
        )
    return text


def _existing(event: EventPage, token: str) -> EventMaterial | None:
    return EventMaterial.objects.filter(event=event, request_token=token).first() if token else None


def _save_once(material: EventMaterial, token: str) -> tuple[EventMaterial, bool]:
    """Save ``material``; on a clash of ``request_token`` return the row that won and False."""
    try:
        with transaction.atomic():
            material.save()
        return material, True
    except IntegrityError:
        if not token:
            raise
        return EventMaterial.objects.get(event_id=material.event_id, request_token=token), False


def add_material_file(
    event: EventPage,
    *,
    by,
    uploaded_file,
    title: str,
    kind: str = MaterialKind.DOCUMENT,
    visibility: str = MaterialVisibility.PUBLIC,
    request_token: str = "",
) -> EventMaterial:
    """Attach ``uploaded_file`` (a Django ``UploadedFile``) to ``event`` as a document or slides and return it.

    The file is checked by content (:func:`portal.files.inspect_upload`, ``max_bytes`` =
    ``settings.EVENT_MATERIAL_MAX_BYTES``) before anything is written; it is stored on the private storage under a
    random key and offered for download under its normalised name. ``kind``: ``document`` or ``slides``;
    ``visibility``: a ``MaterialVisibility`` value. A replayed ``request_token`` returns the first material without
    reading the file again.

    Raises :class:`OutcomeError` ``not_organiser``, ``required``, ``too_long``, ``invalid`` or a code of
    ``inspect_upload``. On any error nothing is written (database or storage).
    """
    event = event.canonical()
    _require_organiser(by, event)
    token = _token(request_token)
    if existing := _existing(event, token):
        return existing
    title = _title(title)
    visibility = _visibility(visibility)
    if kind not in FILE_KINDS:
        raise OutcomeError(_("Choose document or slides."), "invalid")
    if uploaded_file is None:
        raise OutcomeError(_("Choose a file."), "required")
    try:
        detected = inspect_upload(uploaded_file, max_bytes=settings.EVENT_MATERIAL_MAX_BYTES)
    except ValidationError as error:
        raise OutcomeError(" ".join(error.messages), error.code or "invalid") from error

    stored_key = None
    try:
        with transaction.atomic():
            locked = lock_event(event)
            if existing := _existing(locked, token):
                return existing
            name = detected.filename or f"{kind}.{detected.extension}"
            material = EventMaterial(
                event=locked,
                kind=kind,
                title=title,
                visibility=visibility,
                original_name=name,
                content_type=detected.content_type,
                size_bytes=detected.size_bytes,
                added_by=by,
                request_token=token,
            )
            uploaded_file.seek(0)
            material.file.save(name, uploaded_file, save=False)
            stored_key = material.file.name
            material, created = _save_once(material, token)
            if not created:
                _delete_stored(stored_key)
                stored_key = None
    except BaseException:
        if stored_key:
            _delete_stored(stored_key)
        raise
    return material


def add_material_link(
    event: EventPage,
    *,
    by,
    url: str,
    title: str,
    kind: str = MaterialKind.RECORDING,
    visibility: str = MaterialVisibility.PUBLIC,
    request_token: str = "",
) -> EventMaterial:
    """Attach a link (a recording, or a document kept elsewhere) to ``event`` and return it.

    ``url``: an absolute ``http`` or ``https`` URL (at most 500 characters); ``kind``: a ``MaterialKind`` value
    (``recording`` by default); ``visibility``: a ``MaterialVisibility`` value. A replayed ``request_token`` returns
    the first material.

    Raises :class:`OutcomeError` ``not_organiser``, ``required``, ``too_long``, ``invalid`` or ``bad_link``.
    """
    event = event.canonical()
    _require_organiser(by, event)
    token = _token(request_token)
    if existing := _existing(event, token):
        return existing
    title = _title(title)
    visibility = _visibility(visibility)
    if kind not in MaterialKind.values:
        raise OutcomeError(_("Choose what kind of material this is."), "invalid")
    url = (url or "").strip()
    try:
        _http_url(url)
    except ValidationError:
        raise OutcomeError(_("Enter a link starting with https:// or http://."), "bad_link") from None
    if len(url) > EventMaterial._meta.get_field("url").max_length:
        raise OutcomeError(_("The link is too long."), "too_long")
    with transaction.atomic():
        locked = lock_event(event)
        if existing := _existing(locked, token):
            return existing
        material = EventMaterial(
            event=locked, kind=kind, title=title, visibility=visibility, url=url, added_by=by, request_token=token
        )
        material, _created = _save_once(material, token)
    return material


def delete_material(material: EventMaterial, *, by) -> None:
    """Remove ``material`` (and, once the transaction commits, its stored file). Deleting a material that is
    already gone does nothing. Raises :class:`OutcomeError` ``not_organiser``."""
    event = material.event.canonical()
    _require_organiser(by, event)
    with transaction.atomic():
        lock_event(event)
        current = EventMaterial.objects.select_for_update().filter(pk=material.pk).first()
        if current is None:
            return
        key = current.file.name if current.file else ""
        current.delete()
        if key:
            transaction.on_commit(lambda: _delete_stored(key))


def _delete_stored(key: str) -> None:
    try:
        EventMaterial._meta.get_field("file").storage.delete(key)
    except OSError:  # a stray file is harmless; the row is what grants access
        logger.warning("Could not delete stored event material %s", key, exc_info=True)
