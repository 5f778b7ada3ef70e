"""The grantee's reporting screens (issue 5, items 2 and 3).

- ``/grants/agreements/<agreement pk>/reports/`` (:func:`agreement_reports`, ``grants:agreement_reports``): the
  reports the grantee owes, with status and due date in the call's time zone.
- ``/grants/reports/<requirement pk>/`` (:func:`report_detail`, ``grants:report_detail``): the report form
  (narrative, spending per budget line with awarded/actual/variance, photos and supporting documents), Save draft
  and Submit; the history of submissions and reviews. Read-only once submitted, and for staff.
- ``/grants/reports/<requirement pk>/submit/`` (:func:`report_submit`): the confirmation step of a submission.
- ``/grants/report-files/<file pk>/download/`` (:func:`report_file_download`): a report file, permission-checked.

Access: signed-in users only; an agreement or report the user may not see
(:meth:`~grants.models.GrantAgreementQuerySet.visible_to`) is a 404, whatever the URL. Someone who may see a report
but not write it (staff) gets 403 on the POST views. Every change goes through :mod:`grants.services.reporting`.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from grants import permissions
from grants.formatting import call_country_code, format_in_zone
from grants.models import (
    GrantAgreement,
    Report,
    ReportFile,
    ReportFileKind,
    ReportingRequirement,
    ReportReviewOutcome,
    ReportStatus,
)
from grants.services import reporting
from grants.services.errors import ApplicationPermissionError
from grants.services.report_common import EDITABLE_STATUSES, MAX_TEXT_LENGTH, NARRATIVE_FIELDS
from grants.templatetags.report_tags import report_name


class ReportNarrativeForm(forms.Form):
    """The narrative of a report (plain text; required only at submission, by the service)."""

    activities = forms.CharField(
        label=gettext_lazy("Activities carried out"), required=False, max_length=MAX_TEXT_LENGTH, widget=forms.Textarea
    )
    results = forms.CharField(
        label=gettext_lazy("Results against the planned results"),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea,
        help_text=gettext_lazy(
            "In the final report, a summary of this text is published on the public “Grants awarded” page once the "
            "grant is completed: write about results, not about people."
        ),
    )
    challenges = forms.CharField(
        label=gettext_lazy("Challenges"), required=False, max_length=MAX_TEXT_LENGTH, widget=forms.Textarea
    )
    next_steps = forms.CharField(
        label=gettext_lazy("Next steps"), required=False, max_length=MAX_TEXT_LENGTH, widget=forms.Textarea
    )
    links = forms.CharField(
        label=gettext_lazy("Photos and links"),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One web address per line (publications, media coverage, photo albums)."),
    )


class ReportFileForm(forms.Form):
    """One file to add: photo or supporting document, with a caption."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind of file"), choices=ReportFileKind.choices, required=False)
    file = forms.FileField(label=gettext_lazy("File"), required=False)
    caption = forms.CharField(label=gettext_lazy("Caption"), max_length=255, required=False)


def _requirement_or_404(request, pk: int) -> ReportingRequirement:
    """Requirement ``pk`` when its agreement is visible to the user (404 otherwise), with agreement, application,
    call and organisation joined."""
    queryset = ReportingRequirement.objects.filter(
        agreement__in=GrantAgreement.objects.visible_to(request.user).values("pk")
    ).select_related("agreement__application__call__country", "agreement__organisation")
    requirement = get_object_or_404(queryset, pk=pk)
    if not permissions.can_view_report(request.user, requirement):
        raise Http404
    return requirement


def _crumbs(agreement: GrantAgreement, *, with_reports: bool = True) -> list[dict]:
    """Breadcrumbs of the report pages, continuing the agreement's: My grants › the agreement › its reports (the
    list of reports itself stops at the agreement)."""
    from grants.views.agreements import agreement_crumbs

    crumbs = agreement_crumbs(agreement)
    if with_reports:
        crumbs.append({"url": reverse("grants:agreement_reports", args=[agreement.pk]), "title": _("Reports")})
    return crumbs


def _zone(agreement: GrantAgreement) -> tuple[str, str | None]:
    call = agreement.application.call
    return call.timezone, call_country_code(call)


