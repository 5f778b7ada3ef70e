"""Publications: reports on integrity rules and data availability, and their index."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.cms.blocks import BodyBlock

from .base import FilteredListingMixin, country_field


class PublicationIndexPage(FilteredListingMixin, Page):
    """The list of publications, newest first, filterable by ``?publication_type=`` and ``?country=``."""

    intro = models.TextField(_("introduction"), blank=True)

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.PublicationPage"]

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        verbose_name = _("publication index")
        verbose_name_plural = _("publication indexes")

    listing_filter = "PublicationFilter"
    listing_context_name = "publications"

    def listing_pages(self):
        """The pages this index lists (see :meth:`publication_pages`)."""
        return self.publication_pages()

    def publication_pages(self):
        """Return the live, public ``PublicationPage`` children (country and document joined), newest first."""
        return (
            PublicationPage.objects.child_of(self)
            .live()
            .public()
            .select_related("country", "document")
            .order_by("-publication_date", "-pk")
        )


class PublicationPage(Page):
    """A report: publication date, country (blank = regional), type, summary, body, a document or external link."""

    class PublicationType(models.TextChoices):
        INTEGRITY_RULES = "integrity_rules", _("Political integrity rules")
        DATA_AVAILABILITY = "data_availability", _("Data availability")
        SCOPING = "scoping", _("Scoping report")
        OTHER = "other", _("Other")

    publication_date = models.DateField(_("publication date"), default=datetime.date.today)
    country = country_field(help_text=_("Leave empty for a regional publication."))
    publication_type = models.CharField(
        _("type"), max_length=30, choices=PublicationType.choices, default=PublicationType.OTHER
    )
    summary = models.TextField(_("summary"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    external_url = models.URLField(_("external link"), blank=True, help_text=_("Where the report is published."))

    parent_page_types = ["cms.PublicationIndexPage"]
    subpage_types: list[str] = []

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("publication_date"), FieldPanel("publication_type"), FieldPanel("country")],
            heading=_("Details"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("document"), FieldPanel("external_url")], heading=_("Full report")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("publication_type"),
        index.FilterField("publication_date"),
        index.FilterField("country"),
    ]

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
