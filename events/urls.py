"""Language-independent calendar feeds (mounted at ``/calendar/`` before the language prefixes in portal/urls.py).

Calendar programs subscribe to these addresses for months; they must not depend on a language prefix. ``?lang=``
chooses the locale of titles and links of the public feeds; the private feed speaks its owner's language.
"""

from django.urls import path

from .views import calendars

app_name = "event_calendar"

urlpatterns = [
    path("events.ics", calendars.site_feed, name="site_feed"),
    path("communities/<slug:slug>.ics", calendars.community_feed, name="community_feed"),
    path("private/<str:token>.ics", calendars.private_feed, name="private_feed"),
]
