"""Communities (the Regional Community of Practice and the five Domestic Advisory Groups) and who belongs to them.

Access rights and the public roster are separate concepts (issue 6 item 2):

- **Access** comes from an *active* :class:`Membership` (no end date, or an end date still in the future). A member
  of any DAG is also a member of the RCP workspace (:meth:`MembershipQuerySet.community_ids_for`). Removing a member
  sets ``ended_on``; the next request computes access from the database again, so it ends at once.
- **The public roster** lists an active membership only when the member consented to show their name
  (``consent_public_name``); organisation and sector are shown only with their own consents.

Joining: a coordinator sends a :class:`CommunityInvitation` (single-use token, expiry) or a signed-in user sends a
:class:`JoinRequest` that a coordinator approves or declines. Every change goes through ``community.services``.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

COMMUNITY_INVITATION_DAYS = 14


class CommunityKind(models.TextChoices):
    """An RCP (one, regional) or a DAG (one per programme country)."""

    RCP = "rcp", _("Regional Community of Practice")
    DAG = "dag", _("Domestic Advisory Group")


class MemberRole(models.TextChoices):
    """What a member may do in a community's workspace (see ``community.permissions``).

    Coordinators manage members, announce, close threads, open consultations and record decisions; members read,
    post, share documents and vote; observers read and take part in discussions but do not vote or upload.
    """

    COORDINATOR = "coordinator", _("Coordinator")
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")


class Sector(models.TextChoices):
    """The sector a member comes from (the DAG sector mix in the programme's design)."""

    PUBLIC_AUTHORITY = "public_authority", _("Public authority")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    MEDIA = "media", _("Media")
    ACADEMIA = "academia", _("Academia")
    OTHER = "other", _("Other")


class Expertise(models.TextChoices):
    """Areas of expertise members name for the member directory (codes are stable; labels are translated)."""

    ASSET_DECLARATIONS = "asset_declarations", _("Asset and interest declarations")
    POLITICAL_FINANCE = "political_finance", _("Political finance")
    PUBLIC_PROCUREMENT = "public_procurement", _("Public procurement")
    LAW_MAKING = "law_making", _("Law-making and lobbying")
    OPEN_DATA = "open_data", _("Open data")
    DATA_ANALYSIS = "data_analysis", _("Data analysis and visualisation")
    INVESTIGATIVE_JOURNALISM = "investigative_journalism", _("Investigative journalism")
    LAW = "law", _("Law and litigation")
    OVERSIGHT = "oversight", _("Oversight and audit")
    ELECTIONS = "elections", _("Elections")


class ExpertiseArea(models.Model):
    """One area of expertise (a row per :class:`Expertise` code, written by a data migration)."""

    code = models.CharField(_("code"), max_length=40, unique=True, choices=Expertise.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("area of expertise")
        verbose_name_plural = _("areas of expertise")

    def __str__(self):
        return str(self.get_code_display())


class CommunityQuerySet(models.QuerySet):
    def rcp(self):
        """The Regional Community of Practice (a queryset of at most one row)."""
        return self.filter(kind=CommunityKind.RCP)

    def dags(self):
        """The Domestic Advisory Groups, in country order."""
        return self.filter(kind=CommunityKind.DAG).order_by("country__sort_order", "name")


class Community(models.Model):
    """The RCP or one country's DAG. Public facts only: members-only content hangs off it in other models.

    ``country`` is empty for the RCP and required (and unique) for a DAG. ``host_organisation`` is the partner that
    hosts and chairs the group (the TI chapter of the country; KDI for the RCP). ``timezone`` (IANA) is used to show
    consultation closing times and digests; it defaults to the country's zone.
    """

    kind = models.CharField(_("kind"), max_length=8, choices=CommunityKind.choices, default=CommunityKind.DAG)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True, help_text=_("Used in workspace addresses."))
    country = models.ForeignKey(
        "portal.Country",
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="communities",
    )
    host_organisation = models.ForeignKey(
        "community.Organisation",
        verbose_name=_("host partner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hosted_communities",
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Belgrade")
    contact_email = models.EmailField(_("contact email"), blank=True)
    accepts_join_requests = models.BooleanField(
        _("accepts requests to join"),
        default=True,
        help_text=_("When ticked, signed-in people can ask to join; a coordinator approves or declines."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        constraints = [
            models.UniqueConstraint(fields=["country"], condition=Q(kind="dag"), name="community_one_dag_per_country"),
            models.UniqueConstraint(fields=["kind"], condition=Q(kind="rcp"), name="community_one_rcp"),
            models.CheckConstraint(
                condition=Q(kind="rcp", country__isnull=True) | Q(kind="dag", country__isnull=False),
                name="community_dag_has_country",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_rcp(self) -> bool:
        return self.kind == CommunityKind.RCP


class MembershipQuerySet(models.QuerySet):
    def active(self, on=None):
        """Memberships in force on ``on`` (a date, default today in UTC): started and not yet ended."""
        on = on or timezone.now().date()
        return self.filter(started_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))

    def community_ids_for(self, user) -> set[int]:
        """IDs of the communities whose workspace ``user`` may enter (one query; empty for anonymous users).

        Active memberships, plus the RCP when the user is an active member of any DAG (issue 6 item 2).
        """
        if not getattr(user, "is_authenticated", False):
            return set()
        rows = list(self.active().filter(user=user).values_list("community_id", "community__kind"))
        ids = {community_id for community_id, _kind in rows}
        if any(kind == CommunityKind.DAG for _id, kind in rows):
            ids.update(Community.objects.rcp().values_list("pk", flat=True))
        return ids

    def user_ids_of(self, community) -> set[int]:
        """IDs of the users who may enter ``community``'s workspace today (for the RCP: every active DAG member too)."""
        rows = self.active()
        if community.kind == CommunityKind.RCP:
            rows = rows.filter(Q(community=community) | Q(community__kind=CommunityKind.DAG))
        else:
            rows = rows.filter(community=community)
        return set(rows.values_list("user_id", flat=True))

    def listed_publicly(self):
        """Active memberships whose member consented to show their name on the public roster."""
        return self.active().filter(consent_public_name=True)


class Membership(models.Model):
    """A user's place in a community: role, sector, organisation, position, dates and public-listing consent.

    ``started_on``/``ended_on`` are dates (the member leaves at the start of ``ended_on``); an ended membership is
    kept as history and a person may rejoin (a new row). Only one active row per user and community.
    Consents (each shown only when ticked): ``consent_public_name`` puts the member on the public roster at all;
    ``consent_public_organisation`` and ``consent_public_sector`` add those columns. ``consent_recorded_at`` (UTC)
    is when the member last changed them.
    """

    class EndReason(models.TextChoices):
        LEFT = "left", _("Left")
        REMOVED = "removed", _("Removed by a coordinator")
        TERM_ENDED = "term_ended", _("Term ended")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_memberships")
    role = models.CharField(_("role"), max_length=16, choices=MemberRole.choices, default=MemberRole.MEMBER)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, default=Sector.CIVIL_SOCIETY)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    expertise = models.ManyToManyField(ExpertiseArea, verbose_name=_("expertise"), blank=True, related_name="+")
    started_on = models.DateField(_("member since"), default=timezone.now)
    ended_on = models.DateField(_("left on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for leaving"), max_length=16, choices=EndReason.choices, blank=True)
    consent_public_name = models.BooleanField(_("show my name on the public roster"), default=False)
    consent_public_organisation = models.BooleanField(_("show my organisation on the public roster"), default=False)
    consent_public_sector = models.BooleanField(_("show my sector on the public roster"), default=False)
    consent_recorded_at = models.DateTimeField(_("consent recorded"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["community", "user__last_name", "user__first_name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"],
                condition=Q(ended_on__isnull=True),
                name="community_membership_one_open",
            ),
        ]
        indexes = [models.Index(fields=["user", "ended_on"], name="community_membership_user")]

    def __str__(self):
        return f"{self.user} – {self.community} ({self.get_role_display()})"

    def is_active(self, on=None) -> bool:
        """True when the membership is in force on ``on`` (date, default today UTC)."""
        on = on or timezone.now().date()
        return self.started_on <= on and (self.ended_on is None or self.ended_on > on)


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _default_expiry():
    return timezone.now() + timedelta(days=COMMUNITY_INVITATION_DAYS)


class CommunityInvitationQuerySet(models.QuerySet):
    def pending(self):
        """Invitations not yet accepted or revoked and not expired (as of now, UTC)."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class CommunityInvitation(models.Model):
    """An emailed, single-use invitation to join a community with a role and sector.

    ``token`` is a random URL-safe secret (never listed); usable while ``accepted_at`` and ``revoked_at`` are empty
    and ``expires_at`` (UTC, default :data:`COMMUNITY_INVITATION_DAYS` days) is in the future. Accepting creates or
    links the account whose verified address matches ``email``.
    """

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=16, choices=MemberRole.choices, default=MemberRole.MEMBER)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, default=Sector.CIVIL_SOCIETY)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    message = models.TextField(_("personal message"), blank=True)
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

    objects = CommunityInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("community invitation")
        verbose_name_plural = _("community invitations")

    def __str__(self):
        return f"{self.email} → {self.community}"

    @property
    def is_usable(self) -> bool:
        """True while the invitation can still be accepted."""
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class JoinRequest(models.Model):
    """A signed-in user's request to join a community; a coordinator approves (a membership) or declines.

    At most one pending request per user and community. ``response`` is the coordinator's message, mailed to the
    requester with the decision.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_join_requests")
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, default=Sector.CIVIL_SOCIETY)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    motivation = models.TextField(_("why you would like to join"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    response = models.TextField(_("message to the requester"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"], condition=Q(status="pending"), name="community_join_request_one_pending"
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.community} ({self.get_status_display()})"
