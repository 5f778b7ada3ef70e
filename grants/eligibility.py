"""Eligibility of a lead applicant for a call, evaluated from the organisation's data against frozen rules.

:func:`check_eligibility` is pure (it reads, never writes): the submission service turns every unmet rule into a
problem, the application screens show the results before submission, and the screening of part 2 (issue 4)
reuses it. The rules are a :class:`grants.models.CallRulesVersion` snapshot (``version.rules``, shape in
:meth:`grants.models.Call.rules_snapshot`), never the live call, so an application is judged by the rules
published when it was made.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community.models import OrganisationType
from grants.formatting import format_eur
from portal.countries import display_name


@dataclass(frozen=True)
class RuleResult:
    """The outcome of one eligibility rule.

    ``code``: ``"country"``, ``"years_registered"``, ``"annual_budget"`` or ``"organisation_type"``;
    ``label``: the rule's name (translated); ``met``: whether the organisation satisfies it; ``reason``: a concrete
    sentence in the active language saying why (for unmet rules, what is missing or wrong).
    """

    code: str
    label: str
    met: bool
    reason: str


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _parse_utc(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


def reference_date(rules: dict, on: datetime.datetime) -> datetime.date:
    """The date years of registration are counted to: the call's opening date in the call's time zone.

    Falls back to ``on`` (aware datetime) in that zone when the snapshot carries no opening.
    """
    zone = ZoneInfo(rules.get("timezone") or "UTC")
    opens_at = _parse_utc(rules.get("opens_at")) or on
    return opens_at.astimezone(zone).date()


def full_years_registered(year_registered: int, on_date: datetime.date) -> int:
    """Whole years an organisation registered in ``year_registered`` has certainly been registered on ``on_date``.

    Only the calendar year is known, so registration is counted from its last possible day (31 December): an
    organisation registered in 2024 has 0 full years on 1 June 2025 and 1 on 31 December 2025. The registration
    certificate (a required document) gives the exact date when staff screen the application.
    """
    if year_registered > on_date.year:
        return -1  # registered after the date: never enough, not even for a minimum of 0
    last_day = (on_date.month, on_date.day) == (12, 31)
    return max(on_date.year - year_registered - (0 if last_day else 1), 0)


def _country_rule(organisation, rules: dict) -> RuleResult:
    label = _("Country")
    eligible = list(rules.get("eligible_countries") or [])
    country = organisation.country
    name = str(display_name(country.code, country.name))
    if not eligible:
        return RuleResult("country", label, True, _("The call is open to organisations from any country."))
    names = ", ".join(str(display_name(code, code)) for code in eligible)
    if country.code in eligible:
        return RuleResult(
            "country", label, True, _("Registered in %(country)s, an eligible country.") % {"country": name}
        )
    return RuleResult(
        "country",
        label,
        False,
        _("Registered in %(country)s; the call is open to organisations registered in: %(countries)s.")
        % {"country": name, "countries": names},
    )


def _years_rule(organisation, rules: dict, on: datetime.datetime) -> RuleResult:
    label = _("Years registered")
    minimum = int(rules.get("min_years_registered") or 0)
    day = date_format(reference_date(rules, on), "j F Y")
    requirement = ngettext(
        "the call requires at least %(years)d year of registration before %(date)s.",
        "the call requires at least %(years)d years of registration before %(date)s.",
        minimum,
    ) % {"years": minimum, "date": day}
    year = organisation.year_registered
    if year is None:
        if minimum == 0:
            return RuleResult("years_registered", label, True, _("The call sets no minimum period of registration."))
        return RuleResult(
            "years_registered",
            label,
            False,
            _("The organisation's year of registration is not given; %(requirement)s") % {"requirement": requirement},
        )
    years = full_years_registered(year, reference_date(rules, on))
    return RuleResult(
        "years_registered",
        label,
        years >= minimum,
        _("Registered in %(year)s; %(requirement)s") % {"year": year, "requirement": requirement},
    )


def _budget_rule(organisation, rules: dict, lot: dict | None) -> RuleResult:
    label = _("Annual budget")
    limit = _decimal((lot or {}).get("max_annual_budget")) if lot else None
    if limit is None:
        limit = _decimal(rules.get("max_annual_budget"))
    budget = organisation.annual_budget_eur
    if limit is None:
        return RuleResult("annual_budget", label, True, _("The call sets no limit on the annual budget."))
    if budget is None:
        return RuleResult(
            "annual_budget",
            label,
            False,
            _("The organisation's annual budget is not given; the lot accepts organisations with at most %(limit)s.")
            % {"limit": format_eur(limit)},
        )
    values = {"budget": format_eur(budget), "limit": format_eur(limit)}
    if Decimal(budget) <= limit:
        return RuleResult(
            "annual_budget", label, True, _("Annual budget %(budget)s, within the limit of %(limit)s.") % values
        )
    return RuleResult(
        "annual_budget",
        label,
        False,
        _("Annual budget %(budget)s; the lot accepts organisations with at most %(limit)s.") % values,
    )


def _type_rule(organisation, rules: dict) -> RuleResult:
    label = _("Organisation type")
    eligible = list(rules.get("eligible_organisation_types") or [])
    labels = dict(OrganisationType.choices)
    own = str(labels.get(organisation.organisation_type, organisation.organisation_type))
    if not eligible:
        return RuleResult("organisation_type", label, True, _("The call is open to every type of organisation."))
    if organisation.organisation_type in eligible:
        return RuleResult("organisation_type", label, True, _("%(type)s: an eligible type.") % {"type": own})
    names = "; ".join(str(labels.get(code, code)) for code in eligible)
    return RuleResult(
        "organisation_type",
        label,
        False,
        _("%(type)s; the call is open to: %(types)s.") % {"type": own, "types": names},
    )


def check_eligibility(organisation, rules: dict, lot_id: int, *, on: datetime.datetime) -> list[RuleResult]:
    """Evaluate the lead applicant ``organisation`` against a rules snapshot; return one result per rule.

    ``organisation``: a :class:`community.models.Organisation` (its ``country`` is read). ``rules``: a
    :attr:`grants.models.CallRulesVersion.rules` snapshot. ``lot_id``: the lot applied to (its
    ``max_annual_budget`` overrides the call's). ``on``: the aware datetime of the check, used only when the
    snapshot has no opening date.

    Rules, in this order (each from the call's published rules):

    1. ``country``: the organisation's country is among ``eligible_countries`` (empty list: any country);
    2. ``years_registered``: full years of registration, counted to the call's opening date in the call's time
       zone (see :func:`full_years_registered`), are at least ``min_years_registered``; an unknown year is not met;
    3. ``annual_budget``: ``annual_budget_eur`` (EUR) is at most the lot's ``max_annual_budget``, else the call's
       (no limit: met); an unknown budget is not met when there is a limit;
    4. ``organisation_type``: the type is among ``eligible_organisation_types`` (empty list: any type).

    Pure: no database writes (the organisation's country may be read). Reasons are in the active language.
    """
    lot = next((item for item in rules.get("lots", []) if item["id"] == lot_id), None)
    return [
        _country_rule(organisation, rules),
        _years_rule(organisation, rules, on),
        _budget_rule(organisation, rules, lot),
        _type_rule(organisation, rules),
    ]


def is_eligible(results: list[RuleResult]) -> bool:
    """True when every rule in ``results`` (from :func:`check_eligibility`) is met."""
    return all(result.met for result in results)
