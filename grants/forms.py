"""Forms of the applicant side: start an application, edit a draft (text, budget lines, co-applicants, files),
withdraw a submitted application.

Every field is plain text (escaped when shown; no HTML is kept or rendered). Drafts may be incomplete, so no field
is required here: completeness, the lot's limits, the budget total and eligibility are checked by
:func:`grants.services.submission.check_submission` at submission. What the forms do refuse is input no draft can
hold: non-numbers, negative amounts, zero where a quantity or cost must be positive, amounts above the call's
maximum grant (no lot may exceed it; the lot's own limits are shown as hints), NUL characters (Django's
``ProhibitNullCharactersValidator``) and text longer than the limits below (e.g. 1 MB pasted into a field).
"""

import secrets
from decimal import Decimal

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.formats import number_format
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from community.models import Organisation, OrganisationType
from portal.models import Country

from .models import PROPOSAL_FIELDS, Application, BudgetCategory, BudgetLine, Lot

#: Longest accepted text of the long answers (characters) and of the summary.
LONG_TEXT_MAX = 10_000
SUMMARY_MAX = 5_000
#: Largest amount any money field accepts (EUR), whatever the call: keeps absurd numbers out of drafts.
AMOUNT_CEILING = Decimal("10000000.00")
#: Blank budget rows shown under the saved ones (the "add line" button shows one more); and the most we show.
BUDGET_EXTRA_ROWS = 2
PARTNER_EXTRA_ROWS = 1
MAX_EXTRA_ROWS = 30
#: Most budget lines and co-applicants one draft may have (a formset with more is refused).
MAX_BUDGET_LINES = 100
MAX_PARTNERS = 20

CENT = Decimal("0.01")


def _textarea(rows=6):
    return forms.Textarea(attrs={"rows": rows})


class StartApplicationForm(forms.Form):
    """Choose the lead applicant organisation (one the user belongs to) and the lot of ``call``."""

    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Apply as organisation"))
    lot = forms.ModelChoiceField(queryset=Lot.objects.none(), label=_("Lot"))
    #: Random per rendering of the form; the service returns the same draft for a repeated token (double click).
    start_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, user, call, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("start_token", secrets.token_hex(16))
        self.fields["organisation"].queryset = Organisation.objects.filter(memberships__user=user).select_related(
            "country"
        )
        self.fields["lot"].queryset = call.lots.all()
        self.fields["organisation"].empty_label = None
        self.fields["lot"].empty_label = None


class ApplicationForm(forms.ModelForm):
    """The proposal's text and figures (all optional in a draft; see the module docstring for what is refused).

    ``requested_amount_eur``: EUR, 0.01 up to the call's maximum grant; the lot's range is the help text.
    ``duration_months``: 1 up to the call's maximum duration; the lot's range is the help text.
    ``language``: one of the languages the lot (or else the call) accepts.
    """

    class Meta:
        model = Application
        fields = list(PROPOSAL_FIELDS)
        widgets = {
            "summary": _textarea(4),
            "problem": _textarea(),
            "objectives": _textarea(),
            "activities": _textarea(),
            "expected_results": _textarea(),
            "data_use": _textarea(),
        }

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, instance=application, **kwargs)
        call, lot = application.call, application.lot
        for name in ("summary", "problem", "objectives", "activities", "expected_results", "data_use"):
            limit = SUMMARY_MAX if name == "summary" else LONG_TEXT_MAX
            field = self.fields[name]
            field.max_length = limit
            field.validators.append(MaxLengthValidator(limit))
            field.widget.attrs["maxlength"] = str(limit)
        languages = list(lot.languages or call.accepted_languages or [])
        self.fields["language"] = forms.ChoiceField(
            label=self.fields["language"].label,
            required=False,
            choices=[("", "—")] + [(code, _language_name(code)) for code in languages],
        )
        # Replaced rather than extended: the model fields' own minimum (0) would add a second message.
        self.fields["duration_months"] = forms.IntegerField(
            label=self.fields["duration_months"].label,
            required=False,
            min_value=1,
            max_value=call.max_duration_months,
            help_text=_("This lot: %(min)s–%(max)s months.")
            % {"min": lot.min_duration_months, "max": lot.max_duration_months},
        )
        self.fields["requested_amount_eur"] = forms.DecimalField(
            label=self.fields["requested_amount_eur"].label,
            required=False,
            max_digits=12,
            decimal_places=2,
            min_value=CENT,
            max_value=min(call.max_grant, AMOUNT_CEILING),
            help_text=_("This lot: EUR %(min)s–%(max)s. It must equal the budget total when you submit.")
            % {"min": _money(lot.min_grant), "max": _money(lot.max_grant)},
        )

    def valid_fields(self) -> dict:
        """After ``is_valid()``: the cleaned values of the fields that passed validation (to save them anyway)."""
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned[name] for name in self.fields if name in cleaned and name not in self.errors}


