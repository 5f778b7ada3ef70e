"""Pieces the agreement services share (:mod:`grants.services.agreements`, :mod:`grants.services.amendments`):
the staff check, the reason and date parsing, locking an agreement and moving its status through the table.

Errors are :class:`~grants.services.errors.ApplicationError` with the codes named in each function; messages are
for staff, in the active language.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from grants.agreement_workflow import STAFF, check_transition
from grants.models import GrantAgreement
from grants.services.common import lock_application, log_activity
from grants.services.common import require_staff as common_require_staff
from grants.services.errors import ApplicationError
from portal.sanitize import clean_plain_text

CENT = Decimal("0.01")
#: Longest reason kept (characters).
MAX_REASON_LENGTH = 5000


def require_staff(user) -> None:
    """Raise :class:`ApplicationPermissionError` (``code="forbidden"``) unless ``user`` is signed in, active and
    staff."""
    common_require_staff(user, _("Only programme staff may manage grant agreements."))


def clean_reason(reason) -> str:
    """``reason`` as plain text, at most :data:`MAX_REASON_LENGTH` characters, stripped; ``ApplicationError``
    (``code="reason_required"``) when nothing is left."""
    text = clean_plain_text(str(reason or ""))[:MAX_REASON_LENGTH].strip()
    if not text:
        raise ApplicationError(_("Give a reason."), code="reason_required")
    return text


def as_date(value, message: str) -> datetime.date:
    """``value`` (a date or an ISO ``YYYY-MM-DD`` string) as a date; ``ApplicationError(message, code="dates")``
    otherwise (a datetime is read through its ISO text, so it is refused too)."""
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            raise ApplicationError(message, code="dates") from None
    return value


def locked_agreement(agreement_id: int) -> GrantAgreement:
    """The agreement ``agreement_id`` with its application row locked (call inside ``transaction.atomic``), its
    grantee joined and ``application`` set to the locked row. ``ApplicationError`` (``code="not_found"``) for an
    unknown id."""
    application_id = GrantAgreement.objects.filter(pk=agreement_id).values_list("application_id", flat=True).first()
    if application_id is None:
        raise ApplicationError(_("This grant agreement does not exist."), code="not_found")
    application = lock_application(application_id)
    agreement = GrantAgreement.objects.select_related("organisation").get(pk=agreement_id)
    agreement.application = application
    return agreement


def set_status(agreement: GrantAgreement, to_status: str, *, user, role: str = STAFF, comment: str = "") -> None:
    """Move ``agreement`` to ``to_status`` through :data:`grants.agreement_workflow.AGREEMENT_TRANSITIONS` and log
    it (the caller holds the lock; saves ``status`` only). Raises ``TransitionNotAllowed`` (``"transition"``)."""
    transition = check_transition(agreement.status, to_status, role)
    agreement.status = to_status
    agreement.save(update_fields=["status", "updated_at"])
    log_activity(agreement.application, user, transition.name, comment=comment or agreement.reference)
