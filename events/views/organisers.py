"""The organisers' pages of an event (issue 7 items 2 and 6): registrations with their actions and exports,
attendance, minutes and materials. Routed from ``EventPage`` (``registrations/``, ``attendance/``, ``minutes/``,
``materials/`` …); every view takes ``(request, page)`` where ``page`` is the EventPage of the URL (any locale)
and works on its default-locale page (``EventPage.canonical``), which owns the registrations, minutes and materials.

Access (:func:`organiser_view`): anonymous visitors are sent to sign in; people who may not see the event get 404
(as for an event that does not exist); people who may see it but do not organise it get 403; organisers
(``events.permissions.can_manage_registrations`` / ``can_edit_minutes`` / ``can_add_material``: active staff and the
coordinators of a host community) get the page. Registrations hold personal data (names, email addresses, needs):
every response is ``Cache-Control: private, no-store`` and ``noindex``.

State changes go through :mod:`events.services.registrations`, :mod:`events.services.attendance` and
:mod:`events.services.outcomes`; their translated error messages are shown to the organiser.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from community.formatting import format_in_zone
from portal.exports import stream_csv, xlsx_response

from .. import permissions
from ..forms_outcomes import AttendanceForm, MaterialFileForm, MaterialLinkForm, MinutesForm
from ..models import EventMaterial, EventMinutes, EventPage, MaterialVisibility, Registration, RegistrationStatus
from ..services import attendance as attendance_service
from ..services import outcomes as outcome_service
from ..services import registrations as registration_service

#: The organiser tabs: (key, route name on EventPage, label).
TABS = [
    ("registrations", "organiser_registrations", gettext_lazy("Registrations")),
    ("attendance", "organiser_attendance", gettext_lazy("Attendance")),
    ("minutes", "organiser_minutes", gettext_lazy("Minutes")),
    ("materials", "organiser_materials", gettext_lazy("Materials")),
]

#: Registration actions an organiser may take from the list: URL word → service function.
ACTIONS = {
    "confirm": registration_service.confirm,
    "waitlist": registration_service.move_to_waitlist,
    "cancel": registration_service.cancel,
}

#: Which refusals of :mod:`events.services.outcomes` belong to which field of the material forms (others: the file
#: field for the file form, above the form otherwise).
MATERIAL_ERROR_FIELDS = {"required": "title", "too_long": "title", "invalid": None, "bad_link": "url"}


def sub_url(page: EventPage, name: str, *args) -> str:
    """The URL of the route ``name`` of ``page`` (an EventPage, any locale), e.g. ``…/events/x/registrations/``."""
    base = page.url or ""
    if not base.endswith("/"):
        base += "/"
    return base + page.reverse_subpage(name, args=args)


def no_store(response):
    """Mark ``response`` private and not to be stored (personal data)."""
    patch_cache_control(response, private=True, no_store=True)
    return response


def organiser_view(view):
    """Decorator for a view ``view(request, page, event, *args)``: checks the organiser rule (see the module
    docstring) and calls it with ``event`` = the canonical page; marks the response no-store."""

    @wraps(view)
    def wrapped(request, page: EventPage, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        event = page.canonical()
        if not permissions.can_view_event(request.user, event):
            raise Http404
        if not permissions.can_manage_registrations(request.user, event):
            raise PermissionDenied
        return no_store(view(request, page, event, *args, **kwargs))

    return wrapped


def _user_name(user) -> str:
    """``user``'s full name, else email; "—" for None (an account deleted since)."""
    if user is None:
        return "—"
    return user.get_full_name() or user.email


def _person(registration: Registration) -> str:
    return _user_name(registration.user)


def _render(request, page, event, template: str, tab: str, context: dict, status: int = 200):
    current = dict((key, label) for key, _name, label in TABS)[tab]
    context.update(
        page=page,
        event=event,
        event_url=page.url,
        tabs=[{"url": sub_url(page, name), "label": label, "current": key == tab} for key, name, label in TABS],
        crumbs=[{"url": page.url, "title": page.title}],
        current_title=current,
        local_start=format_in_zone(event.starts_at, event.timezone),
    )
    return render(request, template, context, status=status)


