"""State changes of the community app, one module per concern (GUIDE §2: views and the admin call these).

``organisations``: CSO profiles, members and invitations. The communities (RCP and DAGs) have their own modules:
``memberships`` (invitations, requests to join, removal, consent), ``workspace`` (documents, threads, posts,
announcements), ``consultations`` (votes and the decision log) and ``exchanges``.
The organisation services are re-exported here because callers use ``community.services.<name>``.
"""

from .organisations import (
    PROFILE_FIELDS,
    Role,
    accept_invitation,
    check_invitation_usable,
    create_organisation,
    invite_member,
    leave_organisation,
    remove_member,
    revoke_invitation,
    set_member_role,
    set_verified,
    update_organisation,
)

__all__ = [
    "PROFILE_FIELDS",
    "Role",
    "accept_invitation",
    "check_invitation_usable",
    "create_organisation",
    "invite_member",
    "leave_organisation",
    "remove_member",
    "revoke_invitation",
    "set_member_role",
    "set_verified",
    "update_organisation",
]
