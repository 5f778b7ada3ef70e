"""Eligibility of a lead applicant against a frozen rules snapshot: each rule met and not met, with its reason."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from grants.eligibility import check_eligibility, format_eur, full_years_registered, is_eligible
from tests.community.factories import OrganisationFactory
from tests.grants.factories import open_call
from tests.portal.factories import CountryFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NOW = datetime.datetime(2025, 6, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def call():
    # Opens 1 June 2025 at 09:00 in Skopje (07:00 UTC); lot A limits the annual budget to EUR 50,000.
    return open_call(
        opens_at=datetime.datetime(2025, 6, 1, 7, 0, tzinfo=UTC),
        closes_at=datetime.datetime(2025, 7, 16, 14, 0, tzinfo=UTC),
    )


def _results(organisation, call, lot_code="A"):
    version = call.current_rules()
    lot = call.lots.get(code=lot_code)
    return {result.code: result for result in check_eligibility(organisation, version.rules, lot.pk, on=NOW)}


def test_an_eligible_organisation_meets_every_rule(call):
    organisation = OrganisationFactory(year_registered=2015, annual_budget_eur=Decimal("40000"))
    results = check_eligibility(organisation, call.current_rules().rules, call.lots.get(code="A").pk, on=NOW)

    assert [r.code for r in results] == ["country", "years_registered", "annual_budget", "organisation_type"]
    assert all(r.met for r in results) and is_eligible(results)
    assert all(r.label and r.reason for r in results)


def test_country_not_eligible(call):
    organisation = OrganisationFactory(country=CountryFactory(code="RS"), annual_budget_eur=Decimal("1000"))
    result = _results(organisation, call)["country"]

    assert not result.met
    assert result.reason == "Registered in Serbia; the call is open to organisations registered in: North Macedonia."


def test_no_eligible_countries_means_any_country(call):
    call.eligible_countries.clear()
    organisation = OrganisationFactory(country=CountryFactory(code="TR"), annual_budget_eur=Decimal("1000"))

    assert _results(organisation, call)["country"].met


def test_registered_too_recently_gives_the_concrete_reason(call):
    organisation = OrganisationFactory(year_registered=2024, annual_budget_eur=Decimal("1000"))
    result = _results(organisation, call)["years_registered"]

    assert not result.met
    assert result.reason == "Registered in 2024; the call requires at least 1 year of registration before 1 June 2025."


def test_registered_long_enough(call):
    organisation = OrganisationFactory(year_registered=2023, annual_budget_eur=Decimal("1000"))

    assert _results(organisation, call)["years_registered"].met


def test_unknown_year_of_registration_is_not_met(call):
    organisation = OrganisationFactory(year_registered=None, annual_budget_eur=Decimal("1000"))
    result = _results(organisation, call)["years_registered"]

    assert not result.met
    assert "year of registration is not given" in result.reason


def test_registered_after_the_opening_never_counts(call):
    call.min_years_registered = 0
    call.save()
    organisation = OrganisationFactory(year_registered=2026, annual_budget_eur=Decimal("1000"))

    assert not _results(organisation, call)["years_registered"].met


def test_years_are_counted_to_the_opening_date_in_the_calls_zone():
    # 30 December 23:30 UTC is already 31 December in Skopje: an organisation registered in 2024 has one full year.
    call = open_call(
        opens_at=datetime.datetime(2025, 12, 30, 23, 30, tzinfo=UTC),
        closes_at=datetime.datetime(2026, 2, 1, 15, 0, tzinfo=UTC),
    )
    organisation = OrganisationFactory(year_registered=2024, annual_budget_eur=Decimal("1000"))

    result = _results(organisation, call)["years_registered"]
    assert result.met
    assert "before 31 December 2025" in result.reason
    assert full_years_registered(2024, datetime.date(2025, 12, 30)) == 0


def test_annual_budget_over_the_lot_limit(call):
    organisation = OrganisationFactory(annual_budget_eur=Decimal("50000.01"))
    result = _results(organisation, call)["annual_budget"]

    assert not result.met
    assert result.reason == ("Annual budget EUR 50,000.01; the lot accepts organisations with at most EUR 50,000.00.")


def test_annual_budget_at_the_lot_limit_is_met(call):
    organisation = OrganisationFactory(annual_budget_eur=Decimal("50000.00"))

    assert _results(organisation, call)["annual_budget"].met


def test_unknown_annual_budget_is_not_met_when_there_is_a_limit(call):
    organisation = OrganisationFactory(annual_budget_eur=None)
    result = _results(organisation, call)["annual_budget"]

    assert not result.met
    assert "annual budget is not given" in result.reason


def test_the_calls_budget_limit_applies_when_the_lot_has_none(call):
    call.max_annual_budget = Decimal("100000")
    call.save()
    rich = OrganisationFactory(annual_budget_eur=Decimal("150000"))
    modest = OrganisationFactory(annual_budget_eur=Decimal("90000"))

    assert not _results(rich, call, "B")["annual_budget"].met
    assert _results(modest, call, "B")["annual_budget"].met
    # Lot A's own limit (EUR 50,000) overrides the call's.
    assert not _results(modest, call, "A")["annual_budget"].met


def test_no_budget_limit_at_all_is_met_even_when_unknown(call):
    organisation = OrganisationFactory(annual_budget_eur=None)

    assert _results(organisation, call, "B")["annual_budget"].met


def test_organisation_type_not_eligible(call):
    organisation = OrganisationFactory(organisation_type="party", annual_budget_eur=Decimal("1000"))
    result = _results(organisation, call)["organisation_type"]

    assert not result.met
    assert result.reason.startswith("Political party; the call is open to: Association")


def test_empty_type_list_means_any_type(call):
    call.eligible_organisation_types = []
    call.save()
    organisation = OrganisationFactory(organisation_type="business", annual_budget_eur=Decimal("1000"))

    assert _results(organisation, call)["organisation_type"].met


def test_reasons_follow_the_active_language(call):
    organisation = OrganisationFactory(year_registered=2024, annual_budget_eur=Decimal("1000"))
    with translation.override("mk"):
        result = _results(organisation, call)["years_registered"]

    # Month names come from Django's own catalogue even before the project's strings are translated.
    assert "1 јуни 2025" in result.reason.casefold()


def test_check_is_pure(call):
    organisation = OrganisationFactory(annual_budget_eur=None, year_registered=None)
    rules = call.current_rules().rules
    lot_id = call.lots.get(code="A").pk

    with CaptureQueriesContext(connection) as queries:
        check_eligibility(organisation, rules, lot_id, on=NOW)

    assert not [q for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def test_format_eur():
    assert format_eur(Decimal("4000")) == "EUR 4,000.00"
    assert format_eur(None) == ""
