"""The applicant's screens: start (with the eligibility preview), edit without losing data, detail, review and
submit (replay-safe), receipt, withdraw.

Helpers here (``pdf_upload``, ``complete_application``, ``submitted``) are shared by the other
``test_application_views*``, ``test_dashboard`` and ``test_bad_input`` modules.
"""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants.models import ActivityLog, Application, ApplicationStatus, Attachment
from grants.services.submission import check_submission, submit_application
from portal.notifications.models import OutboxMessage
from tests.community.factories import OrganisationFactory, member_of
from tests.grants.factories import ApplicationFactory, BudgetLineFactory, open_call
from tests.portal.factories import CountryFactory
from tests.portal.html_checks import inline_code, unstyled_classes

pytestmark = pytest.mark.django_db


# --- helpers ----------------------------------------------------------------------------------------------------


def pdf_bytes() -> bytes:
    """A one-page PDF that pypdf itself wrote (a real PDF, as the content check wants)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_upload(name="certificate.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def attach(application, document, name="file.pdf") -> Attachment:
    """Store an attachment directly (test set-up, not the upload path under test)."""
    data = pdf_bytes()
    attachment = Attachment(
        application=application,
        document=document,
        original_name=name,
        content_type="application/pdf",
        size_bytes=len(data),
        sha256="0" * 64,
    )
    attachment.file.save(name, ContentFile(data), save=False)
    attachment.save()
    return attachment


def complete_application(**fields) -> Application:
    """A draft to lot A that passes every submission check: 6 months, EUR 6,000 = one budget line, documents."""
    application = ApplicationFactory(**fields)
    BudgetLineFactory(application=application, quantity=Decimal("6"), unit_cost_eur=Decimal("1000.00"))
    for document in application.call.required_documents.filter(cross_border_only=False):
        attach(application, document, name=f"{document.code}.pdf")
    return application


def submitted(application: Application, user) -> Application:
    """Submit ``application`` through the service (set-up for read-only and withdraw tests)."""
    return submit_application(application.pk, user=user)


def edit_data(application, **overrides) -> dict:
    """A complete POST for the edit form of a lot-A application (no budget rows unless given)."""
    data = {
        "title": application.title,
        "summary": application.summary,
        "problem": application.problem,
        "objectives": application.objectives,
        "activities": application.activities,
        "expected_results": application.expected_results,
        "data_use": application.data_use,
        "language": "en",
        "duration_months": "6",
        "requested_amount_eur": "6000.00",
        "budget-TOTAL_FORMS": "1",
        "budget-INITIAL_FORMS": "0",
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "1000",
        "budget-0-category": "staff",
        "budget-0-description": "Coordinator",
        "budget-0-unit": "month",
        "budget-0-quantity": "6",
        "budget-0-unit_cost_eur": "1000",
        "budget-0-co_financing_eur": "0",
        "budget_extra": "2",
        "partner_extra": "1",
        "save": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def draft():
    return ApplicationFactory()


@pytest.fixture
def member(draft):
    return member_of(draft.organisation)


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def _assert_page_ok(response):
    html = response.content.decode()
    assert not inline_code(html)
    assert not unstyled_classes(html), unstyled_classes(html)
    return html


# --- start ------------------------------------------------------------------------------------------------------


def test_start_requires_sign_in_and_comes_back(client):
    call = open_call()
    url = reverse("grants:application_start") + f"?call={call.pk}"

    response = client.get(url)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert "next=" in response["Location"]


def test_start_without_an_organisation_explains_what_to_do(client):
    from tests.portal.factories import UserFactory

    call = open_call()
    client.force_login(UserFactory())

    response = client.get(reverse("grants:application_start") + f"?call={call.pk}")

    assert response.status_code == 200
    html = response.content.decode()
    assert "You do not belong to one yet" in html
    create = reverse("community:organisation_create")
    assert f'href="{create}?next=%2Fgrants%2Fapplications%2Fnew%2F%3Fcall%3D{call.pk}"' in html
    assert not Application.objects.exists()


def test_start_shows_the_eligibility_check_for_the_chosen_organisation(client):
    call = open_call()
    organisation = OrganisationFactory(annual_budget_eur=Decimal("90000"))  # over lot A's 50,000 limit
    client.force_login(member_of(organisation))
    lot = call.lots.get(code="A")

    response = client.get(
        reverse("grants:application_start"), {"call": call.pk, "organisation": organisation.pk, "lot": lot.pk}
    )

    html = _assert_page_ok(response)
    assert "Eligibility of" in html
    assert "Not met" in html
    assert "Met" in html
    assert not Application.objects.exists()  # a preview creates nothing


def test_start_creates_one_draft_even_on_a_double_click(client):
    call = open_call()
    organisation = OrganisationFactory()
    client.force_login(member_of(organisation))
    lot = call.lots.get(code="A")
    url = reverse("grants:application_start") + f"?call={call.pk}"
    data = {"organisation": organisation.pk, "lot": lot.pk}

    first = client.post(url, data)
    second = client.post(url, data)

    application = Application.objects.get()
    assert first["Location"] == reverse("grants:application_edit", args=[application.pk])
    assert second.status_code == 302
    assert second["Location"] == reverse("grants:application_edit", args=[application.pk])
    assert application.organisation == organisation and application.lot == lot


def test_start_double_click_creates_one_draft_when_the_call_allows_several_per_lot(client):
    """The one-per-lot rule cannot catch a double click when a call allows more: the form's start token does."""
    call = open_call(applications_per_lot=3)
    organisation = OrganisationFactory()
    client.force_login(member_of(organisation))
    lot = call.lots.get(code="A")
    preview = client.get(
        reverse("grants:application_start"), {"call": call.pk, "organisation": organisation.pk, "lot": lot.pk}
    )
    token = re.search(r'name="start_token" value="([0-9a-f]{32})"', preview.content.decode()).group(1)
    url = reverse("grants:application_start") + f"?call={call.pk}"
    data = {"organisation": organisation.pk, "lot": lot.pk, "start_token": token}

    first = client.post(url, data)
    second = client.post(url, data)

    application = Application.objects.get()
    assert first["Location"] == second["Location"] == reverse("grants:application_edit", args=[application.pk])
    # A new start form (a new token) is a deliberate second application, which this call allows.
    third = client.post(url, {**data, "start_token": "f" * 32})
    assert third.status_code == 302 and Application.objects.count() == 2


