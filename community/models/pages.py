"""Public Wagtail pages of the communities: an index ("Communities") and one page per community.

The editable, translatable text (purpose, how to take part) lives on the page; the facts (host partner, public
roster, public documents) come from the linked :class:`community.models.Community` and only ever through
its public querysets (``Membership.objects.listed_publicly()``, ``CommunityDocument.objects.public()``).
"""

from django.db import models
from django.db.models import Case, IntegerField, Value, When
from django.utils.cache import patch_cache_control, patch_vary_headers
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

    def community_pages(self):
        """The live, public community pages under this index with their community, country and host partner
        loaded: the RCP first, then the DAGs in country order (one query)."""
        rcp_first = Case(When(community__kind="rcp", then=Value(0)), default=Value(1), output_field=IntegerField())
        return (
            CommunityPage.objects.child_of(self)
            .live()
            .public()
            .select_related("community", "community__country", "community__host_organisation")
            .order_by(rcp_first, "community__country__sort_order", "community__name", "pk")
        )

    def get_context(self, request, *args, **kwargs):
        """Adds ``cards``: one dict per community page (``page``, ``community``, ``country``, ``host``,
        ``member_count`` = members listed publicly). Two queries, whatever the number of pages and members."""
        from community.public import public_member_counts

        context = super().get_context(request, *args, **kwargs)
        pages = list(self.community_pages())
        counts = public_member_counts([page.community_id for page in pages])
        context["cards"] = [
            {
                "page": page,
                "community": page.community,
                "country": page.community.country,
                "host": page.community.host_organisation,
                "member_count": counts.get(page.community_id, 0),
            }
            for page in pages
        ]
        return context


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

    def get_context(self, request, *args, **kwargs):
        """Adds ``community`` (with country and host partner), ``host``, ``roster`` (public
        :class:`community.public.RosterEntry` rows), ``documents`` (recent public documents), ``meetings`` (recent
        public meetings from the ``community_public_meetings`` hook; may be empty) and ``visitor_state`` (see
        :func:`community.public.visitor_state`). Nothing members-only."""
        from community.public import public_documents, public_meetings, public_roster, visitor_state

        from .communities import Community

        context = super().get_context(request, *args, **kwargs)
        community = Community.objects.select_related("country", "host_organisation").get(pk=self.community_id)
        context.update(
            community=community,
            host=community.host_organisation,
            roster=public_roster(community),
            documents=public_documents(community),
            meetings=public_meetings(community),
            visitor_state=visitor_state(request.user, community),
        )
        return context

    def serve(self, request, *args, **kwargs):
        """Serve the page; the answer depends on who asks (join or open-workspace button), so it carries
        ``Vary: Cookie``, and answers to signed-in visitors are ``Cache-Control: private`` (never kept by a shared
        cache)."""
        response = super().serve(request, *args, **kwargs)
        patch_vary_headers(response, ("Cookie",))
        if request.user.is_authenticated:
            patch_cache_control(response, private=True)
        return response
