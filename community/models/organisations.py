"""Organisations (CSOs that apply for sub-grants or partner in projects) and who belongs to them.

Imports run ``community → portal`` only.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ORGANISATION_INVITATION_DAYS = 14


class OrganisationType(models.TextChoices):
    """Legal form of an organisation; calls name the types they accept (``Call.eligible_organisation_types``)."""

    ASSOCIATION = "association", _("Association / non-governmental organisation")
    FOUNDATION = "foundation", _("Foundation")
    THINK_TANK = "think_tank", _("Think tank / research organisation")
    MEDIA = "media", _("Non-profit media outlet")
    NETWORK = "network", _("Network or coalition of CSOs")
    INFORMAL = "informal", _("Informal group")
    PUBLIC_BODY = "public_body", _("Public body")
    BUSINESS = "business", _("For-profit company")
    PARTY = "party", _("Political party")
    OTHER = "other", _("Other")


#: The profile fields an organisation's admin edits (and staff read), in display order.
PROFILE_FIELDS = (
    "legal_name",
    "local_name",
    "registration_number",
    "country",
    "organisation_type",
    "year_registered",
    "annual_budget_eur",
    "website",
    "address",
    "contact_name",
    "contact_email",
    "contact_phone",
)


class OrganisationQuerySet(models.QuerySet):
    """Queries on organisations; ``visible_to`` is the one place that says who may see an organisation's profile."""

    def visible_to(self, user):
        """Organisations ``user`` may open: staff see all; a signed-in user sees the ones they belong to.

        Partner organisations named on an application are reached through the application, not this list.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(memberships__user=user).distinct()

    def administered_by(self, user):
        """Organisations in which ``user`` has the ``admin`` role."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user, memberships__role=OrganisationMembership.Role.ADMIN).distinct()


class Organisation(models.Model):
    """A civil-society organisation (CSO) profile: the lead applicant or a co-applicant (partner) of applications.

    Money is in EUR (``annual_budget_eur``: the previous year's turnover, used by calls' eligibility rules).
    ``year_registered`` is the calendar year of legal registration. ``verified`` is set by programme staff after
    checking the registration certificate; it does not by itself make an organisation eligible for a call.
    ``registration_number`` is unique per country (when given).
    """

    legal_name = models.CharField(_("legal name"), max_length=255)
    local_name = models.CharField(_("name in the local language"), max_length=255, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=64, blank=True)
    country = models.ForeignKey(
        "portal.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="organisations"
    )
    year_registered = models.PositiveSmallIntegerField(_("year registered"), null=True, blank=True)
    annual_budget_eur = models.DecimalField(
        _("annual budget (EUR)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Turnover of the last financial year, in euro."),
    )
    organisation_type = models.CharField(
        _("type"), max_length=32, choices=OrganisationType.choices, default=OrganisationType.ASSOCIATION
    )
    website = models.URLField(_("website"), blank=True)
    address = models.TextField(_("address"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)

    verified = models.BooleanField(_("verified"), default=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="OrganisationMembership",
        related_name="organisations",
        blank=True,
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["legal_name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "registration_number"],
                condition=~Q(registration_number=""),
                name="community_organisation_registration_unique",
            ),
        ]

    def __str__(self):
        return self.legal_name

    def years_registered(self, on_date) -> int | None:
        """Whole calendar years between ``year_registered`` and ``on_date`` (a ``date``), or None if unknown."""
        if self.year_registered is None:
            return None
        return on_date.year - self.year_registered


class OrganisationMembership(models.Model):
    """A user's place in an organisation. ``admin`` may edit the profile, invite colleagues and apply."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        MEMBER = "member", _("Member")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_roles")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        ordering = ["organisation", "user"]
        verbose_name = _("organisation member")
        verbose_name_plural = _("organisation members")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="community_org_membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _default_expiry():
    return timezone.now() + timedelta(days=ORGANISATION_INVITATION_DAYS)


class OrganisationInvitationQuerySet(models.QuerySet):
    def pending(self):
        """Invitations not yet accepted or revoked and not expired (as of now, UTC)."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class OrganisationInvitation(models.Model):
    """An emailed, single-use invitation to join an organisation with a role.

    ``token`` is a random URL-safe secret (never shown in lists); an invitation is usable while
    ``accepted_at`` and ``revoked_at`` are empty and ``expires_at`` (UTC, default 14 days) is in the future.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(
        _("role"),
        max_length=16,
        choices=OrganisationMembership.Role.choices,
        default=OrganisationMembership.Role.MEMBER,
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), default=_default_expiry)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = OrganisationInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("organisation invitation")
        verbose_name_plural = _("organisation invitations")

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    @property
    def is_usable(self) -> bool:
        """True while the invitation can still be accepted."""
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()
