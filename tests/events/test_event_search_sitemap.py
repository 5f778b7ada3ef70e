"""Members-only events stay out of public places (issue 7, GUIDE §3 "Access"): site search shows them only to
their audience (the ``pages_visible_to`` hook of portal.cms.hooks), never shows a join link to anyone, and
sitemap.xml lists public events only (``EventPage.get_sitemap_urls``). A unique token is planted in a members-only
event's title, summary and description, and another in join links."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from events.models import Audience, EventPage
from portal.cms.permissions import pages_visible_to
from tests.community.community_factories import community_member, dag
from tests.events.factories import RegistrationFactory, event_page
from tests.portal.factories import StandardPageFactory, UserFactory

SECRET = "vxqmembersonlyeventtoken"
JOIN_TOKEN = "jzqjoinlinksecret"


@pytest.fixture
def world(events_index):
    mk = dag("MK")
    soon = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)
    public = event_page(
        events_index,
        title="Open hackathon on political finance",
        summary="Everyone welcome at the hackathon.",
        event_type="hackathon",
        event_format="hybrid",
        online_url=f"https://meet.example.org/{JOIN_TOKEN}",
        starts_at=soon,
        ends_at=soon + datetime.timedelta(hours=8),
    )
    closed = event_page(
        events_index,
        title=f"Closed DAG meeting {SECRET}",
        summary=f"Internal agenda {SECRET}",
        description=f"<p>Confidential {SECRET}</p>",
        audience=Audience.MEMBERS,
        host_communities=[mk],
        event_format="online",
        online_url=f"https://meet.example.org/{JOIN_TOKEN}-closed",
        starts_at=soon,
        ends_at=soon + datetime.timedelta(hours=2),
    )
    return {"mk": mk, "public": public, "closed": closed}


def search(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_members_only_event_not_found_by_anonymous_visitors_or_outsiders(client, world):
    assert "Open hackathon" in search(client, "hackathon")
    html = search(client, SECRET)  # the query itself is echoed on the page; the event is not
    assert "0 results" in html
    assert "Closed DAG meeting" not in html and "Internal agenda" not in html and "Confidential" not in html
    for outsider in (UserFactory(), community_member(dag("RS"))):
        client.force_login(outsider)
        html = search(client, SECRET)
        assert "0 results" in html and "Closed DAG meeting" not in html


@pytest.mark.django_db
def test_members_only_event_found_by_its_audience(client, world):
    client.force_login(community_member(world["mk"]))
    html = search(client, SECRET)
    assert "1 result" in html and "Closed DAG meeting" in html


@pytest.mark.django_db
def test_join_links_are_never_searchable(client, world):
    """Not for the public, not for members, not for confirmed registrants: the join link is not indexed."""
    assert "online_url" not in {field.field_name for field in EventPage.search_fields}
    registrant = community_member(world["mk"])
    RegistrationFactory(event=world["public"], user=registrant)
    RegistrationFactory(event=world["closed"], user=registrant)
    for user in (None, UserFactory(), registrant):
        if user:
            client.force_login(user)
        html = search(client, JOIN_TOKEN)
        assert "0 results" in html, user
        html = search(client, "hackathon")
        assert JOIN_TOKEN not in html


@pytest.mark.django_db
def test_pages_visible_to_hook_keeps_other_pages(world, home_page):
    """The events hook only removes events the visitor may not see; other pages and public events stay."""
    about = StandardPageFactory(parent=home_page, title="About")
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    pks = set(pages_visible_to(request).values_list("pk", flat=True))
    assert {about.pk, world["public"].pk, home_page.pk} <= pks
    assert world["closed"].pk not in pks
    request.user = community_member(world["mk"])
    assert world["closed"].pk in set(pages_visible_to(request).values_list("pk", flat=True))


@pytest.mark.django_db
def test_sitemap_lists_public_events_only(client, world):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    assert world["public"].url in xml
    assert world["closed"].url not in xml
    assert SECRET not in xml and JOIN_TOKEN not in xml
    assert world["closed"].get_sitemap_urls() == []
    assert world["public"].get_sitemap_urls()


@pytest.mark.django_db
def test_token_nowhere_an_outsider_can_reach(client, world):
    """Every list page, the home page, search and the sitemap, for an anonymous visitor and a signed-in outsider."""
    urls = ["/", "/events/", "/events/calendar/", "/events/past/", "/sitemap.xml", f"/search/?q=closed+{SECRET[:6]}"]
    for user in (None, UserFactory()):
        if user:
            client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            assert SECRET not in body and JOIN_TOKEN not in body, (url, user)
