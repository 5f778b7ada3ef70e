"""Open data on awards (issue 5, item 7): the public "Grants awarded" page and its 360Giving JSON and CSV files.

What is published (signed or later, terminated after signature; never drafts, agreements sent for signature or
awards without an agreement), that the JSON validates against the 360Giving package schema, the filters, that no
personal data leaks into the page or the files, that the CSV is formula-safe, and that the page's query count does
not grow with the number of grants.
"""

import csv
import datetime
import io
import json
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from grants.models import AgreementStatus
from grants.opendata import (
    CSV_HEADERS,
    InvalidFilters,
    awarded_grants,
    duration_months,
    organisation_id,
    published_agreements,
    to_360giving,
    to_csv_rows,
    with_partners,
)
from tests.community.factories import OrganisationFactory, member_of
from tests.grants.factories import ApplicationFactory, open_call
from tests.grants.opendata_factories import awarded_agreement
from tests.portal.conftest import home_page  # noqa: F401  (fixture)
from tests.portal.factories import CountryFactory

pytestmark = pytest.mark.django_db

SCHEMA_DIR = Path(__file__).parent / "data" / "360giving"
GRANT_SCHEMA_URL_1_4_2 = (
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json"
)

PAGE_URL = "/grants/awarded/"
JSON_URL = "/grants/awarded/360giving.json"
CSV_URL = "/grants/awarded/360giving.csv"


def _date_time_checker() -> jsonschema.FormatChecker:
    """A format checker that asserts ``date-time`` (RFC 3339 with a zone) without the optional rfc3339-validator
    package, as 360Giving's own validator does."""
    checker = jsonschema.FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value):
        if not isinstance(value, str):
            return True
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return "T" in value.upper() and parsed.tzinfo is not None

    return checker


def _validator(format_checker=None):
    """A validator of the package schema that finds the grant schema offline, under its own $id and under the 1.4.2
    URL the package schema refers to."""
    package = json.loads((SCHEMA_DIR / "360-giving-package-schema.json").read_text())
    grant = json.loads((SCHEMA_DIR / "360-giving-schema.json").read_text())
    resource = Resource.from_contents(grant, default_specification=DRAFT202012)
    registry = Registry().with_resources([(grant["$id"], resource), (GRANT_SCHEMA_URL_1_4_2, resource)])
    return jsonschema.Draft202012Validator(package, registry=registry, format_checker=format_checker)


def _errors(package) -> list[str]:
    """Schema errors of ``package`` under both readings of ``format``: annotation only (jsonschema's default) and
    asserted (date-time checked); the output must be valid under both."""
    errors = []
    for validator in (_validator(), _validator(_date_time_checker())):
        errors += [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(package)]
    return errors


def _csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _country(code):
    from portal.models import Country

    return Country.objects.filter(code=code).first() or CountryFactory(code=code)


# ---------------------------------------------------------------------------------------------- what is published


def test_only_signed_agreements_and_later_are_published():
    call = open_call(code="pub")
    public = {
        status: awarded_agreement(call, status=status)
        for status in (AgreementStatus.SIGNED, AgreementStatus.ACTIVE, AgreementStatus.COMPLETED)
    }
    terminated_after_signature = awarded_agreement(call, status=AgreementStatus.TERMINATED)
    draft = awarded_agreement(call, status=AgreementStatus.DRAFT)
    sent = awarded_agreement(call, status=AgreementStatus.SENT)
    terminated_unsigned = awarded_agreement(call, status=AgreementStatus.SENT)
    terminated_unsigned.status = AgreementStatus.TERMINATED
    terminated_unsigned.save()
    award_without_agreement = ApplicationFactory(
        call=call,
        status="awarded",
        reference="IW-OD-NO-AGREEMENT",
        submitted_at=timezone.now(),
        title="Awarded but not contracted",
    )

    published = set(published_agreements())
    assert published == {*public.values(), terminated_after_signature}

    html = _page().content.decode()
    package = json.loads(_get(JSON_URL).content)
    rows = _csv(_get(CSV_URL))
    for hidden in (draft, sent, terminated_unsigned):
        assert hidden.application.title not in html
        assert hidden.reference not in json.dumps(package)
        assert hidden.reference not in {row["Identifier"].rsplit("-", 4)[-4] for row in rows}
    assert award_without_agreement.title not in html
    assert len(package["grants"]) == len(rows) == 4
    titles = {grant["title"] for grant in package["grants"]}
    assert titles == {a.application.title for a in published}


