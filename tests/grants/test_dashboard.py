"""The applicant dashboard: my organisations, my applications across them, open calls; flat query count."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community.models import OrganisationMembership
from grants.models import Application, CallIndexPage, CallPage
from tests.community.factories import OrganisationFactory, member_of
from tests.grants.factories import ApplicationFactory, open_call
from tests.portal.conftest import home_page  # noqa: F401  (fixture)
from tests.portal.factories import CountryFactory, UserFactory
from tests.portal.html_checks import inline_code, unstyled_classes

pytestmark = pytest.mark.django_db
URL = reverse("grants:dashboard")


def _bulk_applications(organisations, call, count):
    """``count`` draft applications spread over ``organisations`` and the call's lots (fast set-up)."""
    lots = list(call.lots.all())
    version = call.current_rules()
    Application.objects.bulk_create(
        Application(
            call=call,
            lot=lots[i % len(lots)],
            rules_version=version,
            organisation=organisations[i % len(organisations)],
            title=f"Application {i}",
            requested_amount_eur=Decimal("5000.00"),
        )
        for i in range(count)
    )


def test_dashboard_needs_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_dashboard_lists_my_organisations_and_their_applications_only(client):
    mine = OrganisationFactory(legal_name="Open Data Skopje")
    user = member_of(mine, role=OrganisationMembership.Role.MEMBER)
    other_org = OrganisationFactory()
    ApplicationFactory(organisation=mine, title="Mine to see", requested_amount_eur=Decimal("7500.00"))
    ApplicationFactory(organisation=other_org, title="Not mine")
    client.force_login(user)

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert not inline_code(html)
    assert not unstyled_classes(html), unstyled_classes(html)
    assert "Open Data Skopje" in html and "Member" in html
    assert f'href="{reverse("community:organisation_detail", args=[mine.pk])}"' in html
    assert "Mine to see" in html and "Not mine" not in html
    assert "7,500.00" in html
    assert "(Europe/Skopje, CEST)" in html or "(Europe/Skopje, CET)" in html
    assert "days left" in html
    assert "Draft" in html


def test_closed_call_says_closed_and_submitted_shows_reference(client):
    from tests.grants.test_application_views import complete_application, submitted

    application = complete_application(title="Submitted one")
    user = member_of(application.organisation)
    submitted(application, user)
    application.refresh_from_db()
    client.force_login(user)
    application.call.__class__.objects.filter(pk=application.call_id).update(
        closes_at=timezone.now() - datetime.timedelta(hours=1)
    )

    html = client.get(URL).content.decode()

    assert application.reference in html
    assert "Submitted" in html
    assert "closed" in html


def test_dashboard_offers_open_calls_with_a_link_to_the_call_page(client, home_page):  # noqa: F811
    call = open_call(title="Open call for Skopje")
    open_call(title="Serbian call", country=CountryFactory(code="RS"))  # not for my organisation's country
    index = home_page.add_child(instance=CallIndexPage(title="Calls", slug="calls"))
    index.add_child(instance=CallPage(title="Skopje call page", slug="skopje-call", call=call))
    client.force_login(member_of(OrganisationFactory()))

    html = client.get(URL).content.decode()

    assert "Open call for Skopje" in html
    assert "/calls/skopje-call/" in html
    assert f"{reverse('grants:application_start')}?call={call.pk}" in html
    assert "Serbian call" not in html


def test_user_without_organisation_is_told_how_to_start(client):
    client.force_login(UserFactory())

    html = client.get(URL).content.decode()

    assert "You do not belong to an organisation yet" in html
    assert "No applications yet" in html


def test_formula_title_stays_plain_text(client):
    application = ApplicationFactory(title='=HYPERLINK("http://x","click")')
    client.force_login(member_of(application.organisation))

    html = client.get(URL).content.decode()

    assert "=HYPERLINK(&quot;http://x&quot;,&quot;click&quot;)" in html
    assert 'href="http://x"' not in html


def test_query_count_is_flat_for_3_and_300_applications(client):
    """Same number of queries for 3 and 300 applications (two organisations, an open and a closed call)."""
    counts = {}
    for label, count in (("small", 3), ("large", 300)):
        user = UserFactory()
        organisations = [OrganisationFactory(), OrganisationFactory()]
        for organisation in organisations:
            OrganisationMembership.objects.create(organisation=organisation, user=user)
        open_one = open_call()
        closed = open_call(
            opens_at=timezone.now() - datetime.timedelta(days=30),
            closes_at=timezone.now() - datetime.timedelta(days=2),
        )
        _bulk_applications(organisations, open_one, count - count // 3)
        _bulk_applications(organisations, closed, count // 3)
        client.force_login(user)
        client.get(URL)  # warm caches (site root paths, locales)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL)
        assert response.status_code == 200
        assert response.content.decode().count('data-label="Reference"') == min(count, 50)
        counts[label] = len(queries)
    assert counts["small"] == counts["large"]
