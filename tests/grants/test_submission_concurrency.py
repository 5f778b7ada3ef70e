"""Parallel requests against the application services on PostgreSQL (real row locks, real commits).

* 8 submissions of one application (double clicks, replayed POSTs): one submission, one reference, one receipt.
* 8 submissions of different applications: references 001–008, none twice (the sequence row is locked; the
  first use of a prefix is settled by its unique constraint).
* 8 starts for one organisation and lot: one draft (the organisation row is locked), 7 refusals.
* 8 first starts by different organisations: one frozen rules version for all.
"""

import threading

import pytest
from django.core import mail
from django.db import connection

from grants.models import Application, ApplicationStatus, CallRulesVersion, ReferenceSequence
from grants.services.submission import ApplicationError, start_application, submit_application
from portal.notifications.models import OutboxMessage
from tests.community.factories import OrganisationFactory, member_of
from tests.grants.factories import open_call
from tests.grants.test_submission import make_application

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 8


def _run_in_parallel(functions):
    """Run each callable in its own thread (own connection), all released at once; return (results, errors)."""
    barrier = threading.Barrier(len(functions))
    results, errors = [], []

    def target(func):
        try:
            barrier.wait(timeout=10)
            results.append(func())
        except ApplicationError as exc:  # an expected refusal
            errors.append(exc)
        except Exception as exc:  # anything else fails the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(func,)) for func in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors


def test_parallel_submissions_of_one_application_make_one_submission_and_one_receipt():
    application, user = make_application()

    results, errors = _run_in_parallel([lambda: submit_application(application.pk, user=user)] * WORKERS)

    assert not errors, errors
    assert len({result.reference for result in results}) == 1
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert ReferenceSequence.objects.get().last_number == 1
    assert OutboxMessage.objects.filter(template="application_submitted").count() == 1
    assert len([m for m in mail.outbox if application.reference in m.subject]) == 1


def test_parallel_submissions_of_different_applications_get_distinct_numbers():
    call = open_call()
    pairs = [make_application(lot, call=call) for lot in ["A", "B"] * (WORKERS // 2)]

    results, errors = _run_in_parallel(
        [lambda app=app, user=user: submit_application(app.pk, user=user) for app, user in pairs]
    )

    assert not errors, errors
    numbers = sorted(int(result.reference.rsplit("-", 1)[1]) for result in results)
    assert numbers == list(range(1, WORKERS + 1))
    assert ReferenceSequence.objects.get().last_number == WORKERS


def test_parallel_starts_for_one_organisation_and_lot_make_one_draft():
    call = open_call()
    call.freeze_rules()  # so that only the organisation's row lock, not the first start's call lock, serialises
    lot = call.lots.get(code="A")
    organisation = OrganisationFactory()
    users = [member_of(organisation) for _ in range(WORKERS)]

    results, errors = _run_in_parallel(
        [
            lambda user=user: start_application(user=user, call=call, lot=lot, organisation=organisation)
            for user in users
        ]
    )

    assert len(results) == 1
    assert len(errors) == WORKERS - 1 and all(isinstance(e, ApplicationError) for e in errors), errors
    assert Application.objects.filter(organisation=organisation, lot=lot).count() == 1


def test_parallel_first_starts_freeze_one_rules_version():
    call = open_call()
    lot = call.lots.get(code="B")
    organisations = [OrganisationFactory() for _ in range(WORKERS)]
    users = [member_of(organisation) for organisation in organisations]

    results, errors = _run_in_parallel(
        [
            lambda user=user, org=org: start_application(user=user, call=call, lot=lot, organisation=org)
            for user, org in zip(users, organisations, strict=True)
        ]
    )

    assert not errors, errors
    assert len(results) == WORKERS
    assert CallRulesVersion.objects.filter(call=call).count() == 1
    assert len({result.rules_version_id for result in results}) == 1
