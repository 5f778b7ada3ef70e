"""What the public community pages show (issue 6 item 1): the cards of the "Communities" index and, for one
community, its public roster, public documents, recent public meetings and what the visitor can do.

Everything here is public by construction: the roster comes only from ``Membership.objects.listed_publicly()`` and
is turned into plain :class:`RosterEntry` rows that carry a member's organisation and sector only when the member
consented to show each; documents come only from ``CommunityDocument.objects.public()``. Templates never receive a
``Membership`` or members-only rows, so nothing members-only can be rendered by mistake.

**Recent public meetings** come from the events app (issue 7) through the Wagtail hook
``community_public_meetings`` (:data:`PUBLIC_MEETINGS_HOOK`). A function registered for it with
``@hooks.register("community_public_meetings")`` is called as ``fn(community, limit)`` (``community``: a
:class:`community.models.Community`; ``limit``: the most meetings the page shows) and returns an iterable of
meetings *anyone may see* (public, published), most recent first. Each meeting is a mapping or an object with:

- ``title`` (str), ``url`` (str: the meeting's public page);
- ``starts_at`` (aware ``datetime``; shown as a date in ``timezone``);
- optionally ``timezone`` (IANA name; default: the community's) and ``place`` (str).

With no function registered (or none returning meetings) :func:`public_meetings` returns ``[]`` and the page leaves
the section out.

Pages are answered per visitor (the join / open-workspace buttons depend on who asks): see
:meth:`community.models.pages.CommunityPage.serve`, which marks answers to signed-in visitors
``Cache-Control: private`` and every answer ``Vary: Cookie``.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count
from wagtail import hooks

from . import permissions
from .models import Community, CommunityDocument, JoinRequest, Membership

PUBLIC_MEETINGS_HOOK = "community_public_meetings"
RECENT_DOCUMENTS = 6
RECENT_MEETINGS = 5


@dataclass(frozen=True)
class RosterEntry:
    """One line of a public roster: ``name`` (full name, or "" when the member gave none), and ``organisation`` and
    ``sector`` (translated label) only when the member consented to show them ("" otherwise)."""

    name: str
    organisation: str
    sector: str


@dataclass(frozen=True)
class PublicMeeting:
    """A public meeting as the community page shows it (see the module docstring for the hook's contract)."""

    title: str
    url: str
    starts_at: datetime.datetime
    timezone: str
    place: str = ""

    @property
    def local_date(self) -> datetime.date:
        """The day the meeting starts, in its own time zone."""
        return self.starts_at.astimezone(ZoneInfo(self.timezone)).date()


def _field(item, name: str, default=None):
    if isinstance(item, dict):
        return item.get(name, default)
    return getattr(item, name, default)


def public_meetings(community: Community, limit: int = RECENT_MEETINGS) -> list[PublicMeeting]:
    """Recent public meetings of ``community`` from every ``community_public_meetings`` hook, most recent first.

    Returns at most ``limit`` meetings, ``[]`` when no hook is registered. Items without a title, URL or start are
    skipped; naive start times are taken as UTC.
    """
    meetings = []
    for function in hooks.get_hooks(PUBLIC_MEETINGS_HOOK):
        for item in function(community, limit) or []:
            title, url, starts_at = _field(item, "title"), _field(item, "url"), _field(item, "starts_at")
            if not (title and url and isinstance(starts_at, datetime.datetime)):
                continue
            if starts_at.tzinfo is None:
                starts_at = starts_at.replace(tzinfo=datetime.UTC)
            meetings.append(
                PublicMeeting(
                    title=str(title),
                    url=str(url),
                    starts_at=starts_at,
                    timezone=_field(item, "timezone") or community.timezone,
                    place=str(_field(item, "place", "") or ""),
                )
            )
    meetings.sort(key=lambda meeting: meeting.starts_at, reverse=True)
    return meetings[:limit]


def public_roster(community: Community) -> list[RosterEntry]:
    """The public roster of ``community``: its own active members who consented to be listed (one query).

    For the RCP only its explicit members are listed (DAG members reach its workspace but are listed on their
    DAG's page). A member whose account has no name yet is left out (an email address is never shown). Sorted by
    last name, then first name.
    """
    memberships = (
        Membership.objects.listed_publicly()
        .filter(community=community)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    return [
        RosterEntry(
            name=membership.user.get_full_name(),
            organisation=membership.organisation if membership.consent_public_organisation else "",
            sector=str(membership.get_sector_display()) if membership.consent_public_sector else "",
        )
        for membership in memberships
        if membership.user.get_full_name()
    ]


@dataclass(frozen=True)
class PublicDocument:
    """A public document as the community page lists it: ``pk`` (for the download URL), ``title``,
    ``description``, ``language`` (label), ``extension`` (upper case, from the file name), ``size_bytes`` and
    ``shared_on`` (aware datetime, UTC)."""

    pk: int
    title: str
    description: str
    language: str
    extension: str
    size_bytes: int
    shared_on: datetime.datetime


def public_documents(community: Community, limit: int = RECENT_DOCUMENTS) -> list[PublicDocument]:
    """The ``limit`` most recent public documents of ``community`` (one query)."""
    documents = CommunityDocument.objects.public().filter(community=community).order_by("-created_at", "-pk")
    return [
        PublicDocument(
            pk=document.pk,
            title=document.title,
            description=document.description,
            language=str(document.get_language_display()),
            extension=document.original_name.rpartition(".")[2].upper() if "." in document.original_name else "",
            size_bytes=document.size_bytes,
            shared_on=document.created_at,
        )
        for document in documents[:limit]
    ]


def public_member_counts(community_ids: list[int]) -> dict[int, int]:
    """How many members each community lists publicly, by community id (one query; missing ids have none)."""
    rows = (
        Membership.objects.listed_publicly()
        .filter(community_id__in=community_ids)
        .order_by()
        .values("community_id")
        .annotate(count=Count("user", distinct=True))
    )
    return {row["community_id"]: row["count"] for row in rows}


def visitor_state(user, community: Community) -> str:
    """What the visitor may do about joining ``community``, for the page's call to action:

    ``"anonymous"`` (offer to sign in), ``"member"`` (open the workspace), ``"pending"`` (a request to join waits
    for a coordinator), ``"can_request"`` (offer to request to join) or ``"closed"`` (the community takes no
    requests). Uses :mod:`community.permissions`.
    """
    if not getattr(user, "is_authenticated", False):
        return "anonymous"
    if permissions.can_view_workspace(user, community):
        return "member"
    if JoinRequest.objects.filter(community=community, user=user, status=JoinRequest.Status.PENDING).exists():
        return "pending"
    if permissions.can_request_to_join(user, community):
        return "can_request"
    return "closed"
