"""Forms of the organiser pages (issue 7 item 6): attendance, minutes, materials.

Forms only shape input; the rules live in :mod:`events.services.attendance` and :mod:`events.services.outcomes`.
Forms that add a row carry a hidden random ``request_token`` (``community.forms_workspace.TokenForm``), so a
double-clicked or re-sent form adds one material.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from community.forms_workspace import RichTextArea, TokenForm
from portal.files import ALLOWED_LABEL, format_megabytes

from .models import Attendance, MaterialKind, MaterialVisibility
from .services.outcomes import FILE_KINDS


class AttendanceForm(forms.Form):
    """One radio group per confirmed registration: attended, absent, not recorded (field ``attendance-<id>``)."""

    def __init__(self, *args, registrations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for registration in registrations:
            name = f"attendance-{registration.pk}"
            person = registration.user.get_full_name() or registration.user.email
            self.fields[name] = forms.ChoiceField(
                label=person,
                choices=[
                    (Attendance.ATTENDED, Attendance.ATTENDED.label),
                    (Attendance.ABSENT, Attendance.ABSENT.label),
                    (Attendance.UNKNOWN, Attendance.UNKNOWN.label),
                ],
                required=False,
                initial=registration.attendance,
                widget=forms.RadioSelect,
            )
            self.rows.append((registration, name))

    def marks(self) -> dict[int, str]:
        """``{registration id: value}`` of the valid form."""
        return {registration.pk: self.cleaned_data.get(name) or "" for registration, name in self.rows}

    def bound_rows(self):
        """``(registration, bound field)`` pairs for the template."""
        return [(registration, self[name]) for registration, name in self.rows]


class MinutesForm(forms.Form):
    """The minutes' text and who may read them once approved."""

    body = RichTextArea(label=_("Minutes"))
    visibility = forms.ChoiceField(
        label=_("Who may read the approved minutes"), choices=MaterialVisibility.choices, widget=forms.RadioSelect
    )


class MaterialFileForm(TokenForm):
    """Attach a document or slides (checked by content by the service)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=[(k.value, k.label) for k in FILE_KINDS])
    visibility = forms.ChoiceField(label=_("Who may see it"), choices=MaterialVisibility.choices)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("%(types)s; at most %(limit)s MB.") % {
            "types": ALLOWED_LABEL,
            "limit": format_megabytes(settings.EVENT_MATERIAL_MAX_BYTES),
        }


class MaterialLinkForm(TokenForm):
    """Attach a link: a recording, or a document kept elsewhere."""

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=MaterialKind.choices, initial=MaterialKind.RECORDING)
    visibility = forms.ChoiceField(label=_("Who may see it"), choices=MaterialVisibility.choices)
    url = forms.CharField(
        label=_("Link"), max_length=500, help_text=_("Starting with https:// (a recording, or slides kept elsewhere).")
    )
