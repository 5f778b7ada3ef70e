"""The fixed vocabularies of events (issue 7): what kind of event, how it is held, who may come, and the states of
a registration, of minutes and of materials. Codes are stable (stored, exported, used in filters); labels are
translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    """The kinds of event the programme runs (issue 7 item 1)."""

    DAG_MEETING = "dag_meeting", _("DAG meeting")
    RCP_MEETING = "rcp_meeting", _("RCP meeting")
    BILATERAL_VISIT = "bilateral_visit", _("Bilateral exchange visit")
    TRAINING = "training", _("Training workshop")
    PARTICIPATORY_WORKSHOP = "participatory_workshop", _("Participatory workshop")
    HACKATHON = "hackathon", _("Hackathon")
    WEBINAR = "webinar", _("Webinar")
    CONFERENCE = "conference", _("Conference")


#: Event types whose attendees may download a certificate of attendance (issue 7 item 6: "attendees of trainings").
CERTIFICATE_EVENT_TYPES = frozenset(
    {EventType.TRAINING, EventType.PARTICIPATORY_WORKSHOP, EventType.HACKATHON, EventType.WEBINAR}
)


class EventFormat(models.TextChoices):
    """How an event is held. Online and hybrid events have a join link shown only to confirmed registrants."""

    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class Audience(models.TextChoices):
    """Who may see and attend an event: anyone, or only the active members of the event's audience communities."""

    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members only")


class Recurrence(models.TextChoices):
    """A single event, or a series repeating weekly at the same local wall-clock time (across clock changes)."""

    NONE = "none", _("Does not repeat")
    WEEKLY = "weekly", _("Weekly")


class EventLanguageCode(models.TextChoices):
    """Languages an event can be held in (interpretation included)."""

    EN = "en", _("English")
    SQ = "sq", _("Albanian")
    BS = "bs", _("Bosnian")
    MK = "mk", _("Macedonian")
    SR = "sr", _("Serbian")
    TR = "tr", _("Turkish")


class RegistrationStatus(models.TextChoices):
    """A registration's state. Seat changes go only through ``events.services.registrations`` (under a lock)."""

    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waitlist")
    CANCELLED = "cancelled", _("Cancelled")


class Attendance(models.TextChoices):
    """What the organiser recorded after the event for a confirmed registrant."""

    UNKNOWN = "", _("Not recorded")
    ATTENDED = "attended", _("Attended")
    ABSENT = "absent", _("Absent")


class MinutesStatus(models.TextChoices):
    """Minutes are drafted, then approved; only approved minutes are shown outside the organisers."""

    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class MaterialKind(models.TextChoices):
    """What a material attached to an event is."""

    DOCUMENT = "document", _("Document")
    SLIDES = "slides", _("Slides")
    RECORDING = "recording", _("Recording")


class MaterialVisibility(models.TextChoices):
    """Who may see minutes or a material, independently of the event's own audience (issue 7 item 6).

    ``public``: anyone who may see the event (for a members-only event, its audience); ``members``: active members of
    the event's host and audience communities; ``registrants``: people with a confirmed registration (and organisers).
    """

    PUBLIC = "public", _("Everyone who can see the event")
    MEMBERS = "members", _("Members of the host communities")
    REGISTRANTS = "registrants", _("Confirmed registrants only")
