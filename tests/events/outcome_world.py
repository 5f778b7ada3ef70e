"""A small world for the tests of what organisers do and what an event leaves behind (issue 7 item 6).

:func:`build_world` makes a training hosted by the North Macedonian DAG (started yesterday) and one person per
role: ``outsider`` (signed in, no membership), ``registrant`` (confirmed, not a member), ``waitlisted``,
``member`` (of the host DAG, not registered), ``other_coordinator`` (coordinates Serbia's DAG), ``coordinator``
(coordinates the host DAG) and ``staff`` (programme staff with TOTP). :func:`use_material_storage` points the
private storage of event materials at a temporary directory.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.files.storage import FileSystemStorage
from django.test import Client
from django.utils import timezone

from community.models import MemberRole
from events.models import EventMaterial, RegistrationStatus
from tests.community.community_factories import community_member, dag
from tests.events.factories import RegistrationFactory, event_page
from tests.portal.factories_accounts import StaffFactory, UserFactory

ROLES = [
    "anonymous",
    "outsider",
    "registrant",
    "member",
    "other_coordinator",
    "coordinator",
    "staff",
]


def use_material_storage(tmp_path, settings, monkeypatch) -> FileSystemStorage:
    """Point ``STORAGES["private"]`` and ``EventMaterial.file`` at ``tmp_path / "private"``; return the storage."""
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location), "base_url": "/private-files/"},
        },
    }
    storage = FileSystemStorage(location=str(location), base_url="/private-files/")
    monkeypatch.setattr(EventMaterial._meta.get_field("file"), "storage", storage)
    return storage


def build_world(events_index, **event_fields) -> dict:
    """The training, its host DAG and one user per role (see the module docstring)."""
    mk, rs = dag("MK"), dag("RS")
    start = (timezone.now() - timedelta(days=1)).replace(microsecond=0)
    fields = {
        "title": "Training on the Integrity Watch platforms",
        "event_type": "training",
        "starts_at": start,
        "ends_at": start + timedelta(hours=3),
        "timezone": "Europe/Skopje",
        "city": "Skopje",
        "venue": "Hotel Continental",
        "registration_opens_at": start - timedelta(days=20),
        "registration_closes_at": start - timedelta(hours=1),
        **event_fields,
    }
    event = event_page(events_index, host_communities=[mk], **fields)
    users = {
        "outsider": UserFactory(first_name="Otto", last_name="Outsider"),
        "registrant": UserFactory(first_name="Rina", last_name="Registrant"),
        "waitlisted": UserFactory(first_name="Vesna", last_name="Waiting"),
        "member": community_member(mk),
        "other_coordinator": community_member(rs, role=MemberRole.COORDINATOR),
        "coordinator": community_member(mk, role=MemberRole.COORDINATOR),
        "staff": StaffFactory(is_superuser=False, totp=True),
    }
    registrations = {
        "registrant": RegistrationFactory(event=event, user=users["registrant"], organisation="TI Macedonia"),
        "waitlisted": RegistrationFactory(event=event, user=users["waitlisted"], status=RegistrationStatus.WAITLISTED),
    }
    return {"event": event, "mk": mk, "rs": rs, "users": users, "registrations": registrations}


def client_for(world: dict, role: str) -> Client:
    """A test client signed in as ``role`` (``anonymous``: not signed in)."""
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


def sub_url(page, name: str, *args) -> str:
    """The URL of the route ``name`` of ``page``."""
    return page.url + page.reverse_subpage(name, args=args)


def outcomes_html(world: dict, role: str, page=None) -> str:
    """The outcomes block (``templates/events/includes/event_outcomes.html``, which the event page includes) as
    ``role`` sees it on ``page`` (default: the world's event)."""
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context, Template
    from django.test import RequestFactory

    page = page or world["event"]
    request = RequestFactory().get(page.url)
    request.user = AnonymousUser() if role == "anonymous" else world["users"][role]
    template = Template('{% include "events/includes/event_outcomes.html" %}')
    return template.render(Context({"event": page, "request": request, "page": page}))
