"""Every CMS page type renders (200) with every block, and obeys its parent/child rules."""

import datetime
from unittest import mock

import pytest
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from portal.cms import models as cms
from tests.portal.factories import (
    CampaignIndexPageFactory,
    CampaignPageFactory,
    CountryFactory,
    DocumentFactory,
    ImageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    PlatformIndexPageFactory,
    PlatformPageFactory,
    PublicationIndexPageFactory,
    PublicationPageFactory,
    ResourceIndexPageFactory,
    ResourcePageFactory,
    StandardPageFactory,
)
from tests.portal.html_checks import inline_code, unstyled_classes


def full_body(image, document):
    """A body with one block of each contract name."""
    return [
        ("heading", "Headline figures"),
        ("paragraph", "<p>Rich <b>text</b> paragraph.</p>"),
        ("image", {"image": image, "alt_text": "Chart of contracts", "caption": "Illustrative"}),
        ("quote", {"text": "Data is the start of accountability.", "attribution": "Joint statement"}),
        (
            "call_to_action",
            {"title": "Join a DAG", "text": "Become a member.", "link_url": "/accounts/signup/", "link_text": "Join"},
        ),
        ("documents", [document]),
        ("facts", [{"value": "27,000+", "label": "contracts to donor companies"}]),
        ("embed", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
        ("list", ["Political finance", "Public procurement"]),
    ]


@pytest.fixture
def site_tree(home_page):
    """One page of every type under the home page, each with a full body."""
    image = ImageFactory(title="Chart")
    document = DocumentFactory(title="Scoping report")
    country = CountryFactory(code="MK")
    body = full_body(image, document)
    home_page.body = body
    home_page.save_revision().publish()
    pages = {"home": home_page}
    pages["standard"] = StandardPageFactory(parent=home_page, title="About the programme", body=body)
    pages["standard_child"] = StandardPageFactory(parent=pages["standard"], title="Partners")
    pages["news_index"] = NewsIndexPageFactory(parent=home_page)
    pages["news"] = NewsPageFactory(
        parent=pages["news_index"],
        title="RCP meets in Skopje",
        date=datetime.date(2025, 2, 27),
        country=country,
        body=body,
    )
    pages["campaign_index"] = CampaignIndexPageFactory(parent=home_page)
    pages["campaign"] = CampaignPageFactory(
        parent=pages["campaign_index"],
        country=country,
        body=body,
        timeline=[
            ("step", {"date": datetime.date(2025, 3, 1), "title": "Letter sent", "description": "To the ministry"})
        ],
        asks=[("ask", "Publish the data in open formats")],
        documents=[("document", document)],
    )
    pages["resource_index"] = ResourceIndexPageFactory(parent=home_page)
    pages["resource"] = ResourcePageFactory(
        parent=pages["resource_index"], body=body, documents=[("document", document)], language="mk"
    )
    pages["publication_index"] = PublicationIndexPageFactory(parent=home_page)
    pages["publication"] = PublicationPageFactory(
        parent=pages["publication_index"], body=body, document=document, external_url="https://transparency.mk/"
    )
    pages["platform_index"] = PlatformIndexPageFactory(parent=home_page)
    pages["platform"] = PlatformPageFactory(
        parent=pages["platform_index"],
        country=country,
        body=body,
        datasets=[("dataset", {"name": "Political financing", "description": "Party donations"})],
        risk_indicators=[("indicator", {"name": "Single bidder", "description": "Only one offer"})],
    )
    return pages


@pytest.fixture(autouse=True)
def fake_oembed():
    """Embeds would fetch from YouTube; answer with a fixed iframe instead."""
    from wagtail.embeds.models import Embed

    def fake(url, max_width=None, max_height=None):
        return Embed(url=url, html='<iframe title="video" src="https://example.org/embed"></iframe>', type="video")

    with mock.patch("wagtail.embeds.embeds.get_embed", side_effect=fake):
        yield


@pytest.mark.django_db
@pytest.mark.parametrize(
    "key",
    [
        "home",
        "standard",
        "standard_child",
        "news_index",
        "news",
        "campaign_index",
        "campaign",
        "resource_index",
        "resource",
        "publication_index",
        "publication",
        "platform_index",
        "platform",
    ],
)
def test_every_page_type_renders(client, site_tree, key):
    page = site_tree[key]
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert page.title in html or key == "home"
    assert '<main id="main"' in html
    assert not inline_code(html), inline_code(html)
    assert not unstyled_classes(html), f"classes portal.css does not know: {unstyled_classes(html)}"


@pytest.mark.django_db
def test_every_block_renders_with_its_template(client, site_tree):
    html = client.get(site_tree["standard"].url).content.decode()
    assert "<h2>Headline figures</h2>" in html
    assert "Rich <b>text</b> paragraph." in html
    assert 'alt="Chart of contracts"' in html
    assert "Data is the start of accountability." in html
    assert 'href="/accounts/signup/"' in html
    assert "Scoping report" in html
    assert "27,000+" in html and "contracts to donor companies" in html
    assert 'src="https://example.org/embed"' in html
    assert "<li>Public procurement</li>" in html


@pytest.mark.django_db
def test_detail_pages_show_their_specific_fields(client, site_tree):
    campaign = client.get(site_tree["campaign"].url).content.decode()
    assert "Letter sent" in campaign and "Publish the data in open formats" in campaign
    assert 'datetime="2025-03-01"' in campaign
    platform = client.get(site_tree["platform"].url).content.decode()
    assert "Single bidder" in platform and "Political financing" in platform and "Launched 8 December 2025" in platform
    publication = client.get(site_tree["publication"].url).content.decode()
    assert 'href="https://transparency.mk/"' in publication
    news = client.get(site_tree["news"].url).content.decode()
    assert "North Macedonia" in news and "Feb. 27, 2025" in news


@pytest.mark.django_db
def test_dates_are_localised(client, site_tree, locale_tr):
    """The same date reads in the visitor's language (Turkish month name under /tr/)."""
    tr_news = site_tree["news"].copy_for_translation(locale_tr, copy_parents=True, alias=False)
    tr_news.save_revision().publish()  # its parents were created as live aliases of the English pages
    response = client.get(tr_news.url)
    assert response.status_code == 200
    assert "27 Şubat 2025" in response.content.decode()


@pytest.mark.django_db
def test_breadcrumbs_lead_from_home_to_the_page(client, site_tree):
    html = client.get(site_tree["standard_child"].url).content.decode()
    assert 'aria-label="Breadcrumb"' in html
    assert f'href="{site_tree["standard"].url}"' in html
    assert '<li><span aria-current="page">Partners</span></li>' in html


@pytest.mark.django_db
def test_news_index_filters_by_country(client, home_page):
    index = NewsIndexPageFactory(parent=home_page)
    NewsPageFactory(parent=index, title="Skopje news", country=CountryFactory(code="MK"))
    NewsPageFactory(parent=index, title="Belgrade news", country=CountryFactory(code="RS"))
    html = client.get(index.url, {"country": "MK"}).content.decode()
    assert "Skopje news" in html and "Belgrade news" not in html
    # An unknown code is a form error, not a server error.
    assert client.get(index.url, {"country": "ZZ"}).status_code == 200


@pytest.mark.django_db
def test_resource_index_filters_by_type_country_language(client, home_page):
    index = ResourceIndexPageFactory(parent=home_page)
    ResourcePageFactory(parent=index, title="Syllabus MK", resource_type="syllabus", language="mk")
    ResourcePageFactory(
        parent=index, title="Guide TR", resource_type="guide", language="tr", country=CountryFactory(code="TR")
    )
    html = client.get(index.url, {"resource_type": "syllabus"}).content.decode()
    assert "Syllabus MK" in html and "Guide TR" not in html
    html = client.get(index.url, {"language": "tr", "country": "TR"}).content.decode()
    assert "Guide TR" in html and "Syllabus MK" not in html


@pytest.mark.django_db
def test_campaign_index_filters_by_status(client, home_page):
    index = CampaignIndexPageFactory(parent=home_page)
    CampaignPageFactory(parent=index, title="Open campaign", status="active")
    CampaignPageFactory(parent=index, title="Won campaign", status="achieved")
    html = client.get(index.url, {"status": "achieved"}).content.decode()
    assert "Won campaign" in html and "Open campaign" not in html


@pytest.mark.django_db
def test_listing_paginates_and_keeps_filters(client, home_page):
    index = NewsIndexPageFactory(parent=home_page)
    country = CountryFactory(code="BA")
    for _ in range(15):
        NewsPageFactory(parent=index, country=country)
    html = client.get(index.url, {"country": "BA"}).content.decode()
    assert "Page 1 of 2" in html
    assert "?country=BA&amp;page=2" in html
    assert client.get(index.url, {"page": "99"}).status_code == 200
    assert client.get(index.url, {"page": "x"}).status_code == 200


@pytest.mark.django_db
def test_listings_hide_drafts_and_private_pages(client, home_page):
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    index = NewsIndexPageFactory(parent=home_page)
    NewsPageFactory(parent=index, title="Public article")
    draft = NewsPageFactory(parent=index, title="Draft article")
    draft.unpublish()
    private = NewsPageFactory(parent=index, title="Members article")
    restriction = PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.create(name="DAG members"))
    html = client.get(index.url).content.decode()
    assert "Public article" in html
    assert "Draft article" not in html and "Members article" not in html


