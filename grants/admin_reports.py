"""Staff pages about a whole call (issue 4, items 7 to 9), under "Grants → Dashboard" in the Wagtail admin:

- ``/admin/grants_reports/``: choose a call (links to its dashboard, integrity checks and exports);
- ``/admin/grants_reports/<call pk>/dashboard/``: charts (server-rendered SVG) with a data table under each;
- ``/admin/grants_reports/<call pk>/integrity/``: every integrity flag of the call (:mod:`grants.integrity`);
- ``/admin/grants_reports/<call pk>/export.csv`` and ``export.xlsx``: the applications with scores and decisions
  (:func:`grants.exports.call_export` through :mod:`portal.exports`).

Who: :func:`grants.permissions.can_view_call_reports` (staff with ``grants.view_application``); anyone else is
refused (the admin turns a refusal into a redirect with a message; anonymous users go to the login page).
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from portal.exports import stream_csv, xlsx_response

from .admin_header import StaffPageMixin
from .call_statistics import call_statistics
from .exports import call_export
from .integrity import flags_for_call
from .models import Application, Call
from .permissions import can_view_call_reports

URL_NAMESPACE = "grants_reports"


def report_urls(call) -> dict:
    """The URLs of ``call``'s staff pages: ``dashboard``, ``integrity``, ``export_csv``, ``export_xlsx``."""
    return {
        name: reverse(f"{URL_NAMESPACE}:{name}", args=[call.pk])
        for name in ("dashboard", "integrity", "export_csv", "export_xlsx")
    }


class CallReportView(StaffPageMixin, View):
    """Base of the per-call pages: loads ``self.call`` and refuses users without
    :func:`~grants.permissions.can_view_call_reports` (``PermissionDenied``)."""

    header_icon = "table"

    def dispatch(self, request, *args, pk=None, **kwargs):
        if not can_view_call_reports(request.user, None):
            raise PermissionDenied
        self.call = get_object_or_404(Call.objects.select_related("country"), pk=pk) if pk is not None else None
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.call) if self.call else ""

    def get_parent_breadcrumbs(self):
        if self.call is None:
            return []
        return [{"url": reverse(f"{URL_NAMESPACE}:index"), "label": gettext("Grants dashboard")}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.call is not None:
            context.update(call=self.call, urls=report_urls(self.call))
        context["index_url"] = reverse(f"{URL_NAMESPACE}:index")
        return context


class ChooseCallView(CallReportView):
    """Every call, newest deadline first, with links to its dashboard, integrity checks and exports."""

    template_name = "grants/admin/call_reports_index.html"

    def get_page_title(self):
        return gettext("Grants dashboard")

    def get(self, request, *args, **kwargs):
        calls = [(call, report_urls(call)) for call in Call.objects.select_related("country").order_by("-closes_at")]
        return self.render_to_response(self.get_context_data(calls=calls))


class CallDashboardView(CallReportView):
    """The call's dashboard: counts by country, lot and status, the score distribution, money against the envelope
    (:func:`grants.call_statistics.call_statistics`, six queries)."""

    template_name = "grants/admin/call_dashboard.html"

    def get_page_title(self):
        return gettext("Dashboard")

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(stats=call_statistics(self.call)))


class CallIntegrityView(CallReportView):
    """Every integrity flag of the call's submitted applications, grouped by application, with links to them."""

    template_name = "grants/admin/call_integrity.html"

    def get_page_title(self):
        return gettext("Integrity checks")

    def get(self, request, *args, **kwargs):
        flags = flags_for_call(self.call)
        applications = (
            Application.objects.filter(pk__in=list(flags)).select_related("organisation").order_by("reference", "pk")
        )
        rows = [
            (application, reverse("grants_applications:inspect", args=[application.pk]), flags[application.pk])
            for application in applications
        ]
        return self.render_to_response(self.get_context_data(rows=rows, flag_count=sum(len(f) for f in flags.values())))


class CallExportView(CallReportView):
    """The call's applications with scores and decisions as CSV (streamed) or XLSX (``fmt``: ``csv``/``xlsx``)."""

    fmt = "csv"

    def get(self, request, *args, **kwargs):
        headers, rows = call_export(self.call)
        stamp = timezone.now().astimezone(self.call.zone).strftime("%Y%m%d")
        filename = f"applications-{self.call.code}-{stamp}.{self.fmt}"
        if self.fmt == "xlsx":
            return xlsx_response(filename, headers, rows, sheet_title=self.call.code)
        return stream_csv(filename, headers, rows)


class ReportsMenuItem(MenuItem):
    """Shown only to users who may open the reports."""

    def is_shown(self, request):
        return can_view_call_reports(request.user, None)


class GrantsReportsViewSet(ViewSet):
    """ "Grants → Dashboard": the per-call dashboard, integrity checks and exports (URLs in the module docstring)."""

    name = URL_NAMESPACE
    icon = "table"
    menu_label = _("Dashboard")
    menu_name = "grants_dashboard"
    menu_item_class = ReportsMenuItem

    def get_urlpatterns(self):
        return [
            path("", ChooseCallView.as_view(), name="index"),
            path("<int:pk>/dashboard/", CallDashboardView.as_view(), name="dashboard"),
            path("<int:pk>/integrity/", CallIntegrityView.as_view(), name="integrity"),
            path("<int:pk>/export.csv", CallExportView.as_view(fmt="csv"), name="export_csv"),
            path("<int:pk>/export.xlsx", CallExportView.as_view(fmt="xlsx"), name="export_xlsx"),
        ]
