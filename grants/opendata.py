"""Open data on awards (issue 5, item 7): which grants are public, and their 360Giving Data Standard form.

**What is published.** A grant is public once its agreement is signed: :func:`published_agreements` returns
agreements in status *signed*, *active* or *completed*, and *terminated* ones that had been signed
(``signed_at`` set). A terminated grant stays in the list with its status, because an integrity programme shows
what it awarded even when the grant ended early; an agreement terminated before signature was never a grant and is
left out. Agreements in *draft* or *sent for signature* are not published, and neither is an awarded application
without an agreement: an award is not a grant until its agreement is signed (the decision can still change).

**What is never published.** No data about people: no user, member or reviewer names or emails, no contact person,
email, phone or address of an organisation. Organisations appear by their legal name, country and (when set) their
public website. The grant's description is the application's summary, the project text the applicant wrote for
publication; titles and summaries are published as the applicant wrote them.

**Identifiers.** 360Giving expects grant ``id`` values to start with the publisher's prefix registered with
360Giving, and organisation ids from an org-id.guide list. The programme has no registered prefix, so grant ids are
``<GRANT_ID_PREFIX><agreement reference>`` with the provisional prefix ``360G-IWPORTAL-`` (the package description
says it is not registered). Recipient ids are ``<list code>-<registration number>`` when the organisation's country
has an org-id.guide list configured in ``ORG_ID_LISTS`` (none is by default: nobody has checked which register
list applies to each country, and a wrong list would link our grantees to other organisations), otherwise
``360G-IWPORTAL-ORG-<organisation id>``. All of these are settings in ``GRANTS_OPEN_DATA`` (see
:data:`DEFAULTS`).

**Kosovo.** The standard's ``countryCode`` codelist is ISO 3166-1 and has no ``XK`` (a user-assigned code), so a
location in Kosovo is published with its name ("Kosovo") and no country code; the schema allows that.

**Dates.** ``awardDate`` is the time of the latest award decision (the agreement's signature when the decision is
missing, e.g. data loaded by hand), written in the call's time zone with its offset, so its first ten characters
are the local date; the year filter of the public page uses the same local year. Planned dates are the agreement's
start and end dates, written as local midnight in the call's zone with its offset. The JSON uses full date-times
because the schema offers dates as ``oneOf`` a ``date-time`` format and a ``YYYY-MM-DD`` pattern: a validator that
does not assert formats (jsonschema's default) accepts a bare date under both branches and rejects it, while a
date-time passes under either kind of validator. The CSV, read by people, has plain ``YYYY-MM-DD`` dates.

**Duration.** ``plannedDates.duration`` (and the CSV's "Planned Dates:Duration (months)") is computed from the
agreement's start and end dates, so it follows no-cost extensions (the end date an amendment moved), not the
duration the applicant asked for: see :func:`duration_months`. Whole months, both dates inclusive, a started month
rounded up (1 October 2025 to 30 November 2026 is 14 months; 1 March to 10 April is 2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import DateTimeField, DecimalField, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from community.models import Organisation

from .models import AgreementStatus, Decision, DecisionOutcome, GrantAgreement, Tranche

#: Version of the 360Giving Data Standard the output follows (the package schema wants ``major.minor``).
STANDARD_VERSION = "1.4"

#: Settings of the open data, overridable with a ``GRANTS_OPEN_DATA`` dict in the Django settings.
DEFAULTS: dict[str, Any] = {
    # Provisional grant id prefix: NOT registered with 360Giving (see the module docstring).
    "grant_id_prefix": "360G-IWPORTAL-",
    # Fallback organisation id prefix when no org-id.guide list applies: <prefix><organisation pk>.
    "org_id_fallback_prefix": "360G-IWPORTAL-ORG-",
    # Country code (ISO, as in portal.Country) → org-id.guide list code, e.g. {"GB": "GB-COH"}; empty: unchecked.
    "org_id_lists": {},
    "publisher_name": "Integrity Watch in the Western Balkans and Turkey",
    "publisher_id": "360G-IWPORTAL",
    "funder_name": "Integrity Watch in the Western Balkans and Turkey",
    "funder_id": "360G-IWPORTAL-ORG-FUNDER",
    "license": "https://creativecommons.org/licenses/by/4.0/",
}

#: Statuses of a published agreement (a terminated one only when it had been signed).
PUBLIC_STATUSES = (AgreementStatus.SIGNED, AgreementStatus.ACTIVE, AgreementStatus.COMPLETED)

#: The public agreements as a filter (for subqueries): see the module docstring.
PUBLIC_AGREEMENT = Q(status__in=PUBLIC_STATUSES) | Q(status=AgreementStatus.TERMINATED, signed_at__isnull=False)

#: Vocabulary of the agreement status classification added to each grant.
STATUS_VOCABULARY = "IWPORTAL-AgreementStatus"

#: English labels of the statuses, for the data (the HTML page shows the translated label).
STATUS_TITLES = {
    "signed": "Signed",
    "active": "Active",
    "completed": "Completed",
    "terminated": "Terminated",
}

#: Column titles of the flattened CSV (360Giving's titles, "<field title>:<sub-field title>").
CSV_HEADERS = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Amount Disbursed",
    "Award Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Org:Country",
    "Recipient Org:Web Address",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Planned Dates:Duration (months)",
    "Grant Programme:Code",
    "Grant Programme:Title",
    "Beneficiary Location:Name",
    "Beneficiary Location:Country Code",
    "From An Open Call?",
    "Classifications:Vocabulary",
    "Classifications:Code",
    "Classifications:Title",
    "Last Modified",
]

#: Country codes the 360Giving codelist lacks (user-assigned ISO codes): published by name only.
CODES_NOT_IN_CODELIST = frozenset({"XK"})

_MONEY = DecimalField(max_digits=14, decimal_places=2)


def open_data_settings() -> dict[str, Any]:
    """:data:`DEFAULTS` updated with the ``GRANTS_OPEN_DATA`` setting (a dict; missing keys keep the default)."""
    return {**DEFAULTS, **getattr(settings, "GRANTS_OPEN_DATA", {})}


def published_agreements() -> QuerySet[GrantAgreement]:
    """Every public agreement (see the module docstring), with what the list and the files show loaded.

    Rows carry ``application`` (title, summary), ``application.call`` (with ``country``),
    ``organisation`` (with ``country``), and three annotations: ``award_decided_at`` (aware datetime of the latest
    award decision, or None), ``award_at`` (that, or the signature time when there is no award decision) and
    ``disbursed_eur`` (sum of the recorded tranche payments, EUR, 0 when none). Ordered by ``award_at``, newest
    first, then reference. Partners are not loaded (see
    :func:`with_partners`).
    """
    latest_award = (
        Decision.objects.filter(application_id=OuterRef("application_id"), outcome=DecisionOutcome.AWARD)
        .order_by("-decided_at", "-pk")
        .values("decided_at")[:1]
    )
    paid = (
        Tranche.objects.filter(agreement_id=OuterRef("pk"), paid_amount_eur__isnull=False)
        .order_by()
        .values("agreement_id")
        .annotate(total=Sum("paid_amount_eur"))
        .values("total")
    )
    return (
        GrantAgreement.objects.filter(PUBLIC_AGREEMENT)
        .select_related("application__call__country", "organisation__country")
        .annotate(
            award_decided_at=Subquery(latest_award, output_field=DateTimeField()),
            award_at=Coalesce(F("award_decided_at"), F("signed_at"), output_field=DateTimeField()),
            disbursed_eur=Coalesce(Subquery(paid, output_field=_MONEY), Value(Decimal("0.00")), output_field=_MONEY),
        )
        .order_by(F("award_at").desc(nulls_last=True), "reference")
    )


def with_partners(agreements: QuerySet[GrantAgreement]) -> QuerySet[GrantAgreement]:
    """``agreements`` with the partner organisations and their countries prefetched (one query more)."""
    partners = Organisation.objects.select_related("country").order_by("legal_name", "pk")
    return agreements.prefetch_related(Prefetch("partners", queryset=partners))


class InvalidFilters(ValueError):
    """An impossible filter value (unknown country or call code, not a year): ``errors`` maps each bad filter's
    name (``country``, ``call``, ``year``) to its messages (list of str)."""

    def __init__(self, errors: Mapping[str, list[str]]):
        self.errors = {name: [str(message) for message in messages] for name, messages in errors.items()}
        super().__init__("; ".join(f"{name}: {' '.join(messages)}" for name, messages in self.errors.items()))


def awarded_grants(filters: Mapping[str, Any] | None = None) -> QuerySet[GrantAgreement]:
    """The public agreements matching ``filters`` (GET-style: ``country``, ``call``, ``year``).

    ``filters`` is a mapping such as ``request.GET``; ``None`` or empty gives every public agreement; a valid value
    without grants gives an empty queryset. Raises :class:`InvalidFilters` when a value is impossible (see
    :class:`grants.filters.AwardedGrantFilter`): never every grant for a filter that could not be applied.
    """
    from .filters import AwardedGrantFilter

    filterset = AwardedGrantFilter(filters or None, queryset=published_agreements())
    if filterset.is_bound and not filterset.is_valid():
        raise InvalidFilters(filterset.errors)
    return filterset.qs


def award_years() -> list[int]:
    """The calendar years (in each call's time zone) in which public grants were awarded, newest first.

    One query of (award time, call time zone) pairs; for the year filter's choices.
    """
    pairs = published_agreements().order_by().values_list("award_at", "application__call__timezone").distinct()
    years = {when.astimezone(ZoneInfo(zone)).year for when, zone in pairs if when is not None}
    return sorted(years, reverse=True)


def in_award_year(agreements: QuerySet[GrantAgreement], year: int) -> QuerySet[GrantAgreement]:
    """``agreements`` (annotated by :func:`published_agreements`) awarded in ``year`` in their call's time zone.

    The calls' zones are few: one condition per zone, each a half-open range of aware datetimes (local 1 January
    00:00 to the next 1 January 00:00), so a decision at 23:30 UTC on 31 December counts in Skopje's next year.
    """
    from .models import Call

    condition = Q(pk__in=[])
    for zone in Call.objects.order_by().values_list("timezone", flat=True).distinct():
        tz = ZoneInfo(zone)
        start = dt.datetime(year, 1, 1, tzinfo=tz)
        end = dt.datetime(year + 1, 1, 1, tzinfo=tz)
        condition |= Q(application__call__timezone=zone, award_at__gte=start, award_at__lt=end)
    return agreements.filter(condition)


def award_date(agreement: GrantAgreement) -> dt.date | None:
    """The award date of ``agreement`` in the call's time zone (see :func:`award_datetime`), or None."""
    when = award_datetime(agreement)
    return when.date() if when else None


