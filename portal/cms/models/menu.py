"""The main menu: a translatable snippet (one per locale) with ordered, translatable items.

wagtail-localize translates a ``TranslatableMixin`` snippet together with the child objects of its ``ParentalKey``
relations when those are ``TranslatableMixin`` too (``wagtail_localize.fields.get_translatable_fields`` makes the
relation a ``TranslatableField``; ``segments.extract`` extracts each child's strings under its ``translation_key``).
So each :class:`MenuItem` label is a string to translate, and the translated menu's items are copies that keep the
English item's ``translation_key`` and carry the menu's locale.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable, TranslatableMixin
from wagtail_localize.fields import SynchronizedField

from portal.cms.blocks import validate_link_url


class MainMenu(TranslatableMixin, ClusterableModel):
    """The site's main navigation for one locale (translate it with wagtail-localize).

    Rendering (``{% main_menu_items %}`` in :mod:`portal.cms.templatetags.cms_tags`) uses the menu of the active
    locale, falls back to the default locale's menu, and without any menu lists the home page's children that
    have "show in menus" ticked.
    """

    title = models.CharField(_("title"), max_length=100, default="Main menu", help_text=_("Only shown in the admin."))

    panels = [FieldPanel("title"), InlinePanel("items", label=_("Menu items"))]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("main menu")
        verbose_name_plural = _("main menus")

    def __str__(self):
        return f"{self.title} ({self.locale})" if self.locale_id else self.title


class MenuItem(TranslatableMixin, Orderable):
    """One menu entry: a page (its translation in the visitor's locale is used when it exists) or a URL.

    Translatable with its menu: ``label`` is translated; ``link_page`` (resolved to the visitor's locale when the
    menu is rendered) and ``link_url`` are copied from the English item unchanged. ``locale`` is set from the
    menu on save (Wagtail's ``TranslatableMixin.get_default_locale`` follows the ``ParentalKey``).
    """

    menu = ParentalKey(MainMenu, on_delete=models.CASCADE, related_name="items")
    label = models.CharField(_("label"), max_length=100, blank=True, help_text=_("Leave empty to use the page title."))
    link_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    link_url = models.CharField(
        _("link address"),
        max_length=500,
        blank=True,
        validators=[validate_link_url],
        help_text=_("An https:// address or a site path such as /news/; used when no page is chosen."),
    )

    panels = [FieldPanel("label"), FieldPanel("link_page"), FieldPanel("link_url")]
    # A CharField would be translatable by default; the address stays the same in every language.
    override_translatable_fields = [SynchronizedField("link_url")]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("menu item")
        verbose_name_plural = _("menu items")

    def __str__(self):
        return self.label or (self.link_page.title if self.link_page_id else self.link_url)

    def clean(self):
        """Require a page or an address, and a label when only an address is given."""
        super().clean()
        if not self.link_page_id and not self.link_url:
            raise ValidationError(_("Choose a page or enter a link address."))
        if not self.link_page_id and not self.label:
            raise ValidationError({"label": _("A link address needs a label.")})
