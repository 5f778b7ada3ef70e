"""Bilateral exchanges: a visit of one DAG's delegation to another DAG (issue 6 item 6).

An exchange is visible to the active members of the host and the visiting DAG and to the RCP's coordinators; nobody
else (``BilateralExchangeQuerySet.visible_to``). Its documents are :class:`community.models.CommunityDocument` rows
with ``exchange`` set. ``agenda`` and ``visit_report`` are clean HTML (``portal.sanitize.clean_html``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .communities import Community, MemberRole, Membership


class BilateralExchangeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Exchanges whose host or visiting DAG ``user`` belongs to; all exchanges for an RCP coordinator."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if Membership.objects.active().filter(user=user, community__kind="rcp", role=MemberRole.COORDINATOR).exists():
            return self.all()
        ids = Membership.objects.community_ids_for(user)
        return self.filter(Q(host_id__in=ids) | Q(visiting_id__in=ids))


class BilateralExchange(models.Model):
    """A visit from the ``visiting`` DAG to the ``host`` DAG between ``starts_on`` and ``ends_on`` (dates, local)."""

    host = models.ForeignKey(
        Community, verbose_name=_("host DAG"), on_delete=models.PROTECT, related_name="hosted_exchanges"
    )
    visiting = models.ForeignKey(
        Community, verbose_name=_("visiting DAG"), on_delete=models.PROTECT, related_name="visiting_exchanges"
    )
    title = models.CharField(_("title"), max_length=200)
    city = models.CharField(_("city"), max_length=100, blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    purpose = models.TextField(_("purpose"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    visit_report = models.TextField(_("visit report"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = BilateralExchangeQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("bilateral exchange")
        verbose_name_plural = _("bilateral exchanges")
        constraints = [
            models.CheckConstraint(condition=~Q(host=models.F("visiting")), name="community_exchange_two_dags"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="community_exchange_dates"),
        ]

    def __str__(self):
        return self.title


class ExchangeParticipant(models.Model):
    """A person taking part in an exchange, for the ``community`` side they come from (host or visiting)."""

    exchange = models.ForeignKey(BilateralExchange, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(Community, verbose_name=_("delegation"), on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("role in the exchange"), max_length=100, blank=True)

    class Meta:
        ordering = ["exchange", "community", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [models.UniqueConstraint(fields=["exchange", "user"], name="community_exchange_participant_once")]

    def __str__(self):
        return f"{self.user} ({self.community})"
