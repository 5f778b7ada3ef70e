"""Advocacy campaigns on corruption cases, their index, and the pledges visitors sign."""

from django.contrib import messages
from django.db import models
from django.db.models import Q
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.accounts.canonical import canonical_email
from portal.cms.blocks import BodyBlock, DocumentBlock, TimelineStepBlock

from .base import FilteredListingMixin, country_field

#: ``extra_tags`` of the confirmation message shown inside the pledge box (not in the page-top messages).
PLEDGE_MESSAGE_TAG = "pledge"
#: The confirmation after every valid signature, new or repeated (see :meth:`CampaignPage.serve`).
PLEDGE_THANKS = _("Thank you for signing. Each email address is counted once.")


class CampaignIndexPage(FilteredListingMixin, Page):
    """The list of campaigns of one locale, filterable by ``?status=`` and ``?country=<ISO code>``."""

    intro = models.TextField(_("introduction"), blank=True)

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.CampaignPage"]

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        verbose_name = _("campaign index")
        verbose_name_plural = _("campaign indexes")

    listing_filter = "CampaignFilter"
    listing_context_name = "campaigns"

    def listing_pages(self):
        """The pages this index lists (see :meth:`campaign_pages`)."""
        return self.campaign_pages()

    def campaign_pages(self):
        """Return the live, public ``CampaignPage`` children (country joined), newest first."""
        return (
            CampaignPage.objects.child_of(self)
            .live()
            .public()
            .select_related("country")
            .order_by("-first_published_at", "-pk")
        )


class CampaignPage(Page):
    """An advocacy campaign: summary, status, timeline of steps, the asks, documents and a pledge visitors sign.

    A POST to the page URL signs the pledge (see :meth:`serve` and :func:`portal.cms.services.sign_pledge`);
    the page then redirects to itself (POST/redirect/GET) with a confirmation message.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ACHIEVED = "achieved", _("Achieved")
        CLOSED = "closed", _("Closed")

    summary = models.TextField(_("summary"), blank=True)
    country = country_field(help_text=_("Leave empty for a regional campaign."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    timeline = StreamField([("step", TimelineStepBlock(label=_("Step")))], verbose_name=_("timeline"), blank=True)
    asks = StreamField(
        [("ask", blocks.TextBlock(label=_("Ask"), template="cms/blocks/ask.html"))],
        verbose_name=_("what we ask"),
        blank=True,
    )
    documents = StreamField([("document", DocumentBlock(label=_("Document")))], verbose_name=_("documents"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    pledge_enabled = models.BooleanField(
        _("collect pledges"), default=True, help_text=_("Visitors can sign while the campaign is active.")
    )
    pledge_heading = models.CharField(_("pledge heading"), max_length=200, blank=True)
    pledge_text = models.TextField(_("pledge text"), blank=True)

    parent_page_types = ["cms.CampaignIndexPage"]
    subpage_types: list[str] = []

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("country"), FieldPanel("status")], heading=_("Details")),
        FieldPanel("timeline"),
        FieldPanel("asks"),
        FieldPanel("body"),
        FieldPanel("documents"),
        MultiFieldPanel(
            [FieldPanel("pledge_enabled"), FieldPanel("pledge_heading"), FieldPanel("pledge_text")],
            heading=_("Pledge"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("asks"),
        index.SearchField("timeline"),
        index.FilterField("status"),
        index.FilterField("country"),
    ]

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    @property
    def accepts_pledges(self) -> bool:
        """True when visitors may sign: pledges enabled and the campaign still active."""
        return self.pledge_enabled and self.status == self.Status.ACTIVE

    def pledge_count(self) -> int:
        """Number of signatures in the database across every translation of this campaign (one query)."""
        return Pledge.objects.filter(campaign_translation_key=self.translation_key).count()

    def get_context(self, request, *args, pledge_form=None, **kwargs):
        """Add ``pledge_form`` (bound with errors after a failed POST), ``pledge_count`` and ``pledge_thanks``.

        ``pledge_thanks`` is the list of distinct pledge confirmation messages (``str``) of this request, read from the
        message storage without consuming it (the page-top messages skip them, see ``cms_tags.page_top_messages``).
        While it is non-empty the template shows the thank-you state instead of the form.
        """
        from portal.cms.forms import PledgeForm

        context = super().get_context(request, *args, **kwargs)
        # dict.fromkeys: a double click can queue the same confirmation twice; show it once.
        context["pledge_thanks"] = list(
            dict.fromkeys(
                str(message) for message in messages.get_messages(request) if message.extra_tags == PLEDGE_MESSAGE_TAG
            )
        )
        if self.accepts_pledges:
            context["pledge_form"] = pledge_form or PledgeForm()
        context["pledge_count"] = self.pledge_count()
        return context

    def serve(self, request, *args, **kwargs):
        """GET shows the page; POST signs the pledge, adds a message and redirects back (or re-renders errors).

        After a valid POST the visitor is redirected to ``#pledge`` with one success message tagged
        ``PLEDGE_MESSAGE_TAG``: the template shows it inside the pledge box (``role="status"``) and
        ``components/messages.html`` leaves it out of the messages at the top of the page. The message is the same
        for a first and a repeated signature (no way to learn whether an address signed).
        """
        if request.method == "POST" and self.accepts_pledges:
            from portal.cms.forms import PledgeForm
            from portal.cms.services import sign_pledge

            form = PledgeForm(request.POST)
            if form.is_valid():
                # The same answer whether or not the address had signed before, so the form cannot be used to
                # find out who signed; the database still keeps one signature per address.
                sign_pledge(self, **form.cleaned_data)
                messages.success(request, PLEDGE_THANKS, extra_tags=PLEDGE_MESSAGE_TAG)
                return redirect(self.get_url(request) + "#pledge")
            kwargs["pledge_form"] = form
        return super().serve(request, *args, **kwargs)


class Pledge(models.Model):
    """One visitor's signature on a campaign.

    ``email_canonical`` is :func:`portal.accounts.canonical.canonical_email` of ``email`` (set on save). One
    signature per person per campaign is enforced by the database: unique ``(campaign, email_canonical)`` and,
    across translations of the same campaign, unique ``(campaign_translation_key, email_canonical)``.
    ``consent`` must be true (check constraint): nobody is stored without agreeing.
    """

    campaign = models.ForeignKey(
        CampaignPage, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="pledges"
    )
    campaign_translation_key = models.UUIDField(_("campaign translation key"), editable=False, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email address"))
    email_canonical = models.CharField(_("canonical email"), max_length=254, editable=False)
    country = models.ForeignKey(
        "portal.Country", verbose_name=_("country"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consent = models.BooleanField(_("consent given"), default=False)
    language = models.CharField(_("language"), max_length=10, blank=True, editable=False)
    created_at = models.DateTimeField(_("signed at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "email_canonical"], name="cms_pledge_one_per_campaign"),
            models.UniqueConstraint(
                fields=["campaign_translation_key", "email_canonical"], name="cms_pledge_one_per_campaign_key"
            ),
            models.CheckConstraint(condition=Q(consent=True), name="cms_pledge_consent_given"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.email_canonical = canonical_email(self.email)
        if self.campaign_id and not self.campaign_translation_key:
            self.campaign_translation_key = self.campaign.translation_key
        super().save(*args, **kwargs)
