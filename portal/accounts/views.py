"""Views that send the Wagtail and Django admin sign-in and sign-out through allauth."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe


def _login_redirect(request, default_next: str) -> HttpResponseRedirect:
    """Redirect to allauth's sign-in page, keeping a safe ``next`` (else ``default_next``)."""
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = default_next
    return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")


@require_safe
def wagtail_admin_login(request):
    """``/admin/login/`` (Wagtail's sign-in): 302 to ``/accounts/login/?next=…`` (default ``next``: the admin)."""
    return _login_redirect(request, reverse("wagtailadmin_home"))


@require_safe
def django_admin_login(request):
    """``/django-admin/login/``: 302 to allauth's sign-in, so the Django admin cannot skip two-factor."""
    return _login_redirect(request, reverse("admin:index"))
