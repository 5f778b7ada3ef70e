"""Double submits racing on PostgreSQL: N parallel calls with the same form token create one row.

A double click on "Post reply" sends two requests at once. Without protection both would pass an "is there a post
with this token?" check and both insert. The services lock the row they add to (the thread for a reply, the
community for a thread, an announcement or a document) before the check, so the second caller waits, then finds
the first caller's row and returns it; the unique constraints on ``request_token`` stand behind the lock. A reply
racing a closing coordinator either lands before the close or is refused with ``closed``, never after it.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from community.models import Announcement, MemberRole, Notification, Post, Thread
from community.services import workspace as services
from tests.community.community_factories import RCPFactory, community_member, dag

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_in_parallel(funcs):
    barrier = threading.Barrier(len(funcs))
    results, errors = [], []

    def target(func):
        try:
            barrier.wait(timeout=10)
            results.append(func())
        except ValidationError as exc:
            results.append(exc.code)
        except Exception as exc:  # reported below, not swallowed
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(f,)) for f in funcs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    return results


@pytest.fixture
def mk():
    RCPFactory()
    return dag("MK")


def test_parallel_replies_with_one_token_make_one_post(mk):
    author, replier = community_member(mk), community_member(mk)
    thread = services.start_thread(user=author, community=mk, title="T", body="First")

    results = run_in_parallel(
        [lambda: services.reply(user=replier, thread=thread, body="Yes", request_token="click").pk] * 6
    )

    assert len(set(results)) == 1
    assert Post.objects.filter(thread=thread).count() == 2
    assert Notification.objects.filter(kind=Notification.Kind.REPLY).count() == 1


def test_parallel_threads_and_announcements_with_one_token_make_one_each(mk):
    coordinator = community_member(mk, role=MemberRole.COORDINATOR)
    community_member(mk)

    threads = run_in_parallel(
        [lambda: services.start_thread(user=coordinator, community=mk, title="T", body="b", request_token="t").pk] * 5
    )
    announcements = run_in_parallel(
        [lambda: services.announce(user=coordinator, community=mk, title="A", body="b", request_token="a").pk] * 5
    )

    assert len(set(threads)) == 1 and Thread.objects.count() == 1 and Post.objects.count() == 1
    assert len(set(announcements)) == 1 and Announcement.objects.count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.THREAD).count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.ANNOUNCEMENT).count() == 1


def test_reply_racing_the_close_never_lands_after_it(mk):
    coordinator, member = community_member(mk, role=MemberRole.COORDINATOR), community_member(mk)
    thread = services.start_thread(user=member, community=mk, title="T", body="First")

    def reply():
        return services.reply(user=member, thread=thread, body="Late?").created_at

    def close():
        return services.close_thread(user=coordinator, thread=thread, conclusion="Done").closed_at

    results = run_in_parallel([reply, close])

    thread.refresh_from_db()
    late = Post.objects.filter(thread=thread, created_at__gt=thread.closed_at)
    assert not late.exists()
    assert "closed" in results or Post.objects.filter(thread=thread).count() == 2
