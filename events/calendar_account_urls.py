"""The "Calendar feeds" account page (mounted at ``/<lang>/accounts/calendar/`` in portal/urls.py)."""

from django.urls import path

from .views import calendars

app_name = "event_account"

urlpatterns = [
    path("", calendars.calendar_feeds, name="calendar_feeds"),
]
