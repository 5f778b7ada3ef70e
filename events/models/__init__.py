"""Models of the events app (issue 7): pages, registrations and the waitlist, minutes and materials."""

from .choices import (
    CERTIFICATE_EVENT_TYPES,
    Attendance,
    Audience,
    EventFormat,
    EventLanguageCode,
    EventType,
    MaterialKind,
    MaterialVisibility,
    MinutesStatus,
    Recurrence,
    RegistrationStatus,
)
from .outcomes import EventMaterial, EventMinutes
from .pages import AgendaItem, EventIndexPage, EventLanguage, EventPage, RegistrationQuestion
from .registrations import CalendarFeedToken, Registration, RegistrationChange, ReminderSent

__all__ = [
    "CERTIFICATE_EVENT_TYPES",
    "AgendaItem",
    "Attendance",
    "Audience",
    "CalendarFeedToken",
    "EventFormat",
    "EventIndexPage",
    "EventLanguage",
    "EventLanguageCode",
    "EventMaterial",
    "EventMinutes",
    "EventPage",
    "EventType",
    "MaterialKind",
    "MaterialVisibility",
    "MinutesStatus",
    "Recurrence",
    "Registration",
    "RegistrationChange",
    "RegistrationQuestion",
    "RegistrationStatus",
    "ReminderSent",
]
