"""Models of the sub-granting app: calls and their rules, public call pages, applications, screening."""

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
from .screening import EligibilityCheck, EligibilityCheckItem, ScreeningOutcome

__all__ = [
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
    "EvaluationCriterion",
    "Lot",
    "ReferenceSequence",
    "RequiredDocument",
    "ScreeningOutcome",
]
