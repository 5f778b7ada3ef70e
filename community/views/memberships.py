"""Joining a community and managing its members (issue 6 item 3), under ``/workspace/`` (namespace ``workspace``).

- ``manage`` (coordinators): active members with role, sector and end date, the invitation form, pending
  invitations (withdraw), pending requests to join (approve or decline with a message) and former members. Its
  POST targets are ``manage_invite``, ``manage_invitation_revoke``, ``manage_request``, ``manage_member_role``
  and ``manage_member_remove``. Members who do not coordinate get 403; everyone else who cannot enter the
  workspace gets 404 (anonymous users are sent to sign in).
- ``join`` and ``join_withdraw``: a signed-in non-member asks to join (or withdraws the pending request); anonymous
  visitors are sent to sign in; members are sent to the workspace.
- ``invitation_accept`` (token, no slug): who invites whom to what; accept on POST. Anonymous visitors get "sign
  in" and "create an account" links that keep the token (``?next=``), so a new account comes back here after
  confirming its address. Expired, used, withdrawn or someone else's invitations are explained; no membership.
- ``membership`` and ``membership_leave``: the member's consent for the public roster, sector, organisation,
  position and expertise; leaving after a confirmation.

Every change goes through :mod:`community.services.memberships`; a refusal is shown to the user in their language.
Pages are ``Cache-Control: private, no-store``.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import permissions
from ..forms_memberships import (
    InviteForm,
    JoinRequestForm,
    MemberRoleForm,
    MyMembershipForm,
    RemoveMemberForm,
    RequestDecisionForm,
)
from ..models import Community, CommunityInvitation, JoinRequest, Membership
from ..services import memberships as services
from .common import render_workspace, workspace_community, workspace_crumbs, workspace_view


def _workspace_home(community: Community) -> str:
    """The workspace's overview, or the membership page while the overview is not installed."""
    try:
        return reverse("workspace:home", args=[community.slug])
    except NoReverseMatch:
        return reverse("workspace:membership", args=[community.slug])


def _my_workspaces() -> str:
    try:
        return reverse("workspace:index")
    except NoReverseMatch:
        return "/"


def _show_errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _private(response):
    patch_cache_control(response, private=True, no_store=True)
    return response


# --- manage (coordinators) -----------------------------------------------------------------------------------------


def _coordinated_community(request, slug: str) -> Community:
    """The community if the user coordinates it: 404 when they cannot enter it, 403 when they only take part."""
    community = workspace_community(request, slug)
    if not permissions.can_coordinate(request.user, community):
        raise PermissionDenied
    return community


def _manage_url(community: Community, anchor: str = "") -> str:
    return reverse("workspace:manage", args=[community.slug]) + (f"#{anchor}" if anchor else "")


def _render_manage(request, community: Community, invite_form: InviteForm, status: int = 200):
    today = timezone.now().date()
    members = (
        Membership.objects.active(today)
        .filter(community=community)
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name", "user__email")
    )
    former = (
        Membership.objects.filter(community=community, ended_on__lte=today)
        .select_related("user")
        .order_by("-ended_on", "user__last_name", "user__first_name")
    )
    invitations = community.invitations.pending().select_related("invited_by").order_by("email")
    join_requests = (
        community.join_requests.filter(status=JoinRequest.Status.PENDING).select_related("user").order_by("created_at")
    )
    context = {
        "members": members,
        "former_members": former,
        "invitations": invitations,
        "join_requests": join_requests,
        "invite_form": invite_form,
        "role_choices": MemberRoleForm.base_fields["role"].choices,
        "current_title": _("Manage members"),
        "crumbs": workspace_crumbs(community),
    }
    return render_workspace(request, "community/memberships/manage.html", community, "manage", context, status)


@workspace_view
def manage(request, slug: str):
    """The coordinator's page for members, invitations and requests to join."""
    community = _coordinated_community(request, slug)
    return _render_manage(request, community, InviteForm())


@workspace_view
@require_POST
def manage_invite(request, slug: str):
    """Send (or refresh) an invitation; an invalid or refused form comes back on the manage page (400)."""
    community = _coordinated_community(request, slug)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invite(community, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("An invitation has been sent to %(email)s.") % {"email": invitation.email})
            return redirect(_manage_url(community, "invitations"))
    return _render_manage(request, community, form, status=400)


def _confirm(request, community, *, question: str, button: str, form=None, back_url: str, status: int = 200):
    context = {
        "question": question,
        "button": button,
        "form": form,
        "back_url": back_url,
        "current_title": button,
        "crumbs": workspace_crumbs(community),
    }
    return render_workspace(request, "community/memberships/confirm.html", community, "manage", context, status)


