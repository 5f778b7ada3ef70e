"""URL overrides that put the admin sign-in and sign-out behind allauth.

Included in ``portal/urls.py`` *before* the Wagtail and Django admin URLs, so these paths win over theirs.
"""

from allauth.account.views import logout as allauth_logout
from django.urls import path

from portal.accounts import views

urlpatterns = [
    path("admin/login/", views.wagtail_admin_login, name="portal_wagtailadmin_login"),
    # Wagtail's sidebar "Log out" posts here; allauth's view signs out (GET shows the confirmation page).
    path("admin/logout/", allauth_logout, name="portal_wagtailadmin_logout"),
    path("django-admin/login/", views.django_admin_login, name="portal_django_admin_login"),
]
