"""Workspace pages of consultations and the decision log (issue 6 item 5).

Access: :func:`community.views.common.workspace_community` (anonymous → sign in, non-members → 404); a
consultation of another community answers 404 under this one's address. Members see everything here; only
coordinators open consultations and record decisions (403 for other members). Results are computed and shown
only once a consultation has closed (:func:`community.permissions.can_view_results`), for everyone, coordinators
included. State changes go through :mod:`community.services.consultations`.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.exports import stream_csv, xlsx_response

from .. import permissions
from ..formatting import format_in_community_zone, local_today
from ..forms_consultations import BallotForm, CommentForm, ConsultationForm, DecisionForm
from ..models import Ballot, BallotChoice, CommunityDecision, Consultation, MemberRole
from ..services import consultations as services
from .common import render_workspace, workspace_community, workspace_crumbs, workspace_view

#: Decision-log entries per page.
DECISIONS_PER_PAGE = 50


def _crumbs(community, *extra):
    return workspace_crumbs(
        community,
        {"url": reverse("workspace:consultations", args=[community.slug]), "title": _("Consultations")},
        *extra,
    )


def _add_errors(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


@workspace_view
@require_GET
def consultation_list(request, slug: str):
    """Open consultations first (closing soonest first, closing time in the community's zone), then those not open
    yet, then closed ones (newest first) with a link to their results. Three queries beyond the workspace's."""
    community = workspace_community(request, slug)
    now = timezone.now()
    rows = list(
        Consultation.objects.filter(community=community)
        .annotate(
            voted=Exists(Ballot.objects.filter(consultation=OuterRef("pk"), voter=request.user)),
            decided=Exists(CommunityDecision.objects.filter(consultation=OuterRef("pk"))),
        )
        .order_by("closes_at", "pk")
    )
    context = {
        "open_consultations": [c for c in rows if c.is_open(now)],
        "upcoming": sorted((c for c in rows if c.opens_at > now), key=lambda c: c.opens_at),
        "closed": [c for c in reversed(rows) if c.is_closed(now)],
        "can_open": permissions.can_open_consultation(request.user, community),
        "crumbs": workspace_crumbs(community),
        "current_title": _("Consultations"),
    }
    return render_workspace(request, "community/consultations/list.html", community, "consultations", context)


@workspace_view
@require_http_methods(["GET", "POST"])
def consultation_new(request, slug: str):
    """Coordinators open a consultation (times typed in the community's zone)."""
    community = workspace_community(request, slug)
    if not permissions.can_open_consultation(request.user, community):
        raise PermissionDenied
    form = ConsultationForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consultation = services.open_consultation(
                community,
                data["question"],
                data["description"],
                data["method"],
                data["opens_at"],
                data["closes_at"],
                data["options"],
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The consultation is open until %(time)s.")
                % {"time": format_in_community_zone(consultation.closes_at, community)},
            )
            return redirect("workspace:consultation_detail", community.slug, consultation.pk)
    context = {"form": form, "crumbs": _crumbs(community), "current_title": _("Open a consultation")}
    return render_workspace(request, "community/consultations/form.html", community, "consultations", context)


def _my_ballot(consultation, user):
    """``user``'s ballot in ``consultation`` with its choices (and their options) in rank order, or None."""
    choices = Prefetch("choices", queryset=BallotChoice.objects.select_related("option").order_by("rank"))
    return Ballot.objects.filter(consultation=consultation, voter=user).prefetch_related(choices).first()


def _why_no_vote(user, consultation, role, now) -> str:
    """The sentence shown instead of the ballot form when ``user`` may not vote (empty when they may)."""
    if role == MemberRole.OBSERVER:
        return _("Observers take part in the discussion but do not vote.")
    if now < consultation.opens_at:
        return _("Voting opens on %(time)s.") % {
            "time": format_in_community_zone(consultation.opens_at, consultation.community)
        }
    if consultation.is_closed(now):
        return _("Voting has closed.")
    return ""


def _winning_text(result) -> str:
    """The prefilled decision of a closed consultation: its question and the winner (or the options tied first)."""
    if result is None or not result.winners:
        return ""
    names = "; ".join(option.label for option in result.winners)
    if len(result.winners) > 1:
        return _("%(question)s – tie between: %(options)s") % {
            "question": result.consultation.question,
            "options": names,
        }
    return _("%(question)s – %(option)s") % {"question": result.consultation.question, "option": names}


def _act(request, community, consultation, action: str, forms: dict):
    """Handle one POSTed ``action`` (vote, comment, record). Returns a redirect on success, else None (the forms in
    ``forms`` then carry the errors)."""
    user = request.user
    if action == "vote":
        form = forms["ballot"] = BallotForm(request.POST, consultation=consultation, options=forms["options"])
        if not form.is_valid():
            return None
        services.vote(consultation, user, form.cleaned_data["choices"])
        messages.success(request, _("Thank you: your vote has been recorded."))
        return redirect(reverse("workspace:consultation_detail", args=[community.slug, consultation.pk]) + "#ballot")
    if action == "comment":
        form = forms["comment"] = CommentForm(request.POST)
        if not form.is_valid():
            return None
        services.comment(consultation, user, form.cleaned_data["body"])
        messages.success(request, _("Your comment has been posted."))
        return redirect(reverse("workspace:consultation_detail", args=[community.slug, consultation.pk]) + "#comments")
    if action == "record":
        if not permissions.can_record_decision(user, community):
            raise PermissionDenied
        form = forms["record"] = DecisionForm(request.POST, community=community, consultation=consultation)
        if not form.is_valid():
            return None
        data = form.cleaned_data
        services.record_decision(
            community, data["decision"], data["decided_on"], consultation=consultation, meeting=data["meeting"], by=user
        )
        messages.success(request, _("The decision has been added to the decision log."))
        return redirect(reverse("workspace:consultation_detail", args=[community.slug, consultation.pk]) + "#decisions")
    return None


@workspace_view
@require_http_methods(["GET", "POST"])
def consultation_detail(request, slug: str, pk: int):
    """The question, background and options; the ballot (or the member's ballot shown back, or why they cannot
    vote); comments; after closing the results and the decisions recorded from it, and for coordinators the
    "record the outcome" form prefilled with the winning option.

    POST ``action=vote|comment|record``. A refusal by the service (second vote, closed, observer) comes back as a
    message after a redirect; form errors are shown next to the fields.
    """
    community = workspace_community(request, slug)
    consultation = get_object_or_404(
        Consultation.objects.select_related("community__country"), pk=pk, community=community
    )
    consultation.community = community
    user = request.user
    now = timezone.now()
    options = list(consultation.options.all())
    forms = {"options": options}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            response = _act(request, community, consultation, action, forms)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("workspace:consultation_detail", community.slug, consultation.pk)
        if response is not None:
            return response
    role = permissions.role_in(user, community)
    my_ballot = _my_ballot(consultation, user)
    can_vote = my_ballot is None and permissions.can_vote(user, consultation)
    closed = consultation.is_closed(now)
    result = services.results(consultation) if permissions.can_view_results(user, consultation) else None
    is_coordinator = permissions.can_record_decision(user, community)
    record_form = None
    if closed and is_coordinator:
        record_form = forms.get("record")
        if record_form is None:
            record_form = DecisionForm(
                community=community,
                consultation=consultation,
                initial={"decision": _winning_text(result), "decided_on": local_today(community)},
            )
    ballot_form = comment_form = None
    if can_vote:
        ballot_form = forms.get("ballot") or BallotForm(consultation=consultation, options=options)
    if permissions.can_comment_on_consultation(user, consultation):
        comment_form = forms.get("comment") or CommentForm()
    context = {
        "consultation": consultation,
        "options": options,
        "is_open": consultation.is_open(now),
        "closed": closed,
        "my_ballot": my_ballot,
        "ballot_form": ballot_form,
        "why_no_vote": "" if (can_vote or my_ballot) else _why_no_vote(user, consultation, role, now),
        "comments": consultation.comments.select_related("author"),
        "comment_form": comment_form,
        "result": result,
        "decisions": consultation.decisions.select_related("recorded_by"),
        "record_form": record_form,
        "crumbs": _crumbs(community),
        "current_title": consultation.question,
    }
    return render_workspace(request, "community/consultations/detail.html", community, "consultations", context)


# --- The decision log ------------------------------------------------------------------------------------------


def _decisions(community):
    return CommunityDecision.objects.filter(community=community).select_related("consultation", "recorded_by")


@workspace_view
@require_http_methods(["GET", "POST"])
def decision_log(request, slug: str):
    """The community's decisions, newest first (date, decision, the consultation it came from or the meeting),
    50 per page; coordinators add entries here (POST)."""
    community = workspace_community(request, slug)
    can_record = permissions.can_record_decision(request.user, community)
    form = None
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        form = DecisionForm(request.POST, community=community)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.record_decision(
                    community,
                    data["decision"],
                    data["decided_on"],
                    consultation=data["consultation"],
                    meeting=data["meeting"],
                    by=request.user,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The decision has been added to the decision log."))
                return redirect("workspace:decisions", community.slug)
    elif can_record:
        form = DecisionForm(community=community)
    page = Paginator(_decisions(community), DECISIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "form": form, "crumbs": workspace_crumbs(community), "current_title": _("Decision log")}
    return render_workspace(request, "community/consultations/decisions.html", community, "decisions", context)


@workspace_view
@require_GET
def decisions_export(request, slug: str):
    """The whole decision log as CSV (default) or XLSX (``?format=xlsx``) through the formula-safe writer
    (:mod:`portal.exports`): a decision typed as ``=HYPERLINK(…)`` stays text."""
    community = workspace_community(request, slug)
    if not permissions.can_view_decisions(request.user, community):
        raise PermissionDenied
    headers = [_("Date of decision"), _("Decision"), _("Consultation"), _("Meeting"), _("Recorded by")]

    def rows():
        for entry in _decisions(community).iterator(chunk_size=500):
            yield [
                entry.decided_on,
                entry.decision,
                entry.consultation.question if entry.consultation else "",
                entry.meeting,
                str(entry.recorded_by) if entry.recorded_by else "",
            ]

    name = f"decisions-{slugify(community.slug)}-{local_today(community).isoformat()}"
    if request.GET.get("format") == "xlsx":
        response = xlsx_response(f"{name}.xlsx", headers, rows(), sheet_title=_("Decision log"))
    else:
        response = stream_csv(f"{name}.csv", headers, rows())
    return response
