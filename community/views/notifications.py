"""The member's notifications page, the link from a notification to its item, and the email settings page.

Every page needs a signed-in account (anonymous visitors are sent to sign in) and answers
``Cache-Control: private, no-store`` (titles of members-only items). Only notifications of items the user may
still see are listed or followed (``Notification.objects.visible_to``); a notification of a community the user
has left answers a "no longer available" page that never names the item, the same page as for a notification that
does not exist or belongs to someone else.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..forms_notifications import NotificationSettingsForm
from ..models import Notification
from ..notifications import item_path
from ..services import digests
from ..services.notification_settings import mark_all_read, mark_read, set_frequency

#: Notifications per page.
PAGE_SIZE = 25


def _private(response):
    patch_cache_control(response, private=True, no_store=True)
    return response


def _crumbs(*extra: dict) -> list[dict]:
    """My workspaces (when that page is installed) › ``extra``."""
    crumbs = []
    try:
        crumbs.append({"url": reverse("workspace:index"), "title": _("My workspaces")})
    except NoReverseMatch:
        pass
    return crumbs + list(extra)


@login_required
def notification_list(request):
    """The user's notifications, newest first, 25 a page; unread ones are marked. A fixed number of queries."""
    notifications = Notification.objects.visible_to(request.user).with_items().order_by("-created_at", "-pk")
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "notifications": page.object_list,
        "has_unread": notifications.filter(read_at__isnull=True).exists(),
        "crumbs": _crumbs(),
    }
    return _private(render(request, "community/notifications/list.html", context))


@login_required
@require_POST
def notifications_mark_all_read(request):
    """Mark all the user's notifications read, then back to the list."""
    count = mark_all_read(request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("workspace:notifications")


@login_required
def notification_open(request, pk: int):
    """Mark notification ``pk`` read and go to its item (302) while the user may still see it.

    Otherwise (the user left the community, the notification is someone else's or does not exist) a
    "no longer available" page with status 404 that does not name the item.
    """
    notification = mark_read(request.user, pk)
    if notification is not None and notification.item is not None:
        if Notification.objects.visible_to(request.user).filter(pk=notification.pk).exists():
            return _private(redirect(item_path(notification.kind, notification.item)))
    crumbs = _crumbs({"url": reverse("workspace:notifications"), "title": _("Notifications")})
    return _private(render(request, "community/notifications/unavailable.html", {"crumbs": crumbs}, status=404))


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    """Choose immediately, daily digest, weekly digest or no emails (default: daily digest)."""
    if request.method == "POST":
        form = NotificationSettingsForm(request.POST)
        if form.is_valid():
            set_frequency(request.user, form.cleaned_data["frequency"])
            messages.success(request, _("Your notification settings have been saved."))
            return redirect("workspace:notification_settings")
    else:
        form = NotificationSettingsForm(initial={"frequency": digests.current_frequency(request.user.pk)})
    crumbs = _crumbs({"url": reverse("workspace:notifications"), "title": _("Notifications")})
    return _private(render(request, "community/notifications/settings.html", {"form": form, "crumbs": crumbs}))
