"""Agreements for the reporting tests, written directly (test set-up, not the agreements service): an awarded
application of an open call, its agreement with two budget lines as awarded and an 80/20 payment schedule (80 % at
signature, 20 % after the final report is approved)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from grants.models import (
    AgreementBudgetLine,
    AgreementStatus,
    ApplicationStatus,
    GrantAgreement,
    Tranche,
    TrancheCondition,
)
from tests.community.factories import member_of
from tests.grants.factories import ApplicationFactory

_counter = iter(range(1, 1_000_000))


def make_agreement(
    *,
    start=datetime.date(2026, 1, 1),
    end=datetime.date(2026, 6, 30),
    status=AgreementStatus.SIGNED,
    amount=Decimal("6000.00"),
    lines=(("staff", "Project coordinator", Decimal("4000.00")), ("other", "Public debate", Decimal("2000.00"))),
    organisation=None,
    **application_fields,
) -> GrantAgreement:
    """A ``status`` agreement (signed by default) of a new awarded application: ``start``..``end``, ``amount`` EUR,
    the budget ``lines`` (category, description, EUR) and tranches 1 (80 %, signature) and 2 (20 %, report
    approved; not linked to a report: :func:`grants.services.reporting.create_schedule` links it)."""
    n = next(_counter)
    if organisation is not None:
        application_fields["organisation"] = organisation
    application = ApplicationFactory(
        status=ApplicationStatus.AWARDED, reference=f"IW-MK-2026-9{n:04d}", **application_fields
    )
    agreement = GrantAgreement.objects.create(
        application=application,
        organisation=application.organisation,
        reference=f"GA-MK-2026-{n:04d}",
        amount_eur=amount,
        start_date=start,
        end_date=end,
        status=status,
        signed_at=timezone.now() if status != AgreementStatus.DRAFT else None,
    )
    for order, (category, description, total) in enumerate(lines):
        AgreementBudgetLine.objects.create(
            agreement=agreement, category=category, description=description, total_eur=total, sort_order=order
        )
    first = (amount * Decimal("0.80")).quantize(Decimal("0.01"))
    Tranche.objects.create(
        agreement=agreement, number=1, percent=Decimal("80"), amount_eur=first, condition=TrancheCondition.SIGNATURE
    )
    Tranche.objects.create(
        agreement=agreement,
        number=2,
        percent=Decimal("20"),
        amount_eur=amount - first,
        condition=TrancheCondition.REPORT_APPROVED,
    )
    return agreement


def agreement_with_member(**fields) -> tuple[GrantAgreement, object]:
    """:func:`make_agreement` and a member (admin role) of its grantee organisation."""
    agreement = make_agreement(**fields)
    return agreement, member_of(agreement.organisation)