def test_start_refuses_an_organisation_the_user_does_not_belong_to(client):
    call = open_call()
    client.force_login(member_of(OrganisationFactory()))
    other = OrganisationFactory()

    response = client.post(
        reverse("grants:application_start") + f"?call={call.pk}",
        {"organisation": other.pk, "lot": call.lots.get(code="A").pk},
    )

    assert response.status_code == 200
    assert not Application.objects.exists()


def test_start_for_an_unknown_or_unpublished_call_is_404(client):
    client.force_login(member_of(OrganisationFactory()))
    hidden = open_call(published=False)

    assert client.get(reverse("grants:application_start") + "?call=999999").status_code == 404
    assert client.get(reverse("grants:application_start") + f"?call={hidden.pk}").status_code == 404
    assert client.get(reverse("grants:application_start") + "?call=abc").status_code == 404


# --- edit -------------------------------------------------------------------------------------------------------


def test_edit_page_has_every_section_and_blank_budget_rows(member_client, draft):
    response = member_client.get(reverse("grants:application_edit", args=[draft.pk]))

    html = _assert_page_ok(response)
    for anchor in ("section-project", "section-budget", "section-partners", "section-documents"):
        assert f'id="{anchor}"' in html
    assert 'name="budget-TOTAL_FORMS" value="2"' in html  # no saved lines, two blank rows
    assert "co-applicants are only part of cross-border lots" in html
    assert 'enctype="multipart/form-data"' in html
    assert "Registration certificate" in html and "Partnership letter" not in html  # letter only for lot C