def grant_id(agreement: GrantAgreement, config: Mapping[str, Any] | None = None) -> str:
    """``<grant id prefix><agreement reference>``, e.g. ``360G-IWPORTAL-AG-MK-2026-0001``."""
    config = config or open_data_settings()
    return f"{config['grant_id_prefix']}{agreement.reference}"


def organisation_id(organisation: Organisation, config: Mapping[str, Any] | None = None) -> str:
    """An identifier of ``organisation`` for 360Giving (see the module docstring).

    ``<org-id list>-<registration number>`` when ``org_id_lists`` has a list for the organisation's country and
    the organisation has a registration number (spaces removed); ``<fallback prefix><pk>`` otherwise.
    """
    config = config or open_data_settings()
    country = organisation.country.code if organisation.country_id else ""
    list_code = config["org_id_lists"].get(country)
    registration = "".join((organisation.registration_number or "").split())
    if list_code and registration:
        return f"{list_code}-{registration}"
    return f"{config['org_id_fallback_prefix']}{organisation.pk}"


def location(country) -> dict[str, str]:
    """A 360Giving Location for a ``portal.Country``: English name and ISO code (name only for Kosovo, ``XK``
    being outside the standard's codelist)."""
    place = {"name": country.name}
    if country.code not in CODES_NOT_IN_CODELIST:
        place["countryCode"] = country.code
    return place


