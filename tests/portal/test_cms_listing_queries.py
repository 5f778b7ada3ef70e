"""Every listing page makes the same number of queries with 3 and with 30 children (no per-row queries)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.portal.factories import (
    CampaignIndexPageFactory,
    CampaignPageFactory,
    CountryFactory,
    DocumentFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    PlatformIndexPageFactory,
    PlatformPageFactory,
    PledgeFactory,
    PublicationIndexPageFactory,
    PublicationPageFactory,
    ResourceIndexPageFactory,
    ResourcePageFactory,
    StandardPageFactory,
)


def count_queries(client, url, params=None) -> int:
    client.get(url, params or {})  # warm per-process caches (site root paths, content types, locales)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def _news(index, n):
    country = CountryFactory(code=["BA", "XK", "MK", "RS", "TR"][n % 5])
    return NewsPageFactory(parent=index, country=country)


def _campaign(index, n):
    page = CampaignPageFactory(parent=index, country=CountryFactory(code="RS"))
    PledgeFactory(campaign=page)
    return page


def _resource(index, n):
    return ResourcePageFactory(parent=index, country=CountryFactory(code="BA"))


def _publication(index, n):
    return PublicationPageFactory(parent=index, country=CountryFactory(code="MK"), document=DocumentFactory())


def _platform(index, n):
    return PlatformPageFactory(parent=index, country=CountryFactory(code="XK"))


def _standard(index, n):
    return StandardPageFactory(parent=index)


LISTINGS = {
    "news": (NewsIndexPageFactory, _news, {}),
    "news filtered": (NewsIndexPageFactory, _news, {"country": "MK"}),
    "campaigns": (CampaignIndexPageFactory, _campaign, {"status": "active"}),
    "resources": (ResourceIndexPageFactory, _resource, {"resource_type": "guide", "language": "en"}),
    "publications": (PublicationIndexPageFactory, _publication, {}),
    "platforms": (PlatformIndexPageFactory, _platform, {}),
    "standard page children": (StandardPageFactory, _standard, {}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(LISTINGS))
def test_listing_query_count_is_the_same_for_3_and_30_children(client, home_page, name):
    index_factory, child_factory, params = LISTINGS[name]
    index = index_factory(parent=home_page)
    for n in range(3):
        child_factory(index, n)
    with_three = count_queries(client, index.url, params)
    for n in range(3, 30):
        child_factory(index, n)
    with_thirty = count_queries(client, index.url, params)
    assert with_three == with_thirty


@pytest.mark.django_db
def test_home_page_query_count_is_constant(client, home_page):
    news = NewsIndexPageFactory(parent=home_page)
    campaigns = CampaignIndexPageFactory(parent=home_page)
    for n in range(3):
        _news(news, n)
        _campaign(campaigns, n)
    with_three = count_queries(client, home_page.url)
    for n in range(27):
        _news(news, n)
        _campaign(campaigns, n)
    assert count_queries(client, home_page.url) == with_three
