"""Forms for organisation profiles and invitations (the portal side; staff use the Wagtail admin).

Plain-text fields are limited in length and refuse NUL characters, so pasted binary or a megabyte of text comes
back as a form error in the user's language instead of a database error. ``verified`` and ``created_by`` are not
form fields: extra POST keys with those names are ignored.
"""

from decimal import Decimal

from django import forms
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal.countries import PROGRAMME_COUNTRIES
from portal.models import Country

from .models import PROFILE_FIELDS, Organisation, OrganisationMembership

#: Longest address accepted (characters); the model's TextField has no limit of its own.
ADDRESS_MAX_LENGTH = 1000
EARLIEST_YEAR = 1900


def _no_nul(value):
    if isinstance(value, str) and "\x00" in value:
        raise forms.ValidationError(_("Remove the invisible control characters (NUL) from this text."), code="nul")


class NoNulMixin:
    """Adds the NUL check to every text field of a form (Django's ``CharField`` already refuses NUL as
    ``ProhibitNullCharactersValidator``; this covers widgets that bypass it and gives one clear message)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators.append(_no_nul)


class OrganisationForm(NoNulMixin, forms.ModelForm):
    """The profile an organisation's administrator fills in (create and edit).

    Country: one of the five programme countries. Year registered: 1900 to the current year (UTC). Annual budget:
    EUR, 0 or more, two decimals.
    """

    website = forms.URLField(label=capfirst(_("website")), required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = list(PROFILE_FIELDS)
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.filter(code__in=[c[0] for c in PROGRAMME_COUNTRIES])
        self.fields["country"].empty_label = _("Choose a country")
        year = self.fields["year_registered"]
        current_year = timezone.now().year
        year.validators += [MinValueValidator(EARLIEST_YEAR), MaxValueValidator(current_year)]
        year.widget.attrs.update({"min": EARLIEST_YEAR, "max": current_year})
        budget = self.fields["annual_budget_eur"]
        budget.validators.append(MinValueValidator(Decimal("0")))
        budget.widget.attrs.update({"min": "0", "step": "0.01"})
        self.fields["address"].max_length = ADDRESS_MAX_LENGTH
        self.fields["address"].widget.attrs["maxlength"] = ADDRESS_MAX_LENGTH
        self.fields["address"].validators.append(MaxLengthValidator(ADDRESS_MAX_LENGTH))
        self.fields["registration_number"].help_text = _(
            "As on your registration certificate. An organisation can be registered in the portal only once."
        )
        self.fields["website"].widget.attrs["placeholder"] = "https://"

    def clean_registration_number(self):
        return " ".join(self.cleaned_data.get("registration_number", "").split())

    def _get_validation_exclusions(self):
        # The (country, registration number) constraint is checked by the service, which words the refusal
        # for the user (ask the organisation's administrators for an invitation) instead of naming a constraint.
        exclusions = super()._get_validation_exclusions()
        exclusions.add("registration_number")
        return exclusions


class InvitationForm(NoNulMixin, forms.Form):
    """An administrator invites a colleague by email with a role."""

    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=OrganisationMembership.Role.choices,
        initial=OrganisationMembership.Role.MEMBER,
        widget=forms.RadioSelect,
        help_text=_("Administrators can edit the profile, invite and remove members and apply for grants."),
    )


class MemberRoleForm(forms.Form):
    """Change one member's role (administrators only)."""

    role = forms.ChoiceField(label=_("Role"), choices=OrganisationMembership.Role.choices)
