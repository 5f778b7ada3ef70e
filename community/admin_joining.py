"""Staff admin of invitations and requests to join (issue 6 item 9): "Community → Invitations" and "→ Requests
to join".

- **Invitations** (``/admin/community_invitations/``): list (filters community, role and status; search by
  address), "add" sends an invitation through :func:`services.invite` (so the mail goes out and a pending invitation
  to the same address is refreshed, not duplicated), ``revoke/<pk>/`` withdraws a pending one
  (:func:`services.revoke_invitation`). Invitations are not edited or deleted; the token is never shown.
- **Requests to join** (``/admin/community_join_requests/``): list (filters community and status; search by name or
  email), ``answer/<pk>/`` approves or declines a pending request with a message to the requester
  (:func:`services.approve_request` / :func:`services.decline_request`). Requests are made by people in the portal,
  not in the admin.

Access: :class:`~community.admin_common.StaffPolicy` (active staff with the model permissions; "revoke" needs the
invitation's ``add`` permission, "answer" the request's ``change`` permission).
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_filters import ChoiceFilter, ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton

from .admin_common import ServiceFormView, ServiceSaveMixin, StaffPolicy
from .forms_memberships import RequestDecisionForm
from .models import Community, CommunityInvitation, JoinRequest, MemberRole
from .services import memberships as services

# --- Invitations ---------------------------------------------------------------------------------------------------

INVITATION_STATUSES = [
    ("pending", _("Pending")),
    ("accepted", _("Accepted")),
    ("revoked", _("Withdrawn")),
    ("expired", _("Expired")),
]


def invitation_status(invitation: CommunityInvitation) -> str:
    """``pending``, ``accepted``, ``revoked`` or ``expired`` (as of now, UTC)."""
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at <= timezone.now():
        return "expired"
    return "pending"


def _invitation_status_label(invitation: CommunityInvitation) -> str:
    return str(dict(INVITATION_STATUSES)[invitation_status(invitation)])


class InvitationFilterSet(WagtailFilterSet):
    community = ModelChoiceFilter(queryset=Community.objects.all(), label=_("Community"))
    role = ChoiceFilter(choices=MemberRole.choices, label=_("Role"))
    status = ChoiceFilter(choices=INVITATION_STATUSES, label=_("Status"), method="filter_status")

    class Meta:
        model = CommunityInvitation
        fields = ["community", "role", "status"]

    def filter_status(self, queryset, name, value):
        now = timezone.now()
        unused = Q(accepted_at__isnull=True, revoked_at__isnull=True)
        return queryset.filter(
            {
                "pending": unused & Q(expires_at__gt=now),
                "accepted": Q(accepted_at__isnull=False),
                "revoked": Q(accepted_at__isnull=True, revoked_at__isnull=False),
                "expired": unused & Q(expires_at__lte=now),
            }[value]
        )


def invitation_policy() -> StaffPolicy:
    return StaffPolicy(CommunityInvitation, refused=("change", "delete"), aliases={"revoke": "add"})


class InvitationIndexView(IndexView):
    def get_base_queryset(self):
        return CommunityInvitation.objects.select_related("community", "invited_by")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if invitation_status(instance) == "pending" and self.user_has_permission("revoke"):
            buttons.append(
                ListingButton(
                    _("Withdraw"),
                    url=reverse("community_invitations:revoke", args=[instance.pk]),
                    icon_name="cross",
                    priority=40,
                )
            )
        return buttons


class InvitationForm(forms.ModelForm):
    class Meta:
        model = CommunityInvitation
        fields = ["community", "email", "role", "sector", "organisation", "position", "message"]


class InvitationCreateView(ServiceSaveMixin, CreateView):
    """Sends the invitation through the service (mail included) instead of saving the form."""

    def save_instance(self):
        data = self.form.cleaned_data
        return services.invite(data.pop("community"), by=self.request.user, **data)

    def get_success_message(self, instance):
        return _("An invitation has been sent to %(email)s.") % {"email": instance.email}

    def get_success_buttons(self):
        return []


class RevokeInvitationView(ServiceFormView):
    model = CommunityInvitation
    permission_required = "revoke"
    page_title = _("Withdraw invitation")
    submit_label = _("Withdraw invitation")
    index_url_name = "community_invitations:index"
    intro = _("The link in the invitation email stops working at once.")

    @cached_property
    def permission_policy(self):
        return invitation_policy()

    def get_queryset(self):
        return CommunityInvitation.objects.pending().select_related("community", "invited_by")

    def summary(self):
        inv = self.object
        return [
            (_("Email address"), inv.email),
            (_("Community"), str(inv.community)),
            (_("Role"), inv.get_role_display()),
            (_("Expires"), inv.expires_at.strftime("%Y-%m-%d %H:%M UTC")),
        ]

    def act(self, form):
        services.revoke_invitation(self.object, by=self.request.user)
        return _("The invitation to %(email)s has been withdrawn.") % {"email": self.object.email}


class InvitationViewSet(ModelViewSet):
    """Invitations of every community: pending, accepted, withdrawn and expired."""

    model = CommunityInvitation
    name = "community_invitations"
    icon = "mail"
    menu_label = _("Invitations")
    menu_name = "community_invitations"
    menu_order = 120
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields_exclude = ["token", "id"]
    index_view_class = InvitationIndexView
    add_view_class = InvitationCreateView
    form_fields = InvitationForm.Meta.fields
    filterset_class = InvitationFilterSet
    list_display = [
        "email",
        "community",
        "role",
        Column("status", label=_("Status"), accessor=_invitation_status_label),
        "created_at",
        "expires_at",
    ]
    search_fields = ["email"]
    search_backend_name = None
    ordering = ["-created_at"]
    panels = [
        FieldPanel("community"),
        FieldPanel("email"),
        FieldRowPanel([FieldPanel("role"), FieldPanel("sector")]),
        FieldRowPanel([FieldPanel("organisation"), FieldPanel("position")]),
        FieldPanel("message"),
    ]

    @property
    def permission_policy(self):
        return invitation_policy()

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("revoke/<int:pk>/", RevokeInvitationView.as_view(), name="revoke")]


# --- Requests to join ----------------------------------------------------------------------------------------------


class JoinRequestFilterSet(WagtailFilterSet):
    community = ModelChoiceFilter(queryset=Community.objects.all(), label=_("Community"))
    status = ChoiceFilter(choices=JoinRequest.Status.choices, label=_("Status"))

    class Meta:
        model = JoinRequest
        fields = ["community", "status"]


def join_request_policy() -> StaffPolicy:
    return StaffPolicy(JoinRequest, refused=("add", "change", "delete"), aliases={"answer": "change"})


def _requester(join_request: JoinRequest) -> str:
    return join_request.user.get_full_name() or join_request.user.email


class JoinRequestIndexView(IndexView):
    def get_base_queryset(self):
        return JoinRequest.objects.select_related("user", "community")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.status == JoinRequest.Status.PENDING and self.user_has_permission("answer"):
            buttons.append(
                ListingButton(
                    _("Answer"),
                    url=reverse("community_join_requests:answer", args=[instance.pk]),
                    icon_name="edit",
                    priority=40,
                )
            )
        return buttons


class AnswerRequestView(ServiceFormView):
    """Approve or decline a pending request, with a message mailed to the requester in their language."""

    model = JoinRequest
    permission_required = "answer"
    page_title = _("Answer the request to join")
    submit_label = _("Send the answer")
    index_url_name = "community_join_requests:index"
    form_class = RequestDecisionForm

    @cached_property
    def permission_policy(self):
        return join_request_policy()

    def get_queryset(self):
        return JoinRequest.objects.filter(status=JoinRequest.Status.PENDING).select_related("user", "community")

    def summary(self):
        req = self.object
        return [
            (_("Requester"), f"{_requester(req)} <{req.user.email}>"),
            (_("Community"), str(req.community)),
            (_("Sector"), req.get_sector_display()),
            (_("Organisation"), req.organisation or "–"),
            (_("Position"), req.position or "–"),
            (_("Why they would like to join"), req.motivation or "–"),
        ]

    def act(self, form):
        response = form.cleaned_data["response"]
        if form.cleaned_data["decision"] == "approve":
            services.approve_request(self.object, by=self.request.user, response=response)
            return _("%(person)s is now a member.") % {"person": _requester(self.object)}
        services.decline_request(self.object, by=self.request.user, response=response)
        return _("The request of %(person)s has been declined.") % {"person": _requester(self.object)}


class JoinRequestViewSet(ModelViewSet):
    """Requests to join every community; staff answer the pending ones."""

    model = JoinRequest
    name = "community_join_requests"
    icon = "help"
    menu_label = _("Requests to join")
    menu_name = "community_join_requests"
    menu_order = 130
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = JoinRequestIndexView
    filterset_class = JoinRequestFilterSet
    form_fields = ["status"]  # no add or edit view is reachable (refused by the policy); a form class is required
    list_display = [
        Column("requester", label=_("Requester"), accessor=_requester),
        "user__email",
        "community",
        "sector",
        "status",
        "created_at",
        "decided_at",
    ]
    search_fields = ["user__first_name", "user__last_name", "user__email"]
    search_backend_name = None
    ordering = ["-created_at"]

    @property
    def permission_policy(self):
        return join_request_policy()

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("answer/<int:pk>/", AnswerRequestView.as_view(), name="answer")]
