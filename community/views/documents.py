"""The document library of a workspace (issue 6 item 4): list, share (upload) and download.

Files live on the ``private`` storage (no public URL) and leave it only through :func:`document_download`, which
checks :func:`community.permissions.can_view_document` on every request: a public document for anyone, a
members-only one for the community's members (and, for an exchange's document, whoever may view the exchange).
Everyone else gets 404, the same answer as for a document that does not exist — including a removed member
following a bookmarked link.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from .. import permissions
from ..filters_workspace import DocumentFilter
from ..forms_workspace import DocumentForm
from ..models import BilateralExchange, CommunityDocument
from ..services import workspace as services
from .common import render_workspace, workspace_community, workspace_crumbs, workspace_view

#: Documents per page of the library.
DOCUMENTS_PER_PAGE = 25
#: The upload form's field that shows a refusal of :func:`community.services.workspace.share_document`, by error
#: code (``None``: above the form); any other code is about the file.
UPLOAD_ERROR_FIELDS = {"required": "title", "too_long": "title", "invalid": None}


@require_safe
@workspace_view
def documents(request, slug: str):
    """The library: ``?q=`` words of the title, ``?language=``, ``?visibility=``, ``?page=``; newest first."""
    community = workspace_community(request, slug)
    rows = (
        CommunityDocument.objects.visible_to(request.user)
        .filter(community=community)
        .select_related("uploaded_by", "exchange")
        .order_by("-created_at", "-pk")
    )
    filters = DocumentFilter(request.GET or None, queryset=rows)
    page = Paginator(filters.qs, DOCUMENTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page_obj": page,
        "may_share": permissions.can_share_documents(request.user, community),
        "current_title": _("Documents"),
    }
    return render_workspace(request, "community/workspace/documents.html", community, "documents", context)


def _exchange_from_query(request) -> BilateralExchange | None:
    """The exchange named by ``?exchange=<pk>`` if the user may view it; ``None`` without the parameter.

    Raises ``Http404`` for a malformed id or an exchange the user may not view.
    """
    value = request.GET.get("exchange")
    if value in (None, ""):
        return None
    try:
        pk = int(value)
    except ValueError:
        raise Http404 from None
    exchange = BilateralExchange.objects.visible_to(request.user).select_related("host").filter(pk=pk).first()
    if exchange is None or not permissions.can_view_exchange(request.user, exchange):
        raise Http404
    return exchange


def _after_upload_url(community, exchange) -> str:
    if exchange is not None:
        try:
            return reverse("workspace:exchange_detail", args=[community.slug, exchange.pk])
        except NoReverseMatch:
            pass
    return reverse("workspace:documents", args=[community.slug])


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_view
def document_upload(request, slug: str):
    """Share a document (coordinators and members; observers get 403). ``?exchange=<pk>`` attaches it to a
    bilateral exchange the user may view (the document then belongs to the exchange's host) and leads back to the
    exchange. A refused file keeps the typed title and description."""
    community = workspace_community(request, slug)
    if not permissions.can_share_documents(request.user, community):
        raise PermissionDenied
    exchange = _exchange_from_query(request)
    if request.method == "POST":
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.share_document(
                    user=request.user,
                    community=community,
                    uploaded_file=data["file"],
                    title=data["title"],
                    description=data["description"],
                    language=data["language"],
                    visibility=data["visibility"],
                    exchange=exchange,
                    request_token=data["request_token"],
                )
            except ValidationError as error:
                form.add_error(UPLOAD_ERROR_FIELDS.get(error.code, "file"), error)
            else:
                messages.success(request, _("The document was shared."))
                return redirect(_after_upload_url(community, exchange))
    else:
        form = DocumentForm()
    crumbs = workspace_crumbs(
        community, {"url": reverse("workspace:documents", args=[community.slug]), "title": _("Documents")}
    )
    context = {
        "form": form,
        "exchange": exchange,
        "back_url": _after_upload_url(community, exchange),
        "crumbs": crumbs,
        "current_title": _("Share a document"),
    }
    status = 400 if form.is_bound else 200
    return render_workspace(
        request, "community/workspace/document_upload.html", community, "documents", context, status
    )


@require_safe
def document_download(request, slug: str, pk: int):
    """Stream document ``pk`` of the community ``slug`` as a download (``GET``/``HEAD``).

    A public document: anyone. Otherwise anonymous visitors are sent to sign in (for any id, so the answer does
    not reveal which exist) and signed-in people who may not see it get 404, as for an unknown id or a missing
    stored file. The response has ``Content-Disposition: attachment`` with the normalised name (RFC 5987
    ``filename*`` for non-ASCII names), the type detected at upload, ``X-Content-Type-Options: nosniff`` and
    ``Cache-Control: private, no-store``.
    """
    document = (
        CommunityDocument.objects.select_related("community", "exchange").filter(community__slug=slug, pk=pk).first()
    )
    if document is None or not permissions.can_view_document(request.user, document):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
