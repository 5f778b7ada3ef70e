"""Set-up helpers for the integrity, export and dashboard tests: submitted applications (one by one or in bulk),
reviewers on their own mail domain, assignments and decisions written directly (test set-up, not workflow steps)."""

import itertools
from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from community.models import Organisation
from grants.models import Application, ApplicationStatus, BudgetLine, Decision, ReviewAssignment
from portal.accounts.roles import REVIEWERS_GROUP
from tests.community.factories import OrganisationFactory
from tests.grants.factories import ApplicationFactory
from tests.portal.factories import CountryFactory
from tests.portal.factories_accounts import UserFactory, activate_totp

_numbers = itertools.count(1)

#: Proposal text long enough to be compared by the near-duplicate check (about 60 words).
LONG_TEXT = (
    "The project follows public procurement in the municipalities of Kumanovo and Tetovo using the open "
    "contracting data published on the Integrity Watch platform. Volunteers will read every contract above "
    "ten thousand euro, compare prices with the reference prices of the state audit office, interview the "
    "procurement officers and publish a quarterly scorecard that citizens and journalists can reuse freely."
)


def organisation(**fields):
    """An organisation on its own web domain (``cso<n>.mk``), so that domain checks only link what a test links."""
    n = next(_numbers)
    fields.setdefault("website", f"https://www.cso{n}.mk/")
    fields.setdefault("contact_email", f"office@cso{n}.mk")
    return OrganisationFactory(**fields)


def submitted(call, *, lot="A", status=ApplicationStatus.SUBMITTED, **fields):
    """A submitted application of ``call`` (reference ``IW-MK-2026-<n>``) by a new organisation unless given, with a
    short proposal text of its own."""
    n = next(_numbers)
    fields.setdefault("organisation", organisation())
    # Short, distinct texts: only what a test puts in makes proposals near duplicates.
    fields.setdefault("summary", f"Project {n}.")
    for name in ("problem", "objectives", "activities", "expected_results"):
        fields.setdefault(name, "")
    return ApplicationFactory(
        call=call,
        lot=call.lots.get(code=lot),
        status=status,
        reference=f"IW-MK-2026-{n:04d}" if status != ApplicationStatus.DRAFT else None,
        submitted_at=timezone.now() if status != ApplicationStatus.DRAFT else None,
        **fields,
    )


def reviewer(email=None, **fields):
    """A user in the reviewers group with TOTP (reviewers sign in with two factors), by default at an independent
    domain."""
    user = UserFactory(email=email or f"reviewer{next(_numbers)}@independent-review.eu", **fields)
    user.groups.add(Group.objects.get_or_create(name=REVIEWERS_GROUP)[0])
    activate_totp(user)
    return user


def assign(application, user, status="accepted"):
    return ReviewAssignment.objects.create(application=application, reviewer=user, status=status)


def decide(application, outcome, amount=None, when=None):
    return Decision.objects.create(
        application=application,
        outcome=outcome,
        amount_eur=Decimal(amount) if amount is not None else None,
        reason="Set up by the test.",
        decided_at=when or timezone.now(),
    )


def grant_view_application(user):
    user.user_permissions.add(Permission.objects.get(codename="view_application"))
    return user


def bulk_submitted(call, count, *, lots=("A", "B"), countries=("MK", "RS"), text=None, scores=True):
    """``count`` submitted applications of ``call`` by new organisations (bulk inserts), each with one budget line,
    spread over ``lots`` and ``countries``; scores 40..99 when ``scores``. Returns the applications."""
    start = next(_numbers) * 10000
    country_rows = [CountryFactory(code=code) for code in countries]
    organisations = Organisation.objects.bulk_create(
        Organisation(
            legal_name=f"Bulk organisation {start + n}",
            registration_number=f"BULK-{start + n}",
            country=country_rows[n % len(country_rows)],
            website=f"https://bulk{start + n}.mk",
        )
        for n in range(count)
    )
    lot_rows = [call.lots.get(code=code) for code in lots]
    rules = call.current_rules()
    now = timezone.now()
    applications = Application.objects.bulk_create(
        Application(
            call=call,
            lot=lot_rows[n % len(lot_rows)],
            rules_version=rules,
            organisation=organisations[n],
            status=ApplicationStatus.SUBMITTED,
            reference=f"IW-BK-2026-{start + n}",
            title=f"Bulk project {start + n}",
            summary=text or f"Unique summary number {start + n} about topic {n * 7919 % 1000}.",
            requested_amount_eur=Decimal("6000.00"),
            submitted_at=now,
            score=Decimal(40 + n % 60) if scores else None,
            score_spread=Decimal("5.00") if scores else None,
            submitted_review_count=2 if scores else 0,
        )
        for n in range(count)
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(
            application=application,
            category="staff",
            description="Trainer",
            unit="day",
            quantity=Decimal("10"),
            unit_cost_eur=Decimal("200.00"),
            total_eur=Decimal("2000.00"),
        )
        for application in applications
    )
    return applications