class TestParentChildRules(WagtailPageTestCase):
    """Where each page type may be created (Wagtail's own assertions)."""

    def test_home_page_lives_only_under_the_root(self):
        self.assertAllowedParentPageTypes(cms.HomePage, {Page})

    def test_home_page_takes_the_index_pages_and_standard_pages(self):
        for child in (
            cms.StandardPage,
            cms.NewsIndexPage,
            cms.CampaignIndexPage,
            cms.ResourceIndexPage,
            cms.PublicationIndexPage,
            cms.PlatformIndexPage,
        ):
            self.assertCanCreateAt(cms.HomePage, child)
        for child in (
            cms.HomePage,
            cms.NewsPage,
            cms.CampaignPage,
            cms.ResourcePage,
            cms.PublicationPage,
            cms.PlatformPage,
        ):
            self.assertCanNotCreateAt(cms.HomePage, child)

    def test_standard_pages_nest(self):
        self.assertAllowedParentPageTypes(cms.StandardPage, {cms.HomePage, cms.StandardPage})
        self.assertAllowedSubpageTypes(cms.StandardPage, {cms.StandardPage})

    def test_each_index_takes_only_its_own_child_type(self):
        pairs = [
            (cms.NewsIndexPage, cms.NewsPage),
            (cms.CampaignIndexPage, cms.CampaignPage),
            (cms.ResourceIndexPage, cms.ResourcePage),
            (cms.PublicationIndexPage, cms.PublicationPage),
            (cms.PlatformIndexPage, cms.PlatformPage),
        ]
        for index, child in pairs:
            self.assertAllowedParentPageTypes(index, {cms.HomePage})
            self.assertAllowedSubpageTypes(index, {child})
            self.assertAllowedParentPageTypes(child, {index})
            self.assertAllowedSubpageTypes(child, set())
            self.assertCanNotCreateAt(cms.StandardPage, child)
        self.assertCanNotCreateAt(cms.NewsIndexPage, cms.CampaignPage)
