"""Reviews and their scores (issue 4, item 4).

A reviewer whose assignment is accepted (no conflict of interest declared) writes one :class:`Review` of the
application: a :class:`CriterionScore` per evaluation criterion of the call (0 to the criterion's ``max_score``,
or *not applicable* where the call allows it), a comment per criterion, an overall comment and a recommendation.
A review is a draft until submitted; only :mod:`grants.services.scoring` changes reviews and the application's
aggregate fields (:attr:`Application.score` and friends).

Units: scores are the raw marks on each criterion's own scale (``0..max_score``); ``total_score`` is in weighted
points on the call's grid (the criteria weights, which sum to 100).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewStatus(models.TextChoices):
    """A review is a ``draft`` (only its reviewer sees it) until ``submitted`` (final, counted in the score)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Recommendation(models.TextChoices):
    """The reviewer's overall recommendation to the programme."""

    FUND = "fund", _("Fund")
    FUND_WITH_CHANGES = "fund_with_changes", _("Fund with changes")
    DO_NOT_FUND = "do_not_fund", _("Do not fund")


class ReviewQuerySet(models.QuerySet):
    """Queries on reviews."""

    def submitted(self):
        """Reviews whose reviewer submitted them (the ones that count)."""
        return self.filter(status=ReviewStatus.SUBMITTED)


class Review(models.Model):
    """One reviewer's review of one application; one per (application, reviewer).

    ``total_score``: weighted points (0..100 on a grid whose weights sum to 100), set on submission; criteria
    marked not applicable are left out and the rest scaled to the full grid. ``None`` while a draft.
    """

    assignment = models.OneToOneField(
        "grants.ReviewAssignment", verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="review"
    )
    application = models.ForeignKey(
        "grants.Application", verbose_name=_("application"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="reviews"
    )
    status = models.CharField(_("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    recommendation = models.CharField(_("recommendation"), max_length=20, choices=Recommendation.choices, blank=True)
    overall_comment = models.TextField(_("overall comment"), blank=True)
    total_score = models.DecimalField(_("total score (points)"), max_digits=6, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["application", "submitted_at", "pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="grants_review_unique"),
            models.CheckConstraint(
                condition=models.Q(total_score__isnull=True) | models.Q(total_score__gte=0),
                name="grants_review_total_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.application} – {self.get_status_display()}"


class CriterionScore(models.Model):
    """The mark a review gives one criterion: ``score`` in ``0..criterion.max_score`` (the service checks the
    maximum), or ``not_applicable`` (then ``score`` is empty); ``None`` with ``not_applicable=False`` = not yet
    scored (allowed in drafts only)."""

    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(
        "grants.EvaluationCriterion", verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["review", "criterion__sort_order", "criterion_id"]
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="grants_criterionscore_unique"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0), name="grants_criterionscore_min"
            ),
            models.CheckConstraint(
                condition=~models.Q(not_applicable=True, score__isnull=False), name="grants_criterionscore_na"
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {'N/A' if self.not_applicable else self.score}"
