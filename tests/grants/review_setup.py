"""Set-up shared by the scoring and reviewer-screen tests: accepted assignments and complete score sheets."""

from decimal import Decimal

from grants.models import ApplicationStatus
from grants.services.reviews import assign_reviewer, declare_conflict
from grants.services.scoring import criteria_of, save_review
from tests.grants.factories import ApplicationFactory
from tests.grants.test_review_assignments import eligible, make_reviewer
from tests.portal.factories_accounts import StaffFactory, activate_totp


def under_review(application=None, **fields):
    """An eligible application (a reference, status eligible; assigning a reviewer puts it under review)."""
    return eligible(application or ApplicationFactory(**fields), status=ApplicationStatus.ELIGIBLE)


def accepted(application, reviewer=None, *, staff=None, totp=False):
    """Assign ``reviewer`` (a new one by default) to ``application`` and declare no conflict of interest."""
    reviewer = reviewer or make_reviewer()
    if totp:
        activate_totp(reviewer)
    assignment = assign_reviewer(application.pk, reviewer, user=staff or StaffFactory())
    return declare_conflict(assignment.pk, reviewer=reviewer, has_conflict=False)


def pending(application, reviewer=None, *, staff=None, totp=False):
    """Assign ``reviewer`` to ``application`` without a declaration yet."""
    reviewer = reviewer or make_reviewer()
    if totp:
        activate_totp(reviewer)
    return assign_reviewer(application.pk, reviewer, user=staff or StaffFactory())


def sheet(application, value="4", comment="Well argued.", **overrides) -> dict:
    """A complete score sheet for ``application``'s grid: ``value`` on every criterion, overrides by name."""
    result = {}
    for criterion in criteria_of(application):
        entry = {"score": Decimal(str(value)), "not_applicable": False, "comment": comment}
        if criterion.name in overrides:
            entry.update(overrides[criterion.name])
        result[criterion.id] = entry
    return result


def submit(assignment, value="4", comment="Well argued.", recommendation="fund", **overrides):
    """Save a complete review for ``assignment`` and submit it; returns the review."""
    application = assignment.application
    return save_review(
        assignment.pk,
        user=assignment.reviewer,
        scores=sheet(application, value, comment, **overrides),
        recommendation=recommendation,
        submit=True,
    )
