"""Factories and helpers for the public community pages: the index page, community pages and documents."""

import factory
import wagtail_factories
from django.core.files.base import ContentFile

from community.models import CommunityDocument, CommunityIndexPage, CommunityPage, Visibility
from tests.community.community_factories import DAGFactory

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class CommunityIndexPageFactory(wagtail_factories.PageFactory):
    title = "Communities"
    slug = "communities"
    intro = "The Regional Community of Practice and the five Domestic Advisory Groups."

    class Meta:
        model = CommunityIndexPage


class CommunityPageFactory(wagtail_factories.PageFactory):
    """Needs ``parent`` (a CommunityIndexPage) and usually ``community``."""

    title = factory.LazyAttribute(lambda o: o.community.name)
    slug = factory.LazyAttribute(lambda o: o.community.slug)
    community = factory.SubFactory(DAGFactory)
    intro = "Advises on which datasets the national Integrity Watch platform publishes."
    how_to_take_part = "<p>Write to the coordinators.</p>"

    class Meta:
        model = CommunityPage


def community_document(community, title: str, visibility=Visibility.MEMBERS, **fields) -> CommunityDocument:
    """A small PDF in ``community``'s library (members-only unless ``visibility`` says public)."""
    document = CommunityDocument(
        community=community,
        title=title,
        visibility=visibility,
        original_name=fields.pop("original_name", "document.pdf"),
        content_type="application/pdf",
        size_bytes=len(PDF),
        **fields,
    )
    document.file.save("document.pdf", ContentFile(PDF), save=False)
    document.save()
    return document
