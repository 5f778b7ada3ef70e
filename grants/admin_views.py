"""Pieces of the grants admin (see :mod:`grants.wagtail_hooks`): the call form, permission policies, the
applications filters and the applications inspect view.

- :class:`CallAdminForm`: the call's rules as checkboxes, opening and deadline typed in the call's own time zone,
  and no change to the rules once the call has opened: ``Call.clean()`` refuses changed rule fields, the form
  refuses changed eligible countries, lots, criteria and documents.
- :class:`ReadOnlyApplicationPolicy`: staff read applications; nobody adds, edits or deletes them in the admin
  (state changes go through :mod:`grants.services`; staff never edit an applicant's text).
- :class:`ScreenApplicationView`: staff record the screening of a submitted application after the deadline.
"""

from zoneinfo import ZoneInfo, available_timezones

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Prefetch, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import linebreaks_filter
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_filters import ChoiceFilter, ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.permission_policies import ModelPermissionPolicy

from community.models import OrganisationType
from portal.models import Country

from .admin_agreements import agreement_links
from .admin_header import StaffPageMixin, application_breadcrumbs
from .formatting import call_country_code, format_eur, format_in_zone
from .integrity import flags_for_application
from .models import (
    ActivityLog,
    Application,
    ApplicationPartner,
    ApplicationStatus,
    Attachment,
    BudgetLine,
    Call,
    Lot,
)
from .models.calls import ZERO
from .permissions import can_view_application, can_view_attachment

# Fields of Call that are part of its published rules (see Call.rules_snapshot): frozen once the call opens.
RULE_FIELDS = [
    "country",
    "currency",
    "total_envelope",
    "min_grant",
    "max_grant",
    "max_duration_months",
    "eligible_countries",
    "min_years_registered",
    "max_annual_budget",
    "eligible_organisation_types",
    "applications_per_lot",
    "pass_mark",
    "accepted_languages",
    "opens_at",
    "closes_at",
    "timezone",
]
LOCAL_TIME_FIELDS = ["opens_at", "closes_at"]
# Inline relations of a call and their key in Call.rules_snapshot (for Call.rule_label).
RELATION_RULES = {"lot": "lots", "evaluationcriterion": "criteria", "requireddocument": "documents"}


def language_choices():
    from django.conf import settings

    return [(code, name) for code, name in settings.LANGUAGES]


