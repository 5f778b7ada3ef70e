"""The grant agreement's life as data: one table of allowed status changes, who makes each and its log action.

:data:`AGREEMENT_TRANSITIONS` maps ``(from_status, to_status)`` to an :class:`AgreementTransition`. A pair that is
not in the table is refused, whoever asks (:func:`check_transition`). Only :mod:`grants.services.agreements` (and,
for completion, :func:`grants.services.closeout.maybe_complete`) change an agreement's status, with the
application row locked.

==========  ==========  =======================  ======  ==========================================================
from        to          log action               role    guard / made by
==========  ==========  =======================  ======  ==========================================================
draft       sent        agreement_sent           staff   ``send_agreement``
sent        signed      agreement_signed         staff   ``sign_agreement``: the signed PDF is uploaded; the
                                                         reporting schedule is made and report tranches linked
signed      active      agreement_activated      staff,  ``activate_agreement``: staff at any time; the system
                                                 system  (``activate_started_agreements``) once the start date
                                                         is reached in the call's time zone
signed      completed   agreement_completed      system  ``maybe_complete``: final report approved, all paid
active      completed   agreement_completed      system  ``maybe_complete``: final report approved, all paid
draft       terminated  agreement_terminated     staff   ``terminate_agreement``: a reason is required
sent        terminated  agreement_terminated     staff   idem
signed      terminated  agreement_terminated     staff   idem
active      terminated  agreement_terminated     staff   idem
==========  ==========  =======================  ======  ==========================================================

Completed and terminated are final: nothing leaves them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from grants.models import AgreementStatus
from grants.services.errors import TransitionNotAllowed

STAFF = "staff"
SYSTEM = "system"


@dataclass(frozen=True)
class AgreementTransition:
    """One allowed change: ``name`` is the activity-log action (a key of ``ACTIVITY_ACTION_LABELS``); ``roles``
    who may make it (``"staff"``: an active staff user; ``"system"``: the site itself, e.g. a periodic task or the
    close-out rule); ``reason_required``: a non-blank reason must be given."""

    name: str
    roles: frozenset[str]
    reason_required: bool = False


A = AgreementStatus
_STAFF = frozenset({STAFF})
_SYSTEM = frozenset({SYSTEM})
_BOTH = frozenset({STAFF, SYSTEM})

#: ``(from_status, to_status) -> AgreementTransition``; see the module docstring for the same table in prose.
AGREEMENT_TRANSITIONS: dict[tuple[str, str], AgreementTransition] = {
    (A.DRAFT, A.SENT): AgreementTransition("agreement_sent", _STAFF),
    (A.SENT, A.SIGNED): AgreementTransition("agreement_signed", _STAFF),
    (A.SIGNED, A.ACTIVE): AgreementTransition("agreement_activated", _BOTH),
    (A.SIGNED, A.COMPLETED): AgreementTransition("agreement_completed", _SYSTEM),
    (A.ACTIVE, A.COMPLETED): AgreementTransition("agreement_completed", _SYSTEM),
    (A.DRAFT, A.TERMINATED): AgreementTransition("agreement_terminated", _STAFF, reason_required=True),
    (A.SENT, A.TERMINATED): AgreementTransition("agreement_terminated", _STAFF, reason_required=True),
    (A.SIGNED, A.TERMINATED): AgreementTransition("agreement_terminated", _STAFF, reason_required=True),
    (A.ACTIVE, A.TERMINATED): AgreementTransition("agreement_terminated", _STAFF, reason_required=True),
}

#: Statuses nothing leaves.
FINAL_AGREEMENT_STATUSES = frozenset(AgreementStatus) - {source for source, _target in AGREEMENT_TRANSITIONS}


def check_transition(from_status: str, to_status: str, role: str) -> AgreementTransition:
    """The :class:`AgreementTransition` from ``from_status`` to ``to_status`` for ``role`` (``"staff"`` or
    ``"system"``). Raises :class:`~grants.services.errors.TransitionNotAllowed` (``code="transition"``, a message
    naming both statuses) when the table has no such change or ``role`` may not make it."""
    transition = AGREEMENT_TRANSITIONS.get((from_status, to_status))
    if transition is None or role not in transition.roles:
        raise TransitionNotAllowed(
            _("A grant agreement cannot go from “%(from)s” to “%(to)s”.")
            % {"from": AgreementStatus(from_status).label, "to": AgreementStatus(to_status).label},
            code="transition",
        )
    return transition


def allowed_agreement_targets(status: str, role: str = STAFF) -> list[str]:
    """Statuses ``role`` may move an agreement in ``status`` to, in :class:`AgreementStatus` order."""
    return [
        target
        for target in AgreementStatus
        if (status, target) in AGREEMENT_TRANSITIONS and role in AGREEMENT_TRANSITIONS[(status, target)].roles
    ]
