"""Staff admin for ranking and decisions, and the automatic reviewer assignment of a call (issue 4, items 3 and 5).

URLs (namespace ``grants_ranking``, under ``/admin/grants_ranking/``; menu "Grants → Ranking and decisions"):

- ``""`` (``index``): calls with their applications in the ranking and those waiting for reviewers.
- ``<call_pk>/`` (``call``): the ranking per lot (:func:`grants.ranking.ranking_for_call`) with a decision form per
  row and a batch form. POST ``decide=<application id>`` records one decision
  (:func:`grants.services.decisions.record_decision`); POST ``batch`` records one outcome for the ticked rows
  (:func:`~grants.services.decisions.record_decisions`, per-row results; "recommend" moves reviewed applications
  to recommended). Each form carries a random ``request_token``: a replayed POST records nothing twice and says
  so. Results are page messages at the top: recorded (and whether anyone could be told: an organisation without
  member accounts gets no mail), already recorded, refused rows with the reason, and a warning when the call's
  awards go beyond its envelope (:func:`warn_if_over_envelope`; a warning, never a refusal). An invalid batch form
  is shown again at its anchor (``#batch``) with each error naming its field, also listed as messages.
- ``<call_pk>/assign/`` (``assign``): "Assign reviewers automatically" (:func:`grants.services.reviews.auto_assign`).

Every view needs ``is_staff`` and ``grants.view_application`` (403 otherwise; the admin sends anonymous users to
the sign-in page and answers 403 to signed-in users without admin access, see
:func:`portal.accounts.views.wagtail_admin_login`). A refused or invalid decision shows the page again with what was
typed and the reason, nothing lost.
"""

import secrets

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet

from .admin_header import StaffPageMixin
from .admin_views import ReadOnlyApplicationPolicy
from .formatting import format_eur
from .models import Application, Call, DecisionOutcome
from .models.calls import ZERO
from .ranking import RANKED_STATUSES, EnvelopeSummary, call_awarded_total, envelope_summary, ranking_for_call
from .services.decisions import DECIDABLE_STATUSES, outcomes_for
from .services.errors import ApplicationError
from .services.reviews import REVIEWABLE_STATUSES
from .services.workflow import MAX_COMMENT_LENGTH

RECOMMEND = "recommend"


def new_token() -> str:
    """A random request token for one form (32 hex characters)."""
    return secrets.token_hex(16)


