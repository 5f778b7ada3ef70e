"""Factories for consultations, ballots, decisions and bilateral exchanges (issue 6 items 5 and 6)."""

from datetime import date, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from community.models import (
    Ballot,
    BallotChoice,
    BilateralExchange,
    CommunityDecision,
    Consultation,
    ConsultationOption,
    ExchangeParticipant,
)
from tests.community.community_factories import DAGFactory, dag
from tests.portal.factories import UserFactory


class ConsultationFactory(DjangoModelFactory):
    """An open single-vote consultation (opened an hour ago, closing in a week) with no options; use
    :func:`consultation_with_options` for one with options."""

    community = factory.SubFactory(DAGFactory)
    question = factory.Sequence(lambda n: f"Which datasets should the platform publish first? ({n})")
    description = "The national Integrity Watch platform can publish two more datasets this year."
    method = Consultation.Method.SINGLE
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))

    class Meta:
        model = Consultation


class OptionFactory(DjangoModelFactory):
    consultation = factory.SubFactory(ConsultationFactory)
    label = factory.Sequence(lambda n: f"Dataset {n}")
    sort_order = factory.Sequence(lambda n: n)

    class Meta:
        model = ConsultationOption


DATASETS = ["Asset declarations", "Public procurement", "Political party finance", "Lobbying register"]


def consultation_with_options(community=None, labels=DATASETS, **fields) -> Consultation:
    """A consultation of ``community`` (North Macedonia's DAG by default) with one option per label."""
    consultation = ConsultationFactory(community=community or dag("MK"), **fields)
    for index, label in enumerate(labels):
        OptionFactory(consultation=consultation, label=label, sort_order=index)
    return consultation


def closed_consultation(community=None, **fields) -> Consultation:
    """A consultation that opened two weeks ago and closed yesterday."""
    now = timezone.now()
    fields.setdefault("opens_at", now - timedelta(days=14))
    fields.setdefault("closes_at", now - timedelta(days=1))
    return consultation_with_options(community, **fields)


def cast(consultation, voter, *labels) -> Ballot:
    """Write a ballot directly (no service, no time check): ``voter`` chose the options ``labels`` in rank order."""
    ballot = Ballot.objects.create(consultation=consultation, voter=voter)
    options = {o.label: o for o in consultation.options.all()}
    for rank, label in enumerate(labels, 1):
        BallotChoice.objects.create(ballot=ballot, option=options[label], rank=rank)
    return ballot


class DecisionFactory(DjangoModelFactory):
    community = factory.SubFactory(DAGFactory)
    decision = factory.Sequence(lambda n: f"The DAG agreed to publish dataset {n}.")
    decided_on = factory.LazyFunction(lambda: timezone.now().date() - timedelta(days=1))
    meeting = "DAG meeting, Skopje"

    class Meta:
        model = CommunityDecision


class ExchangeFactory(DjangoModelFactory):
    """Serbia's DAG visiting North Macedonia's, 12–13 March 2026."""

    host = factory.LazyFunction(lambda: dag("MK"))
    visiting = factory.LazyFunction(lambda: dag("RS"))
    title = factory.Sequence(lambda n: f"Study visit on asset declarations {n}")
    city = "Skopje"
    starts_on = date(2026, 3, 12)
    ends_on = date(2026, 3, 13)
    purpose = "Learn how the host DAG monitors asset declarations."
    agenda = "<p>Day 1: meeting the anti-corruption commission.</p>"
    created_by = factory.SubFactory(UserFactory)

    class Meta:
        model = BilateralExchange


class ParticipantFactory(DjangoModelFactory):
    exchange = factory.SubFactory(ExchangeFactory)
    user = factory.SubFactory(UserFactory)
    community = factory.LazyAttribute(lambda o: o.exchange.host)
    role = "Speaker"

    class Meta:
        model = ExchangeParticipant