def _language_name(code: str) -> str:
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code


def _money(value) -> str:
    """``Decimal("4000")`` → "4,000.00" in English, "4.000,00" in mk/tr/...: the active language's number format."""
    return number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)


class BudgetLineForm(forms.Form):
    """One budget line (EUR): quantity and unit cost must be positive; co-financing from 0 up to the line total.

    A completely blank row is ignored (the blank rows are there to add lines without JavaScript).
    """

    category = forms.ChoiceField(label=_("Category"), choices=[("", "—")] + list(BudgetCategory.choices))
    description = forms.CharField(label=_("Description"), max_length=255)
    unit = forms.CharField(label=_("Unit"), max_length=50)
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=10, decimal_places=2, min_value=CENT, max_value=Decimal("99999999.99")
    )
    unit_cost_eur = forms.DecimalField(
        label=_("Unit cost (EUR)"), max_digits=12, decimal_places=2, min_value=CENT, max_value=AMOUNT_CEILING
    )
    co_financing_eur = forms.DecimalField(
        label=_("Co-financing (EUR)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=AMOUNT_CEILING,
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        quantity, unit_cost = cleaned.get("quantity"), cleaned.get("unit_cost_eur")
        co_financing = cleaned.get("co_financing_eur") or Decimal("0.00")
        cleaned["co_financing_eur"] = co_financing
        if quantity is not None and unit_cost is not None:
            total = BudgetLine.line_total(quantity, unit_cost)
            if total > AMOUNT_CEILING:
                self.add_error("quantity", _("The line total is too large."))
            elif co_financing > total:
                self.add_error("co_financing_eur", _("Co-financing cannot be more than the line total."))
            self.line_total = total
        return cleaned

    def as_line(self) -> dict:
        """The service's budget line dict (see :func:`grants.services.drafts.save_draft`)."""
        data = self.cleaned_data
        return {
            "category": data["category"],
            "description": data["description"],
            "unit": data["unit"],
            "quantity": data["quantity"],
            "unit_cost_eur": data["unit_cost_eur"],
            "co_financing_eur": data["co_financing_eur"],
        }


class PartnerForm(forms.Form):
    """A co-applicant: an organisation already on the portal (found by registration number and country) or the
    details of a new one (legal name and country at least). ``role``: its part in the project (plain text).
    """

    registration_number = forms.CharField(label=_("Registration number"), max_length=64, required=False)
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.all(), required=False)
    legal_name = forms.CharField(
        label=_("Legal name"),
        max_length=255,
        required=False,
        help_text=_("Not needed when the organisation is already on the portal: its registration number is enough."),
    )
    local_name = forms.CharField(label=_("Name in the local language"), max_length=255, required=False)
    organisation_type = forms.ChoiceField(
        label=_("Type"), choices=[("", "—")] + list(OrganisationType.choices), required=False
    )
    year_registered = forms.IntegerField(label=_("Year registered"), min_value=1900, max_value=2100, required=False)
    annual_budget_eur = forms.DecimalField(
        label=_("Annual budget (EUR)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("999999999999.99"),
        required=False,
    )
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    role = forms.CharField(label=_("Role in the project"), max_length=2_000, required=False, widget=_textarea(3))

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        country, number = cleaned.get("country"), (cleaned.get("registration_number") or "").strip()
        self.organisation = None
        if country is None:
            self.add_error("country", _("Choose the partner's country."))
            return cleaned
        if number:
            self.organisation = Organisation.objects.filter(country=country, registration_number=number).first()
        if self.organisation is None and not cleaned.get("legal_name"):
            self.add_error(
                "legal_name",
                _("No organisation with this registration number in this country: enter its legal name and details."),
            )
        return cleaned

    def as_partner(self) -> dict:
        """The service's partner dict: ``{"organisation": Organisation, "role"}`` or the details and ``role``."""
        data = self.cleaned_data
        if self.organisation is not None:
            return {"organisation": self.organisation, "role": data["role"], "contact_email": data["contact_email"]}
        return {
            "legal_name": data["legal_name"],
            "local_name": data["local_name"],
            "country": data["country"],
            "registration_number": data["registration_number"].strip(),
            "organisation_type": data["organisation_type"] or OrganisationType.ASSOCIATION,
            "year_registered": data["year_registered"],
            "annual_budget_eur": data["annual_budget_eur"],
            "contact_email": data["contact_email"],
            "role": data["role"],
        }


class _RowFormSet(forms.BaseFormSet):
    """A formset whose every row may be left blank (blank rows are skipped, not errors)."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.empty_permitted = True
        form.use_required_attribute = False
        return form

    def filled_forms(self) -> list:
        """Valid rows that are neither blank nor marked for removal, in order."""
        return [
            form
            for form in self.forms
            if form.has_changed() and not (self.can_delete and self._should_delete_form(form))
        ]


BudgetLineFormSet = forms.formset_factory(
    BudgetLineForm,
    formset=_RowFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_BUDGET_LINES,
    absolute_max=MAX_BUDGET_LINES + MAX_EXTRA_ROWS,
    validate_max=True,
)
PartnerFormSet = forms.formset_factory(
    PartnerForm,
    formset=_RowFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_PARTNERS,
    absolute_max=MAX_PARTNERS + MAX_EXTRA_ROWS,
    validate_max=True,
)


def budget_initial(application: Application) -> list[dict]:
    """Initial rows of the budget formset from the saved lines (with their stored ``total_eur``)."""
    return [
        {
            "category": line.category,
            "description": line.description,
            "unit": line.unit,
            "quantity": line.quantity,
            "unit_cost_eur": line.unit_cost_eur,
            "co_financing_eur": line.co_financing_eur,
            "total_eur": line.total_eur,
        }
        for line in application.budget_lines.all()
    ]


def partner_initial(application: Application) -> list[dict]:
    """Initial rows of the co-applicant formset from the saved partners (organisation details and role)."""
    rows = []
    for partner in application.partners.select_related("organisation__country"):
        org = partner.organisation
        rows.append(
            {
                "registration_number": org.registration_number,
                "country": org.country_id,
                "legal_name": org.legal_name,
                "local_name": org.local_name,
                "organisation_type": org.organisation_type,
                "year_registered": org.year_registered,
                "annual_budget_eur": org.annual_budget_eur,
                "contact_email": org.contact_email,
                "role": partner.role,
            }
        )
    return rows


class WithdrawForm(forms.Form):
    """Confirm the withdrawal of a submitted application; ``reason`` is optional plain text for the log."""

    confirm = forms.BooleanField(
        label=_("I understand that a withdrawn application cannot be submitted again."), required=True
    )
    reason = forms.CharField(label=_("Reason (optional)"), max_length=2_000, required=False, widget=_textarea(3))
