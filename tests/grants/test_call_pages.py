"""Public call pages: the calls list (order, filters, flat query count) and a call page (rules, deadline in the
call's zone with its name, countdown states, apply links, plain-text titles)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
import wagtail_factories
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grants.models import CallIndexPage, CallPage
from grants.templatetags.call_tags import countdown_text, format_eur, format_in_zone
from tests.grants.factories import CallFactory, LotFactory, open_call
from tests.portal.conftest import home_page  # noqa: F401  (fixture)
from tests.portal.factories import CountryFactory
from tests.portal.html_checks import inline_code, unstyled_classes

SKOPJE = ZoneInfo("Europe/Skopje")
UTC = datetime.UTC
# The real North Macedonia deadline: 16 July 2025, 16:00 in Skopje (CEST, UTC+2) = 14:00 UTC.
MK_DEADLINE = datetime.datetime(2025, 7, 16, 16, 0, tzinfo=SKOPJE)


class CallIndexPageFactory(wagtail_factories.PageFactory):
    title = "Calls for proposals"
    intro = "Sub-grants for civil society."

    class Meta:
        model = CallIndexPage


class CallPageFactory(wagtail_factories.PageFactory):
    title = "Call page"
    intro = "Apply for a small grant."

    class Meta:
        model = CallPage


@pytest.fixture
def index(home_page):  # noqa: F811
    return CallIndexPageFactory(parent=home_page, slug="calls")


def call_page(index, call, title=None):
    return CallPageFactory(parent=index, call=call, title=title or call.title, slug=call.code)


def mk_call(**fields):
    fields.setdefault("opens_at", datetime.datetime(2025, 6, 1, 9, 0, tzinfo=SKOPJE))
    fields.setdefault("closes_at", MK_DEADLINE)
    return open_call(**fields)


# --- formatting ----------------------------------------------------------------------------------------------------


def test_time_shown_in_the_call_zone_with_its_name_and_abbreviation():
    assert format_in_zone(MK_DEADLINE.astimezone(UTC), "Europe/Skopje") == "16 July 2025, 16:00 (Europe/Skopje, CEST)"
    winter = datetime.datetime(2025, 12, 1, 15, 0, tzinfo=UTC)
    assert format_in_zone(winter, "Europe/Sarajevo") == "1 December 2025, 16:00 (Europe/Sarajevo, CET)"
    assert format_in_zone(winter, "Europe/Istanbul") == "1 December 2025, 18:00 (Europe/Istanbul, +03)"


def test_time_across_the_daylight_saving_change():
    # The EU clocks go back on 26 October 2025 at 03:00 CEST: 00:30 UTC is 02:30 CEST, 01:30 UTC is 02:30 CET.
    before = datetime.datetime(2025, 10, 26, 0, 30, tzinfo=UTC)
    after = datetime.datetime(2025, 10, 26, 1, 30, tzinfo=UTC)
    assert format_in_zone(before, "Europe/Skopje").endswith("02:30 (Europe/Skopje, CEST)")
    assert format_in_zone(after, "Europe/Skopje").endswith("02:30 (Europe/Skopje, CET)")


def test_amounts_in_eur_with_grouping():
    assert format_eur(Decimal("44000")) == "EUR 44,000.00"
    assert format_eur(Decimal("4000.5")) == "EUR 4,000.50"
    assert format_eur(None) == ""
    assert format_eur("not a number") == ""


@pytest.mark.django_db
def test_countdown_states():
    call = mk_call()
    with time_machine.travel(datetime.datetime(2025, 5, 31, 12, 0, tzinfo=UTC), tick=False):
        assert countdown_text(call) == "Opens on 1 June 2025, 09:00 (Europe/Skopje, CEST)"
    with time_machine.travel(datetime.datetime(2025, 7, 13, 11, 0, tzinfo=UTC), tick=False):
        assert countdown_text(call) == "3 days, 3 hours left"
    with time_machine.travel(datetime.datetime(2025, 7, 16, 13, 15, tzinfo=UTC), tick=False):
        assert countdown_text(call) == "0 hours, 45 minutes left"
    with time_machine.travel(MK_DEADLINE, tick=False):
        assert countdown_text(call) == "0 hours, 0 minutes left"  # the deadline itself is still on time
    with time_machine.travel(MK_DEADLINE + datetime.timedelta(seconds=1), tick=False):
        assert countdown_text(call) == "Closed"


# --- the call page -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_call_page_shows_rules_and_deadline_in_zone(client, index):
    call = mk_call(title="North Macedonia 2025", code="mk-2025", total_envelope=Decimal("44000"))
    page = call_page(index, call)
    with time_machine.travel(datetime.datetime(2025, 7, 1, 10, 0, tzinfo=UTC), tick=False):
        response = client.get(page.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "16 July 2025, 16:00 (Europe/Skopje, CEST)" in html
    assert 'datetime="2025-07-16T14:00:00+00:00"' in html
    assert "15 days, 4 hours left" in html
    assert "EUR 44,000.00" in html
    for text in [
        "Cross-border initiatives",
        "Needs at least 1 partner organisation from at least 1 programme country other than the lead",
        "Relevance",
        "below 15 points",
        "Pass mark: 65 points",
        "Partnership letter",
        "cross-border lots only",
        "English, Macedonian",
        "at least 5%",
    ]:
        assert text in html, text
    assert '<td class="num" data-label="Total">100</td>' in html
    assert not unstyled_classes(html) and not inline_code(html)


@pytest.mark.django_db
def test_call_page_closed_and_upcoming(client, index):
    page = call_page(index, mk_call(code="mk-2025"))
    with time_machine.travel(MK_DEADLINE + datetime.timedelta(seconds=1), tick=False):
        html = client.get(page.url).content.decode()
    assert "<strong>Closed</strong>" in html
    assert "Apply to lot" not in html
    with time_machine.travel(datetime.datetime(2025, 5, 1, tzinfo=UTC), tick=False):
        html = client.get(page.url).content.decode()
    assert "Opens on 1 June 2025, 09:00 (Europe/Skopje, CEST)" in html
    assert "Apply to lot" not in html


@pytest.mark.django_db
def test_apply_links_only_while_open_and_only_when_the_view_exists(client, index, monkeypatch):
    call = open_call(code="open-now")
    page = call_page(index, call)
    monkeypatch.setattr("grants.models.pages.reverse", lambda name: "/en/grants/apply/")
    html = client.get(page.url).content.decode()
    lot = call.lots.get(code="C")
    assert f"/en/grants/apply/?call={call.pk}&amp;lot={lot.pk}" in html
    assert "Apply to lot C" in html


@pytest.mark.django_db
def test_apply_button_absent_when_the_view_is_not_installed(client, index, monkeypatch):
    from django.urls import NoReverseMatch

    def missing(name):
        raise NoReverseMatch(name)

    monkeypatch.setattr("grants.models.pages.reverse", missing)
    page = call_page(index, open_call(code="open-now"))
    response = client.get(page.url)
    assert response.status_code == 200
    assert "Apply to lot" not in response.content.decode()


@pytest.mark.django_db
def test_unpublished_call_page_is_404(client, index):
    page = call_page(index, open_call(code="draft-call", published=False))
    assert client.get(page.url).status_code == 404


@pytest.mark.django_db
def test_formula_title_is_plain_text(client, index):
    title = '=HYPERLINK("https://evil.example","click")<b>x</b>'
    call = open_call(code="formula", title=title)
    page = call_page(index, call, title=title)
    for url in (page.url, index.url):
        html = client.get(url).content.decode()
        assert "<b>x</b>" not in html
        assert "=HYPERLINK(&quot;https://evil.example&quot;,&quot;click&quot;)&lt;b&gt;x&lt;/b&gt;" in html


# --- the list ------------------------------------------------------------------------------------------------------


@pytest.fixture
def three_calls(index):
    now = datetime.datetime(2025, 7, 1, 10, 0, tzinfo=UTC)
    rs = CountryFactory(code="RS")
    closed = open_call(
        code="closed",
        title="Closed MK call",
        opens_at=now - datetime.timedelta(days=60),
        closes_at=now - datetime.timedelta(days=10),
    )
    soon = open_call(
        code="open-soon",
        title="Open RS call",
        country=rs,
        opens_at=now - datetime.timedelta(days=3),
        closes_at=now + datetime.timedelta(days=5),
        eligible_countries=["RS"],
    )
    later = CallFactory(
        code="open-later",
        title="Open regional call",
        country=None,
        opens_at=now - datetime.timedelta(days=3),
        closes_at=now + datetime.timedelta(days=30),
        eligible_countries=["RS", "BA"],
    )
    LotFactory(call=later, code="A", cross_border=False)
    upcoming = open_call(
        code="upcoming",
        title="Upcoming MK call",
        opens_at=now + datetime.timedelta(days=2),
        closes_at=now + datetime.timedelta(days=40),
    )
    for call in (closed, soon, later, upcoming):
        call_page(index, call)
    return now


def titles(response):
    return [page.title for page in response.context["calls"]]


@pytest.mark.django_db
def test_list_order_open_first_by_deadline_then_upcoming_then_past(client, index, three_calls):
    with time_machine.travel(three_calls, tick=False):
        response = client.get(index.url)
    assert titles(response) == ["Open RS call", "Open regional call", "Upcoming MK call", "Closed MK call"]
    assert not unstyled_classes(response.content.decode()) and not inline_code(response.content.decode())
    html = response.content.decode()
    assert "EUR 44,000.00" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params, expected",
    [
        ({"status": "open"}, ["Open RS call", "Open regional call"]),
        ({"status": "upcoming"}, ["Upcoming MK call"]),
        ({"status": "closed"}, ["Closed MK call"]),
        ({"country": "MK"}, ["Upcoming MK call", "Closed MK call"]),
        ({"country": "RS"}, ["Open RS call", "Open regional call"]),
        ({"country": "BA"}, ["Open regional call"]),
        ({"lot_type": "cross_border"}, ["Open RS call", "Upcoming MK call", "Closed MK call"]),
        ({"lot_type": "cross_border", "status": "open"}, ["Open RS call"]),
        (
            {"status": "nonsense", "country": "ZZ"},
            ["Open RS call", "Open regional call", "Upcoming MK call", "Closed MK call"],
        ),
    ],
)
def test_list_filters(client, index, three_calls, params, expected):
    with time_machine.travel(three_calls, tick=False):
        response = client.get(index.url, params)
    assert response.status_code == 200
    assert titles(response) == expected


@pytest.mark.django_db
def test_list_hides_unpublished_calls(client, index):
    call_page(index, open_call(code="hidden", title="Hidden draft call", published=False))
    call_page(index, open_call(code="shown", title="Shown call"))
    assert titles(client.get(index.url)) == ["Shown call"]


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_list_query_count_is_flat(client, index):
    for n in range(3):
        call_page(index, open_call(code=f"a{n}"))
    three = _count(client, index.url)
    for n in range(9):
        call_page(index, open_call(code=f"b{n}"))
    twelve = _count(client, index.url)  # one listing page holds 12 calls
    assert three == twelve


@pytest.mark.django_db
def test_apply_links_point_at_the_real_start_view(client, index):
    from django.urls import reverse

    call = open_call(code="open-real")
    page = call_page(index, call)
    lot = call.lots.get(code="A")
    html = client.get(page.url).content.decode()
    assert f'href="{reverse("grants:application_start")}?call={call.pk}&amp;lot={lot.pk}"' in html