def beneficiary_countries(agreement: GrantAgreement) -> list:
    """The grantee's country first, then the partners' other countries (by name), each once."""
    countries = []
    if agreement.organisation.country_id:
        countries.append(agreement.organisation.country)
    partners = agreement.partners.all() if _partners_loaded(agreement) else []
    for partner in sorted((p for p in partners if p.country_id), key=lambda p: p.country.name):
        if partner.country_id not in {c.pk for c in countries}:
            countries.append(partner.country)
    return countries


def _partners_loaded(agreement: GrantAgreement) -> bool:
    return "partners" in getattr(agreement, "_prefetched_objects_cache", {})


def _number(amount: Decimal | None) -> float | int:
    """A money amount as a JSON number (the standard wants a number, not text): 1500.5, or 1500 when whole."""
    value = (amount or Decimal("0")).quantize(Decimal("0.01"))
    return int(value) if value == value.to_integral_value() else float(value)


def _iso(when: dt.datetime) -> str:
    """An aware datetime as ISO 8601 in UTC, to the second."""
    return when.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def award_datetime(agreement: GrantAgreement) -> dt.datetime | None:
    """When ``agreement`` was awarded, in the call's time zone: the ``award_at`` annotation of
    :func:`published_agreements` (the signature time without it); None when neither is known."""
    when = getattr(agreement, "award_at", None) or agreement.signed_at
    if when is None:
        return None
    return when.astimezone(ZoneInfo(agreement.application.call.timezone)).replace(microsecond=0)


