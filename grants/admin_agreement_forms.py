"""Forms of the staff agreement admin (:mod:`grants.admin_agreements`): they only read what staff typed; every
rule (dates, partners, amounts, statuses) is checked again by the services the views call."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from community.models import Organisation

from .models import AmendmentKind


class CreateAgreementForm(forms.Form):
    start_date = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}))


class EditDraftForm(CreateAgreementForm):
    """The project period and the partners of a draft agreement (any organisation registered on the portal but the
    grantee, listed by legal name with the country)."""

    partners = forms.ModelMultipleChoiceField(
        label=_("Partners"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Choose every partner organisation; to choose several, hold Ctrl (⌘ on a Mac)."),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["partners"]
        field.queryset = (
            Organisation.objects.exclude(pk=agreement.organisation_id)
            .select_related("country")
            .order_by("legal_name", "pk")
        )
        field.label_from_instance = lambda organisation: (
            f"{organisation.legal_name} ({organisation.country})"
            if organisation.country_id
            else organisation.legal_name
        )


class SignForm(forms.Form):
    signed_file = forms.FileField(label=_("Signed agreement (PDF)"))
    signed_on = forms.DateField(
        label=_("Signed on"),
        required=False,
        help_text=_("The day both parties had signed. Leave empty for today."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class PaymentForm(forms.Form):
    """Date and amount of a payment; the limits (due, tranche, award) are the payment service's."""

    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    amount_eur = forms.DecimalField(label=_("Amount (EUR)"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2)


class AmendmentForm(forms.Form):
    """Kind and reason, then the new end date (extension) or a new total per budget line (``line_<id>``)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=AmendmentKind.choices)
    reason = forms.CharField(label=_("Reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    new_end_date = forms.DateField(
        label=_("New end date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = forms.DecimalField(
                label=f"{line.get_category_display()}: {line.description}",
                required=False,
                min_value=Decimal("0"),
                max_digits=12,
                decimal_places=2,
                initial=line.total_eur,
            )

    def line_fields(self):
        return [self[f"line_{line.pk}"] for line in self.lines]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == AmendmentKind.NO_COST_EXTENSION and not cleaned.get("new_end_date"):
            self.add_error("new_end_date", _("Give the new end date."))
        return cleaned

    def reallocation(self) -> dict:
        """``{line id: new total}`` for the lines given (empty fields keep their total)."""
        return {
            line.pk: self.cleaned_data[f"line_{line.pk}"]
            for line in self.lines
            if self.cleaned_data.get(f"line_{line.pk}") is not None
        }
