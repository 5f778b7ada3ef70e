"""Public community pages (issue 6 item 1): the "Communities" index and one page per community — order, host
partner, public roster with its consent rules, public documents, recent public meetings from the events hook, the
join / open-workspace call to action per kind of visitor, per-visitor caching and flat query counts."""

import datetime
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail import hooks

from community.models import JoinRequest, MemberRole, Membership, Organisation, Sector, Visibility
from community.public import PUBLIC_MEETINGS_HOOK, public_meetings
from portal.models import Country
from tests.community.community_factories import MembershipFactory, RCPFactory, community_member, dag
from tests.community.public_factories import CommunityIndexPageFactory, CommunityPageFactory, community_document
from tests.portal.conftest import home_page  # noqa: F401  (fixture)
from tests.portal.factories import CountryFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(home_page):  # noqa: F811
    return CommunityIndexPageFactory(parent=home_page)


@pytest.fixture
def kdi():
    return Organisation.objects.create(
        legal_name="Kosova Democratic Institute",
        local_name="Instituti Demokratik i Kosovës",
        country=CountryFactory(code="XK"),
        website="https://kdi-kosova.org",
    )


@pytest.fixture
def mk(index):
    community = dag("MK")
    page = CommunityPageFactory(parent=index, community=community, title="DAG North Macedonia")
    return community, page


def listed(community, first_name, last_name="Member", **fields):
    """A member who consented to show their name (and, by default, nothing else)."""
    user = UserFactory(first_name=first_name, last_name=last_name)
    fields.setdefault("consent_public_name", True)
    MembershipFactory(community=community, user=user, **fields)
    return user


def text_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


# --- the index -------------------------------------------------------------------------------------------------------


def test_index_lists_the_rcp_first_then_the_dags_in_country_order(client, index, kdi):
    for order, code in enumerate(["BA", "XK", "MK", "RS", "TR"]):
        CountryFactory(code=code)
        Country.objects.filter(code=code).update(sort_order=order)
    for code in ["TR", "MK", "BA"]:
        CommunityPageFactory(parent=index, community=dag(code), title=f"DAG {code}")
    CommunityPageFactory(parent=index, community=RCPFactory(host_organisation=kdi), title="The RCP")
    page = text_of(client, index.url)
    positions = [page.index(title) for title in ["The RCP", "DAG BA", "DAG MK", "DAG TR"]]
    assert positions == sorted(positions)
    assert "Kosova Democratic Institute" in page
    assert "Regional" in page and "North Macedonia" in page


def test_index_counts_only_members_listed_publicly(client, mk):
    community, page = mk
    index = page.get_parent()
    listed(community, "Ana")
    listed(community, "Bora", sector=Sector.MEDIA)
    community_member(community)  # no consent: not counted
    MembershipFactory(
        community=community, consent_public_name=True, ended_on=datetime.date(2024, 1, 1)
    )  # former member: not counted
    text = text_of(client, index.url)
    row = text.split("Members listed", 1)[1]
    assert row.split("<dd>", 1)[1].split("</dd>", 1)[0] == "2"


def test_index_query_count_is_the_same_for_3_and_30_roster_rows(client, index, kdi):
    rcp = RCPFactory(host_organisation=kdi)
    communities = [rcp, dag("MK", host_organisation=kdi), dag("RS")]
    for community in communities:
        CommunityPageFactory(parent=index, community=community)
        listed(community, "First")
    client.get(index.url)  # warm the site-root cache
    with CaptureQueriesContext(connection) as small:
        assert client.get(index.url).status_code == 200
    for community in communities:
        for n in range(9):
            listed(community, f"More{n}")
    with CaptureQueriesContext(connection) as large:
        assert client.get(index.url).status_code == 200
    assert Membership.objects.listed_publicly().count() == 30
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_index_leaves_out_unpublished_community_pages(client, index):
    CommunityPageFactory(parent=index, community=dag("MK"), title="Draft DAG page", live=False)
    text = text_of(client, index.url)
    assert "Draft DAG page" not in text
    assert "No community pages have been published yet." in text


# --- the community page ----------------------------------------------------------------------------------------------


