"""What the applicant sees of the evaluation on the application's page, and how they answer staff questions.

- :func:`evaluation_context`: the current decision (outcome, amount, reason, date in the call's zone), the shared
  scores and reviews when the call's frozen rules say ``share_scores_with_applicants`` (labelled "Reviewer 1",
  "Reviewer 2"…, never a reviewer's name or email), and the questions from staff with an answer form per open
  question. Only members of the lead applicant organisation (and staff) see any of it; reviewers who may read the
  application see none of it (:func:`grants.permissions.can_view_decision`).
- :func:`clarification_answer`: POST the answer to one question
  (:func:`grants.services.clarifications.answer_clarification`).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from community.permissions import is_organisation_member
from grants import permissions
from grants.formatting import call_country_code, format_in_zone
from grants.models import Application, CriterionScore, Review
from grants.services.clarifications import MAX_TEXT_LENGTH
from grants.services.errors import ApplicationError, ApplicationPermissionError


class ClarificationAnswerForm(forms.Form):
    """The applicant's answer to one question (prefix ``answer-<clarification id>``)."""

    answer = forms.CharField(
        label=gettext_lazy("Your answer"),
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Plain text. You can answer once; the programme staff are notified."),
    )


def _shared_reviews(application: Application) -> list[dict]:
    """``[{"label": "Reviewer 1", "review": Review, "scores": [CriterionScore]}]`` for the submitted reviews, by
    submission time; nothing that names the reviewer is put in the context."""
    reviews = (
        Review.objects.submitted()
        .filter(application=application)
        .order_by("submitted_at", "pk")
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=CriterionScore.objects.select_related("criterion").order_by("criterion__sort_order", "pk"),
            )
        )
        .only("pk", "application_id", "total_score", "overall_comment", "recommendation", "submitted_at")
    )
    return [
        {
            "label": _("Reviewer %(number)d") % {"number": number},
            "total_score": review.total_score,
            "overall_comment": review.overall_comment,
            "recommendation": review.get_recommendation_display(),
            "scores": list(review.scores.all()),
        }
        for number, review in enumerate(reviews, start=1)
    ]


def evaluation_context(request, application: Application, bound_forms: dict | None = None) -> dict:
    """Context of the decision, shared reviews and questions sections of the application page (see the module
    docstring). ``bound_forms``: ``{clarification id: bound ClarificationAnswerForm}`` to show again as typed."""
    user = request.user
    if not permissions.can_view_decision(user, application):
        return {"show_evaluation": False}
    bound_forms = bound_forms or {}
    zone, country = application.call.timezone, call_country_code(application.call)
    decision = application.decisions.order_by("-decided_at", "-pk").first()
    clarifications = []
    for item in application.clarifications.order_by("asked_at", "pk"):
        form = None
        if permissions.can_answer_clarification(user, item):
            form = bound_forms.get(item.pk) or ClarificationAnswerForm(prefix=f"answer-{item.pk}")
        clarifications.append(
            {
                "item": item,
                "asked": format_in_zone(item.asked_at, zone, country),
                "answered": format_in_zone(item.answered_at, zone, country),
                "form": form,
            }
        )
    share = permissions.can_view_shared_reviews(user, application)
    return {
        "show_evaluation": True,
        "decision": decision,
        "decision_time": format_in_zone(decision.decided_at, zone, country) if decision else "",
        "share_scores": share,
        "shared_reviews": _shared_reviews(application) if share else [],
        "clarifications": clarifications,
    }


@login_required
@require_POST
def clarification_answer(request, pk: int, clarification_pk: int):
    """Answer question ``clarification_pk`` of application ``pk``. An application the user may not see is a 404;
    someone who may see it but is not a member of the lead applicant organisation (staff, a reviewer) gets 403. An
    invalid answer shows the page again with the text as typed; a question already answered sends the member back
    to the page with a message."""
    from grants.views.applications import _application_or_404, render_detail

    application = _application_or_404(request, pk)
    clarification = get_object_or_404(application.clarifications, pk=clarification_pk)
    clarification.application = application
    if not is_organisation_member(request.user, application.organisation_id):
        raise PermissionDenied
    if clarification.is_answered:  # a double click or another member answered first
        messages.info(request, _("This question has already been answered."))
        return redirect("grants:application_detail", pk=application.pk)
    form = ClarificationAnswerForm(request.POST, prefix=f"answer-{clarification.pk}")
    if form.is_valid():
        from grants.services.clarifications import answer_clarification

        try:
            answer_clarification(clarification.pk, user=request.user, answer=form.cleaned_data["answer"])
        except ApplicationPermissionError:
            raise PermissionDenied from None
        except ApplicationError as error:
            form.add_error("answer", " ".join(error.messages))
        else:
            messages.success(request, _("Your answer was sent to the programme staff."))
            return redirect("grants:application_detail", pk=application.pk)
    return render_detail(request, application, bound_forms={clarification.pk: form})
