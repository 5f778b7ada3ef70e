"""Account views: the "Your name" page, and views that send the Wagtail and Django admin sign-in and sign-out
through allauth.

Both admins send a request they refuse to their sign-in URL (Wagtail: ``WAGTAILADMIN_LOGIN_URL``, set to
``/admin/login/``; Django: ``/django-admin/login/``). For an anonymous visitor that is right: these views pass them
on to allauth's sign-in page with ``next``. A signed-in user without admin access must not be passed on: allauth
sends a signed-in user straight back to ``next``, the admin refuses again, and the browser loops. They get a 403
page saying the staff area is not open to them instead.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from portal.accounts.forms import ProfileForm


def _login_redirect(request, default_next: str) -> HttpResponseRedirect:
    """Redirect to allauth's sign-in page, keeping a safe ``next`` (else ``default_next``)."""
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = default_next
    return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")


def staff_area_forbidden(request):
    """The site's 403 page (``403.html``) saying the staff area is not open to the signed-in user."""
    context = {
        "heading": _("No access to the staff area"),
        "explanation": _(
            "You are signed in as %(email)s, but this account has no access to the staff area. If you should "
            "have access, ask the programme team."
        )
        % {"email": request.user.email},
    }
    return render(request, "403.html", context, status=403)


@require_safe
def wagtail_admin_login(request):
    """``/admin/login/`` (Wagtail's sign-in, ``WAGTAILADMIN_LOGIN_URL``): 302 to ``/accounts/login/?next=…``
    (default ``next``: the admin), except for a signed-in user without ``wagtailadmin.access_admin``: 403 (see the
    module docstring)."""
    if request.user.is_authenticated and not request.user.has_perm("wagtailadmin.access_admin"):
        return staff_area_forbidden(request)
    return _login_redirect(request, reverse("wagtailadmin_home"))


@require_safe
def django_admin_login(request):
    """``/django-admin/login/``: 302 to allauth's sign-in, so the Django admin cannot skip two-factor; a signed-in
    user the Django admin does not let in (not active staff) gets the 403 page instead of a redirect loop."""
    from django.contrib import admin

    if request.user.is_authenticated and not admin.site.has_permission(request):
        return staff_area_forbidden(request)
    return _login_redirect(request, reverse("admin:index"))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request):
    """``/accounts/name/`` ("Your name", ``account_profile``): the signed-in user edits their own first name,
    last name and preferred language.

    GET shows the form (a blank ``preferred_language`` starts at the language of the page); a valid POST saves
    and redirects to the same page with the message "Saved"; an invalid POST shows the errors (200). Anonymous
    visitors are sent to sign-in.
    """
    user = request.user
    initial = {}
    if user.preferred_language not in dict(settings.LANGUAGES):
        initial["preferred_language"] = translation.get_language()
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved"))
        return redirect("account_profile")
    return render(request, "account/profile.html", {"form": form})