def test_community_page_shows_purpose_host_partner_and_how_to_take_part(client, index, kdi):
    community = dag("XK", host_organisation=kdi)
    page = CommunityPageFactory(
        parent=index,
        community=community,
        intro="Advises KDI on the datasets of Integrity Watch Kosova.",
        how_to_take_part="<p>Write to <b>the coordinator</b>.</p>",
    )
    text = text_of(client, page.url)
    assert "Advises KDI on the datasets of Integrity Watch Kosova." in text
    assert "Kosova Democratic Institute" in text and "Instituti Demokratik i Kosovës" in text
    assert 'href="https://kdi-kosova.org"' in text
    assert "Write to <b>the coordinator</b>." in text
    assert "Domestic Advisory Group" in text and "Kosovo" in text


def test_roster_shows_a_name_only_with_consent(client, mk):
    community, page = mk
    listed(community, "Марија", "Стојановска")
    community_member(community, user=UserFactory(first_name="Hidden", last_name="Person"))
    text = text_of(client, page.url)
    assert "Марија Стојановска" in text
    assert "Hidden Person" not in text


def test_roster_shows_organisation_and_sector_only_with_their_own_consent(client, mk):
    community, page = mk
    listed(community, "Name", "Only", organisation="Secret Org One", sector=Sector.MEDIA)
    listed(
        community,
        "Full",
        "Consent",
        organisation="Shown Org Two",
        sector=Sector.ACADEMIA,
        consent_public_organisation=True,
        consent_public_sector=True,
    )
    listed(
        community,
        "Org",
        "Without Sector",
        organisation="Shown Org Three",
        sector=Sector.PUBLIC_AUTHORITY,
        consent_public_organisation=True,
    )
    text = text_of(client, page.url)
    assert "Name Only" in text and "Secret Org One" not in text
    assert "Shown Org Two" in text and "Academia" in text
    assert "Shown Org Three" in text
    assert "Media" not in text.split("roster-title", 1)[1]
    assert "Public authority" not in text


def test_former_members_never_appear(client, mk):
    community, page = mk
    listed(community, "Gone", "Member", ended_on=datetime.date(2024, 6, 1), end_reason=Membership.EndReason.LEFT)
    listed(community, "Leaving", "Today", ended_on=datetime.date.today())
    text = text_of(client, page.url)
    assert "Gone Member" not in text
    assert "Leaving Today" not in text
    assert "No member has agreed to be listed publicly yet." in text


def test_rcp_page_lists_only_its_own_explicit_members(client, index):
    rcp = RCPFactory()
    page = CommunityPageFactory(parent=index, community=rcp, title="Regional Community of Practice")
    listed(rcp, "Regional", "Expert")
    listed(dag("MK"), "Dag", "Member")  # reaches the RCP workspace, but is listed on the DAG's page
    text = text_of(client, page.url)
    assert "Regional Expert" in text
    assert "Dag Member" not in text


def test_public_documents_are_listed_with_their_download_link_members_only_ones_are_not(client, mk):
    community, page = mk
    public = community_document(community, "Scoping report summary", Visibility.PUBLIC, original_name="scoping.pdf")
    community_document(community, "Dataset shortlist (internal)")
    text = text_of(client, page.url)
    assert "Scoping report summary" in text
    assert reverse("workspace:document_download", args=[community.slug, public.pk]) in text
    assert "Dataset shortlist (internal)" not in text
    other = community_document(dag("RS"), "Serbian public paper", Visibility.PUBLIC)
    assert other.title not in text_of(client, page.url)


def test_public_meetings_come_from_the_events_hook_and_the_section_shows_only_with_meetings(client, mk):
    community, page = mk
    assert public_meetings(community) == []
    assert "Recent public meetings" not in text_of(client, page.url)

    def meetings(for_community, limit):
        assert limit >= 1
        if for_community != community:
            return []
        return [
            {
                "title": "Dataset selection meeting",
                "url": "/events/dataset-selection/",
                "starts_at": datetime.datetime(2025, 3, 11, 23, 30, tzinfo=datetime.UTC),
                "place": "Skopje",
            },
            {"title": "Broken item without a start", "url": "/x/"},
        ]

    with hooks.register_temporarily(PUBLIC_MEETINGS_HOOK, meetings):
        text = text_of(client, page.url)
        found = public_meetings(community)
    assert "Recent public meetings" in text
    assert 'href="/events/dataset-selection/"' in text and "Skopje" in text
    assert 'datetime="2025-03-12"' in text  # 23:30 UTC is already 12 March in Skopje
    assert [m.title for m in found] == ["Dataset selection meeting"]


