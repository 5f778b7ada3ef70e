"""Models of the community app: organisations (CSOs), communities (RCP and DAGs) and their workspaces.

One module per concern; everything is importable from ``community.models``.
"""

from .communities import (
    COMMUNITY_INVITATION_DAYS,
    Community,
    CommunityInvitation,
    CommunityKind,
    Expertise,
    ExpertiseArea,
    JoinRequest,
    MemberRole,
    Membership,
    Sector,
)
from .consultations import (
    Ballot,
    BallotChoice,
    CommunityDecision,
    Consultation,
    ConsultationComment,
    ConsultationOption,
)
from .exchanges import BilateralExchange, ExchangeParticipant
from .notifications import DigestRun, Frequency, Notification, NotificationPreference
from .organisations import (
    ORGANISATION_INVITATION_DAYS,
    PROFILE_FIELDS,
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
    OrganisationType,
)
from .pages import CommunityIndexPage, CommunityPage
from .workspace import (
    Announcement,
    CommunityDocument,
    Post,
    PostFlag,
    Thread,
    Visibility,
    document_language_choices,
)

__all__ = [
    "COMMUNITY_INVITATION_DAYS",
    "ORGANISATION_INVITATION_DAYS",
    "PROFILE_FIELDS",
    "Announcement",
    "Ballot",
    "BallotChoice",
    "BilateralExchange",
    "Community",
    "CommunityDecision",
    "CommunityDocument",
    "CommunityIndexPage",
    "CommunityInvitation",
    "CommunityKind",
    "CommunityPage",
    "Consultation",
    "ConsultationComment",
    "ConsultationOption",
    "DigestRun",
    "ExchangeParticipant",
    "Expertise",
    "ExpertiseArea",
    "Frequency",
    "JoinRequest",
    "MemberRole",
    "Membership",
    "Notification",
    "NotificationPreference",
    "Organisation",
    "OrganisationInvitation",
    "OrganisationMembership",
    "OrganisationType",
    "Post",
    "PostFlag",
    "Sector",
    "Thread",
    "Visibility",
    "document_language_choices",
]
