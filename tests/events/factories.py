"""Factories for the events app: the index page, event pages, registrations, minutes and materials.

``event_page(parent=index, **fields)`` is the usual way in; times default to a two-hour meeting a week from now in
Europe/Belgrade with registration open. Pass ``host_communities=[…]`` / ``audience_communities=[…]`` as lists.
"""

from datetime import timedelta

import factory
import wagtail_factories
from django.core.files.base import ContentFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from events.models import (
    EventIndexPage,
    EventMaterial,
    EventMinutes,
    EventPage,
    MaterialKind,
    MaterialVisibility,
    MinutesStatus,
    Registration,
    RegistrationStatus,
)
from tests.portal.factories_accounts import UserFactory

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class EventIndexPageFactory(wagtail_factories.PageFactory):
    title = "Events"
    slug = "events"
    intro = "Meetings of the DAGs and the RCP, trainings, workshops and hackathons."

    class Meta:
        model = EventIndexPage


class EventPageFactory(wagtail_factories.PageFactory):
    """Needs ``parent`` (an EventIndexPage). M2M fields (host_communities, audience_communities, languages) are
    set after creation with ``event_page(...)``."""

    title = factory.Sequence(lambda n: f"DAG meeting {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    event_type = "dag_meeting"
    event_format = "in_person"
    starts_at = factory.LazyFunction(lambda: (timezone.now() + timedelta(days=7)).replace(microsecond=0))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    timezone = "Europe/Belgrade"
    venue = "Media Centre"
    city = "Belgrade"
    summary = "A working meeting of the Domestic Advisory Group."
    capacity = None

    class Meta:
        model = EventPage


def event_page(parent, *, host_communities=(), audience_communities=(), languages=(), **fields) -> EventPage:
    """A live EventPage under ``parent`` with its many-to-many fields set (``languages``: codes such as "en")."""
    from events.models import EventLanguage

    page = EventPageFactory(parent=parent, **fields)
    if host_communities:
        page.host_communities.set(host_communities)
    if audience_communities:
        page.audience_communities.set(audience_communities)
    if languages:
        page.languages.set(EventLanguage.objects.filter(code__in=languages))
    if host_communities or audience_communities or languages:
        page.save()
    return page


class RegistrationFactory(DjangoModelFactory):
    """A registration row written directly (tests of reading code); state changes in tests go through
    ``events.services.registrations``."""

    event = None
    user = factory.SubFactory(UserFactory)
    status = RegistrationStatus.CONFIRMED
    queued_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyAttribute(lambda o: o.queued_at if o.status == RegistrationStatus.CONFIRMED else None)

    class Meta:
        model = Registration


def minutes(event, body="<p>Minutes.</p>", status=MinutesStatus.APPROVED, visibility=MaterialVisibility.PUBLIC):
    return EventMinutes.objects.create(event=event, body=body, status=status, visibility=visibility)


def material(event, title="Slides", visibility=MaterialVisibility.PUBLIC, kind=MaterialKind.SLIDES, **fields):
    """A small PDF material of ``event`` (or a link when ``url=`` is given)."""
    item = EventMaterial(event=event, title=title, visibility=visibility, kind=kind, **fields)
    if not item.url:
        item.original_name = "slides.pdf"
        item.content_type = "application/pdf"
        item.size_bytes = len(PDF)
        item.file.save("slides.pdf", ContentFile(PDF), save=False)
    item.save()
    return item
