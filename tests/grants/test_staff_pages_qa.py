"""Faults a QA tester found in the staff screens of issue 4, each with the input that showed it: the ranking table
out of reach at 1280 px, no warning when awards exceed the envelope, "Home" as the visible page title, decision
messages that claim a mail nobody got or re-announce a replay, batch errors without field names at the bottom of
the page, and dashboard labels clipped on the left."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils.html import escape

from grants.call_statistics import LABEL_CHAR_WIDTH, Bar, BarChart, call_statistics
from grants.models import ApplicationStatus, Decision, Lot
from grants.ranking import envelope_summary, ranking_for_call
from grants.services.decisions import decide, record_decisions
from portal.notifications.models import OutboxMessage
from tests.grants.evaluation_helpers import at_status, reader, reviewed
from tests.grants.factories import ApplicationFactory, open_call
from tests.portal.factories_accounts import StaffFactory
from tests.portal.html_checks import inline_code

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def ranking_url(call):
    return reverse("grants_ranking:call", args=[call.pk])


def in_lot(call, code, status=S.RECOMMENDED, requested="5000", *, with_member=True, score="80"):
    application, _member = reviewed(status, with_member=with_member, call=call, lot=call.lots.get(code=code))
    return at_status(application, status, score=score, requested_amount_eur=Decimal(requested))


def decision_post(application, form_key="tok-1", **overrides):
    prefix = f"decision-{application.pk}"
    data = {
        "decide": str(application.pk),
        f"{prefix}-outcome": "award",
        f"{prefix}-amount_eur": str(application.requested_amount_eur),
        f"{prefix}-reason": "Best in the lot.",
        f"{prefix}-request_token": form_key,
    }
    data.update({f"{prefix}-{key}": value for key, value in overrides.items()})
    return data


def page_messages(response):
    return [(message.level_tag, str(message)) for message in get_messages(response.wsgi_request)]


def main_content(html):
    return html.split('<div class="nice-padding">', 1)[1]


# --- 1. the ranking table is reachable at 1280 px --------------------------------------------------------------


def test_each_ranking_table_scrolls_sideways_in_a_focusable_region_with_slim_columns(client):
    call = open_call()
    application = in_lot(call, "A", S.REVIEWED)
    in_lot(call, "B", S.UNDER_REVIEW)
    client.force_login(reader())
    html = client.get(ranking_url(call)).content.decode()
    assert "css/grants-admin.css" in html
    regions = re.findall(r'<div class="iw-table-scroll" role="region" aria-labelledby="lot-\d+" tabindex="0">', html)
    assert len(regions) == 2  # lots A and B have rows; C has none
    assert html.count('<table class="listing iw-ranking">') == 2
    head = html.split('<table class="listing iw-ranking">', 1)[1].split("</thead>", 1)[0]
    assert head.count('<th scope="col"') == 9  # spread, reviews and flags moved under the score
    row = html.split(f'id="row-{application.pk}"', 1)[1].split("</tr>", 1)[0]
    score_cell = row.split("<strong>80.00</strong>", 1)[1].split("</td>", 1)[0]
    assert "Spread" in score_cell and "Reviews" in score_cell
    assert 'class="iw-decide__line"' in row  # outcome and amount on one line
    assert 'style="' not in main_content(html) and not inline_code(main_content(html))
    css = open(finders.find("css/grants-admin.css"), encoding="utf-8").read()
    assert re.search(r"\.iw-table-scroll \{[^}]*overflow-x: auto", css)


# --- 2. the call's envelope ------------------------------------------------------------------------------------


def test_the_ranking_starts_with_the_call_against_its_envelope(client):
    call = open_call(total_envelope=Decimal("20000"))
    first = in_lot(call, "A", requested="6000")
    in_lot(call, "B", S.REVIEWED, requested="9000")
    decide(first.pk, "award", user=StaffFactory(), reason="Yes.", amount_eur="5000")
    client.force_login(reader())
    html = client.get(ranking_url(call)).content.decode()
    summary = html.split('aria-labelledby="envelope-heading"', 1)[1].split("</section>", 1)[0]
    for label, amount in (
        ("Envelope of the call", "EUR 20,000.00"),
        ("Awarded so far", "EUR 5,000.00"),
        ("Remaining", "EUR 15,000.00"),
        ("Requested by ranked applications", "EUR 15,000.00"),
    ):
        assert f"<dt>{label}</dt><dd>{amount}</dd>" in summary
    assert "The awards exceed the envelope." not in html
    assert "Envelope: EUR 20,000.00" not in html  # no longer shown as if it were the lot's own


def test_awards_beyond_the_envelope_are_warned_on_the_page_and_after_the_award(client):
    call = open_call(total_envelope=Decimal("10000"))
    first = in_lot(call, "A", requested="6000")
    second = in_lot(call, "B", requested="6000")
    client.force_login(reader())
    response = client.post(ranking_url(call), decision_post(first, form_key="a"), follow=True)
    assert not [m for m in page_messages(response) if m[0] == "warning"]
    response = client.post(ranking_url(call), decision_post(second, form_key="b"), follow=True)
    assert Decision.objects.count() == 2  # a warning, not a refusal
    assert (
        "warning",
        "Awards in this call now total EUR 12,000.00: EUR 2,000.00 more than its envelope of EUR 10,000.00.",
    ) in page_messages(response)
    html = response.content.decode()
    assert "The awards exceed the envelope." in html and "EUR 2,000.00 over its envelope" in html
    assert 'class="iw-figure--over"' in html
    assert "<dd>EUR -2,000.00</dd>" in html  # remaining


def test_a_lot_is_compared_with_what_the_other_lots_leave_of_the_envelope():
    call = open_call(total_envelope=Decimal("10000"))
    other = in_lot(call, "B", requested="8000")
    decide(other.pk, "award", user=StaffFactory(), reason="Yes.", amount_eur="8000")
    row = in_lot(call, "A", S.REVIEWED, requested="5000")
    lots = {lot.lot.code: lot for lot in ranking_for_call(call)}
    assert lots["A"].available_eur == Decimal("2000.00")
    assert [r.application.pk for r in lots["A"].rows] == [row.pk]
    assert lots["A"].rows[0].within_envelope is False  # 5,000 requested, 2,000 left
    summary = envelope_summary(call, list(lots.values()))
    assert (summary.awarded_eur, summary.remaining_eur, summary.over_envelope) == (Decimal("8000"), 2000, False)


def test_the_dashboard_highlights_awards_beyond_the_envelope(client, staff_user):
    from django.contrib.auth.models import Permission

    call = open_call(total_envelope=Decimal("10000"))
    for code in ("A", "B"):
        application = in_lot(call, code, requested="6000")
        decide(application.pk, "award", user=StaffFactory(), reason="Yes.", amount_eur="6000")
    stats = call_statistics(call)
    assert stats["over_envelope"] is True and stats["overrun"] == Decimal("2000.00")
    money = next(chart for chart in stats["charts"] if chart.title == "Requested and awarded against the envelope")
    assert [bar.over for bar in money.bars] == [False, False, True]
    staff_user.user_permissions.add(Permission.objects.get(codename="view_application"))
    client.force_login(staff_user)
    html = client.get(reverse("grants_reports:dashboard", args=[call.pk])).content.decode()
    assert "The awards exceed the envelope." in html
    assert "Awarded: EUR 12,000.00 against an envelope of EUR 10,000.00, EUR 2,000.00 over." in html
    assert 'class="iw-chart__bar iw-chart__bar--over"' in html


def test_the_dashboard_has_no_warning_within_the_envelope():
    call = open_call(total_envelope=Decimal("10000"))
    application = in_lot(call, "A", requested="6000")
    decide(application.pk, "award", user=StaffFactory(), reason="Yes.", amount_eur="6000")
    stats = call_statistics(call)
    assert stats["over_envelope"] is False and stats["overrun"] == 0


# --- 4. the visible header names the page ----------------------------------------------------------------------


def visible_header(html):
    """The text of the last breadcrumb item: what the collapsed slim header shows (icon, label, sublabel)."""
    nav = html.split('aria-label="Breadcrumb"', 1)[1].split("</nav>", 1)[0]
    last = nav.rsplit("<li", 1)[1].split(">", 1)[1]
    return " ".join(re.sub(r"<[^>]+>", " ", last).split())


def staff_pages(call, application):
    return [
        (reverse("grants_ranking:index"), "Ranking and decisions", ""),
        (reverse("grants_ranking:call", args=[call.pk]), "Ranking", call.title),
        (reverse("grants_ranking:assign", args=[call.pk]), "Assign reviewers automatically", call.title),
        (reverse("grants_reports:index"), "Grants dashboard", ""),
        (reverse("grants_reports:dashboard", args=[call.pk]), "Dashboard", call.title),
        (reverse("grants_reports:integrity", args=[call.pk]), "Integrity checks", call.title),
        (reverse("grants_applications:clarify", args=[application.pk]), "Ask the applicant a question", None),
        (reverse("grants_applications:screen", args=[application.pk]), "Screen application", None),
    ]


def test_custom_staff_pages_show_their_title_and_call_or_application_in_the_header(client):
    call = open_call()
    application = at_status(ApplicationFactory(call=call), S.SUBMITTED)
    client.force_login(reader())
    with time_machine.travel(call.closes_at + datetime.timedelta(hours=1), tick=False):
        for url, title, subtitle in staff_pages(call, application):
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            header = visible_header(html)
            assert header.startswith(title), (url, header)
            assert "Home" not in header, url
            expected = application.reference if subtitle is None else subtitle
            if expected:
                assert '<span class="w-breadcrumbs__sublabel' in html, url
                assert escape(expected) in header, (url, header)


# --- 5. decision messages ----------------------------------------------------------------------------------------


def test_a_replayed_decision_says_it_was_already_recorded(client):
    call = open_call()
    application = in_lot(call, "A")
    client.force_login(reader())
    first = client.post(ranking_url(call), decision_post(application), follow=True)
    assert ("success", f"{application.reference}: Award recorded; the applicant was notified.") in page_messages(first)
    again = client.post(ranking_url(call), decision_post(application), follow=True)
    messages = page_messages(again)
    assert ("info", f"{application.reference}: this decision was already recorded.") in messages
    assert not any("notified" in text for _level, text in messages)
    assert OutboxMessage.objects.filter(template="application_decision").count() == 1


def test_no_claim_of_a_mail_when_the_organisation_has_no_member_accounts(client):
    call = open_call()
    application = in_lot(call, "A", with_member=False)
    client.force_login(reader())
    response = client.post(ranking_url(call), decision_post(application, outcome="reject"), follow=True)
    assert application.decisions.count() == 1 and not OutboxMessage.objects.exists()
    assert (
        "warning",
        f"{application.reference}: Reject recorded. Nobody could be notified: the applicant organisation has no "
        "member accounts.",
    ) in page_messages(response)


def test_the_service_says_whether_it_recorded_and_how_many_were_mailed():
    staff = StaffFactory()
    application = at_status(ApplicationFactory(), S.RECOMMENDED)
    result = decide(application.pk, "reserve", user=staff, reason="Later.", request_token="t1")
    assert (result.created, result.notified) == (True, 0)  # no members, no submitter
    replay = decide(application.pk, "reserve", user=staff, reason="Later.", request_token="t1")
    assert (replay.created, replay.notified, replay.decision.pk) == (False, 0, result.decision.pk)
    other, _member = reviewed(S.RECOMMENDED)
    [row] = record_decisions([{"application_id": other.pk, "outcome": "reject", "reason": "No."}], user=staff)
    assert (row.ok, row.created, row.notified) == (True, True, 1)


# --- 6. the batch form -------------------------------------------------------------------------------------------


def batch_data(*applications, outcome="award", reason="Within the envelope.", form_key="batch-1"):
    return {
        "batch": "1",
        "batch-applications": [str(application.pk) for application in applications],
        "batch-outcome": outcome,
        "batch-reason": reason,
        "batch-request_token": form_key,
    }


def test_batch_errors_name_their_fields_at_the_top_and_the_form_is_anchored(client):
    call = open_call()
    application = in_lot(call, "A")
    client.force_login(reader())
    response = client.post(ranking_url(call), batch_data())  # nothing ticked
    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required." not in html
    messages = page_messages(response)
    assert messages == [
        (
            "error",
            "Nothing was decided. Applications: Choose at least one application: tick it in the first column of "
            "the ranking.",
        )
    ]
    assert '<form method="post" id="batch-form" action="#batch" novalidate>' in html
    response = client.post(ranking_url(call), batch_data(application, outcome="reject", reason=""))
    assert ("error", "Nothing was decided. Reason: Give a reason: the applicant will be told why.") in page_messages(
        response
    )
    assert not Decision.objects.exists()


def test_batch_results_are_counted_with_plurals(client):
    call = open_call()
    one = in_lot(call, "A")
    two, three = in_lot(call, "B"), in_lot(call, "C")
    client.force_login(reader())
    response = client.post(ranking_url(call), batch_data(one), follow=True)
    assert ("success", "Decision “Award” recorded for 1 application.") in page_messages(response)
    assert response.redirect_chain[-1][0] == ranking_url(call)  # the top of the page, where messages are
    response = client.post(ranking_url(call), batch_data(two, three, outcome="reserve", form_key="b2"), follow=True)
    assert ("success", "Decision “Reserve list” recorded for 2 applications.") in page_messages(response)
    response = client.post(ranking_url(call), batch_data(two, three, outcome="reserve", form_key="b2"), follow=True)
    messages = page_messages(response)
    assert ("info", "2 applications already had this decision: nothing was recorded twice.") in messages
    assert not [m for m in messages if m[0] == "success"]


def test_batch_says_who_could_not_be_notified(client):
    call = open_call()
    lonely = in_lot(call, "A", with_member=False)
    client.force_login(reader())
    response = client.post(ranking_url(call), batch_data(lonely, outcome="reject", reason="No."), follow=True)
    assert (
        "warning",
        f"Nobody could be notified for {lonely.reference}: the applicant organisation has no member accounts.",
    ) in page_messages(response)


# --- 7. dashboard labels -----------------------------------------------------------------------------------------


def test_long_lot_labels_fit_the_chart_and_are_complete_in_the_title_and_table(client):
    call = open_call()
    Lot.objects.filter(call=call, code="A").update(code="1", name="Knowledge generation and dissemination")
    at_status(ApplicationFactory(call=call, lot=call.lots.get(code="1")), S.SUBMITTED)
    client.force_login(reader())
    html = client.get(reverse("grants_reports:dashboard", args=[call.pk])).content.decode()
    full = "1: Knowledge generation and dissemination"
    labels = dict(
        (text, int(x)) for x, text in re.findall(r'<text class="iw-chart__label" x="(\d+)"[^>]*>([^<]*)</text>', html)
    )
    assert full in labels  # drawn whole: the label column grew to fit it
    assert labels[full] >= len(full) * LABEL_CHAR_WIDTH  # room to its left inside the SVG
    assert f"<title>{full}: 1</title>" in html and f'<th scope="row">{full}</th>' in html


def test_labels_longer_than_the_widest_column_are_cut_with_an_ellipsis_never_clipped():
    long_label = "Организации на граѓанското општество и независни медиуми од целиот регион"
    chart = BarChart(title="t", value_header="v", bars=[Bar(label=long_label, value=3, display="3"), Bar("B", 1, "1")])
    bar = chart.bars[0]
    assert bar.short_label.endswith("…") and long_label.startswith(bar.short_label[:-1])
    assert len(bar.short_label) * LABEL_CHAR_WIDTH <= chart.label_x
    assert chart.bars[1].short_label == "B"
    assert chart.width == chart.label_width + 360 + 140
    small = BarChart(title="t", value_header="v", bars=[Bar(label="MK", value=1, display="1")])
    assert small.label_width < chart.label_width
