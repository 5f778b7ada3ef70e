"""The demo sub-grant scheme (``portal.demo.grants``, part of ``load_demo``): real facts, sane rules, idempotent."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import Sum

from community.models import Organisation, OrganisationMembership
from grants.models import Application, BudgetLine, Call, CallPage, ReferenceSequence
from portal.demo.builder import ensure_countries
from portal.demo.grants import MK_CALL_CODE, ensure_demo_applicant, ensure_grants_demo, open_call_dates
from tests.portal.conftest import home_page  # noqa: F401  (fixture)
from tests.portal.factories import UserFactory

TODAY = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def demo(home_page):  # noqa: F811
    with time_machine.travel(TODAY, tick=False):
        return ensure_grants_demo(home_page, ensure_countries())


def counts():
    return {
        "organisations": Organisation.objects.count(),
        "calls": Call.objects.count(),
        "applications": Application.objects.count(),
        "budget_lines": BudgetLine.objects.count(),
        "pages": CallPage.objects.count(),
        "lots": sum(call.lots.count() for call in Call.objects.all()),
    }


@pytest.mark.django_db
def test_demo_totals(demo):
    totals = counts()
    assert totals["organisations"] >= 8
    assert totals["calls"] >= 6
    assert totals["applications"] >= 5
    assert totals["budget_lines"] >= 5
    assert totals["pages"] == totals["calls"]
    assert demo.index.live and "EUR 220,000" in demo.index.intro and "25 grants" in demo.index.intro


@pytest.mark.django_db
def test_demo_is_idempotent(home_page, demo):  # noqa: F811
    before = counts()
    revisions = {page.pk: page.latest_revision_id for page in CallPage.objects.all()}
    with time_machine.travel(TODAY + datetime.timedelta(days=3), tick=False):
        again = ensure_grants_demo(home_page, ensure_countries())
    assert again.applications_created == 0
    assert counts() == before
    assert {page.pk: page.latest_revision_id for page in CallPage.objects.all()} == revisions


@pytest.mark.django_db
def test_north_macedonia_call_matches_the_facts(demo):
    call = Call.objects.get(code=MK_CALL_CODE)
    assert call.total_envelope == Decimal("44000.00")
    assert (call.min_grant, call.max_grant) == (Decimal("4000.00"), Decimal("12000.00"))
    assert call.expected_grants >= 5
    assert call.closes_at == datetime.datetime(2025, 7, 16, 14, 0, tzinfo=datetime.UTC)
    assert call.local(call.closes_at).strftime("%Y-%m-%d %H:%M %Z") == "2025-07-16 16:00 CEST"
    assert call.timezone == "Europe/Skopje"
    assert call.status(TODAY) == "closed"
    assert call.rules_frozen_at is not None


@pytest.mark.django_db
def test_north_macedonia_sample_applications(demo):
    applications = Application.objects.filter(call__code=MK_CALL_CODE).with_budget_total().order_by("reference")
    assert [a.reference for a in applications][:2] == ["IW-MK-2025-001", "IW-MK-2025-002"]
    titles = {a.title: a.organisation.legal_name for a in applications}
    assert titles["Data-Driven Democracy: Tracking Political Parties for a More Transparent Future"] == (
        "Association for Democratic Initiatives"
    )
    assert titles["Open Contracts – Honest Communities: Tracking Local Procurement for Integrity"] == "Finance Think"
    for application in applications:
        assert application.status == "submitted"
        assert application.rules_version.call_id == application.call_id
        assert application.budget_total == application.requested_amount_eur
        assert Decimal("4000") <= application.requested_amount_eur <= Decimal("12000")
    assert ReferenceSequence.objects.get(prefix="IW-MK-2025").last_number >= len(applications)


@pytest.mark.django_db
def test_open_calls_one_per_country_with_the_recommended_rules(demo):
    open_calls = Call.objects.exclude(code=MK_CALL_CODE).select_related("country")
    assert sorted(call.country.code for call in open_calls) == ["BA", "MK", "RS", "TR", "XK"]
    regional = open_calls.aggregate(total=Sum("total_envelope"))["total"] + Decimal("0")
    assert regional == Decimal("220000.00")
    for call in open_calls:
        assert call.is_open(TODAY)
        assert call.total_envelope == Decimal("44000.00")
        assert call.timezone == call.country.timezone
        local_close = call.local(call.closes_at)
        assert (local_close.hour, local_close.minute) == (16, 0)
        assert call.closes_at - TODAY > datetime.timedelta(days=40)
        assert TODAY - call.opens_at >= datetime.timedelta(days=13)
        lots = {lot.code: lot for lot in call.lots.all()}
        assert set(lots) == {"A", "B", "C"}
        assert (lots["A"].min_grant, lots["A"].max_grant, lots["A"].max_annual_budget) == (4000, 8000, 50000)
        assert (lots["B"].min_grant, lots["B"].max_grant) == (8000, 12000)
        assert lots["C"].cross_border and lots["C"].max_grant == 15000
        assert (lots["C"].min_partners, lots["C"].min_partner_countries) == (1, 1)
        criteria = list(call.criteria.all())
        assert sum(c.weight for c in criteria) == 100
        relevance = next(c for c in criteria if c.name == "Relevance")
        assert (relevance.weight, relevance.eliminatory_threshold) == (30, 15)
        assert call.pass_mark == 65
        assert call.required_documents.filter(cross_border_only=True).count() == 1


def test_open_call_dates_are_local_wall_clock_times():
    opens, closes = open_call_dates("Europe/Istanbul", datetime.date(2026, 3, 10))
    assert opens == datetime.datetime(2026, 2, 24, 9, 0, tzinfo=ZoneInfo("Europe/Istanbul"))
    assert closes == datetime.datetime(2026, 4, 21, 16, 0, tzinfo=ZoneInfo("Europe/Istanbul"))


@pytest.mark.django_db
def test_invented_organisations_say_so(demo):
    for organisation in Organisation.objects.exclude(
        legal_name__in=["Association for Democratic Initiatives", "Finance Think"]
    ):
        assert "Fictional" in organisation.address
        assert organisation.registration_number.startswith("DEMO-")
        assert organisation.website == ""


@pytest.mark.django_db
def test_demo_applicant_administers_one_organisation(demo):
    assert ensure_demo_applicant() == ""  # no demo user yet
    user = UserFactory(email="applicant@demo.iwportal.org")
    name = ensure_demo_applicant()
    assert ensure_demo_applicant() == name
    membership = OrganisationMembership.objects.get(user=user)
    assert membership.role == "admin" and membership.organisation.legal_name == name


@pytest.mark.django_db
def test_demo_call_pages_render(client, demo):
    with time_machine.travel(TODAY, tick=False):
        index = client.get(demo.index.url)
        page = client.get(CallPage.objects.get(slug=MK_CALL_CODE).url)
    assert index.status_code == page.status_code == 200
    assert [p.call.code for p in index.context["calls"]][-1] == MK_CALL_CODE  # past calls last
    assert "16 July 2025, 16:00 (Europe/Skopje, CEST)" in page.content.decode()


@pytest.mark.django_db
def test_demo_staff_group_may_manage_calls_read_applications_and_verify_organisations():
    """The demo staff role reaches Grants and Community in the Wagtail admin (not only superusers)."""
    from django.contrib.auth.models import Permission

    from portal.demo.users import STAFF_GROUP, ensure_groups

    group = ensure_groups()[STAFF_GROUP]
    granted = set(Permission.objects.filter(group=group).values_list("content_type__app_label", "codename"))
    assert {("grants", "change_call"), ("grants", "view_application")} <= granted
    assert {("community", "view_organisation"), ("community", "change_organisation")} <= granted
    assert ("grants", "change_application") not in granted  # staff read applications, never edit them


def test_partnership_letter_only_on_calls_with_a_cross_border_lot(demo):
    from grants.models import Call

    for call in Call.objects.prefetch_related("lots", "required_documents"):
        has_cross_border = any(lot.cross_border for lot in call.lots.all())
        codes = {document.code for document in call.required_documents.all()}
        assert ("partnership-letter" in codes) == has_cross_border, call.code
