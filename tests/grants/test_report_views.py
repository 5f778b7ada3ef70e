"""The grantee's report pages and the staff reporting pages (issue 5, items 2, 3 and 5): permissions both ways
(another grantee gets 404, with a token planted in the narrative), drafts that keep what was typed, submission with
confirmation and replay, files through a permission-checked view, the overdue list with a flat query count, and
the staff review actions."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grants.models import ActivityLog, ReportFile, ReportingRequirement, ReportKind, ReportReview, ReportStatus
from grants.services import reporting
from tests.grants.agreement_factories import agreement_with_member, make_agreement
from tests.grants.files_samples import pdf_bytes, png_bytes, upload, use_private_storage
from tests.grants.reports_helpers import grant_view_application
from tests.portal.factories_accounts import StaffFactory, UserFactory
from tests.portal.html_checks import inline_code, unstyled_classes

pytestmark = pytest.mark.django_db
TOKEN = "zq-private-narrative-7731"


@pytest.fixture
def storage(tmp_path, settings, monkeypatch):
    storage = use_private_storage(tmp_path, settings, monkeypatch)
    monkeypatch.setattr(ReportFile._meta.get_field("file"), "storage", storage)
    return storage


@pytest.fixture
def grant():
    """A signed agreement with its final report (a draft with the token) and a member; another grantee's member."""
    agreement, member = agreement_with_member()
    [final] = reporting.create_schedule(agreement)
    reporting.save_report(final.pk, user=member, narrative={"activities": TOKEN}, spending={})
    _other, outsider = agreement_with_member()
    return agreement, final, member, outsider


def form_data(agreement, **overrides):
    coordinator, debate = agreement.budget_lines.order_by("sort_order")
    data = {
        "activities": "Two workshops.",
        "results": "Scorecard published.",
        "challenges": "",
        "next_steps": "",
        "links": "",
        f"spending-{coordinator.pk}-actual": "4100",
        f"spending-{coordinator.pk}-note": "Extra month",
        f"spending-{debate.pk}-actual": "1500,50",
        f"spending-{debate.pk}-note": "",
    }
    data.update(overrides)
    return data


