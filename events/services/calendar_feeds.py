"""The secret token of a person's private calendar feed (issue 7 item 4): created on first use, reset on request.

The private feed (``/calendar/private/<token>.ics``) is read by calendar programs that cannot sign in, so the token
is the only key: about 256 random bits (``events.models.registrations.new_feed_token``), one per person, and
resetting it replaces it at once, so every old subscription URL stops working (404).
"""

from __future__ import annotations

from django.db import transaction

from events.models import CalendarFeedToken
from events.models.registrations import new_feed_token


def feed_token(user) -> CalendarFeedToken:
    """``user``'s private feed token, created the first time it is asked for. ``user`` must be signed in."""
    token, _created = CalendarFeedToken.objects.get_or_create(user=user)
    return token


def reset_feed_token(user) -> CalendarFeedToken:
    """Give ``user`` a new private feed token (the old one stops working immediately) and return it."""
    with transaction.atomic():
        token, created = CalendarFeedToken.objects.select_for_update().get_or_create(user=user)
        if not created:
            token.token = new_feed_token()
            token.save(update_fields=["token", "created_at"])
    return token


def user_for_feed_token(token: str):
    """The active user whose private feed token is ``token``, or None (unknown, reset or inactive account)."""
    if not token or len(token) > 64:
        return None
    row = CalendarFeedToken.objects.select_related("user").filter(token=token, user__is_active=True).first()
    return row.user if row else None