@workspace_view
@require_http_methods(["GET", "POST"])
def manage_invitation_revoke(request, slug: str, pk: int):
    """Withdraw a pending invitation (confirmation on GET)."""
    community = _coordinated_community(request, slug)
    invitation = get_object_or_404(community.invitations.pending(), pk=pk)
    if request.method == "POST":
        try:
            services.revoke_invitation(invitation, by=request.user)
        except ValidationError as error:
            _show_errors(request, error)
        else:
            messages.success(
                request, _("The invitation to %(email)s has been withdrawn.") % {"email": invitation.email}
            )
        return redirect(_manage_url(community, "invitations"))
    return _confirm(
        request,
        community,
        question=_("Withdraw the invitation to %(email)s?") % {"email": invitation.email},
        button=_("Withdraw invitation"),
        back_url=_manage_url(community, "invitations"),
    )


@workspace_view
@require_POST
def manage_request(request, slug: str, pk: int):
    """Approve or decline a pending request to join, with an optional message to the requester."""
    community = _coordinated_community(request, slug)
    join_request = get_object_or_404(
        community.join_requests.filter(status=JoinRequest.Status.PENDING).select_related("user"), pk=pk
    )
    form = RequestDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(_manage_url(community, "requests"))
    person = join_request.user.get_full_name() or join_request.user.email
    response = form.cleaned_data["response"]
    try:
        if form.cleaned_data["decision"] == "approve":
            services.approve_request(join_request, by=request.user, response=response)
            messages.success(request, _("%(person)s is now a member.") % {"person": person})
        else:
            services.decline_request(join_request, by=request.user, response=response)
            messages.success(request, _("The request of %(person)s has been declined.") % {"person": person})
    except ValidationError as error:
        _show_errors(request, error)
    return redirect(_manage_url(community, "requests"))


def _active_member(community: Community, pk: int) -> Membership:
    return get_object_or_404(Membership.objects.active().filter(community=community).select_related("user"), pk=pk)


@workspace_view
@require_POST
def manage_member_role(request, slug: str, pk: int):
    """Change an active member's role; the last coordinator cannot be demoted."""
    community = _coordinated_community(request, slug)
    membership = _active_member(community, pk)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid role."))
        return redirect(_manage_url(community, "members"))
    try:
        services.set_role(membership, role=form.cleaned_data["role"], by=request.user)
    except ValidationError as error:
        _show_errors(request, error)
    else:
        messages.success(request, _("The role has been changed."))
    return redirect(_manage_url(community, "members"))


