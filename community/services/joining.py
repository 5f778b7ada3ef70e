"""Joining a community (issue 6 item 3): invitations by email and requests to join.

* A coordinator (or staff, in the Wagtail admin) invites an address: :func:`invite`, :func:`revoke_invitation`.
  The invitee accepts with the emailed single-use token (:func:`accept_invitation`), signed in with the invited
  address; a person without an account signs up first and is brought back to the accept page.
* A signed-in person asks to join (:func:`request_to_join`, :func:`withdraw_request`); a coordinator answers
  (:func:`approve_request`, :func:`decline_request`) with a message mailed to the requester in their language.

Rules, errors, locking and logging as described in :mod:`community.services.memberships`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from portal.accounts.canonical import canonical_email
from portal.notifications import notify

from ..models import Community, CommunityInvitation, JoinRequest, MemberRole, Membership, Sector
from ..models.communities import _default_expiry
from .membership_common import (
    LOG_INVITATION_ACCEPTED,
    LOG_INVITATION_REVOKED,
    LOG_INVITED,
    LOG_JOINED,
    LOG_REQUEST_APPROVED,
    LOG_REQUEST_DECLINED,
    LOG_REQUEST_WITHDRAWN,
    LOG_REQUESTED,
    MESSAGE_MAX_LENGTH,
    Status,
    absolute_url,
    active_membership,
    check_role,
    check_sector,
    clean_text,
    locked,
    locked_community,
    require_manager,
    start_membership,
    workspace_url,
)

# --- invitations ---------------------------------------------------------------------------------------------------


def invite(
    community: Community,
    *,
    email: str,
    role: str = MemberRole.MEMBER,
    sector: str = Sector.CIVIL_SOCIETY,
    organisation: str = "",
    position: str = "",
    message: str = "",
    by,
) -> CommunityInvitation:
    """Invite ``email`` to ``community`` with ``role`` and ``sector`` and mail the link to
    ``workspace:invitation_accept``; return the invitation.

    Coordinators of the community and programme staff only. The expiry is
    :data:`~community.models.COMMUNITY_INVITATION_DAYS` days from now (UTC). A pending invitation to the same
    address (compared with :func:`portal.accounts.canonical.canonical_email`, so ``Ana@Example.org`` and
    ``ana@example.org`` are one person) is refreshed in place (new role, sector, texts and expiry, same token) and
    mailed again instead of duplicated. The mail is written in the inviter's active language (the invitee's is
    unknown). ``organisation`` and ``position`` (at most 200 characters) and ``message`` (plain text, at most
    2,000) are stripped.

    Raises ``PermissionDenied`` for anyone else; ``ValidationError`` for an invalid address (``invalid_email``),
    role or sector, text that is too long, or an address that already belongs to an active member
    (``already_member``).
    """
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError(_("Enter a valid email address."), code="invalid_email") from exc
    check_role(role)
    check_sector(sector)
    fields = {
        "role": role,
        "sector": sector,
        "organisation": clean_text(organisation),
        "position": clean_text(position),
        "message": clean_text(message, max_length=MESSAGE_MAX_LENGTH),
    }
    key = canonical_email(email)
    with transaction.atomic():
        community = locked_community(community.pk)
        require_manager(by, community)
        if Membership.objects.active().filter(community=community, user__email_canonical=key).exists():
            raise ValidationError(_("This person is already a member of the community."), code="already_member")
        invitation = next(
            (inv for inv in community.invitations.pending().select_for_update() if canonical_email(inv.email) == key),
            None,
        )
        if invitation is None:
            invitation = CommunityInvitation.objects.create(community=community, email=email, invited_by=by, **fields)
        else:
            for name, value in fields.items():
                setattr(invitation, name, value)
            invitation.email = email
            invitation.invited_by = by
            invitation.expires_at = _default_expiry()
            invitation.save(update_fields=[*fields, "email", "invited_by", "expires_at"])
        log(instance=invitation, action=LOG_INVITED, user=by, data={"email": email, "role": role})
        _send_invitation(invitation, community, by)
    return invitation


def _send_invitation(invitation: CommunityInvitation, community: Community, inviter) -> None:
    notify(
        invitation.email,
        "community_invitation",
        {
            "community_name": community.name,
            "role": invitation.get_role_display(),
            "inviter_name": inviter.get_full_name() or inviter.email,
            "personal_message": invitation.message,
            "accept_url": absolute_url("workspace:invitation_accept", invitation.token),
            "expires_at": invitation.expires_at,
        },
        language=translation.get_language() or settings.LANGUAGE_CODE,
        dedupe_key=f"community-invitation-{invitation.pk}-{invitation.expires_at.isoformat()}",
    )


def revoke_invitation(invitation: CommunityInvitation, *, by) -> CommunityInvitation:
    """Withdraw a pending invitation (coordinators of its community, staff); revoking twice is harmless.

    Raises ``PermissionDenied`` for anyone else and ``ValidationError`` (``used``) when it was already accepted.
    """
    with transaction.atomic():
        community = locked_community(invitation.community_id)
        require_manager(by, community)
        invitation = locked(CommunityInvitation, invitation.pk)
        if invitation.accepted_at is not None:
            raise ValidationError(_("This invitation has already been accepted."), code="used")
        if invitation.revoked_at is None:
            invitation.revoked_at = timezone.now()
            invitation.save(update_fields=["revoked_at"])
            log(instance=invitation, action=LOG_INVITATION_REVOKED, user=by)
    return invitation


def check_invitation(invitation: CommunityInvitation, user) -> None:
    """Raise ``ValidationError`` when ``user`` cannot accept ``invitation`` now; return ``None`` when they can.

    Codes: ``used`` (accepted by another account), ``revoked``, ``expired`` (``expires_at`` now or past, UTC),
    ``wrong_account`` (the signed-in account's address is not the invited one, compared canonically). An
    invitation already accepted by ``user`` passes: accepting again is idempotent.
    """
    if invitation.accepted_at is not None:
        if invitation.accepted_by_id == getattr(user, "pk", None):
            return
        raise ValidationError(_("This invitation has already been used."), code="used")
    if invitation.revoked_at is not None:
        raise ValidationError(
            _("This invitation has been withdrawn. Ask a coordinator of the community to invite you again."),
            code="revoked",
        )
    if invitation.expires_at <= timezone.now():
        raise ValidationError(
            _("This invitation has expired. Ask a coordinator of the community to invite you again."),
            code="expired",
        )
    if getattr(user, "is_authenticated", False) and canonical_email(user.email or "") != canonical_email(
        invitation.email
    ):
        raise ValidationError(
            _(
                "This invitation was sent to another email address. Sign in with the account that uses the "
                "invited address, or ask a coordinator to invite the address of this account."
            ),
            code="wrong_account",
        )


def accept_invitation(token: str, *, user) -> Membership:
    """Accept the invitation with ``token`` as the signed-in ``user``; return their active membership.

    A person without an account signs up first (with the invited address; the accept page keeps the token through
    sign-up as ``?next=``), so accepting links the account that has the invited address, new or existing. Single
    use: the community and the invitation rows are locked, the invitation is checked (:func:`check_invitation`)
    and marked accepted, and a membership with the invitation's role, sector, organisation and position starts
    today. A user who is already an active member keeps their membership (the invitation is marked used). A
    pending request to join from the same user is closed as approved. Accepting again as the same user returns the
    membership without changing anything.

    Raises ``PermissionDenied`` for an anonymous user, ``CommunityInvitation.DoesNotExist`` for an unknown token
    and ``ValidationError`` when the invitation cannot be used by this account.
    """
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    community_id = CommunityInvitation.objects.values_list("community_id", flat=True).get(token=token)
    with transaction.atomic():
        community = locked_community(community_id)
        invitation = CommunityInvitation.objects.select_for_update().get(token=token)
        check_invitation(invitation, user)
        membership = active_membership(community, user.pk, lock=True)
        if invitation.accepted_at is not None:  # accepted by this user before (a second tab, a double click)
            if membership is not None:
                return membership
            raise ValidationError(_("This invitation has already been used."), code="used")
        if membership is None:
            membership = start_membership(
                community,
                user,
                role=invitation.role,
                sector=invitation.sector,
                organisation=invitation.organisation,
                position=invitation.position,
            )
            log(instance=membership, action=LOG_JOINED, user=user, data={"via": "invitation"})
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        log(instance=invitation, action=LOG_INVITATION_ACCEPTED, user=user)
        JoinRequest.objects.filter(community=community, user=user, status=Status.PENDING).update(
            status=Status.APPROVED, decided_at=timezone.now(), decided_by=invitation.invited_by
        )
    return membership


# --- requests to join ----------------------------------------------------------------------------------------------


def _is_member_now(user, community: Community) -> bool:
    """Membership read from the database (not the per-request cache of :mod:`community.permissions`)."""
    return community.pk in Membership.objects.community_ids_for(user)


def request_to_join(
    community: Community,
    *,
    user,
    sector: str = Sector.CIVIL_SOCIETY,
    organisation: str = "",
    position: str = "",
    motivation: str = "",
) -> JoinRequest:
    """Ask to join ``community`` as the signed-in ``user``; the community's coordinators get a mail.

    ``motivation`` is plain text (at most 2,000 characters). Raises ``PermissionDenied`` for an anonymous user and
    ``ValidationError`` when the community does not take requests (``closed``), the user can already enter its
    workspace (``already_member``; a DAG member is a member of the RCP) or already has a pending request
    (``pending``).
    """
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    check_sector(sector)
    fields = {
        "sector": sector,
        "organisation": clean_text(organisation),
        "position": clean_text(position),
        "motivation": clean_text(motivation, max_length=MESSAGE_MAX_LENGTH),
    }
    with transaction.atomic():
        community = locked_community(community.pk)
        if not community.accepts_join_requests:
            raise ValidationError(
                _("This community does not take requests to join. Ask one of its coordinators for an invitation."),
                code="closed",
            )
        if _is_member_now(user, community):
            raise ValidationError(_("You are already a member of this community."), code="already_member")
        if JoinRequest.objects.filter(community=community, user=user, status=Status.PENDING).exists():
            raise ValidationError(
                _("You have already asked to join. A coordinator will answer your request."), code="pending"
            )
        join_request = JoinRequest.objects.create(community=community, user=user, **fields)
        log(instance=join_request, action=LOG_REQUESTED, user=user)
        coordinators = [
            m.user
            for m in Membership.objects.active()
            .filter(community=community, role=MemberRole.COORDINATOR)
            .select_related("user")
        ]
        if coordinators:
            notify(
                coordinators,
                "community_join_request",
                {
                    "community_name": community.name,
                    "requester_name": user.get_full_name() or user.email,
                    "join_request": join_request,
                    "manage_url": absolute_url("workspace:manage", community.slug),
                },
                dedupe_key=f"community-join-request-{join_request.pk}-received",
            )
    return join_request


def withdraw_request(join_request: JoinRequest, *, by) -> JoinRequest:
    """The requester withdraws their pending request. Raises ``PermissionDenied`` for anyone else and
    ``ValidationError`` (``decided``) once it has been answered."""
    with transaction.atomic():
        locked_community(join_request.community_id)
        join_request = locked(JoinRequest, join_request.pk)
        if not getattr(by, "is_authenticated", False) or join_request.user_id != by.pk:
            raise PermissionDenied
        if join_request.status != Status.PENDING:
            raise ValidationError(_("This request has already been answered."), code="decided")
        join_request.status = Status.WITHDRAWN
        join_request.decided_at = timezone.now()
        join_request.save(update_fields=["status", "decided_at"])
        log(instance=join_request, action=LOG_REQUEST_WITHDRAWN, user=by)
    return join_request


def _decide(join_request: JoinRequest, status: str, by, response: str):
    """Lock, check and record the decision on ``join_request``; return ``(community, request)``."""
    response = clean_text(response, max_length=MESSAGE_MAX_LENGTH)
    community = locked_community(join_request.community_id)
    require_manager(by, community)
    join_request = locked(JoinRequest, join_request.pk)
    if join_request.status != Status.PENDING:
        raise ValidationError(_("This request has already been answered."), code="decided")
    join_request.status = status
    join_request.decided_at = timezone.now()
    join_request.decided_by = by
    join_request.response = response
    join_request.save(update_fields=["status", "decided_at", "decided_by", "response"])
    return community, join_request


def _mail_decision(join_request: JoinRequest, community: Community) -> None:
    # notify() writes to a User in their preferred_language (the language they used the portal in).
    notify(
        join_request.user,
        "community_join_decision",
        {
            "community_name": community.name,
            "approved": join_request.status == Status.APPROVED,
            "response": join_request.response,
            "workspace_url": workspace_url(community),
            "join_url": absolute_url("workspace:join", community.slug),
        },
        dedupe_key=f"community-join-request-{join_request.pk}-{join_request.status}",
    )


def approve_request(join_request: JoinRequest, *, by, response: str = "") -> Membership:
    """Approve a pending request (coordinators of its community, staff): a membership as ``member`` with the
    request's sector, organisation and position starts today, and the requester is mailed the decision with
    ``response`` (plain text, at most 2,000 characters) in their language. If the requester has become a member in
    the meantime, their membership is kept. Raises ``PermissionDenied`` and ``ValidationError`` (``decided``)."""
    with transaction.atomic():
        community, join_request = _decide(join_request, Status.APPROVED, by, response)
        membership = active_membership(community, join_request.user_id, lock=True)
        if membership is None:
            membership = start_membership(
                community,
                join_request.user,
                role=MemberRole.MEMBER,
                sector=join_request.sector,
                organisation=join_request.organisation,
                position=join_request.position,
            )
            log(instance=membership, action=LOG_JOINED, user=by, data={"via": "request"})
        log(instance=join_request, action=LOG_REQUEST_APPROVED, user=by)
        _mail_decision(join_request, community)
    return membership


def decline_request(join_request: JoinRequest, *, by, response: str = "") -> JoinRequest:
    """Decline a pending request (coordinators, staff) and mail the requester ``response`` in their language.
    The person may ask again later. Raises ``PermissionDenied`` and ``ValidationError`` (``decided``)."""
    with transaction.atomic():
        community, join_request = _decide(join_request, Status.DECLINED, by, response)
        log(instance=join_request, action=LOG_REQUEST_DECLINED, user=by)
        _mail_decision(join_request, community)
    return join_request
