"""Views of the community app, one module per concern; the organisation views are re-exported for the URLconf."""

from .organisations import (
    invitation_accept,
    invitation_revoke,
    member_remove,
    member_role,
    organisation_create,
    organisation_detail,
    organisation_edit,
    organisation_invite,
    organisation_leave,
    organisation_list,
)

__all__ = [
    "invitation_accept",
    "invitation_revoke",
    "member_remove",
    "member_role",
    "organisation_create",
    "organisation_detail",
    "organisation_edit",
    "organisation_invite",
    "organisation_leave",
    "organisation_list",
]
