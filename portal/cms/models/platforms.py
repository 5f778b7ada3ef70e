"""The Integrity Watch platforms: one page per country's platform, and their index."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.cms.blocks import BodyBlock, NamedItemBlock

from .base import country_field


class PlatformIndexPage(Page):
    """The list of the national Integrity Watch platforms (five at most, so no pagination)."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.PlatformPage"]

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = _("platform index")
        verbose_name_plural = _("platform indexes")

    def platform_pages(self):
        """Return the live, public ``PlatformPage`` children (country joined) in country order."""
        return (
            PlatformPage.objects.child_of(self)
            .live()
            .public()
            .select_related("country")
            .order_by("country__sort_order", "title")
        )

    def get_context(self, request, *args, **kwargs):
        """Add ``platforms``: the live, public platform pages."""
        context = super().get_context(request, *args, **kwargs)
        context["platforms"] = self.platform_pages()
        return context


class PlatformPage(Page):
    """One country's Integrity Watch platform: who runs it, its status, datasets and risk indicators.

    ``website`` stays blank unless the real address is known (never invented).
    """

    country = country_field()
    operator = models.CharField(_("run by"), max_length=200, blank=True, help_text=_("The partner organisation."))
    status = models.CharField(_("status"), max_length=200, blank=True, help_text=_('E.g. "Launched 8 December 2025".'))
    website = models.URLField(_("website"), blank=True, help_text=_("Leave empty if the address is not confirmed."))
    summary = models.TextField(_("summary"), blank=True)
    datasets = StreamField([("dataset", NamedItemBlock(label=_("Dataset")))], verbose_name=_("datasets"), blank=True)
    risk_indicators = StreamField(
        [("indicator", NamedItemBlock(label=_("Risk indicator")))], verbose_name=_("risk indicators"), blank=True
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    parent_page_types = ["cms.PlatformIndexPage"]
    subpage_types: list[str] = []

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("country"), FieldPanel("operator"), FieldPanel("status"), FieldPanel("website")],
            heading=_("Details"),
        ),
        FieldPanel("summary"),
        FieldPanel("datasets"),
        FieldPanel("risk_indicators"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("operator"),
        index.SearchField("datasets"),
        index.SearchField("risk_indicators"),
        index.SearchField("body"),
        index.FilterField("country"),
    ]

    class Meta:
        verbose_name = _("Integrity Watch platform")
        verbose_name_plural = _("Integrity Watch platforms")
