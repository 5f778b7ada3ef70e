"""The member directory of a workspace (issue 6 item 4): who is in the community, filtered by country, sector,
expertise and name.

Members see every active member's name, organisation, position, sector, expertise, role and country: the public
roster's consents govern the public page only, not this members-only list. People whose membership ended never
appear. The query count does not depend on the number of members (select_related + one prefetch).
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ..filters_workspace import MemberFilter
from ..models import Community, CommunityKind, Membership
from .common import render_workspace, workspace_community, workspace_view

#: Rows per page of the directory.
MEMBERS_PER_PAGE = 25


def directory_rows(community: Community):
    """Active memberships listed in ``community``'s directory, by last and first name.

    A DAG lists its own members. The RCP lists its own members and every active DAG membership (DAG members are
    members of the RCP workspace; their country is their DAG's); a person who is both an RCP member and a DAG
    member is listed once for each. Deactivated accounts are left out.
    """
    rows = Membership.objects.active().filter(user__is_active=True)
    if community.kind == CommunityKind.RCP:
        rows = rows.filter(Q(community=community) | Q(community__kind=CommunityKind.DAG))
    else:
        rows = rows.filter(community=community)
    return (
        rows.select_related("user", "community__country")
        .prefetch_related("expertise")
        .order_by("user__last_name", "user__first_name", "community__kind", "pk")
    )


@require_safe
@workspace_view
def members(request, slug: str):
    """The directory: ``?q=`` name, ``?country=``, ``?sector=``, ``?expertise=`` (see
    :class:`community.filters_workspace.MemberFilter`), ``?page=``."""
    community = workspace_community(request, slug)
    filters = MemberFilter(request.GET or None, queryset=directory_rows(community))
    if community.kind != CommunityKind.RCP:
        # Every member of a DAG has the DAG's country: the filter still works by URL but is not offered.
        filters.form.fields["country"].widget = forms.HiddenInput()
    page = Paginator(filters.qs, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"filters": filters, "page_obj": page, "current_title": _("Members")}
    return render_workspace(request, "community/workspace/members.html", community, "members", context)
