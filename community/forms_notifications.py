"""The notification settings form: how often a member wants community emails (issue 6 item 7)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Frequency

#: Each choice with what it means, shown as the radio button's label.
FREQUENCY_EXPLAINED = {
    Frequency.IMMEDIATE: _("Immediately: one email for each new document, discussion, reply and announcement."),
    Frequency.DAILY: _("Daily digest: one email each morning with what was new the day before (until midnight UTC)."),
    Frequency.WEEKLY: _("Weekly digest: one email each Monday morning with what was new in the week before."),
    Frequency.NONE: _("No emails: new items only appear on your notifications page."),
}


class NotificationSettingsForm(forms.Form):
    """One required choice among :class:`Frequency`."""

    frequency = forms.ChoiceField(
        label=_("Email me about new items in my communities"),
        choices=[(value, FREQUENCY_EXPLAINED[value]) for value in Frequency.values],
        widget=forms.RadioSelect,
        help_text=_(
            "Whatever you choose, every new item is also listed on your notifications page. "
            "A digest never repeats an item and lists only what you can still see."
        ),
    )
