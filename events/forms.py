"""Forms of the events app shown to people (organisers' forms live with their views).

:class:`RegistrationForm` is built per event from its ``ask_*`` flags and its ``RegistrationQuestion`` rows; a
required question is a required field. The form only collects answers: ``events.services.registrations.register``
decides the seat (and checks required answers again, so a hand-made POST cannot skip them).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import EventPage
from events.services.registrations import RegistrationDetails

#: Longest free-text answer accepted (characters); the model's TextField and JSON answers have no limit of their own.
ANSWER_MAX_LENGTH = 2000
QUESTION_PREFIX = "question_"


def _no_nul(value):
    if isinstance(value, str) and "\x00" in value:
        raise forms.ValidationError(_("Remove the invisible control characters (NUL) from this text."), code="nul")


class RegistrationForm(forms.Form):
    """The registration form of ``event`` (its default-locale page, ``EventPage.canonical``).

    Fields: ``organisation`` (when ``ask_organisation``), ``accessibility_needs`` (``ask_accessibility``),
    ``dietary_needs`` (``ask_dietary``), and ``question_<id>`` per custom question (required when the question is).
    :meth:`details` turns the cleaned data into the service's :class:`RegistrationDetails`.

    ``label_source``: the questions of a translation of the event (same order); their labels and help texts are
    shown instead of the default-locale ones when there are as many of them.
    """

    def __init__(self, event: EventPage, *args, label_source=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.questions = list(event.questions.all())
        shown = label_source if label_source and len(label_source) == len(self.questions) else self.questions
        if event.ask_organisation:
            self.fields["organisation"] = forms.CharField(
                label=_("Organisation"),
                required=False,
                max_length=255,
                help_text=_("The organisation you will represent, if any."),
            )
        if event.ask_accessibility:
            self.fields["accessibility_needs"] = forms.CharField(
                label=_("Accessibility needs"),
                required=False,
                max_length=ANSWER_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("Anything the organisers should arrange so that you can take part fully."),
            )
        if event.ask_dietary:
            self.fields["dietary_needs"] = forms.CharField(
                label=_("Dietary needs"),
                required=False,
                max_length=ANSWER_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        for question, text in zip(self.questions, shown, strict=True):
            self.fields[f"{QUESTION_PREFIX}{question.pk}"] = forms.CharField(
                label=text.label,
                required=question.required,
                max_length=ANSWER_MAX_LENGTH,
                help_text=text.help_text,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        for field in self.fields.values():
            field.validators.append(_no_nul)

    def details(self) -> RegistrationDetails:
        """The answers as :class:`RegistrationDetails` (call after ``is_valid()``); empty answers are left out of
        ``answers``."""
        data = self.cleaned_data
        answers = {}
        for question in self.questions:
            value = (data.get(f"{QUESTION_PREFIX}{question.pk}") or "").strip()
            if value:
                answers[str(question.pk)] = value
        return RegistrationDetails(
            organisation=data.get("organisation", ""),
            accessibility_needs=data.get("accessibility_needs", ""),
            dietary_needs=data.get("dietary_needs", ""),
            answers=answers,
        )