@workspace_view
@require_http_methods(["GET", "POST"])
def manage_member_remove(request, slug: str, pk: int):
    """End an active membership (reason: removed or term ended) after a confirmation; history is kept."""
    community = _coordinated_community(request, slug)
    membership = _active_member(community, pk)
    person = membership.user.get_full_name() or membership.user.email
    form = RemoveMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_member(membership, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _show_errors(request, error)
        else:
            messages.success(request, _("%(person)s is no longer a member.") % {"person": person})
        return redirect(_manage_url(community, "members"))
    return _confirm(
        request,
        community,
        question=_("End the membership of %(person)s in %(community)s?") % {"person": person, "community": community},
        button=_("End membership"),
        form=form,
        back_url=_manage_url(community, "members"),
        status=400 if request.method == "POST" else 200,
    )


# --- join (signed-in non-members) ----------------------------------------------------------------------------------


def _join_crumbs(community: Community) -> list[dict]:
    """Home, then the community's public page in the active language when it has one (one query)."""
    from wagtail.models import Locale

    from ..models import CommunityPage

    crumbs = [{"url": reverse("wagtail_serve", args=[""]), "title": _("Home")}]
    try:
        locale = Locale.get_active()
    except Locale.DoesNotExist:
        return crumbs
    page = CommunityPage.objects.live().public().filter(community=community, locale=locale).first()
    if page is not None and page.url:
        crumbs.append({"url": page.url, "title": page.title})
    return crumbs


@require_http_methods(["GET", "POST"])
def join(request, slug: str):
    """Ask to join ``slug``: the form, or the pending request (with "withdraw"), or why requests are closed."""
    community = get_object_or_404(Community.objects.select_related("country"), slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if permissions.is_member(request.user, community):
        messages.info(request, _("You are already a member of %(community)s.") % {"community": community})
        return redirect(_workspace_home(community))
    mine = JoinRequest.objects.filter(community=community, user=request.user)
    pending = mine.filter(status=JoinRequest.Status.PENDING).first()
    declined = None if pending else mine.filter(status=JoinRequest.Status.DECLINED).order_by("-decided_at").first()
    form = JoinRequestForm(request.POST or None)
    status = 200
    if request.method == "POST" and pending is None:
        if form.is_valid():
            try:
                services.request_to_join(community, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Your request has been sent. The coordinators will answer you by email."))
                return redirect("workspace:join", slug=community.slug)
        status = 400
    context = {
        "community": community,
        "form": form,
        "pending": pending,
        "declined": declined,
        "crumbs": _join_crumbs(community),
    }
    return _private(render(request, "community/memberships/join.html", context, status=status))


@require_POST
def join_withdraw(request, slug: str):
    """Withdraw the signed-in user's pending request to join ``slug``."""
    community = get_object_or_404(Community, slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("workspace:join", args=[community.slug]))
    join_request = get_object_or_404(
        JoinRequest.objects.filter(status=JoinRequest.Status.PENDING), community=community, user=request.user
    )
    try:
        services.withdraw_request(join_request, by=request.user)
    except ValidationError as error:
        _show_errors(request, error)
    else:
        messages.success(request, _("Your request to join has been withdrawn."))
    return redirect("workspace:join", slug=community.slug)


# --- invitations (token) -------------------------------------------------------------------------------------------


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    """Show the invitation (community, role, inviter, invited address) and accept it on POST.

    Unknown token: 404. Anonymous visitors: sign-in and sign-up links that come back here. A used, withdrawn or
    expired invitation, or one sent to another address than the signed-in account's, shows why and makes no
    membership (a POST answers 400).
    """
    invitation = get_object_or_404(CommunityInvitation.objects.select_related("community", "invited_by"), token=token)
    community = invitation.community
    error = None
    try:
        services.check_invitation(invitation, request.user)
    except ValidationError as exc:
        error = exc.messages[0]
    here = request.get_full_path()
    context = {"invitation": invitation, "community": community, "error": error}
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(here)
        context.update(login_url=_with_next("account_login", here), signup_url=_with_next("account_signup", here))
        return _private(render(request, "community/memberships/invitation_accept.html", context))
    if request.method == "POST" and error is None:
        try:
            services.accept_invitation(token, user=request.user)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(
                request,
                _("Welcome to %(community)s. Choose below what the public roster may show about you.")
                % {"community": community},
            )
            return redirect("workspace:membership", slug=community.slug)
    context.update(
        error=error,
        already_accepted=error is None and invitation.accepted_by_id == request.user.pk,
        workspace_url=_workspace_home(community),
        home_url=reverse("wagtail_serve", args=[""]),
    )
    status = 400 if error and request.method == "POST" else 200
    return _private(render(request, "community/memberships/invitation_accept.html", context, status=status))


# --- my membership -------------------------------------------------------------------------------------------------


def _own_membership(request, community: Community) -> Membership | None:
    return (
        Membership.objects.active().filter(community=community, user=request.user).prefetch_related("expertise").first()
    )


@workspace_view
@require_http_methods(["GET", "POST"])
def membership(request, slug: str):
    """The member's consent for the public roster and their details; a link to leave.

    A DAG member who enters the RCP workspace through their DAG has no RCP membership of their own: the page says
    so and links to their DAG memberships instead of showing the form.
    """
    community = workspace_community(request, slug)
    own = _own_membership(request, community)
    form = None
    status = 200
    via_dags = []
    if own is None:
        via_dags = list(
            Membership.objects.active()
            .filter(user=request.user, community__kind="dag")
            .select_related("community")
            .order_by("community__name")
        )
    else:
        initial = {
            **MyMembershipForm.initial_for(own),
            "first_name": request.user.first_name,
            "last_name": request.user.last_name,
        }
        form = MyMembershipForm(request.POST or None, initial=initial)
        if request.method == "POST":
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.update_my_membership(
                        own,
                        by=request.user,
                        consents=form.consents(),
                        sector=data["sector"],
                        organisation=data["organisation"],
                        position=data["position"],
                        expertise=data["expertise"],
                        name=(data["first_name"], data["last_name"]),
                    )
                except ValidationError as error:
                    for message in error.messages:
                        form.add_error(None, message)
                else:
                    messages.success(request, _("Your membership details have been saved."))
                    return redirect("workspace:membership", slug=community.slug)
            status = 400
    if request.method == "POST" and own is None:
        raise Http404
    context = {
        "membership": own,
        "form": form,
        "via_dags": via_dags,
        "current_title": _("My membership"),
        "crumbs": workspace_crumbs(community),
    }
    return render_workspace(request, "community/memberships/membership.html", community, "membership", context, status)


@workspace_view
@require_http_methods(["GET", "POST"])
def membership_leave(request, slug: str):
    """Leave the community after a confirmation; the membership ends today and is kept as history."""
    community = workspace_community(request, slug)
    own = _own_membership(request, community)
    if own is None:
        raise Http404
    back_url = reverse("workspace:membership", args=[community.slug])
    if request.method == "POST":
        try:
            services.leave(own, by=request.user)
        except ValidationError as error:
            _show_errors(request, error)
            return redirect(back_url)
        messages.success(request, _("You have left %(community)s.") % {"community": community})
        return redirect(_my_workspaces())
    context = {
        "question": _("Leave %(community)s?") % {"community": community},
        "explanation": _(
            "You will no longer see its workspace, documents or discussions, and you will be taken off the public "
            "roster. Your past contributions stay. To come back, ask to join again or ask a coordinator to invite "
            "you."
        ),
        "button": _("Leave the community"),
        "form": None,
        "back_url": back_url,
        "current_title": _("Leave the community"),
        "crumbs": workspace_crumbs(community, {"url": back_url, "title": _("My membership")}),
    }
    return render_workspace(request, "community/memberships/confirm.html", community, "membership", context)