# --- call to action per visitor ---------------------------------------------------------------------------------------


def test_anonymous_visitor_is_asked_to_sign_in_to_request_to_join(client, mk):
    _community, page = mk
    text = text_of(client, page.url)
    assert "Sign in to request to join" in text
    assert f"{reverse('account_login')}?next={page.url}" in text
    assert "Open the workspace" not in text and ">Request to join<" not in text


def test_signed_in_non_member_gets_request_to_join(client, mk):
    community, page = mk
    client.force_login(UserFactory())
    text = text_of(client, page.url)
    assert f'href="{reverse("workspace:join", args=[community.slug])}"' in text
    assert "Open the workspace" not in text and "Sign in to request to join" not in text


@pytest.mark.parametrize("role", [MemberRole.COORDINATOR, MemberRole.MEMBER, MemberRole.OBSERVER])
def test_member_gets_open_the_workspace(client, mk, role):
    community, page = mk
    client.force_login(community_member(community, role=role))
    text = text_of(client, page.url)
    assert "Open the workspace" in text
    assert f'href="{reverse("workspace:home", args=[community.slug])}"' in text
    assert "Request to join" not in text


def test_dag_member_opens_the_rcp_workspace_from_the_rcp_page(client, index):
    rcp = RCPFactory()
    page = CommunityPageFactory(parent=index, community=rcp)
    client.force_login(community_member(dag("MK")))
    text = text_of(client, page.url)
    assert f'href="{reverse("workspace:home", args=[rcp.slug])}"' in text


def test_member_of_another_dag_gets_request_to_join(client, mk):
    community, page = mk
    client.force_login(community_member(dag("RS")))
    text = text_of(client, page.url)
    assert f'href="{reverse("workspace:join", args=[community.slug])}"' in text
    assert "Open the workspace" not in text


def test_removed_member_no_longer_gets_the_workspace(client, mk):
    community, page = mk
    user = UserFactory()
    MembershipFactory(community=community, user=user, ended_on=datetime.date.today(), end_reason="removed")
    client.force_login(user)
    text = text_of(client, page.url)
    assert "Open the workspace" not in text
    assert "Request to join" in text


def test_staff_get_no_workspace_button_by_being_staff(client, mk):
    _community, page = mk
    client.force_login(StaffFactory(totp=True))
    text = text_of(client, page.url)
    assert "Open the workspace" not in text


def test_pending_request_is_acknowledged_instead_of_a_second_request(client, mk):
    community, page = mk
    user = UserFactory()
    JoinRequest.objects.create(community=community, user=user)
    client.force_login(user)
    text = text_of(client, page.url)
    assert "waiting for a coordinator" in text
    assert f'href="{reverse("workspace:join", args=[community.slug])}"' not in text


def test_community_closed_to_requests_offers_no_request_button(client, mk):
    community, page = mk
    community.accepts_join_requests = False
    community.save()
    client.force_login(UserFactory())
    text = text_of(client, page.url)
    assert "Request to join" not in text
    assert "by invitation" in text


def test_answers_vary_by_visitor_and_signed_in_ones_are_private(client, mk):
    _community, page = mk
    anonymous = client.get(page.url)
    assert "Cookie" in anonymous["Vary"]
    assert "private" not in anonymous.get("Cache-Control", "")
    client.force_login(UserFactory())
    signed_in = client.get(page.url)
    assert "Cookie" in signed_in["Vary"]
    assert "private" in signed_in["Cache-Control"]


def test_community_page_query_count_is_the_same_for_3_and_30_roster_rows(client, mk):
    community, page = mk
    for n in range(3):
        listed(community, f"First{n}", consent_public_organisation=True, consent_public_sector=True)
        community_document(community, f"Public paper {n}", Visibility.PUBLIC)
    client.get(page.url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(page.url).status_code == 200
    for n in range(27):
        listed(community, f"More{n}", consent_public_organisation=True)
        community_document(community, f"More paper {n}", Visibility.PUBLIC)
    with CaptureQueriesContext(connection) as large:
        text = client.get(page.url).content.decode()
    assert text.count("<tr>") == 31  # header + 30 members
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
