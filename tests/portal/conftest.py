"""CMS fixtures: a HomePage as the default Site's root (replacing Wagtail's "Welcome" page), and locales."""

import pytest
from wagtail.models import Locale, Page, Site

from tests.portal.factories import HomePageFactory


@pytest.fixture
def home_page(db):
    """The English HomePage under Wagtail's root, set as the default Site's root page."""
    root = Page.get_first_root_node()
    site = Site.objects.get(is_default_site=True)
    welcome = site.root_page
    home = HomePageFactory(parent=root, slug="home-en")
    site.root_page = home
    site.save()
    if welcome.pk != home.pk and not isinstance(welcome.specific, type(home)):
        welcome.delete()
    return home


@pytest.fixture
def locale_tr(db):
    """The Turkish content locale."""
    return Locale.objects.get_or_create(language_code="tr")[0]
