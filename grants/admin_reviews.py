"""Staff pieces of the application inspect view for review and clarification (issue 4, items 3, 4 and 6).

- :func:`review_panel_context`: what the inspect view adds: the reviewers (assignment and review status), the
  reviewers staff may still assign (with why others are excluded), the review summary kept by the scoring service
  (score, spread, submitted reviews, flags), the decisions and the clarification requests.
- :class:`AssignReviewerView` (POST ``reviewers/<pk>/assign/``) and :class:`RemoveReviewerView` (POST
  ``reviewers/<pk>/remove/<assignment_pk>/``) call :mod:`grants.services.reviews` and return to the inspect view.
- :class:`AskClarificationView` (GET/POST ``clarify/<pk>/``): staff ask the applicant a question
  (:func:`grants.services.clarifications.ask_clarification`).

Every view needs ``is_staff`` and ``grants.view_application`` (the applications' permission policy): anyone else
gets 403 (the admin sends anonymous users and users without admin access to the login page). Applications are
looked up through ``visible_to``.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from portal.accounts.roles import REVIEWERS_GROUP

from .admin_header import StaffPageMixin, application_breadcrumbs
from .admin_views import ReadOnlyApplicationPolicy
from .formatting import call_country_code, format_in_zone
from .models import Application, ReviewAssignment, ReviewAssignmentStatus
from .permissions import can_ask_clarification, can_assign_reviewers
from .ranking import flag_labels
from .services.clarifications import MAX_TEXT_LENGTH
from .services.errors import ApplicationError
from .services.reviews import REVIEWABLE_STATUSES


def _reviewer_label(user) -> str:
    full = user.get_full_name()
    return f"{full} <{user.email}>" if full else user.email


def review_panel_context(application: Application, user) -> dict:
    """Context the inspect template uses for the reviewers, review summary, decisions and clarifications panels.

    Keys: ``assignments`` (ReviewAssignment with ``reviewer`` and ``review_or_none``), ``may_assign`` (bool),
    ``reviewer_options`` (``[(user, label, reason or None)]``), ``assign_url``, ``remove_url_name``,
    ``score_flag_labels``, ``decisions`` (``[(Decision, time in the call's zone)]``), ``clarifications``
    (``[(Clarification, asked time, answered time)]``), ``may_ask``, ``ask_url``. Queries do not grow with the
    number of reviewers, decisions or questions.
    """
    from .services.reviews import reviewer_options

    zone, country = application.call.timezone, call_country_code(application.call)
    assignments = list(
        ReviewAssignment.objects.filter(application=application)
        .select_related("reviewer", "review")
        .order_by("assigned_at", "pk")
    )
    for assignment in assignments:
        assignment.review_or_none = getattr(assignment, "review", None)
        assignment.removable = assignment.status in (
            ReviewAssignmentStatus.PENDING_DECLARATION,
            ReviewAssignmentStatus.ACCEPTED,
        )
    may_assign = can_assign_reviewers(user, application.call) and application.status in REVIEWABLE_STATUSES
    options = []
    if may_assign:
        options = [(r, _reviewer_label(r), reason) for r, reason in reviewer_options(application)]
    decisions = [
        (decision, format_in_zone(decision.decided_at, zone, country))
        for decision in application.decisions.select_related("decided_by").order_by("decided_at", "pk")
    ]
    clarifications = [
        (item, format_in_zone(item.asked_at, zone, country), format_in_zone(item.answered_at, zone, country))
        for item in application.clarifications.select_related("asked_by", "answered_by").order_by("asked_at", "pk")
    ]
    may_ask = can_ask_clarification(user, application)
    return {
        "assignments": assignments,
        "may_assign": may_assign,
        "reviewer_options": options,
        "assign_url": reverse("grants_applications:assign_reviewer", args=[application.pk]),
        "score_flag_labels": flag_labels(application.score_flags),
        "decisions": decisions,
        "clarifications": clarifications,
        "may_ask": may_ask,
        "ask_url": reverse("grants_applications:clarify", args=[application.pk]) if may_ask else "",
    }


class _StaffApplicationView(PermissionCheckedMixin, StaffPageMixin, View):
    """Base of the staff views on one application (``pk``): policy check, lookup through ``visible_to``."""

    permission_policy = ReadOnlyApplicationPolicy(Application)
    permission_required = "view"
    header_icon = "form"

    def setup(self, request, *args, pk, **kwargs):
        super().setup(request, *args, **kwargs)
        self.pk = pk

    def load(self) -> Application:
        self.application = get_object_or_404(
            Application.objects.visible_to(self.request.user).select_related(
                "call__country", "lot", "rules_version", "organisation__country"
            ),
            pk=self.pk,
        )
        return self.application

    def inspect_url(self) -> str:
        return reverse("grants_applications:inspect", args=[self.pk])

    def get_page_subtitle(self):
        return str(self.application)

    def get_parent_breadcrumbs(self):
        return application_breadcrumbs(self.application)


class AssignReviewerForm(forms.Form):
    """The reviewer to assign: an active user of the reviewers group."""

    reviewer = forms.ModelChoiceField(
        label=_("Reviewer"),
        queryset=get_user_model().objects.filter(is_active=True, groups__name=REVIEWERS_GROUP).distinct(),
    )


class AssignReviewerView(_StaffApplicationView):
    """POST: assign the chosen reviewer (:func:`grants.services.reviews.assign_reviewer`); back to the inspect
    view with a message (the refusal's reason when refused: excluded, conflicted, wrong status)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        from .services.reviews import assign_reviewer

        self.load()
        form = AssignReviewerForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a reviewer from the list."))
            return redirect(self.inspect_url())
        reviewer = form.cleaned_data["reviewer"]
        try:
            assign_reviewer(self.application.pk, reviewer, user=request.user)
        except ApplicationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "%(reviewer)s was assigned; they must declare any conflict of interest before reading the "
                    "application."
                )
                % {"reviewer": _reviewer_label(reviewer)},
            )
        return redirect(self.inspect_url() + "#reviewers")


class RemoveReviewerView(_StaffApplicationView):
    """POST: take the reviewer of assignment ``assignment_pk`` (of this application) off it
    (:func:`grants.services.reviews.remove_reviewer`); back to the inspect view."""

    http_method_names = ["post"]

    def setup(self, request, *args, assignment_pk, **kwargs):
        super().setup(request, *args, **kwargs)
        self.assignment_pk = assignment_pk

    def post(self, request, *args, **kwargs):
        from .services.reviews import remove_reviewer

        self.load()
        assignment = get_object_or_404(
            ReviewAssignment.objects.select_related("reviewer"), pk=self.assignment_pk, application=self.application
        )
        try:
            remove_reviewer(assignment.pk, user=request.user, reason=request.POST.get("reason", ""))
        except ApplicationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("%(reviewer)s was removed.") % {"reviewer": _reviewer_label(assignment.reviewer)}
            )
        return redirect(self.inspect_url() + "#reviewers")


class ClarificationForm(forms.Form):
    question = forms.CharField(
        label=_("Question to the applicant"),
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Sent by email to the members of the lead applicant organisation; they answer on the application."),
    )


class AskClarificationView(_StaffApplicationView):
    """GET: the question form. POST: :func:`grants.services.clarifications.ask_clarification`, then back to the
    inspect view; a refused or invalid question is shown again with the text as typed."""

    template_name = "grants/admin/application_clarify.html"

    def get_page_title(self):
        return _("Ask the applicant a question")

    def _render(self, form, error=None, status=200):
        context = self.get_context_data(
            form=form, application=self.application, error=error, inspect_url=self.inspect_url()
        )
        return self.render_to_response(context, status=status)

    def get(self, request, *args, **kwargs):
        self.load()
        if not can_ask_clarification(request.user, self.application):
            messages.error(
                request, _("Questions can be asked only about submitted applications that were not withdrawn.")
            )
            return redirect(self.inspect_url())
        return self._render(ClarificationForm())

    def post(self, request, *args, **kwargs):
        from .services.clarifications import ask_clarification

        self.load()
        form = ClarificationForm(request.POST)
        if not form.is_valid():
            return self._render(form)
        try:
            ask_clarification(self.application.pk, user=request.user, question=form.cleaned_data["question"])
        except ApplicationError as error:
            return self._render(form, error=" ".join(error.messages))
        messages.success(request, _("Your question was sent to the applicant."))
        return redirect(self.inspect_url() + "#clarifications")
