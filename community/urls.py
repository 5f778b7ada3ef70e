"""URLs of the community app (mounted at ``/organisations/`` under the language prefix in portal/urls.py)."""

from django.urls import path

from . import views

app_name = "community"

urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("new/", views.organisation_create, name="organisation_create"),
    path("<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("<int:pk>/invite/", views.organisation_invite, name="organisation_invite"),
    path("<int:pk>/leave/", views.organisation_leave, name="organisation_leave"),
    path("<int:pk>/members/<int:user_id>/remove/", views.member_remove, name="member_remove"),
    path("<int:pk>/members/<int:user_id>/role/", views.member_role, name="member_role"),
    path("<int:pk>/invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
