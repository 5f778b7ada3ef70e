"""Home page and standard content pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.cms.blocks import BodyBlock


class HomePage(Page):
    """The root page of each locale's tree (one per locale, directly under Wagtail's root).

    Children: any page type whose ``parent_page_types`` names ``cms.HomePage`` (the CMS index pages and
    ``StandardPage`` here; other apps' index pages such as events or calls declare the same), so
    ``subpage_types`` is left open on purpose and each child type states its own parent.
    """

    hero_title = models.CharField(_("hero title"), max_length=200, blank=True)
    hero_text = models.TextField(_("hero text"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    parent_page_types = ["wagtailcore.Page"]

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("hero_title"), FieldPanel("hero_text")], heading=_("Hero")),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("hero_title"),
        index.SearchField("hero_text"),
        index.SearchField("body"),
    ]

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_context(self, request, *args, **kwargs):
        """Add ``latest_news`` (3 newest public news pages) and ``active_campaigns`` of this locale's tree, and
        ``home_sections``: the blocks other apps add through the ``home_page_sections`` hook (the next events, for
        instance; see :mod:`portal.cms.hooks`)."""
        from portal.cms.hooks import home_page_sections

        from .campaigns import CampaignPage
        from .news import NewsPage

        context = super().get_context(request, *args, **kwargs)
        context["latest_news"] = (
            NewsPage.objects.descendant_of(self).live().public().select_related("country").order_by("-date")[:3]
        )
        context["active_campaigns"] = (
            CampaignPage.objects.descendant_of(self)
            .live()
            .public()
            .filter(status=CampaignPage.Status.ACTIVE)
            .select_related("country")
            .order_by("-first_published_at")[:3]
        )
        context["home_sections"] = home_page_sections(request, self)
        context["home_section_stylesheets"] = list(
            dict.fromkeys(section.stylesheet for section in context["home_sections"] if section.stylesheet)
        )
        return context


class StandardPage(Page):
    """A plain content page (about the programme, partners, funders…) under the home page or another one."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")

    def get_context(self, request, *args, **kwargs):
        """Add ``child_pages``: the live, public children that show in menus (one query, no per-page lookups)."""
        context = super().get_context(request, *args, **kwargs)
        context["child_pages"] = self.get_children().live().public().specific()
        return context
