"""Shared StreamField blocks for every CMS page (contract: notes "CMS contract", ``BodyBlock`` names).

``BodyBlock`` child names are part of the contract the demo content is written against: ``heading``,
``paragraph``, ``image``, ``quote``, ``call_to_action``, ``documents``, ``facts``, ``embed``, ``list``.
Each block renders through a template in ``templates/cms/blocks/``.
"""

from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

# Rich text features editors may use in body paragraphs (no raw HTML, no embeds inside paragraphs).
RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link", "hr"]


def validate_link_url(value: str) -> None:
    """Accept an absolute ``http(s)``/``mailto`` URL or a site-relative path starting with ``/``.

    Raises ``ValidationError`` for anything else (``javascript:``, ``data:``, protocol-relative ``//host``).
    """
    if not value:
        return
    if value.startswith("/") and not value.startswith("//"):
        return
    if value.startswith("mailto:") and "@" in value:
        return
    URLValidator(schemes=["http", "https"])(value)


class LinkURLBlock(blocks.CharBlock):
    """A link target: absolute ``https://…`` URL, ``mailto:`` address or a site path such as ``/news/``."""

    def __init__(self, required=True, **kwargs):
        super().__init__(required=required, max_length=500, validators=[validate_link_url], **kwargs)


class HeadingBlock(blocks.CharBlock):
    """A section heading, rendered as ``<h2>``."""

    class Meta:
        icon = "title"
        template = "cms/blocks/heading.html"
        form_classname = "title"


class ImageBlock(blocks.StructBlock):
    """An image with optional alt text (falls back to the image's own alt text) and caption."""

    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        required=False,
        max_length=250,
        help_text=_("Describe the image for people who cannot see it. Leave empty to use the image's own text."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "cms/blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    """A pull quote with its attribution."""

    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False, max_length=250)

    class Meta:
        icon = "openquote"
        template = "cms/blocks/quote.html"


class CallToActionBlock(blocks.StructBlock):
    """A highlighted box with a title, a short text and one link (``link_url`` absolute or ``/path``)."""

    title = blocks.CharBlock(label=_("Title"), max_length=200)
    text = blocks.TextBlock(label=_("Text"), required=False)
    link_url = LinkURLBlock(label=_("Link address"), required=False)
    link_text = blocks.CharBlock(label=_("Link text"), required=False, max_length=100)

    class Meta:
        icon = "pick"
        template = "cms/blocks/call_to_action.html"


class FactBlock(blocks.StructBlock):
    """One headline figure: ``value`` (e.g. "27,000+") and ``label`` (what it counts)."""

    value = blocks.CharBlock(label=_("Figure"), max_length=50)
    label = blocks.CharBlock(label=_("What it counts"), max_length=250)

    class Meta:
        icon = "doc-full"


class BodyBlock(blocks.StreamBlock):
    """The body of every page type (child names fixed by the CMS contract)."""

    heading = HeadingBlock(label=_("Heading"))
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"), features=RICH_TEXT_FEATURES, template="cms/blocks/paragraph.html"
    )
    image = ImageBlock(label=_("Image"))
    quote = QuoteBlock(label=_("Quote"))
    call_to_action = CallToActionBlock(label=_("Call to action"))
    documents = blocks.ListBlock(
        DocumentChooserBlock(label=_("Document")),
        label=_("Documents"),
        icon="doc-full-inverse",
        template="cms/blocks/documents.html",
    )
    facts = blocks.ListBlock(FactBlock(), label=_("Headline figures"), icon="list-ol", template="cms/blocks/facts.html")
    embed = EmbedBlock(label=_("Embedded media"), template="cms/blocks/embed.html")
    list = blocks.ListBlock(
        blocks.CharBlock(label=_("Item"), max_length=500),
        label=_("Bullet list"),
        icon="list-ul",
        template="cms/blocks/list.html",
    )


class TimelineStepBlock(blocks.StructBlock):
    """One step of a campaign timeline: ``date`` (optional for steps still to come), ``title``, ``description``."""

    date = blocks.DateBlock(label=_("Date"), required=False)
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    description = blocks.TextBlock(label=_("Description"), required=False)

    class Meta:
        icon = "date"
        template = "cms/blocks/timeline_step.html"


class NamedItemBlock(blocks.StructBlock):
    """A named item with a description: a dataset or a risk indicator of an Integrity Watch platform."""

    name = blocks.CharBlock(label=_("Name"), max_length=200)
    description = blocks.TextBlock(label=_("Description"), required=False)

    class Meta:
        icon = "list-ul"
        template = "cms/blocks/named_item.html"


class DocumentBlock(DocumentChooserBlock):
    """One downloadable document in a page's document list."""

    class Meta:
        icon = "doc-full-inverse"
        template = "cms/blocks/document.html"
