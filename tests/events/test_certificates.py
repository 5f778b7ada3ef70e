"""Certificates of attendance (issue 7 item 6): an A4 landscape PDF whose text (extracted with pypdf) holds the
person's name in Latin with diacritics, Cyrillic and Turkish letters, the event's title, dates in the event's zone,
the city and the programme; only attendees of certificate events may download it."""

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from events.certificates import FONT_DIR, certificate_pdf, event_dates
from events.models import Attendance, RegistrationStatus
from tests.events.factories import RegistrationFactory
from tests.events.outcome_world import build_world, client_for, sub_url
from tests.portal.factories_accounts import UserFactory

pytestmark = pytest.mark.django_db

NAMES = [
    ("Đorđe", "Šćepanović"),
    ("Марија", "Јовановска"),
    ("Gülşen", "Işık İpek"),
]


@pytest.fixture
def world(events_index):
    return build_world(events_index)


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def _attendee(world, first, last):
    user = UserFactory(first_name=first, last_name=last)
    RegistrationFactory(event=world["event"], user=user, attendance=Attendance.ATTENDED)
    return user


def test_fonts_and_their_licence_are_bundled():
    assert (FONT_DIR / "DejaVuSans.ttf").stat().st_size > 100_000
    assert (FONT_DIR / "DejaVuSans-Bold.ttf").stat().st_size > 100_000
    assert "Bitstream" in (FONT_DIR / "LICENSE").read_text()


@pytest.mark.parametrize(("first", "last"), NAMES)
def test_names_render_in_latin_cyrillic_and_turkish_letters(world, first, last):
    user = _attendee(world, first, last)
    data = certificate_pdf(user, world["event"])
    assert data.startswith(b"%PDF")
    text = _text(data)
    assert f"{first} {last}" in text
    assert "Certificate of attendance" in text
    assert "Training on the Integrity Watch platforms" in text
    assert "Skopje" in text
    assert "Integrity Watch in the Western Balkans and Türkiye" in text
    reader = PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape, points
    fonts = reader.pages[0]["/Resources"]["/Font"].get_object()
    base_fonts = {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    assert all("DejaVuSans" in name for name in base_fonts), base_fonts  # embedded subsets of the bundled fonts


def test_dates_are_in_the_events_zone_and_named(world):
    event = world["event"]
    event.starts_at = datetime(2025, 2, 27, 8, 0, tzinfo=UTC)  # 09:00 in Skopje (CET)
    event.ends_at = datetime(2025, 2, 28, 15, 0, tzinfo=UTC)
    assert event_dates(event) == "27 February 2025 – 28 February 2025 (Europe/Skopje)"
    event.ends_at = datetime(2025, 2, 27, 11, 30, tzinfo=UTC)
    assert event_dates(event) == "27 February 2025, 09:00–12:30 (Europe/Skopje, CET)"
    user = _attendee(world, "Ana", "Example")
    assert "27 February 2025, 09:00–12:30" in _text(certificate_pdf(user, event))


def test_a_very_long_name_still_fits_on_one_page(world):
    user = _attendee(world, "Aleksandra-Marija Konstantinova", "Petrovska-Hadži-Nikolova Dimitrijević")
    text = _text(certificate_pdf(user, world["event"]))
    assert "Dimitrijević" in text


def test_attendee_downloads_the_certificate_through_the_page(world):
    user = _attendee(world, "Марија", "Јовановска")
    client = client_for({"users": {"x": user}}, "x")
    response = client.get(sub_url(world["event"], "certificate"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert "Марија Јовановска" in _text(response.content)


def test_the_certificate_is_in_the_language_of_the_page(world):
    user = _attendee(world, "Gülşen", "Işık İpek")
    client = client_for({"users": {"x": user}}, "x")
    url = sub_url(world["event"], "certificate")
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert "Certificate of attendance" in _text(response.content)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("outsider", 403),
        ("member", 403),
        ("coordinator", 403),
        ("staff", 403),
        ("registrant", 403),  # confirmed but attendance not recorded
    ],
)
def test_non_attendees_are_refused(world, role, expected):
    response = client_for(world, role).get(sub_url(world["event"], "certificate"))
    assert response.status_code == expected
    if expected == 302:
        assert "/accounts/login/" in response["Location"]


def test_absent_waitlisted_and_cancelled_people_are_refused(world):
    event = world["event"]
    for status, attendance in [
        (RegistrationStatus.CONFIRMED, Attendance.ABSENT),
        (RegistrationStatus.CANCELLED, Attendance.ATTENDED),
        (RegistrationStatus.WAITLISTED, ""),
    ]:
        user = UserFactory()
        RegistrationFactory(event=event, user=user, status=status, attendance=attendance)
        response = client_for({"users": {"x": user}}, "x").get(sub_url(event, "certificate"))
        assert response.status_code == 403, (status, attendance)


def test_no_certificate_for_a_meeting(events_index):
    world = build_world(events_index, event_type="dag_meeting")
    user = _attendee(world, "Ana", "Example")
    response = client_for({"users": {"x": user}}, "x").get(sub_url(world["event"], "certificate"))
    assert response.status_code == 403


def test_members_only_event_answers_404_to_outsiders(events_index):
    world = build_world(events_index, audience="members")
    response = client_for(world, "outsider").get(sub_url(world["event"], "certificate"))
    assert response.status_code == 404
