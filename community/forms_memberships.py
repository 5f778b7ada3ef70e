"""Forms for joining a community and managing its members (the workspace side; staff use the Wagtail admin).

The forms only validate input; the rules (who may, duplicates, last coordinator) are the services' in
:mod:`community.services.memberships`, whose ``ValidationError`` the views show on the form. Text limits match the
services: 200 characters for organisation and position, 2,000 for messages.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import NoNulMixin
from .models import ExpertiseArea, MemberRole, Membership, Sector
from .services.membership_common import MESSAGE_MAX_LENGTH, REMOVAL_REASONS, TEXT_MAX_LENGTH


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "maxlength": MESSAGE_MAX_LENGTH})


class InviteForm(NoNulMixin, forms.Form):
    """A coordinator invites someone by email with a role, sector, organisation, position and a personal note."""

    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=MemberRole.choices,
        initial=MemberRole.MEMBER,
        help_text=_(
            "Coordinators manage members and consultations; members take part, share documents and vote; "
            "observers read and discuss but do not vote or upload."
        ),
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices, initial=Sector.CIVIL_SOCIETY)
    organisation = forms.CharField(label=_("Organisation"), max_length=TEXT_MAX_LENGTH, required=False)
    position = forms.CharField(label=_("Position"), max_length=TEXT_MAX_LENGTH, required=False)
    message = forms.CharField(
        label=_("Personal message"),
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        widget=_textarea(3),
        help_text=_("Added to the invitation email."),
    )


class JoinRequestForm(NoNulMixin, forms.Form):
    """A signed-in person asks to join."""

    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices, initial=Sector.CIVIL_SOCIETY)
    organisation = forms.CharField(label=_("Organisation"), max_length=TEXT_MAX_LENGTH, required=False)
    position = forms.CharField(label=_("Position"), max_length=TEXT_MAX_LENGTH, required=False)
    motivation = forms.CharField(
        label=_("Why you would like to join"),
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        widget=_textarea(),
        help_text=_("What you work on and what you would bring to the group. The coordinators read this."),
    )


class RequestDecisionForm(NoNulMixin, forms.Form):
    """A coordinator's answer to a request to join: approve or decline, with an optional message."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("decline", _("Decline"))], widget=forms.RadioSelect
    )
    response = forms.CharField(
        label=_("Message to the requester"),
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        widget=_textarea(2),
        help_text=_("Sent with the decision by email."),
    )


class MemberRoleForm(forms.Form):
    """Change one member's role."""

    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)


class RemoveMemberForm(forms.Form):
    """Why a coordinator ends someone's membership."""

    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[(value, label) for value, label in Membership.EndReason.choices if value in REMOVAL_REASONS],
        initial=Membership.EndReason.REMOVED,
        widget=forms.RadioSelect,
    )


class MyMembershipForm(NoNulMixin, forms.Form):
    """The member's own details and what the public roster may show about them (each consent separately).

    ``first_name``/``last_name`` are the account's name (members and the public roster know the member by it).
    """

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    consent_public_name = forms.BooleanField(
        label=_("Show my name on the public roster"),
        required=False,
        help_text=_(
            "The community's public page lists members who tick this. Anyone on the internet can see it. "
            "Without it you are not listed publicly at all; members still see you in the workspace directory."
        ),
    )
    consent_public_organisation = forms.BooleanField(
        label=_("Show my organisation on the public roster"),
        required=False,
        help_text=_("Shown next to your name, only if your name is shown."),
    )
    consent_public_sector = forms.BooleanField(
        label=_("Show my sector on the public roster"),
        required=False,
        help_text=_("Shown next to your name, only if your name is shown."),
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    organisation = forms.CharField(label=_("Organisation"), max_length=TEXT_MAX_LENGTH, required=False)
    position = forms.CharField(label=_("Position"), max_length=TEXT_MAX_LENGTH, required=False)
    expertise = forms.ModelMultipleChoiceField(
        label=_("Areas of expertise"),
        queryset=ExpertiseArea.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Members can find you by these in the member directory."),
    )

    @classmethod
    def initial_for(cls, membership: Membership) -> dict:
        """The form's initial values from ``membership``."""
        return {
            "consent_public_name": membership.consent_public_name,
            "consent_public_organisation": membership.consent_public_organisation,
            "consent_public_sector": membership.consent_public_sector,
            "sector": membership.sector,
            "organisation": membership.organisation,
            "position": membership.position,
            "expertise": list(membership.expertise.all()),
        }

    def clean(self):
        """A member listed publicly must have a name to be listed under."""
        data = super().clean()
        if "first_name" not in self.data and "last_name" not in self.data:
            # A client that does not send the name fields keeps the account's name (see the view).
            data["first_name"] = self.initial.get("first_name", "")
            data["last_name"] = self.initial.get("last_name", "")
        if data.get("consent_public_name") and not (data.get("first_name") or data.get("last_name")):
            self.add_error("first_name", _("Enter your name to be listed on the public roster."))
        return data

    def consents(self) -> dict[str, bool]:
        """The ``consents`` mapping for :func:`community.services.memberships.update_my_membership`."""
        data = self.cleaned_data
        return {
            "name": data["consent_public_name"],
            "organisation": data["consent_public_organisation"],
            "sector": data["consent_public_sector"],
        }
