"""Calls for proposals and their rules: lots, evaluation criteria, required documents, frozen rule versions.

A ``Call`` holds the rules (the public text is on a :class:`grants.models.pages.CallPage`). Money is EUR with two
decimals; ``opens_at``/``closes_at`` are aware datetimes stored in UTC and shown in the call's IANA ``timezone``.
Rules are frozen once the call opens: :meth:`Call.freeze_rules` stores them as a :class:`CallRulesVersion`
(a JSON snapshot, see :meth:`Call.rules_snapshot`), and every application points at the version it was made under.
"""

from datetime import UTC
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from community.models import OrganisationType
from portal.countries import validate_timezone  # noqa: F401  (re-exported: migrations name it here)

ZERO = Decimal("0.00")
CURRENCY_CHOICES = [("EUR", "EUR")]
money = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(ZERO)]}


#: Conditions a tranche of a call's payment schedule may have (``payment_schedule[i]["condition"]``).
PAYMENT_CONDITIONS = ("signature", "interim_report_approved", "final_report_approved")


def default_payment_schedule() -> list[dict]:
    """80 % at signature and 20 % after the final report is approved (the programme's recommended rule)."""
    return [
        {"percent": "80", "condition": "signature"},
        {"percent": "20", "condition": "final_report_approved"},
    ]


def validate_payment_schedule(value) -> None:
    """Raise ``ValidationError`` unless ``value`` is a list of ``{"percent", "condition"}`` whose shares (positive
    numbers) add up to 100 and whose conditions are among :data:`PAYMENT_CONDITIONS`."""
    message = _("Give the tranches as a list of shares that add up to 100, each with a known condition.")
    if not isinstance(value, list) or not value:
        raise ValidationError(message, code="payment_schedule")
    total = ZERO
    for item in value:
        try:
            percent = Decimal(str(item["percent"]))
        except (KeyError, TypeError, ArithmeticError, ValueError):
            raise ValidationError(message, code="payment_schedule") from None
        if percent <= 0 or item.get("condition") not in PAYMENT_CONDITIONS:
            raise ValidationError(message, code="payment_schedule")
        total += percent
    if total != Decimal("100"):
        raise ValidationError(message, code="payment_schedule")


class CallQuerySet(models.QuerySet):
    """Queries on calls. Calls are public information: ``published`` is what visitors may see."""

    def published(self):
        return self.filter(published=True)

    def open_at(self, when=None):
        """Published calls accepting submissions at ``when`` (aware datetime, default now, UTC)."""
        when = when or timezone.now()
        return self.published().filter(opens_at__lte=when, closes_at__gte=when)

    def visible_to(self, user):
        """Staff see every call (drafts too); everyone else the published ones."""
        if user.is_authenticated and user.is_staff:
            return self
        return self.published()


