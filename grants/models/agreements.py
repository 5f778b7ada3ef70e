"""Grant agreements, their budget, amendments and payment tranches (issue 5, items 1, 4 and 6).

A :class:`GrantAgreement` is made from an awarded application (one per application). Its budget as awarded is
copied into :class:`AgreementBudgetLine` rows; its payment schedule into :class:`Tranche` rows (percentages of the
call's published ``payment_schedule``). Only :mod:`grants.services.agreements`, :mod:`grants.services.amendments`
and :mod:`grants.services.payments` change these rows; every change is written to the application's
:class:`~grants.models.ActivityLog`.

Money is EUR ``Decimal`` with two places; dates of the project are calendar dates; deadlines are aware UTC
datetimes shown in the call's time zone.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .applications import private_storage
from .calls import ZERO, BudgetCategory, money


class AgreementStatus(models.TextChoices):
    """Life of an agreement: draft → sent → signed → active → completed; terminated from any open status."""

    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent for signature")
    SIGNED = "signed", _("Signed")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")


class GrantAgreementQuerySet(models.QuerySet):
    """Queries on agreements."""

    def visible_to(self, user):
        """Staff see every agreement; members (any role) of the grantee organisation see theirs; nobody else."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(organisation__memberships__user=user).distinct()


def agreement_file_key(instance, filename: str) -> str:
    """Storage key of a signed agreement: ``agreements/<application id>/<random hex>``, never the user's name."""
    return f"agreements/{instance.application_id}/{uuid.uuid4().hex}"


class GrantAgreement(models.Model):
    """The grant agreement of an awarded application.

    ``amount_eur``: the awarded amount (EUR); ``start_date``/``end_date``: the project period (dates, inclusive);
    ``signed_file``: the signed agreement (private storage, served by a permission-checked view);
    ``signed_at``: when staff recorded the signature (aware UTC).
    """

    application = models.OneToOneField(
        "grants.Application", verbose_name=_("application"), on_delete=models.PROTECT, related_name="agreement"
    )
    organisation = models.ForeignKey(
        "community.Organisation",
        verbose_name=_("grantee"),
        on_delete=models.PROTECT,
        related_name="grant_agreements",
    )
    partners = models.ManyToManyField(
        "community.Organisation", verbose_name=_("partners"), blank=True, related_name="partner_agreements"
    )
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    amount_eur = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(
        _("status"), max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    signed_file = models.FileField(
        _("signed agreement"),
        upload_to=agreement_file_key,
        storage=private_storage,
        max_length=255,
        blank=True,
    )
    signed_file_name = models.CharField(_("file name"), max_length=255, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    terminated_at = models.DateTimeField(_("terminated"), null=True, blank=True)
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = GrantAgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("grant agreement")
        verbose_name_plural = _("grant agreements")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_eur__gt=0), name="grants_agreement_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="grants_agreement_dates"
            ),
        ]

    def __str__(self):
        return self.reference


class AgreementBudgetLine(models.Model):
    """A line of the budget as awarded (copied from the application's budget when the agreement is made; a budget
    reallocation amendment changes ``total_eur`` and keeps the old values in the amendment)."""

    agreement = models.ForeignKey(
        GrantAgreement, verbose_name=_("grant agreement"), on_delete=models.CASCADE, related_name="budget_lines"
    )
    category = models.CharField(_("category"), max_length=20, choices=BudgetCategory.choices)
    description = models.CharField(_("description"), max_length=255)
    total_eur = models.DecimalField(_("amount (EUR)"), max_digits=14, decimal_places=2, default=ZERO)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["agreement", "sort_order", "pk"]
        verbose_name = _("budget line as awarded")
        verbose_name_plural = _("budget lines as awarded")

    def __str__(self):
        return self.description


class AmendmentKind(models.TextChoices):
    """Kinds of amendment to an agreement."""

    NO_COST_EXTENSION = "no_cost_extension", _("No-cost extension")
    BUDGET_REALLOCATION = "budget_reallocation", _("Budget reallocation")


class Amendment(models.Model):
    """A recorded change to an agreement, with its reason; the values before and after are kept.

    ``changes``: ``{"end_date": ["2026-03-31", "2026-05-31"]}`` for an extension;
    ``{"lines": {"<line id>": ["1200.00", "900.00"], ...}}`` (EUR, before and after) for a reallocation.
    """

    agreement = models.ForeignKey(
        GrantAgreement, verbose_name=_("grant agreement"), on_delete=models.CASCADE, related_name="amendments"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=AmendmentKind.choices)
    reason = models.TextField(_("reason"))
    changes = models.JSONField(_("changes"), default=dict)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["agreement", "made_at", "pk"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")

    def __str__(self):
        return f"{self.agreement} – {self.get_kind_display()}"


class TrancheCondition(models.TextChoices):
    """When a tranche becomes due: at signature, or when a given report is approved."""

    SIGNATURE = "signature", _("At signature")
    REPORT_APPROVED = "report_approved", _("After a report is approved")


class Tranche(models.Model):
    """One payment of the schedule: ``percent`` of the award, ``amount_eur`` (computed when the agreement is made;
    the last tranche takes the rounding remainder so the tranches sum to the award), due when ``condition`` is met
    (for ``report_approved``: ``report`` approved). Staff record the payment (``paid_on``, ``paid_amount_eur``);
    payments never total more than the award (:mod:`grants.services.payments`)."""

    agreement = models.ForeignKey(
        GrantAgreement, verbose_name=_("grant agreement"), on_delete=models.CASCADE, related_name="tranches"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    percent = models.DecimalField(_("share of the award (%)"), max_digits=5, decimal_places=2)
    amount_eur = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2)
    condition = models.CharField(_("condition"), max_length=20, choices=TrancheCondition.choices)
    report = models.ForeignKey(
        "grants.ReportingRequirement",
        verbose_name=_("report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tranches",
    )
    due_since = models.DateTimeField(_("due since"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_amount_eur = models.DecimalField(_("amount paid (EUR)"), null=True, blank=True, **money)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)

    class Meta:
        ordering = ["agreement", "number"]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="grants_tranche_number_unique"),
            models.CheckConstraint(condition=models.Q(amount_eur__gte=0), name="grants_tranche_amount_min"),
        ]

    def __str__(self):
        return f"{self.agreement} – {self.number}"

    @property
    def is_paid(self) -> bool:
        """True once staff recorded the payment."""
        return self.paid_on is not None