class DecisionForm(forms.Form):
    """One application's decision (prefix ``decision-<application id>``): outcome, amount (EUR, award only), reason."""

    outcome = forms.ChoiceField(label=_("Decision"), choices=DecisionOutcome.choices)
    amount_eur = forms.DecimalField(
        label=_("Amount (EUR)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    reason = forms.CharField(label=_("Reason"), max_length=MAX_COMMENT_LENGTH, widget=forms.Textarea(attrs={"rows": 2}))
    request_token = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == DecisionOutcome.AWARD and cleaned.get("amount_eur") is None:
            self.add_error("amount_eur", _("Give the awarded amount in EUR."))
        return cleaned


BATCH_CHOICES = [(RECOMMEND, _("Recommend for funding")), *DecisionOutcome.choices]


class BatchDecisionForm(forms.Form):
    """One outcome and one reason for the ticked applications (``batch-applications``); an award gives each
    application its requested amount. Error messages name the field (they are also shown as page messages)."""

    applications = forms.TypedMultipleChoiceField(
        label=_("Applications"),
        coerce=int,
        choices=(),
        error_messages={
            "required": _("Choose at least one application: tick it in the first column of the ranking."),
            "invalid_choice": _("One of the ticked applications can no longer be decided: reload the page."),
        },
    )
    outcome = forms.ChoiceField(label=_("Decision for the ticked applications"), choices=BATCH_CHOICES)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=MAX_COMMENT_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    request_token = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, application_ids=(), **kwargs):
        super().__init__(*args, prefix="batch", **kwargs)
        self.fields["applications"].choices = [(pk, pk) for pk in application_ids]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") in DecisionOutcome.values and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason: the applicant will be told why."))
        return cleaned

    def error_list(self) -> list[str]:
        """Every error as one line naming its field ("Reason: …"), for the page messages."""
        lines = [str(error) for error in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name == "__all__":
                continue
            label = self.fields[name].label if name in self.fields else name
            lines.extend(f"{label}: {error}" for error in errors)
        return lines


class _CallView(PermissionCheckedMixin, StaffPageMixin, View):
    permission_policy = ReadOnlyApplicationPolicy(Application)
    permission_required = "view"
    header_icon = "list-ol"

    def setup(self, request, *args, call_pk=None, **kwargs):
        super().setup(request, *args, **kwargs)
        self.call_pk = call_pk

    def load(self) -> Call:
        self.call = get_object_or_404(Call.objects.select_related("country"), pk=self.call_pk)
        return self.call

    def get_page_subtitle(self):
        return str(self.call)

    def get_parent_breadcrumbs(self):
        return [{"url": reverse("grants_ranking:index"), "label": _("Ranking and decisions")}]


class RankingIndexView(_CallView):
    """The calls, newest deadline first, with how many applications are ranked and how many await reviewers."""

    template_name = "grants/admin/ranking_index.html"
    page_title = _("Ranking and decisions")

    def get_page_subtitle(self):
        return ""

    def get_parent_breadcrumbs(self):
        return []

    def get(self, request, *args, **kwargs):
        calls = Call.objects.select_related("country").annotate(
            ranked=Count("applications", filter=Q(applications__status__in=RANKED_STATUSES)),
            reviewable=Count("applications", filter=Q(applications__status__in=REVIEWABLE_STATUSES)),
        )
        return self.render_to_response(self.get_context_data(calls=calls.order_by("-closes_at", "title")))


def warn_if_over_envelope(request, call: Call) -> None:
    """Add a warning message when the awards of ``call`` add up to more than its envelope (one query). A warning,
    not a refusal: staff may knowingly commit more (e.g. expecting savings elsewhere)."""
    summary = EnvelopeSummary(
        envelope_eur=call.total_envelope or ZERO, awarded_eur=call_awarded_total(call), requested_eur=ZERO
    )
    if summary.over_envelope:
        messages.warning(
            request,
            _("Awards in this call now total %(awarded)s: %(overrun)s more than its envelope of %(envelope)s.")
            % {
                "awarded": format_eur(summary.awarded_eur),
                "overrun": format_eur(summary.overrun_eur),
                "envelope": format_eur(summary.envelope_eur),
            },
        )


class CallRankingView(_CallView):
    """The ranking of one call per lot with the decision forms (see the module docstring)."""

    template_name = "grants/admin/ranking.html"
    page_title = _("Ranking")

    def get(self, request, *args, **kwargs):
        self.load()
        return self._render()

    def _render(self, bound=None, batch=None, status=200):
        """The page; ``bound``: ``{application id: bound DecisionForm}`` to show again as typed; ``batch``: a bound
        batch form."""
        bound = bound or {}
        lots = ranking_for_call(self.call)
        decidable = []
        for lot in lots:
            for row in lot.rows:
                application = row.application
                row.outcomes = outcomes_for(application.status)
                if row.outcomes:
                    decidable.append(application.pk)
                    row.form = bound.get(application.pk) or DecisionForm(
                        prefix=f"decision-{application.pk}",
                        initial={
                            "outcome": row.outcomes[0],
                            "amount_eur": application.requested_amount_eur,
                            "request_token": new_token(),
                        },
                    )
                    row.form.fields["outcome"].choices = [
                        (value, label) for value, label in DecisionOutcome.choices if value in row.outcomes
                    ]
        selected = set(batch.data.getlist("batch-applications")) if batch is not None else set()
        batch = batch or BatchDecisionForm(initial={"request_token": new_token()}, application_ids=decidable)
        context = self.get_context_data(
            call=self.call,
            lots=lots,
            summary=envelope_summary(self.call, lots),
            batch_form=batch,
            batch_selected=selected,
            has_decidable=bool(decidable),
            assign_url=reverse("grants_ranking:assign", args=[self.call.pk]),
        )
        return self.render_to_response(context, status=status)

    def _page_url(self, anchor: str = "") -> str:
        return reverse("grants_ranking:call", args=[self.call.pk]) + (f"#{anchor}" if anchor else "")

    def post(self, request, *args, **kwargs):
        self.load()
        if "batch" in request.POST:
            return self._post_batch(request)
        try:
            application_id = int(request.POST.get("decide", ""))
        except ValueError:
            messages.error(request, _("Choose an application."))
            return redirect(request.path)
        application = get_object_or_404(Application.objects.visible_to(request.user), pk=application_id, call=self.call)
        form = DecisionForm(request.POST, prefix=f"decision-{application.pk}")
        if not form.is_valid():
            return self._render(bound={application.pk: form})
        return self._decide(request, application, form)

    def _decide(self, request, application, form):
        from .services.decisions import decide

        data = form.cleaned_data
        try:
            result = decide(
                application.pk,
                data["outcome"],
                user=request.user,
                reason=data["reason"],
                amount_eur=data["amount_eur"],
                request_token=data["request_token"],
            )
        except ApplicationError as error:
            form.add_error(None, " ".join(error.messages))
            return self._render(bound={application.pk: form})
        values = {"reference": application.reference, "decision": result.decision.get_outcome_display()}
        if not result.created:
            messages.info(request, _("%(reference)s: this decision was already recorded.") % values)
        elif result.notified:
            messages.success(request, _("%(reference)s: %(decision)s recorded; the applicant was notified.") % values)
        else:
            messages.warning(
                request,
                _(
                    "%(reference)s: %(decision)s recorded. Nobody could be notified: the applicant organisation "
                    "has no member accounts."
                )
                % values,
            )
        if result.created and result.decision.outcome == DecisionOutcome.AWARD:
            warn_if_over_envelope(request, self.call)
        return redirect(self._page_url(f"row-{application.pk}"))

    def _post_batch(self, request):
        ids = list(
            Application.objects.filter(call=self.call, status__in=DECIDABLE_STATUSES).values_list("pk", flat=True)
        )
        form = BatchDecisionForm(request.POST, application_ids=ids)
        if not form.is_valid():
            for line in form.error_list():
                messages.error(request, _("Nothing was decided. %(error)s") % {"error": line})
            return self._render(batch=form)
        data = form.cleaned_data
        references = dict(Application.objects.filter(pk__in=data["applications"]).values_list("pk", "reference"))
        if data["outcome"] == RECOMMEND:
            done, replayed, unnotified, errors = self._batch_recommend(request, data)
        else:
            done, replayed, unnotified, errors = self._batch_decide(request, data)
        self._batch_messages(request, data["outcome"], done, replayed, [references.get(pk, pk) for pk in unnotified])
        for application_id, error in errors:
            messages.error(request, f"{references.get(application_id, application_id)}: {error}")
        if data["outcome"] == DecisionOutcome.AWARD and done:
            warn_if_over_envelope(request, self.call)
        return redirect(self._page_url())

    @staticmethod
    def _batch_recommend(request, data):
        from .services.decisions import recommend

        done, errors = 0, []
        for application_id in data["applications"]:
            try:
                recommend(application_id, user=request.user, comment=data["reason"])
            except ApplicationError as error:
                errors.append((application_id, " ".join(error.messages)))
            else:
                done += 1
        return done, 0, [], errors

    @staticmethod
    def _batch_decide(request, data):
        from .services.decisions import record_decisions

        rows = [
            {
                "application_id": application_id,
                "outcome": data["outcome"],
                "reason": data["reason"],
                "request_token": data["request_token"],
            }
            for application_id in data["applications"]
        ]
        done, replayed, unnotified, errors = 0, 0, [], []
        for result in record_decisions(rows, user=request.user):
            if not result.ok:
                errors.append((result.application_id, result.error))
            elif not result.created:
                replayed += 1
            else:
                done += 1
                if not result.notified:
                    unnotified.append(result.application_id)
        return done, replayed, unnotified, errors

    @staticmethod
    def _batch_messages(request, outcome, done, replayed, unnotified):
        """Counts of a batch as page messages, with plurals (ngettext)."""
        if done and outcome == RECOMMEND:
            text = ngettext(
                "%(count)d application recommended for funding.",
                "%(count)d applications recommended for funding.",
                done,
            )
            messages.success(request, text % {"count": done})
        elif done:
            text = ngettext(
                "Decision “%(decision)s” recorded for %(count)d application.",
                "Decision “%(decision)s” recorded for %(count)d applications.",
                done,
            )
            messages.success(request, text % {"count": done, "decision": DecisionOutcome(outcome).label})
        if replayed:
            text = ngettext(
                "%(count)d application already had this decision: nothing was recorded twice.",
                "%(count)d applications already had this decision: nothing was recorded twice.",
                replayed,
            )
            messages.info(request, text % {"count": replayed})
        if unnotified:
            messages.warning(
                request,
                _("Nobody could be notified for %(references)s: the applicant organisation has no member accounts.")
                % {"references": ", ".join(str(reference) for reference in unnotified)},
            )


class AutoAssignForm(forms.Form):
    per_application = forms.IntegerField(label=_("Reviewers per application"), min_value=1, max_value=10)


class AutoAssignView(_CallView):
    """GET: how many applications await reviewers, and the form (default: the call's reviews per application).
    POST: :func:`grants.services.reviews.auto_assign`; the page shows the result (assignments made, applications
    left short with how many reviewers they miss). Running it again adds nothing."""

    template_name = "grants/admin/auto_assign.html"
    page_title = _("Assign reviewers automatically")

    def get_parent_breadcrumbs(self):
        return [
            *super().get_parent_breadcrumbs(),
            {"url": reverse("grants_ranking:call", args=[self.call.pk]), "label": _("Ranking")},
        ]

    def _render(self, form, result=None, error=None):
        applications = Application.objects.filter(call=self.call, status__in=REVIEWABLE_STATUSES)
        unfilled = []
        if result:
            references = dict(applications.filter(pk__in=result["unfilled"]).values_list("pk", "reference"))
            unfilled = [(references.get(pk, pk), missing) for pk, missing in sorted(result["unfilled"].items())]
        context = self.get_context_data(
            call=self.call,
            form=form,
            result=result,
            unfilled=unfilled,
            error=error,
            waiting=applications.count(),
            ranking_url=reverse("grants_ranking:call", args=[self.call.pk]),
        )
        return self.render_to_response(context)

    def get(self, request, *args, **kwargs):
        self.load()
        return self._render(AutoAssignForm(initial={"per_application": self.call.reviews_per_application}))

    def post(self, request, *args, **kwargs):
        from .services.reviews import auto_assign

        self.load()
        form = AutoAssignForm(request.POST)
        if not form.is_valid():
            return self._render(form)
        try:
            result = auto_assign(self.call.pk, per_application=form.cleaned_data["per_application"], user=request.user)
        except ApplicationError as error:
            return self._render(form, error=" ".join(error.messages))
        return self._render(form, result=result)


class RankingViewSet(ViewSet):
    """ "Ranking and decisions" in the Grants menu (see the module docstring for the URLs)."""

    name = "grants_ranking"
    icon = "list-ol"
    menu_label = _("Ranking and decisions")
    menu_name = "ranking"

    def get_urlpatterns(self):
        return [
            path("", RankingIndexView.as_view(), name="index"),
            path("<int:call_pk>/", CallRankingView.as_view(), name="call"),
            path("<int:call_pk>/assign/", AutoAssignView.as_view(), name="assign"),
        ]

    @property
    def menu_item_class(self):
        from wagtail.admin.menu import MenuItem

        policy = ReadOnlyApplicationPolicy(Application)

        class RankingMenuItem(MenuItem):
            def is_shown(self, request):
                return policy.user_has_permission(request.user, "view")

        return RankingMenuItem