def duration_months(start: dt.date, end: dt.date) -> int:
    """The length of a project from ``start`` to ``end`` (both days included) in whole months, at least 1.

    Counted from ``start`` to the day after ``end``: the whole calendar months between them, plus one when days are
    left over (a started month counts as a month: rounded up). 2025-10-01 to 2026-11-30 is 14; 2026-03-01 to
    2026-08-31 is 6; 2026-03-01 to 2026-04-10 is 2; 2026-03-15 to 2026-04-14 is 1. ``end`` before ``start``
    (bad data) gives 1.
    """
    after = end + dt.timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    if after.day < start.day:
        months -= 1  # the last month counted is not complete yet ...
    if _add_months(start, months) < after:
        months += 1  # ... and days left over count as a started month
    return max(months, 1)


def _add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, the day of the month clamped to the month's length."""
    import calendar

    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def local_midnight(day: dt.date, zone_name: str) -> str:
    """``day`` as a 360Giving date-time: midnight in ``zone_name`` with its offset (``2026-03-01T00:00:00+01:00``)."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=ZoneInfo(zone_name)).isoformat()


def grant_record(agreement: GrantAgreement, config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One grant in the 360Giving Data Standard (``360-giving-schema.json``) from a row of
    :func:`published_agreements` (with :func:`with_partners` for the partners' countries).

    Organisations only: ``recipientOrganization`` has the id, legal name, country and public website;
    ``fundingOrganization`` comes from the settings. Amounts are EUR numbers.
    """
    config = config or open_data_settings()
    application = agreement.application
    call = application.call
    organisation = agreement.organisation
    recipient: dict[str, Any] = {"id": organisation_id(organisation, config), "name": organisation.legal_name}
    if organisation.country_id:
        recipient["addressCountry"] = organisation.country.name
    if organisation.website.startswith(("https://", "http://")):
        recipient["url"] = organisation.website
    awarded_at = award_datetime(agreement)
    zone = call.timezone
    planned: dict[str, Any] = {
        "startDate": local_midnight(agreement.start_date, zone),
        "endDate": local_midnight(agreement.end_date, zone),
    }
    if agreement.start_date and agreement.end_date:
        planned["duration"] = duration_months(agreement.start_date, agreement.end_date)
    record: dict[str, Any] = {
        "id": grant_id(agreement, config),
        "title": application.title or agreement.reference,
        "description": application.summary or application.title or agreement.reference,
        "currency": "EUR",
        "amountAwarded": _number(agreement.amount_eur),
        "amountDisbursed": _number(getattr(agreement, "disbursed_eur", None)),
        "awardDate": awarded_at.isoformat() if awarded_at else local_midnight(agreement.start_date, zone),
        "plannedDates": [planned],
        "recipientOrganization": [recipient],
        "fundingOrganization": [{"id": config["funder_id"], "name": config["funder_name"]}],
        "grantProgramme": [{"code": call.code, "title": call.title}],
        "beneficiaryLocation": [location(country) for country in beneficiary_countries(agreement)],
        "fromOpenCall": "Yes",
        "classifications": [
            {
                "vocabulary": STATUS_VOCABULARY,
                "code": agreement.status,
                "title": STATUS_TITLES.get(agreement.status, agreement.status),
            }
        ],
        "dateModified": _iso(agreement.updated_at),
    }
    return record


