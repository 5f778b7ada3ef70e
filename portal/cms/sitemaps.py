"""sitemap.xml over every locale's page tree of the requested site, public live pages only."""

from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class PortalSitemap(Sitemap):
    """Wagtail's sitemap extended from the site's root page to all its translations (one tree per locale).

    Only ``live().public()`` pages: drafts and pages under a view restriction never appear.
    """

    def items(self):
        roots = self.get_wagtail_site().root_page.get_translations(inclusive=True)
        in_a_tree = Q()
        for root in roots:
            in_a_tree |= Q(path__startswith=root.path)
        return Page.objects.filter(in_a_tree).live().public().order_by("path").defer_streamfields().specific()
