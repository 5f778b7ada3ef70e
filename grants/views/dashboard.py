"""The applicant dashboard: my organisations, my applications across them, and open calls I could apply to."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from wagtail.models import Locale

from community.models import OrganisationMembership
from grants.models import Application, Call, CallPage, Decision

APPLICATIONS_PER_PAGE = 50


@login_required
def dashboard(request):
    """``/grants/my/``: the signed-in user's organisations (with their role and a link to the organisation page),
    the applications of those organisations (newest saved first, 50 a page; title, call, lot, status, reference,
    deadline in the call's zone, last saved, requested amount in EUR, and the current decision with the awarded
    amount once decided) and the open calls whose eligible countries
    include one of the organisations' countries (linked to the call's public page in the current language when
    there is one).

    Queries do not grow with the number of rows: related objects are joined or prefetched (tested at 3 and 300
    applications).
    """
    user = request.user
    memberships = list(
        OrganisationMembership.objects.filter(user=user)
        .select_related("organisation__country")
        .order_by("organisation__legal_name")
    )
    for membership in memberships:
        membership.url = _organisation_url(membership.organisation)

    applications = (
        Application.objects.filter(organisation__memberships__user=user)
        .select_related("call__country", "lot", "organisation")
        .prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.order_by("decided_at", "pk"), to_attr="decision_list")
        )
        .order_by("-updated_at", "-pk")
    )
    page = Paginator(applications, APPLICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for application in rows:
        application.current_decision = application.decision_list[-1] if application.decision_list else None

    countries = {m.organisation.country_id for m in memberships}
    calls = []
    if countries:
        live_pages = CallPage.objects.live()
        calls = list(
            Call.objects.open_at()
            .select_related("country")
            .filter(Q(eligible_countries__in=countries) | Q(eligible_countries__isnull=True))
            .distinct()
            .prefetch_related("lots", Prefetch("pages", queryset=live_pages, to_attr="live_pages"))
            .order_by("closes_at")
        )
        locale_id = _active_locale_id()
        for call in calls:
            pages = sorted(call.live_pages, key=lambda p: p.locale_id != locale_id)
            call.page_url = pages[0].get_url(request) if pages else None

    return render(
        request,
        "grants/dashboard.html",
        {"memberships": memberships, "page_obj": page, "applications": rows, "open_calls": calls},
    )


def _organisation_url(organisation) -> str | None:
    try:
        return reverse("community:organisation_detail", args=[organisation.pk])
    except NoReverseMatch:
        return None


def _active_locale_id() -> int | None:
    try:
        return Locale.get_active().pk
    except Locale.DoesNotExist:
        return None
