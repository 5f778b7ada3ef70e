"""Calendar views (issue 7 item 4): the ``.ics`` of one event, the subscribable feeds, the "Calendar feeds" page.

- :func:`event_ics` (``EventPage`` route ``ics/``): the event to anyone who may see it (members-only events only to
  their audience and organisers, 404 otherwise); the join link only in the file of a person allowed to see it,
  which is then ``Cache-Control: private, no-store``.
- :func:`site_feed`, :func:`community_feed` (``/calendar/…``, language-independent, ``?lang=mk`` picks the locale
  of titles and links): public events only (``EventPageQuerySet.public_listing``), never a join link.
- :func:`private_feed` (``/calendar/private/<token>.ics``): what the token's owner may see (``visible_to``) with
  the join links of the events they are confirmed for; unknown or reset tokens give 404.
- :func:`calendar_feeds` (``/<lang>/accounts/calendar/``): the subscription addresses and the token reset.

Feeds list events that started at most :data:`FEED_HISTORY` ago, in a fixed number of queries however many there
are (``tests/events/test_calendar_feeds.py``).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.models import Locale

from events import calendars, permissions
from events.models import EventPage
from events.services.calendar_feeds import feed_token, reset_feed_token, user_for_feed_token

#: How far back feeds go (calendar programs keep what they already fetched).
FEED_HISTORY = timedelta(days=365)
#: Seconds a shared cache may keep a public feed or a public event file.
PUBLIC_MAX_AGE = 300


def _calendar_response(content: bytes, filename: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=calendars.ICS_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(attachment, filename)
    response["X-Robots-Tag"] = "noindex"
    return response


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    return response


def event_ics(request, page: EventPage) -> HttpResponse:
    """The ``.ics`` download of ``page`` (served by ``EventPage.ics``): 404 for people who may not see the event;
    the join link only for people ``permissions.can_see_join_link`` allows."""
    user = request.user
    if not permissions.can_view_event(user, page):
        raise Http404
    viewer = user if user.is_authenticated else None
    content = calendars.event_calendar(page, for_user=viewer, request=request)
    response = _calendar_response(content, f"{page.slug}.ics", attachment=True)
    if calendars.join_link_for(page, viewer):
        return _private(response)
    if viewer is not None or page.is_members_only:
        patch_cache_control(response, private=True)
    else:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


def _feed_language(code: str | None) -> str:
    """``code`` (e.g. "mk", "sr-latn") when the portal speaks it, else the default language."""
    return code if code and code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _feed_locale(language: str) -> Locale:
    """The content locale of ``language``, or the default locale when there is none."""
    return Locale.objects.filter(language_code=language).first() or Locale.get_default()


def _feed_events(locale: Locale):
    """The base queryset of every feed: live events of ``locale`` that started within :data:`FEED_HISTORY`, with
    what the VEVENTs read (country, locale), oldest first. Callers add the access rule."""
    return (
        EventPage.objects.filter(locale=locale, starts_at__gte=timezone.now() - FEED_HISTORY)
        .select_related("country", "locale")
        .order_by("starts_at", "pk")
    )


def _feed_response(request, events, *, name: str, filename: str, language: str, for_user=None) -> HttpResponse:
    with translation.override(language):
        content = calendars.feed_calendar(events, for_user=for_user, name=name, request=request)
    return _calendar_response(content, filename, attachment=False)


@require_GET
def site_feed(request) -> HttpResponse:
    """``/calendar/events.ics``: every public event of the site (``?lang=`` picks the locale)."""
    language = _feed_language(request.GET.get("lang"))
    with translation.override(language):
        name = _("Integrity Watch events")
    events = _feed_events(_feed_locale(language)).public_listing()
    response = _feed_response(request, events, name=name, filename="events.ics", language=language)
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


@require_GET
def community_feed(request, slug: str) -> HttpResponse:
    """``/calendar/communities/<slug>.ics``: the public events a community hosts (404 for an unknown slug)."""
    from community.models import Community

    community = get_object_or_404(Community, slug=slug)
    language = _feed_language(request.GET.get("lang"))
    with translation.override(language):
        name = _("Events of %(community)s") % {"community": community}
    events = _feed_events(_feed_locale(language)).public_listing().filter(host_communities=community)
    response = _feed_response(request, events, name=name, filename=f"{community.slug}.ics", language=language)
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


@require_GET
def private_feed(request, token: str) -> HttpResponse:
    """``/calendar/private/<token>.ics``: the events the token's owner may see (public ones, members-only ones of
    their communities) with the join links of those they are confirmed for, in their preferred language. 404 for
    an unknown or reset token."""
    user = user_for_feed_token(token)
    if user is None:
        raise Http404
    language = _feed_language(user.preferred_language)
    with translation.override(language):
        name = _("My Integrity Watch events")
    events = _feed_events(_feed_locale(language)).visible_to(user)
    response = _feed_response(request, events, name=name, filename="my-events.ics", language=language, for_user=user)
    return _private(response)


def webcal(url: str) -> str:
    """``url`` (http or https) with the ``webcal://`` scheme that makes calendar programs offer a subscription."""
    return "webcal://" + url.split("://", 1)[-1]


def _feed_links(request, path: str) -> dict:
    url = request.build_absolute_uri(path)
    return {"url": url, "webcal": webcal(url)}


@login_required
@require_http_methods(["GET", "POST"])
def calendar_feeds(request) -> HttpResponse:
    """The "Calendar feeds" account page: the private feed's addresses (https and webcal), the public feeds of the
    site and of the user's communities, and (POST) a reset of the private token."""
    from community.models import Community
    from community.permissions import community_ids

    if request.method == "POST":
        reset_feed_token(request.user)
        messages.success(
            request, _("Your private calendar address has been changed. Subscriptions to the old one stop working.")
        )
        return redirect("event_account:calendar_feeds")
    token = feed_token(request.user)
    language = translation.get_language()
    lang_query = f"?lang={language}" if language and language != settings.LANGUAGE_CODE else ""
    communities = Community.objects.filter(pk__in=community_ids(request.user)).order_by("name")
    context = {
        "private_feed": _feed_links(request, reverse("event_calendar:private_feed", args=[token.token])),
        "site_feed": _feed_links(request, reverse("event_calendar:site_feed") + lang_query),
        "community_feeds": [
            {
                "community": community,
                **_feed_links(request, reverse("event_calendar:community_feed", args=[community.slug]) + lang_query),
            }
            for community in communities
        ],
        "crumbs": [],
    }
    return _private(render(request, "events/calendar_feeds.html", context))
