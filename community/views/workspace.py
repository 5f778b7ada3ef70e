"""The workspace entry points: "My workspaces", a community's overview, and its announcements (issue 6 item 4).

Access: :func:`community.views.common.workspace_community` (404 for non-members, sign-in for anonymous visitors);
rows through the models' ``visible_to`` querysets. Responses are ``Cache-Control: private, no-store``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import permissions
from ..forms_workspace import AnnouncementForm
from ..models import (
    Announcement,
    Community,
    CommunityDocument,
    CommunityKind,
    Consultation,
    MemberRole,
    Membership,
    Thread,
)
from ..services import workspace as services
from .common import render_workspace, workspace_community, workspace_crumbs, workspace_view

#: Items of each kind on the overview.
HOME_ANNOUNCEMENTS = 3
HOME_THREADS = 5
HOME_DOCUMENTS = 5
#: Announcements per page.
ANNOUNCEMENTS_PER_PAGE = 10


def my_workspaces(user) -> list[dict]:
    """The workspaces ``user`` may enter: ``[{"community", "role", "role_label", "via_dag"}]``, the RCP first, then
    the DAGs in country order. ``via_dag`` is True for the RCP when the user belongs to it only as a DAG member.

    Two queries.
    """
    ids = permissions.community_ids(user)
    if not ids:
        return []
    roles = dict(Membership.objects.active().filter(user=user, community_id__in=ids).values_list("community", "role"))
    communities = (
        Community.objects.filter(pk__in=ids)
        .select_related("country")
        .annotate(
            rcp_first=Case(When(kind=CommunityKind.RCP, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("rcp_first", "country__sort_order", "name")
    )
    rows = []
    for community in communities:
        role = roles.get(community.pk, MemberRole.MEMBER)
        rows.append(
            {
                "community": community,
                "role": role,
                "role_label": MemberRole(role).label,
                "via_dag": community.pk not in roles,
            }
        )
    return rows


def workspace_index(request):
    """ "My workspaces": the communities the user may enter, with their role; an empty state says how to join."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    response = render(
        request,
        "community/workspace/index.html",
        {"workspaces": my_workspaces(request.user), "current_title": _("My workspaces")},
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


def member_count(community: Community) -> int:
    """How many people may enter ``community``'s workspace today (for the RCP: every active DAG member too)."""
    return len(Membership.objects.user_ids_of(community))


@workspace_view
def workspace_home(request, slug: str):
    """A community's overview: latest announcements, recent discussions and documents, open consultations and
    the number of members."""
    community = workspace_community(request, slug)
    user = request.user
    now = timezone.now()
    context = {
        "announcements": list(
            Announcement.objects.visible_to(user)
            .filter(community=community)
            .select_related("created_by")[:HOME_ANNOUNCEMENTS]
        ),
        "threads": list(
            Thread.objects.visible_to(user).filter(community=community).select_related("created_by")[:HOME_THREADS]
        ),
        "documents": list(
            CommunityDocument.objects.visible_to(user)
            .filter(community=community)
            .select_related("uploaded_by")
            .order_by("-created_at", "-pk")[:HOME_DOCUMENTS]
        ),
        "open_consultations": Consultation.objects.visible_to(user)
        .filter(community=community, opens_at__lte=now, closes_at__gt=now)
        .count(),
        "member_count": member_count(community),
        "current_title": _("Overview"),
    }
    return render_workspace(request, "community/workspace/home.html", community, "home", context)


@workspace_view
@require_http_methods(["GET", "HEAD", "POST"])
def announcements(request, slug: str):
    """The community's announcements, newest first; coordinators get a form to publish one (POST)."""
    community = workspace_community(request, slug)
    may_announce = permissions.can_coordinate(request.user, community)
    form = None
    if request.method == "POST":
        if not may_announce:
            raise PermissionDenied
        form = AnnouncementForm(request.POST)
        if form.is_valid():
            try:
                services.announce(
                    user=request.user,
                    community=community,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    request_token=form.cleaned_data["request_token"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The announcement was published."))
                return redirect("workspace:announcements", community.slug)
    elif may_announce:
        form = AnnouncementForm()
    rows = (
        Announcement.objects.visible_to(request.user)
        .filter(community=community)
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(rows, ANNOUNCEMENTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "form": form,
        "crumbs": workspace_crumbs(community),
        "current_title": _("Announcements"),
    }
    status = 400 if form is not None and form.is_bound else 200
    return render_workspace(
        request, "community/workspace/announcements.html", community, "announcements", context, status
    )
