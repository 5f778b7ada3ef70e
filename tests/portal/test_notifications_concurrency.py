"""Many workers receive the same send task at once: the message goes out exactly once (PostgreSQL).

Without the claim, each worker would read the row as ``pending`` and send it: N mails (checked by hand with a
read-then-save claim: 8 workers sent 8 mails). The claim takes the row
with ``SELECT … FOR UPDATE SKIP LOCKED`` and flips its status with a compare-and-set ``UPDATE`` in one
transaction, so only the first worker gets it; the others skip it.
"""

import threading

import pytest
from django.core import mail
from django.db import connection

from portal.notifications.models import OutboxMessage
from portal.notifications.services import deliver

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 8


def _run_in_parallel(func, n):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def target():
        try:
            barrier.wait(timeout=10)
            results.append(func())
        except Exception as exc:  # reported below, not swallowed
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    return results


@pytest.mark.parametrize("status", [OutboxMessage.Status.PENDING, OutboxMessage.Status.FAILED])
def test_parallel_deliveries_send_once(status):
    message = OutboxMessage.objects.create(
        recipient="ana@example.org", subject="Once", body_text="Only once.", status=status, attempts=1
    )

    results = _run_in_parallel(lambda: deliver(message.pk), WORKERS)

    assert sorted(results) == ["sent"] + ["skipped"] * (WORKERS - 1)
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 2
