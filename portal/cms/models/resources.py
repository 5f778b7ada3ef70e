"""Training materials (tutorials, syllabuses, guides) and their index."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.cms.blocks import BodyBlock, DocumentBlock

from .base import FilteredListingMixin, country_field


class ResourceIndexPage(FilteredListingMixin, Page):
    """The list of training materials, filterable by ``?resource_type=``, ``?country=`` and ``?language=``."""

    intro = models.TextField(_("introduction"), blank=True)

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ResourcePage"]

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        verbose_name = _("resource index")
        verbose_name_plural = _("resource indexes")

    listing_filter = "ResourceFilter"
    listing_context_name = "resources"

    def listing_pages(self):
        """The pages this index lists (see :meth:`resource_pages`)."""
        return self.resource_pages()

    def resource_pages(self):
        """Return the live, public ``ResourcePage`` children (country joined) in title order."""
        return ResourcePage.objects.child_of(self).live().public().select_related("country").order_by("title", "pk")


class ResourcePage(Page):
    """One training material: its type, topic, language of the material, country (blank = regional) and files."""

    class ResourceType(models.TextChoices):
        TUTORIAL = "tutorial", _("Tutorial")
        SYLLABUS = "syllabus", _("Syllabus")
        GUIDE = "guide", _("Guide")

    resource_type = models.CharField(_("type"), max_length=20, choices=ResourceType.choices, default=ResourceType.GUIDE)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    language = models.CharField(
        _("language of the material"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    country = country_field(help_text=_("Leave empty for regional material."))
    summary = models.TextField(_("summary"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    documents = StreamField([("document", DocumentBlock(label=_("Document")))], verbose_name=_("documents"), blank=True)

    parent_page_types = ["cms.ResourceIndexPage"]
    subpage_types: list[str] = []

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("resource_type"), FieldPanel("topic"), FieldPanel("language"), FieldPanel("country")],
            heading=_("Details"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("documents"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("topic"),
        index.SearchField("body"),
        index.FilterField("resource_type"),
        index.FilterField("language"),
        index.FilterField("country"),
    ]

    class Meta:
        verbose_name = _("training resource")
        verbose_name_plural = _("training resources")