# ------------------------------------------------------------------------------------------------- 360Giving JSON


def test_json_package_validates_against_the_360giving_schema():
    mk_call = open_call(code="mk-2026")
    partner = OrganisationFactory(country=_country("XK"), legal_name="Kosovo Partner")
    awarded_agreement(mk_call, status=AgreementStatus.ACTIVE, amount="7500.50", partners=[partner])
    awarded_agreement(mk_call, status=AgreementStatus.COMPLETED)
    awarded_agreement(
        mk_call,
        status=AgreementStatus.TERMINATED,
        organisation=OrganisationFactory(country=_country("XK"), website=""),
    )

    response = _get(JSON_URL)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
    package = json.loads(response.content)
    assert _errors(package) == []
    assert package["version"] == "1.4"
    assert "not registered" in package["description"]
    assert package["downloadURL"] == "http://testserver/grants/awarded/360giving.json"
    assert package["accessURL"] == "http://testserver/grants/awarded/"
    assert len(package["grants"]) == 3


def test_the_schema_check_is_not_vacuous_a_grant_without_required_fields_fails():
    awarded_agreement(open_call(code="mk-2026"), status=AgreementStatus.ACTIVE)
    package = json.loads(_get(JSON_URL).content)
    assert _errors(package) == []
    del package["grants"][0]["amountAwarded"]
    package["grants"][0]["awardDate"] = "not a date"
    assert _errors(package) != []


def test_a_grant_in_the_package_carries_the_standards_fields():
    call = open_call(code="fields-2026", title="Civic monitoring 2026")
    organisation = OrganisationFactory(legal_name="Open Skopje", country=_country("MK"))
    partner = OrganisationFactory(legal_name="Pristina Watch", country=_country("XK"))
    decided = datetime.datetime(2026, 1, 20, 9, 0, tzinfo=datetime.UTC)
    agreement = awarded_agreement(
        call,
        amount="7500.50",
        awarded_at=decided,
        organisation=organisation,
        partners=[partner],
        title="Following the money in Skopje",
        summary="Scorecards of municipal procurement.",
    )
    package = to_360giving(with_partners(published_agreements()), base_url="https://example.org/grants/awarded/")
    assert _errors(package) == []
    (grant,) = package["grants"]
    assert grant["id"] == f"360G-IWPORTAL-{agreement.reference}"
    assert grant["title"] == "Following the money in Skopje"
    assert grant["description"] == "Scorecards of municipal procurement."
    assert grant["currency"] == "EUR"
    assert grant["amountAwarded"] == 7500.5
    assert grant["amountDisbursed"] == 0
    assert grant["awardDate"] == "2026-01-20T10:00:00+01:00"  # the decision time in Skopje
    assert grant["plannedDates"] == [
        {"startDate": "2026-03-01T00:00:00+01:00", "endDate": "2026-08-31T00:00:00+02:00", "duration": 6}
    ]
    assert grant["recipientOrganization"][0]["id"] == f"360G-IWPORTAL-ORG-{organisation.pk}"
    assert grant["recipientOrganization"][0]["name"] == "Open Skopje"
    assert grant["fundingOrganization"][0]["name"]
    assert grant["grantProgramme"] == [{"code": "fields-2026", "title": "Civic monitoring 2026"}]
    # The grantee's country, then the partner's; Kosovo by name only (XK is not in the standard's codelist).
    assert grant["beneficiaryLocation"] == [{"name": "North Macedonia", "countryCode": "MK"}, {"name": "Kosovo"}]
    assert grant["classifications"][0]["code"] == "active"


