"""Applications to calls: the proposal, its partners (co-applicants), budget lines, attachments and activity log.

Money is EUR with two decimals. An application belongs to its lead applicant organisation and keeps the
:class:`~grants.models.calls.CallRulesVersion` it was made under. Status changes happen only in
:mod:`grants.services`; views never set ``status``.
"""

import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from community.models import OrganisationMembership

from .calls import ZERO, BudgetCategory, money
from .reviews import ReviewAssignment

#: The proposal fields an applicant fills in (text and figures), in form order.
PROPOSAL_FIELDS = (
    "title",
    "summary",
    "problem",
    "objectives",
    "activities",
    "expected_results",
    "data_use",
    "language",
    "duration_months",
    "requested_amount_eur",
)


class ApplicationStatus(models.TextChoices):
    """Statuses of an application, in workflow order. Who may move an application from one to another, and when,
    is the table :data:`grants.workflow.TRANSITIONS`; only :func:`grants.services.workflow.transition` applies it.
    """

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Ineligible")
    UNDER_REVIEW = "under_review", _("Under review")
    REVIEWED = "reviewed", _("Reviewed")
    RECOMMENDED = "recommended", _("Recommended")
    AWARDED = "awarded", _("Awarded")
    REJECTED = "rejected", _("Rejected")
    RESERVE = "reserve", _("Reserve list")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ApplicationQuerySet(models.QuerySet):
    """Queries on applications; ``visible_to`` is the one place that says who may see which applications."""

    def visible_to(self, user):
        """Applications ``user`` may open: staff all; members of the lead applicant organisation their own;
        reviewers (users in the reviewers group) those assigned to them whose conflict-of-interest declaration
        said "no conflict" (assignment ``accepted``) — never one pending a declaration, conflicted or removed.

        Anonymous users see none. Subqueries, no join: no duplicates and no ``distinct()``.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        own = OrganisationMembership.objects.filter(user=user).values("organisation_id")
        assigned = ReviewAssignment.objects.accepted_for(user).values("application_id")
        return self.filter(Q(organisation_id__in=own) | Q(pk__in=assigned))

    def active(self):
        """Applications that count toward the one-per-lot rule: drafts and submitted (not withdrawn)."""
        return self.exclude(status=ApplicationStatus.WITHDRAWN)

    def with_budget_total(self):
        """Annotate ``budget_total`` (EUR, Decimal) and ``co_financing_total`` (EUR), summed in the database."""
        return self.annotate(
            budget_total=Sum("budget_lines__total_eur", default=ZERO),
            co_financing_total=Sum("budget_lines__co_financing_eur", default=ZERO),
        )


class Application(models.Model):
    """A proposal by a lead applicant organisation to one lot of a call.

    ``requested_amount_eur`` must equal the budget total (sum of the lines' ``total_eur``) at submission and lie
    within the lot's limits (see :func:`grants.services.submit_application`). ``reference`` is assigned at
    submission (``IW-<country>-<year>-<nnn>``, e.g. ``IW-MK-2025-007``) and never changes.
    """

    reference = models.CharField(_("reference"), max_length=32, unique=True, null=True, blank=True, editable=False)
    call = models.ForeignKey(
        "grants.Call", verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications"
    )
    lot = models.ForeignKey("grants.Lot", verbose_name=_("lot"), on_delete=models.PROTECT, related_name="applications")
    rules_version = models.ForeignKey(
        "grants.CallRulesVersion",
        verbose_name=_("rules version"),
        on_delete=models.PROTECT,
        related_name="applications",
        editable=False,
    )
    organisation = models.ForeignKey(
        "community.Organisation",
        verbose_name=_("lead applicant"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT, editable=False
    )

    title = models.CharField(_("project title"), max_length=255, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    problem = models.TextField(_("problem addressed"), blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    activities = models.TextField(_("activities"), blank=True)
    expected_results = models.TextField(_("expected results"), blank=True)
    data_use = models.TextField(_("use of political-integrity data and the Integrity Watch platforms"), blank=True)
    language = models.CharField(_("language of the application"), max_length=10, blank=True)
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"), null=True, blank=True)
    requested_amount_eur = models.DecimalField(_("requested amount (EUR)"), null=True, blank=True, **money)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)
    start_token = models.CharField(max_length=64, blank=True, default="", editable=False)
    # Review aggregates, kept by grants.services.scoring each time a review is submitted (issue 4, item 4):
    # ``score`` is the mean of the submitted reviews' totals (weighted points), ``score_spread`` the gap between
    # the highest and lowest total, ``score_flags`` a list of codes of grants.services.scoring.FLAG_LABELS.
    score = models.DecimalField(
        _("score (points)"), max_digits=6, decimal_places=2, null=True, blank=True, editable=False
    )
    score_spread = models.DecimalField(
        _("spread between reviewers (points)"), max_digits=6, decimal_places=2, null=True, blank=True, editable=False
    )
    submitted_review_count = models.PositiveSmallIntegerField(_("submitted reviews"), default=0, editable=False)
    score_flags = models.JSONField(_("score flags"), default=list, blank=True, editable=False)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(fields=["call", "status"]),
            models.Index(fields=["organisation", "lot"]),
            models.Index(fields=["call", "lot", "score"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(reference__isnull=False), name="grants_application_reference_set"
            ),
            # One draft per start form: a double click or a replayed "Start" POST finds the first one.
            models.UniqueConstraint(
                fields=["organisation", "start_token"],
                condition=~Q(start_token=""),
                name="grants_application_start_token_unique",
            ),
        ]

    def __str__(self):
        return self.reference or self.title or str(_("Untitled application"))

    def get_language_display(self) -> str:
        """Name of ``language`` (a code such as ``"mk"`` or ``"sr-latn"``) in the active language, e.g.
        "Macedonian"; ``""`` when no language is chosen; an unknown code is returned as stored. Used by the
        applicant's read-only view and the staff inspect view (Wagtail calls ``get_<field>_display``)."""
        if not self.language:
            return ""
        try:
            return str(get_language_info(self.language)["name_translated"])
        except KeyError:
            return self.language

    @property
    def is_editable(self) -> bool:
        """Only drafts may change; submitted and withdrawn applications are read-only."""
        return self.status == ApplicationStatus.DRAFT

    def budget_totals(self) -> dict:
        """``{"total": Decimal, "co_financing": Decimal}`` in EUR, summed in the database (one query)."""
        totals = self.budget_lines.aggregate(
            total=Sum("total_eur", default=ZERO), co_financing=Sum("co_financing_eur", default=ZERO)
        )
        return totals


class BudgetLine(models.Model):
    """One line of an application's budget (EUR). ``total_eur = quantity × unit_cost_eur``, rounded half-up to
    cents and stored on save so that totals are summed in the database. ``co_financing_eur`` is the part of the
    line paid by the applicant or others (cash or in kind), included in ``total_eur``.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(_("category"), max_length=20, choices=BudgetCategory.choices)
    description = models.CharField(_("description"), max_length=255)
    unit = models.CharField(_("unit"), max_length=50, help_text=_("e.g. month, day, event, piece"))
    quantity = models.DecimalField(
        _("quantity"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    unit_cost_eur = models.DecimalField(_("unit cost (EUR)"), **money)
    co_financing_eur = models.DecimalField(_("co-financing (EUR)"), default=ZERO, **money)
    total_eur = models.DecimalField(_("total (EUR)"), max_digits=14, decimal_places=2, default=ZERO, editable=False)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["application", "sort_order", "pk"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")

    def __str__(self):
        return self.description

    def save(self, *args, **kwargs):
        self.total_eur = self.line_total(self.quantity, self.unit_cost_eur)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "total_eur"}
        super().save(*args, **kwargs)

    @staticmethod
    def line_total(quantity: Decimal, unit_cost: Decimal) -> Decimal:
        """``quantity × unit_cost`` in EUR rounded half-up to cents."""
        return (Decimal(quantity) * Decimal(unit_cost)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class ApplicationPartner(models.Model):
    """A co-applicant (partner organisation) of an application, with its role in the project."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        "community.Organisation",
        verbose_name=_("partner organisation"),
        on_delete=models.PROTECT,
        related_name="partnerships",
    )
    role = models.TextField(_("role in the project"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["application", "sort_order", "pk"]
        verbose_name = _("co-applicant")
        verbose_name_plural = _("co-applicants")
        constraints = [
            models.UniqueConstraint(fields=["application", "organisation"], name="grants_partner_unique"),
        ]

    def __str__(self):
        return str(self.organisation)


def attachment_key(instance, filename: str) -> str:
    """Storage key for an attachment: ``applications/<application id>/<random hex>``, never the user's file name."""
    return f"applications/{instance.application_id}/{uuid.uuid4().hex}"


def private_storage():
    """The ``private`` storage (``settings.STORAGES["private"]``): no public URL, files served by a view only."""
    return storages["private"]


class Attachment(models.Model):
    """A file attached to an application, usually for one of the call's required documents.

    Stored on the ``private`` storage under a generated key (:func:`attachment_key`); ``original_name`` is the
    normalised file name shown and used for downloads; ``content_type`` was detected from the content;
    ``size_bytes`` in bytes; ``sha256`` hex digest. Served only by the permission-checked download view.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "grants.RequiredDocument",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_key, storage=private_storage, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["application", "document__sort_order", "uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class ActivityLog(models.Model):
    """Activity log of an application: who did what when (status changes, uploads, comments), for staff."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="activity_log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=50)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["application", "created_at", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activity log")

    def __str__(self):
        return f"{self.action} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_action_display(self) -> str:
        """The action in the reader's language ("Draft saved"); an unknown code is shown as stored."""
        return str(ACTIVITY_ACTION_LABELS.get(self.action, self.action))

    def get_status_change_display(self) -> str:
        """ "Draft → Submitted" in the reader's language; "" when the entry changes no status."""
        if not (self.from_status or self.to_status):
            return ""
        return f"{_status_label(self.from_status)} → {_status_label(self.to_status)}"


#: Labels of the ``ActivityLog.action`` codes written by :mod:`grants.services` (staff inspect view).
ACTIVITY_ACTION_LABELS = {
    "created": _("Application started"),
    "saved": _("Draft saved"),
    "attachment_added": _("Attachment added"),
    "attachment_removed": _("Attachment removed"),
    "submitted": _("Application submitted"),
    "withdrawn": _("Application withdrawn"),
    # Staff workflow transitions (grants.workflow.TRANSITIONS names).
    "found_eligible": _("Found eligible"),
    "found_ineligible": _("Found ineligible"),
    "review_started": _("Review started"),
    "review_completed": _("Review completed"),
    "recommended": _("Recommended for funding"),
    "rejected": _("Rejected"),
    "put_on_reserve": _("Put on the reserve list"),
    "awarded": _("Grant awarded"),
    "status_changed": _("Status changed"),
    # Review assignments (grants.services.reviews).
    "reviewer_assigned": _("Reviewer assigned"),
    "reviewer_removed": _("Reviewer removed"),
    "no_conflict_declared": _("Reviewer declared no conflict of interest"),
    "conflict_declared": _("Reviewer declared a conflict of interest"),
    # Reviews (grants.services.scoring).
    "review_submitted": _("Review submitted"),
    # Clarification requests (grants.services.clarifications).
    "clarification_requested": _("Question asked to the applicant"),
    "clarification_answered": _("Applicant answered a question"),
    # Grant agreements, payments and reporting (issue 5: grants.services.agreements, payments, reporting).
    "agreement_created": _("Grant agreement drafted"),
    "agreement_edited": _("Draft grant agreement changed"),
    "agreement_sent": _("Grant agreement sent for signature"),
    "agreement_signed": _("Grant agreement signed"),
    "agreement_activated": _("Grant agreement in force"),
    "agreement_amended": _("Grant agreement amended"),
    "agreement_completed": _("Grant completed"),
    "agreement_terminated": _("Grant agreement terminated"),
    "tranche_paid": _("Payment recorded"),
    "report_added": _("Report requested"),
    "report_due_extended": _("Report due date extended"),
    "report_submitted": _("Report submitted"),
    "report_approved": _("Report approved"),
    "report_changes_requested": _("Changes to a report requested"),
}


def _status_label(code: str) -> str:
    if not code:
        return "—"
    try:
        return str(ApplicationStatus(code).label)
    except ValueError:
        return code


class ReferenceSequence(models.Model):
    """The last number used for a reference prefix (``IW-MK-2025``); locked with ``select_for_update``."""

    prefix = models.CharField(max_length=20, unique=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.prefix}-{self.last_number:03d}"
