"""The ranking per call and lot (issue 4, item 5): order, running totals, flags, statuses shown, a flat query count
at 10 and 1,000 applications, the staff pages and who may open them, and the automatic reviewer assignment form."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from community.models import OrganisationMembership
from grants.models import Application, ApplicationStatus, ReviewAssignment
from grants.ranking import RANKED_STATUSES, flag_labels, ranking_for_call
from grants.services.decisions import record_decision
from grants.services.scoring import FLAG_LABELS
from tests.community.factories import OrganisationFactory
from tests.grants.evaluation_helpers import at_status, make_reviewer, reader, reviewed
from tests.grants.factories import ApplicationFactory, open_call
from tests.portal.factories_accounts import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def ranked(call, lot_code, status, score, requested, **fields):
    application = ApplicationFactory(call=call, lot=call.lots.get(code=lot_code), requested_amount_eur=requested)
    return at_status(application, status, score=score, **fields)


def test_rows_are_ranked_by_score_with_unscored_last_and_ties_by_reference_per_lot():
    call = open_call(total_envelope=Decimal("15000"))
    low = ranked(call, "A", S.REVIEWED, "61.00", Decimal("6000"), reference="IW-MK-2026-0003")
    tie_b = ranked(call, "A", S.RECOMMENDED, "80.00", Decimal("5000"), reference="IW-MK-2026-0002")
    tie_a = ranked(call, "A", S.AWARDED, "80.00", Decimal("7000"), reference="IW-MK-2026-0001")
    unscored = ranked(call, "A", S.UNDER_REVIEW, None, Decimal("4000"), reference="IW-MK-2026-0000")
    lot_b = ranked(call, "B", S.REJECTED, "50.00", Decimal("9000"))
    for status in (S.DRAFT, S.SUBMITTED, S.ELIGIBLE, S.INELIGIBLE, S.WITHDRAWN):
        ranked(call, "A", status, "99.00", Decimal("4000"))  # not in the ranking
    lots = {lot.lot.code: lot for lot in ranking_for_call(call)}
    assert list(lots) == ["A", "B", "C"]
    rows = lots["A"].rows
    assert [row.application.pk for row in rows] == [tie_a.pk, tie_b.pk, low.pk, unscored.pk]
    assert [row.rank for row in rows] == [1, 2, 3, 4]
    assert [row.running_total_eur for row in rows] == [Decimal(v) for v in ("7000", "12000", "18000", "22000")]
    assert [row.within_envelope for row in rows] == [True, True, False, False]
    assert lots["A"].requested_total_eur == Decimal("22000.00") and lots["A"].envelope_eur == Decimal("15000.00")
    assert [row.application.pk for row in lots["B"].rows] == [lot_b.pk]
    assert lots["C"].rows == []


def test_awarded_totals_use_the_awarded_amounts():
    call = open_call()
    application = ranked(call, "A", S.RECOMMENDED, "90", Decimal("6000"))
    record_decision(application.pk, "award", user=StaffFactory(), reason="Yes.", amount_eur="4500")
    [lot_a] = [lot for lot in ranking_for_call(call) if lot.lot.code == "A"]
    assert lot_a.awarded_total_eur == Decimal("4500.00")
    assert lot_a.rows[0].decision.amount_eur == Decimal("4500.00")


def test_flag_codes_are_shown_as_labels_and_unknown_codes_as_stored():
    assert flag_labels(["eliminatory", "below_pass_mark", "spread"]) == [str(v) for v in FLAG_LABELS.values()]
    assert flag_labels(["something_new"]) == ["something_new"]
    assert flag_labels(None) == []


def _bulk(call, count):
    lot = call.lots.get(code="A")
    template = ApplicationFactory(call=call, lot=lot)
    organisation = template.organisation
    statuses = list(RANKED_STATUSES)
    Application.objects.bulk_create(
        Application(
            call=call,
            lot=lot,
            rules_version=template.rules_version,
            organisation=organisation,
            title=f"Project {n}",
            status=statuses[n % len(statuses)],
            reference=f"IW-MK-2026-B{call.pk}-{n:05d}",
            requested_amount_eur=Decimal("5000"),
            score=Decimal(n % 97),
            score_flags=["spread"] if n % 5 == 0 else [],
        )
        for n in range(count)
    )


def _queries(function):
    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)


def test_ranking_query_count_is_the_same_for_10_and_1000_applications():
    small, large = open_call(), open_call()
    _bulk(small, 10)
    _bulk(large, 1000)
    assert _queries(lambda: ranking_for_call(small)) == _queries(lambda: ranking_for_call(large))
    assert len([row for lot in ranking_for_call(large) for row in lot.rows]) == 1000


def test_ranking_page_query_count_is_the_same_for_10_and_1000_applications(client):
    small, large = open_call(), open_call()
    _bulk(small, 10)
    _bulk(large, 1000)
    client.force_login(reader())
    url = lambda call: reverse("grants_ranking:call", args=[call.pk])  # noqa: E731
    client.get(url(small))  # warm caches (site, locale, permissions)
    assert _queries(lambda: client.get(url(small))) == _queries(lambda: client.get(url(large)))


def test_the_ranking_page_shows_the_columns_and_a_decision_form_only_where_one_is_possible(client):
    call = open_call()
    organisation = OrganisationFactory(legal_name="Open Data Skopje")
    decidable = ranked(
        call, "A", S.REVIEWED, "77.50", Decimal("6000"), organisation=organisation, score_flags=["spread"]
    )
    waiting = ranked(call, "B", S.UNDER_REVIEW, None, Decimal("9000"))
    client.force_login(reader())
    response = client.get(reverse("grants_ranking:call", args=[call.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Open Data Skopje",
        "77.50",
        decidable.reference,
        escape(str(FLAG_LABELS["spread"])),
        "EUR 6,000.00",
        "Integrity flags",
        "Running total",
        "csrfmiddlewaretoken",
    ):
        assert text in page
    assert f'name="decision-{decidable.pk}-outcome"' in page
    assert f'name="decision-{waiting.pk}-outcome"' not in page
    assert f'value="{waiting.pk}"' not in page  # no batch checkbox either


def test_index_menu_and_call_pages_link_to_the_ranking(client):
    call = open_call()
    ranked(call, "A", S.REVIEWED, "70", Decimal("6000"))
    client.force_login(reader())
    ranking = reverse("grants_ranking:call", args=[call.pk])
    index = client.get(reverse("grants_ranking:index"))
    assert index.status_code == 200 and ranking in index.content.decode()
    assert reverse("grants_ranking:index") in client.get(reverse("wagtailadmin_home")).content.decode()


def test_call_listing_and_inspect_link_to_the_ranking(admin_client):
    call = open_call()
    ranking = reverse("grants_ranking:call", args=[call.pk])
    assert ranking in admin_client.get(reverse("grants_calls:index")).content.decode()
    assert ranking in admin_client.get(reverse("grants_calls:inspect", args=[call.pk])).content.decode()


def _staff_urls(call):
    return [
        reverse("grants_ranking:index"),
        reverse("grants_ranking:call", args=[call.pk]),
        reverse("grants_ranking:assign", args=[call.pk]),
    ]


@pytest.mark.parametrize("who", ["anonymous", "applicant", "reviewer", "plain", "staff_without_permission"])
def test_who_may_not_open_the_ranking_pages(client, who):
    application, member = reviewed(S.RECOMMENDED)
    call = application.call
    if who == "applicant":  # even with the admin permissions
        member.user_permissions.add(*Permission.objects.filter(codename__in=["access_admin", "view_application"]))
        client.force_login(member)
    elif who == "reviewer":
        client.force_login(make_reviewer())
    elif who == "plain":
        client.force_login(UserFactory())
    elif who == "staff_without_permission":
        user = StaffFactory(is_superuser=False, totp=True)
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
        client.force_login(user)
    for url in _staff_urls(call):
        assert client.get(url).status_code in (302, 403), url
    post = {
        "decide": str(application.pk),
        f"decision-{application.pk}-outcome": "reject",
        f"decision-{application.pk}-reason": "No.",
        f"decision-{application.pk}-request_token": "t",
    }
    assert client.post(_staff_urls(call)[1], post).status_code in (302, 403)
    assert client.post(_staff_urls(call)[2], {"per_application": "2"}).status_code in (302, 403)
    application.refresh_from_db()
    assert application.status == S.RECOMMENDED and not application.decisions.exists()
    assert not ReviewAssignment.objects.exists()


def test_deciding_an_application_of_another_call_through_this_call_is_a_404(client):
    application, _member = reviewed(S.RECOMMENDED)
    other_call = open_call()
    client.force_login(reader())
    post = {
        "decide": str(application.pk),
        f"decision-{application.pk}-outcome": "reject",
        f"decision-{application.pk}-reason": "No.",
        f"decision-{application.pk}-request_token": "t",
    }
    assert client.post(reverse("grants_ranking:call", args=[other_call.pk]), post).status_code == 404
    assert not application.decisions.exists()


def test_auto_assign_form_shows_what_was_assigned_and_what_is_short(client):
    call = open_call(reviews_per_application=2)
    first = at_status(ApplicationFactory(call=call), S.ELIGIBLE)
    second = at_status(ApplicationFactory(call=call, lot=call.lots.get(code="B")), S.ELIGIBLE)
    make_reviewer()
    own = make_reviewer()
    OrganisationMembership.objects.create(organisation=first.organisation, user=own)  # excluded from `first`
    client.force_login(reader())
    url = reverse("grants_ranking:assign", args=[call.pk])
    page = client.get(url).content.decode()
    assert 'value="2"' in page  # the call's reviews per application
    response = client.post(url, {"per_application": "2"})
    assert response.status_code == 200
    assert response.context["result"]["assigned"] == 3
    page = response.content.decode()
    assert "3 assignments made." in page and f"{first.reference}: 1 reviewer missing" in page
    assert ReviewAssignment.objects.filter(application=second).count() == 2
    assert client.post(url, {"per_application": "0"}).context["form"].errors
