"""Portal pages for organisation profiles: my organisations, create, view, edit, invite, members, invitations.

Access: every page needs a signed-in account. An organisation the user cannot see (``visible_to``) answers 404;
one they can see but not manage answers 403. State changes go through :mod:`community.services`; removing,
revoking and leaving show a confirmation page on GET and act only on POST.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import permissions, services
from ..forms import InvitationForm, MemberRoleForm, OrganisationForm
from ..models import Organisation, OrganisationInvitation, OrganisationMembership


def _visible_organisation(request, pk: int) -> Organisation:
    """The organisation ``pk`` if the user may see it, else 404 (never reveal that it exists)."""
    return get_object_or_404(Organisation.objects.visible_to(request.user).select_related("country"), pk=pk)


def _managed_organisation(request, pk: int) -> Organisation:
    """The organisation ``pk`` if the user administers it: 404 when they cannot see it, 403 when only a member."""
    organisation = _visible_organisation(request, pk)
    if not permissions.can_edit_organisation(request.user, organisation):
        raise PermissionDenied
    return organisation


def _crumbs(organisation: Organisation | None = None) -> list[dict]:
    """Breadcrumbs above the current page: My organisations, then the organisation when given."""
    crumbs = [{"url": reverse("community:organisation_list"), "title": _("My organisations")}]
    if organisation is not None:
        url = reverse("community:organisation_detail", args=[organisation.pk])
        crumbs.append({"url": url, "title": organisation.legal_name})
    return crumbs


def _safe_next(request) -> str:
    """The ``next`` parameter (query string or form) when it points to this site, else ``""``."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""


