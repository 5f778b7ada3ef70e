"""Models of the sub-granting app: calls and their rules, public call pages, applications."""

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
    "EvaluationCriterion",
    "Lot",
    "ReferenceSequence",
    "RequiredDocument",
]
