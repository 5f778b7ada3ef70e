"""sitemap.xml, robots.txt and the news RSS feed show only public, live pages."""

import datetime
import xml.etree.ElementTree as ET  # noqa: S405 - parsing our own responses

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from tests.portal.factories import NewsIndexPageFactory, NewsPageFactory, StandardPageFactory

TOKEN = "qwvprivatetoken"


def restrict(page):
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.get_or_create(name="DAG members")[0])


@pytest.fixture
def news(home_page):
    index = NewsIndexPageFactory(parent=home_page)
    public = NewsPageFactory(parent=index, title="Joint statement published", date=datetime.date(2025, 2, 28))
    private = NewsPageFactory(parent=index, title=f"Internal {TOKEN}", intro=TOKEN)
    restrict(private)
    draft = NewsPageFactory(parent=index, title="Draft news")
    draft.unpublish()
    return index, public, private, draft


@pytest.mark.django_db
def test_rss_lists_public_news_only(client, news):
    index, public, private, draft = news
    for url in (index.url + "feed/", "/feed/"):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/rss+xml")
        body = response.content.decode()
        assert TOKEN not in body and "Draft news" not in body
        channel = ET.fromstring(response.content).find("channel")  # noqa: S314
        items = channel.findall("item")
        assert [item.findtext("title") for item in items] == ["Joint statement published"]
        assert items[0].findtext("link") == "http://testserver" + public.url
        assert items[0].findtext("pubDate").startswith("Fri, 28 Feb 2025")


@pytest.mark.django_db
def test_news_index_links_its_feed(client, news):
    index = news[0]
    html = client.get(index.url).content.decode()
    assert f'type="application/rss+xml" title="News" href="{index.url}feed/"' in html


@pytest.mark.django_db
def test_feed_of_a_private_index_needs_login(client, news):
    index = news[0]
    restrict(index)
    response = client.get(index.url + "feed/")
    assert response.status_code == 302
    assert client.get("/feed/").status_code == 404


@pytest.mark.django_db
def test_default_feed_404_without_news_index(client, home_page):
    assert client.get("/feed/").status_code == 404


@pytest.mark.django_db
def test_sitemap_lists_public_live_pages_of_every_locale(client, news, home_page, locale_tr):
    index, public, private, draft = news
    members = StandardPageFactory(parent=home_page, title="Members area")
    restrict(members)
    below_private = StandardPageFactory(parent=members, title="Member minutes")
    about = StandardPageFactory(parent=home_page, title="About")
    tr_about = about.copy_for_translation(locale_tr, copy_parents=True, alias=False)
    tr_about.save_revision().publish()

    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    body = response.content.decode()
    for page in (home_page, index, public, about, tr_about):
        assert f"<loc>{page.full_url}</loc>" in body
    assert "/tr/" in tr_about.url
    for page in (private, draft, members, below_private):
        assert f"<loc>{page.full_url}</loc>" not in body
    assert TOKEN not in body


@pytest.mark.django_db
def test_robots_txt(client, home_page):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "User-agent: *" in body
    assert "Disallow: /admin/" in body and "Disallow: /accounts/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


@pytest.mark.django_db
def test_404_page_uses_the_site_design(client, home_page):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and 'class="site-footer"' in html


def test_500_page_renders_without_a_request():
    from django.template import loader

    html = loader.get_template("500.html").render({})
    assert "Something went wrong" in html


def footer(html: str) -> str:
    return html[html.index('<footer class="site-footer"') :]


@pytest.mark.django_db
def test_footer_links_the_feed_of_the_current_language(client, news, locale_tr):
    """English pages link the English news feed, Turkish pages the Turkish news index's own feed."""
    index = news[0]
    assert f'<a href="{index.url}feed/">News feed (RSS)</a>' in footer(client.get("/").content.decode())
    tr_index = index.copy_for_translation(locale_tr, copy_parents=True, alias=False)
    tr_index.save_revision().publish()
    tr_index.refresh_from_db()
    assert tr_index.url.startswith("/tr/")
    assert client.get(tr_index.url + "feed/").status_code == 200
    response = client.get(tr_index.get_parent().url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{tr_index.url}feed/"' in footer(html)
    assert 'href="/feed/"' not in footer(html)


@pytest.mark.django_db
def test_footer_falls_back_to_the_default_feed(client, home_page, locale_tr):
    """Without a news index in the current language (or none at all) the footer links /feed/."""
    assert 'href="/feed/"' in footer(client.get("/").content.decode())
    tr_home = home_page.copy_for_translation(locale_tr, alias=False)
    tr_home.save_revision().publish()
    NewsIndexPageFactory(parent=home_page)  # English only
    response = client.get("/tr/")
    assert response.status_code == 200 and response.wsgi_request.LANGUAGE_CODE == "tr"
    assert 'href="/feed/"' in footer(response.content.decode())
