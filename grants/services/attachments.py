"""Add and remove the files attached to a draft application (issue 3 item 5).

Rules (from the call's published rules and the portal settings):

- Only members of the lead applicant organisation change the files, while the application is a draft and the call
  is open (:func:`grants.permissions.can_edit_application`).
- Each file is checked by content by :func:`grants.files.inspect_upload` (type, ``GRANTS_ATTACHMENT_MAX_BYTES``),
  and the sum of the application's files may not exceed ``GRANTS_APPLICATION_MAX_TOTAL_BYTES``.
- One file per required document of the call: uploading again for the same document replaces the file. Files not
  tied to a required document (``document=None``, "other") may be several.
- Files go to the private storage under generated keys (:func:`grants.models.applications.attachment_key`); the
  stored name is the normalised one. Each change is logged as :class:`~grants.models.ActivityLog`.

Errors: :class:`~django.core.exceptions.PermissionDenied` when the user is not a member of the lead organisation
(staff included: they read applications, never change them); :class:`~django.core.exceptions.ValidationError`
with a message for the applicant when the file is refused or the application can no longer change (submitted,
withdrawn, call closed). In both cases nothing is written: no row, no stored file, no activity.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from community.permissions import is_organisation_member

from ..files import format_megabytes, inspect_upload
from ..models import ActivityLog, Application, Attachment, RequiredDocument
from ..permissions import can_edit_application

logger = logging.getLogger(__name__)

ACTION_ADDED = "attachment_added"
ACTION_REMOVED = "attachment_removed"


def _check_may_edit(user, application: Application) -> None:
    """Raise ``PermissionDenied`` for outsiders and ``ValidationError`` when a member may no longer edit."""
    if can_edit_application(user, application):
        return
    if not is_organisation_member(user, application.organisation_id):
        raise PermissionDenied
    raise ValidationError(
        _("This application can no longer be changed: it has been submitted or withdrawn, or the call is closed."),
        code="not_editable",
    )


def _delete_stored(storage, key: str) -> None:
    try:
        storage.delete(key)
    except Exception:  # a file left behind must not turn a committed change into an error
        logger.exception("Could not delete the stored attachment %s", key)


def add_attachment(application_id: int, *, user, uploaded_file, document: RequiredDocument | None = None) -> Attachment:
    """Attach ``uploaded_file`` to the draft application ``application_id`` and return the new :class:`Attachment`.

    ``document``: the call's :class:`~grants.models.RequiredDocument` the file is for, or ``None`` for another
    file. An earlier file for the same document is replaced: its row is deleted and its stored file is deleted
    once the transaction commits. The application row is locked (``select_for_update``) so that concurrent uploads
    cannot both pass the total-size check or leave two files for one document.

    Raises ``Application.DoesNotExist`` for an unknown id; ``PermissionDenied`` when ``user`` is not a member of
    the lead applicant organisation; ``ValidationError`` (codes ``not_editable``, ``wrong_document``,
    ``total_too_large`` and those of :func:`grants.files.inspect_upload`) when the file is refused. On any error
    nothing is written (database or storage).
    """
    application = Application.objects.select_related("call").get(pk=application_id)
    _check_may_edit(user, application)
    if document is not None and document.call_id != application.call_id:
        raise ValidationError(_("This document is not one the call asks for."), code="wrong_document")
    detected = inspect_upload(uploaded_file)  # outside the lock: reads and parses the whole file

    storage = Attachment._meta.get_field("file").storage
    stored_key = None
    try:
        with transaction.atomic():
            application = (
                Application.objects.select_for_update(of=("self",)).select_related("call").get(pk=application_id)
            )
            _check_may_edit(user, application)
            replaced = list(application.attachments.filter(document=document)) if document is not None else []
            kept_total = application.attachments.exclude(pk__in=[a.pk for a in replaced]).aggregate(
                total=Sum("size_bytes", default=0)
            )["total"]
            limit = settings.GRANTS_APPLICATION_MAX_TOTAL_BYTES
            if kept_total + detected.size_bytes > limit:
                raise ValidationError(
                    _(
                        "With this file the application's files would total %(total)s MB; the limit is %(limit)s MB "
                        "per application. Remove or replace a file first."
                    )
                    % {
                        "total": format_megabytes(kept_total + detected.size_bytes),
                        "limit": format_megabytes(limit),
                    },
                    code="total_too_large",
                )

            name = detected.filename or f"document.{detected.extension}"
            attachment = Attachment(
                application=application,
                document=document,
                original_name=name,
                content_type=detected.content_type,
                size_bytes=detected.size_bytes,
                sha256=detected.sha256,
                uploaded_by=user,
            )
            uploaded_file.seek(0)
            attachment.file.save(name, uploaded_file, save=False)
            stored_key = attachment.file.name
            attachment.save()

            for old in replaced:
                old_key = old.file.name
                old.delete()
                transaction.on_commit(lambda key=old_key: _delete_stored(storage, key))
            comment = f"{document.code if document else 'other'}: {name}"
            if replaced:
                comment += " (replaces " + ", ".join(a.original_name for a in replaced) + ")"
            ActivityLog.objects.create(application=application, actor=user, action=ACTION_ADDED, comment=comment)
    except BaseException:
        if stored_key:
            _delete_stored(storage, stored_key)
        raise
    return attachment


def remove_attachment(attachment_id: int, *, user) -> None:
    """Remove the attachment ``attachment_id`` from its draft application; the stored file is deleted on commit.

    Raises ``Attachment.DoesNotExist`` for an unknown id; ``PermissionDenied`` when ``user`` is not a member of the
    lead applicant organisation; ``ValidationError`` (code ``not_editable``) when the application can no longer
    change. Nothing is written then.
    """
    application_id = Attachment.objects.values_list("application_id", flat=True).get(pk=attachment_id)
    storage = Attachment._meta.get_field("file").storage
    with transaction.atomic():
        application = Application.objects.select_for_update(of=("self",)).select_related("call").get(pk=application_id)
        _check_may_edit(user, application)
        attachment = Attachment.objects.select_related("document").get(pk=attachment_id)
        key = attachment.file.name
        label = attachment.document.code if attachment.document else "other"
        ActivityLog.objects.create(
            application=application,
            actor=user,
            action=ACTION_REMOVED,
            comment=f"{label}: {attachment.original_name}",
        )
        attachment.delete()
        transaction.on_commit(lambda: _delete_stored(storage, key))
