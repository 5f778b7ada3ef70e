"""Wagtail admin for the outbox: a read-only list (status filter, search by recipient or subject), an inspect
view per message and a "Retry" action for failed or stuck messages.

Staff need the ``notifications.view_outboxmessage`` permission to see the outbox and
``notifications.change_outboxmessage`` to retry. Nobody adds, edits or deletes outbox rows in the admin: the
outbox is a record of what the portal sent.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from . import services
from .models import OutboxMessage

RETRY_PERMISSION = "notifications.change_outboxmessage"


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Model permissions with only ``view`` granted: add, change and delete are refused to everyone."""

    def user_has_permission(self, user, action):
        if action != "view":
            return False
        return super().user_has_permission(user, action)


def can_retry(user, message: OutboxMessage) -> bool:
    """Whether ``user`` may put ``message`` back in the queue (needs the change permission; not once sent)."""
    return message.status != OutboxMessage.Status.SENT and user.has_perm(RETRY_PERMISSION)


class OutboxIndexView(IndexView):
    retry_url_name = None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if can_retry(self.request.user, instance):
            url = reverse(self.retry_url_name, args=(instance.pk,))
            buttons.append(MenuItem(_("Retry"), url=url, icon_name="resubmit", priority=40))
        return buttons


class OutboxInspectView(InspectView):
    retry_url_name = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if can_retry(self.request.user, self.object):
            context["retry_url"] = reverse(self.retry_url_name, args=(self.object.pk,))
        return context


class RetryView(WagtailAdminTemplateMixin, TemplateView):
    """GET: confirm; POST: :func:`portal.notifications.services.retry_now`, then back to the list."""

    template_name = "notifications/admin/retry_confirm.html"
    page_title = gettext_lazy("Retry sending")
    index_url_name = None
    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(OutboxMessage, pk=kwargs["pk"])
        if not can_retry(request.user, self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["index_url"] = reverse(self.index_url_name)
        return context

    def post(self, request, *args, **kwargs):
        services.retry_now(self.object)
        text = _("The message to %(recipient)s is queued again.") % {"recipient": self.object.recipient}
        messages.success(request, text)
        return redirect(self.index_url_name)


class OutboxViewSet(ModelViewSet):
    """Read-only admin of :class:`~portal.notifications.models.OutboxMessage` under Settings → Outbox."""

    model = OutboxMessage
    icon = "mail"
    menu_label = gettext_lazy("Outbox")
    add_to_settings_menu = True
    index_view_class = OutboxIndexView
    inspect_view_class = OutboxInspectView
    inspect_view_enabled = True
    inspect_template_name = "notifications/admin/inspect.html"
    copy_view_enabled = False
    form_fields: list[str] = []  # the add and edit views exist but the permission policy refuses them to all
    list_display = ["recipient", "subject", "status", "attempts", "language", "created_at", "sent_at"]
    list_filter = ["status", "language"]
    search_fields = ["recipient", "subject"]
    inspect_view_fields = [
        "recipient",
        "user",
        "language",
        "template",
        "subject",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "available_at",
        "sent_at",
        "body_text",
    ]

    @property
    def permission_policy(self):
        return ReadOnlyPermissionPolicy(self.model)

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(retry_url_name=self.get_url_name("retry"), **kwargs)

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(retry_url_name=self.get_url_name("retry"), **kwargs)

    @property
    def retry_view(self):
        return self.construct_view(RetryView, index_url_name=self.get_url_name("index"))

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("retry/<int:pk>/", self.retry_view, name="retry"),
        ]


@hooks.register("register_admin_viewset")
def register_outbox_viewset():
    return OutboxViewSet("outbox")
