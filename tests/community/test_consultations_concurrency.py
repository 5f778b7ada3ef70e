"""Races on votes (PostgreSQL): one member voting twice at the same moment gets one ballot.

Without protection, two requests of the same member (a double click, two tabs) would both find no ballot and both
insert one. ``community.services.consultations.vote`` locks the consultation row (``select_for_update``) before it
checks, so the second request waits for the first to commit, then finds its ballot and is refused with the friendly
"already voted" message; the ``community_ballot_one_per_voter`` unique constraint is the backstop (an
``IntegrityError`` inside a savepoint becomes the same message). Votes of different members are not lost.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from community.models import Ballot, BallotChoice
from community.services import consultations as services
from tests.community.community_factories import community_member
from tests.community.consultation_factories import consultation_with_options

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_in_parallel(funcs):
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


def test_two_parallel_votes_of_one_member_make_one_ballot():
    consultation = consultation_with_options()
    member = community_member(consultation.community)
    first, second = consultation.options.all()[:2]

    results = _run_in_parallel(
        [
            lambda: services.vote(consultation, member, [first]).pk,
            lambda: services.vote(consultation, member, [second]).pk,
        ]
    )

    assert sorted(results, key=str).count("voted") == 1
    assert Ballot.objects.filter(voter=member).count() == 1
    assert BallotChoice.objects.filter(ballot__voter=member).count() == 1


def test_many_parallel_votes_of_one_member_make_one_ballot():
    consultation = consultation_with_options()
    member = community_member(consultation.community)
    option = consultation.options.first()

    results = _run_in_parallel([lambda: services.vote(consultation, member, [option]).pk] * 6)

    assert results.count("voted") == 5
    assert Ballot.objects.filter(voter=member).count() == 1


def test_parallel_votes_of_different_members_all_count():
    consultation = consultation_with_options()
    members = [community_member(consultation.community) for _ in range(5)]
    option = consultation.options.first()

    results = _run_in_parallel([lambda m=m: services.vote(consultation, m, [option]).pk for m in members])

    assert "voted" not in results
    assert Ballot.objects.filter(consultation=consultation).count() == 5