@login_required
@require_safe
def agreement_reports(request, pk: int):
    """The reporting requirements of agreement ``pk``: report, due date (call's zone), status, link."""
    agreement = get_object_or_404(
        GrantAgreement.objects.visible_to(request.user).select_related("application__call__country", "organisation"),
        pk=pk,
    )
    zone, country = _zone(agreement)
    now = timezone.now()
    rows = [
        {
            "requirement": requirement,
            "overdue": requirement.due_at < now and requirement.status in EDITABLE_STATUSES,
            "due": format_in_zone(requirement.due_at, zone, country),
            "original_due": format_in_zone(requirement.original_due_at, zone, country)
            if requirement.original_due_at != requirement.due_at
            else "",
        }
        for requirement in agreement.reporting_requirements.order_by("due_at", "pk")
    ]
    context = {"agreement": agreement, "rows": rows, "breadcrumbs": _crumbs(agreement, with_reports=False)}
    return render(request, "grants/reports/agreement_reports.html", context)


def _spending_rows(summary: dict, typed: dict | None, errors: dict[int, str]) -> list[dict]:
    """Rows of the spending table: the summary's figures, with what the user typed (``typed``: ``{line id:
    (amount text, note)}``) shown again where given."""
    rows = []
    for item in summary["lines"]:
        line = item["line"]
        amount, note = (typed or {}).get(line.pk, (None, None))
        rows.append(
            {
                **item,
                "input_amount": amount
                if amount is not None
                else (item["actual_eur"] if item["actual_eur"] is not None else ""),
                "input_note": note if note is not None else item["note"],
                "error": errors.get(line.pk, ""),
            }
        )
    return rows


def _history(report: Report | None, zone: str, country: str | None) -> list[dict]:
    if report is None:
        return []
    return [
        {"entry": entry, "at": format_in_zone(entry.at, zone, country)}
        for entry in report.history.select_related("by").order_by("at", "pk")
    ]


def render_report(
    request,
    requirement: ReportingRequirement,
    *,
    form=None,
    typed=None,
    errors=None,
    problems=None,
    file_form=None,
    status=200,
):
    """Render the report page of ``requirement`` (see the module docstring); bound forms and typed figures are
    shown again as typed."""
    agreement = requirement.agreement
    report = Report.objects.filter(requirement=requirement).first()
    zone, country = _zone(agreement)
    can_edit = permissions.can_edit_report(request.user, requirement)
    if form is None:
        initial = {field: getattr(report, field) for field in NARRATIVE_FIELDS} if report else {}
        form = ReportNarrativeForm(initial=initial)
    summary = reporting.financial_summary(report, agreement)
    history = _history(report, zone, country)
    changes_request = None
    if requirement.status == ReportStatus.CHANGES_REQUESTED:
        changes_request = next(
            (item for item in reversed(history) if item["entry"].outcome == ReportReviewOutcome.CHANGES_REQUESTED),
            None,
        )
    context = {
        "agreement": agreement,
        "requirement": requirement,
        "report": report,
        "form": form,
        "file_form": file_form or ReportFileForm(),
        "can_edit": can_edit,
        "summary": summary,
        "spending_rows": _spending_rows(summary, typed, errors or {}),
        "files": list(report.files.all()) if report else [],
        "history": history,
        "changes_request": changes_request,
        "due": format_in_zone(requirement.due_at, zone, country),
        "problems": problems or [],
        "breadcrumbs": _crumbs(agreement),
    }
    return render(request, "grants/reports/report_detail.html", context, status=status)


def _typed_spending(request, requirement: ReportingRequirement) -> dict:
    """``{line id: (amount text, note)}`` from the POST (fields ``spending-<line id>-actual`` / ``-note``)."""
    typed = {}
    for line_id in requirement.agreement.budget_lines.values_list("pk", flat=True):
        amount = request.POST.get(f"spending-{line_id}-actual")
        if amount is not None:
            typed[line_id] = (amount, request.POST.get(f"spending-{line_id}-note", ""))
    return typed


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request, pk: int):
    """GET: the report page. POST (members of the grantee organisation, while the report may be edited): save the
    draft (``save``), save and go to the confirmation (``submit``), save and add a file (``upload``), or remove a
    file (``remove_file``, value: file id). Spending figures that are not amounts are shown again as typed with a
    message per line; everything else typed is saved."""
    requirement = _requirement_or_404(request, pk)
    if request.method == "GET":
        return render_report(request, requirement)
    if not permissions.can_edit_report(request.user, requirement):
        if permissions.is_active_staff(request.user):
            raise PermissionDenied
        messages.info(request, _("This report can no longer be changed."))
        return redirect("grants:report_detail", pk=requirement.pk)
    form = ReportNarrativeForm(request.POST)
    typed = _typed_spending(request, requirement)
    if not form.is_valid():
        return render_report(request, requirement, form=form, typed=typed, status=400)
    try:
        report = reporting.save_report(requirement.pk, user=request.user, narrative=form.cleaned_data, spending=typed)
    except reporting.SpendingError as error:
        messages.warning(request, _("Your texts and the other figures were saved. Correct the figures marked below."))
        return render_report(request, requirement, form=form, typed=typed, errors=error.line_errors, status=400)
    except ApplicationPermissionError:
        raise PermissionDenied from None
    except reporting.ReportError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("grants:report_detail", pk=requirement.pk)

    if "remove_file" in request.POST:
        _remove_file(request, report, request.POST.get("remove_file", ""))
    elif "upload" in request.POST:
        file_form = ReportFileForm(request.POST, request.FILES)
        if not _add_file(request, report, file_form):
            return render_report(request, requirement, file_form=file_form, status=400)
    elif "submit" in request.POST:
        return redirect("grants:report_submit", pk=requirement.pk)
    else:
        messages.success(request, _("Your draft was saved."))
    return redirect("grants:report_detail", pk=requirement.pk)


