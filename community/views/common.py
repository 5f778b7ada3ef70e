"""Pieces every workspace view uses: the access check, the tab bar and members-only response headers.

A workspace view calls :func:`workspace_community` (404 unless the user may enter; never reveals that a workspace
exists) and renders with :func:`render_workspace`, which adds the tab bar, the user's role, breadcrumbs and
``Cache-Control: private, no-store`` (members-only content must not be stored by shared caches or the browser).
"""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _

from .. import permissions
from ..models import Community, MemberRole

#: The workspace tabs: (key, URL name in the ``workspace`` namespace taking the community slug, label, who sees it).
#: ``who``: "all" members, "coordinator" only. A tab whose URL is not installed is left out.
TABS = [
    ("home", "home", _("Overview"), "all"),
    ("members", "members", _("Members"), "all"),
    ("documents", "documents", _("Documents"), "all"),
    ("threads", "threads", _("Discussions"), "all"),
    ("announcements", "announcements", _("Announcements"), "all"),
    ("consultations", "consultations", _("Consultations"), "all"),
    ("decisions", "decisions", _("Decision log"), "all"),
    ("exchanges", "exchanges", _("Exchanges"), "all"),
    ("membership", "membership", _("My membership"), "all"),
    ("manage", "manage", _("Manage members"), "coordinator"),
]


class LoginRequired(Exception):
    """Raised by :func:`workspace_community` for anonymous users; :func:`workspace_view` turns it into a login."""


def workspace_community(request, slug: str) -> Community:
    """The community with ``slug`` if ``request.user`` may enter its workspace.

    Raises ``Http404`` for non-members (same answer as for a slug that does not exist) and :class:`LoginRequired`
    for anonymous users.
    """
    if not request.user.is_authenticated:
        raise LoginRequired
    community = get_object_or_404(Community.objects.select_related("country", "host_organisation"), slug=slug)
    if not permissions.can_view_workspace(request.user, community):
        raise Http404
    return community


def workspace_view(view):
    """Decorator: a view taking ``(request, slug, ...)``; anonymous users are sent to sign in."""

    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except LoginRequired:
            return redirect_to_login(request.get_full_path())

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def tabs_for(user, community, current: str) -> list[dict]:
    """The tab bar for ``community``: ``[{"key", "url", "label", "current"}]`` for the tabs ``user`` may see."""
    coordinator = permissions.can_coordinate(user, community)
    tabs = []
    for key, url_name, label, who in TABS:
        if who == "coordinator" and not coordinator:
            continue
        try:
            url = reverse(f"workspace:{url_name}", args=[community.slug])
        except NoReverseMatch:
            continue
        tabs.append({"key": key, "url": url, "label": label, "current": key == current})
    return tabs


def workspace_crumbs(community, *extra: dict) -> list[dict]:
    """Breadcrumbs: My workspaces › <community> › ``extra`` ({"url", "title"} dicts)."""
    crumbs = []
    try:
        crumbs.append({"url": reverse("workspace:index"), "title": _("My workspaces")})
    except NoReverseMatch:
        pass
    try:
        crumbs.append({"url": reverse("workspace:home", args=[community.slug]), "title": community.name})
    except NoReverseMatch:
        pass
    return crumbs + list(extra)


def render_workspace(request, template: str, community, tab: str, context: dict | None = None, status: int = 200):
    """Render a workspace page with ``community``, ``tabs``, ``role`` (and its translated ``role_label``) and
    ``is_coordinator`` in the context.

    The response is marked ``Cache-Control: private, no-store``.
    """
    context = dict(context or {})
    context.setdefault("crumbs", workspace_crumbs(community))
    role = permissions.role_in(request.user, community)
    context.update(
        community=community,
        tabs=tabs_for(request.user, community, tab),
        role=role,
        role_label=MemberRole(role).label if role else "",
        is_coordinator=permissions.can_coordinate(request.user, community),
    )
    response = render(request, template, context, status=status)
    patch_cache_control(response, private=True, no_store=True)
    return response
