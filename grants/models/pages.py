"""Public pages of calls: the calls index (open, upcoming and past calls with filters) and a call page.

The rules live on :class:`grants.models.calls.Call`; a :class:`CallPage` carries the public, translatable text
and shows the rules of its call (deadline in the call's time zone, countdown, lots, criteria, documents).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.cms.blocks import BodyBlock


class CallIndexPage(Page):
    """The list of calls for proposals of one locale (open first, then upcoming, then past), with filters."""

    intro = models.TextField(_("introduction"), blank=True)

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["grants.CallPage"]
    max_count_per_parent = 1

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        verbose_name = _("calls index")
        verbose_name_plural = _("calls indexes")


class CallPage(Page):
    """The public page of one call for proposals: introduction and body text; rules come from ``call``."""

    call = models.ForeignKey("grants.Call", verbose_name=_("call"), on_delete=models.PROTECT, related_name="pages")
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    parent_page_types = ["grants.CallIndexPage"]
    subpage_types: list[str] = []

    content_panels = Page.content_panels + [FieldPanel("call"), FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = _("call page")
        verbose_name_plural = _("call pages")
