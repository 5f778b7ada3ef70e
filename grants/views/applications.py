"""The applicant's screens for one application: start, edit the draft, read, review and submit, receipt, withdraw.

Access: every view needs a signed-in user (anonymous visitors are sent to sign in). An application the user may
not see (:meth:`grants.models.ApplicationQuerySet.visible_to`) is a 404, whatever the URL. Someone who may see it
but not act on it (staff on edit/submit/withdraw) gets 403; a member whose application is no longer editable
(submitted, withdrawn, call closed) is sent to the read-only page with a message. Every change goes through
:mod:`grants.services`; no view sets a status. Extra POST fields (``status``, ``organisation``, ``reference``,
``call``, ``rules_version``…) are ignored: the forms name the fields they take and the services take nothing else.
"""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from community.permissions import is_organisation_member
from grants import permissions
from grants.eligibility import check_eligibility
from grants.forms import (
    BUDGET_EXTRA_ROWS,
    MAX_EXTRA_ROWS,
    PARTNER_EXTRA_ROWS,
    ApplicationForm,
    BudgetLineFormSet,
    PartnerFormSet,
    StartApplicationForm,
    WithdrawForm,
    budget_initial,
    partner_initial,
)
from grants.models import Application, ApplicationStatus, Call
from grants.services import attachments as attachment_service
from grants.services import drafts, submission

#: Sections of the edit page, in order: (anchor, title). Submission problems link to these.
SECTIONS = {
    "project": "section-project",
    "budget": "section-budget",
    "partners": "section-partners",
    "documents": "section-documents",
    "eligibility": "section-project",
    "deadline": "",
}


def _application_or_404(request, pk: int) -> Application:
    """The application ``pk`` if the user may see it (404 otherwise), with its call, lot and organisation."""
    queryset = Application.objects.visible_to(request.user).select_related(
        "call", "lot", "organisation__country", "rules_version"
    )
    return get_object_or_404(queryset, pk=pk)


def _refuse(request, application: Application, message: str):
    """A member of the organisation is sent to the read-only page with ``message``; anyone else (staff) gets 403."""
    if is_organisation_member(request.user, application.organisation_id):
        messages.info(request, message)
        return redirect("grants:application_detail", pk=application.pk)
    raise PermissionDenied


