"""URLs of the communities' members-only workspaces and of joining them (mounted at ``/workspace/`` under the
language prefix in portal/urls.py; namespace ``workspace``). Public community pages are Wagtail pages."""

from django.urls import path  # noqa: F401  (each concern adds its paths below)

from .views import consultations, exchanges

app_name = "workspace"

urlpatterns = []

# --- Consultations and the decision log (community.views.consultations) -----------------------------------------
urlpatterns += [
    path("<slug:slug>/consultations/", consultations.consultation_list, name="consultations"),
    path("<slug:slug>/consultations/new/", consultations.consultation_new, name="consultation_new"),
    path("<slug:slug>/consultations/<int:pk>/", consultations.consultation_detail, name="consultation_detail"),
    path("<slug:slug>/decisions/", consultations.decision_log, name="decisions"),
    path("<slug:slug>/decisions/export/", consultations.decisions_export, name="decisions_export"),
]

# --- Bilateral exchanges (community.views.exchanges) ------------------------------------------------------------
urlpatterns += [
    path("<slug:slug>/exchanges/", exchanges.exchange_list, name="exchanges"),
    path("<slug:slug>/exchanges/new/", exchanges.exchange_new, name="exchange_new"),
    path("<slug:slug>/exchanges/<int:pk>/", exchanges.exchange_detail, name="exchange_detail"),
    path("<slug:slug>/exchanges/<int:pk>/edit/", exchanges.exchange_edit, name="exchange_edit"),
    path(
        "<slug:slug>/exchanges/<int:pk>/participants/",
        exchanges.exchange_participant_add,
        name="exchange_participant_add",
    ),
    path(
        "<slug:slug>/exchanges/<int:pk>/participants/<int:participant_pk>/remove/",
        exchanges.exchange_participant_remove,
        name="exchange_participant_remove",
    ),
]
