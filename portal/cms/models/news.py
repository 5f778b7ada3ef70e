"""News: the news index (with a country filter and an RSS feed) and news articles."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.cms.blocks import BodyBlock

from .base import FilteredListingMixin, country_field


class NewsIndexPage(FilteredListingMixin, RoutablePageMixin, Page):
    """The list of news articles of one locale, newest first, filterable by ``?country=<ISO code>``.

    Routes: ``""`` (the list) and ``"feed/"`` (RSS 2.0 of its public news, see :mod:`portal.cms.feeds`).
    """

    intro = models.TextField(_("introduction"), blank=True)

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        verbose_name = _("news index")
        verbose_name_plural = _("news indexes")

    listing_filter = "NewsFilter"
    listing_context_name = "news"

    def listing_pages(self):
        """The pages this index lists (see :meth:`news_pages`)."""
        return self.news_pages()

    def news_pages(self):
        """Return the live, public ``NewsPage`` children (country joined), newest first."""
        return NewsPage.objects.child_of(self).live().public().select_related("country").order_by("-date", "-pk")

    def get_context(self, request, *args, **kwargs):
        """The listing context (:class:`FilteredListingMixin`) plus ``feed_url``, this index's RSS feed."""
        context = super().get_context(request, *args, **kwargs)
        context["feed_url"] = self.url + self.reverse_subpage("feed")
        return context

    @path("feed/", name="feed")
    def feed(self, request):
        """Serve the RSS 2.0 feed of this index's public news pages."""
        from portal.cms.feeds import NewsFeed

        return NewsFeed()(request, index=self)


class NewsPage(Page):
    """A news article: ``date`` (publication date shown to readers), ``intro``, ``body``, optional ``country``."""

    date = models.DateField(_("date"), default=datetime.date.today)
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    country = country_field(help_text=_("Leave empty for regional news."))

    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("date"), FieldPanel("country")], heading=_("Details")),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.FilterField("country"),
    ]

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")
