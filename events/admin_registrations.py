"""Staff view of registrations in the Wagtail admin (issue 7: "staff see registrations and attendance").

:class:`RegistrationViewSet` lists every registration of every event with filters (event, status, attendance) and a
search on the person's name and email address; each row opens a read-only inspect view with the answers and the
history of changes. The admin never changes a registration: seats and attendance change only through
``events.services`` (under the event lock), on the event's organiser pages, which the list links to ("Manage on the
event page"). Staff need ``events.view_registration`` (the demo "Programme staff" group has it); non-staff are
refused whatever their permissions (``community.admin_common.StaffPolicy``).

:func:`organiser_url` is also used by the page listing button "Registrations" (``events.wagtail_hooks``).
"""

from __future__ import annotations

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_filters import ChoiceFilter, ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button
from wagtail.models import Locale

from community.admin_common import StaffPolicy

from .models import Attendance, EventPage, Registration, RegistrationStatus


def organiser_url(page) -> str:
    """The front-end registrations page of ``page`` (an EventPage, or a plain ``Page`` of that type)."""
    base = page.url or ""
    if not base.endswith("/"):
        base += "/"
    return base + EventPage.get_resolver().reverse("organiser_registrations")


def _events(request=None):
    """Events for the filter: the default-locale pages (registrations belong to them), latest first."""
    try:
        default = Locale.get_default()
    except Locale.DoesNotExist:
        return EventPage.objects.order_by("-starts_at")
    return EventPage.objects.filter(locale=default).order_by("-starts_at")


class RegistrationFilterSet(WagtailFilterSet):
    event = ModelChoiceFilter(queryset=_events, label=_("Event"))
    status = ChoiceFilter(choices=RegistrationStatus.choices, label=_("Status"))
    attendance = ChoiceFilter(
        choices=[(value or "none", label) for value, label in Attendance.choices],
        label=_("Attendance"),
        method="filter_attendance",
    )

    class Meta:
        model = Registration
        fields = ["event", "status", "attendance"]

    def filter_attendance(self, queryset, name, value):
        return queryset.filter(attendance="" if value == "none" else value)


def _person(registration: Registration) -> str:
    return registration.user.get_full_name() or registration.user.email


class PersonColumn(TitleColumn):
    """The registrant's name with their email address on a second line (``registration_person_cell.html``)."""

    cell_template_name = "events/admin/registration_person_cell.html"


class RegistrationIndexView(IndexView):
    @cached_property
    def columns(self):
        """``list_display``, with the person as the title column (name linked to the inspect view, the email address
        beneath it, the row's "More options" dropdown beside it)."""
        title_class = self._get_title_column_class(PersonColumn)
        person = title_class(
            "person", label=_("Person"), accessor=_person, get_url=self.get_inspect_url, sort_key="user__last_name"
        )
        return [person, *super().columns[1:]]

    def get_base_queryset(self):
        return Registration.objects.select_related("user", "event")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        # A plain Button goes into the row's "More options" dropdown with Inspect: a ListingButton sat in the narrow
        # title cell and squeezed the person's name.
        buttons.append(
            Button(
                _("Manage on the event page"), url=organiser_url(instance.event), icon_name="link-external", priority=50
            )
        )
        return buttons


class RegistrationInspectView(InspectView):
    """The registration's fields, the answers to the event's questions and its history of changes."""

    template_name = "events/admin/registration_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        registration = self.object
        answers = registration.answers or {}
        context["answers"] = [(q.label, answers.get(str(q.pk), "")) for q in registration.event.questions.all()]
        context["changes"] = registration.changes.select_related("by").order_by("at", "pk")
        context["organiser_url"] = organiser_url(registration.event)
        return context


def registration_policy() -> StaffPolicy:
    """Active staff with ``events.view_registration`` may list and inspect; nobody adds, edits or deletes here."""
    return StaffPolicy(Registration, refused=("add", "change", "delete"))


class RegistrationViewSet(ModelViewSet):
    """Every registration (read-only): filter by event, status and attendance; search names and emails."""

    model = Registration
    name = "event_registrations"
    icon = "list-ul"
    menu_label = _("Registrations")
    menu_name = "event_registrations"
    menu_order = 100
    copy_view_enabled = False
    # Wagtail routes add/edit views for every ModelViewSet; the policy refuses them to everyone (403), this only
    # satisfies the form class they would build.
    form_fields = ["organisation"]
    inspect_view_enabled = True
    index_view_class = RegistrationIndexView
    inspect_view_class = RegistrationInspectView
    filterset_class = RegistrationFilterSet
    list_display = [
        Column("person", label=_("Person"), accessor=_person),  # made the title column by RegistrationIndexView
        "event",
        "status",
        "attendance",
        "organisation",
        DateColumn("queued_at", label=_("Registered")),
    ]
    inspect_view_fields = [
        "user",
        "event",
        "status",
        "organisation",
        "accessibility_needs",
        "dietary_needs",
        "queued_at",
        "confirmed_at",
        "cancelled_at",
        "attendance",
        "attendance_marked_at",
    ]
    search_fields = ["user__first_name", "user__last_name", "user__email"]
    search_backend_name = None
    ordering = ["-queued_at", "-pk"]

    @property
    def permission_policy(self):
        return registration_policy()
