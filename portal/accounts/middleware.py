"""Staff two-factor rule: a signed-in staff user without TOTP can only reach the TOTP set-up and sign-out pages.

Placed in ``MIDDLEWARE`` right after ``allauth.account.middleware.AccountMiddleware``. The rule itself lives in
:mod:`portal.accounts.mfa` (setting ``PORTAL_REQUIRE_STAFF_MFA``, default ``True``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.accounts.mfa import has_totp, mfa_required_for, staff_mfa_enabled

#: URL names a staff user without TOTP may still open: set-up, re-authentication (allauth asks for the password
#: again before a two-factor change), sign-out, an email confirmation link, and the language switch.
ALLOWED_URL_NAMES = frozenset(
    {
        "mfa_activate_totp",
        "mfa_index",
        "account_reauthenticate",
        "account_logout",
        "account_confirm_email",
        "set_language",
    }
)


def _is_admin_request(request, match) -> bool:
    """Return ``True`` for a request to the Wagtail admin or the Django admin."""
    if match is not None and "admin" in match.namespaces:
        return True
    return request.path_info.startswith(reverse("wagtailadmin_home"))


class StaffMFAMiddleware:
    """Redirect staff without an active TOTP authenticator to the TOTP set-up page.

    * ``is_staff``/``is_superuser`` users without TOTP: every page except :data:`ALLOWED_URL_NAMES` (and static
      or media files) redirects to ``mfa_activate_totp`` with a message saying why.
    * Other users who hold ``wagtailadmin.access_admin`` (through a group): only the admin is closed to them
      until they set TOTP up.
    * Reviewers (group :data:`portal.accounts.roles.REVIEWERS_GROUP`) without TOTP: as staff.
    * Anonymous users and everyone else: untouched. Costs one query per request for staff, one (the group
      lookup) for other signed-in users
      (plus the permission lookup on admin URLs).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not staff_mfa_enabled():
            return None
        match = request.resolver_match
        if match is not None and match.url_name in ALLOWED_URL_NAMES:
            return None
        if self._is_static(request):
            return None
        if mfa_required_for(user):
            must_set_up = not has_totp(user)
        elif _is_admin_request(request, match) and user.has_perm("wagtailadmin.access_admin"):
            must_set_up = not has_totp(user)
        else:
            must_set_up = False
        if not must_set_up:
            return None
        return self._redirect_to_setup(request)

    @staticmethod
    def _is_static(request) -> bool:
        path = request.path_info
        prefixes = [p for p in (settings.STATIC_URL, settings.MEDIA_URL) if p and p.startswith("/")]
        return any(path.startswith(p) for p in prefixes)

    @staticmethod
    def _redirect_to_setup(request):
        url = reverse("mfa_activate_totp")
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        if request.method == "GET":
            user = request.user
            if user.is_staff or user.is_superuser:
                text = _("Staff accounts must use two-factor authentication. Set up an authenticator app to continue.")
            else:
                text = _(
                    "Reviewer accounts must use two-factor authentication. Set up an authenticator app to continue."
                )
            messages.warning(request, text)
        return HttpResponseRedirect(url)