def test_save_draft_saves_text_and_budget_lines(member_client, draft):
    response = member_client.post(
        reverse("grants:application_edit", args=[draft.pk]), edit_data(draft, title="Scorecards for Bitola")
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Scorecards for Bitola"
    assert draft.requested_amount_eur == Decimal("6000.00")
    line = draft.budget_lines.get()
    assert line.total_eur == Decimal("6000.00")


def test_a_validation_error_keeps_everything_typed_and_saves_the_valid_text(member_client, draft):
    data = edit_data(draft, title="New title kept", objectives="Typed objectives", requested_amount_eur="-5")
    data["budget-0-quantity"] = "many"

    response = member_client.post(reverse("grants:application_edit", args=[draft.pk]), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="-5"' in html  # the bad amount is shown as typed
    assert 'value="many"' in html
    assert "Typed objectives" in html
    assert "Coordinator" in html  # the other cells of the bad budget row
    draft.refresh_from_db()
    assert draft.title == "New title kept"  # valid text saved anyway
    assert draft.objectives == "Typed objectives"
    assert draft.requested_amount_eur == Decimal("6000.00")  # the invalid amount did not overwrite the saved one
    assert not draft.budget_lines.exists()  # an invalid budget leaves the saved lines as they were


def test_a_failed_upload_keeps_the_draft_text_and_reports_the_file(member_client, draft):
    document = draft.call.required_documents.get(code="registration-certificate")
    data = edit_data(draft, title="Text survives a bad file")
    data[f"document-{document.pk}"] = SimpleUploadedFile(
        "certificate.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )

    response = member_client.post(reverse("grants:application_edit", args=[draft.pk]), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_document-{document.pk}_error"' in html
    draft.refresh_from_db()
    assert draft.title == "Text survives a bad file"
    assert draft.status == ApplicationStatus.DRAFT
    assert not draft.attachments.exists()


def test_a_valid_upload_is_attached_and_listed(member_client, draft):
    document = draft.call.required_documents.get(code="registration-certificate")
    data = edit_data(draft)
    data[f"document-{document.pk}"] = pdf_upload("Решение за регистрација.pdf")

    response = member_client.post(reverse("grants:application_edit", args=[draft.pk]), data)

    assert response.status_code == 302
    attachment = draft.attachments.get()
    assert attachment.document == document
    html = member_client.get(reverse("grants:application_edit", args=[draft.pk])).content.decode()
    assert attachment.original_name in html
    assert f'name="remove_attachment" value="{attachment.pk}"' in html


def test_remove_button_removes_the_file_and_keeps_the_text(member_client, draft):
    attachment = attach(draft, draft.call.required_documents.first())
    data = edit_data(draft, title="Kept while removing", remove_attachment=str(attachment.pk))
    del data["save"]

    response = member_client.post(reverse("grants:application_edit", args=[draft.pk]), data)

    assert response.status_code == 302
    assert response["Location"].endswith("#section-documents")
    assert not draft.attachments.exists()
    draft.refresh_from_db()
    assert draft.title == "Kept while removing"


def test_add_line_saves_and_shows_one_more_blank_row(member_client, draft):
    data = edit_data(draft, add_line="")
    del data["save"]

    response = member_client.post(reverse("grants:application_edit", args=[draft.pk]), data)

    assert response.status_code == 302
    assert "budget_extra=3" in response["Location"]
    assert draft.budget_lines.count() == 1
    html = member_client.get(response["Location"]).content.decode()
    assert 'name="budget-TOTAL_FORMS" value="4"' in html  # one saved line + three blank rows


def test_budget_shows_line_totals_and_the_database_total_against_the_requested_amount(member_client, draft):
    BudgetLineFactory(application=draft, quantity=Decimal("3"), unit_cost_eur=Decimal("1000.50"))
    BudgetLineFactory(application=draft, quantity=Decimal("2.5"), unit_cost_eur=Decimal("100.00"))

    html = member_client.get(reverse("grants:application_edit", args=[draft.pk])).content.decode()

    assert "3,001.50" in html  # line totals
    assert "250.00" in html
    assert "EUR 3,251.50" in html  # the saved total
    assert "EUR 6,000.00" in html  # requested amount
    assert "must be equal when you submit" in html


def test_cross_border_partner_by_registration_number_or_by_details(client):
    call = open_call()
    lead = OrganisationFactory()
    application = ApplicationFactory(call=call, lot=call.lots.get(code="C"), organisation=lead)
    client.force_login(member_of(lead))
    known = OrganisationFactory(country=CountryFactory(code="RS"), registration_number="RS-777")
    data = edit_data(application)
    data.update(
        {
            "partners-TOTAL_FORMS": "2",
            "partners-INITIAL_FORMS": "0",
            "partners-MIN_NUM_FORMS": "0",
            "partners-MAX_NUM_FORMS": "1000",
            "partners-0-registration_number": "RS-777",
            "partners-0-country": known.country.pk,
            "partners-0-role": "Runs the Serbian debate",
            "partners-1-country": CountryFactory(code="BA").pk,
            "partners-1-legal_name": "Transparentnost Sarajevo",
            "partners-1-organisation_type": "association",
            "partners-1-year_registered": "2012",
            "partners-1-role": "Data work",
        }
    )

    page = client.get(reverse("grants:application_edit", args=[application.pk])).content.decode()
    response = client.post(reverse("grants:application_edit", args=[application.pk]), data)

    assert 'name="partners-TOTAL_FORMS"' in page
    assert response.status_code == 302, response.content.decode()[:3000]
    partners = list(application.partners.select_related("organisation").order_by("sort_order"))
    assert [p.organisation.legal_name for p in partners] == [known.legal_name, "Transparentnost Sarajevo"]
    assert partners[0].organisation == known
    assert partners[0].role == "Runs the Serbian debate"


def test_partner_with_an_unknown_number_and_no_name_is_a_form_error(client):
    call = open_call()
    lead = OrganisationFactory()
    application = ApplicationFactory(call=call, lot=call.lots.get(code="C"), organisation=lead)
    client.force_login(member_of(lead))
    data = edit_data(application, title="Partner error keeps title")
    data.update(
        {
            "partners-TOTAL_FORMS": "1",
            "partners-INITIAL_FORMS": "0",
            "partners-0-registration_number": "NOPE-1",
            "partners-0-country": CountryFactory(code="RS").pk,
        }
    )

    response = client.post(reverse("grants:application_edit", args=[application.pk]), data)

    assert response.status_code == 200
    assert "enter its legal name" in response.content.decode()
    application.refresh_from_db()
    assert application.title == "Partner error keeps title"
    assert not application.partners.exists()


def test_extra_post_fields_are_ignored(member_client, draft):
    other = OrganisationFactory()
    other_call = open_call()
    data = edit_data(
        draft,
        status="submitted",
        organisation=str(other.pk),
        reference="IW-MK-2025-999",
        call=str(other_call.pk),
        rules_version=str(other_call.current_rules().pk),
        submitted_at="2020-01-01T00:00:00Z",
    )

    response = member_client.post(reverse("grants:application_edit", args=[draft.pk]), data)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT
    assert draft.organisation != other
    assert draft.reference is None
    assert draft.call != other_call
    assert draft.rules_version.call == draft.call
    assert draft.submitted_at is None


# --- detail, submit, receipt, withdraw -------------------------------------------------------------------------


def test_checklist_groups_problems_with_links_to_the_fields(member_client):
    application = Application.objects.get(pk=ApplicationFactory(title="", requested_amount_eur=None).pk)
    client = member_client
    client.force_login(member_of(application.organisation))

    response = client.get(reverse("grants:application_submit", args=[application.pk]))

    html = _assert_page_ok(response)
    assert "things to fix before you can submit" in html
    edit_url = reverse("grants:application_edit", args=[application.pk])
    assert f'href="{edit_url}#id_title"' in html
    assert f'href="{edit_url}#section-budget"' in html or f'href="{edit_url}#section-documents"' in html
    assert "Submit the application" not in html
    assert "(Europe/Skopje, CEST)" in html or "(Europe/Skopje, CET)" in html


def test_submit_then_replay_gives_the_same_receipt_and_one_submission(client):
    application = complete_application()
    assert check_submission(application) == []
    client.force_login(member_of(application.organisation))
    url = reverse("grants:application_submit", args=[application.pk])

    page = client.get(url).content.decode()
    first = client.post(url)
    mails_after_first = OutboxMessage.objects.count()
    second = client.post(url)

    assert "Submit the application" in page
    receipt_url = reverse("grants:application_receipt", args=[application.pk])
    assert first.status_code == 302 and first["Location"] == receipt_url
    assert second.status_code == 302 and second["Location"] == receipt_url
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert ActivityLog.objects.filter(application=application, action="submitted").count() == 1
    receipt = client.get(receipt_url)
    html = _assert_page_ok(receipt)
    assert application.reference in html
    assert "receipt" in html and "was sent by email" in html
    assert mails_after_first >= 1  # the receipt
    assert OutboxMessage.objects.count() == mails_after_first  # the replay sent nothing more


def test_submitting_an_incomplete_application_shows_the_problems(member_client, draft):
    response = member_client.post(reverse("grants:application_submit", args=[draft.pk]))

    assert response.status_code == 200
    assert "before you can submit" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


def test_detail_after_submission_is_read_only_with_time_in_the_call_zone(client):
    application = complete_application(title="Budget tracker")
    user = member_of(application.organisation)
    submitted(application, user)
    application.refresh_from_db()
    client.force_login(user)

    html = _assert_page_ok(client.get(reverse("grants:application_detail", args=[application.pk])))
    edit = client.get(reverse("grants:application_edit", args=[application.pk]))

    assert application.reference in html
    local = application.submitted_at.astimezone(application.call.zone)
    assert f"{local:%H:%M} (Europe/Skopje, {local.tzname()})" in html
    assert "EUR 6,000.00" in html
    assert "registration-certificate.pdf" in html
    assert reverse("grants:application_edit", args=[application.pk]) not in html
    assert reverse("grants:application_withdraw", args=[application.pk]) in html
    assert edit.status_code == 302 and edit["Location"] == reverse("grants:application_detail", args=[application.pk])


def test_withdraw_needs_confirmation_and_keeps_the_reason(client):
    application = complete_application()
    user = member_of(application.organisation)
    submitted(application, user)
    client.force_login(user)
    url = reverse("grants:application_withdraw", args=[application.pk])

    page = client.get(url)
    unconfirmed = client.post(url, {"reason": "Partner left"})
    confirmed = client.post(url, {"reason": "Partner left", "confirm": "on"})

    assert page.status_code == 200 and "cannot be submitted again" in page.content.decode()
    assert unconfirmed.status_code == 200
    application.refresh_from_db()
    assert confirmed.status_code == 302
    assert application.status == ApplicationStatus.WITHDRAWN
    assert ActivityLog.objects.filter(application=application, comment__contains="Partner left").exists()
    again = client.post(url, {"confirm": "on"})
    assert again.status_code == 302  # already withdrawn: back to the read-only page, no error


def test_withdraw_after_the_deadline_is_refused(client, time_machine):
    application = complete_application()
    user = member_of(application.organisation)
    submitted(application, user)
    client.force_login(user)
    time_machine.move_to(application.call.closes_at + datetime.timedelta(seconds=1))

    response = client.post(reverse("grants:application_withdraw", args=[application.pk]), {"confirm": "on"})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
