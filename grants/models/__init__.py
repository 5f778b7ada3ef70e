"""Models of the sub-granting app: calls and their rules, public call pages, applications, screening,
review assignments and conflict-of-interest declarations."""

from .applications import (
    PROPOSAL_FIELDS,
    Application,
    ApplicationActivity,
    ApplicationPartner,
    ApplicationQuerySet,
    ApplicationStatus,
    Attachment,
    BudgetCategory,
    BudgetLine,
    ReferenceSequence,
)
from .calls import Call, CallQuerySet, CallRulesVersion, EvaluationCriterion, Lot, RequiredDocument
from .pages import CallIndexPage, CallPage
from .reviews import (
    CURRENT_ASSIGNMENT_STATUSES,
    ConflictOfInterestDeclaration,
    ReviewAssignment,
    ReviewAssignmentQuerySet,
    ReviewAssignmentStatus,
)
from .screening import EligibilityCheck, EligibilityCheckItem, ScreeningOutcome

__all__ = [
    "CURRENT_ASSIGNMENT_STATUSES",
    "PROPOSAL_FIELDS",
    "Application",
    "ApplicationActivity",
    "ApplicationPartner",
    "ApplicationQuerySet",
    "ApplicationStatus",
    "Attachment",
    "BudgetCategory",
    "BudgetLine",
    "Call",
    "CallIndexPage",
    "CallPage",
    "CallQuerySet",
    "CallRulesVersion",
    "EligibilityCheck",
    "EligibilityCheckItem",
    "ConflictOfInterestDeclaration",
    "EvaluationCriterion",
    "Lot",
    "ReferenceSequence",
    "RequiredDocument",
    "ScreeningOutcome",
    "ReviewAssignment",
    "ReviewAssignmentQuerySet",
    "ReviewAssignmentStatus",
]