class Call(ClusterableModel):
    """A call for proposals and its published rules.

    Amounts in EUR (``currency`` is explicit; EUR is the only currency the programme uses). ``country`` empty
    means a regional call. Submissions are accepted while ``opens_at <= now <= closes_at`` (server clock, UTC;
    exactly at the deadline is still on time). ``applications_per_lot`` is how many submitted applications one
    organisation may have in one lot (the programme's rule is one, from the call text).
    """

    title = models.CharField(_("title"), max_length=255)
    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("Short identifier, e.g. mk-2025 (used in URLs and exports).")
    )
    country = models.ForeignKey(
        "portal.Country",
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calls",
        help_text=_("Leave empty for a regional call."),
    )
    published = models.BooleanField(_("published"), default=False)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES, default="EUR")
    total_envelope = models.DecimalField(_("total envelope"), **money)
    min_grant = models.DecimalField(_("minimum grant"), **money)
    max_grant = models.DecimalField(_("maximum grant"), **money)
    expected_grants = models.PositiveSmallIntegerField(_("expected number of grants"), null=True, blank=True)
    max_duration_months = models.PositiveSmallIntegerField(
        _("maximum duration (months)"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    eligible_countries = models.ManyToManyField(
        "portal.Country", verbose_name=_("eligible countries"), related_name="+", blank=True
    )
    min_years_registered = models.PositiveSmallIntegerField(_("minimum years registered"), default=1)
    max_annual_budget = models.DecimalField(_("maximum annual budget of the applicant"), null=True, blank=True, **money)
    eligible_organisation_types = models.JSONField(
        _("eligible organisation types"),
        default=list,
        blank=True,
        help_text=_("Organisation types that may apply as lead applicant; empty means any."),
    )
    applications_per_lot = models.PositiveSmallIntegerField(
        _("applications per organisation per lot"), default=1, validators=[MinValueValidator(1)]
    )
    pass_mark = models.DecimalField(
        _("pass mark"), max_digits=6, decimal_places=2, default=Decimal("65"), validators=[MinValueValidator(ZERO)]
    )
    accepted_languages = models.JSONField(
        _("accepted languages"), default=list, blank=True, help_text=_('Language codes, e.g. ["en", "mk"].')
    )
    reviewers_from_other_countries = models.BooleanField(
        _("reviewers from other countries only"),
        default=False,
        help_text=_(
            "When ticked, no reviewer who belongs to an organisation in the applicant's country is assigned to an "
            "application."
        ),
    )
    reviews_per_application = models.PositiveSmallIntegerField(
        _("reviews per application"), default=2, validators=[MinValueValidator(1)]
    )
    score_spread_threshold = models.DecimalField(
        _("score spread for a third review (points)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("20"),
        validators=[MinValueValidator(ZERO)],
        help_text=_(
            "When two reviewers' totals differ by more than this many points, the application is flagged for a "
            "third review."
        ),
    )
    share_scores_with_applicants = models.BooleanField(
        _("show applicants their scores and reviewers' comments"),
        default=False,
        help_text=_("Reviewers' names are never shown to applicants."),
    )
    payment_schedule = models.JSONField(
        _("payment schedule"),
        default=default_payment_schedule,
        blank=True,
        validators=[validate_payment_schedule],
        help_text=_(
            'Tranches as shares of the award, in order, e.g. [{"percent": "80", "condition": "signature"}, '
            '{"percent": "20", "condition": "final_report_approved"}]. Conditions: signature, '
            "interim_report_approved, final_report_approved. The shares add up to 100."
        ),
    )
    interim_report_min_months = models.PositiveSmallIntegerField(
        _("interim report for projects longer than (months)"), default=6
    )
    final_report_due_days = models.PositiveSmallIntegerField(
        _("final report due (days after the end date)"), default=30
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("deadline"))
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Belgrade", validators=[validate_timezone]
    )
    rules_frozen_at = models.DateTimeField(_("rules frozen"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-closes_at", "title"]
        verbose_name = _("call for proposals")
        verbose_name_plural = _("calls for proposals")
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")), name="grants_call_dates"),
            models.CheckConstraint(condition=models.Q(max_grant__gte=models.F("min_grant")), name="grants_call_range"),
        ]

    def __str__(self):
        return self.title

    # --- time -------------------------------------------------------------------------------------------------
    @property
    def zone(self) -> ZoneInfo:
        """The call's time zone as a ``ZoneInfo``."""
        return ZoneInfo(self.timezone)

    def local(self, when):
        """``when`` (aware datetime) converted to the call's time zone."""
        return when.astimezone(self.zone)

    def is_open(self, when=None) -> bool:
        """True when submissions are accepted at ``when`` (default: server now). The deadline itself is on time."""
        when = when or timezone.now()
        return self.published and self.opens_at <= when <= self.closes_at

    def status(self, when=None) -> str:
        """``"upcoming"``, ``"open"`` or ``"closed"`` at ``when`` (default now)."""
        when = when or timezone.now()
        if when < self.opens_at:
            return "upcoming"
        if when <= self.closes_at:
            return "open"
        return "closed"

    # --- rules --------------------------------------------------------------------------------------------------
    def clean(self):
        super().clean()
        errors = {}
        if self.min_grant is not None and self.max_grant is not None and self.max_grant < self.min_grant:
            errors["max_grant"] = _("The maximum grant must not be below the minimum grant.")
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("The deadline must be after the opening.")
        unknown = set(self.eligible_organisation_types or []) - set(OrganisationType.values)
        if unknown:
            errors["eligible_organisation_types"] = _("Unknown organisation types: %(types)s") % {
                "types": ", ".join(sorted(unknown))
            }
        if errors:
            raise ValidationError(errors)
        self.validate_rules_unchanged()

    def frozen_rules(self) -> dict | None:
        """The rules this call is held to, or None while they may still change.

        Frozen rules are the latest :class:`CallRulesVersion` once :meth:`freeze_rules` ran; for a call that has
        opened (as stored) without a frozen version yet, the stored call's own snapshot. Reads the stored row, so
        an unsaved edit of ``opens_at`` cannot unfreeze a call.
        """
        if self.pk is None:
            return None
        stored = Call.objects.filter(pk=self.pk).first()
        if stored is None or not stored.rules_are_frozen:
            return None
        latest = stored.rules_versions.order_by("-number").first()
        if stored.rules_frozen_at and latest is not None:
            return latest.rules
        return stored.rules_snapshot()

    def changed_rules(self, snapshot: dict | None = None) -> list[str]:
        """Names of the rules (keys of :meth:`rules_snapshot`) that differ from the frozen rules; [] when not frozen.

        ``snapshot`` defaults to this instance's :meth:`rules_snapshot`: its own fields as edited in memory, but
        lots, criteria, documents and eligible countries as the relations return them (the stored rows until a
        form saves its children). An admin form that edits related rows passes a snapshot built from its data.
        """
        frozen = self.frozen_rules()
        if frozen is None:
            return []
        snapshot = self.rules_snapshot() if snapshot is None else snapshot
        # A key that a version stored before it existed lacks was not part of the rules published then.
        return sorted(key for key in frozen if frozen.get(key) != snapshot.get(key))

    @classmethod
    def rule_label(cls, key: str) -> str:
        """The translated name of rule ``key`` of :meth:`rules_snapshot` (a field's verbose name, or the relation's)."""
        relations = {
            "lots": _("lots"),
            "criteria": _("evaluation criteria"),
            "documents": _("required documents"),
            "reference_costs": _("reference unit costs"),
        }
        if key in relations:
            return str(relations[key])
        try:
            return str(cls._meta.get_field(key).verbose_name)
        except FieldDoesNotExist:  # a key of an older snapshot
            return key

    def validate_rules_unchanged(self, snapshot: dict | None = None) -> None:
        """Raise ``ValidationError`` when the rules changed after the call opened (see :meth:`changed_rules`).

        Applications keep the rules version they were made under, so a later edit would silently judge applicants
        by rules they never saw: the programme's rule is that a call's rules are frozen once it opens.
        """
        changed = [self.rule_label(key) for key in self.changed_rules(snapshot)]
        if changed:
            raise ValidationError(
                _(
                    "The rules of this call are frozen since it opened; they can no longer be changed "
                    "(changed: %(rules)s). Publish a corrigendum or a new call instead."
                ),
                params={"rules": ", ".join(changed)},
                code="rules_frozen",
            )

    def rules_snapshot(self) -> dict:
        """Return the call's rules as plain JSON data (amounts as strings, datetimes as ISO 8601 UTC).

        Shape::

            {"currency": "EUR", "total_envelope": "44000.00", "min_grant": "4000.00", "max_grant": "12000.00",
             "max_duration_months": 9, "eligible_countries": ["MK"], "min_years_registered": 1,
             "max_annual_budget": "50000.00" | None, "eligible_organisation_types": [...],
             "applications_per_lot": 1, "pass_mark": "65.00", "accepted_languages": ["en", "mk"],
             "opens_at": "...", "closes_at": "...", "timezone": "Europe/Skopje",
             "lots": [{"id": 1, "code": "A", "name": ..., "min_grant": ..., "max_grant": ...,
                       "min_duration_months": 4, "max_duration_months": 6, "max_annual_budget": ... | None,
                       "cross_border": False, "min_partners": 0, "min_partner_countries": 0,
                       "min_co_financing_percent": "0.00", "languages": [...]}],
             "criteria": [{"id": 1, "name": ..., "weight": "30.00", "max_score": 5,
                           "eliminatory_threshold": "15.00" | None, "allow_not_applicable": False}],
             "documents": [{"id": 1, "code": ..., "name": ..., "required": True, "cross_border_only": False}],
             "reviews_per_application": 2, "score_spread_threshold": "20.00",
             "share_scores_with_applicants": False,
             "payment_schedule": [{"percent": "80", "condition": "signature"}, ...],
             "interim_report_min_months": 6, "final_report_due_days": 30,
             "reference_costs": [{"id": 1, "category": "staff" | "", "unit": "day", "description": ...,
                                  "max_unit_cost": "150.00"}]}

        Versions stored before a key existed lack it: readers use ``rules.get(key, default)``.
        """

        def dec(value):
            # Always two places, so that a value typed in a form (Decimal("12000")) compares equal to the stored one.
            return None if value is None else str(Decimal(str(value)).quantize(Decimal("0.01")))

        return {
            "currency": self.currency,
            "total_envelope": dec(self.total_envelope),
            "min_grant": dec(self.min_grant),
            "max_grant": dec(self.max_grant),
            "max_duration_months": self.max_duration_months,
            "eligible_countries": sorted(c.code for c in self.eligible_countries.all()) if self.pk else [],
            "min_years_registered": self.min_years_registered,
            "max_annual_budget": dec(self.max_annual_budget),
            "eligible_organisation_types": list(self.eligible_organisation_types or []),
            "applications_per_lot": self.applications_per_lot,
            "pass_mark": dec(self.pass_mark),
            "accepted_languages": list(self.accepted_languages or []),
            "opens_at": self.opens_at.astimezone(UTC).isoformat() if self.opens_at else None,
            "closes_at": self.closes_at.astimezone(UTC).isoformat() if self.closes_at else None,
            "timezone": self.timezone,
            "lots": [
                {
                    "id": lot.pk,
                    "code": lot.code,
                    "name": lot.name,
                    "min_grant": dec(lot.min_grant),
                    "max_grant": dec(lot.max_grant),
                    "min_duration_months": lot.min_duration_months,
                    "max_duration_months": lot.max_duration_months,
                    "max_annual_budget": dec(lot.max_annual_budget),
                    "cross_border": lot.cross_border,
                    "min_partners": lot.min_partners,
                    "min_partner_countries": lot.min_partner_countries,
                    "min_co_financing_percent": dec(lot.min_co_financing_percent),
                    "languages": list(lot.languages or []),
                }
                for lot in self.lots.all()
            ],
            "criteria": [
                {
                    "id": c.pk,
                    "name": c.name,
                    "weight": dec(c.weight),
                    "max_score": c.max_score,
                    "eliminatory_threshold": dec(c.eliminatory_threshold),
                    "allow_not_applicable": c.allow_not_applicable,
                }
                for c in self.criteria.all()
            ],
            "documents": [
                {
                    "id": d.pk,
                    "code": d.code,
                    "name": d.name,
                    "required": d.required,
                    "cross_border_only": d.cross_border_only,
                }
                for d in self.required_documents.all()
            ],
            "reviews_per_application": self.reviews_per_application,
            "score_spread_threshold": dec(self.score_spread_threshold),
            "share_scores_with_applicants": self.share_scores_with_applicants,
            "payment_schedule": [
                {"percent": dec(item.get("percent")), "condition": item.get("condition")}
                for item in (self.payment_schedule or [])
                if isinstance(item, dict)
            ],
            "interim_report_min_months": self.interim_report_min_months,
            "final_report_due_days": self.final_report_due_days,
            "reference_costs": [
                {
                    "id": r.pk,
                    "category": r.category,
                    "unit": r.unit,
                    "description": r.description,
                    "max_unit_cost": dec(r.max_unit_cost_eur),
                }
                for r in self.reference_costs.all()
            ],
        }

    def current_rules(self) -> "CallRulesVersion":
        """Return the latest stored rules version, creating version 1 (or a new one) when the rules changed.

        Before the call opens, staff may still edit the rules: each change made before the first application
        yields a new version when this is called. After :meth:`freeze_rules`, the frozen version is returned.
        """
        latest = self.rules_versions.order_by("-number").first()
        snapshot = self.rules_snapshot()
        if latest is not None and (self.rules_frozen_at or latest.rules == snapshot):
            return latest
        return CallRulesVersion.objects.create(call=self, number=(latest.number + 1 if latest else 1), rules=snapshot)

    def freeze_rules(self) -> "CallRulesVersion":
        """Store the rules as the final version and mark them frozen (idempotent). Called when the call opens."""
        version = self.current_rules()
        if self.rules_frozen_at is None:
            self.rules_frozen_at = timezone.now()
            Call.objects.filter(pk=self.pk).update(rules_frozen_at=self.rules_frozen_at)
        return version

    @property
    def rules_are_frozen(self) -> bool:
        """True once the call has opened (or its rules were frozen explicitly): the rules may no longer change."""
        return bool(self.rules_frozen_at) or (self.opens_at is not None and self.opens_at <= timezone.now())


class CallRulesVersion(models.Model):
    """An immutable JSON snapshot of a call's rules (:meth:`Call.rules_snapshot`); applications keep theirs."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="rules_versions")
    number = models.PositiveIntegerField()
    rules = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["call", "number"]
        constraints = [models.UniqueConstraint(fields=["call", "number"], name="grants_rules_version_unique")]
        verbose_name = _("call rules version")
        verbose_name_plural = _("call rules versions")

    def __str__(self):
        return f"{self.call} v{self.number}"

    def lot(self, lot_id: int) -> dict | None:
        """The snapshot of lot ``lot_id`` (see :meth:`Call.rules_snapshot`), or None."""
        return next((lot for lot in self.rules["lots"] if lot["id"] == lot_id), None)


class Lot(models.Model):
    """A lot of a call (e.g. A local, B national, C cross-border), each with its own limits (EUR, months).

    ``cross_border``: applications need at least ``min_partners`` partner organisations from at least
    ``min_partner_countries`` countries other than the lead applicant's. ``max_annual_budget`` (EUR) overrides
    the call's limit when set. ``languages`` overrides the call's accepted languages when set.
    """

    call = ParentalKey(Call, on_delete=models.CASCADE, related_name="lots")
    code = models.CharField(_("code"), max_length=8)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    min_grant = models.DecimalField(_("minimum grant"), **money)
    max_grant = models.DecimalField(_("maximum grant"), **money)
    min_duration_months = models.PositiveSmallIntegerField(_("minimum duration (months)"), default=1)
    max_duration_months = models.PositiveSmallIntegerField(_("maximum duration (months)"))
    max_annual_budget = models.DecimalField(_("maximum annual budget of the applicant"), null=True, blank=True, **money)
    cross_border = models.BooleanField(_("cross-border"), default=False)
    min_partners = models.PositiveSmallIntegerField(_("minimum partner organisations"), default=0)
    min_partner_countries = models.PositiveSmallIntegerField(_("minimum partner countries"), default=0)
    min_co_financing_percent = models.DecimalField(
        _("minimum co-financing (%)"),
        max_digits=5,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
    )
    languages = models.JSONField(_("accepted languages"), default=list, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["call", "sort_order", "code"]
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="grants_lot_code_unique")]

    def __str__(self):
        return f"{self.code}: {self.name}"


class EvaluationCriterion(models.Model):
    """A criterion of the call's scoring grid: ``weight`` (points, the grid sums to 100), scored 0..``max_score``.

    ``eliminatory_threshold`` (in weighted points, optional): an application below it on this criterion fails.
    """

    call = ParentalKey(Call, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("guidance"), blank=True)
    weight = models.DecimalField(
        _("weight (points)"), max_digits=6, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    max_score = models.PositiveSmallIntegerField(_("maximum score"), default=5, validators=[MinValueValidator(1)])
    eliminatory_threshold = models.DecimalField(
        _("eliminatory threshold (points)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    allow_not_applicable = models.BooleanField(_("may be marked not applicable"), default=False)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["call", "sort_order", "pk"]
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")

    def __str__(self):
        return self.name


class RequiredDocument(models.Model):
    """A document applicants attach (e.g. registration certificate); ``cross_border_only`` for partnership letters."""

    call = ParentalKey(Call, on_delete=models.CASCADE, related_name="required_documents")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    required = models.BooleanField(_("required"), default=True)
    cross_border_only = models.BooleanField(_("only for cross-border lots"), default=False)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["call", "sort_order", "pk"]
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="grants_required_document_unique")]

    def __str__(self):
        return self.name


class BudgetCategory(models.TextChoices):
    """Categories of budget lines (applications) and of the call's reference unit costs."""

    STAFF = "staff", _("Staff and experts")
    TRAVEL = "travel", _("Travel and subsistence")
    EVENTS = "events", _("Events and meetings")
    SERVICES = "services", _("Services and subcontracting")
    COMMUNICATION = "communication", _("Communication and publications")
    EQUIPMENT = "equipment", _("Equipment and supplies")
    OTHER = "other", _("Other costs")


class ReferenceUnitCost(models.Model):
    """A reference unit cost the call publishes (e.g. a trainer's day at most EUR 150): budget lines of the same
    unit (and category, when given) above ``max_unit_cost_eur`` are flagged to staff before they decide (issue 4,
    item 7). Units are compared case-insensitively."""

    call = ParentalKey(Call, on_delete=models.CASCADE, related_name="reference_costs")
    category = models.CharField(
        _("budget category"),
        max_length=20,
        choices=BudgetCategory.choices,
        blank=True,
        help_text=_("Leave empty to apply to every category."),
    )
    unit = models.CharField(_("unit"), max_length=50, help_text=_("e.g. day, month, event"))
    description = models.CharField(_("description"), max_length=255, blank=True)
    max_unit_cost_eur = models.DecimalField(_("reference unit cost (EUR)"), **money)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["call", "sort_order", "pk"]
        verbose_name = _("reference unit cost")
        verbose_name_plural = _("reference unit costs")

    def __str__(self):
        return f"{self.unit}: {self.max_unit_cost_eur}"
