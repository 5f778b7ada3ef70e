"""Wagtail admin of the community app, in one "Community" menu: Organisations (below), and Communities,
Memberships, Invitations and Requests to join (issue 6: ``community.admin_communities``, ``community.admin_joining``).

Organisations: list with filters and search, edit, inspect.

Staff need the ``community.view_organisation`` / ``community.change_organisation`` permissions (Wagtail's model
permission policy). The edit form shows ``verified``; saving it goes through
:func:`community.services.set_verified`, which records who verified and when, instead of writing the field
directly. Organisations are created by their members in the portal (they need an administrator), so the admin
has no "add" view for them.
"""

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.views.generic import EditView, InspectView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy

from . import services
from .admin_communities import CommunityViewSet, MembershipViewSet
from .admin_joining import InvitationViewSet, JoinRequestViewSet
from .models import PROFILE_FIELDS, Organisation


class NoAddPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, except that nobody adds organisations in the admin."""

    def user_has_permission(self, user, action):
        if action == "add":
            return False
        return super().user_has_permission(user, action)


class OrganisationEditView(EditView):
    """Saves the profile fields as usual and sends a change of ``verified`` through the service."""

    def save_instance(self):
        wanted = bool(self.form.cleaned_data.get("verified"))
        instance = self.form.save(commit=False)
        # Keep the stored verification state; only set_verified changes it (and records who and when).
        current = Organisation.objects.select_for_update().get(pk=instance.pk)
        instance.verified = current.verified
        instance.verified_at = current.verified_at
        instance.verified_by_id = current.verified_by_id
        instance.save()
        self.form.save_m2m()
        self.has_content_changes = self.form.has_changed()
        if wanted != current.verified:
            services.set_verified(instance.pk, user=self.request.user, verified=wanted)
            instance.refresh_from_db()
        log(instance=instance, action="wagtail.edit", content_changed=self.has_content_changes)
        return instance


class OrganisationInspectView(InspectView):
    """The profile plus its members (name, email, role)."""

    template_name = "community/admin/organisation_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = self.object.memberships.select_related("user").order_by("role", "user__email")
        return context


class OrganisationViewSet(ModelViewSet):
    """Staff list of organisations: filter by country, type and verification; search names and numbers."""

    model = Organisation
    name = "organisations"  # URLs /admin/organisations/…, URL names "organisations:index", "organisations:edit"…
    icon = "group"
    menu_label = _("Organisations")
    menu_name = "organisations"
    edit_view_class = OrganisationEditView
    inspect_view_class = OrganisationInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "legal_name",
        "country",
        "organisation_type",
        "registration_number",
        BooleanColumn("verified", label=capfirst(_("verified"))),
        "created_at",
    ]
    list_filter = ["country", "organisation_type", "verified"]
    search_fields = ["legal_name", "local_name", "registration_number"]
    search_backend_name = None  # plain database search: Organisation is not in the Wagtail search index
    ordering = ["legal_name"]
    inspect_view_fields = [
        *PROFILE_FIELDS,
        "verified",
        "verified_at",
        "verified_by",
        "created_at",
        "created_by",
    ]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("legal_name"),
                    FieldPanel("local_name"),
                    FieldRowPanel([FieldPanel("registration_number"), FieldPanel("country")]),
                    FieldRowPanel([FieldPanel("organisation_type"), FieldPanel("year_registered")]),
                    FieldPanel("annual_budget_eur"),
                ],
                heading=_("Registration"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("website"),
                    FieldPanel("address"),
                    FieldRowPanel(
                        [FieldPanel("contact_name"), FieldPanel("contact_email"), FieldPanel("contact_phone")]
                    ),
                ],
                heading=_("Contact"),
            ),
            FieldPanel(
                "verified",
                help_text=_("Tick after checking the registration certificate. The portal records who and when."),
            ),
        ]
    )

    @property
    def permission_policy(self):
        return NoAddPermissionPolicy(self.model)

    def get_queryset(self, request):
        return Organisation.objects.select_related("country")


class CommunityGroup(ViewSetGroup):
    """The "Community" admin menu: organisations; the communities, their memberships, invitations and requests to
    join (issue 6, ``community.admin_communities`` and ``community.admin_joining``)."""

    items = (OrganisationViewSet, CommunityViewSet, MembershipViewSet, InvitationViewSet, JoinRequestViewSet)
    menu_icon = "group"
    menu_label = _("Community")
    menu_name = "community"


@hooks.register("register_admin_viewset")
def register_community_viewsets():
    return CommunityGroup()


# --- Membership and joining (issue 6): labels of the audit-log actions written by community.services.memberships --


@hooks.register("register_log_actions")
def register_membership_log_actions(actions):
    from .services import membership_common as c

    for action, label in (
        (c.LOG_INVITED, _("Invitation sent")),
        (c.LOG_INVITATION_REVOKED, _("Invitation withdrawn")),
        (c.LOG_INVITATION_ACCEPTED, _("Invitation accepted")),
        (c.LOG_REQUESTED, _("Request to join sent")),
        (c.LOG_REQUEST_WITHDRAWN, _("Request to join withdrawn")),
        (c.LOG_REQUEST_APPROVED, _("Request to join approved")),
        (c.LOG_REQUEST_DECLINED, _("Request to join declined")),
        (c.LOG_JOINED, _("Membership started")),
        (c.LOG_REMOVED, _("Membership ended by a coordinator or staff")),
        (c.LOG_LEFT, _("Member left")),
        (c.LOG_ROLE, _("Role changed")),
        (c.LOG_DETAILS, _("Membership details changed")),
    ):
        actions.register_action(action, label, label)
