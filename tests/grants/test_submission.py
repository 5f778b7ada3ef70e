"""Starting, checking, submitting and withdrawing applications (grants.services.submission).

``make_application()`` builds a complete draft (texts, budget equal to the amount, documents attached, partners
for lot C) that submits cleanly; each test then breaks one thing.
"""

import datetime
from decimal import Decimal

import pytest

from community.models import OrganisationMembership
from grants.models import ActivityLog, Application, ApplicationStatus, Attachment, ReferenceSequence
from grants.services.submission import (
    ApplicationError,
    ApplicationPermissionError,
    SubmissionError,
    application_url,
    check_submission,
    start_application,
    submit_application,
    withdraw_application,
)
from portal.notifications.models import OutboxMessage
from tests.community.factories import OrganisationFactory, member_of
from tests.grants.factories import ApplicationFactory, ApplicationPartnerFactory, BudgetLineFactory, open_call
from tests.portal.factories import CountryFactory, UserFactory

pytestmark = pytest.mark.django_db

LOT_DEFAULTS = {  # amount, co-financing that satisfy each lot of open_call()
    "A": ("6000.00", "0.00"),
    "B": ("10000.00", "500.00"),
    "C": ("10000.00", "500.00"),
}


def attach(application, document):
    return Attachment.objects.create(
        application=application,
        document=document,
        file=f"applications/{application.pk}/{document.code}",
        original_name=f"{document.code}.pdf",
        content_type="application/pdf",
        size_bytes=1000,
        sha256="0" * 64,
    )


def make_application(lot_code="A", *, call=None, organisation=None, documents=True, partners=None, **fields):
    """A complete draft to ``lot_code`` of ``call`` (default: a new :func:`open_call`) and a member who may submit.

    Returns ``(application, user)``. Lot C gets one partner from Serbia unless ``partners`` is given (a list of
    organisations).
    """
    call = call or open_call()
    lot = call.lots.get(code=lot_code)
    organisation = organisation or OrganisationFactory(annual_budget_eur=Decimal("40000"), year_registered=2015)
    user = member_of(organisation)
    amount, co_financing = LOT_DEFAULTS[lot_code]
    fields.setdefault("requested_amount_eur", Decimal(amount))
    application = ApplicationFactory(
        call=call, lot=lot, organisation=organisation, rules_version=call.freeze_rules(), **fields
    )
    BudgetLineFactory(
        application=application, quantity=Decimal("1"), unit_cost_eur=Decimal(amount), co_financing_eur=co_financing
    )
    if documents:
        for document in call.required_documents.all():
            if not document.cross_border_only or lot.cross_border:
                attach(application, document)
    if partners is None and lot.cross_border:
        ApplicationPartnerFactory(application=application)
    for partner in partners or []:
        ApplicationPartnerFactory(application=application, organisation=partner)
    return application, user


def problems_of(application, **kwargs):
    return {(p.section, p.field): p.message for p in check_submission(application, **kwargs)}


# --- start ---------------------------------------------------------------------------------------------------------


def test_start_creates_a_draft_under_the_frozen_rules():
    call = open_call()
    organisation = OrganisationFactory()
    user = member_of(organisation)

    application = start_application(user=user, call=call, lot=call.lots.get(code="B"), organisation=organisation)

    call.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.rules_version.rules == call.rules_snapshot()
    assert call.rules_frozen_at is not None
    assert application.created_by == user
    assert ActivityLog.objects.get(application=application).action == "created"


def test_start_refuses_a_non_member():
    call = open_call()
    organisation = OrganisationFactory()

    with pytest.raises(ApplicationPermissionError):
        start_application(user=UserFactory(), call=call, lot=call.lots.first(), organisation=organisation)


def test_start_refuses_a_closed_call_and_a_foreign_lot():
    closed = open_call(
        opens_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
        closes_at=datetime.datetime(2024, 2, 1, tzinfo=datetime.UTC),
    )
    other = open_call()
    organisation = OrganisationFactory()
    user = member_of(organisation)

    with pytest.raises(ApplicationError, match="not open"):
        start_application(user=user, call=closed, lot=closed.lots.first(), organisation=organisation)
    with pytest.raises(ApplicationError, match="does not belong"):
        start_application(user=user, call=other, lot=closed.lots.first(), organisation=organisation)