def test_planned_duration_follows_the_agreements_dates_and_extensions():
    """The duration is the agreement's (start to end, inclusive, started month rounded up), not the application's:
    an extended agreement (Ohrid: 1 October 2025 to 30 November 2026 after a no-cost extension) says 14."""
    from grants.services.agreements import record_amendment
    from tests.portal.factories_accounts import StaffFactory

    agreement = awarded_agreement(start=datetime.date(2025, 10, 1), end=datetime.date(2026, 6, 30), duration_months=9)
    record_amendment(
        agreement.pk,
        user=StaffFactory(),
        kind="no_cost_extension",
        reason="Municipal elections delayed the field work.",
        new_end_date=datetime.date(2026, 11, 30),
    )
    (grant,) = to_360giving(published_agreements(), base_url="https://example.org/")["grants"]
    assert grant["plannedDates"][0]["duration"] == 14
    assert grant["plannedDates"][0]["endDate"] == "2026-11-30T00:00:00+01:00"
    assert _errors(to_360giving(published_agreements(), base_url="https://example.org/")) == []
    (row,) = to_csv_rows(published_agreements())[1]
    assert row[CSV_HEADERS.index("Planned Dates:Duration (months)")] == 14
    assert row[CSV_HEADERS.index("Planned Dates:End Date")] == datetime.date(2026, 11, 30)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ("2025-10-01", "2026-11-30", 14),
        ("2026-03-01", "2026-08-31", 6),
        ("2026-03-15", "2026-04-14", 1),
        ("2026-03-01", "2026-04-10", 2),  # a started month is rounded up
        ("2026-03-15", "2026-03-15", 1),
        ("2026-01-31", "2026-02-27", 1),
        ("2026-05-01", "2026-04-01", 1),  # end before start (bad data): at least 1
    ],
)
def test_duration_months_counts_whole_months_inclusive_rounding_up(start, end, months):
    assert duration_months(datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)) == months


def test_award_date_is_the_decision_date_in_the_calls_time_zone():
    call = open_call(code="tz-2026")  # Europe/Skopje
    late_evening_utc = datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC)  # 00:30 on 1 January in Skopje
    awarded_agreement(call, awarded_at=late_evening_utc)
    (grant,) = to_360giving(published_agreements(), base_url="https://example.org/")["grants"]
    assert grant["awardDate"] == "2026-01-01T00:30:00+01:00"
    (row,) = to_csv_rows(published_agreements())[1]
    assert row[CSV_HEADERS.index("Award Date")] == "2026-01-01"
    assert list(awarded_grants({"year": "2026"})) and not list(awarded_grants({"year": "2025"}))


def test_organisation_ids_use_a_configured_org_id_list_or_the_documented_fallback(settings):
    organisation = OrganisationFactory(registration_number="REG 123", country=_country("MK"))
    assert organisation_id(organisation) == f"360G-IWPORTAL-ORG-{organisation.pk}"
    settings.GRANTS_OPEN_DATA = {"org_id_lists": {"MK": "MK-TEST"}}
    assert organisation_id(organisation) == "MK-TEST-REG123"
    organisation.registration_number = ""
    assert organisation_id(organisation) == f"360G-IWPORTAL-ORG-{organisation.pk}"


def test_amount_disbursed_sums_the_recorded_payments():
    from grants.models import Tranche

    agreement = awarded_agreement(amount="10000.00")
    Tranche.objects.create(
        agreement=agreement,
        number=1,
        percent=Decimal("80"),
        amount_eur=Decimal("8000.00"),
        condition="signature",
        paid_on=datetime.date(2026, 3, 5),
        paid_amount_eur=Decimal("8000.00"),
    )
    Tranche.objects.create(
        agreement=agreement, number=2, percent=Decimal("20"), amount_eur=Decimal("2000.00"), condition="signature"
    )
    (grant,) = to_360giving(published_agreements(), base_url="https://example.org/")["grants"]
    assert grant["amountDisbursed"] == 8000
    assert "EUR 8,000.00" in _page().content.decode()


