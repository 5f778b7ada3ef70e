"""Public forms of the CMS pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import Country


class PledgeForm(forms.Form):
    """A visitor's signature on a campaign: name, email, country (optional) and a required consent box.

    ``cleaned_data`` keys match :func:`portal.cms.services.sign_pledge` arguments.
    """

    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your email address"), max_length=254)
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.all(),
        required=False,
        empty_label=_("Another country or prefer not to say"),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the Integrity Watch consortium stores my name, email address and country to count my "
            "signature on this campaign."
        ),
        required=True,
        error_messages={"required": _("Please tick the consent box to sign.")},
    )

    def clean_name(self):
        """Strip surrounding spaces; a name of only spaces is refused."""
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Please enter your name."))
        return name