def test_one_application_per_organisation_and_lot():
    call = open_call()
    organisation = OrganisationFactory()
    user = member_of(organisation)
    lot = call.lots.get(code="A")
    first = start_application(user=user, call=call, lot=lot, organisation=organisation)
    first.title = "Scorecard of Kumanovo"
    first.save()

    with pytest.raises(ApplicationError) as refused:
        start_application(user=user, call=call, lot=lot, organisation=organisation)

    assert "Scorecard of Kumanovo" in refused.value.messages[0]
    # Another lot is fine.
    assert start_application(user=user, call=call, lot=call.lots.get(code="B"), organisation=organisation)


def test_applications_per_lot_may_allow_more():
    call = open_call(applications_per_lot=2)
    organisation = OrganisationFactory()
    user = member_of(organisation)
    lot = call.lots.get(code="A")

    start_application(user=user, call=call, lot=lot, organisation=organisation)
    start_application(user=user, call=call, lot=lot, organisation=organisation)
    with pytest.raises(ApplicationError):
        start_application(user=user, call=call, lot=lot, organisation=organisation)


def test_a_withdrawn_application_frees_the_lot():
    application, user = make_application()
    submit_application(application.pk, user=user)
    withdraw_application(application.pk, user=user)

    again = start_application(
        user=user, call=application.call, lot=application.lot, organisation=application.organisation
    )

    assert again.pk != application.pk


# --- completeness ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lot_code", ["A", "B", "C"])
def test_a_complete_application_has_no_problems(lot_code):
    application, _user = make_application(lot_code)

    assert check_submission(application) == []


def test_missing_texts_are_listed_per_field():
    application, _user = make_application(title="", data_use="  ", duration_months=None)

    problems = problems_of(application)

    assert problems[("project", "title")] == "Project title is required."
    assert ("project", "data_use") in problems
    assert ("project", "duration_months") in problems


def test_language_must_be_accepted():
    application, _user = make_application(language="de")

    assert "en, mk" in problems_of(application)[("project", "language")]


@pytest.mark.parametrize("amount", ["0.00", "-100.00"])
def test_zero_and_negative_amounts_are_refused(amount):
    application, _user = make_application(requested_amount_eur=Decimal(amount))

    assert (
        problems_of(application)[("budget", "requested_amount_eur")] == "The requested amount must be more than zero."
    )


def test_amount_over_the_lots_maximum():
    application, _user = make_application(requested_amount_eur=Decimal("8000.01"))

    message = problems_of(application)[("budget", "requested_amount_eur")]
    assert "between EUR 4,000.00 and EUR 8,000.00 for lot A" in message


def test_amount_within_the_lot_but_over_the_calls_maximum():
    call = open_call(max_grant=Decimal("7000"))
    application, _user = make_application(call=call, requested_amount_eur=Decimal("7500.00"))

    assert "EUR 7,000.00" in problems_of(application)[("budget", "requested_amount_eur")]


def test_duration_outside_the_lots_range():
    application, _user = make_application(duration_months=7)

    assert "between 4 and 6 months" in problems_of(application)[("project", "duration_months")]


def test_budget_total_must_equal_the_requested_amount_to_the_cent():
    application, _user = make_application(requested_amount_eur=Decimal("6000.01"))

    message = problems_of(application)[("budget", "budget_lines")]
    assert message == "The budget total (EUR 6,000.00) must equal the requested amount (EUR 6,000.01)."


def test_a_budget_needs_lines():
    application, _user = make_application()
    application.budget_lines.all().delete()

    assert problems_of(application)[("budget", "budget_lines")] == "Add at least one budget line."


def test_co_financing_below_the_lots_minimum():
    application, _user = make_application("B")
    application.budget_lines.update(co_financing_eur=Decimal("499.99"))

    message = problems_of(application)[("budget", "co_financing_eur")]
    assert "at least 5% of the budget (EUR 500.00)" in message


def test_co_financing_of_a_line_cannot_exceed_its_total():
    application, _user = make_application()
    application.budget_lines.update(co_financing_eur=Decimal("6000.01"))

    assert "exceeds the line total" in problems_of(application)[("budget", "budget_lines")]


