"""Who may do what with calls and applications: ``can_<verb>(user, obj) -> bool``.

Views, templates (``{% load grants_tags %}``), downloads, exports and the admin call these; nothing filters for
access on its own. Row-level visibility is :meth:`grants.models.ApplicationQuerySet.visible_to`.
"""

from community.permissions import is_organisation_member
from portal.accounts.roles import is_reviewer

from .models import (
    Application,
    ApplicationStatus,
    Attachment,
    Call,
    Clarification,
    ReviewAssignment,
    ReviewAssignmentStatus,
)


def has_accepted_assignment(user, application: Application) -> bool:
    """True when ``user`` is a reviewer assigned to ``application`` who declared no conflict of interest. One query."""
    if not user.is_authenticated:
        return False
    return ReviewAssignment.objects.accepted_for(user).filter(application_id=application.pk).exists()


def can_view_application(user, application: Application) -> bool:
    """Staff; members (any role) of the lead applicant organisation; reviewers assigned to it who declared no
    conflict of interest (issue 4: "a reviewer sees only assigned applications"). Same rule as
    :meth:`~grants.models.ApplicationQuerySet.visible_to`."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return is_organisation_member(user, application.organisation_id) or has_accepted_assignment(user, application)


def can_open_for_review(user, application: Application) -> bool:
    """A reviewer whose assignment to ``application`` is accepted (they declared no conflict of interest).

    False before the declaration, after declaring a conflict, once removed, and for everyone else (staff too: staff
    read applications, they do not review them)."""
    return has_accepted_assignment(user, application)


def can_declare_conflict(user, assignment: ReviewAssignment) -> bool:
    """The assignment's own reviewer, still in the reviewers group, while it waits for the declaration."""
    return (
        user.is_authenticated
        and assignment.reviewer_id == user.pk
        and assignment.status == ReviewAssignmentStatus.PENDING_DECLARATION
        and is_reviewer(user)
    )


def can_assign_reviewers(user, call: Call) -> bool:
    """Programme staff only (``is_staff``)."""
    return user.is_authenticated and user.is_active and user.is_staff


def can_edit_application(user, application: Application) -> bool:
    """Members of the lead applicant organisation, while the application is a draft and the call is open.

    Staff read applications but never edit an applicant's text.
    """
    return (
        user.is_authenticated
        and application.status == ApplicationStatus.DRAFT
        and is_organisation_member(user, application.organisation_id)
        and application.call.is_open()
    )


def can_submit_application(user, application: Application) -> bool:
    """Same as :func:`can_edit_application`; completeness and deadline are checked by the submission service."""
    return can_edit_application(user, application)


def can_withdraw_application(user, application: Application) -> bool:
    """Members of the lead applicant organisation, for a submitted application, before the call's deadline."""
    return (
        user.is_authenticated
        and application.status == ApplicationStatus.SUBMITTED
        and is_organisation_member(user, application.organisation_id)
        and application.call.is_open()
    )


def can_view_attachment(user, attachment: Attachment) -> bool:
    """Whoever may view the application the attachment belongs to."""
    return can_view_application(user, attachment.application)


def can_apply_to_call(user, call: Call) -> bool:
    """A signed-in user who belongs to at least one organisation, while the call is open."""
    return user.is_authenticated and call.is_open() and user.organisation_roles.exists()


def can_view_call_reports(user, call: Call) -> bool:
    """Staff who may read applications (``is_staff`` and ``grants.view_application``): a call's dashboard,
    integrity checks and staff exports (issue 4, items 7 to 9). Reviewers and applicants never."""
    return user.is_authenticated and user.is_active and user.is_staff and user.has_perm("grants.view_application")


