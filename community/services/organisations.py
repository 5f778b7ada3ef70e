"""State changes of organisations, their members and invitations (GUIDE §2: views and admin call these).

Every function takes the acting ``user`` as a keyword, checks it with :mod:`community.permissions`, locks what it
changes (``select_for_update``) inside one ``transaction.atomic`` and raises:

* ``django.core.exceptions.PermissionDenied`` when ``user`` may not do it (views turn that into a 404 for
  organisations the user cannot see);
* ``django.core.exceptions.ValidationError`` with a user-facing, translated message when the change is refused by
  a rule (duplicate registration number, last administrator, unusable invitation, wrong account).

Mail goes through :func:`portal.notifications.notify`, which writes outbox rows in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.accounts.canonical import canonical_email
from portal.notifications import notify

from .. import permissions
from ..models import (
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
)
from ..models.organisations import _default_expiry

Role = OrganisationMembership.Role

#: Profile fields a member may set through :func:`create_organisation` / :func:`update_organisation`.
#: ``verified`` and the audit fields (``verified_at``, ``verified_by``, ``created_by``) are never taken from input.
PROFILE_FIELDS = (
    "legal_name",
    "local_name",
    "registration_number",
    "country",
    "year_registered",
    "annual_budget_eur",
    "organisation_type",
    "website",
    "address",
    "contact_name",
    "contact_email",
    "contact_phone",
)


def _duplicate_registration_error() -> ValidationError:
    # Deliberately does not name the organisation's administrators (their addresses are personal data).
    return ValidationError(
        _(
            "An organisation with this registration number is already registered in this country. "
            "Ask one of its administrators to invite you to it."
        ),
        code="duplicate_registration",
    )


def _registration_taken(country, registration_number: str, exclude_pk: int | None = None) -> bool:
    if not registration_number:
        return False
    qs = Organisation.objects.filter(country=country, registration_number=registration_number)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def _apply_profile(organisation: Organisation, data: dict[str, Any]) -> None:
    for name in PROFILE_FIELDS:
        if name in data:
            value = data[name]
            if isinstance(value, str):
                value = value.strip()
            setattr(organisation, name, value)


def _save_checked(organisation: Organisation) -> None:
    """Save, turning the (country, registration number) unique constraint into the user-facing error."""
    if _registration_taken(organisation.country_id, organisation.registration_number, organisation.pk):
        raise _duplicate_registration_error()
    try:
        with transaction.atomic():  # a savepoint: a concurrent duplicate must not break the caller's transaction
            organisation.save()
    except IntegrityError as exc:
        raise _duplicate_registration_error() from exc


def _locked_organisation(org_id: int) -> Organisation:
    try:
        return Organisation.objects.select_for_update().get(pk=org_id)
    except Organisation.DoesNotExist as exc:
        raise PermissionDenied from exc


def create_organisation(*, user, data: dict[str, Any]) -> Organisation:
    """Create an organisation profile from ``data`` and make ``user`` its first administrator.

    ``data`` maps :data:`PROFILE_FIELDS` names to cleaned values (``country`` a ``portal.Country``,
    ``annual_budget_eur`` a ``Decimal`` in EUR, ``year_registered`` an ``int``); other keys are ignored.
    Raises ``PermissionDenied`` for an anonymous user and ``ValidationError`` (code ``duplicate_registration``)
    when an organisation with the same registration number exists in the same country: the message tells the
    user to ask its administrators for an invitation without revealing who they are.
    """
    if not user.is_authenticated:
        raise PermissionDenied
    with transaction.atomic():
        organisation = Organisation(created_by=user)
        _apply_profile(organisation, data)
        _save_checked(organisation)
        OrganisationMembership.objects.create(organisation=organisation, user=user, role=Role.ADMIN)
    return organisation


def update_organisation(org_id: int, *, user, data: dict[str, Any]) -> Organisation:
    """Change the profile of organisation ``org_id`` (its administrators only) from ``data`` (see
    :func:`create_organisation`). ``verified`` is not changed here (see :func:`set_verified`).

    Raises ``PermissionDenied`` when ``user`` is not an administrator of the organisation and
    ``ValidationError`` on a duplicate registration number.
    """
    with transaction.atomic():
        organisation = _locked_organisation(org_id)
        if not permissions.can_edit_organisation(user, organisation):
            raise PermissionDenied
        _apply_profile(organisation, data)
        _save_checked(organisation)
    return organisation


def _member_with_email(organisation: Organisation, key: str) -> bool:
    return organisation.memberships.filter(user__email_canonical=key).exists()


def invite_member(org_id: int, *, user, email: str, role: str = Role.MEMBER) -> OrganisationInvitation:
    """Invite ``email`` to organisation ``org_id`` with ``role`` (``"admin"`` or ``"member"``) and mail the link.

    Administrators only. A pending invitation to the same address (compared with
    :func:`portal.accounts.canonical.canonical_email`) is refreshed in place: new role, new expiry
    (``ORGANISATION_INVITATION_DAYS`` from now, UTC), same token, and the mail is sent again. Raises
    ``PermissionDenied`` for non-administrators and ``ValidationError`` when the address already belongs to a
    member or the role is unknown.
    """
    email = (email or "").strip()
    if role not in Role.values:
        raise ValidationError(_("Choose a valid role."), code="invalid_role")
    key = canonical_email(email)
    with transaction.atomic():
        organisation = _locked_organisation(org_id)  # serialises invitations per organisation
        if not permissions.can_invite_to_organisation(user, organisation):
            raise PermissionDenied
        if _member_with_email(organisation, key):
            raise ValidationError(_("This person is already a member of the organisation."), code="already_member")
        invitation = next(
            (inv for inv in organisation.invitations.pending() if canonical_email(inv.email) == key),
            None,
        )
        if invitation is None:
            invitation = OrganisationInvitation.objects.create(
                organisation=organisation, email=email, role=role, invited_by=user
            )
        else:
            invitation.role = role
            invitation.email = email
            invitation.invited_by = user
            invitation.expires_at = _default_expiry()
            invitation.save(update_fields=["role", "email", "invited_by", "expires_at"])
        _send_invitation(invitation, organisation, user)
    return invitation


def _send_invitation(invitation: OrganisationInvitation, organisation: Organisation, inviter) -> None:
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    # The invitee's language is unknown: write in the inviter's current language, with a link in that language.
    notify(
        invitation.email,
        "organisation_invitation",
        {
            "organisation_name": organisation.legal_name,
            "role": invitation.get_role_display(),
            "inviter_name": inviter.get_full_name() or inviter.email,
            "accept_url": base_url + reverse("community:invitation_accept", args=[invitation.token]),
            "expires_at": invitation.expires_at,
        },
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )


def check_invitation_usable(invitation: OrganisationInvitation, user) -> None:
    """Raise ``ValidationError`` when ``user`` cannot accept ``invitation`` now (used, revoked, expired, other
    address). An invitation already accepted by ``user`` passes (accepting again is idempotent)."""
    if invitation.accepted_at is not None:
        if invitation.accepted_by_id == user.pk:
            return
        raise ValidationError(_("This invitation has already been used."), code="used")
    if invitation.revoked_at is not None:
        raise ValidationError(_("This invitation has been withdrawn."), code="revoked")
    if invitation.expires_at <= timezone.now():
        raise ValidationError(
            _("This invitation has expired. Ask the organisation's administrator to invite you again."),
            code="expired",
        )
    if canonical_email(user.email or "") != canonical_email(invitation.email):
        raise ValidationError(
            _(
                "This invitation was sent to another email address. Sign in with the account that uses the "
                "invited address, or ask the administrator to invite the address of this account."
            ),
            code="wrong_account",
        )


def accept_invitation(token: str, *, user) -> OrganisationMembership:
    """Accept the invitation with ``token`` as the signed-in ``user``; return their membership.

    Single use: the invitation row is locked, checked (:func:`check_invitation_usable`) and marked accepted.
    Accepting again as the same user returns the existing membership. A user who is already a member keeps their
    membership; an ``admin`` invitation raises them to administrator. Raises ``PermissionDenied`` for an
    anonymous user, ``OrganisationInvitation.DoesNotExist`` for an unknown token and ``ValidationError`` when
    the invitation cannot be used by this account.
    """
    if not user.is_authenticated:
        raise PermissionDenied
    with transaction.atomic():
        invitation = OrganisationInvitation.objects.select_for_update().get(token=token)
        check_invitation_usable(invitation, user)
        membership, created = OrganisationMembership.objects.get_or_create(
            organisation_id=invitation.organisation_id, user=user, defaults={"role": invitation.role}
        )
        if invitation.accepted_at is None:
            if not created and invitation.role == Role.ADMIN and membership.role != Role.ADMIN:
                membership.role = Role.ADMIN
                membership.save(update_fields=["role"])
            invitation.accepted_at = timezone.now()
            invitation.accepted_by = user
            invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def revoke_invitation(invitation_id: int, *, user) -> OrganisationInvitation:
    """Withdraw a pending invitation (administrators of its organisation). Revoking twice is harmless.

    Raises ``PermissionDenied`` for others and ``ValidationError`` when the invitation was already accepted.
    """
    with transaction.atomic():
        try:
            invitation = OrganisationInvitation.objects.select_for_update().get(pk=invitation_id)
        except OrganisationInvitation.DoesNotExist as exc:
            raise PermissionDenied from exc
        if not permissions.is_organisation_admin(user, invitation.organisation_id):
            raise PermissionDenied
        if invitation.accepted_at is not None:
            raise ValidationError(_("This invitation has already been accepted."), code="used")
        if invitation.revoked_at is None:
            invitation.revoked_at = timezone.now()
            invitation.save(update_fields=["revoked_at"])
    return invitation


def _admin_count(organisation: Organisation) -> int:
    return organisation.memberships.filter(role=Role.ADMIN).count()


def _remove_membership(organisation: Organisation, membership: OrganisationMembership) -> None:
    if membership.role == Role.ADMIN and _admin_count(organisation) <= 1:
        raise ValidationError(
            _("An organisation needs at least one administrator. Make another member an administrator first."),
            code="last_admin",
        )
    membership.delete()


def remove_member(org_id: int, member_user_id: int, *, user) -> None:
    """Remove the user ``member_user_id`` from organisation ``org_id`` (administrators only).

    The organisation always keeps at least one administrator: removing the last one raises ``ValidationError``
    (code ``last_admin``). Raises ``PermissionDenied`` for non-administrators and ``ValidationError`` (code
    ``not_member``) when that user is not a member.
    """
    with transaction.atomic():
        organisation = _locked_organisation(org_id)  # serialises the last-administrator check
        if not permissions.is_organisation_admin(user, organisation.pk):
            raise PermissionDenied
        membership = organisation.memberships.filter(user_id=member_user_id).first()
        if membership is None:
            raise ValidationError(_("This person is not a member of the organisation."), code="not_member")
        _remove_membership(organisation, membership)


def leave_organisation(org_id: int, *, user) -> None:
    """Remove ``user``'s own membership of organisation ``org_id``.

    The last administrator cannot leave (``ValidationError``, code ``last_admin``); ``PermissionDenied`` when
    ``user`` is not a member.
    """
    with transaction.atomic():
        organisation = _locked_organisation(org_id)
        if not user.is_authenticated:
            raise PermissionDenied
        membership = organisation.memberships.filter(user=user).first()
        if membership is None:
            raise PermissionDenied
        _remove_membership(organisation, membership)


def set_member_role(org_id: int, member_user_id: int, *, user, role: str) -> OrganisationMembership:
    """Give member ``member_user_id`` of organisation ``org_id`` the ``role`` (administrators only).

    Demoting the last administrator raises ``ValidationError`` (code ``last_admin``).
    """
    if role not in Role.values:
        raise ValidationError(_("Choose a valid role."), code="invalid_role")
    with transaction.atomic():
        organisation = _locked_organisation(org_id)
        if not permissions.is_organisation_admin(user, organisation.pk):
            raise PermissionDenied
        membership = organisation.memberships.filter(user_id=member_user_id).first()
        if membership is None:
            raise ValidationError(_("This person is not a member of the organisation."), code="not_member")
        if membership.role == Role.ADMIN and role != Role.ADMIN and _admin_count(organisation) <= 1:
            raise ValidationError(
                _("An organisation needs at least one administrator. Make another member an administrator first."),
                code="last_admin",
            )
        if membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
    return membership


def set_verified(org_id: int, *, user, verified: bool) -> Organisation:
    """Mark organisation ``org_id`` verified (or not) after staff checked its registration; staff only.

    Records ``verified_at`` (now, UTC) and ``verified_by`` when it becomes verified and clears both when it is
    un-verified; setting the current value again changes nothing. Raises ``PermissionDenied`` for non-staff.
    """
    with transaction.atomic():
        organisation = _locked_organisation(org_id)
        if not permissions.can_verify_organisation(user, organisation):
            raise PermissionDenied
        verified = bool(verified)
        if organisation.verified != verified:
            organisation.verified = verified
            organisation.verified_at = timezone.now() if verified else None
            organisation.verified_by = user if verified else None
            organisation.save(update_fields=["verified", "verified_at", "verified_by"])
    return organisation
