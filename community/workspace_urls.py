"""URLs of the communities' members-only workspaces and of joining them (mounted at ``/workspace/`` under the
language prefix in portal/urls.py; namespace ``workspace``). Public community pages are Wagtail pages."""

from django.urls import path

from .views import consultations, directory, discussions, documents, exchanges, memberships, notifications, workspace

app_name = "workspace"

# Paths without a community slug (e.g. ``notifications/``, ``invitations/<token>/``) must come before
# ``<slug:slug>/``, which would otherwise take their first segment for a community slug.
# --- Notifications and email settings [D] (no community slug: they span all the user's communities). Keep this
# block FIRST: a later "<slug:slug>/" pattern would otherwise swallow "notifications/" as a community slug
# (tests/community/test_notifications_views.py checks that the paths resolve to these views). -----------------
urlpatterns = [
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read/", notifications.notifications_mark_all_read, name="notifications_mark_all_read"),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification_open"),
    path("notifications/settings/", notifications.notification_settings, name="notification_settings"),
]

urlpatterns += [
    # --- Workspace entry points, member directory, documents, discussions, announcements (helper B) ---
    path("", workspace.workspace_index, name="index"),
    path("<slug:slug>/", workspace.workspace_home, name="home"),
    path("<slug:slug>/members/", directory.members, name="members"),
    path("<slug:slug>/documents/", documents.documents, name="documents"),
    path("<slug:slug>/documents/share/", documents.document_upload, name="document_upload"),
    path("<slug:slug>/documents/<int:pk>/download/", documents.document_download, name="document_download"),
    path("<slug:slug>/discussions/", discussions.threads, name="threads"),
    path("<slug:slug>/discussions/new/", discussions.thread_new, name="thread_new"),
    path("<slug:slug>/discussions/<int:pk>/", discussions.thread_detail, name="thread_detail"),
    path("<slug:slug>/discussions/<int:pk>/close/", discussions.thread_close, name="thread_close"),
    path("<slug:slug>/posts/<int:pk>/report/", discussions.post_flag, name="post_flag"),
    path("<slug:slug>/reports/<int:pk>/resolve/", discussions.flag_resolve, name="flag_resolve"),
    path("<slug:slug>/announcements/", workspace.announcements, name="announcements"),
]

# --- Membership and joining (issue 6 item 3): invitations, requests to join, managing members, my membership ------
urlpatterns += [
    path("invitations/<str:token>/", memberships.invitation_accept, name="invitation_accept"),
    path("<slug:slug>/join/", memberships.join, name="join"),
    path("<slug:slug>/join/withdraw/", memberships.join_withdraw, name="join_withdraw"),
    path("<slug:slug>/membership/", memberships.membership, name="membership"),
    path("<slug:slug>/membership/leave/", memberships.membership_leave, name="membership_leave"),
    path("<slug:slug>/manage/", memberships.manage, name="manage"),
    path("<slug:slug>/manage/invite/", memberships.manage_invite, name="manage_invite"),
    path(
        "<slug:slug>/manage/invitations/<int:pk>/revoke/",
        memberships.manage_invitation_revoke,
        name="manage_invitation_revoke",
    ),
    path("<slug:slug>/manage/requests/<int:pk>/", memberships.manage_request, name="manage_request"),
    path("<slug:slug>/manage/members/<int:pk>/role/", memberships.manage_member_role, name="manage_member_role"),
    path("<slug:slug>/manage/members/<int:pk>/remove/", memberships.manage_member_remove, name="manage_member_remove"),
]

# --- Consultations and the decision log (community.views.consultations) -----------------------------------------
urlpatterns += [
    path("<slug:slug>/consultations/", consultations.consultation_list, name="consultations"),
    path("<slug:slug>/consultations/new/", consultations.consultation_new, name="consultation_new"),
    path("<slug:slug>/consultations/<int:pk>/", consultations.consultation_detail, name="consultation_detail"),
    path("<slug:slug>/decisions/", consultations.decision_log, name="decisions"),
    path("<slug:slug>/decisions/export/", consultations.decisions_export, name="decisions_export"),
]

# --- Bilateral exchanges (community.views.exchanges) ------------------------------------------------------------
urlpatterns += [
    path("<slug:slug>/exchanges/", exchanges.exchange_list, name="exchanges"),
    path("<slug:slug>/exchanges/new/", exchanges.exchange_new, name="exchange_new"),
    path("<slug:slug>/exchanges/<int:pk>/", exchanges.exchange_detail, name="exchange_detail"),
    path("<slug:slug>/exchanges/<int:pk>/edit/", exchanges.exchange_edit, name="exchange_edit"),
    path(
        "<slug:slug>/exchanges/<int:pk>/participants/",
        exchanges.exchange_participant_add,
        name="exchange_participant_add",
    ),
    path(
        "<slug:slug>/exchanges/<int:pk>/participants/<int:participant_pk>/remove/",
        exchanges.exchange_participant_remove,
        name="exchange_participant_remove",
    ),
]