def test_a_filter_without_matches_is_a_404_with_a_short_message_in_both_files():
    awarded_agreement()
    _country("RS")
    for url in (JSON_URL + "?country=RS", JSON_URL + "?year=2019"):
        response = _fetch(url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("application/json")
        assert json.loads(response.content) == {"error": "No published grant matches these filters."}
    response = _fetch(CSV_URL + "?country=RS")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().strip() == "No published grant matches these filters."
    # The filtered page says so, with a 200 (a valid question with an empty answer).
    page = _page("?country=RS")
    assert page.status_code == 200 and "No grant matches these filters." in page.content.decode()


def test_no_published_grant_at_all_is_a_404_too():
    awarded_agreement(status=AgreementStatus.SENT)  # not signed: not published
    response = _fetch(JSON_URL)
    assert response.status_code == 404
    assert json.loads(response.content) == {"error": "No published grant matches these filters."}
    assert _fetch(CSV_URL).status_code == 404
    assert "No grant agreement has been signed yet." in _page().content.decode()


# --------------------------------------------------------------------------------------------------------- filters


def test_filters_by_country_call_and_year():
    mk = open_call(code="mk-f")
    rs = open_call(code="rs-f", country=_country("RS"))
    in_mk = awarded_agreement(
        mk, title="Skopje budgets", awarded_at=datetime.datetime(2026, 2, 1, tzinfo=ZoneInfo("UTC"))
    )
    in_rs = awarded_agreement(
        rs,
        organisation=OrganisationFactory(country=_country("RS")),
        title="Belgrade contracts",
        awarded_at=datetime.datetime(2025, 6, 1, tzinfo=ZoneInfo("UTC")),
    )
    with_rs_partner = awarded_agreement(
        mk, partners=[OrganisationFactory(country=_country("RS"))], title="Cross-border assets"
    )

    assert set(awarded_grants({"country": "RS"})) == {in_rs, with_rs_partner}
    assert set(awarded_grants({"country": "MK"})) == {in_mk, with_rs_partner}
    assert set(awarded_grants({"call": "rs-f"})) == {in_rs}
    assert set(awarded_grants({"year": "2025"})) == {in_rs}
    assert set(awarded_grants({"call": "mk-f", "year": "2026"})) == {in_mk, with_rs_partner}
    assert set(awarded_grants({})) == set(awarded_grants(None)) == {in_mk, in_rs, with_rs_partner}

    html = _page("?country=RS").content.decode()
    assert "Belgrade contracts" in html and "Cross-border assets" in html and "Skopje budgets" not in html
    package = json.loads(_fetch(JSON_URL + "?call=rs-f").content)
    assert [grant["title"] for grant in package["grants"]] == ["Belgrade contracts"]
    assert package["downloadURL"].endswith("/grants/awarded/360giving.json?call=rs-f")
    rows = _csv(_fetch(CSV_URL + "?year=2025"))
    assert [row["Title"] for row in rows] == ["Belgrade contracts"]


@pytest.mark.parametrize(
    ("query", "name", "message"),
    [
        ("?country=ZZ", "country", "Choose a country from the list."),
        ("?call=nonexistent", "call", "Choose a call from the list."),
        ("?year=abc", "year", "Choose a year from the list (a year from 2000 to 2100)."),
        ("?year=1900", "year", "Choose a year from the list (a year from 2000 to 2100)."),
    ],
)
def test_impossible_filter_values_are_errors_never_the_whole_list(query, name, message):
    awarded_agreement(title="Skopje budgets")

    response = _fetch(JSON_URL + query)
    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["filters"] == {name: [message]}
    assert body["error"] == f"Invalid filter {name}: {message}"
    assert "grants" not in body

    response = _fetch(CSV_URL + query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().strip() == f"Invalid filter {name}: {message}"

    page = _page(query)
    assert page.status_code == 400
    html = page.content.decode()
    assert message in html and "field--error" in html
    assert "Skopje budgets" not in html and "<table" not in html
    assert "Correct the filter marked above to see the grants." in html

    with pytest.raises(InvalidFilters) as raised:
        awarded_grants(dict([query[1:].split("=")]))
    assert raised.value.errors == {name: [message]}


def test_filter_errors_are_in_the_visitors_language_on_the_page_and_english_in_the_files():
    awarded_agreement()
    page = _fetch("/mk/grants/awarded/?country=ZZ")
    assert page.status_code == 400
    assert "Choose a country from the list." not in page.content.decode()
    assert json.loads(_fetch(JSON_URL + "?country=ZZ").content)["filters"] == {
        "country": ["Choose a country from the list."]
    }


def test_well_formed_filters_without_grants_match_nothing_and_page_numbers_are_not_filters():
    awarded_agreement()
    _country("TR")
    assert list(awarded_grants({"year": "2019"})) == []
    assert list(awarded_grants({"country": "TR"})) == []
    assert _page("?page=x").status_code == 200
    assert _fetch(JSON_URL + "?page=x").status_code == 200


def test_the_page_links_to_the_files_with_the_same_filters():
    awarded_agreement(open_call(code="links"))
    html = _page("?call=links").content.decode()
    assert f'href="{JSON_URL}?call=links"' in html
    assert f'href="{CSV_URL}?call=links"' in html
    html = _page().content.decode()
    assert f'href="{JSON_URL}"' in html and f'href="{CSV_URL}"' in html


# ----------------------------------------------------------------------------------------------------- the page


def test_page_is_public_and_lists_grantee_title_amount_dates_status_and_totals():
    call = open_call(code="page")
    awarded_agreement(call, amount="6000.00", organisation=OrganisationFactory(legal_name="Civic Lens"), title="Watch")
    awarded_agreement(call, amount="4000.00", status=AgreementStatus.COMPLETED)
    response = _page()
    assert response.status_code == 200
    html = response.content.decode()
    assert "Civic Lens" in html and "Watch" in html
    assert "EUR 6,000.00" in html and "EUR 10,000.00" in html  # a row and the total
    assert 'datetime="2026-03-01"' in html and 'datetime="2026-08-31"' in html
    assert "Completed" in html and "Active" in html
    assert "table--stacked" in html and 'data-label="Grantee"' in html


def test_page_html_is_styled_and_has_no_inline_code():
    from tests.portal.html_checks import inline_code, unstyled_classes

    awarded_agreement()
    html = _page().content.decode()
    assert inline_code(html) == []
    assert not unstyled_classes(html), unstyled_classes(html)


@pytest.mark.parametrize("language", ["bs", "sq", "mk", "sr-latn", "tr"])
def test_page_speaks_every_language(client, language):
    from django.utils import translation

    awarded_agreement()
    response = client.get(f"/{language}/grants/awarded/")
    assert response.status_code == 200
    with translation.override(language):
        heading = translation.gettext("Grants awarded")
    assert heading != "Grants awarded"
    assert heading in response.content.decode()
    # The file links keep their stable, unprefixed addresses in every language.
    assert f'href="{JSON_URL}"' in response.content.decode()


def _count(url):
    from django.test import Client

    client = Client()
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_page_query_count_is_flat():
    call = open_call(code="flat")
    for _ in range(10):
        awarded_agreement(call)
    ten = _count(PAGE_URL)
    for _ in range(90):
        awarded_agreement(call)
    hundred = _count(PAGE_URL)
    assert ten == hundred


def test_file_query_counts_are_flat():
    call = open_call(code="flat-files")
    partner = OrganisationFactory(country=_country("RS"))
    for _ in range(3):
        awarded_agreement(call, partners=[partner])
    three = (_count(JSON_URL), _count(CSV_URL))
    for _ in range(12):
        awarded_agreement(call, partners=[partner])
    assert (_count(JSON_URL), _count(CSV_URL)) == three


# ---------------------------------------------------------------------------------------------- no personal data


def test_no_personal_data_in_the_page_or_the_files():
    organisation = OrganisationFactory(
        contact_name="Zorica Plantedname",
        contact_email="zorica.planted@private-mail.example",
        contact_phone="+389 70 999 111",
        address="Ulica Tajna 7, Skopje",
    )
    member = member_of(
        organisation, first_name="Blagoja", last_name="Secretsurname", email="blagoja.secret@cso.example"
    )
    agreement = awarded_agreement(organisation=organisation)
    agreement.application.created_by = member
    agreement.application.submitted_by = member
    agreement.application.save()
    secrets = [
        "Plantedname",
        "zorica.planted",
        "private-mail.example",
        "999 111",
        "Tajna",
        "Blagoja",
        "Secretsurname",
        "blagoja.secret",
        "cso.example",
    ]

    html = _page().content.decode()
    body = _get(JSON_URL).content.decode()
    csv_text = b"".join(_get(CSV_URL).streaming_content).decode("utf-8-sig")
    assert organisation.legal_name in html and organisation.legal_name in body and organisation.legal_name in csv_text
    for secret in secrets:
        for name, text in (("page", html), ("json", body), ("csv", csv_text)):
            assert secret not in text, (secret, name)


# -------------------------------------------------------------------------------------------------------- the CSV


def test_csv_download_headers_and_columns():
    awarded_agreement(amount="5000.00")
    response = _get(CSV_URL)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="grants-awarded-360giving-')
    assert "public" in response["Cache-Control"]
    (row,) = _csv(response)
    assert list(row) == CSV_HEADERS
    assert row["Currency"] == "EUR"
    assert row["Amount Awarded"] == "5000.00"
    assert row["Recipient Org:Identifier"].startswith("360G-IWPORTAL-ORG-")
    assert row["Beneficiary Location:Country Code"] == "MK"
    assert row["Planned Dates:Start Date"] == "2026-03-01"


def test_csv_is_formula_safe():
    awarded_agreement(title='=HYPERLINK("https://evil.example","click")', summary="+1+1")
    (row,) = _csv(_get(CSV_URL))
    assert row["Title"] == '\'=HYPERLINK("https://evil.example","click")'
    assert row["Description"] == "'+1+1"
    headers, rows = to_csv_rows(published_agreements())
    assert headers == CSV_HEADERS
    assert next(rows)[1].startswith("=")  # the rows are plain data; stream_csv neutralises them


# --------------------------------------------------------------------------------------------------------- helpers


def _get(url):
    from django.test import Client

    response = Client().get(url)
    assert response.status_code == 200, url
    return response


def _fetch(url):
    """``GET url`` without asserting the status (for the error answers)."""
    from django.test import Client

    return Client().get(url)


def _page(query=""):
    from django.test import Client

    return Client().get(PAGE_URL + query)


def test_urls_are_stable():
    assert reverse("grants:awarded") == PAGE_URL
    assert reverse("grants:awarded_json") == JSON_URL
    assert reverse("grants:awarded_csv") == CSV_URL


# ------------------------------------------------------------------------------------------------ reachable links


def test_footer_and_calls_index_link_to_the_page_in_the_visitors_language(client, home_page):  # noqa: F811
    from tests.grants.test_call_pages import CallIndexPageFactory

    index = CallIndexPageFactory(parent=home_page, slug="calls")
    html = client.get(index.url).content.decode()
    assert html.count(f'href="{PAGE_URL}"') == 2  # the footer and the link under the calls
    html = client.get("/mk/grants/awarded/").content.decode()
    assert 'href="/mk/grants/awarded/"' in html  # the footer link keeps the visitor's language