class CallAdminForm(WagtailAdminModelForm):
    """The staff form of a :class:`~grants.models.Call` (with its lots, criteria and documents as inline panels).

    ``opens_at`` and ``closes_at`` are entered and shown as wall-clock times in the call's ``timezone`` (e.g.
    16:00 Europe/Skopje), whatever the staff member's own zone, and stored in UTC. Once the stored call has opened
    (``Call.rules_are_frozen``), a change to a rule is refused with a form error and nothing is saved: the model's
    ``Call.clean()`` (run by ``full_clean`` as in every ModelForm) checks the call's own fields; this form checks
    the eligible countries and the lots, criteria and required documents, which are saved after ``full_clean``.
    """

    eligible_organisation_types = forms.MultipleChoiceField(
        label=_("Eligible organisation types"),
        choices=OrganisationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Types that may apply as lead applicant; none ticked means any."),
    )
    accepted_languages = forms.MultipleChoiceField(
        label=_("Accepted languages"), choices=language_choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone_name = self.instance.timezone if self.instance.pk else None
        for name in LOCAL_TIME_FIELDS:
            if name not in self.fields:
                continue
            self.fields[name].help_text = _("Wall-clock time in the call's time zone (e.g. 16:00 in Europe/Skopje).")
            value = getattr(self.instance, name, None)
            if zone_name and value is not None:
                # A naive value is shown as it is (no conversion to the staff member's zone).
                self.initial[name] = self.instance.local(value).replace(tzinfo=None)

    def clean(self):
        cleaned = super().clean()
        self._localise_times(cleaned)
        if self.instance.pk and self.instance.rules_are_frozen:
            # The scalar rule fields are checked by Call.clean() (validate_rules_unchanged) when the ModelForm runs
            # full_clean; the eligible countries and the inline rows are saved after it, so they are checked here.
            changed = self._changed_countries(cleaned) + self._changed_children()
            if changed:
                raise ValidationError(
                    _(
                        "The rules of this call are frozen since it opened; they can no longer be changed "
                        "(changed: %(rules)s). Publish a corrigendum or a new call instead."
                    ),
                    params={"rules": ", ".join(changed)},
                    code="rules_frozen",
                )
        return cleaned

    def _changed_countries(self, cleaned) -> list[str]:
        if "eligible_countries" not in cleaned:
            return []
        stored = set(self.instance.eligible_countries.values_list("pk", flat=True))
        if {country.pk for country in cleaned["eligible_countries"] or []} == stored:
            return []
        return [Call.rule_label("eligible_countries")]

    def _changed_children(self) -> list[str]:
        """Names of the inline relations (lots, criteria, required documents) with an added, deleted or changed row,
        compared field by field with the stored rows."""
        changed = []
        for formset in self.formsets.values():
            if not formset.is_valid():
                continue  # its own errors are shown; nothing is saved
            stored = {obj.pk: obj for obj in formset.model.objects.filter(call_id=self.instance.pk)}
            seen = set()
            differs = False
            for form in formset.forms:
                pk = form.instance.pk
                if pk:
                    seen.add(pk)
                if formset.can_delete and formset._should_delete_form(form):
                    differs = differs or bool(pk)
                    continue
                if pk is None:
                    differs = differs or form.has_changed()
                    continue
                original = stored.get(pk)
                for name, value in form.cleaned_data.items():
                    if name in ("id", "DELETE", "ORDER", "call") or original is None:
                        continue
                    if getattr(original, name, value) != value:
                        differs = True
            if differs or set(stored) - seen:
                changed.append(Call.rule_label(RELATION_RULES.get(formset.model._meta.model_name, "")))
        return changed

    def _localise_times(self, cleaned):
        """Reinterpret the entered opening and deadline as wall-clock times in the call's chosen time zone."""
        zone_name = cleaned.get("timezone") or self.instance.timezone
        if zone_name not in available_timezones():
            return  # the timezone field reports the error
        zone = ZoneInfo(zone_name)
        current = timezone.get_current_timezone()
        for name in LOCAL_TIME_FIELDS:
            value = cleaned.get(name)
            if value is None:
                continue
            wall = value.astimezone(current).replace(tzinfo=None) if timezone.is_aware(value) else value
            cleaned[name] = wall.replace(tzinfo=zone)
            stored = getattr(self.instance, name, None) if self.instance.pk else None
            if stored is not None and stored.replace(second=0, microsecond=0) == cleaned[name]:
                cleaned[name] = stored  # shown to the minute and sent back unchanged: keep the stored value


class CallPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, staff only; a call with applications or public pages cannot be deleted (PROTECT)."""

    def user_has_permission(self, user, action):
        return user.is_active and user.is_staff and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "delete" and (instance.applications.exists() or instance.pages.exists()):
            return False
        return self.user_has_permission(user, action)


class ReadOnlyApplicationPolicy(ModelPermissionPolicy):
    """Only ``view`` (with the ``grants.view_application`` permission, staff only); add, change, delete refused."""

    def user_has_permission(self, user, action):
        if action != "view":
            return False
        return user.is_active and user.is_staff and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and can_view_application(user, instance)


class LotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.call.code} – {obj}"


class LotFilter(ModelChoiceFilter):
    field_class = LotChoiceField


class ApplicationFilterSet(WagtailFilterSet):
    """Staff filters of the applications list: call, lot, the lead applicant's country, status."""

    call = ModelChoiceFilter(queryset=Call.objects.all(), label=_("Call"))
    lot = LotFilter(queryset=Lot.objects.select_related("call").order_by("call__code", "sort_order"), label=_("Lot"))
    country = ModelChoiceFilter(
        field_name="organisation__country", queryset=Country.objects.all(), label=_("Lead applicant's country")
    )
    status = ChoiceFilter(choices=ApplicationStatus.choices, label=_("Status"))

    class Meta:
        model = Application
        fields = ["call", "lot", "country", "status"]


def staff_application_queryset():
    """Applications with everything the staff list shows joined (call, lot, organisation and its country) and
    ``budget_total``/``co_financing_total`` (EUR) annotated: the list's query count does not grow with its rows."""
    lines = BudgetLine.objects.filter(application=OuterRef("pk")).order_by().values("application")
    return Application.objects.select_related("call__country", "lot", "organisation__country").annotate(
        # Correlated subqueries rather than a join and GROUP BY: the paginator's COUNT(*) can then leave them out.
        budget_total=Coalesce(Subquery(lines.annotate(total=Sum("total_eur")).values("total")), ZERO),
        co_financing_total=Coalesce(Subquery(lines.annotate(total=Sum("co_financing_eur")).values("total")), ZERO),
    )


class ApplicationIndexView(IndexView):
    """The staff list of applications: one query for the page of rows whatever its length."""

    def get_base_queryset(self):
        return staff_application_queryset().visible_to(self.request.user)


def _call_links(user, call) -> list[tuple[str, str, str]]:
    """``[(label, url, icon)]`` of the call's staff pages ``user`` may open: ranking and automatic reviewer
    assignment (:mod:`grants.admin_decisions`), dashboard, integrity checks and exports
    (:mod:`grants.admin_reports`)."""
    from .admin_reports import report_urls
    from .permissions import can_view_call_reports

    links = []
    if ReadOnlyApplicationPolicy(Application).user_has_permission(user, "view"):
        links += [
            (_("Ranking and decisions"), reverse("grants_ranking:call", args=[call.pk]), "list-ol"),
            (_("Assign reviewers automatically"), reverse("grants_ranking:assign", args=[call.pk]), "group"),
        ]
    if can_view_call_reports(user, call):
        urls = report_urls(call)
        links += [
            (_("Dashboard"), urls["dashboard"], "table"),
            (_("Integrity checks"), urls["integrity"], "warning"),
            (_("Export CSV"), urls["export_csv"], "download"),
            (_("Export XLSX"), urls["export_xlsx"], "download"),
        ]
    return links


class CallIndexView(IndexView):
    """The calls, each with "Ranking and decisions" and "Assign reviewers automatically" in its "More" menu for
    staff who may read applications."""

    def get_base_queryset(self):
        return Call.objects.select_related("country")

    def get_list_more_buttons(self, instance):
        """Wagtail's buttons, plus the call's ranking, reviewer assignment, dashboard, integrity checks and exports
        for staff who may open them (:func:`_call_links`)."""
        from wagtail.admin.ui.menus import MenuItem

        buttons = super().get_list_more_buttons(instance)
        buttons += [
            MenuItem(label, url, icon_name=icon, priority=30 + n)
            for n, (label, url, icon) in enumerate(_call_links(self.request.user, instance))
        ]
        return buttons


class CallInspectView(InspectView):
    """The call's fields, with its ranking, reviewer assignment, dashboard, integrity checks and exports in the
    header for staff who may open them (:func:`_call_links`)."""

    @cached_property
    def header_more_buttons(self):
        from wagtail.admin.widgets.button import Button

        buttons = list(super().header_more_buttons)
        buttons += [
            Button(label, url=url, icon_name=icon, priority=30 + n)
            for n, (label, url, icon) in enumerate(_call_links(self.request.user, self.object))
        ]
        return buttons


def attachment_download_url(attachment) -> str | None:
    """The permission-checked download URL of ``attachment`` (``grants:attachment_download``), or None when that
    view is not installed."""
    try:
        return reverse("grants:attachment_download", args=[attachment.pk])
    except NoReverseMatch:
        return None


#: What the inspect view shows for an empty field (instead of "None" or nothing).
EMPTY = "—"
#: Times the inspect view shows in the call's zone.
TIME_FIELDS = ["created_at", "updated_at", "submitted_at", "withdrawn_at"]
TEXT_FIELDS = ["summary", "problem", "objectives", "activities", "expected_results", "data_use"]


class ApplicationInspectView(InspectView):
    """Everything staff need to read an application: its fields, budget lines with the total (summed in the
    database), co-applicants, attachments (download links through the permission-checked view), the reviewers
    (assign, remove), the review summary, decisions, clarification requests and the activity log
    (:func:`grants.admin_reviews.review_panel_context`). Nothing is edited here: actions post to their own views."""

    template_name = "grants/admin/application_inspect.html"

    def get_object(self, queryset=None):
        application = get_object_or_404(
            staff_application_queryset()
            .visible_to(self.request.user)
            .select_related("rules_version", "created_by", "submitted_by", "eligibility_check__checked_by")
            .prefetch_related(
                "budget_lines",
                Prefetch("partners", queryset=ApplicationPartner.objects.select_related("organisation__country")),
                Prefetch("attachments", queryset=Attachment.objects.select_related("document")),
                Prefetch("activity_log", queryset=ActivityLog.objects.select_related("actor")),
                "eligibility_check__items",
            ),
            pk=self.pk,
        )
        return application

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.object
        user = self.request.user
        screenable = may_screen(user, application)
        attachments = [
            (attachment, attachment_download_url(attachment) if can_view_attachment(user, attachment) else None)
            for attachment in application.attachments.all()
        ]
        context.update(
            application=application,
            budget_lines=list(application.budget_lines.all()),
            budget_total=format_eur(application.budget_total),
            co_financing_total=format_eur(application.co_financing_total),
            partners=list(application.partners.all()),
            attachments=attachments,
            integrity_flags=flags_for_application(application),
            may_screen=screenable,
            screen_url=reverse("grants_applications:screen", args=[application.pk]) if screenable else "",
            eligibility_check=getattr(application, "eligibility_check", None),
            activity=[
                (
                    entry,
                    format_in_zone(entry.created_at, application.call.timezone, call_country_code(application.call)),
                )
                for entry in application.activity_log.all()
            ],
        )
        from .admin_reviews import review_panel_context  # it imports this module

        context.update(review_panel_context(application, user))
        context.update(agreement_links(user, application))
        return context

    def get_requested_amount_eur_display_value(self):
        return format_eur(self.object.requested_amount_eur)

    def get_field_display_value(self, field_name, field):
        """Long texts keep their paragraphs and line breaks; the text itself is escaped (never rendered as HTML).

        Times (created, last saved, submitted, withdrawn) are shown in the call's time zone with its name
        (:func:`format_in_zone`, as on the public pages); an empty value is shown as "—" (never "None").
        """
        value = getattr(self.object, field_name, None)
        if value is None or value == "":
            return EMPTY
        if field_name in TEXT_FIELDS:
            return linebreaks_filter(value, autoescape=True)
        if field_name in TIME_FIELDS:
            return format_in_zone(value, self.object.call.timezone, call_country_code(self.object.call))
        return super().get_field_display_value(field_name, field)


# --- screening ---------------------------------------------------------------------------------------------------


def may_screen(user, application) -> bool:
    """The inspect view offers "Screen" to staff with ``grants.view_application`` while ``application`` is
    submitted and its deadline (``closes_at`` of its rules version) has passed."""
    from .workflow import _closes_at

    return (
        ReadOnlyApplicationPolicy(Application).user_has_permission_for_instance(user, "view", application)
        and application.status == ApplicationStatus.SUBMITTED
        and timezone.now() > _closes_at(application)
    )


MET_CHOICES = [("yes", _("Yes")), ("no", _("No"))]


#: The reason fields' help (shown once above the table, linked to each reason field with ``aria-describedby``).
SCREENING_REASON_HELP = _(
    "Each reason is pre-filled with the proposed one. Keep it only if you agree with the proposal. If you change "
    "“Met”, replace it with your own reason: the proposed one says the opposite, and the applicant is sent the "
    "reason of every rule that is not met."
)
SCREENING_REASON_HELP_ID = "screening-reason-help"


class ScreeningForm(forms.Form):
    """One "met" yes/no and one reason per proposed item (``met_<code>``, ``reason_<code>``), and a comment.

    ``items``: the list of :func:`grants.services.screening.prefill_screening`; initial values are its proposals.
    :meth:`decisions` gives the ``items`` argument of :func:`~grants.services.screening.record_screening`. An item
    decided against the proposal with the reason left blank or as proposed is an error on its reason field (the
    service refuses it too, ``"reason_required"``).
    """

    reason_help = SCREENING_REASON_HELP
    reason_help_id = SCREENING_REASON_HELP_ID

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the applicant with the reasons when the application is found ineligible."),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            code = item["code"]
            self.fields[f"met_{code}"] = forms.ChoiceField(
                label=item["label"],
                choices=MET_CHOICES,
                widget=forms.RadioSelect,
                initial="yes" if item["met"] else "no",
            )
            self.fields[f"reason_{code}"] = forms.CharField(
                label=_("Reason"),
                required=False,
                max_length=2000,
                initial=item["reason"],
                help_text=SCREENING_REASON_HELP,
                widget=forms.Textarea(attrs={"rows": 2, "aria-describedby": SCREENING_REASON_HELP_ID}),
            )
        self.order_fields([name for item in items for name in (f"met_{item['code']}", f"reason_{item['code']}")])

    def clean(self):
        from .services.screening import own_reason, reason_required_message

        data = super().clean()
        for item in self.items:
            met = data.get(f"met_{item['code']}")
            reason = data.get(f"reason_{item['code']}")
            if met is None or reason is None:
                continue
            if (met == "yes") != bool(item["met"]) and not own_reason(item, reason):
                self.add_error(f"reason_{item['code']}", reason_required_message(item))
        return data

    def rows(self):
        """``[(met bound field, reason bound field), ...]`` in the items' order (for the template)."""
        return [(self[f"met_{item['code']}"], self[f"reason_{item['code']}"]) for item in self.items]

    def decisions(self) -> list[dict]:
        return [
            {
                "code": item["code"],
                "met": self.cleaned_data[f"met_{item['code']}"] == "yes",
                "reason": self.cleaned_data[f"reason_{item['code']}"],
            }
            for item in self.items
        ]


class ScreenApplicationView(PermissionCheckedMixin, StaffPageMixin, View):
    """Staff screen a submitted application after the deadline: the proposed items (met yes/no, reason) and a
    comment; POST records it with :func:`grants.services.screening.record_screening` and returns to the inspect
    view. Needs ``is_staff`` and ``grants.view_application`` (the applications' permission policy); anyone else
    gets 403 (the admin itself sends anonymous users to the login page)."""

    permission_policy = ReadOnlyApplicationPolicy(Application)
    permission_required = "view"
    template_name = "grants/admin/application_screen.html"
    header_icon = "form"

    def setup(self, request, *args, pk, **kwargs):
        super().setup(request, *args, **kwargs)
        self.pk = pk

    def get_page_title(self):
        return _("Screen application")

    def get_page_subtitle(self):
        return str(self.application)

    def get_parent_breadcrumbs(self):
        return application_breadcrumbs(self.application)

    def _load(self):
        self.application = get_object_or_404(
            Application.objects.visible_to(self.request.user).select_related(
                "call__country", "lot", "rules_version", "organisation__country"
            ),
            pk=self.pk,
        )

    def inspect_url(self):
        return reverse("grants_applications:inspect", args=[self.application.pk])

    def _render(self, form, error=None):
        return self.render_to_response(
            self.get_context_data(form=form, application=self.application, error=error, inspect_url=self.inspect_url())
        )

    def get(self, request, *args, **kwargs):
        from .services.screening import prefill_screening

        self._load()
        if not may_screen(request.user, self.application):
            messages.error(request, _("This application cannot be screened now."))
            return redirect(self.inspect_url())
        return self._render(ScreeningForm(items=prefill_screening(self.application)))

    def post(self, request, *args, **kwargs):
        from .services.errors import ApplicationError
        from .services.screening import prefill_screening, record_screening

        self._load()
        form = ScreeningForm(request.POST, items=prefill_screening(self.application))
        if not form.is_valid():
            return self._render(form)
        try:
            check = record_screening(
                self.application.pk,
                user=request.user,
                items=form.decisions(),
                comment=form.cleaned_data["comment"],
            )
        except ApplicationError as error:
            return self._render(form, error=" ".join(error.messages))
        messages.success(
            request,
            _("Screening recorded: %(outcome)s.") % {"outcome": check.get_outcome_display()},
        )
        return redirect(self.inspect_url())