def test_unmet_eligibility_is_a_problem_with_its_reason():
    organisation = OrganisationFactory(annual_budget_eur=Decimal("60000"), year_registered=2015)
    application, _user = make_application(organisation=organisation)

    message = problems_of(application)[("eligibility", "annual_budget")]
    assert "at most EUR 50,000.00" in message


def test_missing_documents():
    application, _user = make_application(documents=False)
    certificate = application.call.required_documents.get(code="registration-certificate")
    attach(application, certificate)

    problems = problems_of(application)

    assert problems[("documents", "budget")] == "Attach the Budget in EUR."
    assert ("documents", "registration-certificate") not in problems
    # The partnership letter is only for cross-border lots.
    assert ("documents", "partnership-letter") not in problems


def test_cross_border_lot_needs_the_partnership_letter():
    application, _user = make_application("C")
    application.attachments.filter(document__code="partnership-letter").delete()

    assert ("documents", "partnership-letter") in problems_of(application)


def test_cross_border_lot_needs_a_partner_from_another_country():
    application, _user = make_application("C", partners=[])

    message = problems_of(application)[("partners", "partners")]
    assert "needs at least 1 partner organisation from at least 1 country other than" in message
    assert "(s)" not in message and "(ies)" not in message


def test_a_partner_from_the_lead_applicants_country_does_not_count():
    neighbour = OrganisationFactory(country=CountryFactory(code="MK"))
    application, _user = make_application("C", partners=[neighbour])

    assert (
        "You have 0 partner organisations from 0 other countries." in problems_of(application)[("partners", "partners")]
    )


def test_the_lead_applicant_is_not_its_own_partner():
    organisation = OrganisationFactory(annual_budget_eur=Decimal("40000"))
    application, _user = make_application("C", organisation=organisation)
    ApplicationPartnerFactory(application=application, organisation=organisation)

    assert "cannot also be listed" in problems_of(application)[("partners", "partners")]


def test_the_check_reads_the_rules_version_not_the_live_call():
    application, _user = make_application(requested_amount_eur=Decimal("7000.00"))
    application.budget_lines.update(unit_cost_eur=Decimal("7000.00"), total_eur=Decimal("7000.00"))
    # The call is edited behind the service's back (no clean()): lot A now allows only up to EUR 5,000.
    application.lot.__class__.objects.filter(pk=application.lot_id).update(max_grant=Decimal("5000"))

    assert check_submission(application) == []


# --- submit --------------------------------------------------------------------------------------------------------


def test_submit_assigns_a_reference_and_sends_one_receipt():
    application, user = make_application()

    submitted = submit_application(application.pk, user=user)

    year = submitted.submitted_at.astimezone(submitted.call.zone).year
    assert submitted.reference == f"IW-MK-{year}-001"
    assert submitted.status == ApplicationStatus.SUBMITTED
    assert submitted.submitted_by == user
    activity = ActivityLog.objects.get(application=application, action="submitted")
    assert (activity.from_status, activity.to_status, activity.actor) == ("draft", "submitted", user)
    receipt = OutboxMessage.objects.get(template="application_submitted")
    assert receipt.recipient == user.email
    assert submitted.reference in receipt.subject
    for text in (submitted.reference, submitted.call.title, "A: Local initiatives", submitted.title, "EUR 6,000.00"):
        assert text in receipt.body_text
    assert "(Europe/Skopje, CEST)" in receipt.body_text or "(Europe/Skopje, CET)" in receipt.body_text
    assert application_url(application) in receipt.body_text
    assert submitted.reference in receipt.body_html


def test_the_receipt_goes_to_every_member_of_the_lead_organisation():
    application, user = make_application()
    colleague = member_of(application.organisation, role=OrganisationMembership.Role.MEMBER)

    submit_application(application.pk, user=user)

    recipients = set(OutboxMessage.objects.filter(template="application_submitted").values_list("recipient", flat=True))
    assert recipients == {user.email, colleague.email}


def test_double_submit_makes_one_submission_and_one_receipt():
    application, user = make_application()

    first = submit_application(application.pk, user=user)
    second = submit_application(application.pk, user=user)

    assert first.reference == second.reference
    assert second.submitted_at == first.submitted_at
    assert OutboxMessage.objects.filter(template="application_submitted").count() == 1
    assert ActivityLog.objects.filter(application=application, action="submitted").count() == 1
    assert ReferenceSequence.objects.get().last_number == 1


