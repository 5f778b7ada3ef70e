"""The search page: finds live public pages of the current locale; private pages never reach outsiders."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from portal.cms.views import clean_search_query
from tests.portal.factories import (
    CampaignIndexPageFactory,
    CampaignPageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    PublicationIndexPageFactory,
    PublicationPageFactory,
    ResourceIndexPageFactory,
    StandardPageFactory,
    UserFactory,
)
from tests.portal.html_checks import inline_code, unstyled_classes

SECRET_TOKEN = "zqxjvelkordtoken"  # a word that appears nowhere else


@pytest.fixture
def private_page(home_page):
    """A members-only page (group restriction) whose body carries a unique token."""
    members = StandardPageFactory(parent=home_page, title="Members area", intro=f"Members only {SECRET_TOKEN}")
    restriction = PageViewRestriction.objects.create(page=members, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.create(name="RCP members"))
    child = StandardPageFactory(parent=members, title=f"Minutes {SECRET_TOKEN}", intro=f"Notes {SECRET_TOKEN}")
    return members, child, restriction


@pytest.mark.django_db
def test_search_finds_public_pages(client, home_page):
    StandardPageFactory(parent=home_page, title="Political finance", intro="Donations to parties")
    response = client.get("/search/", {"q": "donations"})
    assert response.status_code == 200
    assert "Political finance" in response.content.decode()


@pytest.mark.django_db
def test_search_page_without_query(client, home_page):
    response = client.get("/search/")
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()


@pytest.mark.django_db
def test_private_pages_never_reach_anonymous_visitors(client, private_page):
    response = client.get("/search/", {"q": SECRET_TOKEN})
    assert response.status_code == 200
    html = response.content.decode()
    assert "0 results" in html
    assert "Members area" not in html and "Minutes" not in html
    # The page itself asks for a login instead of showing the token.
    members, child, _ = private_page
    for page in (members, child):
        page_response = client.get(page.url)
        assert page_response.status_code == 302
        assert SECRET_TOKEN not in page_response.content.decode()


@pytest.mark.django_db
def test_private_pages_hidden_from_users_outside_the_group(client, private_page):
    client.force_login(UserFactory())
    html = client.get("/search/", {"q": SECRET_TOKEN}).content.decode()
    assert "Members area" not in html and "0 results" in html


@pytest.mark.django_db
def test_group_members_find_their_private_pages(client, private_page):
    _, _, restriction = private_page
    member = UserFactory()
    member.groups.add(restriction.groups.get())
    client.force_login(member)
    html = client.get("/search/", {"q": SECRET_TOKEN}).content.decode()
    assert "Members area" in html and "2 results" in html


@pytest.mark.django_db
def test_drafts_are_not_found(client, home_page):
    draft = StandardPageFactory(parent=home_page, title="Unpublished draft", intro="draftword")
    draft.unpublish()
    assert "Unpublished draft" not in client.get("/search/", {"q": "draftword"}).content.decode()


@pytest.mark.django_db
def test_search_stays_in_the_current_locale(client, home_page, locale_tr):
    page = StandardPageFactory(parent=home_page, title="Procurement red flags", intro="redflagword")
    tr_page = page.copy_for_translation(locale_tr, copy_parents=True, alias=False)
    tr_page.title = "Kamu ihalesi uyarıları"
    tr_page.save_revision().publish()
    english = client.get("/search/", {"q": "redflagword"}).content.decode()
    assert "Procurement red flags" in english and "Kamu ihalesi" not in english
    turkish = client.get("/tr/search/", {"q": "redflagword"}).content.decode()
    assert "Kamu ihalesi uyarıları" in turkish and "Procurement red flags" not in turkish


@pytest.mark.django_db
def test_search_results_are_paginated(client, home_page):
    for n in range(12):
        StandardPageFactory(parent=home_page, title=f"Asset declarations {n}", intro="assetword")
    html = client.get("/search/", {"q": "assetword"}).content.decode()
    assert "12 results" in html and "Page 1 of 2" in html and "q=assetword&amp;page=2" in html
    assert not inline_code(html) and not unstyled_classes(html), (inline_code(html), unstyled_classes(html))


def _count_queries(client, url, params):
    client.get(url, params)  # warm caches (site root paths, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_search_query_count_does_not_grow_with_results(client, home_page):
    index = NewsIndexPageFactory(parent=home_page)
    for _ in range(3):
        NewsPageFactory(parent=index, intro="budgetword")
    three = _count_queries(client, "/search/", {"q": "budgetword"})
    for _ in range(27):
        NewsPageFactory(parent=index, intro="budgetword")
    thirty = _count_queries(client, "/search/", {"q": "budgetword"})
    assert three == thirty


@pytest.mark.django_db
def test_snippets_cost_one_query_per_page_type_not_per_result(client, home_page):
    """Results of several page types: the specific pages come in one query per type shown, whatever the number."""
    news_index = NewsIndexPageFactory(parent=home_page)
    campaign_index = CampaignIndexPageFactory(parent=home_page)

    def add_three():
        NewsPageFactory(parent=news_index, intro="budgetword")
        CampaignPageFactory(parent=campaign_index, summary="budgetword")
        StandardPageFactory(parent=home_page, intro="budgetword")

    def queries_minus_types():
        client.get("/search/", {"q": "budgetword"})  # warm caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/search/", {"q": "budgetword"})
        types = {type(page) for page in response.context["search_results"]}
        assert types and all(cls.__name__ != "Page" for cls in types)  # specific pages
        return len(queries) - len(types)

    add_three()
    three = queries_minus_types()
    for _ in range(9):
        add_three()
    assert queries_minus_types() == three


@pytest.mark.django_db
def test_results_show_a_short_text_without_search_description(client, home_page):
    """The snippet is the search description, else the intro, summary or hero text of the specific page."""
    StandardPageFactory(parent=home_page, title="Snippet standard", intro="Intro about lobbying snipword.")
    index = PublicationIndexPageFactory(parent=home_page)
    PublicationPageFactory(parent=index, title="Snippet publication", summary="Summary of the snipword study.")
    StandardPageFactory(
        parent=home_page, title="Snippet described", intro="Hidden intro snipword.", search_description="Described."
    )
    html = client.get("/search/", {"q": "snipword"}).content.decode()
    assert "3 results" in html
    assert '<p class="search-result__summary">Intro about lobbying snipword.</p>' in html
    assert '<p class="search-result__summary">Summary of the snipword study.</p>' in html
    assert '<p class="search-result__summary">Described.</p>' in html
    assert "Hidden intro" not in html


@pytest.mark.django_db
def test_home_page_result_shows_its_hero_text(client, home_page):
    html = client.get("/search/", {"q": "Integrity Watch"}).content.decode()
    assert f'<p class="search-result__summary">{home_page.hero_text}</p>' in html


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("\x00", ""),
        ("asset\x00declarations", "asset declarations"),
        ("  tab\there\r\nline\x7f\x85end ", "tab here line end"),
        ("Kamu İhalesi", "Kamu İhalesi"),
        ("x" * 300, "x" * 200),
    ],
)
def test_clean_search_query(raw, cleaned):
    assert clean_search_query(raw) == cleaned


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["%00", "a%00b", "%00%01%1F%7F", "%C2%85"])
def test_control_characters_in_the_query_are_no_server_error(client, home_page, query):
    """A NUL byte made SQLite fail ("unterminated string") and PostgreSQL refuse the query: now a normal page."""
    StandardPageFactory(parent=home_page, title="Asset declarations", intro="ab")
    response = client.get(f"/search/?q={query}")
    assert response.status_code == 200
    assert "\x00" not in response.content.decode()


@pytest.mark.django_db
def test_nul_between_words_still_searches(client, home_page):
    StandardPageFactory(parent=home_page, title="Political finance", intro="Donations to parties")
    response = client.get("/search/?q=donations%00")
    assert response.status_code == 200
    assert "Political finance" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "params"),
    [
        (NewsIndexPageFactory, ["country", "page"]),
        (CampaignIndexPageFactory, ["status", "country", "page"]),
        (ResourceIndexPageFactory, ["resource_type", "country", "language", "page"]),
        (PublicationIndexPageFactory, ["publication_type", "country", "page"]),
    ],
)
def test_listing_filters_ignore_control_characters(client, home_page, factory, params):
    """``?country=%00`` and friends are invalid filter values, ignored like any other: no server error."""
    index = factory(parent=home_page)
    for param in params:
        for value in ("%00", "TR%00", "%01"):
            assert client.get(f"{index.url}?{param}={value}").status_code == 200, (param, value)


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_full_text_search_stems_words(client, home_page):
    """On PostgreSQL the database backend uses full-text search: "declaration" finds "declarations"."""
    StandardPageFactory(parent=home_page, title="Asset declarations of officials")
    assert "Asset declarations of officials" in client.get("/search/", {"q": "declaration"}).content.decode()
