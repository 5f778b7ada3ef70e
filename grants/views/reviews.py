"""The reviewer's screens: my reviews (list and search), the conflict-of-interest declaration, and the review page
(the application read-only with the score form).

Access: a signed-in user in the reviewers group (:func:`portal.accounts.roles.is_reviewer`; two-factor sign-in is
enforced for them by the account middleware). Everyone else, and any assignment that is not theirs, gets 404 —
the same answer as an unknown id, so nothing tells an outsider an application exists. Which assignment may open
which screen:

==========================  ============  ==================  ==============
assignment                  in the list   declaration page    review page
==========================  ============  ==================  ==============
pending declaration         yes           form                404
accepted (no conflict)      yes           → review page       yes
conflicted                  no            404                 404
removed                     no            404                 404
someone else's / unknown    no            404                 404
==========================  ============  ==================  ==============

Before the declaration the reviewer sees the reference, title, call, lot, lead applicant and co-applicant
organisations (what they need to judge a conflict of interest), never the proposal. A reviewer sees other
reviewers' submitted reviews of the same application only after submitting their own, and never their names
("Reviewer 1", "Reviewer 2" in submission order). Changes go through :mod:`grants.services.reviews` and
:mod:`grants.services.scoring`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from grants.models import (
    ApplicationStatus,
    Review,
    ReviewAssignment,
    ReviewAssignmentStatus,
    ReviewStatus,
)
from grants.review_forms import DeclarationForm, ReviewForm, review_initial
from grants.services.errors import ApplicationPermissionError
from grants.services.reviews import declare_conflict
from grants.services.scoring import CriterionRule, criteria_of, save_review, submission_problems
from portal.accounts.roles import is_reviewer

ASSIGNMENTS_PER_PAGE = 50
#: Longest search text used (characters).
MAX_QUERY_LENGTH = 100


def _require_reviewer(request) -> None:
    if not is_reviewer(request.user):
        raise Http404


def _assignments(request):
    """The signed-in reviewer's assignments with the application, its call, lot and lead organisation joined."""
    return ReviewAssignment.objects.filter(reviewer=request.user).select_related(
        "application__call", "application__lot", "application__organisation__country", "application__rules_version"
    )


def _crumbs() -> list[dict]:
    return [{"url": reverse("grants:review_list"), "title": _("My reviews")}]


def _review_of(assignment: ReviewAssignment) -> Review | None:
    try:
        return assignment.review
    except Review.DoesNotExist:
        return None


# --- list ---------------------------------------------------------------------------------------------------------


