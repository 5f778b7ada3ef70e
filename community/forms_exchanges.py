"""Forms of bilateral exchanges (``community.services.exchanges`` checks the rules again).

``agenda`` and ``visit_report`` are :class:`portal.sanitize.SanitizedHTMLField`: their cleaned value is HTML with
only the portal's allow-list (a ``<script>`` never reaches the service).
"""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal.sanitize import SanitizedHTMLField

from .models import BilateralExchange, Community, ExchangeParticipant


def _label(name: str) -> str:
    return capfirst(BilateralExchange._meta.get_field(name).verbose_name)


class ExchangeForm(forms.Form):
    """Details of an exchange. ``creating=True`` adds the host and visiting DAG choices (set once)."""

    title = forms.CharField(label=_label("title"), max_length=200)
    city = forms.CharField(label=_label("city"), max_length=100, required=False)
    starts_on = forms.DateField(
        label=_label("starts_on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_label("ends_on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    purpose = forms.CharField(
        label=_label("purpose"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    agenda = SanitizedHTMLField(
        label=_label("agenda"),
        required=False,
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("You may use simple HTML: paragraphs, lists, bold, links. Anything else is removed."),
    )
    visit_report = SanitizedHTMLField(
        label=_label("visit_report"),
        required=False,
        max_length=100000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("After the visit: what the delegations saw, learned and agreed. Simple HTML as above."),
    )

    def __init__(self, *args, creating: bool = False, community: Community | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            dags = Community.objects.dags().select_related("country")
            self.fields["host"] = forms.ModelChoiceField(label=_label("host"), queryset=dags)
            self.fields["visiting"] = forms.ModelChoiceField(label=_label("visiting"), queryset=dags)
            if community is not None and not community.is_rcp:
                self.fields["host"].initial = community.pk
            self.order_fields(["host", "visiting", "title", "city", "starts_on", "ends_on"])

    def clean(self):
        cleaned = super().clean()
        host, visiting = cleaned.get("host"), cleaned.get("visiting")
        if host is not None and host == visiting:
            self.add_error("visiting", _("Choose a DAG other than the host."))
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        return cleaned


class ParticipantForm(forms.Form):
    """Add a participant: one of the active members of the host or visiting DAG (grouped by delegation)."""

    person = forms.ChoiceField(label=_("Member"))
    role = forms.CharField(
        label=capfirst(ExchangeParticipant._meta.get_field("role").verbose_name),
        max_length=100,
        required=False,
        help_text=_("For example: head of delegation, speaker, rapporteur."),
    )

    def __init__(self, *args, memberships, taken_user_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[str, str]]] = {}
        for membership in memberships:
            if membership.user_id in taken_user_ids:
                continue
            user = membership.user
            name = user.get_full_name() or user.email
            groups.setdefault(membership.community.name, []).append(
                (f"{membership.community_id}-{membership.user_id}", name)
            )
        self.fields["person"].choices = [("", _("Choose a member"))] + [
            (group, options) for group, options in groups.items()
        ]

    def clean_person(self):
        community_id, user_id = self.cleaned_data["person"].split("-")
        return int(community_id), int(user_id)
