"""Who may see which CMS pages: the one place search (and anything listing pages across the tree) asks."""

from wagtail.models import Page, PageViewRestriction
from wagtail.query import PageQuerySet


def pages_visible_to(request) -> PageQuerySet:
    """Return the live pages the requester may view, honouring Wagtail page privacy (view restrictions).

    Anonymous visitors get ``Page.objects.live().public()`` (no page under any restriction). A signed-in user also
    gets pages whose every restriction on the path accepts them (login-only restrictions, or groups they belong
    to); superusers pass group restrictions, as in Wagtail's own serve check
    (``PageViewRestriction.accept_request``). One query per restriction for signed-in users, none per page.

    Apps narrow the result further through the ``pages_visible_to`` hook (:mod:`portal.cms.hooks`): the events app
    leaves out members-only events the visitor may not see.
    """
    from .hooks import narrow_visible_pages

    pages = Page.objects.live()
    if not request.user.is_authenticated:
        return narrow_visible_pages(request, pages.public())
    for restriction in PageViewRestriction.objects.select_related("page"):
        if not restriction.accept_request(request):
            pages = pages.not_descendant_of(restriction.page, inclusive=True)
    return narrow_visible_pages(request, pages)


def can_view_page(request, page: Page) -> bool:
    """Return True when every view restriction on ``page`` and its ancestors accepts ``request``."""
    return all(restriction.accept_request(request) for restriction in page.get_view_restrictions())
