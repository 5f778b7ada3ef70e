"""The header of our custom staff pages in the Wagtail admin: the page title visible, not "Home".

Wagtail 7.4's ``wagtailadmin/generic/base.html`` draws the slim header from the view's breadcrumbs
(``WagtailAdminTemplateMixin.get_breadcrumbs_items``) and puts the page title only in a screen-reader ``<h1>``. The
mixin's default breadcrumbs are just ``[Home]``, so a view that does not extend them shows "Home" as its visible
title. Wagtail's own generic views (``BaseListingView``, ``InspectView``…) append the current page as the last item
with the subtitle as its ``sublabel``; the collapsed breadcrumbs show that last item (header icon, label and
sublabel) and hide the rest until expanded. :class:`StaffPageMixin` does the same for our views.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin


class StaffPageMixin(WagtailAdminTemplateMixin):
    """Breadcrumbs Home → :meth:`get_parent_breadcrumbs` → this page (``get_page_title()`` with
    ``get_page_subtitle()`` as sublabel), so the visible header names the page and its call or application."""

    def get_parent_breadcrumbs(self) -> list[dict]:
        """The items between Home and this page: ``[{"url": str, "label": str}, ...]`` (default none)."""
        return []

    def get_breadcrumbs_items(self) -> list[dict]:
        current = {"url": None, "label": self.get_page_title(), "sublabel": self.get_page_subtitle()}
        return [*self.breadcrumbs_items, *self.get_parent_breadcrumbs(), current]


def application_breadcrumbs(application) -> list[dict]:
    """Parents of a page about one ``application``: the applications listing, then the application (its
    reference) linking to its inspect view."""
    return [
        {"url": reverse("grants_applications:index"), "label": _("Applications")},
        {"url": reverse("grants_applications:inspect", args=[application.pk]), "label": str(application)},
    ]
