"""The application workflow as data: one table of allowed status changes, who may make each, and its guard.

:data:`TRANSITIONS` maps ``(from_status, to_status)`` to a :class:`Transition`. A pair that is not in the table
is not allowed, whoever asks. Only :func:`grants.services.workflow.transition` applies the table (it locks the
row, checks the role, runs the guard, sets the status and writes the activity log in one transaction).

Roles: ``"applicant"`` is a member (any role) of the application's lead applicant organisation; ``"staff"`` is a
user with ``is_staff``; ``"reviewer"`` is a reviewer whose assignment to the application is accepted (no conflict
of interest declared). Times are aware UTC; the deadline is ``closes_at`` of the application's
:class:`~grants.models.CallRulesVersion` (the rules published when it was started), on time up to and including
that instant.

==============  ==============  ====================  =========  ==========================================
from            to              name (log action)     role       guard
==============  ==============  ====================  =========  ==========================================
draft           submitted       submitted             applicant  call open: ``opens_at <= now <= closes_at``
                                                                 (completeness is checked by
                                                                 ``submit_application``)
submitted       withdrawn       withdrawn             applicant  before the deadline (``now <= closes_at``)
submitted       eligible        found_eligible        staff      after the deadline (until then the applicant
                                                                 may still withdraw)
submitted       ineligible      found_ineligible      staff      after the deadline; comment (the reason)
eligible        under_review    review_started        staff      — (made when the first reviewer is
                                                                 assigned, ``grants.services.reviews``)
under_review    reviewed        review_completed      staff,     enough reviews: ``reviews_per_application``
                                                      reviewer   submitted and no "spread" flag (made
                                                                 automatically when the last one is
                                                                 submitted, ``grants.services.scoring``)
reviewed        recommended     recommended           staff      —
reviewed        rejected        rejected              staff      comment (the reason)
reviewed        reserve         put_on_reserve        staff      comment (the reason)
recommended     awarded         awarded               staff      comment (the reason)
recommended     reserve         put_on_reserve        staff      comment (the reason)
recommended     rejected        rejected              staff      comment (the reason)
reserve         awarded         awarded               staff      comment (the reason)
reserve         rejected        rejected              staff      comment (the reason)
==============  ==============  ====================  =========  ==========================================

Submitting and withdrawing are made by ``submit_application`` (completeness check, reference number, receipt)
and ``withdraw_application`` (withdrawal mail); both change the status through this table.

Withdrawn, ineligible, awarded and rejected are final: nothing leaves them. Decisions (award, reserve list,
reject) and ineligibility carry a reason because the applicant is told why (issue 4, items 2 and 5).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from grants.formatting import call_country_code, format_in_zone
from grants.models import Application, ApplicationStatus

APPLICANT = "applicant"
STAFF = "staff"
REVIEWER = "reviewer"
#: Every role a transition may name.
ROLES = frozenset({APPLICANT, STAFF, REVIEWER})

#: ``guard(application, user, now) -> refusal message (active language) or None when the change may go ahead``.
Guard = Callable[[Application, object, datetime.datetime], "str | None"]


def no_guard(application: Application, user, now: datetime.datetime) -> str | None:
    """Always allows the change."""
    return None


def _closes_at(application: Application) -> datetime.datetime:
    return datetime.datetime.fromisoformat(application.rules_version.rules["closes_at"])


def _deadline_text(application: Application) -> str:
    rules = application.rules_version.rules
    return format_in_zone(_closes_at(application), rules.get("timezone") or "UTC", call_country_code(application.call))


def call_is_open(application: Application, user, now: datetime.datetime) -> str | None:
    """Refuses unless ``opens_at <= now <= closes_at`` of the application's rules version (UTC)."""
    rules = application.rules_version.rules
    opens_at = datetime.datetime.fromisoformat(rules["opens_at"])
    if now < opens_at:
        zone = rules.get("timezone") or "UTC"
        return _("The call opens on %(opening)s.") % {
            "opening": format_in_zone(opens_at, zone, call_country_code(application.call))
        }
    if now > _closes_at(application):
        return _("The deadline (%(deadline)s) has passed.") % {"deadline": _deadline_text(application)}
    return None


