"""Parallel registrations on PostgreSQL (issue 7 "bad input"): 60 people registering at once for 50 seats, and one
person's double click arriving as two parallel requests.

The race without the lock: ``register`` counts the confirmed registrations and then inserts a confirmed or a
waitlisted row. Under PostgreSQL's default READ COMMITTED isolation, two transactions that both count 49 confirmed
before either commits would both see a free seat and both insert a confirmed row, giving 51 confirmed for 50 seats
(a lost update; a trial run of this test with ``lock_event`` replaced by a plain read confirmed all 60). Counting
with ``SELECT … FOR UPDATE`` on the registrations would not help either, because the rows that make the difference
are being inserted, not updated. The service therefore first locks the event row (``lock_event``: ``SELECT … FOR
UPDATE`` on the default-locale ``EventPage``): every registration for the event waits for the one before it to
commit and then counts what it left, so exactly 50 are confirmed and the other 10 join the waitlist in the order
they got the lock. For one person's double click, the second request waits on the same lock and then finds the
first one's row (and the unique constraint ``one_registration_per_person`` is the backstop): one registration, no
error.

Each thread uses its own database connection and closes it when done.
"""

import threading

import pytest
from django.db import connection

from events.models import Registration, RegistrationChange, RegistrationStatus
from events.services import registrations as services
from portal.notifications.models import OutboxMessage
from tests.events.factories import event_page
from tests.portal.factories_accounts import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_in_parallel(funcs, timeout=120):
    barrier = threading.Barrier(len(funcs))
    results, errors = [], []
    lock = threading.Lock()

    def target(func):
        try:
            barrier.wait(timeout=30)
            result = func()
            with lock:
                results.append(result)
        except Exception as error:  # reported below, not swallowed
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(func,)) for func in funcs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a registration thread hung"
    assert not errors, errors
    return results


def test_sixty_people_for_fifty_seats_give_fifty_confirmed_and_ten_waitlisted(events_index):
    event = event_page(events_index, capacity=50)
    users = [UserFactory() for _ in range(60)]

    results = _run_in_parallel([lambda user=user: services.register(user, event).status for user in users])

    assert sorted(results).count(RegistrationStatus.CONFIRMED) == 50
    assert sorted(results).count(RegistrationStatus.WAITLISTED) == 10
    rows = Registration.objects.filter(event=event)
    assert rows.count() == 60
    assert rows.filter(status=RegistrationStatus.CONFIRMED).count() == 50
    assert rows.filter(status=RegistrationStatus.WAITLISTED).count() == 10
    # The waitlist's positions are 1..10 without gaps or ties.
    positions = sorted(
        rows.with_waitlist_position().exclude(waitlist_position=None).values_list("waitlist_position", flat=True)
    )
    assert positions == list(range(1, 11))
    assert OutboxMessage.objects.filter(template="event_registration").count() == 60


def test_double_click_as_two_parallel_requests_makes_one_registration(events_index):
    event = event_page(events_index, capacity=5)
    user = UserFactory()

    results = _run_in_parallel([lambda: services.register(user, event).pk] * 2)

    assert len(set(results)) == 1
    assert Registration.objects.filter(event=event, user=user).count() == 1
    assert RegistrationChange.objects.filter(registration__user=user).count() == 1
    assert OutboxMessage.objects.filter(template="event_registration", recipient=user.email).count() == 1
