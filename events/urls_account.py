"""Account pages of the events app under a language prefix (``portal.urls`` includes them at ``my-events/``)."""

from django.urls import path

from events.views import account

app_name = "events_account"

urlpatterns = [
    path("", account.my_events, name="my_events"),
]