def _reverse_or_none(name: str, *args) -> str | None:
    """``reverse(name, args)`` or None while the URL does not exist yet (another part of the site)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _crumbs(application: Application | None = None, *, link_application: bool = True) -> list[dict]:
    """Breadcrumbs of the applicant screens: My applications, then the application (when given)."""
    crumbs = [{"url": reverse("grants:dashboard"), "title": _("My applications")}]
    if application is not None and link_application:
        title = application.title or _("Untitled application")
        crumbs.append({"url": reverse("grants:application_detail", args=[application.pk]), "title": title})
    return crumbs


def _documents(application: Application) -> list:
    """The call's documents for this application's lot (partnership letters only for cross-border lots), each
    with ``attachment``: the uploaded file for it or None."""
    documents = list(application.call.required_documents.all())
    if not application.lot.cross_border:
        documents = [d for d in documents if not d.cross_border_only]
    files = {a.document_id: a for a in application.attachments.all()}
    for document in documents:
        document.attachment = files.get(document.pk)
    return documents


def _extra_rows(request, name: str, default: int) -> int:
    try:
        return max(0, min(MAX_EXTRA_ROWS, int(request.GET.get(name, default))))
    except (TypeError, ValueError):
        return default


def _errors_of(error: ValidationError) -> list[str]:
    return list(error.messages) if hasattr(error, "messages") else [str(error)]


# --- start ----------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def application_start(request):
    """Start an application to ``?call=<id>`` (and ``&lot=<id>``) as one of the user's organisations.

    GET with ``organisation`` and ``lot`` shows the eligibility check of that organisation against the call's
    published rules (:func:`grants.eligibility.check_eligibility`) before anything is created. POST calls
    :func:`grants.services.submission.start_application`; when the service refuses because the organisation
    already has an application in the lot (e.g. a double click), the user is taken to that application.
    """
    call = _call_from_request(request)
    user = request.user
    has_organisations = user.organisation_roles.exists()
    context = {
        "call": call,
        "has_organisations": has_organisations,
        "call_open": call.is_open(),
        "breadcrumbs": _crumbs(),
    }
    if not has_organisations:
        create_url = _reverse_or_none("community:organisation_create")
        if create_url:
            context["create_organisation_url"] = f"{create_url}?{urlencode({'next': request.get_full_path()})}"
        return render(request, "grants/application_start.html", context)

    data = request.POST if request.method == "POST" else (request.GET if "organisation" in request.GET else None)
    form = StartApplicationForm(data, user=user, call=call, initial={"lot": request.GET.get("lot")})
    context["form"] = form
    if data is not None and form.is_valid():
        organisation, lot = form.cleaned_data["organisation"], form.cleaned_data["lot"]
        if request.method == "POST":
            try:
                application = submission.start_application(
                    user=user,
                    call=call,
                    lot=lot,
                    organisation=organisation,
                    start_token=form.cleaned_data["start_token"],
                )
            except ValidationError as error:
                existing = _existing_application(user, organisation, lot)
                if existing is not None:
                    messages.info(request, _("Your organisation already has an application in this lot: here it is."))
                    return _go_to(existing)
                context["errors"] = _errors_of(error)
            else:
                messages.success(request, _("Your draft application was created. Save as often as you like."))
                return redirect("grants:application_edit", pk=application.pk)
        context["organisation"] = organisation
        context["lot"] = lot
        context["start_token"] = form.cleaned_data["start_token"] or secrets.token_hex(16)
        context["eligibility"] = check_eligibility(organisation, call.rules_snapshot(), lot.pk, on=timezone.now())
        context["eligible"] = all(result.met for result in context["eligibility"])
    return render(request, "grants/application_start.html", context)


def _call_from_request(request) -> Call:
    try:
        call_id = int(request.GET.get("call") or request.POST.get("call") or "")
    except ValueError:
        raise Http404 from None
    queryset = Call.objects.visible_to(request.user).prefetch_related("lots", "eligible_countries")
    return get_object_or_404(queryset, pk=call_id)


def _existing_application(user, organisation, lot) -> Application | None:
    return Application.objects.visible_to(user).active().filter(organisation=organisation, lot=lot).first()


def _go_to(application: Application):
    name = "grants:application_edit" if application.status == ApplicationStatus.DRAFT else "grants:application_detail"
    return redirect(name, pk=application.pk)


# --- edit -----------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request, pk: int):
    """Edit a draft: the proposal text, the budget lines, the co-applicants (cross-border lots) and the files.

    "Save draft" saves explicitly through :func:`grants.services.drafts.save_draft`, then uploads each chosen
    file with :func:`grants.services.attachments.add_attachment`. Nothing the user typed is lost: when some
    input is invalid or an upload fails, the page is shown again with everything as typed and the errors, AND
    the valid parts are saved anyway (design choice: the valid text fields are saved; the budget lines and the
    co-applicants are saved when all their rows are valid, else the saved ones stay; a refused file is reported
    next to its document and the draft remains). Buttons: ``save``, ``add_line`` / ``add_partner`` (save, then
    show one more blank row), ``review`` (save, then go to the submission checklist), ``remove_attachment``
    (value: attachment id; saves, then removes that file).
    """
    application = _application_or_404(request, pk)
    if not permissions.can_edit_application(request.user, application):
        return _refuse(request, application, _("This application can no longer be edited."))
    lot = application.lot
    budget_extra = _extra_rows(request, "budget_extra", BUDGET_EXTRA_ROWS)
    partner_extra = _extra_rows(request, "partner_extra", PARTNER_EXTRA_ROWS)

    if request.method == "GET":
        form = ApplicationForm(application=application)
        budget = BudgetLineFormSet(initial=budget_initial(application), prefix="budget")
        budget.extra = budget_extra
        partners = None
        if lot.cross_border:
            partners = PartnerFormSet(initial=partner_initial(application), prefix="partners")
            partners.extra = partner_extra
        return _render_edit(request, application, form, budget, partners, {}, budget_extra, partner_extra)

    form = ApplicationForm(request.POST, application=application)
    budget = BudgetLineFormSet(request.POST, prefix="budget")
    partners = None
    if lot.cross_border:
        partners = PartnerFormSet(request.POST, prefix="partners")
    form_ok = form.is_valid()
    budget_ok = budget.is_valid()
    partners_ok = partners is None or partners.is_valid()

    save_errors, text_saved = _save_draft(
        request.user,
        application,
        fields=form.valid_fields(),
        budget_lines=[row.as_line() for row in budget.filled_forms()] if budget_ok else None,
        partners=[row.as_partner() for row in partners.filled_forms()]
        if partners is not None and partners_ok
        else None,
    )

    upload_errors: dict[int, list[str]] = {}
    if text_saved:
        for document in _documents(application):
            uploaded = request.FILES.get(f"document-{document.pk}")
            if uploaded is None:
                continue
            try:
                attachment_service.add_attachment(
                    application.pk, user=request.user, uploaded_file=uploaded, document=document
                )
            except ValidationError as error:
                upload_errors[document.pk] = _errors_of(error)
        remove_id = request.POST.get("remove_attachment", "")
        if remove_id.isdigit():
            attachment = application.attachments.filter(pk=int(remove_id)).first()
            if attachment is not None:
                try:
                    attachment_service.remove_attachment(attachment.pk, user=request.user)
                except ValidationError as error:
                    save_errors += _errors_of(error)
                else:
                    messages.success(
                        request, _("The file “%(name)s” was removed.") % {"name": attachment.original_name}
                    )

    if form_ok and budget_ok and partners_ok and text_saved and not save_errors and not upload_errors:
        if "review" in request.POST:
            messages.success(request, _("Your draft was saved."))
            return redirect("grants:application_submit", pk=application.pk)
        if "remove_attachment" not in request.POST:
            messages.success(request, _("Your draft was saved."))
        url = reverse("grants:application_edit", args=[application.pk])
        query = {}
        posted_budget_extra = _extra_rows(_PostAsGet(request), "budget_extra", BUDGET_EXTRA_ROWS)
        posted_partner_extra = _extra_rows(_PostAsGet(request), "partner_extra", PARTNER_EXTRA_ROWS)
        anchor = ""
        if "add_line" in request.POST:
            query["budget_extra"] = min(MAX_EXTRA_ROWS, posted_budget_extra + 1)
            anchor = "#section-budget"
        elif "add_partner" in request.POST:
            query["partner_extra"] = min(MAX_EXTRA_ROWS, posted_partner_extra + 1)
            anchor = "#section-partners"
        elif "remove_attachment" in request.POST:
            anchor = "#section-documents"
        if query:
            url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
        return HttpResponseRedirect(url + anchor)

    if not text_saved:
        messages.error(request, _("Your draft could not be saved: %(reason)s") % {"reason": " ".join(save_errors)})
    elif save_errors:
        messages.warning(
            request,
            _("Your text was saved, but not the budget lines or co-applicants: %(reason)s")
            % {"reason": " ".join(save_errors)},
        )
    else:
        messages.warning(
            request,
            _("Some entries need your attention (marked below). Everything else you entered was saved."),
        )
    application.refresh_from_db()
    return _render_edit(
        request, application, form, budget, partners, upload_errors, budget_extra, partner_extra, save_errors
    )


def _save_draft(user, application, *, fields, budget_lines, partners) -> tuple[list[str], bool]:
    """Save through :func:`grants.services.drafts.save_draft`; return ``(errors, text_saved)``.

    The service writes nothing when any value is invalid. When it refuses the budget lines or co-applicants,
    the text fields are saved on their own (a second call), so typed text is never lost; the refused rows stay on
    the screen, bound, with the service's messages.
    """
    try:
        drafts.save_draft(application.pk, user=user, fields=fields, budget_lines=budget_lines, partners=partners)
    except ValidationError as error:
        errors = _errors_of(error)
    else:
        return [], True
    if budget_lines is None and partners is None:
        return errors, False
    try:
        drafts.save_draft(application.pk, user=user, fields=fields)
    except ValidationError as error:
        return errors + _errors_of(error), False
    return errors, True


class _PostAsGet:
    """Lets :func:`_extra_rows` read the hidden ``budget_extra``/``partner_extra`` inputs of a POST."""

    def __init__(self, request):
        self.GET = request.POST


def _render_edit(
    request, application, form, budget, partners, upload_errors, budget_extra, partner_extra, save_errors=()
):
    documents = _documents(application)
    for document in documents:
        document.errors = upload_errors.get(document.pk, [])
    saved_lines = {i: line for i, line in enumerate(application.budget_lines.all())}
    for i, row in enumerate(budget.forms):
        row.line_total = getattr(row, "line_total", None)
        if row.line_total is None and not row.is_bound and i in saved_lines:
            row.line_total = saved_lines[i].total_eur
    totals = application.budget_totals()
    context = {
        "application": application,
        "call": application.call,
        "lot": application.lot,
        "form": form,
        "budget": budget,
        "partners": partners,
        "documents": documents,
        "other_attachments": [a for a in application.attachments.all() if a.document_id is None],
        "totals": totals,
        "difference": (application.requested_amount_eur or 0) - totals["total"],
        "budget_extra": budget_extra,
        "partner_extra": partner_extra,
        "breadcrumbs": _crumbs(application),
        "save_errors": save_errors,
        "has_errors": bool(form.errors or not _formset_ok(budget) or not _formset_ok(partners) or upload_errors),
    }
    return render(request, "grants/application_edit.html", context)


def _formset_ok(formset) -> bool:
    if formset is None or not formset.is_bound:
        return True
    return formset.is_valid()


# --- read, submit, receipt, withdraw ----------------------------------------------------------------------------


@login_required
def application_detail(request, pk: int):
    """Read-only view of an application (always this after submission): status, reference, submission time in the
    call's zone, the text, the budget with totals summed in the database, co-applicants, files, and the actions
    the user may take (edit, review and submit, withdraw); for the lead applicant organisation's members, the
    decision, shared scores and the programme's questions (:func:`grants.views.decisions.evaluation_context`)."""
    return render_detail(request, _application_or_404(request, pk))


