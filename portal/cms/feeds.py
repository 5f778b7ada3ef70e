"""RSS 2.0 feed of a news index's public news pages (Django syndication framework)."""

import datetime

from django.contrib.syndication.views import Feed
from django.utils.translation import gettext as _

FEED_LENGTH = 20


class NewsFeed(Feed):
    """Newest :data:`FEED_LENGTH` live, public ``NewsPage`` children of one ``NewsIndexPage``.

    Called as ``NewsFeed()(request, index=news_index_page)``; private or draft pages never appear (the items come
    from :meth:`NewsIndexPage.news_pages`, which applies ``live().public()``). ``pubDate`` is the article's
    ``date`` at 00:00 UTC.
    """

    def get_object(self, request, index):
        self.request = request
        return index

    def title(self, obj):
        return f"{obj.seo_title or obj.title} · {_('Integrity Watch Portal')}"

    def link(self, obj):
        return obj.get_url(self.request)

    def description(self, obj):
        return obj.intro or _("News from Integrity Watch in the Western Balkans and Turkey")

    def feed_url(self, obj):
        return self.request.path

    def items(self, obj):
        return obj.news_pages()[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.intro

    def item_link(self, item):
        return item.get_url(self.request)

    def item_pubdate(self, item):
        return datetime.datetime.combine(item.date, datetime.time.min, tzinfo=datetime.UTC)

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [str(item.country)] if item.country_id else []
