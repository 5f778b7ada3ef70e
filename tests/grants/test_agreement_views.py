"""Staff admin of agreements and payments, and the grantee's "My grants" pages: permissions both ways (another
grantee → 404 on the agreement, its payments and its signed file), forms that keep input on refusal, and flat
query counts for the staff and grantee lists."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from grants.models import ActivityLog, AgreementStatus, GrantAgreement, Tranche
from tests.community.factories import member_of
from tests.grants.agreement_helpers import awarded, make_agreement, signed_pdf
from tests.grants.evaluation_helpers import reader
from tests.portal.factories_accounts import StaffFactory, UserFactory
from tests.portal.html_checks import inline_code, unstyled_classes

pytestmark = pytest.mark.django_db
TOKEN = "ZX-PRIVATE-GRANT-TOKEN-41"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff():
    return reader()


@pytest.fixture
def signed(staff):
    agreement = make_agreement(staff, status="signed", title=f"Project {TOKEN}")
    return agreement


# --- grantee pages -------------------------------------------------------------------------------------------------


def test_grantee_sees_their_agreement_with_payments_budget_and_signed_file(signed):
    member = member_of(signed.organisation)
    client = _client(member)
    response = client.get(reverse("grants:agreement_detail", args=[signed.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert TOKEN in html and signed.reference in html
    assert "EUR 6,000.00" in html and "EUR 4,800.00" in html and "Due" in html and "Not due yet" in html
    assert reverse("grants:agreement_signed_file", args=[signed.pk]) in html
    assert not inline_code(html), inline_code(html)
    assert not unstyled_classes(html), unstyled_classes(html)

    download = client.get(reverse("grants:agreement_signed_file", args=[signed.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content).startswith(b"%PDF")

    listing = client.get(reverse("grants:agreement_list"))
    assert signed.reference in listing.content.decode()
    assert not unstyled_classes(listing.content.decode())


@pytest.mark.parametrize("name", ["grants:agreement_detail", "grants:agreement_signed_file"])
def test_another_grantee_gets_404_and_sees_no_token(signed, name):
    other = make_agreement(status="signed")
    outsider = member_of(other.organisation)
    client = _client(outsider)
    response = client.get(reverse(name, args=[signed.pk]))
    assert response.status_code == 404
    assert TOKEN not in response.content.decode()
    listing = client.get(reverse("grants:agreement_list")).content.decode()
    assert TOKEN not in listing and signed.reference not in listing and other.reference in listing


def test_anonymous_is_sent_to_sign_in(signed):
    for name in ("grants:agreement_detail", "grants:agreement_signed_file"):
        response = Client().get(reverse(name, args=[signed.pk]))
        assert response.status_code == 302 and "login" in response["Location"]


def test_a_plain_user_without_organisation_sees_an_empty_list_and_no_menu_link(signed):
    client = _client(UserFactory())
    response = client.get(reverse("grants:agreement_list"))
    assert response.status_code == 200 and signed.reference not in response.content.decode()
    assert reverse("grants:agreement_list") not in client.get(reverse("grants:dashboard")).content.decode()


def test_members_of_a_grantee_see_my_grants_in_the_dashboard_and_account_menu(signed):
    member = member_of(signed.organisation)
    html = _client(member).get(reverse("grants:dashboard")).content.decode()
    assert html.count(reverse("grants:agreement_list")) == 2  # account menu and dashboard


def test_grantee_page_links_the_reports_or_lists_the_requirements(staff):
    agreement = make_agreement(staff, status="signed", with_schedule=True)
    member = member_of(agreement.organisation)
    html = _client(member).get(reverse("grants:agreement_detail", args=[agreement.pk])).content.decode()
    try:  # the reporting pages, when installed, are linked; otherwise the requirements are listed read-only
        assert reverse("grants:agreement_reports", args=[agreement.pk]) in html
    except NoReverseMatch:
        assert "Final report" in html and "Not submitted" in html


def _grantee_list_queries(member) -> int:
    client = _client(member)
    client.get(reverse("grants:agreement_list"))  # warm up (session, site)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("grants:agreement_list")).status_code == 200
    return len(queries)


def test_grantee_list_query_count_is_flat(staff):
    first = make_agreement(staff)
    member = member_of(first.organisation)
    few = _grantee_list_queries(member)
    for _ in range(5):
        application = awarded(organisation=first.organisation)
        from grants.services.agreements import create_agreement

        create_agreement(application.pk, user=staff, start_date="2026-03-01", end_date="2026-10-31")
    assert GrantAgreement.objects.filter(organisation=first.organisation).count() == 6
    assert _grantee_list_queries(member) == few


# --- staff admin ---------------------------------------------------------------------------------------------------


def _admin_list_queries(client) -> int:
    client.get(reverse("grants_agreements:index"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("grants_agreements:index")).status_code == 200
    return len(queries)


def test_staff_list_filters_searches_and_has_a_flat_query_count(staff):
    client = _client(staff)
    agreements = [make_agreement(staff) for _ in range(2)]
    few = _admin_list_queries(client)
    for _ in range(6):
        make_agreement(staff)
    assert _admin_list_queries(client) == few
    html = client.get(reverse("grants_agreements:index"), {"q": agreements[0].reference}).content.decode()
    assert agreements[0].reference in html and agreements[1].reference not in html
    filtered = client.get(reverse("grants_agreements:index"), {"status": "signed"}).content.decode()
    assert agreements[0].reference not in filtered
    by_call = client.get(
        reverse("grants_agreements:index"), {"call": agreements[0].application.call_id}
    ).content.decode()
    assert agreements[0].reference in by_call and agreements[1].reference not in by_call


@pytest.mark.parametrize("who", ["grantee", "plain", "staff_without_permission"])
def test_non_staff_cannot_open_the_agreements_admin(signed, who):
    user = {
        "grantee": lambda: member_of(signed.organisation),
        "plain": UserFactory,
        "staff_without_permission": lambda: StaffFactory(is_superuser=False, totp=True),
    }[who]()
    client = _client(user)
    tranche = signed.tranches.first()
    urls = [
        reverse("grants_agreements:index"),
        reverse("grants_agreements:inspect", args=[signed.pk]),
        reverse("grants_agreements:pay", args=[tranche.pk]),
        reverse("grants_agreements:amend", args=[signed.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code in (302, 403), url
    response = client.post(
        reverse("grants_agreements:pay", args=[tranche.pk]),
        {"paid_on": datetime.date.today().isoformat(), "amount_eur": "4800"},
    )
    assert response.status_code in (302, 403)
    tranche.refresh_from_db()
    assert tranche.paid_on is None


def test_staff_walk_create_send_sign_activate_pay(staff):
    application = awarded()
    client = _client(staff)
    inspect = client.get(reverse("grants_applications:inspect", args=[application.pk])).content.decode()
    create_url = reverse("grants_agreements:create", args=[application.pk])
    assert create_url in inspect
    assert client.get(create_url).status_code == 200
    response = client.post(create_url, {"start_date": "2026-03-01", "end_date": "2026-10-31"})
    agreement = GrantAgreement.objects.get(application=application)
    assert response.status_code == 302 and response["Location"] == reverse(
        "grants_agreements:inspect", args=[agreement.pk]
    )
    page = client.get(reverse("grants_agreements:inspect", args=[agreement.pk])).content.decode()
    assert agreement.reference in page and "EUR 4,800.00" in page
    assert (
        reverse("grants_agreements:inspect", args=[agreement.pk])
        in client.get(reverse("grants_applications:inspect", args=[application.pk])).content.decode()
    )

    client.post(reverse("grants_agreements:send", args=[agreement.pk]))
    sign_url = reverse("grants_agreements:sign", args=[agreement.pk])
    assert client.get(sign_url).status_code == 200
    client.post(sign_url, {"signed_file": signed_pdf()})
    client.post(reverse("grants_agreements:activate", args=[agreement.pk]))
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE

    first = Tranche.objects.get(agreement=agreement, number=1)
    page = client.get(reverse("grants_agreements:inspect", args=[agreement.pk])).content.decode()
    assert reverse("grants_agreements:pay", args=[first.pk]) in page
    response = client.post(
        reverse("grants_agreements:pay", args=[first.pk]),
        {"paid_on": datetime.date.today().isoformat(), "amount_eur": "4800.00"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.paid_amount_eur == 4800
    # The signed file is downloadable by staff through the same checked view.
    assert client.get(reverse("grants:agreement_signed_file", args=[agreement.pk])).status_code == 200


@pytest.mark.parametrize(
    ("amount", "message"),
    [("-5", "greater than or equal to 0.01"), ("abc", "Enter a number"), ("4800.01", "more than the tranche")],
)
def test_bad_payment_form_input_is_shown_again_and_nothing_is_paid(staff, signed, amount, message):
    tranche = signed.tranches.get(number=1)
    response = _client(staff).post(
        reverse("grants_agreements:pay", args=[tranche.pk]),
        {"paid_on": datetime.date.today().isoformat(), "amount_eur": amount},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and f'value="{amount}"' in html
    tranche.refresh_from_db()
    assert tranche.paid_on is None
    assert not ActivityLog.objects.filter(action="tranche_paid").exists()


def test_not_due_tranche_has_no_pay_button_and_is_refused(staff, signed):
    tranche = signed.tranches.get(number=2)
    page = _client(staff).get(reverse("grants_agreements:inspect", args=[signed.pk])).content.decode()
    assert reverse("grants_agreements:pay", args=[tranche.pk]) not in page
    response = _client(staff).post(
        reverse("grants_agreements:pay", args=[tranche.pk]),
        {"paid_on": datetime.date.today().isoformat(), "amount_eur": "100"},
    )
    assert response.status_code == 400 and "not due yet" in response.content.decode()


def test_refused_signature_file_keeps_the_form_and_the_status(staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    agreement = make_agreement(staff, status="sent")
    response = _client(staff).post(
        reverse("grants_agreements:sign", args=[agreement.pk]),
        {"signed_file": SimpleUploadedFile("signed.pdf", b"<html>not a pdf</html>")},
    )
    assert response.status_code == 400
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SENT


def test_amendment_forms(staff, signed):
    client = _client(staff)
    url = reverse("grants_agreements:amend", args=[signed.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "no_cost_extension", "reason": "Delay.", "new_end_date": ""})
    assert response.status_code == 400
    line = signed.budget_lines.get()
    response = client.post(url, {"kind": "budget_reallocation", "reason": "r", f"line_{line.pk}": "5000"})
    assert response.status_code == 400 and "cannot change the total" in response.content.decode()
    response = client.post(url, {"kind": "no_cost_extension", "reason": "Delay.", "new_end_date": "2026-12-31"})
    assert response.status_code == 302
    signed.refresh_from_db()
    assert signed.end_date == datetime.date(2026, 12, 31)
    page = client.get(reverse("grants_agreements:inspect", args=[signed.pk])).content.decode()
    assert "Delay." in page
    member_page = _client(member_of(signed.organisation)).get(reverse("grants:agreement_detail", args=[signed.pk]))
    assert "Delay." in member_page.content.decode()


def test_terminate_form_needs_a_reason(staff, signed):
    client = _client(staff)
    url = reverse("grants_agreements:terminate", args=[signed.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Fraud found."}).status_code == 302
    signed.refresh_from_db()
    assert signed.status == AgreementStatus.TERMINATED


def test_due_as_a_date_header_and_due_as_a_tranche_status_are_translated_apart(staff):
    """One English word, two meanings (QA walk): the tranche status "Due" (Turkish "Vadesi geldi") and the header
    of a due-date column (Turkish "Son tarih") are separate messages (pgettext contexts), translated in every
    catalogue."""
    import polib
    from django.conf import settings
    from django.utils import translation

    for language in ("bs", "sq", "mk", "sr_Latn", "tr"):
        catalogue = polib.pofile(str(settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"))
        status = catalogue.find("Due", msgctxt="tranche status")
        column = catalogue.find("Due", msgctxt="due date")
        assert status and column and status.msgstr and column.msgstr, language
        assert status.msgstr != column.msgstr, language
        assert catalogue.find("Due", msgctxt=None) is None, language  # no context-free "Due" left
    with translation.override("tr"):
        assert translation.pgettext("tranche status", "Due") == "Vadesi geldi"
        assert translation.pgettext("due date", "Due") == "Son tarih"

    agreement = make_agreement(staff, status="signed", with_schedule=True)
    client = _client(member_of(agreement.organisation))
    with translation.override("tr"):
        html = client.get(reverse("grants:agreement_detail", args=[agreement.pk])).content.decode()
        reports = client.get(reverse("grants:agreement_reports", args=[agreement.pk])).content.decode()
    assert "Vadesi geldi" in html  # the first tranche is due at signature
    assert '<th scope="col">Son tarih</th>' in reports and "Vadesi geldi" not in reports
