"""Screening of submitted applications: the administrative and eligibility check staff record (issue 4, item 2).

One :class:`EligibilityCheck` per application (who, when, outcome, comment) with one :class:`EligibilityCheckItem`
per rule checked (the call's eligibility rules from its frozen rules version plus administrative items), each met
or not with a reason. Written only by :func:`grants.services.screening.record_screening`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScreeningOutcome(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Ineligible")


class EligibilityCheck(models.Model):
    """The screening of one application: ``outcome`` is eligible when every item is met, else ineligible."""

    application = models.OneToOneField(
        "grants.Application", on_delete=models.CASCADE, related_name="eligibility_check", verbose_name=_("application")
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(_("checked"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=ScreeningOutcome.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("eligibility check")
        verbose_name_plural = _("eligibility checks")

    def __str__(self):
        return f"{self.application} – {self.get_outcome_display()}"


class EligibilityCheckItem(models.Model):
    """One rule of a check (FK ``eligibility_check``: a field named ``check`` would shadow ``Model.check()``).

    ``code``: rule code such as ``"country"`` or ``"documents"``; ``label``: as shown to staff when recorded;
    ``met``; ``reason``: plain text, given to the applicant when not met."""

    eligibility_check = models.ForeignKey(
        EligibilityCheck, on_delete=models.CASCADE, related_name="items", verbose_name=_("eligibility check")
    )
    code = models.CharField(_("code"), max_length=50)
    label = models.CharField(_("rule"), max_length=255)
    met = models.BooleanField(_("met"))
    reason = models.TextField(_("reason"), blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("eligibility check item")
        verbose_name_plural = _("eligibility check items")
        constraints = [
            models.UniqueConstraint(fields=["eligibility_check", "code"], name="grants_eligibility_item_code_unique")
        ]

    def __str__(self):
        return self.label