# --- Registrations ---------------------------------------------------------------------------------------------

_STATUS_ORDER = Case(
    When(status=RegistrationStatus.CONFIRMED, then=Value(0)),
    When(status=RegistrationStatus.WAITLISTED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def registration_rows(event: EventPage) -> list[dict]:
    """Every registration of ``event`` (canonical) for the list and the exports, confirmed first, then the
    waitlist in arrival order, then cancelled: dicts with ``registration``, ``person``, ``email``,
    ``waitlist_position`` (1-based, None unless waiting), ``registered`` (text in the event's zone) and ``answers``
    (``[(question label, answer)]`` for the event's custom questions). Two queries, whatever the number of rows."""
    questions = list(event.questions.all())
    registrations = (
        Registration.objects.filter(event=event).select_related("user").order_by(_STATUS_ORDER, "queued_at", "pk")
    )
    rows = []
    position = 0
    for registration in registrations:
        waiting = registration.status == RegistrationStatus.WAITLISTED
        position += waiting
        answers = registration.answers or {}
        rows.append(
            {
                "registration": registration,
                "person": _person(registration),
                "email": registration.user.email,
                "waitlist_position": position if waiting else None,
                "registered": format_in_zone(registration.queued_at, event.timezone),
                "answers": [(q.label, answers.get(str(q.pk), "")) for q in questions],
            }
        )
    return rows


@organiser_view
@require_safe
def registrations(request, page: EventPage, event: EventPage):
    """The list of registrations with confirm / move to the waitlist / cancel buttons and the export links."""
    rows = registration_rows(event)
    counts = {status: 0 for status in RegistrationStatus.values}
    for row in rows:
        counts[row["registration"].status] += 1
    context = {
        "rows": rows,
        "questions": [label for label, _answer in rows[0]["answers"]] if rows else [],
        "confirmed_count": counts[RegistrationStatus.CONFIRMED],
        "waitlisted_count": counts[RegistrationStatus.WAITLISTED],
        "cancelled_count": counts[RegistrationStatus.CANCELLED],
        "over_capacity": event.capacity is not None and counts[RegistrationStatus.CONFIRMED] > event.capacity,
        "export_links": [
            (_("Registrations (CSV)"), sub_url(page, "organiser_registrations_export", "csv")),
            (_("Registrations (XLSX)"), sub_url(page, "organiser_registrations_export", "xlsx")),
            (_("Attendance (CSV)"), sub_url(page, "organiser_attendance_export", "csv")),
            (_("Attendance (XLSX)"), sub_url(page, "organiser_attendance_export", "xlsx")),
        ],
    }
    someone_waiting = counts[RegistrationStatus.WAITLISTED] > 0
    full = event.capacity is not None and counts[RegistrationStatus.CONFIRMED] >= event.capacity
    for row in rows:
        row["actions"] = _row_actions(page, row["registration"], someone_waiting=someone_waiting, full=full)
    return _render(request, page, event, "events/organisers/registrations.html", "registrations", context)


def _row_actions(
    page: EventPage, registration: Registration, *, someone_waiting: bool, full: bool
) -> list[tuple[str, str]]:
    """``[(label, POST url)]`` of the actions that make sense for ``registration``'s status. "Move to the waitlist"
    only while someone is waiting to take the seat (the service refuses it otherwise); on a full event "Confirm"
    says that it goes beyond the capacity."""
    actions = []
    if registration.status != RegistrationStatus.CONFIRMED:
        label = _("Confirm beyond capacity") if full else _("Confirm")
        actions.append((label, sub_url(page, "organiser_registration_action", registration.pk, "confirm")))
    if registration.status == RegistrationStatus.CONFIRMED and someone_waiting:
        actions.append(
            (_("Move to the waitlist"), sub_url(page, "organiser_registration_action", registration.pk, "waitlist"))
        )
    if registration.status != RegistrationStatus.CANCELLED:
        actions.append((_("Cancel"), sub_url(page, "organiser_registration_action", registration.pk, "cancel")))
    return actions


@organiser_view
def registration_action(request, page: EventPage, event: EventPage, pk: int, action: str):
    """POST: confirm, move to the waitlist or cancel registration ``pk`` of the event, then back to the list with
    the outcome (or the service's refusal) as a message. Other methods: 405; an unknown registration: 404."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    registration = Registration.objects.select_related("user", "event").filter(event=event, pk=pk).first()
    if registration is None or action not in ACTIONS:
        raise Http404
    try:
        ACTIONS[action](registration, by=request.user)
    except registration_service.RegistrationError as error:
        messages.error(request, error.message)
    else:
        done = {
            "confirm": _("%(person)s is confirmed."),
            "waitlist": _("%(person)s is back on the waitlist; the seat went to the first person waiting."),
            "cancel": _("The registration of %(person)s is cancelled."),
        }[action]
        messages.success(request, done % {"person": _person(registration)})
    return redirect(sub_url(page, "organiser_registrations"))


def _export_headers(questions) -> list[str]:
    return [
        _("Name"),
        _("Email"),
        _("Organisation"),
        _("Status"),
        _("Waitlist position"),
        _("Registered"),
        _("Attendance"),
        _("Accessibility needs"),
        _("Dietary needs"),
        *questions,
    ]


def _export(fmt: str, filename: str, title: str, headers, rows):
    if fmt == "xlsx":
        return xlsx_response(f"{filename}.xlsx", headers, rows, sheet_title=title)
    return stream_csv(f"{filename}.csv", headers, rows)


@organiser_view
@require_safe
def registrations_export(request, page: EventPage, event: EventPage, fmt: str):
    """Every registration as CSV or XLSX (``fmt``), through the formula-safe writer of ``portal.exports``."""
    rows = registration_rows(event)
    questions = [label for label, _answer in rows[0]["answers"]] if rows else [q.label for q in event.questions.all()]
    data = [
        [
            row["person"],
            row["email"],
            row["registration"].organisation,
            row["registration"].get_status_display(),
            row["waitlist_position"],
            row["registered"],
            row["registration"].get_attendance_display(),
            row["registration"].accessibility_needs,
            row["registration"].dietary_needs,
            *[answer for _label, answer in row["answers"]],
        ]
        for row in rows
    ]
    return _export(fmt, f"registrations-{event.slug}", _("Registrations"), _export_headers(questions), data)


@organiser_view
@require_safe
def attendance_export(request, page: EventPage, event: EventPage, fmt: str):
    """The confirmed registrants with their recorded attendance, as CSV or XLSX (``fmt``)."""
    headers = [_("Name"), _("Email"), _("Organisation"), _("Attendance"), _("Recorded")]
    data = [
        [
            _person(r),
            r.user.email,
            r.organisation,
            r.get_attendance_display(),
            format_in_zone(r.attendance_marked_at, event.timezone),
        ]
        for r in _confirmed(event)
    ]
    return _export(fmt, f"attendance-{event.slug}", _("Attendance"), headers, data)


# --- Attendance ------------------------------------------------------------------------------------------------


def _confirmed(event: EventPage) -> list[Registration]:
    return list(
        Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


@organiser_view
def attendance(request, page: EventPage, event: EventPage):
    """Record attendance of the confirmed registrants (once the event has started)."""
    rows = _confirmed(event)
    is_open = attendance_service.attendance_open(event)
    status = 200
    if request.method == "POST" and is_open:
        form = AttendanceForm(request.POST, registrations=rows)
        if form.is_valid():
            try:
                changed = attendance_service.record_attendance(event, form.marks(), by=request.user)
            except attendance_service.AttendanceError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Attendance saved (%(count)d changed).") % {"count": len(changed)},
                )
                return redirect(sub_url(page, "organiser_attendance"))
        status = 400
    elif request.method == "POST":
        return HttpResponseNotAllowed(["GET", "HEAD"])
    else:
        form = AttendanceForm(registrations=rows)
    context = {"form": form, "is_open": is_open}
    return _render(request, page, event, "events/organisers/attendance.html", "attendance", context, status)


# --- Minutes ---------------------------------------------------------------------------------------------------


@organiser_view
def minutes(request, page: EventPage, event: EventPage):
    """Write the minutes: "Save draft" or "Save and approve" (see :func:`events.services.outcomes.save_minutes`)."""
    current = EventMinutes.objects.filter(event=event).select_related("approved_by", "written_by").first()
    status = 200
    if request.method == "POST":
        form = MinutesForm(request.POST)
        if form.is_valid():
            approve = request.POST.get("action") == "approve"
            try:
                outcome_service.save_minutes(
                    event,
                    by=request.user,
                    body=form.cleaned_data["body"],
                    visibility=form.cleaned_data["visibility"],
                    approve=approve,
                )
            except outcome_service.OutcomeError as error:
                form.add_error("body" if error.code == "required" else None, error.message)
            else:
                messages.success(
                    request, _("The minutes are approved and published.") if approve else _("The draft is saved.")
                )
                return redirect(sub_url(page, "organiser_minutes"))
        status = 400
    elif current is not None:
        form = MinutesForm(initial={"body": current.body, "visibility": current.visibility})
    else:
        form = MinutesForm(initial={"visibility": MaterialVisibility.PUBLIC})
    context = {
        "form": form,
        "minutes": current,
        "approved_at": format_in_zone(current.approved_at, event.timezone) if current else "",
        "approver": _user_name(current.approved_by) if current else "",
    }
    return _render(request, page, event, "events/organisers/minutes.html", "minutes", context, status)


# --- Materials -------------------------------------------------------------------------------------------------


def _material_rows(page: EventPage, event: EventPage) -> list[dict]:
    items = EventMaterial.objects.filter(event=event).select_related("added_by").order_by("created_at", "pk")
    return [
        {
            "material": m,
            "url": m.url or sub_url(page, "material_download", m.pk),
            "delete_url": sub_url(page, "organiser_material_delete", m.pk),
        }
        for m in items
    ]


@organiser_view
def materials(request, page: EventPage, event: EventPage):
    """The materials with delete buttons, and the two forms that add one: a file (document, slides) or a link.

    A refused upload keeps what was typed and shows the reason under the field (status 400)."""
    file_form = MaterialFileForm(prefix="file")
    link_form = MaterialLinkForm(prefix="link")
    status = 200
    if request.method == "POST":
        adding = request.POST.get("add")
        if adding == "file":
            file_form = MaterialFileForm(request.POST, request.FILES, prefix="file")
            form, default_field = file_form, "file"
        else:
            link_form = MaterialLinkForm(request.POST, prefix="link")
            form, default_field = link_form, None
        if form.is_valid():
            data = form.cleaned_data
            common = {
                "by": request.user,
                "title": data["title"],
                "kind": data["kind"],
                "visibility": data["visibility"],
                "request_token": data["request_token"],
            }
            try:
                if form is file_form:
                    outcome_service.add_material_file(event, uploaded_file=data["file"], **common)
                else:
                    outcome_service.add_material_link(event, url=data["url"], **common)
            except outcome_service.OutcomeError as error:
                form.add_error(MATERIAL_ERROR_FIELDS.get(error.code, default_field), error.message)
            else:
                messages.success(request, _("The material was added."))
                return redirect(sub_url(page, "organiser_materials"))
        status = 400
    context = {"rows": _material_rows(page, event), "file_form": file_form, "link_form": link_form}
    return _render(request, page, event, "events/organisers/materials.html", "materials", context, status)


@organiser_view
def material_delete(request, page: EventPage, event: EventPage, pk: int):
    """POST: remove material ``pk`` of the event. Other methods: 405; an unknown material: 404."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    material = EventMaterial.objects.filter(event=event, pk=pk).first()
    if material is None:
        raise Http404
    try:
        outcome_service.delete_material(material, by=request.user)
    except outcome_service.OutcomeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("“%(title)s” was removed.") % {"title": material.title})
    return redirect(sub_url(page, "organiser_materials"))
