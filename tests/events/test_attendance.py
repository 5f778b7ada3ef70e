"""Recording attendance (issue 7 item 6): organisers only, confirmed registrations only, once the event has started,
logged, idempotent; and the attendance page that calls the service."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Attendance, Registration, RegistrationChange, RegistrationStatus
from events.services.attendance import AttendanceError, mark_attendance, record_attendance
from events.services.registrations import cancel
from tests.events.outcome_world import build_world, client_for, sub_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(events_index):
    return build_world(events_index)


def test_coordinator_records_attendance_and_it_is_logged(world):
    registration = world["registrations"]["registrant"]
    coordinator = world["users"]["coordinator"]
    changed = record_attendance(world["event"], {registration.pk: Attendance.ATTENDED}, by=coordinator)
    assert [r.pk for r in changed] == [registration.pk]
    registration.refresh_from_db()
    assert registration.attendance == Attendance.ATTENDED
    assert registration.attendance_marked_at is not None
    log = RegistrationChange.objects.get(registration=registration, action=RegistrationChange.Action.ATTENDANCE)
    assert log.by == coordinator
    assert log.note == "attended"


def test_staff_may_record_attendance_and_can_undo_it(world):
    registration = world["registrations"]["registrant"]
    staff = world["users"]["staff"]
    mark_attendance(registration, Attendance.ABSENT, by=staff)
    stored = mark_attendance(registration, Attendance.UNKNOWN, by=staff)
    assert stored.attendance == ""
    assert stored.attendance_marked_at is None
    assert RegistrationChange.objects.filter(registration=registration, action="attendance").count() == 2


def test_marking_the_same_value_twice_changes_and_logs_once(world):
    registration = world["registrations"]["registrant"]
    coordinator = world["users"]["coordinator"]
    record_attendance(world["event"], {registration.pk: Attendance.ATTENDED}, by=coordinator)
    again = record_attendance(world["event"], {registration.pk: Attendance.ATTENDED}, by=coordinator)
    assert again == []
    assert RegistrationChange.objects.filter(registration=registration, action="attendance").count() == 1


@pytest.mark.parametrize("role", ["registrant", "member", "other_coordinator", "outsider"])
def test_only_organisers_record_attendance(world, role):
    registration = world["registrations"]["registrant"]
    with pytest.raises(AttendanceError) as error:
        record_attendance(world["event"], {registration.pk: Attendance.ATTENDED}, by=world["users"][role])
    assert error.value.code == "not_organiser"
    registration.refresh_from_db()
    assert registration.attendance == ""


def test_not_before_the_event_has_started(events_index):
    start = timezone.now() + timedelta(days=2)
    world = build_world(
        events_index,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        registration_opens_at=None,
        registration_closes_at=None,
    )
    registration = world["registrations"]["registrant"]
    with pytest.raises(AttendanceError) as error:
        record_attendance(world["event"], {registration.pk: Attendance.ATTENDED}, by=world["users"]["coordinator"])
    assert error.value.code == "not_started"
    # ...and from the moment it starts, it can.
    record_attendance(
        world["event"], {registration.pk: Attendance.ATTENDED}, by=world["users"]["coordinator"], now=start
    )


def test_waitlisted_and_cancelled_registrations_carry_no_attendance(world):
    coordinator = world["users"]["coordinator"]
    waiting = world["registrations"]["waitlisted"]
    with pytest.raises(AttendanceError) as error:
        record_attendance(world["event"], {waiting.pk: Attendance.ATTENDED}, by=coordinator)
    assert error.value.code == "not_confirmed"
    assert "Vesna Waiting" in error.value.message
    registration = world["registrations"]["registrant"]
    cancel(registration, by=registration.user)
    with pytest.raises(AttendanceError):
        record_attendance(world["event"], {registration.pk: Attendance.ATTENDED}, by=coordinator)


def test_all_or_nothing(world):
    """One refused mark leaves every other mark of the call unwritten."""
    coordinator = world["users"]["coordinator"]
    registration = world["registrations"]["registrant"]
    waiting = world["registrations"]["waitlisted"]
    with pytest.raises(AttendanceError):
        record_attendance(
            world["event"], {registration.pk: Attendance.ATTENDED, waiting.pk: Attendance.ATTENDED}, by=coordinator
        )
    registration.refresh_from_db()
    assert registration.attendance == ""


def test_a_registration_of_another_event_is_refused(world, events_index):
    other = build_world(events_index, title="Another training", slug="another-training")
    foreign = other["registrations"]["registrant"]
    with pytest.raises(AttendanceError) as error:
        record_attendance(world["event"], {foreign.pk: Attendance.ATTENDED}, by=world["users"]["staff"])
    assert error.value.code == "not_found"


def test_an_unknown_value_is_refused(world):
    registration = world["registrations"]["registrant"]
    with pytest.raises(AttendanceError) as error:
        record_attendance(world["event"], {registration.pk: "maybe"}, by=world["users"]["coordinator"])
    assert error.value.code == "invalid"


# --- The attendance page ---------------------------------------------------------------------------------------


def test_attendance_page_lists_only_confirmed_people_and_saves(world):
    client = client_for(world, "coordinator")
    url = sub_url(world["event"], "organiser_attendance")
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Rina Registrant" in text
    assert "Vesna Waiting" not in text
    assert "no-store" in response["Cache-Control"]
    registration = world["registrations"]["registrant"]
    response = client.post(url, {f"attendance-{registration.pk}": "attended"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.attendance == Attendance.ATTENDED


def test_attendance_page_before_the_start_explains_and_has_no_form(events_index):
    start = timezone.now() + timedelta(days=2)
    world = build_world(
        events_index, starts_at=start, ends_at=start + timedelta(hours=2), registration_opens_at=None,
        registration_closes_at=None,
    )  # fmt: skip
    client = client_for(world, "coordinator")
    url = sub_url(world["event"], "organiser_attendance")
    response = client.get(url)
    assert response.status_code == 200
    assert "once the event has started" in response.content.decode()
    assert 'name="attendance-' not in response.content.decode()
    registration = world["registrations"]["registrant"]
    response = client.post(url, {f"attendance-{registration.pk}": "attended"})
    assert response.status_code == 405
    assert Registration.objects.get(pk=registration.pk).attendance == ""


def test_attendance_page_shows_the_refusal_when_a_registration_was_cancelled_meanwhile(world):
    client = client_for(world, "coordinator")
    url = sub_url(world["event"], "organiser_attendance")
    registration = world["registrations"]["registrant"]
    client.get(url)
    Registration.objects.filter(pk=registration.pk).update(status=RegistrationStatus.CANCELLED)
    # The form was built for the confirmed list shown before; the person is no longer in it, so the POST for them
    # is ignored by the form and the service is not asked about them.
    response = client.post(url, {f"attendance-{registration.pk}": "attended"})
    assert response.status_code == 302
    assert Registration.objects.get(pk=registration.pk).attendance == ""
