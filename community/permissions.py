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
