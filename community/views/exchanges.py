"""Workspace pages of bilateral exchanges between two DAGs (issue 6 item 6).

An exchange is reached from the workspace of its host DAG, of its visiting DAG, or of the RCP; it is shown only
to whoever may view it (:meth:`BilateralExchange.objects.visible_to`: members of both DAGs and the RCP's
coordinators). Everyone else gets 404, the answer for an exchange that does not exist; staff get nothing by being
staff. Editing (details, agenda, visit report, participants) is for coordinators of either DAG and of the RCP
(403 for other viewers). State changes go through :mod:`community.services.exchanges`.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import permissions
from ..forms_exchanges import ExchangeForm, ParticipantForm
from ..models import BilateralExchange, CommunityDocument
from ..services import exchanges as services
from .common import render_workspace, workspace_community, workspace_crumbs, workspace_view


def _crumbs(community, *extra):
    return workspace_crumbs(
        community, {"url": reverse("workspace:exchanges", args=[community.slug]), "title": _("Exchanges")}, *extra
    )


def _visible_exchange(request, community, pk: int) -> BilateralExchange:
    """Exchange ``pk`` if the user may view it and it belongs to ``community``'s workspace (its host, its visiting
    DAG, or the RCP); 404 otherwise."""
    exchange = get_object_or_404(
        BilateralExchange.objects.visible_to(request.user).select_related("host", "visiting"), pk=pk
    )
    if not community.is_rcp and community.pk not in (exchange.host_id, exchange.visiting_id):
        raise Http404
    return exchange


def _add_errors(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


@workspace_view
@require_GET
def exchange_list(request, slug: str):
    """A DAG's workspace: the exchanges it hosts or visits. The RCP's: every exchange the user may view (all of
    them for the RCP's coordinators). Newest first; two queries beyond the workspace's."""
    community = workspace_community(request, slug)
    exchanges = BilateralExchange.objects.visible_to(request.user).select_related("host", "visiting")
    if not community.is_rcp:
        exchanges = exchanges.filter(Q(host=community) | Q(visiting=community))
    context = {
        "exchanges": exchanges.order_by("-starts_on", "-pk"),
        "can_create": permissions.can_create_exchange_in(request.user, community),
        "crumbs": workspace_crumbs(community),
        "current_title": _("Exchanges"),
    }
    return render_workspace(request, "community/exchanges/list.html", community, "exchanges", context)


@workspace_view
@require_http_methods(["GET", "POST"])
def exchange_new(request, slug: str):
    """Arrange an exchange: a DAG's coordinators (the DAG is host or visiting) or the RCP's coordinators."""
    community = workspace_community(request, slug)
    if not permissions.can_create_exchange_in(request.user, community):
        raise PermissionDenied
    form = ExchangeForm(request.POST or None, creating=True, community=community)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exchange = services.create_exchange(
                host=data["host"], visiting=data["visiting"], data=data, by=request.user
            )
        except PermissionDenied:
            form.add_error(None, _("You can arrange exchanges only for a DAG you coordinate."))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The exchange has been created. Now add the participants."))
            return redirect("workspace:exchange_edit", community.slug, exchange.pk)
    context = {"form": form, "crumbs": _crumbs(community), "current_title": _("Arrange an exchange")}
    return render_workspace(request, "community/exchanges/form.html", community, "exchanges", context)


def _by_delegation(exchange):
    """``[(community, [participant, …]), …]``: host delegation first, then the visiting one."""
    participants = list(exchange.participants.select_related("user").order_by("user__last_name", "user__first_name"))
    return [
        (side, [p for p in participants if p.community_id == side.pk]) for side in (exchange.host, exchange.visiting)
    ]


@workspace_view
@require_GET
def exchange_detail(request, slug: str, pk: int):
    """The exchange: DAGs, dates, city, purpose, participants by delegation, agenda, visit report and documents."""
    community = workspace_community(request, slug)
    exchange = _visible_exchange(request, community, pk)
    documents = (
        CommunityDocument.objects.visible_to(request.user)
        .filter(exchange=exchange)
        .select_related("uploaded_by", "community")
    )
    context = {
        "exchange": exchange,
        "delegations": _by_delegation(exchange),
        "documents": documents.order_by("-created_at"),
        "can_edit": permissions.can_edit_exchange(request.user, exchange),
        "can_upload": permissions.can_share_documents(request.user, community),
        "crumbs": _crumbs(community),
        "current_title": exchange.title,
    }
    return render_workspace(request, "community/exchanges/detail.html", community, "exchanges", context)


def _editable_exchange(request, slug: str, pk: int):
    community = workspace_community(request, slug)
    exchange = _visible_exchange(request, community, pk)
    if not permissions.can_edit_exchange(request.user, exchange):
        raise PermissionDenied
    return community, exchange


def _participant_form(exchange, data=None):
    taken = set(exchange.participants.values_list("user_id", flat=True))
    return ParticipantForm(data, memberships=services.delegation_members(exchange), taken_user_ids=taken)


def _render_edit(request, community, exchange, form, participant_form, status=200):
    detail = reverse("workspace:exchange_detail", args=[community.slug, exchange.pk])
    context = {
        "exchange": exchange,
        "form": form,
        "participant_form": participant_form,
        "delegations": _by_delegation(exchange),
        "crumbs": _crumbs(community, {"url": detail, "title": exchange.title}),
        "current_title": _("Edit the exchange"),
    }
    return render_workspace(request, "community/exchanges/edit.html", community, "exchanges", context, status=status)


@workspace_view
@require_http_methods(["GET", "POST"])
def exchange_edit(request, slug: str, pk: int):
    """Change the details, agenda and visit report; add and remove participants (separate forms below)."""
    community, exchange = _editable_exchange(request, slug, pk)
    initial = {name: getattr(exchange, name) for name in services.DETAIL_FIELDS}
    form = ExchangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_exchange(exchange.pk, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The exchange has been saved."))
            return redirect("workspace:exchange_detail", community.slug, exchange.pk)
    return _render_edit(request, community, exchange, form, _participant_form(exchange))


@workspace_view
@require_POST
def exchange_participant_add(request, slug: str, pk: int):
    """Add a member of the host or visiting DAG to the exchange with a role."""
    community, exchange = _editable_exchange(request, slug, pk)
    participant_form = _participant_form(exchange, request.POST)
    if participant_form.is_valid():
        community_id, user_id = participant_form.cleaned_data["person"]
        try:
            services.add_participant(
                exchange.pk,
                user_id=user_id,
                community_id=community_id,
                role=participant_form.cleaned_data["role"],
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(participant_form, error)
        else:
            messages.success(request, _("The participant has been added."))
            return redirect(reverse("workspace:exchange_edit", args=[community.slug, exchange.pk]) + "#participants")
    initial = {name: getattr(exchange, name) for name in services.DETAIL_FIELDS}
    return _render_edit(request, community, exchange, ExchangeForm(initial=initial), participant_form)


@workspace_view
@require_POST
def exchange_participant_remove(request, slug: str, pk: int, participant_pk: int):
    """Remove a participant from the exchange."""
    community, exchange = _editable_exchange(request, slug, pk)
    try:
        services.remove_participant(exchange.pk, participant_id=participant_pk, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The participant has been removed."))
    return redirect(reverse("workspace:exchange_edit", args=[community.slug, exchange.pk]) + "#participants")
