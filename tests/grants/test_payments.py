"""Payments of tranches (issue 5, item 4): due only when the condition is met, never more than the tranche or the
award, replay-safe, logged, close-out after the last payment; the summary the grantee and staff see."""

import datetime
from decimal import Decimal

import pytest

from grants.models import ActivityLog, AgreementStatus, GrantAgreement, ReportKind, ReportStatus, Tranche
from grants.services.errors import ApplicationError, ApplicationPermissionError
from grants.services.payments import payment_summary, record_payment
from tests.community.factories import member_of
from tests.grants.agreement_helpers import make_agreement
from tests.portal.factories_accounts import StaffFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def staff():
    return StaffFactory()


def _tranches(agreement):
    return list(Tranche.objects.filter(agreement=agreement).order_by("number"))


def _approve(requirement):
    type(requirement).objects.filter(pk=requirement.pk).update(status=ReportStatus.APPROVED)


def test_signature_tranche_is_paid_and_logged(staff):
    agreement = make_agreement(staff, status="signed")
    first, _second = _tranches(agreement)
    tranche = record_payment(first.pk, user=staff, paid_on=TODAY, amount_eur="4800.00")
    assert (tranche.paid_on, tranche.paid_amount_eur, tranche.recorded_by) == (TODAY, Decimal("4800.00"), staff)
    entry = ActivityLog.objects.get(action="tranche_paid")
    assert entry.application_id == agreement.application_id and "4,800.00" in entry.comment
    assert payment_summary(agreement) == {
        "awarded": Decimal("6000.00"),
        "paid": Decimal("4800.00"),
        "due_unpaid": Decimal("0.00"),
        "not_yet_due": Decimal("1200.00"),
        "remaining": Decimal("1200.00"),
    }


