"""The event page and its registration routes (issue 7 items 1–3): what anonymous visitors, members, outsiders and
registrants see; the join link only for confirmed registrants; the waitlist never on the page; members-only events
refused to outsiders (404) and anonymous visitors (sign in); register and cancel through the page, a double click
making one registration."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from community.models import MemberRole
from events.models import Audience, EventFormat, Registration, RegistrationQuestion, RegistrationStatus
from events.services import registrations as services
from portal.notifications.models import OutboxMessage
from tests.community.community_factories import community_member, dag
from tests.events.factories import RegistrationFactory, event_page
from tests.portal.factories_accounts import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

JOIN_TOKEN = "planted-join-token-5f3a9c"
JOIN_URL = f"https://meet.example.org/{JOIN_TOKEN}"


@pytest.fixture
def online_event(events_index):
    return event_page(
        events_index,
        title="Online DAG meeting",
        event_format=EventFormat.ONLINE,
        online_url=JOIN_URL,
        capacity=1,
        contact_email="dag@example.org",
    )


@pytest.fixture
def members_event(events_index):
    mk = dag("MK")
    return event_page(events_index, title="Members-only DAG meeting", audience=Audience.MEMBERS, host_communities=[mk])


def _html(response) -> str:
    return response.content.decode()


# --- what the page shows -------------------------------------------------------------------------------------------


def test_anonymous_visitor_sees_the_public_facts_and_a_sign_in_link(client, events_index):
    mk = dag("MK")
    event = event_page(
        events_index,
        title="DAG MK meeting",
        starts_at=datetime(2030, 3, 12, 16, 0, tzinfo=UTC),
        ends_at=datetime(2030, 3, 12, 18, 0, tzinfo=UTC),
        timezone="Europe/Skopje",
        capacity=40,
        venue="Hotel Continental",
        address="Aleksandar Makedonski bb",
        city="Skopje",
        contact_email="dag-mk@example.org",
        description="<p>Agenda of the <b>spring</b> meeting.</p>",
        host_communities=[mk],
        languages=["mk", "en"],
    )
    event.agenda_items.create(day=1, starts_at=time(17, 30), title="Welcome", speaker="Chair")
    event.save()

    response = client.get(event.url)

    html = _html(response)
    assert response.status_code == 200
    assert "12 March 2030, 17:00–19:00 (Europe/Skopje, CET)" in html
    assert "Hotel Continental" in html and "Aleksandar Makedonski bb" in html and "Skopje" in html
    assert mk.name in html
    assert "Macedonian" in html and "English" in html
    assert "<b>spring</b>" in html  # rich text rendered, not escaped
    assert "17:30" in html and "Welcome" in html and "Chair" in html
    assert "40 seats left" in html
    assert "dag-mk@example.org" in html
    assert "Sign in to register" in html and f"next={event.url}" in html.replace("%2F", "/")
    assert 'action="' + event.url + "register/" not in html  # no form for anonymous visitors
    assert "Cookie" in response["Vary"]


def test_weekly_series_lists_each_meeting_at_the_same_local_time(client, events_index):
    event = event_page(
        events_index,
        starts_at=datetime(2030, 3, 19, 9, 0, tzinfo=UTC),  # 10:00 CET
        ends_at=datetime(2030, 3, 19, 10, 0, tzinfo=UTC),
        timezone="Europe/Sarajevo",
        recurrence="weekly",
        occurrence_count=3,
    )

    html = _html(client.get(event.url))

    assert "19 March 2030, 10:00–11:00 (Europe/Sarajevo, CET)" in html
    assert "2 April 2030, 10:00–11:00 (Europe/Sarajevo, CEST)" in html  # after the clock change
    assert "Weekly, 3 meetings" in html


def test_host_community_links_to_its_public_page(client, events_index, home_page):
    from tests.community.public_factories import CommunityIndexPageFactory, CommunityPageFactory

    mk, al = dag("MK"), dag("AL")
    community_page = CommunityPageFactory(parent=CommunityIndexPageFactory(parent=home_page), community=mk)
    event = event_page(events_index, host_communities=[mk, al])

    html = _html(client.get(event.url))

    assert f'<a href="{community_page.url}">{mk.name}</a>' in html
    assert f"<li>{al.name}</li>" in html  # no public page: the name without a link


def test_join_link_only_for_confirmed_registrants(client, online_event):
    confirmed = UserFactory()
    waitlisted = UserFactory()
    cancelled = UserFactory()
    stranger = UserFactory()
    services.register(confirmed, online_event)
    services.register(waitlisted, online_event)
    services.cancel(services.register(cancelled, online_event), by=cancelled)
    assert Registration.objects.get(user=waitlisted).status == RegistrationStatus.WAITLISTED

    assert JOIN_TOKEN not in _html(client.get(online_event.url))
    for user in (waitlisted, cancelled, stranger):
        client.force_login(user)
        assert JOIN_TOKEN not in _html(client.get(online_event.url)), user
    client.force_login(confirmed)
    html = _html(client.get(online_event.url))
    assert JOIN_URL in html
    assert "You are registered." in html


def test_organiser_sees_the_join_link_without_registering(client, online_event):
    client.force_login(StaffFactory(totp=True))
    assert JOIN_URL in _html(client.get(online_event.url))


def test_waitlist_is_never_shown_publicly(client, events_index):
    event = event_page(events_index, capacity=1)
    RegistrationFactory(event=event, user=UserFactory(first_name="Seated", last_name="Person"))
    for n in range(3):
        RegistrationFactory(
            event=event,
            user=UserFactory(first_name=f"Waiting{n}", last_name="Queuer"),
            status=RegistrationStatus.WAITLISTED,
            queued_at=timezone.now() + timedelta(seconds=n),
        )

    for viewer in (None, UserFactory()):
        if viewer:
            client.force_login(viewer)
        html = _html(client.get(event.url))
        assert "Queuer" not in html and "Seated" not in html
        assert "waitlist: 3" not in html.lower() and "3 on the waitlist" not in html
        assert "All seats are taken: new registrations join the waitlist." in html


def test_waitlisted_person_sees_only_their_own_position(client, events_index):
    event = event_page(events_index, capacity=1)
    services.register(UserFactory(), event)
    first, second = UserFactory(), UserFactory()
    services.register(first, event)
    services.register(second, event)

    client.force_login(second)
    html = _html(client.get(event.url))

    assert "You are on the waitlist." in html
    assert "You are number 2 in the queue" in html
    assert first.email not in html


def test_signed_in_answers_are_private_and_not_stored(client, events_index):
    event = event_page(events_index)
    client.force_login(UserFactory())
    response = client.get(event.url)
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


# --- members-only events --------------------------------------------------------------------------------------------


def test_members_only_event_sends_anonymous_visitors_to_sign_in(client, members_event):
    response = client.get(members_event.url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_members_only_event_is_404_for_signed_in_outsiders(client, members_event):
    client.force_login(UserFactory())
    assert client.get(members_event.url).status_code == 404
    assert client.post(members_event.url + "register/").status_code == 404
    assert not Registration.objects.exists()


def test_members_only_event_is_open_to_members_who_can_register(client, members_event):
    member = community_member(dag("MK"), MemberRole.MEMBER)
    client.force_login(member)

    response = client.get(members_event.url)
    assert response.status_code == 200
    assert 'action="' + members_event.url + 'register/#registration-title"' in _html(response)

    client.post(members_event.url + "register/", {"organisation": "Transparency MK"})
    registration = Registration.objects.get(user=member)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.organisation == "Transparency MK"


def test_staff_who_are_not_members_see_the_members_only_event_but_cannot_register(client, members_event):
    client.force_login(StaffFactory(totp=True))
    html = _html(client.get(members_event.url))
    assert "This event is for members of its communities only; you cannot register." in html
    client.post(members_event.url + "register/")
    assert not Registration.objects.exists()


# --- registering and cancelling through the page --------------------------------------------------------------------


def test_register_get_redirects_to_the_page(client, events_index):
    event = event_page(events_index)
    client.force_login(UserFactory())
    response = client.get(event.url + "register/")
    assert response.status_code == 302 and response["Location"] == event.url
    assert not Registration.objects.exists()


def test_anonymous_register_post_goes_to_sign_in(client, events_index):
    event = event_page(events_index)
    response = client.post(event.url + "register/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Registration.objects.exists()


def test_double_click_on_register_makes_one_registration_and_one_mail(client, online_event):
    user = UserFactory()
    client.force_login(user)

    first = client.post(online_event.url + "register/", {"organisation": "CSO"})
    second = client.post(online_event.url + "register/", {"organisation": "CSO"})

    assert first.status_code == second.status_code == 302
    assert Registration.objects.filter(user=user).count() == 1
    assert OutboxMessage.objects.filter(template="event_registration", recipient=user.email).count() == 1
    page = client.get(online_event.url)
    messages = [str(m) for m in page.context["messages"]]
    assert "You are already registered for this event." in messages


def test_required_question_must_be_answered(client, events_index):
    event = event_page(events_index)
    question = RegistrationQuestion.objects.create(page=event, label="Which working group?", required=True)
    client.force_login(UserFactory())

    response = client.post(event.url + "register/", {"organisation": "CSO"})
    assert response.status_code == 400
    assert "Which working group?" in _html(response)
    assert not Registration.objects.exists()

    client.post(event.url + "register/", {f"question_{question.pk}": "Political finance"})
    assert Registration.objects.get().answers == {str(question.pk): "Political finance"}


def test_cancel_then_register_again_through_the_page(client, events_index):
    event = event_page(events_index)
    user = UserFactory()
    client.force_login(user)
    client.post(event.url + "register/")

    client.post(event.url + "cancel/")
    registration = Registration.objects.get(user=user)
    assert registration.status == RegistrationStatus.CANCELLED
    html = _html(client.get(event.url))
    assert "Your registration is cancelled." in html and "Register again" in html

    response = client.post(event.url + "register/")
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_cancel_without_registration_says_so(client, events_index):
    event = event_page(events_index)
    client.force_login(UserFactory())
    response = client.post(event.url + "cancel/", follow=True)
    assert "You have no registration to cancel for this event." in _html(response)


def test_closed_and_not_yet_open_registration(client, events_index):
    now = timezone.now()
    closed = event_page(events_index, registration_closes_at=now - timedelta(hours=1))
    later = event_page(
        events_index,
        registration_opens_at=now + timedelta(days=1),
        registration_closes_at=now + timedelta(days=2),
        starts_at=now + timedelta(days=3),
        ends_at=now + timedelta(days=3, hours=2),
    )
    client.force_login(UserFactory())

    assert "Registration has closed." in _html(client.get(closed.url))
    assert "Registration has not opened yet." in _html(client.get(later.url))
    response = client.post(closed.url + "register/", follow=True)
    assert "Registration for this event has closed." in _html(response)
    assert not Registration.objects.exists()


def test_registering_on_a_translated_page_registers_for_the_default_locale_event(client, events_index):
    from wagtail.models import Locale, Page

    locale_tr = Locale.objects.get_or_create(language_code="tr")[0]
    event = event_page(events_index, title="DAG meeting", capacity=5)
    question = RegistrationQuestion.objects.create(page=event, label="Which working group?", required=True)
    translated = event.copy_for_translation(locale_tr, copy_parents=True)
    translated.title = "DAG toplantısı"
    translated.save_revision().publish()
    for page in Page.objects.filter(locale=locale_tr, live=False):
        page.specific.save_revision().publish()
    translated.questions.update(label="Hangi çalışma grubu?")
    user = UserFactory()
    client.force_login(user)

    html = _html(client.get(translated.url))

    assert translated.url.startswith("/tr/")
    assert "DAG toplantısı" in html and "Kayıt" in html
    assert "Hangi çalışma grubu?" in html and f'name="question_{question.pk}"' in html
    response = client.post(translated.url + "register/", {f"question_{question.pk}": "Açık veri"})
    assert response.status_code == 302 and response["Location"] == translated.url
    registration = Registration.objects.get(user=user)
    assert registration.event_id == event.pk and registration.answers == {str(question.pk): "Açık veri"}
    assert "You are registered." in _html(client.get(event.url))  # one registration, whatever the language


def test_page_query_count_does_not_grow_with_agenda_hosts_and_languages(client, events_index):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.community.community_factories import RCPFactory

    def build(size):
        hosts = [RCPFactory(), *(dag(code) for code in ["MK", "AL", "RS", "BA"][: size - 1])]
        event = event_page(events_index, host_communities=hosts, languages=["en", "mk", "sq", "tr"][: min(size, 4)])
        for n in range(size * 3):
            event.agenda_items.create(day=1 + n % 3, starts_at=time(9, n % 60), title=f"Item {n}", speaker="Chair")
        for n in range(size):
            RegistrationQuestion.objects.create(page=event, label=f"Question {n}")
        event.save()
        return event

    small, large = build(1), build(5)
    client.force_login(UserFactory())
    counts = []
    for event in (small, large):
        client.get(event.url)  # warm the site and locale caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(event.url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
