"""URLs of the communities' members-only workspaces and of joining them (mounted at ``/workspace/`` under the
language prefix in portal/urls.py; namespace ``workspace``). Public community pages are Wagtail pages."""

from django.urls import path

from .views import notifications

app_name = "workspace"

# --- Notifications and email settings [D] (no community slug: they span all the user's communities). Keep this
# block FIRST: a later "<slug:slug>/" pattern would otherwise swallow "notifications/" as a community slug
# (tests/community/test_notifications_views.py checks that the paths resolve to these views). -----------------
urlpatterns = [
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read/", notifications.notifications_mark_all_read, name="notifications_mark_all_read"),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification_open"),
    path("notifications/settings/", notifications.notification_settings, name="notification_settings"),
]