def _add_file(request, report: Report, file_form: ReportFileForm) -> bool:
    """Add the uploaded file; on refusal put the message on the form and return False (the draft is saved)."""
    if not file_form.is_valid():
        return False
    uploaded = file_form.cleaned_data.get("file")
    if not uploaded:
        file_form.add_error("file", _("Choose a file to upload."))
        return False
    try:
        item = reporting.add_report_file(
            report.pk,
            user=request.user,
            uploaded_file=uploaded,
            kind=file_form.cleaned_data.get("kind") or ReportFileKind.SUPPORTING,
            caption=file_form.cleaned_data.get("caption", ""),
        )
    except ValidationError as error:
        file_form.add_error("file", " ".join(error.messages))
        messages.warning(request, _("Your draft was saved, but the file was not added."))
        return False
    messages.success(request, _("Your draft was saved and the file “%(name)s” added.") % {"name": item.original_name})
    return True


def _remove_file(request, report: Report, value: str) -> None:
    try:
        item = report.files.get(pk=int(value))
    except (ValueError, ReportFile.DoesNotExist):
        return
    try:
        reporting.remove_report_file(item.pk, user=request.user)
    except reporting.ReportError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The file “%(name)s” was removed.") % {"name": item.original_name})


@login_required
@require_http_methods(["GET", "POST"])
def report_submit(request, pk: int):
    """GET: what will be submitted (figures, files) and what is still missing, with a confirmation button. POST:
    :func:`grants.services.reporting.submit_report` (atomic; a replayed POST submits once)."""
    requirement = _requirement_or_404(request, pk)
    report = Report.objects.filter(requirement=requirement).first()
    if not permissions.can_edit_report(request.user, requirement):
        if permissions.is_active_staff(request.user):
            raise PermissionDenied
        if request.method == "POST" and report is not None and report.submitted_at:
            messages.info(request, _("This report has been submitted."))
        return redirect("grants:report_detail", pk=requirement.pk)
    if request.method == "POST":
        try:
            reporting.submit_report(requirement.pk, user=request.user)
        except ApplicationPermissionError:
            raise PermissionDenied from None
        except reporting.ReportError as error:
            return render_report(request, requirement, problems=error.messages, status=400)
        messages.success(request, _("Your report was submitted. The programme staff will review it."))
        return redirect("grants:report_detail", pk=requirement.pk)
    problems = reporting.submission_problems(requirement, report) if report else [_("The report is empty.")]
    zone, country = _zone(requirement.agreement)
    return render(
        request,
        "grants/reports/report_submit.html",
        {
            "agreement": requirement.agreement,
            "requirement": requirement,
            "report": report,
            "summary": reporting.financial_summary(report, requirement.agreement),
            "files": list(report.files.all()) if report else [],
            "problems": problems,
            "due": format_in_zone(requirement.due_at, zone, country),
            "breadcrumbs": [
                *_crumbs(requirement.agreement),
                {
                    "url": reverse("grants:report_detail", args=[requirement.pk]),
                    "title": report_name(requirement.kind, requirement.title),
                },
            ],
        },
    )


@require_safe
def report_file_download(request, pk: int):
    """Stream report file ``pk`` (``GET``/``HEAD``). Anonymous visitors go to sign in; a file of a report the user
    may not see, or a missing stored file, is a 404. Same headers as application attachments (``attachment``
    disposition, detected type, ``nosniff``, ``private, no-store``)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    item = get_object_or_404(
        ReportFile.objects.select_related("report__requirement__agreement"),
        pk=pk,
        report__requirement__agreement__in=GrantAgreement.objects.visible_to(request.user).values("pk"),
    )
    if not permissions.can_view_report_file(request.user, item):
        raise Http404
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=item.original_name, content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
