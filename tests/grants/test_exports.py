"""Exports (issue 4, item 8): staff CSV/XLSX of a call's applications with scores and decisions, the reviewer's CSV
of their own accepted assignments; formula injection, permissions both ways, flat query counts."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grants.models import ApplicationStatus, Review
from portal.accounts.roles import REVIEWERS_GROUP
from tests.grants.factories import open_call
from tests.grants.reports_helpers import (
    assign,
    bulk_submitted,
    decide,
    grant_view_application,
    organisation,
    reviewer,
    submitted,
)
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://x","y")'
REVIEWER_CSV = "grants:reviewer_export_csv"


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def read_xlsx(response):
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return workbook.active


@pytest.fixture
def reader(staff_user):
    return grant_view_application(staff_user)


@pytest.fixture
def call():
    return open_call(code="mk-2026")


# --- staff exports ---------------------------------------------------------------------------------------------------


def test_staff_csv_has_scores_and_the_latest_decision(client, reader, call):
    application = submitted(
        call,
        lot="B",
        organisation=organisation(legal_name="Open Budget Skopje"),
        title="Scorecards",
        score=Decimal("81.50"),
    )
    application.score_spread, application.submitted_review_count = Decimal("12.00"), 2
    application.requested_amount_eur = Decimal("9500.00")
    application.save()
    decide(application, "reserve", when=timezone.now() - timedelta(days=3))
    decide(application, "award", amount="9000.00", when=timezone.now() - timedelta(days=1))
    submitted(call, status=ApplicationStatus.DRAFT, title="Draft never exported")
    client.force_login(reader)

    response = client.get(reverse("grants_reports:export_csv", args=[call.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "mk-2026" in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][:3] == ["Reference", "Lot", "Organisation"] and len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Reference"] == application.reference and row["Lot"] == "B"
    assert row["Organisation"] == "Open Budget Skopje" and row["Country"] == "North Macedonia"
    assert row["Requested (EUR)"] == "9500.00" and row["Score (points)"] == "81.50"
    assert row["Spread (points)"] == "12.00" and row["Submitted reviews"] == "2"
    assert row["Decision"] == "Award" and row["Awarded (EUR)"] == "9000.00"
    assert row["Decision date"] == (timezone.now() - timedelta(days=1)).astimezone(call.zone).date().isoformat()


def test_formula_in_a_title_is_neutralised_in_csv_and_a_text_cell_in_xlsx(client, reader, call):
    submitted(call, title=HYPERLINK, organisation=organisation(legal_name="@SUM(1+1)"), score=Decimal("70"))
    client.force_login(reader)

    rows = read_csv(client.get(reverse("grants_reports:export_csv", args=[call.pk])))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Title"] == "'" + HYPERLINK
    assert row["Organisation"] == "'@SUM(1+1)"

    sheet = read_xlsx(client.get(reverse("grants_reports:export_xlsx", args=[call.pk])))
    header = [cell.value for cell in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=True))
    assert cells["Title"].value == HYPERLINK and cells["Title"].data_type == "s"
    assert cells["Organisation"].data_type == "s"
    assert cells["Score (points)"].data_type == "n" and cells["Score (points)"].value == 70


def test_staff_export_lists_integrity_flags(client, reader, call):
    name = "Centar za građanske inicijative"
    submitted(call, organisation=organisation(legal_name=name))
    submitted(call, organisation=organisation(legal_name="Cent\u0430r z\u0430 gradjanske inicijative"))
    client.force_login(reader)
    rows = read_csv(client.get(reverse("grants_reports:export_csv", args=[call.pk])))
    flags_column = rows[0].index("Integrity flags")
    assert [row[flags_column] for row in rows[1:]] == ["Organisation applying twice"] * 2


@pytest.mark.parametrize("name", ["grants_reports:export_csv", "grants_reports:export_xlsx"])
def test_staff_exports_are_refused_to_everyone_else(client, staff_user, call, name):
    submitted(call, title="Secret title 7f3a")
    url = reverse(name, args=[call.pk])
    assert client.get(url).status_code == 302  # anonymous: the admin's login page
    for user in (UserFactory(), reviewer(), staff_user):  # applicant, reviewer, staff without view_application
        client.force_login(user)
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert not response.has_header("Content-Disposition")
        assert b"Secret title 7f3a" not in response.content


def _export_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries)


def test_staff_export_query_count_is_flat(client, reader):
    client.force_login(reader)
    small, large = open_call(), open_call()
    bulk_submitted(small, 3)
    for application in bulk_submitted(large, 40):
        decide(application, "award", amount="5000")
    counts = {
        fmt: [_export_queries(client, reverse(f"grants_reports:export_{fmt}", args=[c.pk])) for c in (small, large)]
        for fmt in ("csv", "xlsx")
    }
    assert counts["csv"][0] == counts["csv"][1]
    assert counts["xlsx"][0] == counts["xlsx"][1]


# --- the reviewer's export -----------------------------------------------------------------------------------------


def test_reviewer_export_contains_only_their_accepted_assignments(client, call):
    me, colleague = reviewer(), reviewer()
    mine = submitted(call, title="Accepted by me")
    assign(mine, me)
    Review.objects.create(
        assignment=assign(mine, colleague),
        application=mine,
        reviewer=colleague,
        status="submitted",
        total_score=Decimal("77.77"),
    )
    for status in ("pending_declaration", "conflicted", "removed"):
        assign(submitted(call, title=f"Hidden {status} token-9b2e"), me, status=status)
    submitted(call, title="Unassigned token-9b2e")
    client.force_login(me)

    response = client.get(reverse(REVIEWER_CSV))
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    assert "Accepted by me" in body and mine.reference in body
    assert "token-9b2e" not in body
    assert "77.77" not in body and colleague.email not in body
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert len(rows) == 2 and rows[1][6] == "Not started"


def test_the_reviewer_list_links_to_the_export(client, call):
    me = reviewer()
    assign(submitted(call, title="Accepted by me"), me)
    client.force_login(me)
    page = client.get(reverse("grants:review_list")).content.decode()
    assert reverse(REVIEWER_CSV) in page


def test_reviewer_export_shows_their_own_review_and_neutralises_formulas(client, call):
    me = reviewer()
    application = submitted(call, title=HYPERLINK)
    assignment = assign(application, me)
    Review.objects.create(
        assignment=assignment,
        application=application,
        reviewer=me,
        status="submitted",
        total_score=Decimal("66.25"),
        submitted_at=timezone.now(),
    )
    client.force_login(me)
    rows = read_csv(client.get(reverse(REVIEWER_CSV)))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Title"] == "'" + HYPERLINK
    assert row["Review status"] == "Submitted" and row["Your total score (points)"] == "66.25"


def test_reviewer_export_is_refused_to_non_reviewers(client, call, staff_user):
    application = submitted(call, title="Secret title 5c1d")
    url = reverse(REVIEWER_CSV)
    assert client.get(url).status_code == 302  # anonymous: login
    former = reviewer()
    assign(application, former)
    former.groups.remove(Group.objects.get(name=REVIEWERS_GROUP))
    for user in (UserFactory(), staff_user, former):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 403
        assert b"Secret title 5c1d" not in response.content


def test_reviewer_export_query_count_is_flat(client):
    me = reviewer()
    counts = []
    for size in (2, 25):
        for application in bulk_submitted(open_call(), size):
            assign(application, me)
        client.force_login(me)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(REVIEWER_CSV))
            rows = read_csv(response)
        counts.append(len(queries))
        assert len(rows) - 1 in (2, 27)
    assert counts[0] == counts[1]
