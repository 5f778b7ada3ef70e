"""URLs of the communities' members-only workspaces and of joining them (mounted at ``/workspace/`` under the
language prefix in portal/urls.py; namespace ``workspace``). Public community pages are Wagtail pages."""

from django.urls import path

from .views import directory, discussions, documents, workspace

app_name = "workspace"

# Paths without a community slug (e.g. ``notifications/``, ``invitations/<token>/``) must come before
# ``<slug:slug>/``, which would otherwise take their first segment for a community slug.
urlpatterns = [
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
