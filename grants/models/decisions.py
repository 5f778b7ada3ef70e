"""Award decisions and clarification requests (issue 4, items 5 and 6).

Only :mod:`grants.services.decisions` and :mod:`grants.services.clarifications` write these rows.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DecisionOutcome(models.TextChoices):
    """What staff decided on an application."""

    AWARD = "award", _("Award")
    RESERVE = "reserve", _("Reserve list")
    REJECT = "reject", _("Reject")


class Decision(models.Model):
    """A decision on an application: award (with ``amount_eur``), reserve list, or reject, with a reason.

    An application may have several rows over time (reserve list, then award when money frees up); the latest is
    the current one. ``request_token``: the random token of the form that posted it, unique per application, so a
    replayed POST records nothing twice (empty for decisions made by code).
    """

    application = models.ForeignKey(
        "grants.Application", verbose_name=_("application"), on_delete=models.CASCADE, related_name="decisions"
    )
    outcome = models.CharField(_("decision"), max_length=10, choices=DecisionOutcome.choices)
    amount_eur = models.DecimalField(_("awarded amount (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)
    request_token = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["application", "decided_at", "pk"]
        get_latest_by = ["decided_at", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "request_token"],
                condition=~models.Q(request_token=""),
                name="grants_decision_token_unique",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome="award") | models.Q(amount_eur__gt=0),
                name="grants_decision_award_amount",
            ),
        ]

    def __str__(self):
        return f"{self.application} – {self.get_outcome_display()}"


class Clarification(models.Model):
    """A question staff ask the applicant about an application, and the applicant's answer.

    Both sides are notified; the exchange is logged on the application (:class:`~grants.models.ActivityLog`).
    """

    application = models.ForeignKey(
        "grants.Application", verbose_name=_("application"), on_delete=models.CASCADE, related_name="clarifications"
    )
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    asked_at = models.DateTimeField(_("asked"), default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["application", "asked_at", "pk"]
        verbose_name = _("clarification request")
        verbose_name_plural = _("clarification requests")

    def __str__(self):
        return f"{self.application} – {self.asked_at:%Y-%m-%d}"

    @property
    def is_answered(self) -> bool:
        """True once the applicant answered."""
        return self.answered_at is not None
