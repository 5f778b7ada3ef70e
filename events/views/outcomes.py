"""What an event leaves behind, as visitors see it (issue 7 item 6): the outcomes block of the event page
(:func:`outcomes_context`, rendered by ``{% event_outcomes event %}`` of ``events.templatetags.outcome_tags``), the
download of a material (:func:`material_download`) and the certificate of attendance (:func:`certificate`).

Who sees what is decided by ``events.permissions`` only: ``can_view_minutes``, ``can_view_material``,
``can_download_certificate``, ``is_organiser``.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from .. import permissions
from ..models import EventMaterial, EventMinutes, EventPage, MinutesStatus
from .organisers import TABS, no_store, sub_url


def outcomes_context(request, page: EventPage) -> dict:
    """The context of the outcomes block for ``request.user`` on ``page`` (an EventPage of any locale):

    - ``minutes``: the event's minutes if the user may read them (organisers also see drafts), else None;
      ``minutes_is_draft``: True for a draft (organisers only get there);
    - ``materials``: ``[{"material", "url"}]`` of the materials the user may see (links go out, files through the
      permission-checked download route);
    - ``certificate_url``: the certificate route when the user may download one, else "";
    - ``organiser_links``: ``[{"label", "url"}]`` of the organiser pages for organisers, else [].

    A fixed number of queries (communities, minutes, materials, the user's registration), whatever the number of
    materials.
    """
    user = request.user
    event = page.canonical()
    # The visibility rules ask for the host and audience communities once per minutes or material: load them once.
    prefetch_related_objects([event], "host_communities", "audience_communities")
    minutes = EventMinutes.objects.filter(event=event).first()
    if minutes is not None:
        minutes.event = event  # the permission checks reuse the event's cached host communities
        if not permissions.can_view_minutes(user, minutes):
            minutes = None
    materials = []
    for material in EventMaterial.objects.filter(event=event).order_by("created_at", "pk"):
        material.event = event
        if permissions.can_view_material(user, material):
            materials.append(
                {"material": material, "url": material.url or sub_url(page, "material_download", material.pk)}
            )
    organiser = permissions.is_organiser(user, event)
    return {
        "event": page,
        "minutes": minutes,
        "minutes_is_draft": minutes is not None and minutes.status == MinutesStatus.DRAFT,
        "materials": materials,
        "certificate_url": sub_url(page, "certificate") if permissions.can_download_certificate(user, event) else "",
        "organiser_links": [{"label": label, "url": sub_url(page, name)} for _key, name, label in TABS]
        if organiser
        else [],
        "is_organiser": organiser,
    }


@require_safe
def material_download(request, page: EventPage, pk: int):
    """Stream material ``pk`` of the event (``GET``/``HEAD``).

    Files are read from the private storage only here, after ``can_view_material``; the URL carries the material's
    id, never the storage key. Anonymous visitors who may not see it are sent to sign in (for any id, so the answer
    does not tell which exist); signed-in people who may not see it get 404, as for an unknown id, a link material
    (those are plain links) or a missing stored file. The response is an attachment under the normalised file name
    (RFC 6266 ``filename*`` for non-ASCII), with the type detected at upload, ``X-Content-Type-Options: nosniff``
    and ``Cache-Control: private, no-store``.
    """
    event = page.canonical()
    material = EventMaterial.objects.filter(event=event, pk=pk).exclude(file="").first()
    if material is not None:
        material.event = event
    if material is None or not permissions.can_view_material(request.user, material):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404
    try:
        handle = material.file.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=material.original_name, content_type=material.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return no_store(response)


@require_safe
def certificate(request, page: EventPage):
    """The certificate of attendance as a PDF (``events.certificates.certificate_pdf``) for the signed-in attendee.

    Anonymous visitors are sent to sign in; people who may not see the event get 404; others who may not download
    a certificate (not registered, not confirmed, attendance not recorded as attended, or an event type without
    certificates) get 403.
    """
    from ..certificates import certificate_pdf

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    event = page.canonical()
    if not permissions.can_view_event(request.user, event):
        raise Http404
    if not permissions.can_download_certificate(request.user, event):
        raise PermissionDenied
    data = certificate_pdf(request.user, page)
    response = HttpResponse(data, content_type="application/pdf")
    filename = f"certificate-{slugify(event.slug) or 'event'}.pdf"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    return no_store(response)