def package_description(config: Mapping[str, Any] | None = None) -> str:
    """The package description: what is in it, and the identifier caveat the 360Giving README asks for."""
    config = config or open_data_settings()
    return (
        "Sub-grants awarded by the Integrity Watch programme whose grant agreement has been signed "
        "(signed, active, completed, and terminated after signature). Amounts in EUR. No personal data. "
        f"Identifiers: the grant id prefix {config['grant_id_prefix']!s} and the organisation id prefix "
        f"{config['org_id_fallback_prefix']!s} are provisional: they are not registered with 360Giving or "
        "org-id.guide. Locations in Kosovo carry no country code (XK is not in the standard's codelist)."
    )


def to_360giving(
    agreements: Iterable[GrantAgreement],
    *,
    base_url: str,
    publisher: Mapping[str, str] | None = None,
    download_url: str = "",
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """A 360Giving data package (``360-giving-package-schema.json``, version :data:`STANDARD_VERSION`).

    ``agreements``: rows of :func:`published_agreements` (pass them through :func:`with_partners` for the
    partners' countries). ``base_url``: absolute URL of the public "Grants awarded" page (the package's
    ``accessURL``); ``download_url``: absolute URL of this file (``downloadURL``, omitted when empty);
    ``publisher``: ``{"name", "identifier", "website"}`` (defaults from the settings; ``website`` optional);
    ``now``: the issue time (aware; default now). ``modified`` is the latest change of an included agreement
    (``issued`` when there is none).

    An empty selection gives ``"grants": []``, which the package schema rejects (it wants at least one grant): the
    public file view answers 404 instead of serving it (see :func:`grants.views.opendata.awarded_grants_json`).
    """
    config = open_data_settings()
    now = now or timezone.now()
    grants = [grant_record(agreement, config) for agreement in agreements]
    publisher_data = {"name": config["publisher_name"], "identifier": config["publisher_id"]}
    publisher_data.update({key: value for key, value in (publisher or {}).items() if value})
    modified = max((grant["dateModified"] for grant in grants), default=_iso(now))
    package: dict[str, Any] = {
        "version": STANDARD_VERSION,
        "title": "Integrity Watch programme: grants awarded",
        "description": package_description(config),
        "identifier": f"{config['publisher_id']}-grants-awarded",
        "issued": _iso(now),
        "modified": modified,
        "publisher": publisher_data,
        "license": config["license"],
        "accessURL": base_url,
        "grants": grants,
    }
    if download_url:
        package["downloadURL"] = download_url
    return package


def to_csv_rows(agreements: Iterable[GrantAgreement]) -> tuple[list[str], Iterator[list[Any]]]:
    """The same grants as :func:`to_360giving`, flattened for a spreadsheet: ``(CSV_HEADERS, rows)``.

    ``rows`` is a generator (one list of cells per grant, in :data:`CSV_HEADERS` order) to hand to
    :func:`portal.exports.stream_csv`, which neutralises formula-like text. Dates are plain ``YYYY-MM-DD`` (the
    award date in the call's time zone); ``Last Modified`` is a UTC date-time. Arrays keep their first item only
    (360Giving's flattening of a single item): the first beneficiary location is the grantee's country; the JSON
    lists the partners' countries too.
    """
    config = open_data_settings()

    def rows() -> Iterator[list[Any]]:
        for agreement in agreements:
            grant = grant_record(agreement, config)
            recipient = grant["recipientOrganization"][0]
            funder = grant["fundingOrganization"][0]
            planned = grant["plannedDates"][0]
            programme = grant["grantProgramme"][0]
            place = (grant["beneficiaryLocation"] or [{}])[0]
            status = grant["classifications"][0]
            yield [
                grant["id"],
                grant["title"],
                grant["description"],
                grant["currency"],
                agreement.amount_eur,
                getattr(agreement, "disbursed_eur", None) or Decimal("0.00"),
                grant["awardDate"][:10],
                recipient["id"],
                recipient["name"],
                recipient.get("addressCountry", ""),
                recipient.get("url", ""),
                funder["id"],
                funder["name"],
                agreement.start_date,
                agreement.end_date,
                planned.get("duration", ""),
                programme["code"],
                programme["title"],
                place.get("name", ""),
                place.get("countryCode", ""),
                grant["fromOpenCall"],
                status["vocabulary"],
                status["code"],
                status["title"],
                grant["dateModified"],
            ]

    return list(CSV_HEADERS), rows()
