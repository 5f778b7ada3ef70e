"""URLs of the communities' members-only workspaces and of joining them (mounted at ``/workspace/`` under the
language prefix in portal/urls.py; namespace ``workspace``). Public community pages are Wagtail pages."""

from django.urls import path  # noqa: F401  (each concern adds its paths below)

from .views import memberships

app_name = "workspace"

urlpatterns = []

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
