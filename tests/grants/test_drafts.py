"""Saving drafts (grants.services.drafts.save_draft): whitelisted fields, clean text, budget lines, partners."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from community.models import Organisation
from grants.models import ActivityLog, ApplicationStatus
from grants.services.drafts import save_draft
from grants.services.submission import ApplicationError, ApplicationPermissionError, submit_application
from tests.community.factories import OrganisationFactory, member_of
from tests.grants.test_submission import make_application
from tests.portal.factories import CountryFactory, UserFactory

pytestmark = pytest.mark.django_db

LINE = {
    "category": "staff",
    "description": "Researcher",
    "unit": "month",
    "quantity": "4",
    "unit_cost_eur": "1250.50",
    "co_financing_eur": "100",
}


def test_save_updates_whitelisted_fields_and_ignores_the_rest():
    application, user = make_application()
    other = OrganisationFactory()

    saved = save_draft(
        application.pk,
        user=user,
        fields={
            "title": "  Who pays for the campaign?  ",
            "requested_amount_eur": "7000",
            "duration_months": "5",
            "status": "submitted",
            "organisation": other,
            "reference": "IW-MK-2025-999",
        },
    )

    saved.refresh_from_db()
    assert saved.title == "Who pays for the campaign?"
    assert saved.requested_amount_eur == Decimal("7000.00")
    assert saved.duration_months == 5
    assert saved.status == ApplicationStatus.DRAFT
    assert saved.organisation_id == application.organisation_id
    assert saved.reference is None


def test_text_is_kept_as_typed_and_null_bytes_are_removed():
    application, user = make_application()

    save_draft(
        application.pk,
        user=user,
        fields={"summary": "Data\x00 on <script>alert(1)</script> in <5 towns\r\nA<B", "title": '=HYPERLINK("x")'},
    )

    application.refresh_from_db()
    # Plain text: nothing the applicant typed is dropped (templates escape it); only the NUL byte goes.
    assert application.summary == "Data on <script>alert(1)</script> in <5 towns\nA<B"
    assert application.title == '=HYPERLINK("x")'  # kept as text; exports and templates escape it


def test_one_megabyte_of_text_is_refused_and_nothing_is_saved():
    application, user = make_application(summary="Before")

    with pytest.raises(ApplicationError) as refused:
        save_draft(application.pk, user=user, fields={"summary": "x" * 1_000_000, "title": "New title"})

    assert "Summary: at most 5,000 characters." in refused.value.messages
    application.refresh_from_db()
    assert (application.summary, application.title) != ("x" * 1_000_000, "New title")
    assert application.summary == "Before"


@pytest.mark.parametrize(
    ("value", "message"),
    [("abc", "enter a number"), ("-5", "must not be negative"), ("1e20", "too large"), ("NaN", "enter a number")],
)
def test_bad_amounts_are_refused(value, message):
    application, user = make_application()

    with pytest.raises(ApplicationError, match=message):
        save_draft(application.pk, user=user, fields={"requested_amount_eur": value})


def test_empty_values_clear_a_draft_field():
    application, user = make_application()

    save_draft(application.pk, user=user, fields={"requested_amount_eur": "", "duration_months": None})

    application.refresh_from_db()
    assert application.requested_amount_eur is None and application.duration_months is None


def test_budget_lines_are_replaced_and_totalled_in_the_database():
    application, user = make_application()

    save_draft(application.pk, user=user, fields={}, budget_lines=[LINE, {**LINE, "quantity": "1", "unit": "piece"}])

    assert application.budget_lines.count() == 2
    assert application.budget_totals() == {"total": Decimal("6252.50"), "co_financing": Decimal("200.00")}


def test_an_invalid_budget_line_names_its_number_and_keeps_the_old_lines():
    application, user = make_application()

    with pytest.raises(ApplicationError) as refused:
        save_draft(
            application.pk,
            user=user,
            fields={},
            budget_lines=[LINE, {**LINE, "category": "bribes", "quantity": "0"}],
        )

    assert any(m.startswith("Budget line 2:") for m in refused.value.messages)
    assert application.budget_lines.count() == 1  # the line make_application() wrote


def test_partner_details_find_or_create_the_organisation():
    application, user = make_application("C", partners=[])
    serbia = CountryFactory(code="RS")
    existing = OrganisationFactory(country=serbia, registration_number="RS-123", legal_name="Open Data Belgrade")
    kosovo = CountryFactory(code="XK")
    partners = [
        {"country": serbia, "registration_number": "RS-123", "legal_name": "Renamed by someone else", "role": "Data"},
        {"country": kosovo, "legal_name": "Çohu Prishtina", "year_registered": "2010", "role": "Debates"},
    ]

    save_draft(application.pk, user=user, fields={}, partners=partners)
    save_draft(application.pk, user=user, fields={}, partners=partners)  # saved again: no duplicates

    listed = list(application.partners.select_related("organisation"))
    assert [p.organisation_id for p in listed][0] == existing.pk
    existing.refresh_from_db()
    assert existing.legal_name == "Open Data Belgrade"  # someone else's profile is not changed
    assert Organisation.objects.filter(legal_name="Çohu Prishtina").count() == 1
    assert listed[1].organisation.created_by == user
    assert [p.role for p in listed] == ["Data", "Debates"]


def test_the_lead_applicant_cannot_be_a_partner():
    application, user = make_application("C", partners=[])
    lead = application.organisation

    with pytest.raises(ApplicationError, match="lead applicant cannot also be a partner"):
        save_draft(application.pk, user=user, fields={}, partners=[{"organisation": lead}])
    with pytest.raises(ApplicationError, match="lead applicant cannot also be a partner"):
        save_draft(
            application.pk,
            user=user,
            fields={},
            partners=[{"country": lead.country, "registration_number": lead.registration_number, "legal_name": "X"}],
        )


def test_a_partner_listed_twice_is_refused():
    application, user = make_application("C", partners=[])
    partner = OrganisationFactory(country=CountryFactory(code="BA"))

    with pytest.raises(ApplicationError, match="listed twice"):
        save_draft(application.pk, user=user, fields={}, partners=[{"organisation": partner}] * 2)


def test_invalid_partner_details_are_refused():
    application, user = make_application("C", partners=[])

    with pytest.raises(ApplicationError) as refused:
        save_draft(
            application.pk,
            user=user,
            fields={},
            partners=[{"country": CountryFactory(code="TR"), "legal_name": "", "contact_email": "not-an-email"}],
        )

    assert all(m.startswith("Partner 1:") for m in refused.value.messages)
    assert not Organisation.objects.filter(country__code="TR").exists()


def test_only_members_save():
    application, _user = make_application()

    with pytest.raises(ApplicationPermissionError):
        save_draft(application.pk, user=UserFactory(), fields={"title": "Taken over"})
    with pytest.raises(ApplicationPermissionError):
        save_draft(application.pk, user=member_of(OrganisationFactory()), fields={"title": "Taken over"})

    application.refresh_from_db()
    assert application.title != "Taken over"


def test_a_submitted_application_is_read_only():
    application, user = make_application()
    submit_application(application.pk, user=user)

    with pytest.raises(ApplicationError, match="can no longer be changed"):
        save_draft(application.pk, user=user, fields={"title": "Changed after submission"})


def test_a_draft_cannot_change_after_the_deadline():
    application, user = make_application()

    with time_machine.travel(application.call.closes_at + datetime.timedelta(seconds=1), tick=False):
        with pytest.raises(ApplicationError, match="deadline has passed"):
            save_draft(application.pk, user=user, fields={"title": "Too late"})


def test_saves_are_logged_once_per_interval():
    application, user = make_application()
    start = datetime.datetime.now(tz=datetime.UTC)

    with time_machine.travel(start, tick=False):
        save_draft(application.pk, user=user, fields={"title": "One"})
        save_draft(application.pk, user=user, fields={"title": "Two"})
    with time_machine.travel(start + datetime.timedelta(minutes=11), tick=False):
        save_draft(application.pk, user=user, fields={"title": "Three"})

    assert ActivityLog.objects.filter(application=application, action="saved").count() == 2