def is_active_staff(user) -> bool:
    """A signed-in, active user with ``is_staff``."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


def can_record_decision(user, application: Application) -> bool:
    """Programme staff only (the status rules are the decisions service's: :mod:`grants.services.decisions`)."""
    return is_active_staff(user)


#: Statuses in which staff may not ask the applicant a question: not submitted yet, or withdrawn.
NO_CLARIFICATION_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN)
#: Statuses in which the applicant has been told a decision (award, reserve list, reject).
DECIDED_STATUSES = (ApplicationStatus.AWARDED, ApplicationStatus.RESERVE, ApplicationStatus.REJECTED)


def can_ask_clarification(user, application: Application) -> bool:
    """Programme staff, about an application that was submitted (any later status but withdrawn)."""
    return is_active_staff(user) and application.status not in NO_CLARIFICATION_STATUSES


def can_answer_clarification(user, clarification: Clarification) -> bool:
    """Members (any role) of the lead applicant organisation, once, while the question is unanswered. Staff and
    reviewers who are not members may not answer."""
    return (
        getattr(user, "is_authenticated", False)
        and user.is_active
        and not clarification.is_answered
        and is_organisation_member(user, clarification.application.organisation_id)
    )


def can_view_decision(user, application: Application) -> bool:
    """Decisions and clarifications on an application: members of the lead applicant organisation and staff.
    Reviewers never see them (they may see the application itself)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or is_organisation_member(user, application.organisation_id)


def can_view_shared_reviews(user, application: Application) -> bool:
    """The applicant's scores and reviewers' comments (never their identities): members of the lead applicant
    organisation, once the application is decided, when its frozen call rules say
    ``share_scores_with_applicants``."""
    rules = application.rules_version.rules if application.rules_version_id else {}
    return (
        getattr(user, "is_authenticated", False)
        and application.status in DECIDED_STATUSES
        and bool(rules.get("share_scores_with_applicants", False))
        and is_organisation_member(user, application.organisation_id)
    )


def can_view_agreement(user, agreement) -> bool:
    """A grant agreement, its budget, tranches, payments, amendments and signed file: active staff, and members
    (any role) of the grantee organisation. Same rule as
    :meth:`grants.models.GrantAgreementQuerySet.visible_to`; anyone else gets a 404."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return user.is_staff or is_organisation_member(user, agreement.organisation_id)


def can_manage_agreements(user) -> bool:
    """Create, send, sign, activate, amend and terminate agreements and record payments: active staff who may read
    applications (``grants.view_application``), as the rest of the grants admin."""
    return is_active_staff(user) and user.has_perm("grants.view_application")


# --- grantee reporting (issue 5) -------------------------------------------------------------------------------------


def can_view_report(user, requirement) -> bool:
    """A :class:`~grants.models.ReportingRequirement` and its report, history and files: active staff, and members
    (any role) of the grantee organisation of its agreement: whoever may view the agreement
    (:func:`can_view_agreement`)."""
    return can_view_agreement(user, requirement.agreement)


def can_edit_report(user, requirement) -> bool:
    """Members of the grantee organisation, while the report is pending or changes were requested and the agreement
    is in force (signed or active). Staff read reports; they never write the grantee's."""
    from .services.report_common import EDITABLE_STATUSES, REPORTING_AGREEMENT_STATUSES

    return (
        getattr(user, "is_authenticated", False)
        and user.is_active
        and requirement.status in EDITABLE_STATUSES
        and requirement.agreement.status in REPORTING_AGREEMENT_STATUSES
        and is_organisation_member(user, requirement.agreement.organisation_id)
    )


def can_review_report(user, requirement=None) -> bool:
    """Programme staff (active, ``is_staff``) who may read applications (``grants.view_application``): the overdue
    list, the review page, approving, asking for changes, adding a report and extending a due date. Whether the
    report's status allows the step is the reporting service's rule."""
    return is_active_staff(user) and user.has_perm("grants.view_application")


def can_view_report_file(user, report_file) -> bool:
    """Whoever may view the report the file belongs to."""
    return can_view_report(user, report_file.report.requirement)
