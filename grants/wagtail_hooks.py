"""Wagtail admin: the "Grants" menu group with "Calls for proposals", "Applications" and "Dashboard".

- Calls: the rules in tabs, with lots, evaluation criteria and required documents as inline panels
  (:class:`grants.admin_views.CallAdminForm` refuses rule changes once a call has opened). Needs the
  ``grants.add_call`` / ``change_call`` / ``view_call`` permissions.
- Applications: read-only list (filters: call, lot, lead applicant's country, status; search by reference, title
  or organisation) and an inspect view with every field, budget lines, co-applicants, attachments and the activity
  log. Needs ``grants.view_application`` and ``is_staff``. Nobody adds, edits or deletes applications here.
  Staff screen a submitted application after the deadline from its inspect view (``screen/<pk>/``), assign and
  remove reviewers and ask the applicant questions there (:mod:`grants.admin_reviews`).
- Ranking and decisions (:mod:`grants.admin_decisions`): per call, the ranking per lot with decision forms, and the
  automatic reviewer assignment; linked from the calls' listing and inspect view.
- Grant agreements (:mod:`grants.admin_agreements`): list, inspect with the status actions, amendments and
  payments; "Create grant agreement" from an awarded application's inspect view.
- Dashboard: per call, charts, integrity checks and CSV/XLSX exports (:mod:`grants.admin_reports`).
- Grantee reports (:mod:`grants.admin_reporting`): overdue reports, reports waiting for review, the review page
  (approve, request changes, extend a due date) and additional reports.
"""

from django.forms import CheckboxSelectMultiple
from django.urls import path
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from .admin_agreements import AgreementViewSet
from .admin_decisions import RankingViewSet
from .admin_reporting import GrantReportingViewSet
from .admin_reports import GrantsReportsViewSet
from .admin_reviews import AskClarificationView, AssignReviewerView, RemoveReviewerView
from .admin_views import (
    ApplicationFilterSet,
    ApplicationIndexView,
    ApplicationInspectView,
    CallAdminForm,
    CallIndexView,
    CallInspectView,
    CallPermissionPolicy,
    ReadOnlyApplicationPolicy,
    ScreenApplicationView,
)
from .formatting import call_country_code, format_eur, format_in_zone
from .models import PROPOSAL_FIELDS, Application, Call


def _opens(call) -> str:
    """Opening time in the call's own zone, named ("1 March 2026, 09:00 (Europe/Skopje, CET)"), as on the call page."""
    return format_in_zone(call.opens_at, call.timezone, call_country_code(call))


def _closes(call) -> str:
    """Closing time in the call's own zone, named, as on the call page."""
    return format_in_zone(call.closes_at, call.timezone, call_country_code(call))


class CallViewSet(ModelViewSet):
    """Calls for proposals: their rules, lots, scoring grid and required documents."""

    model = Call
    icon = "doc-full-inverse"
    menu_label = _("Calls for proposals")
    menu_name = "calls"
    index_view_class = CallIndexView
    inspect_view_class = CallInspectView
    name = "grants_calls"  # URL namespace and admin path: /admin/grants_calls/
    inspect_view_enabled = True
    list_display = [
        "title",
        "code",
        "country",
        Column(
            "opens_at",
            label=capfirst(Call._meta.get_field("opens_at").verbose_name),
            accessor=_opens,
            sort_key="opens_at",
        ),
        Column(
            "closes_at",
            label=capfirst(Call._meta.get_field("closes_at").verbose_name),
            accessor=_closes,
            sort_key="closes_at",
        ),
        "published",
    ]
    list_filter = ["country", "published"]
    search_fields = ["title", "code"]
    search_backend_name = None
    ordering = ["-closes_at"]
    copy_view_enabled = False

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("title"),
                    FieldPanel("code"),
                    FieldPanel("country"),
                    FieldPanel("published"),
                    MultiFieldPanel(
                        [FieldPanel("timezone"), FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")])],
                        heading=_("Dates"),
                    ),
                ],
                heading=_("Call"),
            ),
            ObjectList(
                [
                    MultiFieldPanel(
                        [
                            FieldPanel("currency"),
                            FieldRowPanel([FieldPanel("total_envelope"), FieldPanel("expected_grants")]),
                            FieldRowPanel([FieldPanel("min_grant"), FieldPanel("max_grant")]),
                            FieldPanel("max_duration_months"),
                        ],
                        heading=_("Money and duration"),
                    ),
                    MultiFieldPanel(
                        [
                            FieldPanel("eligible_countries", widget=CheckboxSelectMultiple),
                            FieldPanel("eligible_organisation_types"),
                            FieldRowPanel([FieldPanel("min_years_registered"), FieldPanel("max_annual_budget")]),
                            FieldPanel("applications_per_lot"),
                            FieldPanel("accepted_languages"),
                        ],
                        heading=_("Eligibility"),
                    ),
                ],
                heading=_("Rules"),
            ),
            ObjectList([InlinePanel("lots", label=_("Lots"), min_num=1)], heading=_("Lots")),
            ObjectList(
                [
                    FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("score_spread_threshold")]),
                    FieldPanel("reviews_per_application"),
                    FieldPanel("reviewers_from_other_countries"),
                    FieldPanel("share_scores_with_applicants"),
                    InlinePanel("criteria", label=_("Evaluation criteria")),
                ],
                heading=_("Evaluation"),
            ),
            ObjectList([InlinePanel("reference_costs", label=_("Reference unit costs"))], heading=_("Reference costs")),
            ObjectList(
                [
                    FieldPanel("payment_schedule"),
                    FieldRowPanel([FieldPanel("interim_report_min_months"), FieldPanel("final_report_due_days")]),
                ],
                heading=_("Payments and reporting"),
            ),
            ObjectList([InlinePanel("required_documents", label=_("Required documents"))], heading=_("Documents")),
        ],
        base_form_class=CallAdminForm,
    )

    @property
    def permission_policy(self):
        return CallPermissionPolicy(self.model)


