"""The search page: finds live public pages of the current locale; private pages never reach outsiders."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from tests.portal.factories import NewsIndexPageFactory, NewsPageFactory, StandardPageFactory, UserFactory
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


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_full_text_search_stems_words(client, home_page):
    """On PostgreSQL the database backend uses full-text search: "declaration" finds "declarations"."""
    StandardPageFactory(parent=home_page, title="Asset declarations of officials")
    assert "Asset declarations of officials" in client.get("/search/", {"q": "declaration"}).content.decode()
