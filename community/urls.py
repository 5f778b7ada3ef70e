"""URLs of the community app (mounted under the language prefix in portal/urls.py)."""

from django.urls import path  # noqa: F401

app_name = "community"

urlpatterns: list = []
