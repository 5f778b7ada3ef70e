"""CMS fixtures: a HomePage as the default Site's root (replacing Wagtail's "Welcome" page), and locales."""

import pytest
from wagtail.models import Locale, Page, Site

from tests.portal.factories import HomePageFactory


@pytest.fixture
def home_page(db):
    """The English HomePage under Wagtail's root, set as the default Site's root page."""
    Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    home = HomePageFactory(parent=root, slug="home-en")
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
        return home
    welcome = site.root_page
    site.root_page = home
    site.save()
    welcome.delete()
    return home


@pytest.fixture
def locale_tr(db):
    """The Turkish content locale."""
    return Locale.objects.get_or_create(language_code="tr")[0]
