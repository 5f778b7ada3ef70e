"""The staff dashboard of a call (issue 4, item 9): figures counted in the database, charts as SVG with data tables,
permissions both ways, a flat query count."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grants.call_statistics import call_statistics
from grants.models import ApplicationStatus
from tests.grants.factories import open_call
from tests.grants.reports_helpers import (
    bulk_submitted,
    decide,
    grant_view_application,
    organisation,
    reviewer,
    submitted,
)
from tests.portal.factories import CountryFactory, UserFactory
from tests.portal.html_checks import inline_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(staff_user):
    return grant_view_application(staff_user)


@pytest.fixture
def call():
    return open_call(total_envelope=Decimal("44000.00"))


def chart(stats, title):
    found = next(c for c in stats["charts"] if c.title == title)
    return {bar.label: bar.value for bar in found.bars}


def test_figures_by_country_lot_status_score_and_money(call):
    rs = CountryFactory(code="RS")
    a = submitted(call, score=Decimal("72.50"), requested_amount_eur=Decimal("6000"))
    b = submitted(call, lot="B", score=Decimal("100"), requested_amount_eur=Decimal("10000"))
    c = submitted(
        call,
        lot="B",
        organisation=organisation(country=rs),
        status=ApplicationStatus.UNDER_REVIEW,
        score=Decimal("9.99"),
        requested_amount_eur=Decimal("9000"),
    )
    submitted(call, organisation=organisation(country=rs), status=ApplicationStatus.INELIGIBLE)  # no score
    submitted(call, status=ApplicationStatus.DRAFT, requested_amount_eur=Decimal("8000"))  # not counted
    decide(a, "award", amount="5500.00")
    decide(b, "award", amount="9000.00", when=timezone.now() - timedelta(days=2))
    decide(b, "reject", when=timezone.now() - timedelta(days=1))  # the latest decision counts
    decide(c, "reserve", when=timezone.now() - timedelta(days=2))
    decide(c, "award", amount="8000.00", when=timezone.now() - timedelta(days=1))

    stats = call_statistics(call)
    assert (stats["submitted"], stats["drafts"], stats["scored"]) == (4, 1, 3)
    assert chart(stats, "Applications by country") == {"North Macedonia": 2, "Serbia": 2}
    lots = chart(stats, "Applications by lot")
    assert lots == {"A: Local initiatives": 2, "B: National and thematic initiatives": 2}
    assert chart(stats, "Applications by status") == {"Submitted": 2, "Ineligible": 1, "Under review": 1}
    scores = chart(stats, "Score distribution (points)")
    assert scores["0–10"] == 1 and scores["70–80"] == 1 and scores["90–100"] == 1 and sum(scores.values()) == 3
    assert stats["requested"] == Decimal("31000.00")  # the ineligible one asked for the factory's 6,000
    assert stats["awarded"] == Decimal("13500.00") and stats["awarded_count"] == 2
    money = chart(stats, "Requested and awarded against the envelope")
    assert money == {"Envelope": Decimal("44000.00"), "Requested": Decimal("31000.00"), "Awarded": Decimal("13500.00")}


def test_bars_are_scaled_to_the_largest_value_and_small_values_stay_visible(call):
    bulk_submitted(call, 200, lots=("A",))
    submitted(call, lot="C")
    bars = {
        bar.label: bar
        for bar in next(c for c in call_statistics(call)["charts"] if c.title == "Applications by lot").bars
    }
    assert bars["A: Local initiatives"].width == 360
    assert bars["C: Cross-border initiatives"].width == 2


def test_chart_is_svg_with_tooltips_labels_and_a_data_table_and_no_inline_code(call):
    submitted(call, score=Decimal("55"))
    html = render_to_string(
        "grants/admin/includes/bar_chart.html",
        {"chart": call_statistics(call)["charts"][3], "chart_id": 4},
    )
    assert inline_code(html) == []
    assert "<svg" in html and 'role="img"' in html and 'aria-labelledby="chart-4-title"' in html
    assert "<title>50–60: 1</title>" in html
    assert '<text class="iw-chart__value"' in html
    assert '<th scope="row">50–60</th><td>1</td>' in html


def test_dashboard_page_for_staff(client, reader, call):
    submitted(call, score=Decimal("81"), requested_amount_eur=Decimal("7000"))
    client.force_login(reader)
    response = client.get(reverse("grants_reports:dashboard", args=[call.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<svg class="iw-chart__svg"') == 5
    assert "css/grants-admin.css" in html
    assert "EUR 44,000.00" in html and "EUR 7,000.00" in html
    assert 'style="' not in html.split('<div class="nice-padding">', 1)[1]


def test_choose_a_call_lists_calls_with_their_reports(client, reader, call):
    client.force_login(reader)
    html = client.get(reverse("grants_reports:index")).content.decode()
    assert str(call) in html
    for name in ("dashboard", "integrity", "export_csv", "export_xlsx"):
        assert reverse(f"grants_reports:{name}", args=[call.pk]) in html
    reader.user_permissions.add(Permission.objects.get(codename="view_call"))
    calls_index = client.get(reverse("grants_calls:index")).content.decode()
    assert reverse("grants_reports:dashboard", args=[call.pk]) in calls_index


@pytest.mark.parametrize("name", ["index", "dashboard"])
def test_dashboard_is_refused_to_everyone_but_staff_readers(client, staff_user, call, name):
    submitted(call, title="Hidden", requested_amount_eur=Decimal("7123"))
    url = reverse(f"grants_reports:{name}", **({"args": [call.pk]} if name == "dashboard" else {}))
    assert client.get(url).status_code == 302  # anonymous: login
    for user in (UserFactory(), reviewer(), staff_user):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert b"7,123" not in response.content
    client.force_login(grant_view_application(staff_user))
    assert client.get(url).status_code == 200


def test_menu_shows_the_dashboard_only_to_readers(client, staff_user):
    client.force_login(staff_user)
    index = reverse("grants_reports:index")
    assert index not in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(grant_view_application(staff_user))
    assert index in client.get(reverse("wagtailadmin_home")).content.decode()


def test_dashboard_query_count_is_flat(client, reader):
    client.force_login(reader)
    counts = []
    for size in (3, 60):
        call = open_call()
        for application in bulk_submitted(call, size):
            decide(application, "award", amount="5000")
        url = reverse("grants_reports:dashboard", args=[call.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
