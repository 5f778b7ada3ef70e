"""The registration mails (template ``event_registration``) for each occasion: title, time in the event's zone
(named), place, the join link only for a confirmed registration of an online or hybrid event, links to the event
page and to "My events", how to cancel; in the recipient's language."""

from datetime import UTC, datetime

import pytest

from events.models import EventFormat
from events.services import registrations as services
from portal.notifications.models import OutboxMessage
from tests.events.factories import event_page
from tests.portal.factories_accounts import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

JOIN_TOKEN = "planted-mail-token-8e21"
JOIN_URL = f"https://meet.example.org/{JOIN_TOKEN}"
CANCEL_HOW_TO = "Please cancel on the event page"


@pytest.fixture
def online_event(events_index):
    return event_page(
        events_index,
        title="Training on the Integrity Watch platforms",
        event_format=EventFormat.HYBRID,
        online_url=JOIN_URL,
        capacity=1,
        starts_at=datetime(2099, 3, 12, 16, 0, tzinfo=UTC),
        ends_at=datetime(2099, 3, 12, 18, 0, tzinfo=UTC),
        timezone="Europe/Skopje",
        venue="Hotel Continental",
        city="Skopje",
        contact_email="training@example.org",
    )


def _last_mail(user):
    return OutboxMessage.objects.filter(template="event_registration", recipient=user.email).latest("pk")


def test_confirmation_has_time_place_join_link_and_links(online_event):
    user = UserFactory(first_name="Ana")
    services.register(user, online_event)

    mail = _last_mail(user)

    assert mail.subject == "[Integrity Watch] You are registered: Training on the Integrity Watch platforms"
    for body in (mail.body_text, mail.body_html):
        assert "Hello Ana," in body
        assert "12 March 2099, 17:00–19:00 (Europe/Skopje, CET)" in body
        assert "Hotel Continental, Skopje" in body
        assert JOIN_URL in body
        assert f"http://testserver{online_event.url}" in body
        assert "http://testserver/my-events/" in body
        assert CANCEL_HOW_TO in body
        assert "training@example.org" in body


def test_waitlist_notice_has_the_position_and_no_join_link(online_event):
    services.register(UserFactory(), online_event)
    user = UserFactory()
    services.register(user, online_event)

    mail = _last_mail(user)

    assert mail.subject.endswith("You are on the waitlist: Training on the Integrity Watch platforms")
    assert "number 1 in the queue" in mail.body_text
    assert JOIN_TOKEN not in mail.body_text and JOIN_TOKEN not in mail.body_html
    assert CANCEL_HOW_TO in mail.body_text


def test_moved_to_waitlist_and_cancelled_by_organiser_mails_have_no_join_link(online_event):
    organiser = StaffFactory()
    moved, waiting = UserFactory(), UserFactory()
    seat = services.register(moved, online_event)
    services.register(waiting, online_event)

    services.move_to_waitlist(seat, by=organiser)
    moved_mail = _last_mail(moved)
    promoted_mail = _last_mail(waiting)
    services.cancel(seat, by=organiser)
    cancelled_mail = _last_mail(moved)

    assert moved_mail.subject.endswith("Moved to the waitlist: Training on the Integrity Watch platforms")
    assert "number 1 in the queue" in moved_mail.body_text
    assert cancelled_mail.subject.endswith("Your registration was cancelled: Training on the Integrity Watch platforms")
    assert CANCEL_HOW_TO not in cancelled_mail.body_text
    for mail in (moved_mail, cancelled_mail):
        assert JOIN_TOKEN not in mail.body_text and JOIN_TOKEN not in mail.body_html
    assert JOIN_URL in promoted_mail.body_text  # the person who got the seat


def test_in_person_confirmation_has_no_join_link(events_index):
    event = event_page(events_index, event_format=EventFormat.IN_PERSON, online_url=JOIN_URL)
    user = UserFactory()
    services.register(user, event)
    mail = _last_mail(user)
    assert JOIN_TOKEN not in mail.body_text and JOIN_TOKEN not in mail.body_html
    assert "Media Centre, Belgrade" in mail.body_text


def test_weekly_series_mail_lists_every_meeting(events_index):
    event = event_page(
        events_index,
        starts_at=datetime(2099, 3, 20, 9, 0, tzinfo=UTC),
        ends_at=datetime(2099, 3, 20, 10, 0, tzinfo=UTC),
        timezone="Europe/Sarajevo",
        recurrence="weekly",
        occurrence_count=3,
    )
    user = UserFactory()
    services.register(user, event)
    body = _last_mail(user).body_text
    assert "20 March 2099, 10:00–11:00 (Europe/Sarajevo, CET)" in body
    assert "3 April 2099, 10:00–11:00 (Europe/Sarajevo, CEST)" in body


def test_mail_is_in_the_recipients_language_with_the_translated_title_and_link(online_event):
    from wagtail.models import Locale

    locale_tr = Locale.objects.get_or_create(language_code="tr")[0]
    translated = online_event.copy_for_translation(locale_tr, copy_parents=True)
    translated.title = "Integrity Watch platformları eğitimi"
    translated.save_revision().publish()
    user = UserFactory(preferred_language="tr")

    services.register(user, online_event)

    mail = _last_mail(user)
    assert mail.language == "tr"
    assert mail.subject == "[Integrity Watch] Kaydınız alındı: Integrity Watch platformları eğitimi"
    assert "12 Mart 2099, 17:00–19:00 (Europe/Skopje, CET)" in mail.body_text
    assert "http://testserver/tr/" in mail.body_text
    assert "http://testserver/tr/my-events/" in mail.body_text
    assert "Training on the Integrity Watch platforms" not in mail.body_text
