"""The server's clock decides the deadline: exactly at it is on time, one second later is not, across the EU
daylight-saving changes (last Sunday of March and of October), and the reference year is the call's local year."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from grants.models import ApplicationStatus
from grants.services.submission import SubmissionError, submit_application
from portal.notifications.models import OutboxMessage
from tests.grants.factories import open_call
from tests.grants.test_submission import make_application

pytestmark = pytest.mark.django_db

SKOPJE = ZoneInfo("Europe/Skopje")
UTC = datetime.UTC

# 16:00 in Skopje on the day summer time starts (CEST, UTC+2) and on the day it ends (CET, UTC+1).
SPRING = datetime.datetime(2025, 3, 30, 16, 0, tzinfo=SKOPJE)
AUTUMN = datetime.datetime(2025, 10, 26, 16, 0, tzinfo=SKOPJE)


def _application_due(deadline):
    call = open_call(opens_at=deadline - datetime.timedelta(days=20), closes_at=deadline)
    with time_machine.travel(deadline - datetime.timedelta(days=1), tick=False):
        return make_application(call=call)


@pytest.mark.parametrize(
    ("deadline", "utc_hour"),
    [(SPRING, 14), (AUTUMN, 15)],
    ids=["last-sunday-of-march", "last-sunday-of-october"],
)
def test_submission_exactly_at_the_deadline_is_on_time(deadline, utc_hour):
    application, user = _application_due(deadline)
    assert application.call.closes_at.astimezone(UTC).hour == utc_hour  # the zone, not a fixed offset

    with time_machine.travel(deadline, tick=False):
        submitted = submit_application(application.pk, user=user)

    assert submitted.status == ApplicationStatus.SUBMITTED
    assert submitted.submitted_at == deadline
    body = OutboxMessage.objects.get(template="application_submitted").body_text
    abbreviation = "CEST" if deadline == SPRING else "CET"
    assert f"16:00 (Europe/Skopje, {abbreviation})" in body  # the call pages' format (call_tags.format_in_zone)


@pytest.mark.parametrize("deadline", [SPRING, AUTUMN], ids=["last-sunday-of-march", "last-sunday-of-october"])
def test_one_second_after_the_deadline_is_refused(deadline):
    application, user = _application_due(deadline)

    with time_machine.travel(deadline + datetime.timedelta(seconds=1), tick=False):
        with pytest.raises(SubmissionError) as refused:
            submit_application(application.pk, user=user)

    (problem,) = refused.value.problems
    assert problem.section == "deadline"
    abbreviation = "CEST" if deadline == SPRING else "CET"
    assert f"16:00 (Europe/Skopje, {abbreviation})" in problem.message
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_the_server_clock_decides_not_a_naive_local_reading():
    # 15:30 UTC on the autumn deadline day is 16:30 in Skopje (CET): late, although "15:30" < "16:00".
    application, user = _application_due(AUTUMN)

    with time_machine.travel(datetime.datetime(2025, 10, 26, 15, 30, tzinfo=UTC), tick=False):
        with pytest.raises(SubmissionError):
            submit_application(application.pk, user=user)


def test_the_reference_year_is_the_year_in_the_calls_zone():
    # 31 December 2025 23:15 UTC is already 1 January 2026 in Skopje.
    deadline = datetime.datetime(2026, 1, 1, 16, 0, tzinfo=SKOPJE)
    application, user = _application_due(deadline)

    with time_machine.travel(datetime.datetime(2025, 12, 31, 23, 15, tzinfo=UTC), tick=False):
        submitted = submit_application(application.pk, user=user)

    assert submitted.reference == "IW-MK-2026-001"