def render_detail(request, application: Application, *, bound_forms: dict | None = None):
    """The read-only application page (``bound_forms``: answer forms to show again as typed)."""
    from grants.views.decisions import evaluation_context

    context = {
        "application": application,
        "call": application.call,
        "lot": application.lot,
        "budget_lines": list(application.budget_lines.all()),
        "totals": application.budget_totals(),
        "partners": list(application.partners.select_related("organisation__country")),
        "attachments": list(application.attachments.select_related("document")),
        "breadcrumbs": _crumbs(),
        "can_edit": permissions.can_edit_application(request.user, application),
        "can_submit": permissions.can_submit_application(request.user, application),
        "can_withdraw": permissions.can_withdraw_application(request.user, application),
        **evaluation_context(request, application, bound_forms),
    }
    return render(request, "grants/application_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_submit(request, pk: int):
    """GET: the checklist (:func:`grants.services.submission.check_submission`, grouped by section, each problem
    linking to its field on the edit page) and the deadline. POST: submit
    (:func:`grants.services.submission.submit_application`) and go to the receipt. A replayed POST (double click,
    back button) for an application already submitted goes to the same receipt: the service returns it unchanged,
    so there is one submission and one receipt email.
    """
    application = _application_or_404(request, pk)
    member = is_organisation_member(request.user, application.organisation_id)
    if request.method == "POST" and member and application.status == ApplicationStatus.SUBMITTED:
        return redirect("grants:application_receipt", pk=application.pk)
    if not permissions.can_submit_application(request.user, application):
        if application.status == ApplicationStatus.SUBMITTED and member:
            return redirect("grants:application_detail", pk=application.pk)
        return _refuse(request, application, _("This application cannot be submitted."))

    if request.method == "POST":
        try:
            application = submission.submit_application(application.pk, user=request.user)
        except submission.SubmissionError as error:
            problems = error.problems
        except ValidationError as error:
            messages.error(request, " ".join(_errors_of(error)))
            return redirect("grants:application_detail", pk=application.pk)
        else:
            return redirect("grants:application_receipt", pk=application.pk)
        status = 200
    else:
        problems = submission.check_submission(application)
        status = 200
    return render(
        request,
        "grants/application_submit.html",
        {
            "application": application,
            "call": application.call,
            "lot": application.lot,
            "problem_groups": _group_problems(application, problems),
            "problems": problems,
            "totals": application.budget_totals(),
            "breadcrumbs": _crumbs(application),
        },
        status=status,
    )


def _group_problems(application: Application, problems) -> list[dict]:
    """``[{"section": str, "title": str, "problems": [{"message", "url"}]}]`` in the order of the edit page."""
    titles = {
        "project": _("Project"),
        "budget": _("Budget"),
        "partners": _("Co-applicants"),
        "documents": _("Documents"),
        "eligibility": _("Eligibility"),
        "deadline": _("Deadline"),
    }
    edit_url = reverse("grants:application_edit", args=[application.pk])
    groups: dict[str, dict] = {}
    for problem in problems:
        section = problem.section if problem.section in titles else "project"
        group = groups.setdefault(section, {"section": section, "title": titles[section], "problems": []})
        if problem.field and section in ("project", "eligibility"):
            url = f"{edit_url}#id_{problem.field}"
        elif SECTIONS.get(section):
            url = f"{edit_url}#{SECTIONS[section]}"
        else:
            url = ""
        group["problems"].append({"message": problem.message, "url": url})
    return [groups[key] for key in titles if key in groups]


@login_required
def application_receipt(request, pk: int):
    """After submission: the reference, the submission time in the call's zone, and that a receipt email was sent
    to the organisation's members. A draft goes to its checklist instead."""
    application = _application_or_404(request, pk)
    if application.status == ApplicationStatus.DRAFT:
        return redirect("grants:application_submit", pk=application.pk)
    return render(
        request,
        "grants/application_receipt.html",
        {
            "application": application,
            "call": application.call,
            "lot": application.lot,
            "breadcrumbs": _crumbs(application),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_withdraw(request, pk: int):
    """GET: confirm the withdrawal (a required tick box, an optional reason). POST: withdraw through
    :func:`grants.services.submission.withdraw_application`, allowed for members of the organisation while the
    application is submitted and the call open."""
    application = _application_or_404(request, pk)
    if not permissions.can_withdraw_application(request.user, application):
        return _refuse(request, application, _("This application cannot be withdrawn."))
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            submission.withdraw_application(application.pk, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(_errors_of(error)))
        else:
            messages.success(request, _("Your application was withdrawn."))
        return redirect("grants:application_detail", pk=application.pk)
    return render(
        request,
        "grants/application_withdraw.html",
        {"application": application, "call": application.call, "form": form, "breadcrumbs": _crumbs(application)},
    )


@login_required
@require_POST
def application_attachment_remove(request, pk: int, attachment_pk: int):
    """Remove one file of a draft (POST), then go back to the documents section (``next`` if it is ours)."""
    application = _application_or_404(request, pk)
    attachment = get_object_or_404(application.attachments, pk=attachment_pk)
    if not permissions.can_edit_application(request.user, application):
        return _refuse(request, application, _("This application can no longer be edited."))
    try:
        attachment_service.remove_attachment(attachment.pk, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(_errors_of(error)))
    else:
        messages.success(request, _("The file “%(name)s” was removed.") % {"name": attachment.original_name})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("grants:application_edit", args=[application.pk]) + "#section-documents"
    return HttpResponseRedirect(target)
