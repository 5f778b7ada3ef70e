"""Staff admin of grant agreements and payments (issue 5, items 1 and 4): "Grants → Grant agreements".

URLs (namespace ``grants_agreements``, under ``/admin/grants_agreements/``):

- ``""`` (``index``): the agreements (filters: call, status; search: reference, grantee's names); the query count
  does not grow with the rows.
- ``inspect/<pk>/`` (``inspect``): amounts, dates, status, budget as awarded, tranches (with "Record payment" for
  each due, unpaid tranche), payment summary, amendments, reporting requirements, signed file, activity, and the
  status actions the table allows.
- ``create/<application_pk>/`` (``create``): "Create grant agreement" from an awarded application (dates).
- ``edit-draft/<pk>/`` (``edit_draft``): the project period and partners of a draft agreement; refused once it has
  been sent (amendments are the way after signature).
- ``send/<pk>/`` and ``activate/<pk>/`` (POST), ``sign/<pk>/`` (upload of the signed PDF),
  ``terminate/<pk>/`` (reason), ``amend/<pk>/`` (kind, reason, new end date or new line totals),
  ``pay/<tranche_pk>/`` (date and amount): each calls :mod:`grants.services.agreements` or
  :mod:`grants.services.payments` and returns to the inspect view; a refused or invalid form is shown again with
  what was typed and the reason.

Every view needs :func:`grants.permissions.can_manage_agreements` (active staff with ``grants.view_application``);
anyone else gets 403 (the admin sends anonymous users to the login page). Nobody adds, edits or deletes agreements
through the generic model forms: state changes happen in the services.
"""

import datetime

from django import forms
from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_filters import ChoiceFilter, ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from .admin_agreement_forms import (
    AmendmentForm,
    CreateAgreementForm,
    EditDraftForm,
    PaymentForm,
    ReasonForm,
    SignForm,
)
from .admin_header import StaffPageMixin, application_breadcrumbs
from .agreement_workflow import allowed_agreement_targets
from .formatting import call_country_code, format_date, format_eur, format_in_zone, format_percent
from .models import (
    ActivityLog,
    AgreementStatus,
    AmendmentKind,
    Application,
    ApplicationStatus,
    Call,
    GrantAgreement,
    Tranche,
)
from .permissions import can_manage_agreements
from .services.errors import ApplicationError

AGREEMENT_ACTIONS = ("agreement_", "tranche_paid")


