"""Bridge from django-allauth to the outbox: allauth's mails (verification, password reset, …) are queued.

``OutboxMailAdapterMixin`` goes first in the bases of the account adapter
(``portal.accounts.adapters.AccountAdapter``). allauth still renders its templates (subject, text and HTML,
in the active language); instead of sending at once, the mail becomes an outbox row in the request's
transaction and the Celery task sends it after commit, with the outbox's retries when mail or broker fail.
"""

from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.requests import RequestSite
from django.utils import translation
from django.utils.html import strip_tags

from .services import enqueue_email


def portal_site(request) -> RequestSite:
    """The ``current_site`` of allauth's mails: the request's host as ``domain``, the portal's name as ``name``.

    Without ``django.contrib.sites`` allauth would name the site after the host (mails said "Hello from
    127.0.0.1:8000!"); ``settings.WAGTAIL_SITE_NAME`` is the portal's name.
    """
    site = RequestSite(request)
    site.name = settings.WAGTAIL_SITE_NAME
    return site


class OutboxMailAdapterMixin:
    """Mixin for ``allauth.account.adapter.DefaultAccountAdapter`` subclasses: ``send_mail`` queues the mail."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's ``template_prefix`` mail for ``email`` and queue it (same context as allauth's)."""
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": portal_site(request)}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        html_body = None
        for content, mimetype in getattr(message, "alternatives", None) or []:
            if mimetype == "text/html":
                html_body = content
        text_body = message.body
        if message.content_subtype == "html":  # allauth sends HTML-only when there is no .txt template
            html_body = message.body
            text_body = strip_tags(message.body)
        user = context.get("user")
        if not isinstance(user, get_user_model()) or user.pk is None:
            user = None
        enqueue_email(
            message.to,
            message.subject,
            text_body,
            html_body,
            from_email=message.from_email,
            headers=message.extra_headers,
            user=user,
            language=translation.get_language(),
            template=template_prefix,
        )