def test_grantee_sees_the_reports_with_due_dates_in_the_calls_zone(client, grant):
    agreement, final, member, outsider = grant
    client.force_login(member)
    response = client.get(reverse("grants:agreement_reports", args=[agreement.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "30 July 2026, 23:59" in html and "CEST" in html
    assert reverse("grants:report_detail", args=[final.pk]) in html and "Final report" in html
    assert not unstyled_classes(html), unstyled_classes(html)
    assert not inline_code(html)


def test_report_page_is_styled_and_shows_the_spending_table(client, grant):
    agreement, final, member, outsider = grant
    client.force_login(member)
    response = client.get(reverse("grants:report_detail", args=[final.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and TOKEN in html
    assert "Project coordinator" in html and "EUR 4,000.00" in html and "EUR 6,000.00" in html
    assert not unstyled_classes(html), unstyled_classes(html)
    assert not inline_code(html)


def test_another_grantee_gets_404_everywhere_and_never_the_token(client, grant, storage):
    agreement, final, member, outsider = grant
    item = reporting.add_report_file(
        final.report.pk, user=member, uploaded_file=upload("a.pdf", pdf_bytes()), kind="supporting"
    )
    urls = [
        reverse("grants:agreement_reports", args=[agreement.pk]),
        reverse("grants:report_detail", args=[final.pk]),
        reverse("grants:report_submit", args=[final.pk]),
        reverse("grants:report_file_download", args=[item.pk]),
    ]
    for user in (outsider, UserFactory()):
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 404, url
            assert TOKEN.encode() not in response.content
        assert client.post(urls[1], form_data(agreement, activities="hijack")).status_code == 404
        assert client.post(urls[2]).status_code == 404
    final.report.refresh_from_db()
    assert final.report.activities == TOKEN
    client.logout()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_staff_read_the_report_but_do_not_write_it(client, grant):
    agreement, final, member, outsider = grant
    client.force_login(StaffFactory(totp=True))
    response = client.get(reverse("grants:report_detail", args=[final.pk]))
    assert response.status_code == 200 and TOKEN in response.content.decode()
    assert 'name="spending-' not in response.content.decode()  # read-only
    assert client.post(reverse("grants:report_detail", args=[final.pk]), form_data(agreement)).status_code == 403
    assert client.post(reverse("grants:report_submit", args=[final.pk])).status_code == 403


@pytest.mark.parametrize("bad", ["-10", "ten euros", "12.345"])
def test_bad_spending_is_shown_again_as_typed_and_the_rest_is_saved(client, grant, bad):
    agreement, final, member, outsider = grant
    coordinator = agreement.budget_lines.order_by("sort_order").first()
    client.force_login(member)
    response = client.post(
        reverse("grants:report_detail", args=[final.pk]),
        form_data(agreement, **{f"spending-{coordinator.pk}-actual": bad}),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'value="{bad}"' in html and "Project coordinator" in html and 'aria-invalid="true"' in html
    final.report.refresh_from_db()
    assert final.report.activities == "Two workshops." and final.report.results == "Scorecard published."
    assert [str(s.actual_eur) for s in final.report.spending.all()] == ["1500.50"]


def test_save_submit_with_confirmation_and_replay(client, grant):
    agreement, final, member, outsider = grant
    client.force_login(member)
    detail = reverse("grants:report_detail", args=[final.pk])
    submit = reverse("grants:report_submit", args=[final.pk])
    response = client.post(detail, {**form_data(agreement), "submit": ""})
    assert response.status_code == 302 and response["Location"] == submit
    final.refresh_from_db()
    assert final.status == ReportStatus.PENDING  # only saved so far
    confirm = client.get(submit)
    assert confirm.status_code == 200 and "EUR 5,600.50" in confirm.content.decode()
    assert client.post(submit).status_code == 302
    assert client.post(submit).status_code == 302  # a replayed POST
    final.refresh_from_db()
    assert final.status == ReportStatus.SUBMITTED
    assert ReportReview.objects.filter(report__requirement=final, outcome="submitted").count() == 1
    page = client.get(detail).content.decode()
    assert "Submitted" in page and 'name="spending-' not in page


def test_incomplete_report_confirmation_lists_what_is_missing(client, grant):
    agreement, final, member, outsider = grant
    client.force_login(member)
    html = client.get(reverse("grants:report_submit", args=[final.pk])).content.decode()
    assert "Public debate" in html and "Results against the planned results" in html
    response = client.post(reverse("grants:report_submit", args=[final.pk]))
    assert response.status_code == 400
    final.refresh_from_db()
    assert final.status == ReportStatus.PENDING


def test_upload_and_download_a_photo_and_a_refused_file_keeps_the_draft(client, grant, storage):
    agreement, final, member, outsider = grant
    client.force_login(member)
    detail = reverse("grants:report_detail", args=[final.pk])
    data = {
        **form_data(agreement),
        "upload": "",
        "kind": "photo",
        "caption": "Workshop",
        "file": upload("w.png", png_bytes()),
    }
    assert client.post(detail, data).status_code == 302
    item = final.report.files.get()
    response = client.get(reverse("grants:report_file_download", args=[item.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    refused = {
        **form_data(agreement, activities="Kept."),
        "upload": "",
        "kind": "photo",
        "file": upload("a.pdf", pdf_bytes()),
    }
    response = client.post(detail, refused)
    assert response.status_code == 400 and "JPG or PNG" in response.content.decode()
    final.report.refresh_from_db()
    assert final.report.activities == "Kept." and final.report.files.count() == 1
    client.force_login(StaffFactory(totp=True))
    assert client.get(reverse("grants:report_file_download", args=[item.pk])).status_code == 200


# --- staff pages -----------------------------------------------------------------------------------------------------


def overdue(count: int) -> None:
    """``count`` overdue final reports of new signed agreements."""
    past = timezone.now() - datetime.timedelta(days=3)
    for _ in range(count):
        agreement = make_agreement()
        ReportingRequirement.objects.create(
            agreement=agreement, kind=ReportKind.FINAL, due_at=past, original_due_at=past
        )


def test_overdue_list_is_refused_to_everyone_but_staff_readers(client, staff_user):
    overdue(1)
    url = reverse("grants_reporting:index")
    assert client.get(url).status_code == 302  # anonymous: login
    for user in (UserFactory(), staff_user):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert b"GA-MK-2026" not in response.content
    client.force_login(grant_view_application(staff_user))
    response = client.get(url)
    assert response.status_code == 200 and b"GA-MK-2026" in response.content


def test_overdue_list_shows_only_overdue_and_waiting(client, staff_user, grant):
    agreement, final, member, outsider = grant
    overdue(1)
    later = make_agreement(start=datetime.date(2040, 1, 1), end=datetime.date(2040, 6, 30))
    reporting.create_schedule(later)  # due in the future: not listed as overdue
    client.force_login(grant_view_application(staff_user))
    html = client.get(reverse("grants_reporting:index")).content.decode()
    overdue_part, waiting_part = html.split('id="waiting"')
    assert later.reference not in overdue_part
    assert agreement.reference in overdue_part and "No report is waiting for review." in waiting_part


def test_overdue_list_query_count_is_flat(client, staff_user):
    client.force_login(grant_view_application(staff_user))
    url = reverse("grants_reporting:index")
    counts = []
    for size in (3, 30):
        overdue(size - ReportingRequirement.objects.count())
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_staff_request_changes_then_approve_through_the_review_page(client, staff_user, grant):
    agreement, final, member, outsider = grant
    reporting.save_report(
        final.pk,
        user=member,
        narrative={"results": "Done."},
        spending={line.pk: ("10", "") for line in agreement.budget_lines.all()},
        submit=True,
    )
    client.force_login(grant_view_application(staff_user))
    url = reverse("grants_reporting:review", args=[final.pk])
    page = client.get(url)
    assert page.status_code == 200 and TOKEN in page.content.decode() and "EUR 20.00" in page.content.decode()
    response = client.post(url, {"action": "request_changes", "comment": ""})
    assert response.status_code == 400
    assert client.post(url, {"action": "request_changes", "comment": "Add receipts."}).status_code == 302
    final.refresh_from_db()
    assert final.status == ReportStatus.CHANGES_REQUESTED
    reporting.submit_report(final.pk, user=member)
    assert client.post(url, {"action": "approve", "comment": ""}).status_code == 302
    assert client.post(url, {"action": "approve", "comment": ""}).status_code == 302  # a replay changes nothing
    final.refresh_from_db()
    assert final.status == ReportStatus.APPROVED
    assert list(final.report.history.values_list("outcome", flat=True)) == [
        "submitted",
        "changes_requested",
        "submitted",
        "approved",
    ]
    client.force_login(member)
    html = client.get(reverse("grants:report_detail", args=[final.pk])).content.decode()
    assert "Add receipts." in html and "Approved" in html


def test_staff_extend_and_add_a_report_from_the_admin(client, staff_user, grant):
    agreement, final, member, outsider = grant
    client.force_login(grant_view_application(staff_user))
    url = reverse("grants_reporting:review", args=[final.pk])
    assert client.post(url, {"action": "extend", "new_due_date": "2026-07-01", "reason": "x"}).status_code == 400
    response = client.post(url, {"action": "extend", "new_due_date": "2026-08-20", "reason": "Floods."})
    assert response.status_code == 302
    final.refresh_from_db()
    assert final.due_at > final.original_due_at
    assert ActivityLog.objects.filter(action="report_due_extended", comment__contains="Floods.").exists()
    add = reverse("grants_reporting:add", args=[agreement.pk])
    assert client.get(add).status_code == 200
    response = client.post(add, {"title": "Media update", "due_date": "2026-04-30"})
    assert response.status_code == 302
    extra = ReportingRequirement.objects.get(agreement=agreement, kind=ReportKind.AD_HOC)
    assert extra.title == "Media update"
    client.force_login(member)
    assert "Media update" in client.get(reverse("grants:agreement_reports", args=[agreement.pk])).content.decode()


def test_request_changes_on_the_review_page_sets_the_date_to_respond_by(client, staff_user, grant):
    """The staff form has the date (14 days from today by default); an empty comment is an error next to the field
    and a message at the top; the chosen date becomes the report's due date; the grantee sees staff's comment and
    the new due date at the top of the report page."""
    agreement, final, member, outsider = grant
    reporting.save_report(
        final.pk,
        user=member,
        narrative={"results": "Done."},
        spending={line.pk: ("10", "") for line in agreement.budget_lines.all()},
        submit=True,
    )
    first_due = final.due_at
    client.force_login(grant_view_application(staff_user))
    url = reverse("grants_reporting:review", args=[final.pk])
    html = client.get(url).content.decode()
    default = reporting.changes_default_respond_by(final)
    assert 'name="respond_by"' in html and f'value="{default.isoformat()}"' in html

    refused = client.post(url, {"action": "request_changes", "comment": "", "respond_by": ""})
    assert refused.status_code == 400
    message = "Say what should change: the grantee will read your comment."
    assert [str(m) for m in refused.context["messages"]] == [message]
    assert refused.content.decode().count(message) >= 2  # at the top and next to the field

    zone = reporting.call_zone(agreement)
    respond_by = max(timezone.now().astimezone(zone).date(), first_due.astimezone(zone).date())
    respond_by += datetime.timedelta(days=30)
    response = client.post(
        url, {"action": "request_changes", "comment": "Add receipts.\nAnd the list.", "respond_by": respond_by}
    )
    assert response.status_code == 302
    final.refresh_from_db()
    assert final.status == ReportStatus.CHANGES_REQUESTED
    assert final.due_at.astimezone(zone).date() == respond_by
    assert final.original_due_at == first_due

    client.force_login(member)
    page = client.get(reverse("grants:report_detail", args=[final.pk]))
    html = page.content.decode()
    notice = html[html.index('id="changes-requested"') : html.index("</div>", html.index('id="changes-requested"'))]
    assert "Add receipts.<br>And the list." in notice
    assert page.context["due"] in notice
    assert html.index('id="changes-requested"') < html.index('id="heading-narrative"')  # above the form
    assert not unstyled_classes(html), unstyled_classes(html)
    assert not inline_code(html)
    assert "table--spending" in html and "form--table" in html


def test_no_changes_notice_when_the_report_is_not_sent_back(client, grant):
    agreement, final, member, outsider = grant
    client.force_login(member)
    html = client.get(reverse("grants:report_detail", args=[final.pk])).content.decode()
    assert 'id="changes-requested"' not in html


def test_report_form_does_not_promise_required_marks_it_never_shows(client, grant):
    """The narrative is checked at submission, not per field: no "*" on the form, so no line explaining it."""
    agreement, final, member, outsider = grant
    client.force_login(member)
    html = client.get(reverse("grants:report_detail", args=[final.pk])).content.decode()
    assert 'name="results"' in html
    assert "Fields marked with *" not in html and 'class="required"' not in html
