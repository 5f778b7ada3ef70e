"""Event fixtures: the home page (from tests.portal) and an events index under it."""

import pytest

from tests.events.factories import EventIndexPageFactory
from tests.portal.conftest import home_page  # noqa: F401  (fixture)


@pytest.fixture
def events_index(home_page):  # noqa: F811
    """The English events index under the home page."""
    return EventIndexPageFactory(parent=home_page)
