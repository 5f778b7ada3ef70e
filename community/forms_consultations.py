"""Forms of consultations and the decision log (the services in ``community.services.consultations`` check the
rules again; these give the errors next to the fields).

Times are typed in the community's zone: :class:`CommunityDateTimeField` reads ``2026-03-12T17:00`` as 17:00 in
``Community.timezone`` (not the server's UTC) and shows a stored UTC time back in that zone.
"""

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .formatting import community_zone, local_today
from .models import CommunityDecision, Consultation, ConsultationOption
from .services.consultations import COMMENT_MAX_LENGTH, DECISION_MAX_LENGTH, MAX_OPTIONS, MIN_OPTIONS

#: Number of (name, description) option rows on the form that opens a consultation.
OPTION_SLOTS = 8
assert MIN_OPTIONS <= OPTION_SLOTS <= MAX_OPTIONS  # noqa: S101  (a configuration check at import)

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class CommunityDateTimeField(forms.DateTimeField):
    """A date and time typed in ``zone`` (a ``ZoneInfo``); the cleaned value is aware.

    Django reads a typed time in the active time zone; this field makes that the community's zone while it
    parses, so Django's own check refuses a time skipped or repeated by the change of clocks.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)

    def __init__(self, *, zone, **kwargs):
        self.zone = zone
        super().__init__(**kwargs)

    def to_python(self, value):
        with timezone.override(self.zone):
            return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, datetime) and timezone.is_aware(value):
            return value.astimezone(self.zone).strftime(DATETIME_LOCAL)
        return super().prepare_value(value)


class ConsultationForm(forms.Form):
    """Open a consultation: question, background, voting method, opening and closing times, options."""

    question = forms.CharField(label=_("Question"), max_length=300)
    description = forms.CharField(
        label=_("Background"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What members need to know to answer. Plain text."),
    )
    method = forms.ChoiceField(
        label=_("How members vote"),
        choices=Consultation.Method.choices,
        initial=Consultation.Method.SINGLE,
        widget=forms.RadioSelect,
        help_text=_("One vote: each member chooses one option. Ranked choice: members rank the options they support."),
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        zone = community_zone(community)
        zone_help = _("Time in %(zone)s.") % {"zone": community.timezone}
        self.fields["opens_at"] = CommunityDateTimeField(
            zone=zone,
            label=_("Opens"),
            required=False,
            help_text=_("Leave empty to open it now. %(zone)s") % {"zone": zone_help},
        )
        self.fields["closes_at"] = CommunityDateTimeField(zone=zone, label=_("Closes"), help_text=zone_help)
        for number in range(1, OPTION_SLOTS + 1):
            self.fields[f"option_{number}_label"] = forms.CharField(
                label=_("Option %(number)d") % {"number": number},
                required=False,
                max_length=ConsultationOption._meta.get_field("label").max_length,
            )
            self.fields[f"option_{number}_description"] = forms.CharField(
                label=_("Description of option %(number)d") % {"number": number},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def main_fields(self):
        """The bound fields above the options (for the template)."""
        return [self[name] for name in ("question", "description", "method", "opens_at", "closes_at")]

    def option_rows(self):
        """``[(label field, description field)]`` for the template's option rows."""
        return [(self[f"option_{n}_label"], self[f"option_{n}_description"]) for n in range(1, OPTION_SLOTS + 1)]

    def clean(self):
        cleaned = super().clean()
        options = []
        for number in range(1, OPTION_SLOTS + 1):
            label = (cleaned.get(f"option_{number}_label") or "").strip()
            description = (cleaned.get(f"option_{number}_description") or "").strip()
            if description and not label:
                self.add_error(f"option_{number}_label", _("Give this option a name, or clear its description."))
            if label or description:
                options.append((label, description))
        if len([label for label, _d in options if label]) < MIN_OPTIONS:
            self.add_error("option_1_label", _("Give at least two options."))
        cleaned["options"] = options
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if closes and closes <= (opens or timezone.now()):
            self.add_error("closes_at", _("The consultation must close after it opens and in the future."))
        return cleaned


