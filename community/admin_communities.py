"""Staff admin of communities and memberships (issue 6 item 9): "Community → Communities" and "→ Memberships".

- **Communities** (``/admin/communities/``): list (filters kind and country; search names and slug), create, edit.
  Nobody deletes a community here (it would take every membership, document and decision with it).
- **Memberships** (``/admin/community_memberships/``): list with filters (community, role, sector, active) and
  search by name or email; "add" puts an existing account into a community (:func:`services.add_member`); "edit"
  changes role, sector, organisation, position and expertise (:func:`services.edit_membership`, which keeps the
  last coordinator unless staff demote them); ``end/<pk>/`` ends an active membership with a reason
  (:func:`services.remove_member`). Consent stays the member's own. Nobody deletes memberships (history is kept).

Access: :class:`~community.admin_common.StaffPolicy` (active staff with the model permissions). Each change is in
the object's history (Wagtail's audit log).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_filters import BooleanFilter, ChoiceFilter, ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton

from portal.accounts.lookups import user_with_canonical_email

from .admin_common import ServiceFormView, ServiceSaveMixin, StaffPolicy
from .forms_memberships import RemoveMemberForm
from .models import Community, MemberRole, Membership, Sector
from .services import memberships as services

# --- Communities ---------------------------------------------------------------------------------------------------


class CommunityViewSet(ModelViewSet):
    """The RCP and the DAGs: the facts the public pages and workspaces are built on."""

    model = Community
    name = "communities"
    icon = "group"
    menu_label = _("Communities")
    menu_name = "communities"
    menu_order = 100
    copy_view_enabled = False
    list_display = ["name", "kind", "country", "host_organisation", BooleanColumn("accepts_join_requests")]
    list_filter = ["kind", "country"]
    search_fields = ["name", "short_name", "slug"]
    search_backend_name = None
    ordering = ["kind", "name"]
    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("country")]),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("short_name"), FieldPanel("slug")]),
        FieldPanel("host_organisation"),
        FieldRowPanel([FieldPanel("timezone"), FieldPanel("contact_email")]),
        FieldPanel("accepts_join_requests"),
    ]

    @property
    def permission_policy(self):
        return StaffPolicy(self.model)

    def get_queryset(self, request):
        return Community.objects.select_related("country", "host_organisation")


# --- Memberships ---------------------------------------------------------------------------------------------------


class MembershipFilterSet(WagtailFilterSet):
    community = ModelChoiceFilter(queryset=Community.objects.all(), label=_("Community"))
    role = ChoiceFilter(choices=MemberRole.choices, label=_("Role"))
    sector = ChoiceFilter(choices=Sector.choices, label=_("Sector"))
    active = BooleanFilter(label=_("Active"), method="filter_active")

    class Meta:
        model = Membership
        fields = ["community", "role", "sector", "active"]

    def filter_active(self, queryset, name, value):
        if value is None:
            return queryset
        active = Membership.objects.active().values("pk")
        return queryset.filter(pk__in=active) if value else queryset.exclude(pk__in=active)


def _person(membership: Membership) -> str:
    return membership.user.get_full_name() or membership.user.email


class MembershipIndexView(IndexView):
    def get_base_queryset(self):
        return Membership.objects.select_related("user", "community")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.is_active() and self.user_has_permission("end"):
            buttons.append(
                ListingButton(
                    _("End membership"),
                    url=reverse("community_memberships:end", args=[instance.pk]),
                    icon_name="cross",
                    priority=40,
                )
            )
        return buttons


class MembershipAddForm(forms.ModelForm):
    """Staff add an existing account (found by its email address) to a community."""

    email = forms.EmailField(
        label=_("Email address of the account"),
        help_text=_("The person must already have an account. To reach someone without one, send an invitation."),
    )

    class Meta:
        model = Membership
        fields = ["community", "email", "role", "sector", "organisation", "position"]

    def clean_email(self):
        user = user_with_canonical_email(self.cleaned_data["email"])
        if user is None:
            raise ValidationError(_("No account uses this address. Send an invitation instead."), code="no_account")
        self.user = user
        return self.cleaned_data["email"]

    def _get_validation_exclusions(self):
        # The one-open-membership rule is the service's (it words the refusal); the row has no user yet here.
        exclusions = super()._get_validation_exclusions()
        exclusions.add("user")
        return exclusions


class MembershipCreateView(ServiceSaveMixin, CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.add_member(
            data["community"],
            user=self.form.user,
            role=data["role"],
            sector=data["sector"],
            organisation=data["organisation"],
            position=data["position"],
            by=self.request.user,
        )


class MembershipEditView(ServiceSaveMixin, EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        membership = services.edit_membership(
            Membership.objects.get(pk=self.object.pk),
            by=self.request.user,
            role=data["role"],
            sector=data["sector"],
            organisation=data["organisation"],
            position=data["position"],
            expertise=data["expertise"],
        )
        self.has_content_changes = self.form.has_changed()
        return membership


class EndMembershipView(ServiceFormView):
    """End an active membership (reason: removed or term ended); the member's access ends on their next request."""

    model = Membership
    permission_required = "end"
    page_title = _("End membership")
    submit_label = _("End membership")
    index_url_name = "community_memberships:index"
    form_class = RemoveMemberForm
    intro = _("The membership ends today and is kept in the history. The person loses access to the workspace at once.")

    @cached_property
    def permission_policy(self):
        return membership_policy()

    def get_queryset(self):
        return Membership.objects.active().select_related("user", "community")

    def summary(self):
        m = self.object
        return [
            (_("Member"), f"{_person(m)} <{m.user.email}>"),
            (_("Community"), str(m.community)),
            (_("Role"), m.get_role_display()),
            (_("Member since"), m.started_on.isoformat()),
        ]

    def act(self, form):
        services.remove_member(self.object, by=self.request.user, reason=form.cleaned_data["reason"])
        return _("%(person)s is no longer a member of %(community)s.") % {
            "person": _person(self.object),
            "community": self.object.community,
        }


