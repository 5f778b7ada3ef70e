"""Factories for calls, lots, criteria, required documents, applications and budget lines.

``open_call()`` builds a complete published call (the demo rules of the programme: lots A local, B national,
C cross-border; a 100-point grid; the required documents) open from yesterday to ten days ahead, 16:00 Skopje.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from grants.models import Application, ApplicationPartner, BudgetLine, Call, EvaluationCriterion, Lot, RequiredDocument
from tests.community.factories import OrganisationFactory
from tests.portal.factories import CountryFactory

SKOPJE = ZoneInfo("Europe/Skopje")


def _deadline(days=10):
    local = (timezone.now() + datetime.timedelta(days=days)).astimezone(SKOPJE)
    return local.replace(hour=16, minute=0, second=0, microsecond=0)


class CallFactory(DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Call for proposals {n}")
    code = factory.Sequence(lambda n: f"call-{n}")
    country = factory.SubFactory(CountryFactory, code="MK")
    published = True
    total_envelope = Decimal("44000.00")
    min_grant = Decimal("4000.00")
    max_grant = Decimal("15000.00")
    expected_grants = 5
    max_duration_months = 10
    min_years_registered = 1
    max_annual_budget = None
    eligible_organisation_types = ["association", "foundation", "think_tank", "media", "network"]
    applications_per_lot = 1
    pass_mark = Decimal("65")
    accepted_languages = ["en", "mk"]
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(_deadline)
    timezone = "Europe/Skopje"

    class Meta:
        model = Call
        skip_postgeneration_save = True

    @factory.post_generation
    def eligible_countries(self, create, extracted, **kwargs):
        if not create:
            return
        codes = extracted if extracted is not None else [self.country.code if self.country else "MK"]
        self.eligible_countries.set([CountryFactory(code=code) for code in codes])


class LotFactory(DjangoModelFactory):
    call = factory.SubFactory(CallFactory)
    code = factory.Sequence(lambda n: f"L{n}")
    name = "Local initiatives"
    min_grant = Decimal("4000.00")
    max_grant = Decimal("8000.00")
    min_duration_months = 4
    max_duration_months = 6
    cross_border = False

    class Meta:
        model = Lot


class CriterionFactory(DjangoModelFactory):
    call = factory.SubFactory(CallFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = Decimal("20")
    max_score = 5

    class Meta:
        model = EvaluationCriterion


class RequiredDocumentFactory(DjangoModelFactory):
    call = factory.SubFactory(CallFactory)
    code = factory.Sequence(lambda n: f"doc-{n}")
    name = factory.Sequence(lambda n: f"Document {n}")
    required = True

    class Meta:
        model = RequiredDocument


GRID = [
    ("Relevance", "30", "15"),
    ("Methodology and feasibility", "25", None),
    ("Use of political-integrity data and the Integrity Watch platforms", "15", None),
    ("Capacity", "10", None),
    ("Sustainability and multiplier effect", "10", None),
    ("Budget and cost-effectiveness", "10", None),
]
DOCUMENTS = [
    ("registration-certificate", "Registration certificate", False),
    ("budget", "Budget in EUR", False),
    ("partnership-letter", "Partnership letter", True),
]


def open_call(**fields) -> Call:
    """A published, open call with lots A (local, 4–8k, 4–6 months), B (national, 8–12k, 6–9 months) and
    C (cross-border, up to 15k, 6–10 months, one partner from one other country), the 100-point grid (relevance
    eliminatory below 15, pass mark 65) and three documents (the partnership letter only for lot C)."""
    call = CallFactory(**fields)
    LotFactory(
        call=call,
        code="A",
        name="Local initiatives",
        min_grant="4000",
        max_grant="8000",
        min_duration_months=4,
        max_duration_months=6,
        max_annual_budget="50000",
    )
    LotFactory(
        call=call,
        code="B",
        name="National and thematic initiatives",
        min_grant="8000",
        max_grant="12000",
        min_duration_months=6,
        max_duration_months=9,
        min_co_financing_percent="5",
    )
    LotFactory(
        call=call,
        code="C",
        name="Cross-border initiatives",
        min_grant="4000",
        max_grant="15000",
        min_duration_months=6,
        max_duration_months=10,
        cross_border=True,
        min_partners=1,
        min_partner_countries=1,
        min_co_financing_percent="5",
    )
    for order, (name, weight, threshold) in enumerate(GRID):
        CriterionFactory(
            call=call,
            name=name,
            weight=Decimal(weight),
            sort_order=order,
            eliminatory_threshold=Decimal(threshold) if threshold else None,
        )
    for order, (code, name, cross_border_only) in enumerate(DOCUMENTS):
        RequiredDocumentFactory(call=call, code=code, name=name, cross_border_only=cross_border_only, sort_order=order)
    return call


class ApplicationFactory(DjangoModelFactory):
    """A draft application to lot A of an open call, by a new organisation; ``rules_version`` from the call."""

    call = factory.LazyFunction(open_call)
    lot = factory.LazyAttribute(lambda o: o.call.lots.get(code="A"))
    rules_version = factory.LazyAttribute(lambda o: o.call.current_rules())
    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Following the money in municipality {n}")
    summary = "A local project that uses asset declarations and procurement data."
    problem = "Municipal procurement is hard to follow."
    objectives = "Publish a scorecard for two municipalities."
    activities = "Data collection, scorecard, public debate."
    expected_results = "Two municipalities publish their contracts."
    data_use = "Uses integritywatch.mk procurement and asset data."
    language = "en"
    duration_months = 6
    requested_amount_eur = Decimal("6000.00")

    class Meta:
        model = Application


class BudgetLineFactory(DjangoModelFactory):
    application = factory.SubFactory(ApplicationFactory)
    category = "staff"
    description = "Project coordinator"
    unit = "month"
    quantity = Decimal("6")
    unit_cost_eur = Decimal("1000.00")

    class Meta:
        model = BudgetLine


class ApplicationPartnerFactory(DjangoModelFactory):
    application = factory.SubFactory(ApplicationFactory)
    organisation = factory.SubFactory(OrganisationFactory, country=factory.SubFactory(CountryFactory, code="RS"))
    role = "Co-organises the public debate in Serbia."

    class Meta:
        model = ApplicationPartner
