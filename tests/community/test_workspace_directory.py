"""The member directory, "My workspaces" and the account menu link."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from community.models import ExpertiseArea, MemberRole, Membership, Sector
from tests.community.community_factories import RCPFactory, community_member, dag
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def members_page(client, community, **query) -> str:
    response = client.get(reverse("workspace:members", args=[community.slug]), query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def mk():
    RCPFactory()
    return dag("MK")


def test_members_see_every_active_members_details_without_public_consent(mk):
    viewer = community_member(mk)
    shy = community_member(
        mk,
        user=UserFactory(first_name="Јована", last_name="Стојановска"),
        organisation="Shy-Org-Token",
        position="Shy-Position-Token",
        sector=Sector.MEDIA,
        role=MemberRole.OBSERVER,
        consent_public_name=False,
    )
    Membership.objects.get(user=shy).expertise.add(ExpertiseArea.objects.get(code="open_data"))
    page = members_page(signed_in(viewer), mk)
    for text in ("Јована Стојановска", "Shy-Org-Token", "Shy-Position-Token", "Media", "Open data", "Observer"):
        assert text in page
    assert "North Macedonia" in page


def test_former_members_never_appear(mk):
    viewer = community_member(mk)
    former = community_member(mk, user=UserFactory(first_name="Former", last_name="Person-Token"))
    Membership.objects.filter(user=former).update(ended_on=timezone.now().date(), end_reason="left")
    assert "Person-Token" not in members_page(signed_in(viewer), mk)


def test_filters_by_sector_expertise_and_name(mk):
    viewer = community_member(mk, user=UserFactory(first_name="Viewer", last_name="Zed"))
    journalist = community_member(mk, user=UserFactory(first_name="Ana", last_name="Novinarka"), sector=Sector.MEDIA)
    Membership.objects.get(user=journalist).expertise.add(ExpertiseArea.objects.get(code="investigative_journalism"))
    community_member(mk, user=UserFactory(first_name="Marko", last_name="Profesor"), sector=Sector.ACADEMIA)
    client = signed_in(viewer)
    page = members_page(client, mk, sector="media")
    assert "Novinarka" in page and "Profesor" not in page
    page = members_page(client, mk, expertise="investigative_journalism")
    assert "Novinarka" in page and "Profesor" not in page
    page = members_page(client, mk, q="ana novin")
    assert "Novinarka" in page and "Profesor" not in page
    page = members_page(client, mk, sector="not-a-sector")  # an impossible value: an error on the form, no 500
    assert "Select a valid choice" in page


def test_rcp_directory_lists_dag_members_with_their_country_and_filters_by_it(mk):
    rcp = RCPFactory()
    rs = dag("RS")
    rcp_coordinator = community_member(rcp, user=UserFactory(last_name="Regional-Token"), role=MemberRole.COORDINATOR)
    community_member(mk, user=UserFactory(last_name="Macedonian-Token"))
    community_member(rs, user=UserFactory(last_name="Serbian-Token"))
    client = signed_in(rcp_coordinator)
    page = members_page(client, rcp)
    assert "Regional-Token" in page and "Macedonian-Token" in page and "Serbian-Token" in page
    assert 'name="country"' in page and 'type="hidden" name="country"' not in page
    page = members_page(client, rcp, country="RS")
    assert "Serbian-Token" in page and "Macedonian-Token" not in page and "Regional-Token" not in page


def test_dag_directory_does_not_offer_a_country_choice(mk):
    page = members_page(signed_in(community_member(mk)), mk)
    assert "All countries" not in page


def test_directory_is_paginated(mk):
    from tests.community.workspace_factories import bulk_members

    viewer = community_member(mk)
    bulk_members(mk, 30)
    client = signed_in(viewer)
    assert "Page 1 of 2" in members_page(client, mk)
    assert "Page 2 of 2" in members_page(client, mk, page=2)


# --- My workspaces ---------------------------------------------------------------------------------------------


def test_my_workspaces_lists_the_dag_and_the_rcp_with_roles(mk):
    user = community_member(mk, role=MemberRole.COORDINATOR)
    page = signed_in(user).get(reverse("workspace:index")).content.decode()
    assert reverse("workspace:home", args=["dag-mk"]) in page and reverse("workspace:home", args=["rcp"]) in page
    assert "Coordinator" in page and "Member" in page
    assert page.index("Regional Community of Practice") < page.index("Domestic Advisory Group – North Macedonia")
    assert reverse("workspace:home", args=["dag-rs"]) not in page


def test_my_workspaces_empty_state_links_to_the_communities_page(mk):
    page = signed_in(UserFactory()).get(reverse("workspace:index")).content.decode()
    assert "You are not a member of a community yet." in page
    assert 'href="/communities/"' in page


@pytest.fixture
def communities_page(db):
    """A published CommunityIndexPage (slug ``groups``) under the default Site's HomePage, and its Turkish copy."""
    from wagtail.models import Locale, Page, Site

    from community.models import CommunityIndexPage
    from tests.portal.factories import HomePageFactory

    Locale.objects.get_or_create(language_code="en")
    home = HomePageFactory(parent=Page.get_first_root_node(), slug="home-en")
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    index = CommunityIndexPage(title="Communities", slug="groups")
    home.add_child(instance=index)
    turkish = index.copy_for_translation(Locale.objects.get_or_create(language_code="tr")[0], copy_parents=True)
    turkish.slug = "topluluklar"
    turkish.save_revision().publish()
    return index


def test_empty_state_uses_the_published_communities_page_of_the_language(mk, communities_page):
    client = signed_in(UserFactory())
    page = client.get(reverse("workspace:index")).content.decode()
    assert 'href="/groups/"' in page
    with translation.override("tr"):
        address = reverse("workspace:index")
    assert address.startswith("/tr/")
    assert 'href="/tr/topluluklar/"' in client.get(address).content.decode()


def test_account_menu_links_my_workspaces_only_for_members(mk):
    member, outsider = community_member(mk), UserFactory()
    label = "My workspaces"
    assert label in signed_in(member).get(reverse("workspace:home", args=["dag-mk"])).content.decode()
    assert label not in signed_in(outsider).get(reverse("grants:dashboard")).content.decode()
    assert label not in Client().get(reverse("account_login")).content.decode()


def test_workspace_speaks_the_visitors_language(mk):
    coordinator = community_member(mk, role=MemberRole.COORDINATOR)
    with translation.override("mk"):
        address = reverse("workspace:home", args=[mk.slug])
    page = signed_in(coordinator).get(address).content.decode()
    assert "Преглед" in page and "Координатор" in page and "Мои работни простори" in page
