"""Who may do what with organisations: ``can_<verb>(user, obj) -> bool`` (the one place for these rules)."""

from .models import Organisation, OrganisationMembership


def is_organisation_member(user, organisation_id: int) -> bool:
    """True when ``user`` belongs to the organisation with id ``organisation_id`` (any role). One query."""
    if not user.is_authenticated:
        return False
    return OrganisationMembership.objects.filter(user=user, organisation_id=organisation_id).exists()


def is_organisation_admin(user, organisation_id: int) -> bool:
    """True when ``user`` has the ``admin`` role in the organisation with id ``organisation_id``. One query."""
    if not user.is_authenticated:
        return False
    return OrganisationMembership.objects.filter(
        user=user, organisation_id=organisation_id, role=OrganisationMembership.Role.ADMIN
    ).exists()


def can_view_organisation(user, organisation: Organisation) -> bool:
    """Staff and the organisation's members."""
    return user.is_authenticated and (user.is_staff or is_organisation_member(user, organisation.pk))


def can_edit_organisation(user, organisation: Organisation) -> bool:
    """The organisation's admins (staff edit in the Wagtail admin)."""
    return is_organisation_admin(user, organisation.pk)


def can_invite_to_organisation(user, organisation: Organisation) -> bool:
    """The organisation's admins."""
    return is_organisation_admin(user, organisation.pk)


def can_verify_organisation(user, organisation: Organisation) -> bool:
    """Programme staff only."""
    return user.is_authenticated and user.is_staff


# --- Communities (RCP and DAGs) --------------------------------------------------------------------------------
#
# Access comes only from active memberships (``Membership.objects.community_ids_for``): programme staff have no
# workspace access by being staff (they manage communities, memberships and invitations in the Wagtail admin).
# The result is cached on the user object for one request; the next request reads the database again, so removing
# a member ends their access at once (issue 6 item 3).


def community_ids(user) -> set[int]:
    """IDs of the communities whose workspace ``user`` may enter (cached on ``user`` for the request)."""
    from .models import Membership

    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_community_ids_cache", None)
    if cached is None:
        cached = Membership.objects.community_ids_for(user)
        user._community_ids_cache = cached
    return cached


def role_in(user, community) -> str | None:
    """``user``'s role in ``community`` (a ``MemberRole`` value), ``"member"`` for DAG members in the RCP, or None.

    An explicit active membership wins (an RCP coordinator is a coordinator). One query per community, cached on
    ``user`` for the request like :func:`community_ids` (a workspace page asks several times: tabs, header, actions).
    """
    from .models import MemberRole, Membership

    if community.pk not in community_ids(user):
        return None
    roles = user.__dict__.setdefault("_community_roles_cache", {})
    if community.pk not in roles:
        role = Membership.objects.active().filter(user=user, community=community).values_list("role", flat=True).first()
        roles[community.pk] = role or MemberRole.MEMBER
    return roles[community.pk]


def is_member(user, community) -> bool:
    """True when ``user`` may enter ``community``'s workspace (any role)."""
    return community.pk in community_ids(user)


def is_coordinator(user, community) -> bool:
    """True when ``user`` has an active coordinator membership of ``community``."""
    from .models import MemberRole

    return role_in(user, community) == MemberRole.COORDINATOR


def is_rcp_coordinator(user) -> bool:
    """True when ``user`` coordinates the Regional Community of Practice."""
    from .models import MemberRole, Membership

    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.active().filter(user=user, community__kind="rcp", role=MemberRole.COORDINATOR).exists()


def can_view_workspace(user, community) -> bool:
    """Members (any role) of the community; for the RCP also every active DAG member."""
    return is_member(user, community)


def can_take_part(user, community) -> bool:
    """Start threads, reply and comment: every member, observers included."""
    return is_member(user, community)


def can_share_documents(user, community) -> bool:
    """Upload to the library: coordinators and members, not observers."""
    from .models import MemberRole

    return role_in(user, community) in (MemberRole.COORDINATOR, MemberRole.MEMBER)