def _add_errors(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


@login_required
def organisation_list(request):
    """The organisations the signed-in user belongs to, with their role and the number of members."""
    my_role = OrganisationMembership.objects.filter(organisation=OuterRef("pk"), user=request.user).values("role")[:1]
    organisations = (
        Organisation.objects.filter(memberships__user=request.user)
        .select_related("country")
        .annotate(member_count=Count("memberships", distinct=True), my_role=Subquery(my_role))
        .order_by("legal_name")
    )
    role_labels = dict(OrganisationMembership.Role.choices)
    rows = [(org, role_labels.get(org.my_role, "")) for org in organisations]
    return render(request, "community/organisation_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    """Create an organisation profile; the creator becomes its administrator.

    ``?next=<path>`` (e.g. the application start page that sent the user here) is where the user goes after
    creating it, when it is a URL of this site; otherwise the new organisation's page.
    """
    next_url = _safe_next(request)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.create_organisation(user=request.user, data=form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The organisation has been created. You are its administrator."))
            if next_url:
                return redirect(next_url)
            return redirect("community:organisation_detail", pk=organisation.pk)
    context = {
        "form": form,
        "organisation": None,
        "crumbs": _crumbs(),
        "heading": _("Add an organisation"),
        "next_url": next_url,
    }
    return render(request, "community/organisation_form.html", context)


@login_required
def organisation_detail(request, pk: int):
    """Profile, members and pending invitations; administrators also get the management actions."""
    organisation = _visible_organisation(request, pk)
    memberships = organisation.memberships.select_related("user").order_by("role", "user__email")
    can_manage = permissions.can_edit_organisation(request.user, organisation)
    context = {
        "organisation": organisation,
        "memberships": memberships,
        "invitations": organisation.invitations.pending().select_related("invited_by").order_by("email"),
        "can_manage": can_manage,
        "is_member": any(m.user_id == request.user.pk for m in memberships),
        "role_form": MemberRoleForm() if can_manage else None,
        "crumbs": _crumbs(),
    }
    return render(request, "community/organisation_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, pk: int):
    """Edit the profile (administrators of the organisation)."""
    organisation = _managed_organisation(request, pk)
    form = OrganisationForm(request.POST or None, instance=Organisation.objects.get(pk=organisation.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(organisation.pk, user=request.user, data=form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The organisation's profile has been saved."))
            return redirect("community:organisation_detail", pk=organisation.pk)
    context = {
        "form": form,
        "organisation": organisation,
        "crumbs": _crumbs(organisation),
        "heading": _("Edit profile"),
    }
    return render(request, "community/organisation_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_invite(request, pk: int):
    """Invite a colleague by email (administrators of the organisation)."""
    organisation = _managed_organisation(request, pk)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite_member(
                organisation.pk, user=request.user, email=form.cleaned_data["email"], role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("An invitation has been sent to %(email)s.") % {"email": invitation.email})
            return redirect("community:organisation_detail", pk=organisation.pk)
    context = {"form": form, "organisation": organisation, "crumbs": _crumbs(organisation)}
    return render(request, "community/organisation_invite.html", context)


def _confirm_or_act(request, organisation, *, action, question, button, success):
    """GET: a confirmation page; POST: run ``action()`` and go back to the organisation (or show the refusal)."""
    if request.method == "POST":
        try:
            target = action()
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("community:organisation_detail", pk=organisation.pk)
        messages.success(request, success)
        return redirect(target or "community:organisation_detail", **({} if target else {"pk": organisation.pk}))
    context = {"organisation": organisation, "question": question, "button": button, "crumbs": _crumbs(organisation)}
    return render(request, "community/confirm.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request, pk: int, user_id: int):
    """Remove a member (administrators); the last administrator cannot be removed."""
    organisation = _managed_organisation(request, pk)
    membership = get_object_or_404(organisation.memberships.select_related("user"), user_id=user_id)
    return _confirm_or_act(
        request,
        organisation,
        action=lambda: services.remove_member(organisation.pk, user_id, user=request.user),
        question=_("Remove %(person)s from %(organisation)s?")
        % {"person": membership.user.email, "organisation": organisation.legal_name},
        button=_("Remove member"),
        success=_("%(person)s is no longer a member.") % {"person": membership.user.email},
    )


@login_required
@require_POST
def member_role(request, pk: int, user_id: int):
    """Change a member's role (administrators); the last administrator cannot be demoted."""
    organisation = _managed_organisation(request, pk)
    get_object_or_404(organisation.memberships, user_id=user_id)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid role."))
        return redirect("community:organisation_detail", pk=organisation.pk)
    try:
        services.set_member_role(organisation.pk, user_id, user=request.user, role=form.cleaned_data["role"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The role has been changed."))
    return redirect("community:organisation_detail", pk=organisation.pk)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_revoke(request, pk: int, invitation_id: int):
    """Withdraw a pending invitation (administrators)."""
    organisation = _managed_organisation(request, pk)
    invitation = get_object_or_404(organisation.invitations.pending(), pk=invitation_id)

    def revoke():
        services.revoke_invitation(invitation.pk, user=request.user)

    return _confirm_or_act(
        request,
        organisation,
        action=revoke,
        question=_("Withdraw the invitation to %(email)s?") % {"email": invitation.email},
        button=_("Withdraw invitation"),
        success=_("The invitation to %(email)s has been withdrawn.") % {"email": invitation.email},
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_leave(request, pk: int):
    """Leave an organisation (members); the last administrator cannot leave."""
    organisation = _visible_organisation(request, pk)
    if not permissions.is_organisation_member(request.user, organisation.pk):
        raise Http404

    def leave():
        services.leave_organisation(organisation.pk, user=request.user)
        return "community:organisation_list"

    return _confirm_or_act(
        request,
        organisation,
        action=leave,
        question=_("Leave %(organisation)s?") % {"organisation": organisation.legal_name},
        button=_("Leave organisation"),
        success=_("You have left %(organisation)s.") % {"organisation": organisation.legal_name},
    )


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    """Show who invites the user to which organisation with which role; accept on POST.

    Anonymous visitors are sent to sign in (or sign up) and come back here. An unknown token is a 404; a used,
    withdrawn or expired invitation, or one sent to another address, is explained on the page.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    invitation = get_object_or_404(
        OrganisationInvitation.objects.select_related("organisation", "invited_by"), token=token
    )
    error = None
    try:
        services.check_invitation_usable(invitation, request.user)
    except ValidationError as exc:
        error = exc.messages[0]
    if request.method == "POST" and error is None:
        try:
            services.accept_invitation(token, user=request.user)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(
                request, _("Welcome to %(organisation)s.") % {"organisation": invitation.organisation.legal_name}
            )
            return redirect("community:organisation_detail", pk=invitation.organisation_id)
    already = invitation.accepted_by_id == request.user.pk
    context = {"invitation": invitation, "error": error, "already_accepted": already}
    return render(
        request, "community/invitation_accept.html", context, status=400 if error and request.method == "POST" else 200
    )
