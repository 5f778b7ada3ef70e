"""URLs of the grants app (mounted under the language prefix in portal/urls.py)."""

from django.urls import path

from .views import files

app_name = "grants"

urlpatterns: list = [
    # Attachments (grants.views.files)
    path("attachments/<int:pk>/download/", files.attachment_download, name="attachment_download"),
]