def _amount(application) -> str:
    return format_eur(application.requested_amount_eur)


def _budget_total(application) -> str:
    return format_eur(application.budget_total)


def _country(application) -> str:
    """The lead applicant's country in the staff member's language (the field path would show its English name)."""
    return str(application.organisation.country)


def _submitted(application) -> str:
    """Submission time in the call's zone with the zone's name ("" for drafts), as on the application pages."""
    return format_in_zone(application.submitted_at, application.call.timezone, call_country_code(application.call))


class ApplicationViewSet(ModelViewSet):
    """Applications, read-only for staff (state changes happen in :mod:`grants.services`)."""

    model = Application
    icon = "form"
    menu_label = _("Applications")
    menu_name = "applications"
    name = "grants_applications"  # URL namespace and admin path: /admin/grants_applications/
    inspect_view_enabled = True
    index_view_class = ApplicationIndexView
    inspect_view_class = ApplicationInspectView
    copy_view_enabled = False
    form_fields: list[str] = []  # the add and edit views exist but the permission policy refuses them to everyone
    filterset_class = ApplicationFilterSet
    list_display = [
        "__str__",
        "title",
        "organisation",
        Column(
            "country", label=_("Lead applicant's country"), accessor=_country, sort_key="organisation__country__name"
        ),
        "lot",
        "status",
        Column("requested_amount_eur", label=_("Requested"), accessor=_amount, sort_key="requested_amount_eur"),
        Column("budget_total", label=_("Budget total"), accessor=_budget_total, sort_key="budget_total"),
        Column(
            "submitted_at",
            label=capfirst(Application._meta.get_field("submitted_at").verbose_name),
            accessor=_submitted,
            sort_key="submitted_at",
        ),
    ]
    search_fields = ["reference", "title", "organisation__legal_name", "organisation__local_name"]
    search_backend_name = None
    ordering = ["-submitted_at", "-pk"]
    inspect_view_fields = [
        "reference",
        "call",
        "lot",
        "organisation",
        "status",
        *PROPOSAL_FIELDS,
        "rules_version",
        "created_by",
        "created_at",
        "updated_at",
        "submitted_at",
        "submitted_by",
        "withdrawn_at",
    ]

    @property
    def permission_policy(self):
        return ReadOnlyApplicationPolicy(self.model)

    def get_urlpatterns(self):
        """The viewset's URLs plus ``screen/<pk>/`` (:class:`ScreenApplicationView`, name ``screen``), the reviewer
        actions ``reviewers/<pk>/assign/`` and ``reviewers/<pk>/remove/<assignment_pk>/`` (POST) and
        ``clarify/<pk>/`` (:mod:`grants.admin_reviews`)."""
        return [
            *super().get_urlpatterns(),
            path("screen/<int:pk>/", ScreenApplicationView.as_view(), name="screen"),
            path("reviewers/<int:pk>/assign/", AssignReviewerView.as_view(), name="assign_reviewer"),
            path(
                "reviewers/<int:pk>/remove/<int:assignment_pk>/", RemoveReviewerView.as_view(), name="remove_reviewer"
            ),
            path("clarify/<int:pk>/", AskClarificationView.as_view(), name="clarify"),
        ]


class GrantsGroup(ViewSetGroup):
    items = (
        CallViewSet,
        ApplicationViewSet,
        RankingViewSet,
        AgreementViewSet,
        GrantReportingViewSet,
        GrantsReportsViewSet,
    )
    menu_icon = "doc-full-inverse"
    menu_label = _("Grants")
    menu_name = "grants"


@hooks.register("register_admin_viewset")
def register_grants_viewsets():
    return GrantsGroup()
