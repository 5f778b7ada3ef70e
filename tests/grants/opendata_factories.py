"""A small factory of grant agreements for the open-data tests: an awarded application (with its award decision)
and a GrantAgreement row written directly (test set-up, not the agreements service)."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from grants.models import AgreementStatus, ApplicationStatus, Decision, DecisionOutcome, GrantAgreement
from tests.grants.factories import ApplicationFactory

_numbers = itertools.count(1)


def awarded_agreement(
    call=None,
    *,
    status=AgreementStatus.ACTIVE,
    amount="6000.00",
    awarded_at=None,
    start=datetime.date(2026, 3, 1),
    end=datetime.date(2026, 8, 31),
    partners=(),
    organisation=None,
    **application_fields,
) -> GrantAgreement:
    """An agreement of ``status`` for a new awarded application of ``call`` (a new open call when None).

    The application gets an award decision of ``amount`` (EUR) decided at ``awarded_at`` (aware; default now);
    agreements from *signed* on get ``signed_at`` (the award time plus a week, terminated ones too);
    ``partners`` are organisations added to the agreement.
    """
    n = next(_numbers)
    fields = dict(application_fields)
    if call is not None:
        fields["call"] = call
        fields["lot"] = call.lots.get(code="A")
    if organisation is not None:
        fields["organisation"] = organisation
    application = ApplicationFactory(
        status=ApplicationStatus.AWARDED,
        reference=f"IW-OD-2026-{n:04d}",
        submitted_at=timezone.now(),
        **fields,
    )
    awarded_at = awarded_at or timezone.now()
    Decision.objects.create(
        application=application,
        outcome=DecisionOutcome.AWARD,
        amount_eur=Decimal(amount),
        reason="Set up by the test.",
        decided_at=awarded_at,
    )
    signed = status not in (AgreementStatus.DRAFT, AgreementStatus.SENT)
    agreement = GrantAgreement.objects.create(
        application=application,
        organisation=application.organisation,
        reference=f"AG-OD-2026-{n:04d}",
        amount_eur=Decimal(amount),
        start_date=start,
        end_date=end,
        status=status,
        sent_at=awarded_at,
        signed_at=awarded_at + datetime.timedelta(days=7) if signed else None,
    )
    if partners:
        agreement.partners.set(partners)
    return agreement
