"""Grantee reporting (issue 5, items 2, 3 and 5): the dated reporting schedule of an agreement and the reports.

At signature :mod:`grants.services.reporting` turns the call's published reporting rules into concrete
:class:`ReportingRequirement` rows (an interim report at mid-term for projects longer than the call's threshold, a
final report due some days after the end date); staff may add an ad-hoc one or extend a due date (logged). For each
requirement the grantee writes one :class:`Report` (narrative and financial, drafts saved); each submission and
each staff review is kept as a :class:`ReportReview` row with a snapshot of what was submitted, so the history
survives revisions.

Due dates are aware UTC datetimes (the end of the due day in the call's time zone); money is EUR ``Decimal``.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .applications import private_storage


class ReportKind(models.TextChoices):
    """Kinds of report a grantee owes."""

    INTERIM = "interim", _("Interim report")
    FINAL = "final", _("Final report")
    AD_HOC = "ad_hoc", _("Additional report")


class ReportStatus(models.TextChoices):
    """Where a report stands: not started or draft (``pending``), ``submitted``, ``changes_requested`` by staff
    (the grantee revises and resubmits), ``approved`` (final)."""

    PENDING = "pending", _("Not submitted")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")


class ReportingRequirement(models.Model):
    """A report the grantee owes by ``due_at``; ``original_due_at`` keeps the first due date when staff extend it."""

    agreement = models.ForeignKey(
        "grants.GrantAgreement",
        verbose_name=_("grant agreement"),
        on_delete=models.CASCADE,
        related_name="reporting_requirements",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    due_at = models.DateTimeField(_("due"))
    original_due_at = models.DateTimeField(_("originally due"))
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["agreement", "due_at", "pk"]
        verbose_name = _("reporting requirement")
        verbose_name_plural = _("reporting requirements")
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self):
        return f"{self.agreement} – {self.get_kind_display()}"


class Report(models.Model):
    """The grantee's report for one requirement: narrative (activities, results against the planned results,
    challenges, next steps, links) and financial (:class:`ReportSpendingLine` per budget line). Saved as a draft
    until submitted; a submission is atomic and replay-safe (:mod:`grants.services.reporting`)."""

    requirement = models.OneToOneField(
        ReportingRequirement, verbose_name=_("reporting requirement"), on_delete=models.CASCADE, related_name="report"
    )
    activities = models.TextField(_("activities carried out"), blank=True)
    results = models.TextField(_("results against the planned results"), blank=True)
    challenges = models.TextField(_("challenges"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    links = models.TextField(_("links"), blank=True, help_text=_("One web address per line."))
    version = models.PositiveSmallIntegerField(_("version"), default=0)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self):
        return str(self.requirement)


class ReportSpendingLine(models.Model):
    """Actual spending (EUR) on one budget line as awarded, with a note; the variance is computed against the line's
    awarded amount."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="spending")
    budget_line = models.ForeignKey(
        "grants.AgreementBudgetLine", verbose_name=_("budget line"), on_delete=models.CASCADE, related_name="+"
    )
    actual_eur = models.DecimalField(_("actual spending (EUR)"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["report", "budget_line__sort_order", "budget_line_id"]
        verbose_name = _("spending line")
        verbose_name_plural = _("spending lines")
        constraints = [
            models.UniqueConstraint(fields=["report", "budget_line"], name="grants_spending_line_unique"),
            models.CheckConstraint(condition=models.Q(actual_eur__gte=0), name="grants_spending_not_negative"),
        ]

    def __str__(self):
        return f"{self.budget_line}: {self.actual_eur}"


def report_file_key(instance, filename: str) -> str:
    """Storage key of a report file: ``reports/<report id>/<random hex>``, never the user's file name."""
    return f"reports/{instance.report_id}/{uuid.uuid4().hex}"


class ReportFileKind(models.TextChoices):
    """What a report file is."""

    PHOTO = "photo", _("Photo")
    SUPPORTING = "supporting", _("Supporting document")


class ReportFile(models.Model):
    """A photo or supporting document of a report (private storage, served by a permission-checked view; type
    checked by content, name normalised as for application files)."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=12, choices=ReportFileKind.choices)
    file = models.FileField(_("file"), upload_to=report_file_key, storage=private_storage, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"))
    caption = models.CharField(_("caption"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["report", "uploaded_at", "pk"]
        verbose_name = _("report file")
        verbose_name_plural = _("report files")

    def __str__(self):
        return self.original_name


class ReportReviewOutcome(models.TextChoices):
    """A step in a report's history."""

    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")


class ReportReview(models.Model):
    """One step of a report's history: the grantee's submission (``snapshot``: the narrative and spending as
    submitted, ``{"activities": ..., "spending": [{"line": id, "actual_eur": "…"}], "version": n}``) or staff's
    approval / request for changes with ``comment``."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="history")
    outcome = models.CharField(_("step"), max_length=20, choices=ReportReviewOutcome.choices)
    comment = models.TextField(_("comment"), blank=True)
    snapshot = models.JSONField(_("as submitted"), default=dict, blank=True)
    version = models.PositiveSmallIntegerField(_("version"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["report", "at", "pk"]
        verbose_name = _("report history entry")
        verbose_name_plural = _("report history")
        constraints = [
            # One submission per version: a replayed submission cannot write a second one.
            models.UniqueConstraint(
                fields=["report", "version"],
                condition=models.Q(outcome="submitted"),
                name="grants_report_submission_once",
            )
        ]

    def __str__(self):
        return f"{self.report} – {self.get_outcome_display()}"
