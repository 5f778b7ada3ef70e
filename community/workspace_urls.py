"""URLs of the communities' members-only workspaces and of joining them (mounted at ``/workspace/`` under the
language prefix in portal/urls.py; namespace ``workspace``). Public community pages are Wagtail pages."""

from django.urls import path  # noqa: F401  (each concern adds its paths below)

app_name = "workspace"

urlpatterns = []
