"""Registration service rules (issue 7 item 2): the waitlist in arrival order, promotion on cancel (and the promoted
person is told), registering again after cancelling, a double click making one record, members-only events, the
registration window, required questions; the waitlist position; the join link a mail may carry; and seats given
to the waitlist when a larger capacity is published (the ``after_publish_page`` hook)."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone
from wagtail import hooks

from community.models import MemberRole
from events import permissions
from events.models import (
    Audience,
    EventFormat,
    Registration,
    RegistrationChange,
    RegistrationQuestion,
    RegistrationStatus,
)
from events.services import registrations as services
from events.services.registrations import RegistrationDetails, RegistrationError
from portal.notifications.models import OutboxMessage
from tests.community.community_factories import community_member, dag
from tests.events.factories import RegistrationFactory, event_page
from tests.portal.factories_accounts import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def _mails(user, template="event_registration"):
    return OutboxMessage.objects.filter(template=template, recipient=user.email).order_by("pk")


def _register_in_order(event, users, start=None):
    """Register ``users`` one second apart (arrival order = list order)."""
    start = start or timezone.now()
    return [services.register(user, event, now=start + timedelta(seconds=n)) for n, user in enumerate(users)]


def test_full_event_fills_the_waitlist_in_arrival_order(events_index):
    event = event_page(events_index, capacity=2)
    users = [UserFactory() for _ in range(5)]

    registrations = _register_in_order(event, users)

    assert [r.status for r in registrations] == ["confirmed"] * 2 + ["waitlisted"] * 3
    waiting = Registration.objects.filter(event=event).waitlisted()
    assert [r.user for r in waiting] == users[2:]
    positions = dict(
        Registration.objects.filter(event=event).with_waitlist_position().values_list("user", "waitlist_position")
    )
    assert [positions[u.pk] for u in users] == [None, None, 1, 2, 3]
    assert services.free_seats(event) == 0


def test_cancel_promotes_the_first_person_waiting_and_tells_them(events_index):
    event = event_page(
        events_index, capacity=1, event_format=EventFormat.ONLINE, online_url="https://meet.example.org/x"
    )
    seated, first, second = UserFactory(), UserFactory(), UserFactory()
    seat, *_ = _register_in_order(event, [seated, first, second])

    services.cancel(seat, by=seated)

    assert Registration.objects.get(user=first).status == RegistrationStatus.CONFIRMED
    assert Registration.objects.get(user=second).status == RegistrationStatus.WAITLISTED
    promoted_mail = _mails(first).last()
    assert promoted_mail.subject.endswith(f"You are registered: {event.title}")
    assert "a seat has become free" in promoted_mail.body_text
    assert "https://meet.example.org/x" in promoted_mail.body_text  # now confirmed: the mail has the link
    assert _mails(second).count() == 1  # only the waitlist notice
    assert RegistrationChange.objects.filter(registration__user=first, action="promoted").count() == 1


def test_register_again_after_cancelling_renews_the_same_row(events_index):
    event = event_page(events_index, capacity=1)
    user = UserFactory()
    registration = services.register(user, event)
    services.cancel(registration, by=user)

    again = services.register(user, event, RegistrationDetails(organisation="New NGO"))

    assert again.pk == registration.pk
    assert again.status == RegistrationStatus.CONFIRMED
    assert again.organisation == "New NGO" and again.cancelled_at is None
    assert Registration.objects.filter(user=user).count() == 1


def test_register_again_after_cancelling_goes_to_the_end_of_the_queue(events_index):
    event = event_page(events_index, capacity=1)
    seated, leaver, other = UserFactory(), UserFactory(), UserFactory()
    _, waiting, _ = _register_in_order(event, [seated, leaver, other])
    services.cancel(waiting, by=leaver)

    again = services.register(leaver, event, now=timezone.now() + timedelta(minutes=5))

    assert again.status == RegistrationStatus.WAITLISTED
    queue = [r.user for r in Registration.objects.filter(event=event).waitlisted()]
    assert queue == [other, leaver]


def test_double_click_makes_one_registration_one_log_line_and_one_mail(events_index):
    event = event_page(events_index)
    user = UserFactory()

    first = services.register(user, event)
    second = services.register(user, event)

    assert first.pk == second.pk
    assert Registration.objects.filter(user=user).count() == 1
    assert RegistrationChange.objects.filter(registration=first).count() == 1
    assert _mails(user).count() == 1


def test_members_only_event_refuses_non_members_and_accepts_members(events_index):
    mk = dag("MK")
    event = event_page(events_index, audience=Audience.MEMBERS, host_communities=[mk])
    outsider = UserFactory()
    member_of_other_dag = community_member(dag("AL"), MemberRole.MEMBER)
    member = community_member(mk, MemberRole.MEMBER)

    for user in (outsider, member_of_other_dag):
        with pytest.raises(RegistrationError) as error:
            services.register(user, event)
        assert error.value.code == "members_only"
    assert services.register(member, event).status == RegistrationStatus.CONFIRMED
    assert list(Registration.objects.values_list("user", flat=True)) == [member.pk]


def test_members_only_event_with_audience_communities(events_index):
    mk, al = dag("MK"), dag("AL")
    event = event_page(events_index, audience=Audience.MEMBERS, host_communities=[mk], audience_communities=[al])
    with pytest.raises(RegistrationError):
        services.register(community_member(mk, MemberRole.MEMBER), event)
    assert services.register(community_member(al, MemberRole.MEMBER), event).is_confirmed


def test_registration_window_not_open_and_closed(events_index):
    now = timezone.now()
    event = event_page(
        events_index,
        registration_opens_at=now + timedelta(days=1),
        registration_closes_at=now + timedelta(days=2),
        starts_at=now + timedelta(days=3),
        ends_at=now + timedelta(days=3, hours=2),
    )
    user = UserFactory()

    with pytest.raises(RegistrationError) as early:
        services.register(user, event, now=now)
    with pytest.raises(RegistrationError) as late:
        services.register(user, event, now=now + timedelta(days=2))
    assert early.value.code == "not_open" and late.value.code == "closed"
    assert services.register(user, event, now=now + timedelta(days=1, hours=1)).is_confirmed


def test_closing_defaults_to_the_start(events_index):
    event = event_page(events_index)
    with pytest.raises(RegistrationError) as error:
        services.register(UserFactory(), event, now=event.starts_at)
    assert error.value.code == "closed"


def test_anonymous_cannot_register(events_index):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(RegistrationError) as error:
        services.register(AnonymousUser(), event_page(events_index))
    assert error.value.code == "not_signed_in"


def test_required_question_is_enforced_by_the_service(events_index):
    event = event_page(events_index)
    question = RegistrationQuestion.objects.create(page=event, label="Which working group?", required=True)
    optional = RegistrationQuestion.objects.create(page=event, label="Anything else?", required=False)
    user = UserFactory()

    with pytest.raises(RegistrationError) as error:
        services.register(user, event, RegistrationDetails(answers={str(optional.pk): "no", str(question.pk): "  "}))
    assert error.value.code == "missing_answer"
    assert not Registration.objects.exists()

    registration = services.register(user, event, RegistrationDetails(answers={str(question.pk): "Open data"}))
    assert registration.answers == {str(question.pk): "Open data"}


def test_registration_form_follows_the_event_flags_and_questions(events_index):
    from events.forms import RegistrationForm

    event = event_page(events_index, ask_organisation=False, ask_accessibility=True, ask_dietary=True)
    question = RegistrationQuestion.objects.create(page=event, label="Which working group?", required=True)

    form = RegistrationForm(event, {"accessibility_needs": "Step-free access"})

    assert set(form.fields) == {"accessibility_needs", "dietary_needs", f"question_{question.pk}"}
    assert not form.is_valid() and f"question_{question.pk}" in form.errors
    form = RegistrationForm(event, {f"question_{question.pk}": "Open data", "dietary_needs": "Vegetarian"})
    assert form.is_valid()
    details = form.details()
    assert details.answers == {str(question.pk): "Open data"} and details.dietary_needs == "Vegetarian"


# --- the join link a mail may carry ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_format", "status", "expected"),
    [
        (EventFormat.ONLINE, RegistrationStatus.CONFIRMED, "https://meet.example.org/x"),
        (EventFormat.HYBRID, RegistrationStatus.CONFIRMED, "https://meet.example.org/x"),
        (EventFormat.IN_PERSON, RegistrationStatus.CONFIRMED, ""),
        (EventFormat.ONLINE, RegistrationStatus.WAITLISTED, ""),
        (EventFormat.ONLINE, RegistrationStatus.CANCELLED, ""),
    ],
)
def test_join_link_for_registration(events_index, event_format, status, expected):
    event = event_page(events_index, event_format=event_format, online_url="https://meet.example.org/x")
    registration = RegistrationFactory(event=event, status=status)
    assert permissions.join_link_for_registration(registration) == expected


# --- publishing a larger capacity gives seats to the waitlist ---------------------------------------------------


def test_after_publish_hook_gives_new_seats_to_the_waitlist_in_order(events_index):
    event = event_page(events_index, capacity=1)
    users = [UserFactory() for _ in range(4)]
    _register_in_order(event, users)
    event.capacity = 3
    event.save_revision().publish()

    request = RequestFactory().post("/admin/")
    request.user = StaffFactory()
    for hook in hooks.get_hooks("after_publish_page"):
        assert hook(request, event) is None

    statuses = {r.user_id: r.status for r in Registration.objects.filter(event=event)}
    assert [statuses[u.pk] for u in users] == ["confirmed", "confirmed", "confirmed", "waitlisted"]
    assert "a seat has become free" in _mails(users[1]).last().body_text
    assert _mails(users[3]).count() == 1


def test_after_publish_hook_ignores_other_pages(events_index, home_page):
    request = RequestFactory().post("/admin/")
    request.user = StaffFactory()
    for hook in hooks.get_hooks("after_publish_page"):
        assert hook(request, home_page) is None


def test_publishing_a_larger_capacity_in_the_admin_promotes_the_waitlist(admin_client, events_index):
    from django.urls import reverse
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    event = event_page(events_index, capacity=1, summary="Summary")
    waiting = UserFactory()
    _register_in_order(event, [UserFactory(), waiting])
    fmt = "%Y-%m-%d %H:%M"
    data = nested_form_data(
        {
            "title": event.title,
            "slug": event.slug,
            "event_type": event.event_type,
            "event_format": event.event_format,
            "starts_at": event.starts_at.strftime(fmt),
            "ends_at": event.ends_at.strftime(fmt),
            "timezone": event.timezone,
            "recurrence": "none",
            "occurrence_count": 1,
            "venue": event.venue,
            "city": event.city,
            "audience": "public",
            "summary": event.summary,
            "description": rich_text(""),
            "agenda_items": inline_formset([]),
            "questions": inline_formset([]),
            "registration_required": "on",
            "capacity": 2,
            "ask_organisation": "on",
            "ask_accessibility": "on",
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )

    response = admin_client.post(reverse("wagtailadmin_pages:edit", args=[event.pk]), data)

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert Registration.objects.get(user=waiting).status == RegistrationStatus.CONFIRMED
    assert _mails(waiting).count() == 2  # waitlisted, then promoted
