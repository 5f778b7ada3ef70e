"""Models of the sub-granting app: calls and their rules, public call pages, applications, screening,
review assignments and conflict-of-interest declarations, reviews and scores, decisions and clarifications."""

from .applications import (
    PROPOSAL_FIELDS,
    ActivityLog,
    Application,
    ApplicationPartner,
    ApplicationQuerySet,
    ApplicationStatus,
    Attachment,
    BudgetLine,
    ReferenceSequence,
)
from .calls import (
    BudgetCategory,
    Call,
    CallQuerySet,
    CallRulesVersion,
    EvaluationCriterion,
    Lot,
    ReferenceUnitCost,
    RequiredDocument,
)
from .decisions import Clarification, Decision, DecisionOutcome
from .pages import CallIndexPage, CallPage
from .reviews import (
    CURRENT_ASSIGNMENT_STATUSES,
    ConflictOfInterestDeclaration,
    ReviewAssignment,
    ReviewAssignmentQuerySet,
    ReviewAssignmentStatus,
)
from .scoring import CriterionScore, Recommendation, Review, ReviewQuerySet, ReviewStatus
from .screening import EligibilityCheck, EligibilityCheckItem, ScreeningOutcome

__all__ = [
    "Clarification",
    "CriterionScore",
    "Decision",
    "DecisionOutcome",
    "Recommendation",
    "ReferenceUnitCost",
    "Review",
    "ReviewQuerySet",
    "ReviewStatus",
    "CURRENT_ASSIGNMENT_STATUSES",
    "PROPOSAL_FIELDS",
    "Application",
    "ActivityLog",
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