def can_coordinate(user, community) -> bool:
    """Coordinators: invite, approve requests, remove members, announce, close threads, open consultations,
    record decisions, see flagged posts."""
    return is_coordinator(user, community)


def can_vote(user, consultation) -> bool:
    """Coordinators and members (not observers) of the consultation's community, while it is open."""
    from .models import MemberRole

    if not consultation.is_open():
        return False
    return role_in(user, consultation.community) in (MemberRole.COORDINATOR, MemberRole.MEMBER)


def can_view_results(user, consultation) -> bool:
    """Members of the consultation's community, once it has closed."""
    return consultation.is_closed() and is_member(user, consultation.community)


def can_view_document(user, document) -> bool:
    """Public documents: everyone. Others: members of the document's community, or — for a document of a
    bilateral exchange — whoever may view that exchange."""
    from .models import Visibility

    if document.visibility == Visibility.PUBLIC:
        return True
    if is_member(user, document.community):
        return True
    return document.exchange_id is not None and can_view_exchange(user, document.exchange)


def can_view_exchange(user, exchange) -> bool:
    """Members of the host or the visiting DAG, and the RCP's coordinators."""
    ids = community_ids(user)
    return exchange.host_id in ids or exchange.visiting_id in ids or is_rcp_coordinator(user)


def can_request_to_join(user, community) -> bool:
    """Signed-in people who are not members yet, when the community accepts requests."""
    return (
        getattr(user, "is_authenticated", False) and community.accepts_join_requests and not is_member(user, community)
    )


# --- Membership and joining (issue 6 item 3): managing members, invitations and requests to join ----------------
#
# The workspace's "Manage members" page uses ``can_coordinate`` (staff have no workspace). The services also let
# active programme staff act, because staff manage memberships and invitations in the Wagtail admin (item 9).


def is_active_staff(user) -> bool:
    """True for a signed-in, active account with ``is_staff`` (programme staff)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


def can_manage_members(user, community) -> bool:
    """Invite, revoke invitations, answer requests to join, remove members and change roles in ``community``:
    its coordinators, and programme staff (through the Wagtail admin)."""
    return is_active_staff(user) or is_coordinator(user, community)


def can_edit_own_membership(user, membership) -> bool:
    """Change consent, sector, organisation, position and expertise, or leave: the member, while it is active."""
    return getattr(user, "is_authenticated", False) and membership.user_id == user.pk and membership.is_active()


# --- Consultations, the decision log and bilateral exchanges (issue 6 items 5 and 6) ----------------------------


def can_open_consultation(user, community) -> bool:
    """The community's coordinators."""
    return can_coordinate(user, community)


def can_comment_on_consultation(user, consultation) -> bool:
    """Members of the consultation's community, observers included, until it closes."""
    return not consultation.is_closed() and can_take_part(user, consultation.community)


def can_view_decisions(user, community) -> bool:
    """Every member of the community (read and export the decision log)."""
    return is_member(user, community)


def can_record_decision(user, community) -> bool:
    """The community's coordinators."""
    return can_coordinate(user, community)


def can_arrange_exchange(user, host, visiting) -> bool:
    """Create an exchange between the DAGs ``host`` and ``visiting``: their coordinators, and the RCP's."""
    return is_coordinator(user, host) or is_coordinator(user, visiting) or is_rcp_coordinator(user)


def can_create_exchange_in(user, community) -> bool:
    """Show "arrange an exchange" in ``community``'s workspace: a DAG's coordinators in their DAG, the RCP's
    coordinators in the RCP."""
    return is_coordinator(user, community)


def can_edit_exchange(user, exchange) -> bool:
    """Details, agenda, participants and visit report: coordinators of the host or visiting DAG, and the RCP's."""
    return can_arrange_exchange(user, exchange.host, exchange.visiting)
