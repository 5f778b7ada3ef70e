"""Independent review: who reviews which application, and their conflict-of-interest declarations (issue 4, item 3).

Staff assign reviewers (:mod:`grants.services.reviews`); before a reviewer may open an application they declare
whether they have a conflict of interest. No conflict → the assignment is ``accepted`` and the application becomes
visible to them (:meth:`grants.models.ApplicationQuerySet.visible_to`). A conflict → the assignment is
``conflicted`` and the application stays hidden from them everywhere; the declaration is kept as a record.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.roles import REVIEWERS_GROUP


class ReviewAssignmentStatus(models.TextChoices):
    """Life of an assignment: ``pending_declaration`` → ``accepted`` or ``conflicted``; staff may set ``removed``."""

    PENDING_DECLARATION = "pending_declaration", _("Awaiting conflict-of-interest declaration")
    ACCEPTED = "accepted", _("Accepted")
    CONFLICTED = "conflicted", _("Conflict of interest declared")
    REMOVED = "removed", _("Removed")


#: Statuses that count toward a reviewer's load and an application's number of reviewers.
CURRENT_ASSIGNMENT_STATUSES = (ReviewAssignmentStatus.PENDING_DECLARATION, ReviewAssignmentStatus.ACCEPTED)


class ReviewAssignmentQuerySet(models.QuerySet):
    """Queries on review assignments."""

    def current(self):
        """Assignments waiting for a declaration or accepted (not conflicted, not removed)."""
        return self.filter(status__in=CURRENT_ASSIGNMENT_STATUSES)

    def accepted(self):
        """Assignments whose reviewer declared no conflict of interest: they may open the application."""
        return self.filter(status=ReviewAssignmentStatus.ACCEPTED)

    def accepted_for(self, user):
        """``user``'s accepted assignments, while ``user`` is still in the reviewers group
        (:data:`portal.accounts.roles.REVIEWERS_GROUP`): leaving the group closes every application to them."""
        return self.accepted().filter(reviewer=user, reviewer__groups__name=REVIEWERS_GROUP)


class ReviewAssignment(models.Model):
    """Reviewer ``reviewer`` (a user in the reviewers group) is asked to review ``application``.

    One row per (application, reviewer): removing and re-assigning reuses it; a reviewer who declared a conflict of
    interest is never assigned to that application again. Changed only by :mod:`grants.services.reviews`.
    """

    application = models.ForeignKey(
        "grants.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="review_assignments",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="review_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReviewAssignmentStatus.choices,
        default=ReviewAssignmentStatus.PENDING_DECLARATION,
    )
    declared_at = models.DateTimeField(_("declared"), null=True, blank=True)

    objects = ReviewAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["application", "assigned_at", "pk"]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="grants_reviewassignment_unique"),
        ]
        indexes = [models.Index(fields=["reviewer", "status"])]

    def __str__(self):
        return f"{self.application} – {self.reviewer}"


class ConflictOfInterestDeclaration(models.Model):
    """What a reviewer declared about one application: a conflict of interest or none, with an optional statement.

    Kept as a record even when the conflict removes the assignment (the assignment stays, ``conflicted``).
    """

    assignment = models.ForeignKey(
        ReviewAssignment,
        verbose_name=_("assignment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="declarations",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="conflict_declarations",
    )
    application = models.ForeignKey(
        "grants.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="conflict_declarations",
    )
    has_conflict = models.BooleanField(_("conflict of interest"))
    statement = models.TextField(_("statement"), blank=True)
    declared_at = models.DateTimeField(_("declared"), default=timezone.now)

    class Meta:
        ordering = ["application", "declared_at", "pk"]
        verbose_name = _("conflict-of-interest declaration")
        verbose_name_plural = _("conflict-of-interest declarations")

    def __str__(self):
        return f"{self.application} – {self.reviewer}"