class AgreementPolicy(ModelPermissionPolicy):
    """``view`` for :func:`~grants.permissions.can_manage_agreements`; add, change and delete refused to all."""

    def user_has_permission(self, user, action):
        return action == "view" and can_manage_agreements(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


class AgreementFilterSet(WagtailFilterSet):
    """Staff filters of the agreements list: call and status."""

    call = ModelChoiceFilter(field_name="application__call", queryset=Call.objects.all(), label=_("Call"))
    status = ChoiceFilter(choices=AgreementStatus.choices, label=_("Status"))

    class Meta:
        model = GrantAgreement
        fields = ["call", "status"]


def staff_agreement_queryset():
    """Agreements with their application, call and grantee joined (one query for a page of rows)."""
    return GrantAgreement.objects.select_related("application__call__country", "organisation__country")


class AgreementIndexView(IndexView):
    def get_base_queryset(self):
        return staff_agreement_queryset()


def _amount(agreement) -> str:
    return format_eur(agreement.amount_eur)


def _call(agreement) -> str:
    return str(agreement.application.call)


def _start(agreement) -> str:
    return format_date(agreement.start_date)


def _end(agreement) -> str:
    return format_date(agreement.end_date)


# --- views ---------------------------------------------------------------------------------------------------------


def inspect_url(agreement) -> str:
    return reverse("grants_agreements:inspect", args=[agreement.pk])


def agreement_breadcrumbs(agreement) -> list[dict]:
    """Parents of a staff page about one ``agreement``: the agreements list, then the agreement (its reference)
    linking to its inspect view."""
    return [
        {"url": reverse("grants_agreements:index"), "label": _("Grant agreements")},
        {"url": inspect_url(agreement), "label": agreement.reference},
    ]


def signed_file_url(agreement) -> str:
    """The permission-checked download of the signed agreement (``grants:agreement_signed_file``)."""
    return reverse("grants:agreement_signed_file", args=[agreement.pk]) if agreement.signed_file else ""


class AgreementInspectView(InspectView):
    """Everything about one agreement for staff, with the actions (see the module docstring)."""

    template_name = "grants/admin/agreement_inspect.html"

    def get_object(self, queryset=None):
        from .models import Amendment

        return get_object_or_404(
            staff_agreement_queryset().prefetch_related(
                "budget_lines",
                "partners",
                Prefetch("tranches", queryset=Tranche.objects.select_related("report", "recorded_by")),
                Prefetch("amendments", queryset=Amendment.objects.select_related("made_by")),
                "reporting_requirements",
            ),
            pk=self.pk,
        )

    def get_context_data(self, **kwargs):
        from .services.amendments import amendment_history
        from .services.closeout import tranche_is_due
        from .services.payments import payment_summary

        context = super().get_context_data(**kwargs)
        agreement = self.object
        call = agreement.application.call
        zone, country = call.timezone, call_country_code(call)
        tranches = list(agreement.tranches.all())
        for tranche in tranches:
            tranche.due = tranche_is_due(tranche, agreement)
            tranche.pay_url = (
                reverse("grants_agreements:pay", args=[tranche.pk]) if tranche.due and not tranche.is_paid else ""
            )
        targets = allowed_agreement_targets(agreement.status)
        activity = ActivityLog.objects.filter(application_id=agreement.application_id).select_related("actor")
        activity = [entry for entry in activity if entry.action.startswith(AGREEMENT_ACTIONS)]
        context.update(
            agreement=agreement,
            budget_lines=list(agreement.budget_lines.all()),
            tranches=tranches,
            summary=payment_summary(agreement),
            amendments=amendment_history(agreement),
            requirements=[(r, format_in_zone(r.due_at, zone, country)) for r in agreement.reporting_requirements.all()],
            signed_url=signed_file_url(agreement),
            application_url=reverse("grants_applications:inspect", args=[agreement.application_id]),
            can_edit=agreement.status == AgreementStatus.DRAFT,
            can_send=AgreementStatus.SENT in targets,
            can_sign=AgreementStatus.SIGNED in targets,
            can_activate=AgreementStatus.ACTIVE in targets,
            can_terminate=AgreementStatus.TERMINATED in targets,
            can_amend=agreement.status in (AgreementStatus.SIGNED, AgreementStatus.ACTIVE),
            activity=[(entry, format_in_zone(entry.created_at, zone, country)) for entry in activity],
            times={
                "sent": format_in_zone(agreement.sent_at, zone, country),
                "signed": format_in_zone(agreement.signed_at, zone, country),
                "completed": format_in_zone(agreement.completed_at, zone, country),
                "terminated": format_in_zone(agreement.terminated_at, zone, country),
            },
        )
        return context


class _AgreementFormView(PermissionCheckedMixin, StaffPageMixin, View):
    """GET shows ``form_class``; POST validates it and calls :meth:`act`; refused or invalid → the form again.

    The header shows ``page_title`` with the agreement's reference as sublabel, and breadcrumbs back through the
    agreements list to the agreement (:class:`~grants.admin_header.StaffPageMixin`), not "Home"."""

    permission_policy = AgreementPolicy(GrantAgreement)
    permission_required = "view"
    template_name = "grants/admin/agreement_form.html"
    header_icon = "doc-full"
    form_class = forms.Form
    multipart = False
    submit_label = _("Save")

    def setup(self, request, *args, pk, **kwargs):
        super().setup(request, *args, **kwargs)
        self.pk = pk

    def load(self):
        self.agreement = get_object_or_404(staff_agreement_queryset(), pk=self.pk)
        return self.agreement

    def get_page_subtitle(self):
        return str(self.agreement)

    def get_parent_breadcrumbs(self):
        return agreement_breadcrumbs(self.agreement)

    def back_url(self):
        return inspect_url(self.agreement)

    def form_kwargs(self):
        return {}

    def initial(self):
        return {}

    def render_form(self, form, error=None, status=200):
        context = self.get_context_data(
            form=form,
            error=error,
            back_url=self.back_url(),
            multipart=self.multipart,
            submit_label=self.submit_label,
            intro=self.intro(),
        )
        return self.render_to_response(context, status=status)

    def intro(self) -> str:
        return ""

    def get(self, request, *args, **kwargs):
        self.load()
        return self.render_form(self.form_class(initial=self.initial(), **self.form_kwargs()))

    def post(self, request, *args, **kwargs):
        self.load()
        form = self.form_class(request.POST, request.FILES, **self.form_kwargs())
        if not form.is_valid():
            return self.render_form(form, status=400)
        try:
            message = self.act(form)
        except ApplicationError as error:
            return self.render_form(form, error=" ".join(error.messages), status=400)
        messages.success(request, message)
        return redirect(self.back_url())

    def act(self, form) -> str:
        """Do the view's step with the valid ``form``; return the success message. Each subclass defines it (this
        base class is never routed); :class:`ApplicationError` from a service shows on the form."""
        raise NotImplementedError(f"{type(self).__name__} must define act()")


class CreateAgreementView(_AgreementFormView):
    """ "Create grant agreement" for an awarded application (``pk`` is the application's id)."""

    form_class = CreateAgreementForm
    page_title = _("Create grant agreement")
    submit_label = _("Create grant agreement")

    def load(self):
        self.application = get_object_or_404(
            Application.objects.select_related("call", "organisation"), pk=self.pk, status=ApplicationStatus.AWARDED
        )
        existing = GrantAgreement.objects.filter(application=self.application).first()
        self.agreement = existing
        return self.application

    def get_page_subtitle(self):
        return str(self.application)

    def get_parent_breadcrumbs(self):
        return application_breadcrumbs(self.application)

    def back_url(self):
        if self.agreement is not None:
            return inspect_url(self.agreement)
        return reverse("grants_applications:inspect", args=[self.application.pk])

    def initial(self):
        start = timezone.localdate()
        months = self.application.duration_months or 12
        year, month = divmod(start.month - 1 + months, 12)
        end = start.replace(year=start.year + year, month=month + 1, day=1) - datetime.timedelta(days=1)
        return {"start_date": start, "end_date": end}

    def get(self, request, *args, **kwargs):
        self.load()
        if self.agreement is not None:
            return redirect(inspect_url(self.agreement))
        return self.render_form(self.form_class(initial=self.initial()))

    def act(self, form):
        from .services.agreements import create_agreement

        self.agreement = create_agreement(self.application.pk, user=self.request.user, **form.cleaned_data)
        return _("Grant agreement %(reference)s drafted.") % {"reference": self.agreement.reference}


class EditDraftAgreementView(_AgreementFormView):
    """ "Change the draft": project period and partners, only while the agreement is a draft. Once it has been sent
    the page is refused with a message (GET goes back to the agreement; a POST shows the service's refusal)."""

    form_class = EditDraftForm
    page_title = _("Change the draft agreement")
    submit_label = _("Save changes")

    def intro(self):
        return _(
            "The amount, the budget and the payment schedule stay as awarded. Once the agreement is sent for "
            "signature it can no longer be changed here; after signature, record an amendment."
        )

    def form_kwargs(self):
        return {"agreement": self.agreement}

    def initial(self):
        return {
            "start_date": self.agreement.start_date,
            "end_date": self.agreement.end_date,
            "partners": list(self.agreement.partners.values_list("pk", flat=True)),
        }

    def get(self, request, *args, **kwargs):
        self.load()
        if self.agreement.status != AgreementStatus.DRAFT:
            messages.error(request, not_draft_message(self.agreement))
            return redirect(self.back_url())
        return self.render_form(self.form_class(initial=self.initial(), **self.form_kwargs()))

    def act(self, form):
        from .services.agreements import update_draft_agreement

        data = form.cleaned_data
        changes = update_draft_agreement(
            self.agreement.pk,
            user=self.request.user,
            start_date=data["start_date"],
            end_date=data["end_date"],
            partner_ids=[organisation.pk for organisation in data["partners"]],
        )
        return _("The draft agreement was changed.") if changes else _("Nothing was changed.")


def not_draft_message(agreement) -> str:
    """Why an agreement that is no longer a draft cannot be changed, and what to do instead."""
    if agreement.status in (AgreementStatus.SIGNED, AgreementStatus.ACTIVE):
        return _("This agreement is signed: its dates and partners cannot be changed. Record an amendment instead.")
    return _(
        "Only a draft agreement can be changed. This one is “%(status)s”: its dates and partners stay as they are."
    ) % {"status": agreement.get_status_display()}


class _PostOnlyView(PermissionCheckedMixin, View):
    permission_policy = AgreementPolicy(GrantAgreement)
    permission_required = "view"
    http_method_names = ["post"]

    def post(self, request, pk):
        agreement = get_object_or_404(GrantAgreement, pk=pk)
        try:
            message = self.act(agreement)
        except ApplicationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, message)
        return redirect(inspect_url(agreement))


