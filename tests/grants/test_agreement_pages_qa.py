"""QA faults of the agreement and payment pages (issue 5): a tranche is paid in full (the form pre-fills it and a
part payment is refused with nothing written), percentages print as "20 %" not "2E+1 %", the staff forms show their
title and the agreement reference (not "Home"), and the signed-agreement upload asks for a PDF."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from grants.models import ActivityLog
from grants.services.payments import payment_summary
from tests.grants.agreement_helpers import make_agreement
from tests.grants.evaluation_helpers import reader

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff():
    return reader()


def test_payment_form_prefills_the_tranche_and_refuses_a_part_payment(staff):
    agreement = make_agreement(staff, status="signed", amount="4800.00")
    tranche = agreement.tranches.get(number=1)
    url = reverse("grants_agreements:pay", args=[tranche.pk])
    client = _client(staff)
    form = client.get(url).content.decode()
    assert 'value="3840.00"' in form

    response = client.post(url, {"paid_on": TODAY.isoformat(), "amount_eur": "3000"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tranche 1 is EUR 3,840.00: record the payment of the whole tranche" in html
    assert 'value="3000"' in html
    tranche.refresh_from_db()
    assert tranche.paid_on is None and not ActivityLog.objects.filter(action="tranche_paid").exists()

    response = client.post(url, {"paid_on": TODAY.isoformat(), "amount_eur": "3840.00"})
    assert response.status_code == 302
    tranche.refresh_from_db()
    assert tranche.paid_amount_eur == Decimal("3840.00")
    summary = payment_summary(agreement)
    assert (summary["paid"], summary["due_unpaid"], summary["not_yet_due"]) == (
        Decimal("3840.00"),
        Decimal("0.00"),
        Decimal("960.00"),
    )


@pytest.mark.parametrize(
    ("value", "english", "bosnian", "turkish"),
    [
        (Decimal("20"), "20 %", "20 %", "%20"),
        (Decimal("80.00"), "80 %", "80 %", "%80"),
        (Decimal("12.50"), "12.5 %", "12,5 %", "%12,5"),
        ("33.333", "33.333 %", "33,333 %", "%33,333"),
        (None, "", "", ""),
        ("abc", "", "", ""),
    ],
)
def test_percentages_print_without_exponent_in_the_active_language(value, english, bosnian, turkish):
    from django.utils import translation

    from grants.formatting import format_percent

    with translation.override("en"):
        assert format_percent(value) == english
    with translation.override("bs"):
        assert format_percent(value) == bosnian
    with translation.override("tr"):
        assert format_percent(value) == turkish


def test_tranche_percentages_are_plain_numbers_on_staff_and_grantee_pages(staff):
    from tests.community.factories import member_of

    agreement = make_agreement(staff, status="signed")
    first, second = agreement.tranches.order_by("number")
    client = _client(staff)
    pages = [
        client.get(reverse("grants_agreements:pay", args=[first.pk])).content.decode(),
        client.get(reverse("grants_agreements:inspect", args=[agreement.pk])).content.decode(),
        _client(member_of(agreement.organisation))
        .get(reverse("grants:agreement_detail", args=[agreement.pk]))
        .content.decode(),
    ]
    assert "80 % of the award" in pages[0]
    for html in pages:
        assert "E+" not in html
    assert "80 %" in pages[1] and "20 %" in pages[1]
    assert "(80 %)" in pages[2] and "(20 %)" in pages[2]


def test_agreement_forms_show_their_title_and_the_agreement_in_the_header(staff):
    from tests.grants.agreement_helpers import awarded
    from tests.grants.test_staff_pages_qa import visible_header

    application = awarded()
    draft = make_agreement(staff)
    sent = make_agreement(staff, status="sent")
    signed = make_agreement(staff, status="signed")
    pages = [
        (reverse("grants_agreements:create", args=[application.pk]), "Create grant agreement", application.reference),
        (reverse("grants_agreements:edit_draft", args=[draft.pk]), "Change the draft agreement", draft.reference),
        (reverse("grants_agreements:sign", args=[sent.pk]), "Record the signature", sent.reference),
        (reverse("grants_agreements:terminate", args=[signed.pk]), "Terminate the grant agreement", signed.reference),
        (reverse("grants_agreements:amend", args=[signed.pk]), "Record an amendment", signed.reference),
        (
            reverse("grants_agreements:pay", args=[signed.tranches.get(number=1).pk]),
            "Record payment",
            signed.reference,
        ),
    ]
    client = _client(staff)
    for url, title, reference in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        header = visible_header(html)
        assert header.startswith(title) and reference in header, (url, header)
        assert "Home" not in header, url
    # The breadcrumbs lead back to the agreement (or, before it exists, to the application).
    assert reverse("grants_agreements:inspect", args=[signed.pk]) in html
    assert reverse("grants_agreements:index") in html


@pytest.mark.parametrize(
    ("name", "content"),
    [("signed.txt", b"Signed by both parties."), ("signed.pdf", b"<html>not a pdf</html>"), ("a.pdf", b"plain text")],
)
def test_a_signed_agreement_that_is_not_a_pdf_is_refused_asking_for_a_pdf(staff, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from grants.models import AgreementStatus
    from grants.services.agreements import sign_agreement
    from grants.services.errors import ApplicationError

    agreement = make_agreement(staff, status="sent")
    with pytest.raises(ApplicationError) as error:
        sign_agreement(agreement.pk, user=staff, signed_file=SimpleUploadedFile(name, content))
    assert error.value.code == "file"
    assert error.value.messages == ["The signed agreement must be a PDF file."]

    response = _client(staff).post(
        reverse("grants_agreements:sign", args=[agreement.pk]), {"signed_file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The signed agreement must be a PDF file." in html and "Upload one of" not in html
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SENT and not agreement.signed_file


def test_signature_date_is_recorded_at_noon_in_the_call_zone_and_checked(staff):
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from grants.models import AgreementStatus, GrantAgreement
    from grants.services.agreements import sign_agreement
    from grants.services.errors import ApplicationError
    from tests.grants.agreement_helpers import signed_pdf

    agreement = make_agreement(staff, status="sent")
    sent_at = timezone.now() - datetime.timedelta(days=10)
    GrantAgreement.objects.filter(pk=agreement.pk).update(sent_at=sent_at)
    zone = ZoneInfo(agreement.application.call.timezone)
    today = timezone.now().astimezone(zone).date()
    for bad in (today + datetime.timedelta(days=1), sent_at.astimezone(zone).date() - datetime.timedelta(days=1), "x"):
        with pytest.raises(ApplicationError) as error:
            sign_agreement(agreement.pk, user=staff, signed_file=signed_pdf(), signed_on=bad)
        assert error.value.code == "date"
        agreement.refresh_from_db()
        assert agreement.status == AgreementStatus.SENT and agreement.signed_at is None and not agreement.signed_file

    signed_on = today - datetime.timedelta(days=3)
    sign_agreement(agreement.pk, user=staff, signed_file=signed_pdf(), signed_on=signed_on)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED
    assert agreement.signed_at == datetime.datetime.combine(signed_on, datetime.time(12), tzinfo=zone)
    assert agreement.tranches.get(number=1).due_since == agreement.signed_at


def test_sign_form_takes_an_optional_signature_date(staff):
    from grants.models import AgreementStatus
    from tests.grants.agreement_helpers import signed_pdf

    future, today = make_agreement(staff, status="sent"), make_agreement(staff, status="sent")
    client = _client(staff)
    assert 'name="signed_on"' in client.get(reverse("grants_agreements:sign", args=[future.pk])).content.decode()
    tomorrow = (TODAY + datetime.timedelta(days=2)).isoformat()
    response = client.post(
        reverse("grants_agreements:sign", args=[future.pk]), {"signed_file": signed_pdf(), "signed_on": tomorrow}
    )
    assert response.status_code == 400
    assert "The date of signature cannot be in the future." in response.content.decode()
    future.refresh_from_db()
    assert future.status == AgreementStatus.SENT

    response = client.post(reverse("grants_agreements:sign", args=[today.pk]), {"signed_file": signed_pdf()})
    assert response.status_code == 302
    today.refresh_from_db()
    assert today.status == AgreementStatus.SIGNED and today.signed_at is not None
