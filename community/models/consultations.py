"""Consultations of a community's members (e.g. which datasets the national Integrity Watch platform should
publish) and the community's decision log.

A coordinator opens a :class:`Consultation` with options and a closing datetime (UTC, shown in the community's time
zone); members vote once (a :class:`Ballot` with one :class:`BallotChoice`, or several ranked ones) and comment
until it closes; results show to members after closing; the coordinator records the outcome as a
:class:`CommunityDecision`. All of it is members-only.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .communities import Community, Membership


class ConsultationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Consultations of the communities ``user`` may enter."""
        return self.filter(community_id__in=Membership.objects.community_ids_for(user))


class Consultation(models.Model):
    """A question put to a community's members, open from ``opens_at`` until ``closes_at`` (UTC).

    ``method``: ``single`` (one option per ballot) or ``ranked`` (the voter ranks some or all options 1..n; counted
    with Borda points, n for a first preference down to 1). Votes are accepted while ``opens_at <= now < closes_at``.
    """

    class Method(models.TextChoices):
        SINGLE = "single", _("One vote")
        RANKED = "ranked", _("Ranked choice")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="consultations")
    question = models.CharField(_("question"), max_length=300)
    description = models.TextField(_("background"), blank=True)
    method = models.CharField(_("voting method"), max_length=8, choices=Method.choices, default=Method.SINGLE)
    opens_at = models.DateTimeField(_("opens"), default=timezone.now)
    closes_at = models.DateTimeField(_("closes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("opened by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-closes_at"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="community_consultation_closes_after"
            ),
        ]

    def __str__(self):
        return self.question

    def is_open(self, now=None) -> bool:
        """True while votes and comments are accepted (``opens_at <= now < closes_at``)."""
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def is_closed(self, now=None) -> bool:
        """True from ``closes_at`` on (results may then be shown to members)."""
        return (now or timezone.now()) >= self.closes_at


class ConsultationOption(models.Model):
    """One choice in a consultation (for example a candidate dataset)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("option"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["consultation", "sort_order", "pk"]
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self):
        return self.label


class Ballot(models.Model):
    """One member's vote in a consultation (a database constraint allows one per member)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("voted"), auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [models.UniqueConstraint(fields=["consultation", "voter"], name="community_ballot_one_per_voter")]

    def __str__(self):
        return f"{self.consultation} – {self.voter}"


class BallotChoice(models.Model):
    """An option chosen on a ballot with its ``rank`` (1 = first preference; always 1 for single-vote ballots)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(ConsultationOption, on_delete=models.CASCADE, related_name="choices")
    rank = models.PositiveSmallIntegerField(_("rank"), default=1)

    class Meta:
        ordering = ["ballot", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "option"], name="community_ballotchoice_option_once"),
            models.UniqueConstraint(fields=["ballot", "rank"], name="community_ballotchoice_rank_once"),
        ]

    def __str__(self):
        return f"{self.option} ({self.rank})"


class ConsultationComment(models.Model):
    """A member's comment on a consultation (plain text, escaped when shown), accepted until it closes."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self):
        return f"{self.consultation} – {self.author}"


class CommunityDecisionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Decision-log entries of the communities ``user`` may enter."""
        return self.filter(community_id__in=Membership.objects.community_ids_for(user))


class CommunityDecision(models.Model):
    """An entry in a community's decision log: what was decided, on which date, and what it came from.

    ``consultation`` links the consultation it closes (optional); ``meeting`` names the meeting where it was taken
    (free text such as "DAG meeting, Skopje, 12 March 2026"; the events app links its own meetings).
    """

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="decisions")
    decision = models.TextField(_("decision"))
    decided_on = models.DateField(_("date of decision"))
    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    meeting = models.CharField(_("meeting"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = CommunityDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decision log")

    def __str__(self):
        return self.decision[:80]
