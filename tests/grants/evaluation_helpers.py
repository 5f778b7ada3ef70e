"""Helpers for the ranking, decision, clarification and reviewer-admin tests: applications put in a status
directly (test set-up, not a workflow step), a staff reader of the admin, reviewers and reviews."""

import itertools
from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from grants.models import (
    Application,
    ApplicationStatus,
    CriterionScore,
    Review,
    ReviewAssignment,
    ReviewAssignmentStatus,
    ReviewStatus,
)
from portal.accounts.roles import REVIEWERS_GROUP
from tests.community.factories import member_of
from tests.grants.factories import ApplicationFactory
from tests.portal.factories_accounts import StaffFactory, UserFactory

_numbers = itertools.count(500)


def at_status(application, status, *, score=None, **fields):
    """Put ``application`` in ``status`` with a reference (and ``score`` and other fields), bypassing the workflow."""
    number = next(_numbers)
    values = {"status": status, "reference": application.reference or f"IW-MK-2026-{number:04d}", **fields}
    if score is not None:
        values["score"] = Decimal(str(score))
    Application.objects.filter(pk=application.pk).update(**values)
    application.refresh_from_db()
    return application


def reviewed(status=ApplicationStatus.REVIEWED, *, with_member=True, **factory_fields):
    """A factory application in ``status`` (default reviewed) with a member of its lead organisation; returns
    ``(application, member or None)``."""
    application = at_status(ApplicationFactory(**factory_fields), status)
    member = member_of(application.organisation, preferred_language="") if with_member else None
    return application, member


def reader():
    """Staff (TOTP on) with admin access and ``grants.view_application``: may use every staff grants view."""
    user = StaffFactory(is_superuser=False, totp=True)
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"),
        Permission.objects.get(codename="view_application"),
    )
    return user


def make_reviewer(**fields):
    """A user of the reviewers group with TOTP on (reviewers sign in with two factors)."""
    user = UserFactory(totp=True, **fields)
    user.groups.add(Group.objects.get_or_create(name=REVIEWERS_GROUP)[0])
    return user


def submitted_review(application, reviewer, *, total="72.50", comment="Strong data use.", criterion_comment=""):
    """An accepted assignment and a submitted review of ``application`` by ``reviewer`` with a score per criterion."""
    assignment = ReviewAssignment.objects.create(
        application=application, reviewer=reviewer, status=ReviewAssignmentStatus.ACCEPTED
    )
    review = Review.objects.create(
        assignment=assignment,
        application=application,
        reviewer=reviewer,
        status=ReviewStatus.SUBMITTED,
        recommendation="fund",
        overall_comment=comment,
        total_score=Decimal(total),
        submitted_at=timezone.now(),
    )
    for criterion in application.call.criteria.all():
        CriterionScore.objects.create(
            review=review, criterion=criterion, score=Decimal("4"), comment=criterion_comment or f"On {criterion.name}"
        )
    return review
