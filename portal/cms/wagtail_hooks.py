"""Wagtail admin: the "Website" menu group with the main menu and campaign pledges (read-only, CSV export)."""

from django.utils.translation import gettext_lazy as _
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from .models import MainMenu, Pledge

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value):
    """Return ``value`` with a leading ``'`` when a spreadsheet would read it as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Model permissions with "add" and "change" always refused: pledges come only from visitors."""

    def user_has_permission(self, user, action):
        if action in ("add", "change"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class PledgeIndexView(IndexView):
    """Pledge list whose CSV/XLSX export neutralises formula-looking cells (names and emails are visitor input)."""

    custom_value_preprocess = {
        **IndexView.custom_value_preprocess,
        str: {"csv": formula_safe, "xlsx": formula_safe},
    }


class MainMenuViewSet(SnippetViewSet):
    model = MainMenu
    icon = "list-ul"
    menu_label = _("Main menu")
    list_display = ["title", "locale"]


class PledgeViewSet(SnippetViewSet):
    """Staff with the "view pledge" permission see signatures, filter by campaign/country and export them."""

    model = Pledge
    icon = "user"
    menu_label = _("Pledges")
    index_view_class = PledgeIndexView
    inspect_view_enabled = True
    list_display = ["name", "email", "campaign", "country", "created_at"]
    list_filter = ["campaign", "country"]
    list_export = ["campaign", "name", "email", "country", "language", "created_at"]
    export_filename = "pledges"
    search_fields = ["name", "email"]
    search_backend_name = None
    ordering = ["-created_at"]

    @property
    def permission_policy(self):
        return ReadOnlyPermissionPolicy(self.model)

    def get_queryset(self, request):
        return Pledge.objects.select_related("campaign", "country")


class WebsiteGroup(SnippetViewSetGroup):
    items = (MainMenuViewSet, PledgeViewSet)
    menu_icon = "site"
    menu_label = _("Website")
    menu_name = "website"


register_snippet(WebsiteGroup)