class SendAgreementView(_PostOnlyView):
    def act(self, agreement):
        from .services.agreements import send_agreement

        send_agreement(agreement.pk, user=self.request.user)
        return _("Marked as sent for signature.")


class ActivateAgreementView(_PostOnlyView):
    def act(self, agreement):
        from .services.agreements import activate_agreement

        activate_agreement(agreement.pk, user=self.request.user)
        return _("The grant agreement is in force.")


class SignAgreementView(_AgreementFormView):
    form_class = SignForm
    multipart = True
    page_title = _("Record the signature")
    submit_label = _("Record the signature")

    def intro(self):
        return _("Upload the agreement signed by both parties, as a PDF. The reporting schedule is made now.")

    def act(self, form):
        from .services.agreements import sign_agreement

        sign_agreement(
            self.agreement.pk,
            user=self.request.user,
            signed_file=form.cleaned_data["signed_file"],
            signed_on=form.cleaned_data["signed_on"],
        )
        return _("Signature recorded.")


class TerminateAgreementView(_AgreementFormView):
    form_class = ReasonForm
    page_title = _("Terminate the grant agreement")
    submit_label = _("Terminate")

    def intro(self):
        return _("Termination is final. Payments already recorded stay recorded.")

    def act(self, form):
        from .services.agreements import terminate_agreement

        terminate_agreement(self.agreement.pk, user=self.request.user, reason=form.cleaned_data["reason"])
        return _("The grant agreement was terminated.")


