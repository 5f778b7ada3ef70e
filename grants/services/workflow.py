"""Apply the application workflow (:data:`grants.workflow.TRANSITIONS`): the one way an application's status changes.

:func:`transition` is the public entry point (it locks the row itself). Services that do more in the same step
(``submit_application`` assigns the reference and mails a receipt) lock the row, do their own checks and call
:func:`apply_transition` inside their transaction.

Errors: :class:`TransitionNotAllowed` (no such transition from the current status),
:class:`ApplicationPermissionError` (the user has none of the transition's roles), :class:`ApplicationError`
(a guard refused, or a required comment is missing; ``code`` is ``"guard"`` or ``"comment_required"``).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.permissions import is_organisation_member
from grants.models import ActivityLog, Application, ApplicationStatus
from grants.permissions import has_accepted_assignment
from grants.services.common import lock_application
from grants.services.errors import ApplicationError, ApplicationPermissionError, TransitionNotAllowed
from grants.workflow import APPLICANT, REVIEWER, STAFF, TRANSITIONS, Transition
from portal.sanitize import clean_plain_text

#: Longest comment kept in the activity log (characters); longer text is cut.
MAX_COMMENT_LENGTH = 5000


def user_roles(user, application: Application) -> frozenset[str]:
    """The workflow roles ``user`` holds on ``application``: ``"staff"`` (``is_staff``), ``"applicant"`` (member of
    the lead applicant organisation) and ``"reviewer"`` (a reviewer whose assignment to it is accepted, see
    :func:`grants.permissions.has_accepted_assignment`); empty for anonymous or inactive users."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    roles = set()
    if user.is_staff:
        roles.add(STAFF)
    if is_organisation_member(user, application.organisation_id):
        roles.add(APPLICANT)
    if has_accepted_assignment(user, application):
        roles.add(REVIEWER)
    return frozenset(roles)


def _label(status: str) -> str:
    try:
        return str(ApplicationStatus(status).label)
    except ValueError:
        return status


def _permission_error() -> ApplicationPermissionError:
    return ApplicationPermissionError(_("You may not make this change to the application."), code="forbidden")


def apply_transition(
    application: Application,
    to_status: str,
    *,
    user,
    comment: str = "",
    now: datetime.datetime | None = None,
    update_fields: tuple[str, ...] = (),
) -> Application:
    """Move the already locked ``application`` to ``to_status`` for ``user`` (call inside ``transaction.atomic``).

    Looks up ``(application.status, to_status)`` in :data:`TRANSITIONS` (else :class:`TransitionNotAllowed`),
    checks ``user`` holds one of its roles (else :class:`ApplicationPermissionError`), that a required comment is
    given and the guard allows it at ``now`` (default: the server's clock, UTC) (else :class:`ApplicationError`);
    then sets the status, saves it with ``update_fields`` (other fields the caller changed on the instance) and
    logs an :class:`ActivityLog` (action = the transition's name, from, to, comment, actor). Nothing is
    written when anything is refused. Does not handle replays: see :func:`transition`.
    """
    now = now if now is not None else timezone.now()
    current = application.status
    step: Transition | None = TRANSITIONS.get((current, to_status))
    if step is None:
        raise TransitionNotAllowed(
            _("An application that is “%(current)s” cannot be moved to “%(target)s”.")
            % {"current": _label(current), "target": _label(to_status)},
            code="transition",
        )
    if not step.roles & user_roles(user, application):
        raise _permission_error()
    comment = clean_plain_text(comment or "")[:MAX_COMMENT_LENGTH].strip()
    if step.comment_required and not comment:
        raise ApplicationError(_("Give a reason: the applicant will be told why."), code="comment_required")
    refusal = step.guard(application, user, now)
    if refusal:
        raise ApplicationError(refusal, code="guard")
    application.status = to_status
    application.save(update_fields=list(dict.fromkeys(["status", *update_fields, "updated_at"])))
    ActivityLog.objects.create(
        application=application,
        actor=user,
        action=step.name,
        from_status=current,
        to_status=to_status,
        comment=comment,
    )
    return application


def transition(
    application_id: int, to_status: str, *, user, comment: str = "", now: datetime.datetime | None = None
) -> Application:
    """Move application ``application_id`` to ``to_status`` for ``user``; return the application.

    Locks the row (``select_for_update``) and applies :func:`apply_transition` in one transaction. Replaying a
    change (the application is already in ``to_status``) returns it unchanged with no second log entry, provided
    ``user`` holds a role that may move an application into ``to_status`` (else
    :class:`ApplicationPermissionError`). ``comment`` is plain text (cut at :data:`MAX_COMMENT_LENGTH`).
    An unknown id is an :class:`ApplicationError` (``code="not_found"``).

    A transition with ``via`` (draft → submitted, submitted → withdrawn) is handed to that service
    (``submit_application``, or ``withdraw_application`` with ``comment`` as the reason), which adds its own checks
    (completeness, :class:`~grants.services.submission.SubmissionError`), reference number and mail.
    """
    from grants.services import submission

    with transaction.atomic():
        application = lock_application(application_id)
        if application.status == to_status:
            may = frozenset().union(*(t.roles for (_f, target), t in TRANSITIONS.items() if target == to_status))
            if not may & user_roles(user, application):
                raise _permission_error()
            return application
        step = TRANSITIONS.get((application.status, to_status))
        if step is not None and step.via and step.roles & user_roles(user, application):
            if step.via == "withdraw_application":
                return submission.withdraw_application(application_id, user=user, reason=comment, now=now)
            return getattr(submission, step.via)(application_id, user=user, now=now)
        return apply_transition(application, to_status, user=user, comment=comment, now=now)
