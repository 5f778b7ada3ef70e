"""Per-site settings edited in the admin (Settings → Footer)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="list-ul")
class FooterSettings(BaseSiteSetting):
    """Footer text of a site: the two funder credits, the funding disclaimer and the contact address.

    Empty fields fall back to translated default wording in ``templates/includes/footer.html``, so the footer is
    never blank and stays in the visitor's language until an editor overrides it.
    """

    funder_eu_credit = models.TextField(
        _("European Union credit"), blank=True, help_text=_("Leave empty for the standard translated wording.")
    )
    funder_norway_credit = models.TextField(
        _("SMART Balkans / Norway credit"), blank=True, help_text=_("Leave empty for the standard translated wording.")
    )
    disclaimer = models.TextField(
        _("disclaimer"), blank=True, help_text=_("Leave empty for the standard translated EU disclaimer.")
    )
    contact_email = models.EmailField(_("contact email"), blank=True)

    panels = [
        FieldPanel("funder_eu_credit"),
        FieldPanel("funder_norway_credit"),
        FieldPanel("disclaimer"),
        FieldPanel("contact_email"),
    ]

    class Meta:
        verbose_name = _("footer")
        verbose_name_plural = _("footer")
