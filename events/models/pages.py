"""Event pages (issue 7 item 1): an events index per locale and one Wagtail page per event.

Times: ``starts_at`` and ``ends_at`` are aware datetimes stored in UTC; ``timezone`` is the event's IANA zone, in
which staff type the times (``events.admin_forms.EventPageForm``) and in which every page, mail and calendar shows
them, with the zone named. A weekly series (``recurrence``) repeats at the same *local* wall-clock time, so a
10:00 meeting stays at 10:00 in its zone across the clock changes (:meth:`EventPage.occurrences`).

Translations: every English page has an alias or translation in each locale (``portal.i18n``). Registrations,
minutes and materials always belong to the English (default-locale) page, :meth:`EventPage.canonical`, so a person
registering on ``/mk/…`` and on ``/en/…`` holds the same one registration.

Who may see an event is decided by :meth:`EventPageQuerySet.visible_to` and ``events.permissions`` only.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from events.admin_forms import EventPageForm
from portal.countries import validate_timezone

from .choices import (
    CERTIFICATE_EVENT_TYPES,
    Audience,
    EventFormat,
    EventLanguageCode,
    EventType,
    Recurrence,
)

#: The most occurrences a weekly series may have (a year of weekly meetings).
MAX_OCCURRENCES = 52


class EventLanguage(models.Model):
    """A language an event is held in (a row per :class:`EventLanguageCode`, written by a data migration)."""

    code = models.CharField(_("code"), max_length=8, unique=True, choices=EventLanguageCode.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("event language")
        verbose_name_plural = _("event languages")

    def __str__(self):
        return str(self.get_code_display())


class EventIndexPage(RoutablePageMixin, Page):
    """The "Events" page of a locale: upcoming events with filters, a month calendar and the archive of past
    events (views in ``events.views``)."""

    intro = models.TextField(_("introduction"), blank=True)

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["events.EventPage"]
    max_count_per_parent = 1

    content_panels = Page.content_panels + ["intro"]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        verbose_name = _("events index")
        verbose_name_plural = _("events indexes")

    # --- finding events (issue 7 item 7; views in events.views.listing) ---------------------------------------

    @path("", name="upcoming")
    def index_route(self, request, *args, **kwargs):
        """Upcoming events with filters."""
        from events.views import listing

        return listing.upcoming(self, request)

    @path("calendar/", name="calendar")
    @path("calendar/<int:year>/<int:month>/", name="calendar_month")
    def calendar_route(self, request, year=None, month=None):
        """The month calendar (this month, or ``year``-``month``)."""
        from events.views import listing

        return listing.month(self, request, year, month)

    @path("past/", name="past")
    def past_route(self, request):
        """The archive of past events with their minutes and materials."""
        from events.views import listing

        return listing.past(self, request)

    def events_nav_urls(self, request) -> dict[str, str]:
        """The addresses of the three views: ``upcoming``, ``calendar`` and ``past``."""
        base = self.get_url(request)
        return {
            "upcoming": base,
            "calendar": base + self.reverse_subpage("calendar"),
            "past": base + self.reverse_subpage("past"),
        }

    def serve(self, request, *args, **kwargs):
        """Members see members-only events in these lists, so answers carry ``Vary: Cookie`` and answers to
        signed-in visitors are ``Cache-Control: private`` (never kept by a shared cache)."""
        response = super().serve(request, *args, **kwargs)
        patch_vary_headers(response, ("Cookie",))
        if request.user.is_authenticated:
            patch_cache_control(response, private=True)
        return response


class EventPageQuerySet(PageQuerySet):
    """Page queryset of events with the one rule of who may see them."""

    def visible_to(self, user):
        """Live events ``user`` may see: public ones, and members-only ones of a community ``user`` is an active
        member of (the event's audience communities; with none chosen, its host communities). Wagtail page privacy
        (view restrictions) applies on top for anonymous visitors via ``.public()``.

        ``user``: a User or AnonymousUser. Returns a distinct queryset (no duplicates from the joins).
        """
        from community.permissions import community_ids

        qs = self.live()
        ids = community_ids(user) if getattr(user, "is_authenticated", False) else set()
        if not ids:
            return qs.public().filter(audience=Audience.PUBLIC)
        members_only = Q(audience=Audience.MEMBERS) & (
            Q(audience_communities__in=ids) | Q(audience_communities__isnull=True, host_communities__in=ids)
        )
        matching = self.model.objects.filter(Q(audience=Audience.PUBLIC) | members_only).values("pk")
        return qs.filter(pk__in=matching)

    def public_listing(self):
        """Live, public (no view restriction) events with the public audience: what anonymous visitors, public
        feeds, search and the sitemap may show."""
        return self.live().public().filter(audience=Audience.PUBLIC)


EventPageManager = PageManager.from_queryset(EventPageQuerySet)


class EventPage(RoutablePageMixin, Page):
    """One event: a DAG or RCP meeting, a bilateral exchange visit, a training, a workshop, a hackathon, a webinar
    or a conference (issue 7 item 1).

    - ``starts_at`` / ``ends_at``: aware UTC datetimes; ``timezone``: IANA zone they are typed and shown in.
    - ``capacity``: confirmed seats (None = no limit); beyond it registrations join the waitlist in arrival order.
    - ``registration_opens_at`` / ``registration_closes_at``: UTC; empty = open from publication / until the start.
    - ``online_url``: the join link of an online or hybrid event; secret, shown only where
      ``events.permissions.can_see_join_link`` allows (never on public pages, public feeds or in search).
    - ``audience``: public, or members of ``audience_communities`` (of ``host_communities`` when none is chosen).
    - ``ask_*`` and ``questions``: what the registration form asks.
    """

    event_type = models.CharField(_("type"), max_length=32, choices=EventType.choices, default=EventType.DAG_MEETING)
    event_format = models.CharField(
        _("format"), max_length=16, choices=EventFormat.choices, default=EventFormat.IN_PERSON
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Belgrade",
        validators=[validate_timezone],
        help_text=_("IANA time zone of the venue, e.g. Europe/Skopje; times are typed and shown in it."),
    )
    recurrence = models.CharField(_("repeats"), max_length=8, choices=Recurrence.choices, default=Recurrence.NONE)
    occurrence_count = models.PositiveSmallIntegerField(
        _("number of meetings"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("For a weekly series: how many meetings in all (at most 52)."),
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.ForeignKey(
        "portal.Country",
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    online_url = models.URLField(
        _("join link"),
        max_length=500,
        blank=True,
        help_text=_("Online and hybrid events: shown only to confirmed registrants."),
    )
    host_communities = ParentalManyToManyField(
        "community.Community", verbose_name=_("host communities"), blank=True, related_name="hosted_events"
    )
    audience = models.CharField(_("audience"), max_length=8, choices=Audience.choices, default=Audience.PUBLIC)
    audience_communities = ParentalManyToManyField(
        "community.Community",
        verbose_name=_("members of"),
        blank=True,
        related_name="audience_events",
        help_text=_("Members-only events: whose members may see and attend; none ticked means the host communities."),
    )
    languages = ParentalManyToManyField(EventLanguage, verbose_name=_("languages"), blank=True)
    summary = models.TextField(_("summary"), max_length=400, blank=True)
    description = RichTextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Confirmed seats; leave empty for no limit.")
    )
    registration_required = models.BooleanField(_("registration"), default=True)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    ask_organisation = models.BooleanField(_("ask for the organisation"), default=True)
    ask_accessibility = models.BooleanField(_("ask about accessibility needs"), default=True)
    ask_dietary = models.BooleanField(_("ask about dietary needs"), default=False)
    contact_email = models.EmailField(_("organiser's email"), blank=True)

    objects = EventPageManager()
    base_form_class = EventPageForm

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("event_type"), FieldPanel("event_format")]),
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at"), FieldPanel("timezone")]),
                FieldRowPanel([FieldPanel("recurrence"), FieldPanel("occurrence_count")]),
            ],
            heading=_("When"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("venue"),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("city"), FieldPanel("country")]),
                FieldPanel("online_url"),
            ],
            heading=_("Where"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("host_communities", widget=forms.CheckboxSelectMultiple),
                FieldPanel("audience"),
                FieldPanel("audience_communities", widget=forms.CheckboxSelectMultiple),
                FieldPanel("languages", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Who"),
        ),
        FieldPanel("summary"),
        FieldPanel("description"),
        InlinePanel("agenda_items", label=_("Agenda")),
        MultiFieldPanel(
            [
                FieldPanel("registration_required"),
                FieldPanel("capacity"),
                FieldRowPanel([FieldPanel("registration_opens_at"), FieldPanel("registration_closes_at")]),
                FieldRowPanel(
                    [FieldPanel("ask_organisation"), FieldPanel("ask_accessibility"), FieldPanel("ask_dietary")]
                ),
                FieldPanel("contact_email"),
            ],
            heading=_("Registration"),
        ),
        InlinePanel("questions", label=_("Registration questions")),
    ]

    parent_page_types = ["events.EventIndexPage"]
    subpage_types: list[str] = []

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("description"),
        index.SearchField("venue"),
        index.SearchField("city"),
        index.FilterField("audience"),
        index.FilterField("event_type"),
        index.FilterField("starts_at"),
    ]

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"),
        ]

    # --- time ------------------------------------------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        """The event's zone as a ``ZoneInfo``."""
        return ZoneInfo(self.timezone)

    def local(self, when: datetime) -> datetime:
        """``when`` (aware) in the event's zone."""
        return when.astimezone(self.zone)

    @property
    def duration(self) -> timedelta:
        """Length of one meeting (``ends_at - starts_at``)."""
        return self.ends_at - self.starts_at

    def occurrences(self) -> list[tuple[datetime, datetime]]:
        """``(start, end)`` of each meeting as aware UTC datetimes: one for a single event; for a weekly series,
        ``occurrence_count`` meetings at the same local wall-clock time each week (so 10:00 Europe/Belgrade is
        09:00 UTC in winter and 08:00 UTC in summer)."""
        if self.recurrence != Recurrence.WEEKLY or self.occurrence_count <= 1:
            return [(self.starts_at, self.ends_at)]
        zone = self.zone
        local_start = self.starts_at.astimezone(zone).replace(tzinfo=None)
        local_end = self.ends_at.astimezone(zone).replace(tzinfo=None)
        result = []
        for week in range(min(self.occurrence_count, MAX_OCCURRENCES)):
            start = (local_start + timedelta(weeks=week)).replace(tzinfo=zone)
            end = (local_end + timedelta(weeks=week)).replace(tzinfo=zone)
            result.append((start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC"))))
        return result

    @property
    def last_ends_at(self) -> datetime:
        """When the last meeting of the event (or series) ends, UTC."""
        return self.occurrences()[-1][1]

    def is_past(self, now: datetime | None = None) -> bool:
        """True once the (last meeting of the) event has ended."""
        return self.last_ends_at <= (now or timezone.now())

    # --- calendar --------------------------------------------------------------------------------------------------

    @path("ics/", name="ics")
    def ics(self, request):
        """The event's ``.ics`` download (``events.views.calendars.event_ics``)."""
        from events.views.calendars import event_ics

        return event_ics(request, self)

    # --- registration ------------------------------------------------------------------------------------------

    @property
    def is_online(self) -> bool:
        """True for online and hybrid events (they have a join link)."""
        return self.event_format in (EventFormat.ONLINE, EventFormat.HYBRID)

    @property
    def is_members_only(self) -> bool:
        return self.audience == Audience.MEMBERS

    def get_sitemap_urls(self, request=None):
        """sitemap.xml lists public events only: a members-only event is never announced to crawlers (the
        sitemap already leaves out drafts and pages under a view restriction)."""
        if self.audience != Audience.PUBLIC:
            return []
        return super().get_sitemap_urls(request)

    @property
    def offers_certificates(self) -> bool:
        """Attendees of trainings, workshops, hackathons and webinars may download a certificate of attendance."""
        return self.event_type in CERTIFICATE_EVENT_TYPES

    def registration_window(self) -> tuple[datetime | None, datetime]:
        """``(opens, closes)`` in UTC: ``opens`` may be None (open from publication); ``closes`` defaults to the
        start of the event."""
        return self.registration_opens_at, self.registration_closes_at or self.starts_at

    def registration_is_open(self, now: datetime | None = None) -> bool:
        """True while registration is required and ``now`` is inside :meth:`registration_window`."""
        if not self.registration_required:
            return False
        now = now or timezone.now()
        opens, closes = self.registration_window()
        return (opens is None or opens <= now) and now < closes

    def canonical(self) -> "EventPage":
        """The default-locale page of this event (registrations, minutes and materials belong to it); ``self``
        when it is that page or has none. Remembered on the instance (a request asks several times)."""
        from wagtail.models import Locale

        cached = self.__dict__.get("_canonical_page")
        if cached is not None:
            return cached
        try:
            default = Locale.get_default()
        except Locale.DoesNotExist:
            return self
        page = self
        if self.locale_id != default.pk:
            page = EventPage.objects.filter(translation_key=self.translation_key, locale=default).first() or self
        self.__dict__["_canonical_page"] = page
        page.__dict__["_canonical_page"] = page
        return page

    def audience_community_ids(self) -> set[int]:
        """IDs of the communities whose active members may see a members-only event (the audience communities, or
        the host communities when none is chosen)."""
        ids = {c.pk for c in self.audience_communities.all()}
        return ids or {c.pk for c in self.host_communities.all()}

    # --- organisers, outcomes and certificate (events.views.organisers, events.views.outcomes) ---------------
    # Each route hands the request to its view with this page (any locale); the views work on ``canonical()``.

    @path("registrations/", name="organiser_registrations")
    def organiser_registrations_route(self, request):
        from events.views import organisers

        return organisers.registrations(request, self)

    @re_path(r"^registrations/(?P<pk>\d+)/(?P<action>confirm|waitlist|cancel)/$", name="organiser_registration_action")
    def organiser_registration_action_route(self, request, pk, action):
        from events.views import organisers

        return organisers.registration_action(request, self, int(pk), action)

    @re_path(r"^registrations/export/(?P<fmt>csv|xlsx)/$", name="organiser_registrations_export")
    def organiser_registrations_export_route(self, request, fmt):
        from events.views import organisers

        return organisers.registrations_export(request, self, fmt)

    @path("attendance/", name="organiser_attendance")
    def organiser_attendance_route(self, request):
        from events.views import organisers

        return organisers.attendance(request, self)

    @re_path(r"^attendance/export/(?P<fmt>csv|xlsx)/$", name="organiser_attendance_export")
    def organiser_attendance_export_route(self, request, fmt):
        from events.views import organisers

        return organisers.attendance_export(request, self, fmt)

    @path("minutes/", name="organiser_minutes")
    def organiser_minutes_route(self, request):
        from events.views import organisers

        return organisers.minutes(request, self)

    @path("materials/", name="organiser_materials")
    def organiser_materials_route(self, request):
        from events.views import organisers

        return organisers.materials(request, self)

    @path("materials/<int:pk>/delete/", name="organiser_material_delete")
    def organiser_material_delete_route(self, request, pk):
        from events.views import organisers

        return organisers.material_delete(request, self, pk)

    @path("materials/<int:pk>/", name="material_download")
    def material_download_route(self, request, pk):
        from events.views import outcomes

        return outcomes.material_download(request, self, pk)

    @path("certificate/", name="certificate")
    def certificate_route(self, request):
        from events.views import outcomes

        return outcomes.certificate(request, self)

    # --- validation ----------------------------------------------------------------------------------------------

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The event cannot end before it starts.")
        if self.event_format in (EventFormat.ONLINE, EventFormat.HYBRID) and not self.online_url:
            errors["online_url"] = _("An online or hybrid event needs a join link.")
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at <= self.registration_opens_at
        ):
            errors["registration_closes_at"] = _("Registration must close after it opens.")
        if self.recurrence == Recurrence.WEEKLY and self.occurrence_count > MAX_OCCURRENCES:
            errors["occurrence_count"] = _("A weekly series can have at most %(n)s meetings.") % {"n": MAX_OCCURRENCES}
        if errors:
            raise ValidationError(errors)

    # --- serving: the page, its registration routes (events.views.pages, events.views.registrations) ----------

    def serve(self, request, *args, **kwargs):
        """Serve the page or one of its routes to visitors who may see the event: a members-only event sends
        anonymous visitors to sign in and answers signed-in outsiders 404 (``events.views.pages.refuse_outsider``).
        Answers ``Vary: Cookie``; to signed-in visitors ``Cache-Control: private, no-store``."""
        from events.views.pages import mark_per_visitor, refuse_outsider

        refusal = refuse_outsider(self, request)
        if refusal is not None:
            return refusal
        return mark_per_visitor(request, super().serve(request, *args, **kwargs))

    def get_context(self, request, *args, **kwargs):
        """Adds the event's meetings, hosts, agenda, seats and the visitor's registration block
        (``events.views.pages.event_page_context``)."""
        from events.views.pages import event_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(event_page_context(self, request))
        return context

    @path("register/", name="register")
    def register_route(self, request):
        """POST: register the signed-in visitor (``events.views.registrations.register``)."""
        from events.views.registrations import register

        return register(request, self)

    @path("cancel/", name="cancel")
    def cancel_route(self, request):
        """POST: cancel the signed-in visitor's registration (``events.views.registrations.cancel``)."""
        from events.views.registrations import cancel

        return cancel(request, self)


class AgendaItem(Orderable):
    """One line of an event's agenda: a local time (in the event's zone; ``day`` counts from 1 for events over
    several days), a title and an optional speaker."""

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="agenda_items")
    day = models.PositiveSmallIntegerField(_("day"), default=1, validators=[MinValueValidator(1)])
    starts_at = models.TimeField(_("time"), null=True, blank=True, help_text=_("Local time in the event's zone."))
    title = models.CharField(_("title"), max_length=255)
    speaker = models.CharField(_("speaker"), max_length=255, blank=True)

    panels = ["day", "starts_at", "title", "speaker"]

    class Meta(Orderable.Meta):
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self):
        return self.title


class RegistrationQuestion(Orderable):
    """A custom question of an event's registration form (besides organisation, accessibility and dietary needs)."""

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("question"), max_length=255)
    help_text = models.CharField(_("help text"), max_length=255, blank=True)
    required = models.BooleanField(_("required"), default=False)

    panels = ["label", "help_text", "required"]

    class Meta(Orderable.Meta):
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")

    def __str__(self):
        return self.label
