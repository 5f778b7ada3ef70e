"""Consultation services: opening one, voting (the issue's bad inputs), commenting, counting, the decision log."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone

from community.models import Ballot, BallotChoice, CommunityDecision, Consultation, MemberRole, Membership
from community.services import consultations as services
from tests.community.community_factories import RCPFactory, community_member, dag
from tests.community.consultation_factories import (
    DecisionFactory,
    cast,
    closed_consultation,
    consultation_with_options,
)
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

OPTIONS = [("Asset declarations", "Of the members of parliament"), ("Public procurement", "")]


def refused(code, func, *args, **kwargs):
    with pytest.raises(ValidationError) as exc:
        func(*args, **kwargs)
    assert exc.value.code == code, exc.value
    return exc.value


# --- open_consultation ---------------------------------------------------------------------------------------------


def _open(community, by, **overrides):
    arguments = {
        "question": "Which datasets first?",
        "description": "Two more datasets this year.",
        "method": Consultation.Method.SINGLE,
        "opens_at": None,
        "closes_at": timezone.now() + timedelta(days=7),
        "options": OPTIONS,
    }
    arguments.update(overrides)
    return services.open_consultation(community, by=by, **arguments)


def test_coordinator_opens_a_consultation_with_options_in_order():
    mk = dag("MK")
    coordinator = community_member(mk, role=MemberRole.COORDINATOR)
    consultation = _open(mk, coordinator)
    assert consultation.created_by == coordinator
    assert [(o.label, o.description) for o in consultation.options.all()] == OPTIONS
    assert consultation.is_open()


@pytest.mark.parametrize("role", [MemberRole.MEMBER, MemberRole.OBSERVER])
def test_members_and_observers_do_not_open_consultations(role):
    mk = dag("MK")
    with pytest.raises(PermissionDenied):
        _open(mk, community_member(mk, role=role))
    assert not Consultation.objects.exists()


def test_coordinator_of_another_dag_does_not_open_one_here():
    mk, rs = dag("MK"), dag("RS")
    with pytest.raises(PermissionDenied):
        _open(mk, community_member(rs, role=MemberRole.COORDINATOR))


def test_staff_without_membership_do_not_open_consultations():
    with pytest.raises(PermissionDenied):
        _open(dag("MK"), UserFactory(is_staff=True, is_superuser=True))


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ([("Only one", "")], "too_few_options"),
        ([("Same", ""), ("same ", "")], "duplicate_option"),
        ([("A", ""), ("", "a description without a name")], "option_label"),
        ([(f"Option {n}", "") for n in range(services.MAX_OPTIONS + 1)], "too_many_options"),
    ],
)
def test_options_are_checked(options, code):
    mk = dag("MK")
    refused(code, _open, mk, community_member(mk, role=MemberRole.COORDINATOR), options=options)


def test_empty_option_rows_are_ignored():
    mk = dag("MK")
    consultation = _open(mk, community_member(mk, role=MemberRole.COORDINATOR), options=[*OPTIONS, ("", "")])
    assert consultation.options.count() == 2


def test_closing_must_be_after_opening_and_in_the_future():
    mk = dag("MK")
    coordinator = community_member(mk, role=MemberRole.COORDINATOR)
    now = timezone.now()
    refused("closes_in_past", _open, mk, coordinator, closes_at=now - timedelta(minutes=1))
    refused(
        "closes_before_opening", _open, mk, coordinator, opens_at=now + timedelta(days=2), closes_at=now + timedelta(1)
    )
    refused("question", _open, mk, coordinator, question="   ")
    refused("method", _open, mk, coordinator, method="approval")


@time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=UTC), tick=False)
def test_naive_times_are_wall_clock_in_the_community_zone_and_stored_in_utc():
    """17:00 typed for a Skopje DAG is 16:00 UTC in winter (CET) and 15:00 UTC in summer (CEST)."""
    mk = dag("MK")
    coordinator = community_member(mk, role=MemberRole.COORDINATOR)
    winter = _open(mk, coordinator, closes_at=datetime(2026, 3, 12, 17, 0))
    summer = _open(mk, coordinator, closes_at=datetime(2026, 4, 2, 17, 0))
    winter.refresh_from_db()
    summer.refresh_from_db()
    assert winter.closes_at == datetime(2026, 3, 12, 16, 0, tzinfo=UTC)
    assert summer.closes_at == datetime(2026, 4, 2, 15, 0, tzinfo=UTC)


@time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=UTC), tick=False)
def test_istanbul_has_no_daylight_saving():
    tr = dag("TR", timezone="Europe/Istanbul")
    consultation = _open(tr, community_member(tr, role=MemberRole.COORDINATOR), closes_at=datetime(2026, 4, 2, 17, 0))
    assert consultation.closes_at == datetime(2026, 4, 2, 14, 0, tzinfo=UTC)


@time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=UTC), tick=False)
def test_a_time_skipped_by_the_change_of_clocks_is_refused():
    """Clocks go from 02:00 to 03:00 on 29 March 2026 in Europe/Skopje: 02:30 does not exist."""
    mk = dag("MK")
    refused(
        "bad_local_time",
        _open,
        mk,
        community_member(mk, role=MemberRole.COORDINATOR),
        closes_at=datetime(2026, 3, 29, 2, 30),
    )


# --- vote ----------------------------------------------------------------------------------------------------------


def _option(consultation, label):
    return consultation.options.get(label=label)


def test_member_votes_once():
    consultation = consultation_with_options()
    member = community_member(consultation.community)
    ballot = services.vote(consultation, member, [_option(consultation, "Public procurement")])
    assert [c.option.label for c in ballot.choices.all()] == ["Public procurement"]


def test_coordinator_votes_too():
    consultation = consultation_with_options()
    coordinator = community_member(consultation.community, role=MemberRole.COORDINATOR)
    services.vote(consultation, coordinator, [_option(consultation, "Lobbying register").pk])
    assert Ballot.objects.filter(voter=coordinator).count() == 1


def test_second_vote_is_refused_and_the_first_stays():
    consultation = consultation_with_options()
    member = community_member(consultation.community)
    services.vote(consultation, member, [_option(consultation, "Asset declarations")])
    error = refused("voted", services.vote, consultation, member, [_option(consultation, "Public procurement")])
    assert "already voted" in str(error.messages[0])
    assert BallotChoice.objects.filter(ballot__voter=member).get().option.label == "Asset declarations"


def test_database_allows_one_ballot_per_voter():
    consultation = consultation_with_options()
    member = community_member(consultation.community)
    Ballot.objects.create(consultation=consultation, voter=member)
    with pytest.raises(IntegrityError):
        Ballot.objects.create(consultation=consultation, voter=member)


def test_vote_after_closing_is_refused_by_the_server_clock():
    consultation = consultation_with_options()
    member = community_member(consultation.community)
    with time_machine.travel(consultation.closes_at, tick=False):
        refused("closed", services.vote, consultation, member, [_option(consultation, "Asset declarations")])
    with time_machine.travel(consultation.closes_at - timedelta(seconds=1), tick=False):
        services.vote(consultation, member, [_option(consultation, "Asset declarations")])


def test_vote_before_opening_is_refused():
    now = timezone.now()
    consultation = consultation_with_options(opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=8))
    member = community_member(consultation.community)
    refused("not_open_yet", services.vote, consultation, member, [_option(consultation, "Asset declarations")])


def test_non_member_vote_is_refused():
    consultation = consultation_with_options()
    other_dag_member = community_member(dag("RS"))
    for user in (UserFactory(), UserFactory(is_staff=True, is_superuser=True), other_dag_member):
        with pytest.raises(PermissionDenied):
            services.vote(consultation, user, [_option(consultation, "Asset declarations")])
    assert not Ballot.objects.exists()


def test_removed_member_vote_is_refused():
    consultation = consultation_with_options()
    member = community_member(consultation.community)
    Membership.objects.filter(user=member).update(ended_on=timezone.now().date(), end_reason="removed")
    member = type(member).objects.get(pk=member.pk)
    with pytest.raises(PermissionDenied):
        services.vote(consultation, member, [_option(consultation, "Asset declarations")])


def test_observer_vote_is_refused():
    consultation = consultation_with_options()
    observer = community_member(consultation.community, role=MemberRole.OBSERVER)
    refused("observer", services.vote, consultation, observer, [_option(consultation, "Asset declarations")])
    assert not Ballot.objects.exists()


def test_single_vote_takes_exactly_one_option():
    consultation = consultation_with_options()
    member = community_member(consultation.community)
    both = [_option(consultation, "Asset declarations"), _option(consultation, "Public procurement")]
    refused("one_choice", services.vote, consultation, member, both)
    refused("empty", services.vote, consultation, member, [])
    assert not Ballot.objects.exists()


def test_ranked_ballot_keeps_the_order():
    consultation = consultation_with_options(method=Consultation.Method.RANKED)
    member = community_member(consultation.community)
    order = ["Lobbying register", "Asset declarations", "Public procurement"]
    ballot = services.vote(consultation, member, [_option(consultation, label) for label in order])
    assert [(c.rank, c.option.label) for c in ballot.choices.select_related("option")] == list(enumerate(order, 1))


def test_ranked_ballot_with_a_duplicate_option_is_refused():
    consultation = consultation_with_options(method=Consultation.Method.RANKED)
    member = community_member(consultation.community)
    twice = [_option(consultation, "Asset declarations")] * 2
    refused("duplicate_option", services.vote, consultation, member, twice)
    assert not Ballot.objects.exists()


def test_ranked_ballot_with_a_foreign_option_is_refused():
    consultation = consultation_with_options(method=Consultation.Method.RANKED)
    other = consultation_with_options(consultation.community)
    member = community_member(consultation.community)
    mixed = [_option(consultation, "Asset declarations"), _option(other, "Public procurement")]
    refused("foreign_option", services.vote, consultation, member, mixed)
    refused("foreign_option", services.vote, consultation, member, ["not a number"])
    refused("empty", services.vote, consultation, member, [])
    assert not Ballot.objects.exists()


def test_single_vote_with_a_foreign_option_is_refused():
    consultation = consultation_with_options()
    other = consultation_with_options(dag("RS"))
    member = community_member(consultation.community)
    refused("foreign_option", services.vote, consultation, member, [_option(other, "Asset declarations")])


def test_dag_member_votes_in_an_rcp_consultation():
    rcp = RCPFactory()
    consultation = consultation_with_options(rcp)
    services.vote(consultation, community_member(dag("BA")), [_option(consultation, "Asset declarations")])
    assert consultation.ballots.count() == 1


# --- comment -------------------------------------------------------------------------------------------------------


def test_members_and_observers_comment_until_closing():
    consultation = consultation_with_options()
    observer = community_member(consultation.community, role=MemberRole.OBSERVER)
    comment = services.comment(consultation, observer, "  We need <b>procurement</b> data first.\r\n ")
    assert comment.body == "We need <b>procurement</b> data first."  # plain text, escaped when shown
    with time_machine.travel(consultation.closes_at, tick=False):
        refused("closed", services.comment, consultation, observer, "Too late")


def test_comment_checks():
    consultation = consultation_with_options()
    member = community_member(consultation.community)
    refused("empty", services.comment, consultation, member, " \x00 ")
    refused("too_long", services.comment, consultation, member, "x" * (services.COMMENT_MAX_LENGTH + 1))
    with pytest.raises(PermissionDenied):
        services.comment(consultation, community_member(dag("RS")), "Hello")


# --- results -------------------------------------------------------------------------------------------------------


def member_since_last_month(community, role=MemberRole.MEMBER, **fields):
    """A member who joined a month ago (eligibility is judged on the closing day, yesterday in these tests)."""
    return community_member(community, role=role, started_on=timezone.now().date() - timedelta(days=30), **fields)


def test_results_are_not_counted_before_closing():
    consultation = consultation_with_options()
    refused("not_closed", services.results, consultation)


def test_single_vote_results_and_turnout():
    consultation = closed_consultation()
    community = consultation.community
    voters = [member_since_last_month(community) for _ in range(3)]
    member_since_last_month(community)  # eligible, did not vote
    member_since_last_month(community, role=MemberRole.OBSERVER)  # not eligible
    cast(consultation, voters[0], "Public procurement")
    cast(consultation, voters[1], "Public procurement")
    cast(consultation, voters[2], "Asset declarations")

    result = services.results(consultation)

    counts = {row.option.label: row.votes for row in result.rows}
    assert counts == {
        "Asset declarations": 1,
        "Public procurement": 2,
        "Political party finance": 0,
        "Lobbying register": 0,
    }
    assert [o.label for o in result.winners] == ["Public procurement"]
    assert result.ballots == 3 and result.eligible == 4
    assert result.turnout == Decimal("75.0")
    shares = {row.option.label: row.share for row in result.rows}
    assert shares["Public procurement"] == Decimal("66.7")
    assert next(r for r in result.rows if r.option.label == "Public procurement").bar == "█" * 13
    assert next(r for r in result.rows if r.option.label == "Lobbying register").bar == ""


def test_ranked_results_use_borda_points_and_count_first_preferences():
    """Four options: rank 1 earns 4 points, rank 2 earns 3, rank 3 earns 2, rank 4 earns 1."""
    consultation = closed_consultation(method=Consultation.Method.RANKED)
    community = consultation.community
    a, b, c = (member_since_last_month(community) for _ in range(3))
    cast(consultation, a, "Asset declarations", "Public procurement", "Lobbying register")
    cast(consultation, b, "Public procurement", "Asset declarations")
    cast(consultation, c, "Public procurement")

    rows = {row.option.label: row for row in services.results(consultation).rows}

    assert rows["Asset declarations"].points == 4 + 3
    assert rows["Public procurement"].points == 3 + 4 + 4
    assert rows["Lobbying register"].points == 2
    assert rows["Political party finance"].points == 0
    assert rows["Public procurement"].first_preferences == 2
    assert rows["Asset declarations"].first_preferences == 1
    assert rows["Asset declarations"].votes == 2
    assert [label for label, r in rows.items() if r.winner] == ["Public procurement"]
    assert list(rows)[0] == "Public procurement"  # listed from the most points down


def test_a_tie_has_several_winners_and_no_ballot_none():
    consultation = closed_consultation()
    assert services.results(consultation).winners == []
    assert services.results(consultation).turnout is None
    community = consultation.community
    cast(consultation, member_since_last_month(community), "Asset declarations")
    cast(consultation, member_since_last_month(community), "Lobbying register")
    assert {o.label for o in services.results(consultation).winners} == {"Asset declarations", "Lobbying register"}


def test_turnout_counts_a_voter_who_left_since():
    consultation = closed_consultation()
    voter = member_since_last_month(consultation.community)
    cast(consultation, voter, "Asset declarations")
    Membership.objects.filter(user=voter).update(started_on=date(2020, 1, 1), ended_on=date(2020, 6, 1))
    result = services.results(consultation)
    assert (result.ballots, result.eligible, result.turnout) == (1, 1, Decimal("100.0"))


def test_rcp_eligible_voters_include_dag_members_but_not_rcp_observers():
    rcp = RCPFactory()
    ba, mk = dag("BA"), dag("MK")
    coordinator = member_since_last_month(rcp, role=MemberRole.COORDINATOR)
    dag_members = [member_since_last_month(ba), member_since_last_month(mk, role=MemberRole.OBSERVER)]
    rcp_observer = member_since_last_month(ba)
    member_since_last_month(rcp, role=MemberRole.OBSERVER, user=rcp_observer)
    eligible = services.eligible_voter_ids(rcp, timezone.now().date())
    assert eligible == {coordinator.pk, *(u.pk for u in dag_members)}


# --- record_decision -----------------------------------------------------------------------------------------------


def test_coordinator_records_the_outcome_of_a_closed_consultation():
    consultation = closed_consultation()
    coordinator = community_member(consultation.community, role=MemberRole.COORDINATOR)
    entry = services.record_decision(
        consultation.community,
        "Publish public procurement first.",
        timezone.now().date(),
        consultation=consultation,
        by=coordinator,
    )
    assert entry.consultation == consultation and entry.recorded_by == coordinator


def test_decision_from_a_meeting_without_consultation():
    mk = dag("MK")
    entry = services.record_decision(
        mk,
        "Meet quarterly.",
        timezone.now().date() - timedelta(days=3),
        meeting="DAG meeting, Skopje, 12 March 2026",
        by=community_member(mk, role=MemberRole.COORDINATOR),
    )
    assert entry.meeting.startswith("DAG meeting")


def test_members_do_not_record_decisions():
    mk = dag("MK")
    for user in (community_member(mk), community_member(mk, role=MemberRole.OBSERVER), UserFactory(is_staff=True)):
        with pytest.raises(PermissionDenied):
            services.record_decision(mk, "x", timezone.now().date(), meeting="m", by=user)
    assert not CommunityDecision.objects.exists()


def test_decision_rules():
    consultation = closed_consultation()
    mk = consultation.community
    coordinator = community_member(mk, role=MemberRole.COORDINATOR)
    today = timezone.now().date()
    open_one = consultation_with_options(mk)
    foreign = closed_consultation(dag("RS"))
    refused("foreign_consultation", services.record_decision, mk, "x", today, consultation=foreign, by=coordinator)
    refused("not_closed", services.record_decision, mk, "x", today, consultation=open_one, by=coordinator)
    refused("empty", services.record_decision, mk, "  ", today, consultation=consultation, by=coordinator)
    refused("no_source", services.record_decision, mk, "x", today, by=coordinator)
    tomorrow_and_more = today + timedelta(days=2)
    refused("future", services.record_decision, mk, "x", tomorrow_and_more, consultation=consultation, by=coordinator)
    refused(
        "before_closing",
        services.record_decision,
        mk,
        "x",
        today - timedelta(days=10),
        consultation=consultation,
        by=coordinator,
    )
    assert not CommunityDecision.objects.exists()
    DecisionFactory(community=mk)  # the factory itself makes a valid row (used by the list tests)
