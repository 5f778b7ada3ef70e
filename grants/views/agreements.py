"""The grantee's screens: "My grants" (the agreements of the user's organisations), one agreement, and the signed
agreement's download.

Access: a signed-in user (anonymous visitors are sent to sign in); an agreement the user may not see
(:meth:`grants.models.GrantAgreementQuerySet.visible_to`, :func:`grants.permissions.can_view_agreement`: staff and
members of the grantee organisation) is a 404, whatever the URL. Nothing is changed here: payments and status
changes are recorded by staff in the admin.
"""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from grants.formatting import call_country_code, format_in_zone
from grants.models import GrantAgreement, Tranche
from grants.permissions import can_view_agreement
from grants.services.amendments import amendment_history
from grants.services.closeout import tranche_is_due
from grants.services.payments import payment_summary


def _reports_url(agreement) -> str | None:
    """The grantee's reports of ``agreement`` (``grants:agreement_reports``) when that page is installed."""
    try:
        return reverse("grants:agreement_reports", args=[agreement.pk])
    except NoReverseMatch:
        return None


def agreement_crumbs(agreement: GrantAgreement | None = None) -> list[dict]:
    """Breadcrumbs of the grantee's grant pages: "My grants", then ``agreement`` (its reference, linking to its
    page) when given. The report pages (:mod:`grants.views.reports`) continue this trail."""
    crumbs = [{"url": reverse("grants:agreement_list"), "title": _("My grants")}]
    if agreement is not None:
        crumbs.append({"url": reverse("grants:agreement_detail", args=[agreement.pk]), "title": agreement.reference})
    return crumbs


@login_required
@require_safe
def agreement_list(request):
    """``/grants/agreements/``: the agreements of the user's organisations (staff: every agreement), newest first,
    with grantee, project, call, amount, period and status. Queries do not grow with the number of rows."""
    agreements = (
        GrantAgreement.objects.visible_to(request.user)
        .select_related("application__call", "organisation")
        .order_by("-created_at", "-pk")
    )
    return render(request, "grants/agreement_list.html", {"agreements": list(agreements)})


@login_required
@require_safe
def agreement_detail(request, pk: int):
    """``/grants/agreements/<pk>/``: amounts, dates, status, budget as awarded, tranches with what was paid and
    what is due, the payment summary, amendments, the signed agreement and the reports. 404 for an agreement the
    user may not see."""
    agreement = get_object_or_404(
        GrantAgreement.objects.visible_to(request.user)
        .select_related("application__call__country", "organisation__country")
        .prefetch_related(
            "budget_lines",
            "partners",
            "amendments",
            "reporting_requirements",
            Prefetch("tranches", queryset=Tranche.objects.select_related("report")),
        ),
        pk=pk,
    )
    if not can_view_agreement(request.user, agreement):
        raise Http404
    call = agreement.application.call
    zone, country = call.timezone, call_country_code(call)
    tranches = list(agreement.tranches.all())
    for tranche in tranches:
        tranche.due = tranche_is_due(tranche, agreement)
    context = {
        "agreement": agreement,
        "call": call,
        "breadcrumbs": agreement_crumbs(),
        "budget_lines": list(agreement.budget_lines.all()),
        "tranches": tranches,
        "summary": payment_summary(agreement),
        "amendments": amendment_history(agreement),
        "requirements": [(r, format_in_zone(r.due_at, zone, country)) for r in agreement.reporting_requirements.all()],
        "reports_url": _reports_url(agreement),
        "signed_url": reverse("grants:agreement_signed_file", args=[agreement.pk]) if agreement.signed_file else "",
        "signed_time": format_in_zone(agreement.signed_at, zone, country),
    }
    return render(request, "grants/agreement_detail.html", context)


@require_safe
def agreement_signed_file(request, pk: int):
    """Stream the signed agreement ``pk`` (``GET``/``HEAD``). Anonymous visitors are sent to sign in; an agreement
    the user may not see, or one without a stored file → 404. ``Content-Disposition: attachment`` with the
    normalised file name, ``application/pdf``, ``nosniff``, ``Cache-Control: private, no-store``."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    agreement = get_object_or_404(GrantAgreement.objects.visible_to(request.user), pk=pk)
    if not can_view_agreement(request.user, agreement) or not agreement.signed_file:
        raise Http404
    try:
        handle = agreement.signed_file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=agreement.signed_file_name or f"{agreement.reference}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