def membership_policy() -> StaffPolicy:
    return StaffPolicy(Membership, refused=("delete",), aliases={"end": "change"})


def _active_label(membership: Membership) -> bool:
    return membership.is_active()


class MembershipViewSet(ModelViewSet):
    """Every membership, current and past."""

    model = Membership
    name = "community_memberships"
    icon = "user"
    menu_label = _("Memberships")
    menu_name = "community_memberships"
    menu_order = 110
    copy_view_enabled = False
    index_view_class = MembershipIndexView
    add_view_class = MembershipCreateView
    edit_view_class = MembershipEditView
    filterset_class = MembershipFilterSet
    list_display = [
        Column("member", label=_("Member"), accessor=_person),
        "user__email",
        "community",
        "role",
        "sector",
        "started_on",
        "ended_on",
        BooleanColumn("active", label=_("Active"), accessor=_active_label),
    ]
    search_fields = ["user__first_name", "user__last_name", "user__email"]
    search_backend_name = None
    ordering = ["community", "user__last_name", "user__first_name"]
    panels = [
        FieldRowPanel([FieldPanel("role"), FieldPanel("sector")]),
        FieldRowPanel([FieldPanel("organisation"), FieldPanel("position")]),
        FieldPanel("expertise", widget=forms.CheckboxSelectMultiple),
    ]
    add_panels = [
        FieldPanel("community"),
        FieldPanel("email"),
        FieldRowPanel([FieldPanel("role"), FieldPanel("sector")]),
        FieldRowPanel([FieldPanel("organisation"), FieldPanel("position")]),
    ]

    @property
    def permission_policy(self):
        return membership_policy()

    @cached_property
    def _add_handler(self):
        return ObjectList(self.add_panels, base_form_class=MembershipAddForm).bind_to_model(self.model)

    def get_add_view_kwargs(self, **kwargs):
        kwargs = super().get_add_view_kwargs(**kwargs)
        kwargs.update(panel=self._add_handler, form_class=self._add_handler.get_form_class())
        return kwargs

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("end/<int:pk>/", EndMembershipView.as_view(), name="end")]
