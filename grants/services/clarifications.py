"""Clarification requests (issue 4, item 6): staff ask the applicant a question; the applicant answers on the
application. Both sides are notified and the exchange is logged on the application.

- :func:`ask_clarification`: staff, on an application submitted or later (not a draft, not withdrawn). The lead
  applicant organisation's active members are mailed ``clarification_requested`` in their own language.
- :func:`answer_clarification`: a member of the lead applicant organisation, once. The staff member who asked is
  mailed ``clarification_answered`` (in their language).

Questions and answers are plain text (:func:`portal.sanitize.clean_plain_text`, cut at :data:`MAX_TEXT_LENGTH`).
Log actions: ``clarification_requested`` and ``clarification_answered`` (the text as comment).

Errors: :class:`ApplicationPermissionError` (the user may not ask or answer; views answer 403/404),
:class:`ApplicationError` with ``code`` ``"not_found"``, ``"status"``, ``"required"`` or ``"answered"``.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community.permissions import is_organisation_member
from grants.models import Clarification
from grants.permissions import NO_CLARIFICATION_STATUSES, is_active_staff
from grants.services.common import lock_application, log_activity
from grants.services.errors import ApplicationError, ApplicationPermissionError
from grants.services.submission import _lead_members, receipt_context
from portal.notifications import notify
from portal.sanitize import clean_plain_text

#: Longest question or answer kept (characters); longer text is cut.
MAX_TEXT_LENGTH = 5000


def _clean(text) -> str:
    return clean_plain_text(str(text or ""))[:MAX_TEXT_LENGTH].strip()


def ask_clarification(
    application_id: int, *, user, question: str, now: datetime.datetime | None = None
) -> Clarification:
    """Staff ``user`` asks the applicant of ``application_id`` ``question``; return the :class:`Clarification`.

    Refused for a user who is not active staff (:class:`ApplicationPermissionError`), a blank question
    (``"required"``), a draft or withdrawn application (``"status"``). The same unanswered question asked again by
    the same person (a double click) returns the first one, with no second mail. Logs
    ``clarification_requested`` and mails the lead organisation's active members, in one transaction.
    """
    if not is_active_staff(user):
        raise ApplicationPermissionError(_("Only programme staff may ask the applicant a question."), code="forbidden")
    question = _clean(question)
    if not question:
        raise ApplicationError(_("Write the question."), code="required")
    now = now if now is not None else timezone.now()
    with transaction.atomic():
        application = lock_application(application_id)
        if application.status in NO_CLARIFICATION_STATUSES:
            raise ApplicationError(
                _("Questions can be asked only about submitted applications that were not withdrawn."),
                code="status",
            )
        existing = Clarification.objects.filter(
            application=application, asked_by=user, question=question, answered_at__isnull=True
        ).first()
        if existing is not None:
            return existing
        clarification = Clarification.objects.create(
            application=application, question=question, asked_by=user, asked_at=now
        )
        log_activity(application, user, "clarification_requested", comment=question)
        notify(
            list(_lead_members(application.organisation_id)),
            "clarification_requested",
            {**receipt_context(application), "question": question},
            dedupe_key=f"clarification-requested-{clarification.pk}",
        )
    return clarification


def answer_clarification(
    clarification_id: int, *, user, answer: str, now: datetime.datetime | None = None
) -> Clarification:
    """A member ``user`` of the lead applicant organisation answers clarification ``clarification_id``; return it.

    Anyone else (staff, reviewers, another organisation's members, anonymous) gets
    :class:`ApplicationPermissionError`. A blank answer is ``"required"``; a question answered already is
    ``"answered"`` (the same answer again, e.g. a double click, returns it unchanged). Logs
    ``clarification_answered`` and mails the staff member who asked, in one transaction.
    """
    answer = _clean(answer)
    now = now if now is not None else timezone.now()
    with transaction.atomic():
        application_id = Clarification.objects.filter(pk=clarification_id).values_list("application_id", flat=True)
        if not application_id:
            raise ApplicationError(_("This question does not exist."), code="not_found")
        # The application first, as every grants service locks it, then the question.
        application = lock_application(application_id[0])
        clarification = (
            Clarification.objects.select_for_update(of=("self",)).select_related("asked_by").get(pk=clarification_id)
        )
        if not (
            getattr(user, "is_authenticated", False)
            and user.is_active
            and is_organisation_member(user, application.organisation_id)
        ):
            raise ApplicationPermissionError(
                _("Only members of the lead applicant organisation may answer."), code="forbidden"
            )
        if clarification.is_answered:
            if clarification.answer == answer:
                return clarification
            raise ApplicationError(_("This question has already been answered."), code="answered")
        if not answer:
            raise ApplicationError(_("Write your answer."), code="required")
        clarification.answer = answer
        clarification.answered_by = user
        clarification.answered_at = now
        clarification.save(update_fields=["answer", "answered_by", "answered_at"])
        log_activity(application, user, "clarification_answered", comment=answer)
        asker = clarification.asked_by
        if asker is not None and asker.is_active:
            notify(
                [asker],
                "clarification_answered",
                {
                    **receipt_context(application),
                    "question": clarification.question,
                    "answer": answer,
                    "admin_path": _admin_path(application.pk),
                },
                dedupe_key=f"clarification-answered-{clarification.pk}",
            )
    return clarification


def _admin_path(application_id: int) -> str:
    """The staff inspect page of the application (a site path; mails prefix ``base_url``)."""
    return reverse("grants_applications:inspect", args=[application_id])