def before_deadline(application: Application, user, now: datetime.datetime) -> str | None:
    """Refuses once ``now`` is past ``closes_at`` of the application's rules version (the deadline is on time)."""
    if now > _closes_at(application):
        return _("The deadline (%(deadline)s) has passed; the application can no longer be withdrawn.") % {
            "deadline": _deadline_text(application)
        }
    return None


def after_deadline(application: Application, user, now: datetime.datetime) -> str | None:
    """Refuses until the deadline has passed: screening must not take away the applicant's right to withdraw."""
    if now <= _closes_at(application):
        return _("Screening starts after the deadline (%(deadline)s); until then the applicant may withdraw.") % {
            "deadline": _deadline_text(application)
        }
    return None


def reviews_complete(application: Application, user, now: datetime.datetime) -> str | None:
    """Refuses until the application has ``reviews_per_application`` submitted reviews and no "spread" flag
    (:func:`grants.services.scoring.reviews_complete`, from the aggregates the scoring service keeps)."""
    from grants.services.scoring import reviews_complete as complete

    return complete(application)


@dataclass(frozen=True)
class Transition:
    """One allowed status change.

    ``name``: the activity log action (a key of :data:`grants.models.ACTIVITY_ACTION_LABELS`); ``roles``: who may
    make it (:data:`ROLES`); ``guard``: see :data:`Guard`; ``comment_required``: a non-blank comment (the reason
    given to the applicant) is needed; ``via``: the name of the service in :mod:`grants.services.submission` that
    makes this change with its own checks, reference and mail (:func:`grants.services.workflow.transition` hands
    the change to it), ``""`` for a plain status change.
    """

    name: str
    roles: frozenset[str]
    guard: Guard = no_guard
    comment_required: bool = False
    via: str = ""


S = ApplicationStatus
_APPLICANT = frozenset({APPLICANT})
_STAFF = frozenset({STAFF})
_STAFF_OR_REVIEWER = frozenset({STAFF, REVIEWER})

#: The workflow: ``(from_status, to_status) -> Transition``. See the module docstring for the same table in prose.
TRANSITIONS: dict[tuple[str, str], Transition] = {
    (S.DRAFT, S.SUBMITTED): Transition("submitted", _APPLICANT, call_is_open, via="submit_application"),
    (S.SUBMITTED, S.WITHDRAWN): Transition("withdrawn", _APPLICANT, before_deadline, via="withdraw_application"),
    (S.SUBMITTED, S.ELIGIBLE): Transition("found_eligible", _STAFF, after_deadline),
    (S.SUBMITTED, S.INELIGIBLE): Transition("found_ineligible", _STAFF, after_deadline, comment_required=True),
    (S.ELIGIBLE, S.UNDER_REVIEW): Transition("review_started", _STAFF),
    (S.UNDER_REVIEW, S.REVIEWED): Transition("review_completed", _STAFF_OR_REVIEWER, reviews_complete),
    (S.REVIEWED, S.RECOMMENDED): Transition("recommended", _STAFF),
    (S.REVIEWED, S.REJECTED): Transition("rejected", _STAFF, comment_required=True),
    (S.REVIEWED, S.RESERVE): Transition("put_on_reserve", _STAFF, comment_required=True),
    (S.RECOMMENDED, S.AWARDED): Transition("awarded", _STAFF, comment_required=True),
    (S.RECOMMENDED, S.RESERVE): Transition("put_on_reserve", _STAFF, comment_required=True),
    (S.RECOMMENDED, S.REJECTED): Transition("rejected", _STAFF, comment_required=True),
    (S.RESERVE, S.AWARDED): Transition("awarded", _STAFF, comment_required=True),
    (S.RESERVE, S.REJECTED): Transition("rejected", _STAFF, comment_required=True),
}

#: Statuses nothing leaves.
FINAL_STATUSES = frozenset(ApplicationStatus) - {source for source, _target in TRANSITIONS}


def allowed_targets(status: str) -> list[str]:
    """Statuses reachable from ``status`` in one step, in :class:`ApplicationStatus` order."""
    return [target for target in S if (status, target) in TRANSITIONS]
