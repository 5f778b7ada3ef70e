"""Staff pages of grantee reporting (issue 5, items 2, 3 and 5), under "Grants → Grantee reports":

- ``/admin/grants_reporting/``: the overdue reports (due date passed, not submitted or sent back for changes) and
  the submitted reports waiting for review; query count flat in the number of rows;
- ``/admin/grants_reporting/<requirement pk>/``: read a report (narrative, financial summary, files, history) and
  act: approve, request changes (comment required), extend the due date (reason required);
- ``/admin/grants_reporting/agreement/<agreement pk>/add/``: ask the grantee for an additional report.

Who: :func:`grants.permissions.can_review_report` (active staff with ``grants.view_application``); anyone else is
refused (the admin turns the refusal into a redirect with a message; anonymous users go to the login page). Every
change goes through :mod:`grants.services.reporting`.
"""

import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from .formatting import call_country_code, format_in_zone
from .models import GrantAgreement, Report, ReportingRequirement, ReportStatus
from .permissions import can_review_report
from .services import reporting
from .services.report_common import EDITABLE_STATUSES, MAX_COMMENT_LENGTH, MAX_TITLE_LENGTH

URL_NAMESPACE = "grants_reporting"


class ReviewCommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment to the grantee"),
        max_length=MAX_COMMENT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you ask for changes; sent by email to the grantee's members."),
    )
    respond_by = forms.DateField(
        label=_("Respond by"),
        required=False,
        help_text=_(
            "When you ask for changes: the report's new due date (end of that day in the call's time zone; "
            "never earlier than the current due date). Default: 14 days from today."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ExtendDueDateForm(forms.Form):
    new_due_date = forms.DateField(
        label=_("New due date"),
        help_text=_("The report is then due at the end of that day in the call's time zone."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(label=_("Reason for the extension"), max_length=MAX_COMMENT_LENGTH)


class AdHocRequirementForm(forms.Form):
    title = forms.CharField(label=_("Title of the report"), max_length=MAX_TITLE_LENGTH)
    due_date = forms.DateField(
        label=_("Due date"),
        help_text=_("The report is due at the end of that day in the call's time zone."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def _zone(agreement: GrantAgreement) -> tuple[str, str | None]:
    call = agreement.application.call
    return call.timezone, call_country_code(call)


class ReportingAdminView(WagtailAdminTemplateMixin, View):
    """Base of the staff reporting pages: refuses users without :func:`can_review_report`."""

    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        if not can_review_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["index_url"] = reverse(f"{URL_NAMESPACE}:index")
        return context


def _rows(queryset) -> list[dict]:
    """Table rows for requirements (agreement, grantee, call joined): due date in the call's zone, days late."""
    now = timezone.now()
    rows = []
    for requirement in queryset:
        zone, country = _zone(requirement.agreement)
        local = ZoneInfo(zone)
        days_late = (now.astimezone(local).date() - requirement.due_at.astimezone(local).date()).days
        rows.append(
            {
                "requirement": requirement,
                "due": format_in_zone(requirement.due_at, zone, country),
                "days_late": max(days_late, 0),
                "url": reverse(f"{URL_NAMESPACE}:review", args=[requirement.pk]),
            }
        )
    return rows


def overdue_requirements(now: datetime.datetime | None = None):
    """Requirements overdue at ``now``: due date passed, status pending or changes requested, agreement in force;
    oldest first, with agreement, application, call (country) and grantee joined."""
    now = now or timezone.now()
    return (
        ReportingRequirement.objects.filter(
            due_at__lt=now,
            status__in=EDITABLE_STATUSES,
            agreement__status__in=reporting.REPORTING_AGREEMENT_STATUSES,
        )
        .select_related("agreement__application__call__country", "agreement__organisation")
        .order_by("due_at", "pk")
    )


class OverdueReportsView(ReportingAdminView):
    """The overdue reports and the submitted reports waiting for review (two queries, whatever the row count)."""

    template_name = "grants/admin/reports_overdue.html"

    def get_page_title(self):
        return gettext("Grantee reports")

    def get(self, request, *args, **kwargs):
        waiting = (
            ReportingRequirement.objects.filter(status=ReportStatus.SUBMITTED)
            .select_related("agreement__application__call__country", "agreement__organisation")
            .order_by("due_at", "pk")
        )
        return self.render_to_response(
            self.get_context_data(overdue=_rows(overdue_requirements()), waiting=_rows(waiting))
        )


class ReportReviewView(ReportingAdminView):
    """GET: the report with its financial summary, files and history, and the staff forms. POST ``action``:
    ``approve``, ``request_changes`` (comment required) or ``extend`` (new due date and reason)."""

    template_name = "grants/admin/report_review.html"

    def setup(self, request, *args, pk, **kwargs):
        super().setup(request, *args, **kwargs)
        self.pk = pk

    def load(self):
        self.requirement = get_object_or_404(
            ReportingRequirement.objects.select_related(
                "agreement__application__call__country", "agreement__organisation"
            ),
            pk=self.pk,
        )
        return self.requirement

    def get_page_title(self):
        return gettext("Report")

    def get_page_subtitle(self):
        return (
            f"{self.requirement.agreement.reference} – {self.requirement.title or self.requirement.get_kind_display()}"
        )

    def _render(self, *, comment_form=None, extend_form=None, status=200):
        requirement = self.requirement
        agreement = requirement.agreement
        zone, country = _zone(agreement)
        report = Report.objects.filter(requirement=requirement).first()
        history = (
            [
                {"entry": entry, "at": format_in_zone(entry.at, zone, country)}
                for entry in report.history.select_related("by").order_by("at", "pk")
            ]
            if report
            else []
        )
        context = self.get_context_data(
            requirement=requirement,
            agreement=agreement,
            report=report,
            summary=reporting.financial_summary(report, agreement),
            files=list(report.files.all()) if report else [],
            history=history,
            due=format_in_zone(requirement.due_at, zone, country),
            original_due=format_in_zone(requirement.original_due_at, zone, country),
            submitted=format_in_zone(report.submitted_at, zone, country) if report else "",
            may_review=requirement.status == ReportStatus.SUBMITTED,
            may_extend=requirement.status != ReportStatus.APPROVED,
            comment_form=comment_form
            or ReviewCommentForm(initial={"respond_by": reporting.changes_default_respond_by(requirement)}),
            extend_form=extend_form or ExtendDueDateForm(),
            add_url=reverse(f"{URL_NAMESPACE}:add", args=[agreement.pk]),
            application_url=reverse("grants_applications:inspect", args=[agreement.application_id]),
        )
        return self.render_to_response(context, status=status)

    def get(self, request, *args, **kwargs):
        self.load()
        return self._render()

    def _refused(self, form):
        """The page again (400) with the review form's errors next to the fields and as a message at the top."""
        for errors in form.errors.values():
            for error in errors:
                messages.error(self.request, error)
        return self._render(comment_form=form, status=400)

    def post(self, request, *args, **kwargs):
        self.load()
        action = request.POST.get("action", "")
        if action == "extend":
            form = ExtendDueDateForm(request.POST)
            if not form.is_valid():
                return self._render(extend_form=form, status=400)
            try:
                reporting.extend_due_date(
                    self.requirement.pk,
                    user=request.user,
                    new_due_at=form.cleaned_data["new_due_date"],
                    reason=form.cleaned_data["reason"],
                )
            except reporting.ReportError as error:
                form.add_error(None, " ".join(error.messages))
                return self._render(extend_form=form, status=400)
            messages.success(request, gettext("The due date was extended."))
            return redirect(reverse(f"{URL_NAMESPACE}:review", args=[self.pk]))
        if action not in ("approve", "request_changes"):
            messages.error(request, gettext("Choose an action."))
            return redirect(reverse(f"{URL_NAMESPACE}:review", args=[self.pk]))
        form = ReviewCommentForm(request.POST)
        if not form.is_valid():
            return self._refused(form)
        try:
            if action == "approve":
                reporting.approve_report(self.requirement.pk, user=request.user, comment=form.cleaned_data["comment"])
            else:
                reporting.request_changes(
                    self.requirement.pk,
                    user=request.user,
                    comment=form.cleaned_data["comment"],
                    respond_by=form.cleaned_data["respond_by"],
                )
        except reporting.ReportError as error:
            form.add_error("respond_by" if error.code == "respond_by" else "comment", " ".join(error.messages))
            return self._refused(form)
        if action == "approve":
            messages.success(request, gettext("The report was approved; the grantee was told."))
        else:
            messages.success(request, gettext("Your request for changes was sent to the grantee."))
        return redirect(reverse(f"{URL_NAMESPACE}:review", args=[self.pk]))


class AddRequirementView(ReportingAdminView):
    """GET/POST: ask the grantee of agreement ``pk`` for an additional report
    (:func:`grants.services.reporting.add_ad_hoc_requirement`); on success, its review page."""

    template_name = "grants/admin/report_add.html"

    def setup(self, request, *args, pk, **kwargs):
        super().setup(request, *args, **kwargs)
        self.agreement = get_object_or_404(
            GrantAgreement.objects.select_related("application__call", "organisation"), pk=pk
        )

    def get_page_title(self):
        return gettext("Ask for an additional report")

    def get_page_subtitle(self):
        return self.agreement.reference

    def _render(self, form, status=200):
        return self.render_to_response(self.get_context_data(form=form, agreement=self.agreement), status=status)

    def get(self, request, *args, **kwargs):
        return self._render(AdHocRequirementForm())

    def post(self, request, *args, **kwargs):
        form = AdHocRequirementForm(request.POST)
        if not form.is_valid():
            return self._render(form, status=400)
        try:
            requirement = reporting.add_ad_hoc_requirement(
                self.agreement.pk,
                user=request.user,
                title=form.cleaned_data["title"],
                due_at=form.cleaned_data["due_date"],
            )
        except reporting.ReportError as error:
            form.add_error(None, " ".join(error.messages))
            return self._render(form, status=400)
        messages.success(request, gettext("The grantee now owes this report."))
        return redirect(reverse(f"{URL_NAMESPACE}:review", args=[requirement.pk]))


class ReportingMenuItem(MenuItem):
    """Shown only to staff who may review reports."""

    def is_shown(self, request):
        return can_review_report(request.user)


class GrantReportingViewSet(ViewSet):
    """ "Grants → Grantee reports" (URLs in the module docstring)."""

    name = URL_NAMESPACE
    icon = "doc-full"
    menu_label = _("Grantee reports")
    menu_name = "grants_reporting"
    menu_item_class = ReportingMenuItem

    def get_urlpatterns(self):
        return [
            path("", OverdueReportsView.as_view(), name="index"),
            path("<int:pk>/", ReportReviewView.as_view(), name="review"),
            path("agreement/<int:pk>/add/", AddRequirementView.as_view(), name="add"),
        ]
