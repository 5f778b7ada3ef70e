"""Parallel payments on PostgreSQL (real row locks, real commits).

Without the application row lock, two staff members recording the same tranche at the same moment would both read
"not paid yet" and "paid so far: 0", both pass the limits and both write: the last write wins silently and the log
shows two payments. :func:`grants.services.payments.record_payment` locks the application row first, so the second
sees the first's payment and is refused (or, for the very same payment, returns it).
"""

import datetime
import threading

import pytest
from django.db import connection

from grants.models import ActivityLog, Tranche
from grants.services.errors import ApplicationError
from grants.services.payments import record_payment
from tests.grants.agreement_helpers import make_agreement
from tests.portal.factories_accounts import StaffFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 8


def _run_in_parallel(functions):
    barrier = threading.Barrier(len(functions))
    results, errors = [], []

    def target(func):
        try:
            barrier.wait(timeout=10)
            results.append(func())
        except Exception as exc:  # refusals are checked by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(func,)) for func in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors


def test_parallel_different_payments_of_one_tranche_record_exactly_one():
    staff = StaffFactory()
    agreement = make_agreement(staff, status="signed")
    tranche = Tranche.objects.filter(agreement=agreement).order_by("number").first()
    today = datetime.date.today()
    days = [today - datetime.timedelta(days=n) for n in range(WORKERS)]  # different payments: different dates

    results, errors = _run_in_parallel(
        [lambda d=d: record_payment(tranche.pk, user=staff, paid_on=d, amount_eur="4800") for d in days]
    )

    assert len(results) == 1
    assert len(errors) == WORKERS - 1
    assert all(isinstance(e, ApplicationError) and e.code == "already_paid" for e in errors), errors
    tranche.refresh_from_db()
    assert tranche.paid_on == results[0].paid_on
    assert ActivityLog.objects.filter(action="tranche_paid").count() == 1


def test_parallel_replays_of_one_payment_log_once():
    staff = StaffFactory()
    agreement = make_agreement(staff, status="signed")
    tranche = Tranche.objects.filter(agreement=agreement).order_by("number").first()
    today = datetime.date.today()

    results, errors = _run_in_parallel(
        [lambda: record_payment(tranche.pk, user=staff, paid_on=today, amount_eur="4800")] * WORKERS
    )

    assert not errors, errors
    assert len(results) == WORKERS
    assert ActivityLog.objects.filter(action="tranche_paid").count() == 1
