"""URLs of the grants app (mounted under the language prefix in portal/urls.py)."""

from django.urls import path  # noqa: F401

app_name = "grants"

urlpatterns: list = []