class AmendAgreementView(_AgreementFormView):
    form_class = AmendmentForm
    page_title = _("Record an amendment")
    submit_label = _("Record the amendment")

    def intro(self):
        return _(
            "A no-cost extension moves the end date later. A budget reallocation changes the amounts of the lines; "
            "their total must stay %(total)s."
        ) % {"total": format_eur(self.agreement.amount_eur)}

    def form_kwargs(self):
        return {"lines": list(self.agreement.budget_lines.all())}

    def act(self, form):
        from .services.amendments import record_amendment

        data = form.cleaned_data
        extension = data["kind"] == AmendmentKind.NO_COST_EXTENSION
        record_amendment(
            self.agreement.pk,
            user=self.request.user,
            kind=data["kind"],
            reason=data["reason"],
            new_end_date=data["new_end_date"] if extension else None,
            reallocation=None if extension else form.reallocation(),
        )
        return _("Amendment recorded.")


class RecordPaymentView(_AgreementFormView):
    """``pk`` is the tranche's id."""

    form_class = PaymentForm
    page_title = _("Record payment")
    submit_label = _("Record payment")

    def load(self):
        self.tranche = get_object_or_404(Tranche.objects.select_related("agreement"), pk=self.pk)
        self.agreement = self.tranche.agreement
        return self.agreement

    def intro(self):
        return _("Tranche %(number)d: %(amount)s (%(percent)s of the award).") % {
            "number": self.tranche.number,
            "amount": format_eur(self.tranche.amount_eur),
            "percent": format_percent(self.tranche.percent),
        }

    def initial(self):
        return {"paid_on": timezone.localdate(), "amount_eur": self.tranche.amount_eur}

    def act(self, form):
        from .services.payments import record_payment

        data = form.cleaned_data
        record_payment(self.tranche.pk, user=self.request.user, paid_on=data["paid_on"], amount_eur=data["amount_eur"])
        return _("Payment recorded.")


class AgreementViewSet(ModelViewSet):
    """Grant agreements for staff (see the module docstring)."""

    model = GrantAgreement
    icon = "doc-full"
    menu_label = _("Grant agreements")
    menu_name = "agreements"
    name = "grants_agreements"
    inspect_view_enabled = True
    index_view_class = AgreementIndexView
    inspect_view_class = AgreementInspectView
    copy_view_enabled = False
    form_fields: list[str] = []
    filterset_class = AgreementFilterSet
    list_display = [
        "reference",
        "organisation",
        Column("call", label=_("Call"), accessor=_call, sort_key="application__call__title"),
        "status",
        Column("amount_eur", label=_("Amount"), accessor=_amount, sort_key="amount_eur"),
        Column("start_date", label=_("Start date"), accessor=_start, sort_key="start_date"),
        Column("end_date", label=_("End date"), accessor=_end, sort_key="end_date"),
    ]
    search_fields = ["reference", "organisation__legal_name", "organisation__local_name", "application__title"]
    search_backend_name = None
    ordering = ["-created_at", "-pk"]

    @cached_property
    def permission_policy(self):
        return AgreementPolicy(self.model)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("create/<int:pk>/", CreateAgreementView.as_view(), name="create"),
            path("edit-draft/<int:pk>/", EditDraftAgreementView.as_view(), name="edit_draft"),
            path("send/<int:pk>/", SendAgreementView.as_view(), name="send"),
            path("sign/<int:pk>/", SignAgreementView.as_view(), name="sign"),
            path("activate/<int:pk>/", ActivateAgreementView.as_view(), name="activate"),
            path("terminate/<int:pk>/", TerminateAgreementView.as_view(), name="terminate"),
            path("amend/<int:pk>/", AmendAgreementView.as_view(), name="amend"),
            path("pay/<int:pk>/", RecordPaymentView.as_view(), name="pay"),
        ]


def agreement_links(user, application) -> dict:
    """For the application inspect view: ``{"agreement_url": …}`` when it has an agreement, ``{"create_agreement_url":
    …}`` when it is awarded without one and ``user`` may manage agreements; ``{}`` otherwise."""
    if not can_manage_agreements(user):
        return {}
    agreement = GrantAgreement.objects.filter(application=application).only("pk").first()
    if agreement is not None:
        return {"agreement_url": inspect_url(agreement)}
    if application.status == ApplicationStatus.AWARDED:
        return {"create_agreement_url": reverse("grants_agreements:create", args=[application.pk])}
    return {}