def test_a_tranche_is_not_paid_before_its_condition(staff):
    agreement = make_agreement(staff, status="sent")
    first, _second = _tranches(agreement)
    with pytest.raises(ApplicationError) as error:
        record_payment(first.pk, user=staff, paid_on=TODAY, amount_eur="100")
    assert error.value.code == "not_due"
    signed = make_agreement(staff, status="signed", with_schedule=True)
    _first, report_tranche = _tranches(signed)
    with pytest.raises(ApplicationError) as error:
        record_payment(report_tranche.pk, user=staff, paid_on=TODAY, amount_eur="100")
    assert error.value.code == "not_due"
    assert not Tranche.objects.filter(paid_on__isnull=False).exists()
    assert payment_summary(signed)["due_unpaid"] == Decimal("4800.00")


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("4800.01", "over_tranche"),
        ("4799.99", "partial"),
        ("100", "partial"),
        ("0", "amount"),
        ("-5", "amount"),
        ("abc", "amount"),
        ("", "amount"),
        (None, "amount"),
        ("NaN", "amount"),
        ("Infinity", "amount"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_is_written(staff, amount, code):
    agreement = make_agreement(staff, status="signed")
    first, _second = _tranches(agreement)
    with pytest.raises(ApplicationError) as error:
        record_payment(first.pk, user=staff, paid_on=TODAY, amount_eur=amount)
    assert error.value.code == code
    first.refresh_from_db()
    assert first.paid_on is None and not ActivityLog.objects.filter(action="tranche_paid").exists()


def test_a_future_or_invalid_date_is_refused(staff):
    agreement = make_agreement(staff, status="signed")
    first, _second = _tranches(agreement)
    for paid_on in (TODAY + datetime.timedelta(days=2), "31/12/2026", None):
        with pytest.raises(ApplicationError) as error:
            record_payment(first.pk, user=staff, paid_on=paid_on, amount_eur="10")
        assert error.value.code == "date"


def test_a_payment_that_would_exceed_the_award_is_refused(staff):
    agreement = make_agreement(staff, status="signed")
    first, second = _tranches(agreement)
    # A tranche amount out of line with the award (data repaired by hand, say): the award still bounds the total.
    Tranche.objects.filter(pk=first.pk).update(amount_eur=Decimal("5500.00"))
    record_payment(first.pk, user=staff, paid_on=TODAY, amount_eur="5500.00")
    requirement = agreement.reporting_requirements.create(
        kind=ReportKind.FINAL, due_at=first.agreement.signed_at, original_due_at=first.agreement.signed_at
    )
    Tranche.objects.filter(pk=second.pk).update(report=requirement)
    _approve(requirement)
    with pytest.raises(ApplicationError) as error:
        record_payment(second.pk, user=staff, paid_on=TODAY, amount_eur="1200.00")
    assert error.value.code == "over_award"
    assert "would exceed the award" in str(error.value.messages[0])
    second.refresh_from_db()
    assert second.paid_on is None


def test_replaying_the_same_payment_returns_it_a_different_one_is_refused(staff):
    agreement = make_agreement(staff, status="signed")
    first, _second = _tranches(agreement)
    record_payment(first.pk, user=staff, paid_on=TODAY, amount_eur="4800")
    again = record_payment(first.pk, user=staff, paid_on=TODAY, amount_eur="4800.00")
    assert again.paid_amount_eur == Decimal("4800.00")
    with pytest.raises(ApplicationError) as error:
        record_payment(first.pk, user=staff, paid_on=TODAY, amount_eur="100")
    assert error.value.code == "already_paid"
    assert ActivityLog.objects.filter(action="tranche_paid").count() == 1


def test_only_staff_record_payments(staff):
    agreement = make_agreement(staff, status="signed")
    first, _second = _tranches(agreement)
    member = member_of(agreement.organisation)
    with pytest.raises(ApplicationPermissionError):
        record_payment(first.pk, user=member, paid_on=TODAY, amount_eur="10")
    with pytest.raises(ApplicationError) as error:
        record_payment(999999, user=staff, paid_on=TODAY, amount_eur="10")
    assert error.value.code == "not_found"


def test_last_payment_after_the_final_report_completes_the_grant(staff):
    agreement = make_agreement(staff, status="active", with_schedule=True)
    first, second = _tranches(agreement)
    record_payment(first.pk, user=staff, paid_on=TODAY, amount_eur="4800")
    final = agreement.reporting_requirements.get(kind=ReportKind.FINAL)
    _approve(final)
    assert payment_summary(agreement)["due_unpaid"] == Decimal("1200.00")
    record_payment(second.pk, user=staff, paid_on=TODAY, amount_eur="1200")
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.COMPLETED and agreement.completed_at is not None
    assert ActivityLog.objects.filter(action="agreement_completed").count() == 1
    assert payment_summary(agreement)["remaining"] == Decimal("0.00")


def test_payment_summary_uses_one_query(staff, django_assert_num_queries):
    agreement = GrantAgreement.objects.get(pk=make_agreement(staff, status="signed").pk)
    with django_assert_num_queries(1):
        payment_summary(agreement)


def test_a_part_payment_is_refused_and_the_balance_stays_due(staff):
    """The QA case: EUR 3,000 against a EUR 3,840 tranche used to close it and lose the EUR 840."""
    agreement = make_agreement(staff, status="signed", amount="4800.00")
    first, second = _tranches(agreement)
    assert first.amount_eur == Decimal("3840.00")
    with pytest.raises(ApplicationError) as error:
        record_payment(first.pk, user=staff, paid_on=TODAY, amount_eur="3000")
    assert error.value.code == "partial"
    message = str(error.value.messages[0])
    assert "Tranche 1 is EUR 3,840.00: record the payment of the whole tranche" in message
    first.refresh_from_db()
    assert first.paid_on is None and first.paid_amount_eur is None
    assert not ActivityLog.objects.filter(action="tranche_paid").exists()
    assert payment_summary(agreement)["due_unpaid"] == Decimal("3840.00")

    record_payment(first.pk, user=staff, paid_on=TODAY, amount_eur="3840.00")
    summary = payment_summary(agreement)
    assert summary["paid"] == Decimal("3840.00") and summary["not_yet_due"] == second.amount_eur
    assert summary["paid"] + summary["due_unpaid"] + summary["not_yet_due"] == summary["awarded"]
    assert summary["remaining"] == summary["awarded"] - summary["paid"]


def test_a_short_paid_last_tranche_cannot_complete_the_grant(staff):
    agreement = make_agreement(staff, status="active", with_schedule=True)
    first, second = _tranches(agreement)
    record_payment(first.pk, user=staff, paid_on=TODAY, amount_eur="4800")
    _approve(agreement.reporting_requirements.get(kind=ReportKind.FINAL))
    with pytest.raises(ApplicationError) as error:
        record_payment(second.pk, user=staff, paid_on=TODAY, amount_eur="1000")
    assert error.value.code == "partial"
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE
    assert payment_summary(agreement)["due_unpaid"] == Decimal("1200.00")
