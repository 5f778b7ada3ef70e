"""Bad input at the HTTP level on the applicant screens: form errors in the user's language, nothing typed lost,
never a 500. (File contents and names are tested with the attachment service.)"""

import pytest
from django.urls import reverse

from grants.models import ApplicationStatus
from tests.community.factories import member_of
from tests.grants.factories import ApplicationFactory, BudgetLineFactory
from tests.grants.test_application_views import edit_data

pytestmark = pytest.mark.django_db
MEGABYTE_OF_TEXT = "Корупција " * 105_000  # about 1 MB in UTF-8, Cyrillic


@pytest.fixture
def draft():
    return ApplicationFactory(title="Saved title", summary="Saved summary")


@pytest.fixture
def member_client(client, draft):
    client.force_login(member_of(draft.organisation))
    return client


def _post(client, draft, **overrides):
    return client.post(reverse("grants:application_edit", args=[draft.pk]), edit_data(draft, **overrides))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-100", "greater than or equal to 0.01"),
        ("0", "greater than or equal to 0.01"),
        ("0.00", "greater than or equal to 0.01"),
        ("15000.01", "less than or equal to 15000"),  # over the call's maximum grant
        ("1e400", "less than or equal to"),
        ("abc", "Enter a number"),
        ("6000.001", "no more than 2 decimal places"),
        ("NaN", "Enter a number"),
        ("99999999999999999999", "less than or equal to"),
    ],
)
def test_bad_requested_amounts_are_form_errors_and_the_text_is_saved(member_client, draft, value, message):
    response = _post(member_client, draft, requested_amount_eur=value, summary="Typed summary")

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    draft.refresh_from_db()
    assert draft.summary == "Typed summary"
    assert str(draft.requested_amount_eur) == "6000.00"


def test_over_the_lot_limit_but_within_the_call_is_saved_with_a_hint_and_caught_at_submission(member_client, draft):
    """Lot A funds 4,000–8,000: 9,000 is kept in the draft (the form shows the lot's range), the checklist refuses."""
    response = _post(member_client, draft, requested_amount_eur="9000")
    page = member_client.get(reverse("grants:application_edit", args=[draft.pk])).content.decode()
    checklist = member_client.get(reverse("grants:application_submit", args=[draft.pk])).content.decode()

    assert response.status_code == 302
    assert "This lot: EUR 4,000.00–8,000.00" in page
    assert "Submit the application" not in checklist


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("duration_months", "0", "greater than or equal to 1"),
        ("duration_months", "-3", "greater than or equal to 1"),
        ("duration_months", "600", "less than or equal to 10"),
        ("duration_months", "six", "Enter a whole number"),
    ],
)
def test_bad_durations(member_client, draft, field, value, message):
    response = _post(member_client, draft, **{field: value})

    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("budget-0-quantity", "-1", "greater than or equal to 0.01"),
        ("budget-0-quantity", "0", "greater than or equal to 0.01"),
        ("budget-0-unit_cost_eur", "0", "greater than or equal to 0.01"),
        ("budget-0-unit_cost_eur", "lots", "Enter a number"),
        ("budget-0-co_financing_eur", "-1", "greater than or equal to 0"),
        ("budget-0-co_financing_eur", "7000", "cannot be more than the line total"),
        ("budget-0-quantity", "99999999", "The line total is too large"),
        ("budget-0-category", "bribes", "Select a valid choice"),
    ],
)
def test_bad_budget_lines_keep_the_saved_lines(member_client, draft, field, value, message):
    BudgetLineFactory(application=draft, description="Saved line")

    response = _post(member_client, draft, **{field: value})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(draft.budget_lines.values_list("description", flat=True)) == ["Saved line"]


@pytest.mark.parametrize("field", ["title", "summary", "objectives", "budget-0-description"])
def test_nul_bytes_are_a_form_error_not_a_500(member_client, draft, field):
    response = _post(member_client, draft, **{field: "Before\x00after"})

    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
    draft.refresh_from_db()
    assert "\x00" not in draft.title + draft.summary + draft.objectives


@pytest.mark.parametrize("field", ["title", "summary", "problem", "data_use"])
def test_a_megabyte_of_text_is_a_form_error_and_the_rest_is_saved(member_client, draft, field):
    response = _post(member_client, draft, **{field: MEGABYTE_OF_TEXT, "objectives": "Kept objectives"})

    assert response.status_code == 200
    assert "Ensure this value has at most" in response.content.decode()
    draft.refresh_from_db()
    assert draft.objectives == "Kept objectives"
    assert len(getattr(draft, field)) < 20_000


def test_script_in_text_is_escaped_on_every_screen(member_client, draft):
    """Typed markup never runs: shown escaped when the form comes back with errors, and never raw afterwards
    (the draft service keeps plain text as typed)."""
    script = "<script>alert('x')</script>"
    bounced = _post(member_client, draft, title=script, summary=script, requested_amount_eur="abc")
    saved = _post(member_client, draft, title=script + " Title", summary=script + " Summary")

    assert bounced.status_code == 200
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in bounced.content.decode()
    assert "<script>alert" not in bounced.content.decode()
    assert saved.status_code == 302
    pages = [
        member_client.get(reverse(name, args=[draft.pk])).content.decode()
        for name in ("grants:application_edit", "grants:application_detail", "grants:application_submit")
    ]
    pages.append(member_client.get(reverse("grants:dashboard")).content.decode())
    for html in pages:
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Title" in html  # kept as typed, shown escaped


def test_formula_title_is_plain_text_on_the_detail_page(member_client, draft):
    _post(member_client, draft, title='=HYPERLINK("http://x","click")')

    html = member_client.get(reverse("grants:application_detail", args=[draft.pk])).content.decode()

    assert "=HYPERLINK(&quot;http://x&quot;,&quot;click&quot;)" in html
    assert 'href="http://x"' not in html


def test_missing_or_forged_formset_management_data_is_no_500(member_client, draft):
    data = edit_data(draft, title="Still saved")
    del data["budget-TOTAL_FORMS"]
    missing = member_client.post(reverse("grants:application_edit", args=[draft.pk]), data)
    draft.refresh_from_db()
    assert draft.title == "Still saved"
    huge = _post(member_client, draft, **{"budget-TOTAL_FORMS": "1000000"})
    negative = _post(member_client, draft, **{"budget-TOTAL_FORMS": "-5"})

    assert missing.status_code == 200
    assert huge.status_code in (200, 302)
    assert negative.status_code in (200, 302)


def test_bad_extra_row_counts_in_the_query_string(member_client, draft):
    for value in ("abc", "-1", "99999999", "1e9"):
        response = member_client.get(reverse("grants:application_edit", args=[draft.pk]), {"budget_extra": value})
        assert response.status_code == 200


def test_bad_language_choice(member_client, draft):
    response = _post(member_client, draft, language="xx-evil")

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_non_numeric_ids_are_404(member_client):
    assert member_client.get("/grants/applications/abc/").status_code == 404
    assert member_client.get("/grants/applications/1%00/edit/").status_code == 404


def test_withdraw_reason_with_nul_and_megabyte(member_client, draft):
    from tests.grants.test_application_views import complete_application, submitted

    application = complete_application()
    user = member_of(application.organisation)
    submitted(application, user)
    member_client.force_login(user)
    url = reverse("grants:application_withdraw", args=[application.pk])

    nul = member_client.post(url, {"confirm": "on", "reason": "a\x00b"})
    big = member_client.post(url, {"confirm": "on", "reason": MEGABYTE_OF_TEXT})

    assert nul.status_code == 200 and big.status_code == 200
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
