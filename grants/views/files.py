"""Download of application attachments: the only way a private application file leaves the storage.

Files live on the ``private`` storage (no public URL; ``PRIVATE_MEDIA_ROOT`` is never served by URL patterns) and
are streamed by :func:`attachment_download` after a permission check (GUIDE §3 "Files").
"""

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from ..models import Application, Attachment
from ..permissions import can_view_attachment


@require_safe
def attachment_download(request, pk: int):
    """Stream attachment ``pk`` as a download (``GET``/``HEAD`` only).

    Anonymous visitors are sent to the sign-in page; an attachment of an application the user may not see
    (:meth:`~grants.models.ApplicationQuerySet.visible_to` and :func:`~grants.permissions.can_view_attachment`) or a
    missing stored file → 404, the same as an unknown id. The response has ``Content-Disposition: attachment``
    with the normalised original name (RFC 5987 ``filename*`` for non-ASCII names), the ``Content-Type`` detected
    at upload, ``X-Content-Type-Options: nosniff`` and ``Cache-Control: private, no-store``.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    attachment = get_object_or_404(
        Attachment.objects.select_related("application"),
        pk=pk,
        application__in=Application.objects.visible_to(request.user).values("pk"),
    )
    if not can_view_attachment(request.user, attachment):
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
