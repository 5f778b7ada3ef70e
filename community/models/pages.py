"""Public Wagtail pages of the communities: an index ("Communities") and one page per community.

The editable, translatable text (purpose, how to take part) lives on the page; the facts (host partner, public
roster, public documents, exchanges) come from the linked :class:`community.models.Community` and only ever through
its public querysets (``Membership.objects.listed_publicly()``, ``CommunityDocument.objects.public()``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.cms.blocks import BodyBlock


class CommunityIndexPage(Page):
    """The list of communities of one locale: the RCP first, then the five DAGs in country order."""

    intro = models.TextField(_("introduction"), blank=True)

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["community.CommunityPage"]
    max_count_per_parent = 1

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        verbose_name = _("communities index")
        verbose_name_plural = _("communities indexes")


class CommunityPage(Page):
    """The public page of one community (translations of the page share the same ``community``)."""

    community = models.ForeignKey(
        "community.Community", verbose_name=_("community"), on_delete=models.PROTECT, related_name="pages"
    )
    intro = models.TextField(_("purpose in one paragraph"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("about the group"), blank=True)
    how_to_take_part = RichTextField(_("how to take part"), blank=True, features=["bold", "italic", "link", "ul", "ol"])

    parent_page_types = ["community.CommunityIndexPage"]
    subpage_types = []

    content_panels = Page.content_panels + [
        FieldPanel("community"),
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("how_to_take_part"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.SearchField("how_to_take_part"),
    ]

    class Meta:
        verbose_name = _("community page")
        verbose_name_plural = _("community pages")
