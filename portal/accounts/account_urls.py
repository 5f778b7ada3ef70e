"""The portal's own pages of the account area, included under the language prefix at ``accounts/`` (before
allauth's URLs, next to its email, password and two-factor pages)."""

from django.urls import path

from portal.accounts import views

urlpatterns = [
    path("name/", views.profile, name="account_profile"),
]
