"""Events on other pages through hooks (issue 7 item 7): community pages (``community_public_meetings``), the home
page (``home_page_sections``, portal.cms.hooks) and the main menu of the demo. Only public, live events of the
page's locale appear; a token planted in a members-only event appears nowhere."""

import datetime
import html

import pytest
import time_machine
from wagtail import hooks
from wagtail.models import Locale

from community.public import public_meetings
from events.models import Audience
from events.wagtail_hooks import HOME_PAGE_EVENTS
from portal.cms.hooks import HOME_PAGE_SECTIONS_HOOK, PageSection, home_page_sections
from portal.demo import site, translations
from tests.community.community_factories import community_member, dag
from tests.community.public_factories import CommunityIndexPageFactory, CommunityPageFactory
from tests.events.factories import event_page
from tests.portal.factories import UserFactory

UTC = datetime.UTC
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
SECRET = "xqwhookmembersonly"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def meeting(index, title, days, **fields):
    start = NOW + datetime.timedelta(days=days)
    return event_page(index, title=title, starts_at=start, ends_at=start + datetime.timedelta(hours=2), **fields)


def text_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


# --- community pages ----------------------------------------------------------------------------------------------


@pytest.fixture
def mk_page(home_page):
    community = dag("MK")
    index = CommunityIndexPageFactory(parent=home_page)
    return community, CommunityPageFactory(parent=index, community=community, title="DAG North Macedonia")


@pytest.mark.django_db
def test_community_page_lists_public_events_it_hosts_most_recent_first(client, events_index, mk_page):
    community, page = mk_page
    meeting(events_index, "Past DAG meeting", -30, host_communities=[community], city="Skopje")
    meeting(events_index, "Next DAG meeting", 5, host_communities=[community], city="Skopje")
    meeting(events_index, "Serbian meeting", 6, host_communities=[dag("RS")])
    meeting(
        events_index, f"Closed {SECRET}", 7, host_communities=[community], audience=Audience.MEMBERS, summary=SECRET
    )
    draft = meeting(events_index, f"Draft {SECRET}", 8, host_communities=[community])
    draft.unpublish()

    titles = [item.title for item in public_meetings(community)]
    assert titles == ["Next DAG meeting", "Past DAG meeting"]
    text = text_of(client, page.url)
    assert "Recent public meetings" in text
    assert text.index("Next DAG meeting") < text.index("Past DAG meeting")
    assert "Serbian meeting" not in text and SECRET not in text
    client.force_login(community_member(community))
    assert SECRET not in text_of(client, page.url)  # the community page shows public events only, to everyone


@pytest.mark.django_db
def test_community_page_hook_keeps_to_the_limit_and_the_active_locale(events_index, mk_page):
    from django.utils import translation

    community, _page = mk_page
    for n in range(7):
        meeting(events_index, f"Meeting {n}", n + 1, host_communities=[community])
    assert len(public_meetings(community, limit=3)) == 3
    turkish = Locale.objects.create(language_code="tr")
    events_index.get_parent().copy_for_translation(turkish).save_revision().publish()
    index_tr = events_index.copy_for_translation(turkish)
    index_tr.save_revision().publish()
    meeting(index_tr, "Türkçe toplantı", 2, locale=turkish, host_communities=[community])
    assert "Türkçe toplantı" not in [item.title for item in public_meetings(community, limit=10)]
    with translation.override("tr"):
        (item,) = public_meetings(community, limit=10)
    assert item.title == "Türkçe toplantı" and item.url.startswith("/tr/")


@pytest.mark.django_db
def test_community_meeting_carries_zone_and_place(events_index, mk_page):
    community, _page = mk_page
    event = meeting(
        events_index, "Skopje meeting", 3, host_communities=[community], timezone="Europe/Skopje", city="Skopje"
    )
    (item,) = public_meetings(community)
    assert (item.url, item.starts_at) == (event.url, event.starts_at)
    assert item.timezone == "Europe/Skopje" and item.place == "Skopje"


# --- home page ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_page_shows_the_next_public_events_with_a_link_to_the_index(client, events_index):
    meeting(events_index, "Ended meeting", -2)
    for n in range(HOME_PAGE_EVENTS + 1):
        meeting(events_index, f"Public meeting {n}", n + 1)
    meeting(events_index, f"Closed {SECRET}", 0.5, audience=Audience.MEMBERS, host_communities=[dag("MK")])
    text = text_of(client, "/")
    assert "Upcoming events" in text
    shown = [n for n in range(HOME_PAGE_EVENTS + 1) if f"Public meeting {n}<" in text]
    assert shown == list(range(HOME_PAGE_EVENTS))
    assert "Ended meeting" not in text and SECRET not in text
    assert f'href="{events_index.url}"' in text
    assert text.count('href="/static/css/events.css"') == 1  # the section's stylesheet, in the head


@pytest.mark.django_db
def test_home_page_is_the_same_for_members(client, events_index):
    mk = dag("MK")
    meeting(events_index, f"Closed {SECRET}", 1, audience=Audience.MEMBERS, host_communities=[mk], summary=SECRET)
    meeting(events_index, "Open meeting", 2)
    client.force_login(community_member(mk))
    text = text_of(client, "/")
    assert "Open meeting" in text and SECRET not in text
    client.force_login(UserFactory())
    assert SECRET not in text_of(client, "/")


@pytest.mark.django_db
def test_home_page_without_upcoming_events_has_no_section(client, events_index):
    meeting(events_index, "Ended meeting", -2)
    assert "Upcoming events" not in text_of(client, "/")


@pytest.mark.django_db
def test_home_page_sections_hook_contract(rf, home_page):
    """portal.cms.hooks: sections from any app, ordered; None and foreign objects ignored."""

    def late(request, page):
        return PageSection("cms/includes/date.html", {"who": "late"}, order=200, stylesheet="css/events.css")

    def early(request, page):
        return [PageSection("cms/includes/date.html", {"who": "early"}, order=10), "not a section"]

    def nothing(request, page):
        return None

    with (
        hooks.register_temporarily(HOME_PAGE_SECTIONS_HOOK, late),
        hooks.register_temporarily(HOME_PAGE_SECTIONS_HOOK, early),
        hooks.register_temporarily(HOME_PAGE_SECTIONS_HOOK, nothing),
    ):
        sections = home_page_sections(rf.get("/"), home_page)
    assert [section.context.get("who") for section in sections if "who" in section.context] == ["early", "late"]


# --- main menu of the demo --------------------------------------------------------------------------------------------


def test_demo_menu_links_the_events_index_in_every_language():
    assert ("Events", "events") in site.MENU_ITEMS
    for language in translations.LANGUAGES:
        label = translations.MENU[language]["Events"]
        assert label and label != "Events", language