def test_references_are_numbered_per_prefix():
    call = open_call()
    first, user1 = make_application(call=call)
    second, user2 = make_application("B", call=call)
    regional = open_call(country=None, eligible_countries=["MK", "RS"])
    serbian = OrganisationFactory(country=CountryFactory(code="RS"), annual_budget_eur=Decimal("40000"))
    third, user3 = make_application(call=regional, organisation=serbian)

    a = submit_application(first.pk, user=user1).reference
    b = submit_application(second.pk, user=user2).reference
    c = submit_application(third.pk, user=user3).reference

    assert a.endswith("-001") and b.endswith("-002") and a[:-4] == b[:-4]
    assert c.startswith("IW-RS-") and c.endswith("-001")


def test_an_incomplete_application_is_not_submitted_and_nothing_is_written():
    application, user = make_application(title="")

    with pytest.raises(SubmissionError) as refused:
        submit_application(application.pk, user=user)

    assert [(p.section, p.field) for p in refused.value.problems] == [("project", "title")]
    assert refused.value.messages == ["Project title is required."]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT and application.reference is None
    assert not ReferenceSequence.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_only_members_submit():
    application, _user = make_application()

    with pytest.raises(ApplicationPermissionError):
        submit_application(application.pk, user=UserFactory())
    with pytest.raises(ApplicationPermissionError):
        submit_application(application.pk, user=member_of(OrganisationFactory()))

    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_a_withdrawn_application_cannot_be_submitted_again():
    application, user = make_application()
    submit_application(application.pk, user=user)
    withdraw_application(application.pk, user=user)

    with pytest.raises(ApplicationError, match="withdrawn"):
        submit_application(application.pk, user=user)


# --- withdraw ------------------------------------------------------------------------------------------------------


def test_withdraw_before_the_deadline_mails_once():
    application, user = make_application()
    submit_application(application.pk, user=user)

    withdrawn = withdraw_application(application.pk, user=user, reason="Wrong lot <b>chosen</b>\x00")
    again = withdraw_application(application.pk, user=user)

    assert withdrawn.status == again.status == ApplicationStatus.WITHDRAWN
    assert withdrawn.withdrawn_at is not None
    activity = ActivityLog.objects.get(application=application, action="withdrawn")
    assert activity.comment == "Wrong lot <b>chosen</b>"  # plain text, kept as typed; escaped on output
    mail = OutboxMessage.objects.get(template="application_withdrawn")
    assert withdrawn.reference in mail.subject and "Wrong lot <b>chosen</b>" in mail.body_text


def test_withdraw_after_the_deadline_is_refused():
    application, user = make_application()
    submit_application(application.pk, user=user)
    late = application.call.closes_at + datetime.timedelta(seconds=1)

    with pytest.raises(ApplicationError, match="deadline"):
        withdraw_application(application.pk, user=user, now=late)
    withdraw_application(application.pk, user=user, now=application.call.closes_at)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN


def test_withdraw_by_a_non_member_is_refused():
    application, user = make_application()
    submit_application(application.pk, user=user)

    with pytest.raises(ApplicationPermissionError):
        withdraw_application(application.pk, user=member_of(OrganisationFactory()))

    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert not OutboxMessage.objects.filter(template="application_withdrawn").exists()


def test_a_draft_cannot_be_withdrawn():
    application, user = make_application()

    with pytest.raises(ApplicationError, match="Only a submitted application"):
        withdraw_application(application.pk, user=user)


def test_start_with_the_same_token_returns_the_first_draft_and_another_organisation_gets_its_own():
    call = open_call(applications_per_lot=2)
    lot = call.lots.get(code="A")
    organisation, other = OrganisationFactory(), OrganisationFactory()
    user, other_user = member_of(organisation), member_of(other)

    first = start_application(user=user, call=call, lot=lot, organisation=organisation, start_token="abc")
    again = start_application(user=user, call=call, lot=lot, organisation=organisation, start_token="abc")
    theirs = start_application(user=other_user, call=call, lot=lot, organisation=other, start_token="abc")

    assert again.pk == first.pk
    assert theirs.pk != first.pk and theirs.organisation == other
    assert Application.objects.filter(organisation=organisation).count() == 1