@login_required
def review_list(request):
    """``/grants/reviews/``: the reviewer's current assignments (waiting for the declaration, then accepted), 50 a
    page, with call, lot, reference, title, lead applicant and the review's state (declaration needed, not
    started, draft, submitted).

    ``?q=`` searches (case-insensitive, in reference, title, lead applicant and call title) only the accepted
    assignments. Queries do not grow with the number of rows (tested at 10 and 1,000).
    """
    _require_reviewer(request)
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    assignments = _assignments(request).current().select_related("review")
    if query:
        assignments = assignments.filter(status=ReviewAssignmentStatus.ACCEPTED).filter(
            Q(application__reference__icontains=query)
            | Q(application__title__icontains=query)
            | Q(application__organisation__legal_name__icontains=query)
            | Q(application__call__title__icontains=query)
        )
    # "pending_declaration" sorts after "accepted": descending puts the ones waiting for a declaration first.
    assignments = assignments.order_by("-status", "-assigned_at", "-pk")
    page = Paginator(assignments, ASSIGNMENTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for assignment in page.object_list:
        review = _review_of(assignment)
        if assignment.status == ReviewAssignmentStatus.PENDING_DECLARATION:
            state, variant = _("Declaration needed"), "warning"
            url = reverse("grants:review_declare", args=[assignment.pk])
        else:
            url = reverse("grants:review_detail", args=[assignment.pk])
            if review is None:
                state, variant = _("Not started"), "draft"
            elif review.status == ReviewStatus.SUBMITTED:
                state, variant = _("Submitted"), "active"
            else:
                state, variant = _("Draft"), "info"
        rows.append(
            {
                "assignment": assignment,
                "application": assignment.application,
                "state": state,
                "variant": variant,
                "url": url,
            }
        )
    return render(
        request,
        "grants/reviews/review_list.html",
        {"rows": rows, "page_obj": page, "query": query},
    )


# --- conflict-of-interest declaration -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def review_declare(request, pk: int):
    """The conflict-of-interest declaration of assignment ``pk`` (pending): GET shows who applies (lead applicant
    and co-applicants) and the form; POST calls :func:`grants.services.reviews.declare_conflict`. No conflict → the
    review page; a conflict → the list (the application disappears from it). An accepted assignment goes
    straight to the review page."""
    _require_reviewer(request)
    assignment = _assignments(request).current().filter(pk=pk).first()
    if assignment is None:
        raise Http404
    if assignment.status == ReviewAssignmentStatus.ACCEPTED:
        return redirect("grants:review_detail", pk=assignment.pk)
    application = assignment.application
    form = DeclarationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        has_conflict = form.cleaned_data["conflict"]
        try:
            declare_conflict(
                assignment.pk,
                reviewer=request.user,
                has_conflict=has_conflict,
                statement=form.cleaned_data["statement"],
            )
        except ApplicationPermissionError:
            raise Http404 from None
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("grants:review_list")
        if has_conflict:
            messages.info(
                request,
                _(
                    "Thank you. Your conflict of interest is recorded; the application %(reference)s was taken off "
                    "your list."
                )
                % {"reference": application.reference},
            )
            return redirect("grants:review_list")
        messages.success(request, _("Thank you. You can now review the application."))
        return redirect("grants:review_detail", pk=assignment.pk)
    partners = list(application.partners.select_related("organisation__country"))
    return render(
        request,
        "grants/reviews/review_declare.html",
        {
            "assignment": assignment,
            "application": application,
            "partners": partners,
            "form": form,
            "breadcrumbs": _crumbs(),
        },
    )


# --- review -------------------------------------------------------------------------------------------------------


def _marks_table(review: Review, criteria: list[CriterionRule]) -> list[dict]:
    """``[{"criterion", "score", "not_applicable", "comment"}]`` of a saved review, in grid order."""
    stored = {s.criterion_id: s for s in review.scores.all()}
    rows = []
    for criterion in criteria:
        row = stored.get(criterion.id)
        rows.append(
            {
                "criterion": criterion,
                "score": row.score if row else None,
                "not_applicable": bool(row and row.not_applicable),
                "comment": row.comment if row else "",
            }
        )
    return rows


def _others(review: Review, criteria: list[CriterionRule]) -> list[dict]:
    """The other submitted reviews of the same application, anonymised ("Reviewer 1", … in submission order)."""
    others = (
        Review.objects.submitted()
        .filter(application_id=review.application_id)
        .exclude(pk=review.pk)
        .prefetch_related("scores")
        .order_by("submitted_at", "pk")
    )
    return [
        {
            "label": _("Reviewer %(number)d") % {"number": number},
            "review": other,
            "marks": _marks_table(other, criteria),
        }
        for number, other in enumerate(others, start=1)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request, pk: int):
    """The review page of accepted assignment ``pk``: the application read-only (proposal, budget, co-applicants,
    files through the permission-checked download) and the reviewer's score form.

    Buttons: ``save`` (save the draft), ``submit`` (save, then ask for confirmation when the review is complete,
    else list what is missing), ``confirm_submit`` (submit the saved draft: final). Invalid values are shown again
    as typed with their errors and are not saved (a refused score leaves the one saved earlier); the valid rest is
    saved, including the comment next to a refused score, and the message says so. A replayed ``confirm_submit``
    changes nothing. Once submitted, the reviewer's review is read-only and the other submitted reviews appear,
    anonymised.
    """
    _require_reviewer(request)
    assignment = _assignments(request).accepted().filter(pk=pk).first()
    if assignment is None:
        raise Http404
    application = assignment.application
    criteria = criteria_of(application)
    review = Review.objects.filter(assignment=assignment).prefetch_related("scores").first()
    submitted = review is not None and review.status == ReviewStatus.SUBMITTED
    editable = not submitted and application.status == ApplicationStatus.UNDER_REVIEW
    form = None
    problems: list[str] = []

    if request.method == "POST":
        if "confirm_submit" in request.POST:
            return _confirm_submit(request, assignment)
        if not editable:
            messages.info(request, _("This review can no longer be changed."))
            return redirect("grants:review_detail", pk=assignment.pk)
        form = ReviewForm(request.POST, criteria=criteria)
        valid = form.is_valid()
        refused = False
        try:
            review = save_review(
                assignment.pk,
                user=request.user,
                scores=form.valid_scores(),
                recommendation=form.valid_field("recommendation"),
                overall_comment=form.valid_field("overall_comment"),
            )
        except ApplicationPermissionError:
            raise Http404 from None
        except ValidationError as error:
            problems = list(error.messages)
            valid = False
            refused = True
        if valid and "submit" in request.POST:
            problems = submission_problems(review, criteria)
            if not problems:
                return render(
                    request,
                    "grants/reviews/review_confirm.html",
                    {
                        "assignment": assignment,
                        "application": application,
                        "marks": _marks_table(review, criteria),
                        "review": review,
                        "breadcrumbs": _crumbs(),
                    },
                )
            messages.warning(request, _("Your draft was saved, but it cannot be submitted yet."))
        elif valid:
            messages.success(request, _("Your draft was saved."))
            return redirect("grants:review_detail", pk=assignment.pk)
        else:
            messages.warning(request, _partial_save_message(form, refused))
    elif editable:
        form = ReviewForm(initial=review_initial(review, criteria), criteria=criteria)

    context = {
        "assignment": assignment,
        "application": application,
        "call": application.call,
        "lot": application.lot,
        "criteria": criteria,
        "form": form,
        "problems": problems,
        "review": review,
        "submitted": submitted,
        "editable": editable,
        "my_marks": _marks_table(review, criteria) if review is not None else [],
        "others": _others(review, criteria) if submitted else [],
        "budget_lines": list(application.budget_lines.all()),
        "totals": application.budget_totals(),
        "partners": list(application.partners.select_related("organisation__country")),
        "attachments": list(application.attachments.select_related("document")),
        "breadcrumbs": _crumbs(),
    }
    return render(request, "grants/reviews/review_detail.html", context)


def _partial_save_message(form: ReviewForm, refused: bool) -> str:
    """What the reviewer is told when not everything they typed could be saved: ``refused`` (the service saved
    nothing), only scores marked (their earlier scores kept, everything else saved) or other entries marked."""
    if refused:
        return _("Nothing you entered was saved: see the problems listed below.")
    if all(name.startswith("score_") for name in form.errors):
        return _(
            "The scores marked below were not saved (a score saved earlier is kept); everything else you entered "
            "was saved, including the comments."
        )
    return _("The entries marked below were not saved; everything else you entered was saved.")


def _confirm_submit(request, assignment: ReviewAssignment):
    """Submit the saved draft (:func:`grants.services.scoring.save_review` with ``submit=True``)."""
    try:
        save_review(assignment.pk, user=request.user, scores={}, submit=True)
    except ApplicationPermissionError:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your review was submitted. Thank you."))
    return redirect("grants:review_detail", pk=assignment.pk)
