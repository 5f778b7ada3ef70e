"""Wagtail admin: pledges are read-only for staff, filterable and exportable without formula injection."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from portal.cms.models import MainMenu
from portal.cms.wagtail_hooks import formula_safe
from tests.portal.factories import CampaignIndexPageFactory, CampaignPageFactory, PledgeFactory, UserFactory


@pytest.fixture
def campaigns(home_page):
    index = CampaignIndexPageFactory(parent=home_page)
    return CampaignPageFactory(parent=index, title="Campaign A"), CampaignPageFactory(parent=index, title="Campaign B")


@pytest.fixture
def staff(staff_user):
    """Staff with admin access (and TOTP, see tests/conftest.py) and only the view permission on pledges."""
    staff_user.user_permissions.add(Permission.objects.get(codename="view_pledge"))
    return staff_user


@pytest.mark.django_db
def test_staff_with_view_permission_list_and_filter_pledges(client, staff, campaigns):
    first, second = campaigns
    PledgeFactory(campaign=first, name="Alma Signer")
    PledgeFactory(campaign=second, name="Besa Signer")
    client.force_login(staff)
    url = reverse("wagtailsnippets_cms_pledge:list")
    html = client.get(url).content.decode()
    assert "Alma Signer" in html and "Besa Signer" in html
    filtered = client.get(url, {"campaign": first.pk}).content.decode()
    assert "Alma Signer" in filtered and "Besa Signer" not in filtered


@pytest.mark.django_db
def test_pledges_cannot_be_added_or_edited_in_the_admin(admin_client, campaigns):
    pledge = PledgeFactory(campaign=campaigns[0])
    assert admin_client.get(reverse("wagtailsnippets_cms_pledge:add")).status_code in (302, 403)
    assert admin_client.get(reverse("wagtailsnippets_cms_pledge:edit", args=[pledge.pk])).status_code in (302, 403)
    assert admin_client.get(reverse("wagtailsnippets_cms_pledge:inspect", args=[pledge.pk])).status_code == 200


@pytest.mark.django_db
def test_users_without_permission_see_no_pledges(client, campaigns):
    PledgeFactory(campaign=campaigns[0], name="Hidden Signer")
    client.force_login(UserFactory())
    response = client.get(reverse("wagtailsnippets_cms_pledge:list"))
    assert response.status_code == 302
    assert "Hidden Signer" not in response.content.decode()


@pytest.mark.django_db
def test_csv_export_neutralises_formulas(client, staff, campaigns):
    PledgeFactory(campaign=campaigns[0], name='=HYPERLINK("http://evil.example","x")', email="a@example.org")
    client.force_login(staff)
    response = client.get(reverse("wagtailsnippets_cms_pledge:list"), {"export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK" in body
    assert "a@example.org" in body


def test_formula_safe():
    assert formula_safe("=1+1") == "'=1+1"
    assert formula_safe("-2") == "'-2"
    assert formula_safe("@SUM(A1)") == "'@SUM(A1)"
    assert formula_safe("Ana") == "Ana"
    assert formula_safe(3) == 3


@pytest.mark.django_db
def test_main_menu_is_editable_by_admins(admin_client, home_page):
    MainMenu.objects.create(title="Main menu")
    response = admin_client.get(reverse("wagtailsnippets_cms_mainmenu:list"))
    assert response.status_code == 200
    assert "Main menu" in response.content.decode()
    assert admin_client.get(reverse("wagtailsnippets_cms_mainmenu:add")).status_code == 200


@pytest.mark.django_db
def test_admin_edit_forms_of_every_page_type_render(admin_client, home_page):
    """The admin "add" form of each page type (its content panels) renders under an allowed parent."""
    from tests.portal.factories import (
        NewsIndexPageFactory,
        PlatformIndexPageFactory,
        PublicationIndexPageFactory,
        ResourceIndexPageFactory,
    )

    campaign_index = CampaignIndexPageFactory(parent=home_page)
    parents = {
        "standardpage": home_page,
        "newsindexpage": home_page,
        "campaignindexpage": home_page,
        "resourceindexpage": home_page,
        "publicationindexpage": home_page,
        "platformindexpage": home_page,
        "newspage": NewsIndexPageFactory(parent=home_page),
        "campaignpage": campaign_index,
        "resourcepage": ResourceIndexPageFactory(parent=home_page),
        "publicationpage": PublicationIndexPageFactory(parent=home_page),
        "platformpage": PlatformIndexPageFactory(parent=home_page),
    }
    for model_name, parent in parents.items():
        url = reverse("wagtailadmin_pages:add", args=["cms", model_name, parent.pk])
        assert admin_client.get(url).status_code == 200, model_name
    assert admin_client.get(reverse("wagtailadmin_pages:edit", args=[home_page.pk])).status_code == 200
    footer_url = reverse("wagtailsettings:edit", args=["cms", "footersettings"])
    assert admin_client.get(footer_url).status_code in (200, 302)


@pytest.mark.django_db
def test_menu_with_items_is_created_in_the_admin_and_items_take_its_locale(admin_client, home_page):
    url = reverse("wagtailsnippets_cms_mainmenu:add")
    data = {
        "title": "Main menu",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-label": "Home",
        "items-0-link_url": "/",
        "items-0-link_page": "",
        "items-0-ORDER": "1",
        "items-0-id": "",
        "items-0-DELETE": "",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    menu = MainMenu.objects.get()
    (item,) = menu.items.all()
    assert (item.label, item.link_url, item.locale_id) == ("Home", "/", menu.locale_id)
