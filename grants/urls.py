"""URLs of the grants app (mounted under the language prefix in portal/urls.py)."""

from django.urls import path

from .views import agreements, applications, dashboard, decisions, exports, files, opendata, reports, reviews

app_name = "grants"

urlpatterns: list = [
    # Applicant screens (grants.views.applications, grants.views.dashboard)
    path("my/", dashboard.dashboard, name="dashboard"),
    path("applications/new/", applications.application_start, name="application_start"),
    path("applications/<int:pk>/", applications.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", applications.application_edit, name="application_edit"),
    path("applications/<int:pk>/submit/", applications.application_submit, name="application_submit"),
    path("applications/<int:pk>/receipt/", applications.application_receipt, name="application_receipt"),
    path("applications/<int:pk>/withdraw/", applications.application_withdraw, name="application_withdraw"),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/remove/",
        applications.application_attachment_remove,
        name="application_attachment_remove",
    ),
    # Reviewer screens (grants.views.reviews); <pk> is the review assignment's id
    path("reviews/", reviews.review_list, name="review_list"),
    path("reviews/<int:pk>/", reviews.review_detail, name="review_detail"),
    path("reviews/<int:pk>/declare/", reviews.review_declare, name="review_declare"),
    path(
        "applications/<int:pk>/questions/<int:clarification_pk>/answer/",
        decisions.clarification_answer,
        name="clarification_answer",
    ),
    # Attachments (grants.views.files)
    path("attachments/<int:pk>/download/", files.attachment_download, name="attachment_download"),
    # Grantee screens (grants.views.agreements): "My grants", one agreement, the signed agreement's download
    path("agreements/", agreements.agreement_list, name="agreement_list"),
    path("agreements/<int:pk>/", agreements.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/signed/", agreements.agreement_signed_file, name="agreement_signed_file"),
    # Reviewer's export of their own accepted assignments (grants.views.exports)
    path("reviews/export.csv", exports.reviewer_export_csv, name="reviewer_export_csv"),
    # Public open data on awards (grants.views.opendata): no sign-in
    path("awarded/", opendata.awarded_grants_page, name="awarded"),
    path("awarded/360giving.json", opendata.awarded_grants_json, name="awarded_json"),
    path("awarded/360giving.csv", opendata.awarded_grants_csv, name="awarded_csv"),
    # Grantee reporting (grants.views.reports); <pk> of reports/ is the reporting requirement's id
    path("agreements/<int:pk>/reports/", reports.agreement_reports, name="agreement_reports"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/submit/", reports.report_submit, name="report_submit"),
    path("report-files/<int:pk>/download/", reports.report_file_download, name="report_file_download"),
]
