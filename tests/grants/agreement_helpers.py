"""Set-up shared by the agreement, payment and agreement-view tests: awarded applications and their agreements."""

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from grants.models import ApplicationStatus, Decision, DecisionOutcome, ReportingRequirement, ReportKind
from grants.services.agreements import create_agreement, send_agreement, sign_agreement
from tests.grants.evaluation_helpers import at_status
from tests.grants.factories import ApplicationFactory, ApplicationPartnerFactory, BudgetLineFactory
from tests.portal.factories_accounts import StaffFactory

START = datetime.date(2026, 3, 1)
END = datetime.date(2026, 10, 31)


def awarded(amount="6000.00", *, lines=(("staff", "Coordinator", "6", "1000.00"),), partners=0, **fields):
    """An awarded application (decision award of ``amount`` EUR) with budget ``lines`` (category, description,
    quantity, unit cost) and ``partners`` co-applicants."""
    application = ApplicationFactory(**fields)
    for order, (category, description, quantity, unit_cost) in enumerate(lines):
        BudgetLineFactory(
            application=application,
            category=category,
            description=description,
            quantity=Decimal(quantity),
            unit_cost_eur=Decimal(unit_cost),
            sort_order=order,
        )
    for _ in range(partners):
        ApplicationPartnerFactory(application=application)
    application = at_status(application, ApplicationStatus.AWARDED)
    Decision.objects.create(
        application=application,
        outcome=DecisionOutcome.AWARD,
        amount_eur=Decimal(amount),
        reason="Strong proposal.",
        decided_by=StaffFactory(),
        decided_at=timezone.now(),
    )
    return application


def pdf_bytes() -> bytes:
    """A small valid one-page PDF."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def signed_pdf(name="Ugovor potpisan.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def make_agreement(staff=None, *, status="draft", amount="6000.00", with_schedule=False, **fields):
    """An agreement for a new awarded application, moved to ``status`` (draft, sent or signed) through the services.
    ``with_schedule``: add an interim and a final reporting requirement when signed (when the reporting service does
    not make them)."""
    staff = staff or StaffFactory()
    application = awarded(amount, **fields)
    agreement = create_agreement(application.pk, user=staff, start_date=START, end_date=END)
    if status in ("sent", "signed", "active"):
        send_agreement(agreement.pk, user=staff)
    if status in ("signed", "active"):
        if with_schedule:
            add_schedule(agreement)
        sign_agreement(agreement.pk, user=staff, signed_file=signed_pdf())
    if status == "active":
        from grants.services.agreements import activate_agreement

        activate_agreement(agreement.pk, user=staff)
    agreement.refresh_from_db()
    return agreement


def add_schedule(agreement, *, interim=True):
    """Interim (when ``interim``) and final reporting requirements for ``agreement`` (set-up, not the service)."""
    now = timezone.now()
    rows = []
    if interim:
        rows.append(ReportingRequirement(agreement=agreement, kind=ReportKind.INTERIM, due_at=now, original_due_at=now))
    later = now + datetime.timedelta(days=200)
    rows.append(ReportingRequirement(agreement=agreement, kind=ReportKind.FINAL, due_at=later, original_due_at=later))
    return ReportingRequirement.objects.bulk_create(rows)
