"""Staff admin of applications: read-only, who may see it, filters, search, a flat query count, the inspect view."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grants.models import ActivityLog, Application, ApplicationStatus, Attachment
from tests.community.factories import OrganisationFactory
from tests.grants.factories import ApplicationFactory, ApplicationPartnerFactory, BudgetLineFactory, open_call
from tests.portal.factories import CountryFactory, UserFactory

INDEX = "grants_applications:index"


@pytest.fixture
def reader(staff_user):
    staff_user.user_permissions.add(Permission.objects.get(codename="view_application"))
    return staff_user


def submitted(call, n, **fields):
    application = ApplicationFactory(
        call=call,
        lot=fields.pop("lot", None) or call.lots.get(code="A"),
        status=ApplicationStatus.SUBMITTED,
        reference=f"IW-MK-2025-{n:03d}",
        submitted_at=timezone.now(),
        **fields,
    )
    BudgetLineFactory(application=application, quantity=Decimal("6"), unit_cost_eur=Decimal("1000"))
    return application


@pytest.mark.django_db
def test_anonymous_and_non_staff_are_refused(client):
    url = reverse(INDEX)
    assert client.get(url).status_code == 302
    user = UserFactory()  # not staff, even with the permissions
    user.user_permissions.add(*Permission.objects.filter(codename__in=["access_admin", "view_application"]))
    client.force_login(user)
    assert client.get(url).status_code in (302, 403)


@pytest.mark.django_db
def test_staff_without_the_permission_is_refused(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse(INDEX)).status_code in (302, 403)


@pytest.mark.django_db
def test_staff_reader_sees_the_list_but_cannot_add_edit_or_delete(client, reader):
    application = submitted(open_call(), 1, title="Open contracts")
    client.force_login(reader)
    response = client.get(reverse(INDEX))
    assert response.status_code == 200
    html = response.content.decode()
    assert "IW-MK-2025-001" in html and "Open contracts" in html
    assert "EUR 6,000.00" in html
    assert client.get(reverse("grants_applications:add")).status_code in (302, 403)
    edit = reverse("grants_applications:edit", args=[application.pk])
    assert client.get(edit).status_code in (302, 403)
    assert client.post(edit, {"title": "Changed by staff"}).status_code in (302, 403)
    delete = reverse("grants_applications:delete", args=[application.pk])
    assert client.post(delete).status_code in (302, 403)
    application.refresh_from_db()
    assert application.title == "Open contracts"


@pytest.mark.django_db
def test_filters_and_search(client, reader):
    call_a, call_b = open_call(code="mk-a"), open_call(code="mk-b")
    rs = OrganisationFactory(country=CountryFactory(code="RS"), legal_name="Belgrade Watchdog")
    first = submitted(call_a, 1, title="Alpha project")
    submitted(call_a, 2, title="Beta project", organisation=rs, lot=call_a.lots.get(code="C"))
    submitted(call_b, 3, title="Gamma project")
    draft = ApplicationFactory(call=call_b, title="Delta draft")
    client.force_login(reader)

    def listed(**params):
        response = client.get(reverse(INDEX), params)
        assert response.status_code == 200
        return sorted(a.title for a in response.context["object_list"])

    assert listed(call=call_a.pk) == ["Alpha project", "Beta project"]
    assert listed(lot=call_a.lots.get(code="C").pk) == ["Beta project"]
    assert listed(country=rs.country.pk) == ["Beta project"]
    assert listed(status="draft") == [draft.title]
    assert listed(q="IW-MK-2025-003") == ["Gamma project"]
    assert listed(q="belgrade") == ["Beta project"]
    assert listed(q="alpha") == [first.title]


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_list_query_count_is_the_same_for_3_and_300_applications(client, reader):
    call = open_call()
    client.force_login(reader)
    for n in range(3):
        submitted(call, n + 1, organisation=OrganisationFactory())
    three = _count(client, reverse(INDEX))
    orgs = [OrganisationFactory(country=CountryFactory(code=code)) for code in ["BA", "XK", "MK", "RS", "TR"]]
    rules = call.current_rules()
    lot = call.lots.get(code="B")
    rows = Application.objects.bulk_create(
        Application(
            call=call,
            lot=lot,
            rules_version=rules,
            organisation=orgs[n % 5],
            status=ApplicationStatus.SUBMITTED,
            reference=f"IW-XX-2025-{n:04d}",
            title=f"Project {n}",
            requested_amount_eur=Decimal("9000"),
            submitted_at=timezone.now(),
        )
        for n in range(297)
    )
    for row in rows:
        BudgetLineFactory(application=row)
    assert Application.objects.count() == 300
    assert _count(client, reverse(INDEX)) == three
    assert _count(client, reverse(INDEX) + f"?call={call.pk}&status=submitted") == _count(
        client, reverse(INDEX) + f"?call={call.pk}&status=submitted&q=Project"
    )


@pytest.mark.django_db
def test_inspect_view_shows_fields_budget_partners_attachments_and_activity(client, reader, monkeypatch):
    monkeypatch.setattr("grants.admin_views.reverse", lambda name, args: f"/en/grants/files/{args[0]}/")
    call = open_call()
    application = submitted(call, 7, title="Open Contracts – Honest Communities", problem="Line one\nLine two")
    BudgetLineFactory(application=application, description="Scorecard design", quantity=2, unit_cost_eur="1500.50")
    ApplicationPartnerFactory(application=application, role="Runs the Serbian debate")
    document = call.required_documents.get(code="budget")
    attachment = Attachment.objects.create(
        application=application,
        document=document,
        file="applications/x/abc",
        original_name="budžet.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        size_bytes=2048,
        sha256="0" * 64,
    )
    ActivityLog.objects.create(
        application=application, action="submitted", from_status="draft", to_status="submitted", actor=reader
    )
    client.force_login(reader)
    response = client.get(reverse("grants_applications:inspect", args=[application.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "IW-MK-2025-007",
        "Open Contracts – Honest Communities",
        "<p>Line one<br>Line two</p>",
        "Scorecard design",
        "EUR 3,001.00",
        "EUR 9,001.00",  # 6,000 + 3,001.00
        "Runs the Serbian debate",
        f'<a href="/en/grants/files/{attachment.pk}/">budžet.xlsx</a>',
        "submitted",
    ]:
        assert text in html, text
    assert "Edit" not in [b.label for b in response.context["view"].header_more_buttons]


@pytest.mark.django_db
def test_inspect_links_attachments_to_the_permission_checked_download_view(client, reader):
    call = open_call()
    application = submitted(call, 8)
    attachment = Attachment.objects.create(
        application=application,
        file="applications/x/y",
        original_name="statute.pdf",
        content_type="application/pdf",
        size_bytes=10,
        sha256="1" * 64,
    )
    client.force_login(reader)
    html = client.get(reverse("grants_applications:inspect", args=[application.pk])).content.decode()
    url = reverse("grants:attachment_download", args=[attachment.pk])
    assert f'<a href="{url}">statute.pdf</a>' in html


@pytest.mark.django_db
def test_inspect_without_the_download_view_lists_files_without_links(client, reader, monkeypatch):
    from django.urls import NoReverseMatch

    def missing(name, args):
        raise NoReverseMatch(name)

    monkeypatch.setattr("grants.admin_views.reverse", missing)
    application = submitted(open_call(), 10)
    Attachment.objects.create(
        application=application,
        file="applications/x/z",
        original_name="cv.pdf",
        content_type="application/pdf",
        size_bytes=10,
        sha256="2" * 64,
    )
    client.force_login(reader)
    html = client.get(reverse("grants_applications:inspect", args=[application.pk])).content.decode()
    assert "cv.pdf" in html and ">cv.pdf</a>" not in html


@pytest.mark.django_db
def test_formula_title_is_escaped_text_in_the_admin(client, reader):
    title = '=HYPERLINK("https://evil.example","x")<script>alert(1)</script>'
    application = submitted(open_call(), 9, title=title)
    client.force_login(reader)
    for url in (reverse(INDEX), reverse("grants_applications:inspect", args=[application.pk])):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "=HYPERLINK(&quot;https://evil.example&quot;,&quot;x&quot;)&lt;script&gt;" in html