class BallotForm(forms.Form):
    """A ballot: one radio button per option (single vote) or one rank select per option (ranked choice).

    ``cleaned_data["choices"]`` is the list of option primary keys, first preference first.
    """

    def __init__(self, *args, consultation: Consultation, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.options = list(options)
        self.ranked = consultation.method == Consultation.Method.RANKED
        if self.ranked:
            ranks = [("", _("Not ranked"))] + [(str(n), str(n)) for n in range(1, len(self.options) + 1)]
            for option in self.options:
                self.fields[f"rank_{option.pk}"] = forms.ChoiceField(
                    label=option.label, choices=ranks, required=False, help_text=option.description
                )
        else:
            self.fields["choice"] = forms.TypedChoiceField(
                label=_("Your vote"),
                choices=[(str(o.pk), o.label) for o in self.options],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose one option.")},
            )

    def clean(self):
        cleaned = super().clean()
        if not self.ranked:
            if cleaned.get("choice"):
                cleaned["choices"] = [cleaned["choice"]]
            return cleaned
        by_rank: dict[int, list[ConsultationOption]] = {}
        for option in self.options:
            value = cleaned.get(f"rank_{option.pk}")
            if value:
                by_rank.setdefault(int(value), []).append(option)
        if not by_rank:
            raise forms.ValidationError(_("Rank at least one option: give 1 to your first preference."))
        for rank, options in sorted(by_rank.items()):
            if len(options) > 1:
                names = ", ".join(o.label for o in options)
                raise forms.ValidationError(
                    _("You gave rank %(rank)d to more than one option (%(options)s). Give each rank once.")
                    % {"rank": rank, "options": names}
                )
        expected = list(range(1, len(by_rank) + 1))
        if sorted(by_rank) != expected:
            missing = next(n for n in expected if n not in by_rank)
            raise forms.ValidationError(
                _("Ranks go 1, 2, 3 … without gaps: no option has rank %(rank)d.") % {"rank": missing}
            )
        cleaned["choices"] = [by_rank[rank][0].pk for rank in expected]
        return cleaned


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Plain text. Visible to the members of this workspace."),
    )


class DecisionForm(forms.Form):
    """An entry of the decision log. With ``consultation`` given (recording its outcome) that field is fixed;
    otherwise coordinators may pick one of the community's closed consultations, or name a meeting."""

    decision = forms.CharField(
        label=capfirst(CommunityDecision._meta.get_field("decision").verbose_name),
        max_length=DECISION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    decided_on = forms.DateField(
        label=capfirst(CommunityDecision._meta.get_field("decided_on").verbose_name),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    meeting = forms.CharField(
        label=capfirst(CommunityDecision._meta.get_field("meeting").verbose_name),
        required=False,
        max_length=300,
        help_text=_("Where the decision was taken, e.g. “DAG meeting, Skopje, 12 March 2026”."),
    )

    def __init__(self, *args, community, consultation: Consultation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fixed_consultation = consultation
        self.fields["decided_on"].initial = local_today(community)
        if consultation is None:
            closed = Consultation.objects.filter(community=community, closes_at__lte=timezone.now()).order_by(
                "-closes_at"
            )
            self.fields["consultation"] = forms.ModelChoiceField(
                label=_("From the consultation"),
                queryset=closed,
                required=False,
                empty_label=_("None (a meeting's decision)"),
            )
            self.order_fields(["decision", "decided_on", "consultation", "meeting"])

    def clean(self):
        cleaned = super().clean()
        consultation = self.fixed_consultation or cleaned.get("consultation")
        cleaned["consultation"] = consultation
        if consultation is None and not (cleaned.get("meeting") or "").strip() and "meeting" not in self.errors:
            self.add_error("meeting", _("Name the consultation or the meeting the decision comes from."))
        return cleaned
