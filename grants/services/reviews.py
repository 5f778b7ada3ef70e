"""Assigning reviewers to applications and their conflict-of-interest declarations (issue 4, item 3).

- :func:`assign_reviewer`: staff assign one reviewer to one application.

Assigning the first reviewer to an eligible application starts its review (eligible → under review, through
:func:`grants.services.workflow.apply_transition`, logged as ``review_started``). Each new (or renewed) assignment
mails the reviewer (``review_assigned``, in their language) a link to the conflict-of-interest declaration.
- :func:`auto_assign`: staff give every reviewable application of a call ``N`` reviewers, balancing the load.
- :func:`remove_reviewer`: staff take a reviewer off an application.
- :func:`declare_conflict`: the reviewer declares a conflict of interest (the assignment ends and the application
  stays hidden from them everywhere) or none (they may open it).

Exclusions (the call's published rules, issue 4): a reviewer is never assigned to an application when they are a
member of its lead applicant organisation or of a partner organisation, nor, when the call has
``reviewers_from_other_countries``, when one of their own organisations is in the applicant's country (the lead
applicant organisation's country). A reviewer who declared a conflict of interest is never assigned to that
application again.

Each step locks what it changes, runs in one transaction and writes an
:class:`~grants.models.ActivityLog` entry (staff only see the log; reviewers' identities never reach
applicants). Errors: :class:`~grants.services.errors.ApplicationPermissionError` (not staff / not the
assignment's reviewer; views answer 404), :class:`~grants.services.errors.ApplicationError` with ``code``
``"not_found"``, ``"not_reviewer"``, ``"status"``, ``"excluded"``, ``"conflicted"``, ``"declared"`` or
``"invalid"``; messages are for the user, in the active language.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from community.models import OrganisationMembership
from grants.models import (
    Application,
    ApplicationStatus,
    Call,
    ConflictOfInterestDeclaration,
    ReviewAssignment,
    ReviewAssignmentStatus,
)
from grants.models.reviews import CURRENT_ASSIGNMENT_STATUSES
from grants.services.common import lock_application, log_activity, require_staff
from grants.services.errors import ApplicationError, ApplicationPermissionError
from grants.services.workflow import apply_transition
from portal.accounts.roles import REVIEWERS_GROUP, is_reviewer
from portal.notifications import notify
from portal.sanitize import clean_plain_text

#: Statuses in which an application may get reviewers: found eligible, or already under review.
REVIEWABLE_STATUSES = (ApplicationStatus.ELIGIBLE, ApplicationStatus.UNDER_REVIEW)

#: Longest conflict-of-interest statement kept (characters); longer text is cut.
MAX_STATEMENT_LENGTH = 5000


@dataclass(frozen=True)
class _ReviewerLinks:
    """Organisation and country ids of a reviewer's own organisations."""

    organisation_ids: frozenset[int]
    country_ids: frozenset[int]


def _require_staff(user) -> None:
    require_staff(user, _("Only programme staff may assign reviewers."))


def _reviewer_name(reviewer) -> str:
    full = reviewer.get_full_name() if hasattr(reviewer, "get_full_name") else ""
    return f"{full} <{reviewer.email}>" if full else reviewer.email


def _links_of(reviewer_ids) -> dict[int, _ReviewerLinks]:
    """``{reviewer_id: _ReviewerLinks}`` for ``reviewer_ids`` (one query)."""
    orgs: dict[int, set[int]] = {pk: set() for pk in reviewer_ids}
    countries: dict[int, set[int]] = {pk: set() for pk in reviewer_ids}
    rows = OrganisationMembership.objects.filter(user_id__in=list(reviewer_ids)).values_list(
        "user_id", "organisation_id", "organisation__country_id"
    )
    for user_id, organisation_id, country_id in rows:
        orgs[user_id].add(organisation_id)
        countries[user_id].add(country_id)
    return {pk: _ReviewerLinks(frozenset(orgs[pk]), frozenset(countries[pk])) for pk in reviewer_ids}


def _applicant_organisation_ids(application: Application) -> set[int]:
    """The lead applicant organisation and every partner organisation of ``application``."""
    partners = {p.organisation_id for p in application.partners.all()}
    return {application.organisation_id, *partners}


def _exclusion(application: Application, call: Call, links: _ReviewerLinks) -> str | None:
    """Why a reviewer with ``links`` may not review ``application`` (a message for staff), or None."""
    applicant_orgs = _applicant_organisation_ids(application)
    if application.organisation_id in links.organisation_ids:
        return _("This reviewer is a member of the lead applicant organisation.")
    if applicant_orgs & links.organisation_ids:
        return _("This reviewer is a member of a partner organisation of this application.")
    if call.reviewers_from_other_countries and application.organisation.country_id in links.country_ids:
        return _(
            "This call takes reviewers from other countries only, and this reviewer belongs to an organisation "
            "in the applicant's country."
        )
    return None


def _assign(application: Application, reviewer, *, user, now: datetime.datetime) -> ReviewAssignment:
    """Create (or re-open a removed) assignment of ``reviewer`` to the locked ``application`` and log it."""
    existing = ReviewAssignment.objects.select_for_update().filter(application=application, reviewer=reviewer).first()
    if existing is not None:
        if existing.status == ReviewAssignmentStatus.CONFLICTED:
            raise ApplicationError(
                _("This reviewer declared a conflict of interest with this application."), code="conflicted"
            )
        if existing.status != ReviewAssignmentStatus.REMOVED:
            return existing  # already assigned: a replay changes nothing
        existing.status = ReviewAssignmentStatus.PENDING_DECLARATION
        existing.assigned_by = user
        existing.assigned_at = now
        existing.declared_at = None
        existing.save(update_fields=["status", "assigned_by", "assigned_at", "declared_at"])
        assignment = existing
    else:
        assignment = ReviewAssignment.objects.create(
            application=application, reviewer=reviewer, assigned_by=user, assigned_at=now
        )
    log_activity(application, user, "reviewer_assigned", comment=_reviewer_name(reviewer))
    if application.status == ApplicationStatus.ELIGIBLE:
        apply_transition(application, ApplicationStatus.UNDER_REVIEW, user=user, now=now)
    _notify_assigned(assignment, application)
    return assignment


def _notify_assigned(assignment: ReviewAssignment, application: Application) -> None:
    """Queue the ``review_assigned`` mail to the assignment's reviewer, in their language, with a link to the
    conflict-of-interest declaration (one mail per assignment and assignment time)."""
    reviewer = assignment.reviewer
    language = getattr(reviewer, "preferred_language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        declare_url = reverse("grants:review_declare", args=[assignment.pk])
    call = application.call
    notify(
        [reviewer],
        "review_assigned",
        {
            "reference": application.reference,
            "call_title": call.title,
            "lot": f"{application.lot.code}: {application.lot.name}",
            "declare_url": declare_url,
        },
        language=language,
        dedupe_key=f"review-assigned-{assignment.pk}-{assignment.assigned_at.isoformat()}",
    )


def assign_reviewer(application_id: int, reviewer, *, user, now: datetime.datetime | None = None) -> ReviewAssignment:
    """Assign ``reviewer`` (a user in the reviewers group) to application ``application_id``; return the assignment.

    ``user`` must be staff (else :class:`ApplicationPermissionError`). The application must be eligible or under
    review (``code="status"``); the reviewer must be an active reviewer (``"not_reviewer"``), not excluded by the
    call's rules (``"excluded"``, see the module docstring) and must not have declared a conflict of interest with
    it (``"conflicted"``). A reviewer already assigned is returned unchanged (no second log entry); a removed one is
    assigned again. The new assignment waits for the reviewer's declaration (``pending_declaration``).
    """
    _require_staff(user)
    now = now if now is not None else timezone.now()
    if not is_reviewer(reviewer):
        raise ApplicationError(_("This person is not a reviewer."), code="not_reviewer")
    with transaction.atomic():
        application = lock_application(application_id)
        if application.status not in REVIEWABLE_STATUSES:
            raise ApplicationError(
                _("Reviewers can be assigned only to applications that are eligible or under review."),
                code="status",
            )
        reason = _exclusion(application, application.call, _links_of([reviewer.pk])[reviewer.pk])
        if reason:
            raise ApplicationError(reason, code="excluded")
        return _assign(application, reviewer, user=user, now=now)


def auto_assign(call_id: int, *, per_application: int, user, now: datetime.datetime | None = None) -> dict:
    """Give every eligible or under-review application of call ``call_id`` ``per_application`` current reviewers.

    Candidates are the active users of the reviewers group. For each application (by reference, then id), the
    reviewers it still needs are picked among those not excluded (see the module docstring), not yet assigned to it
    and who never declared a conflict of interest with it: fewest current (pending or accepted) assignments in this
    call first, ties broken by user id, so that the load is balanced and the result deterministic. Existing
    assignments count and are kept; running it twice adds nothing.

    ``user`` must be staff (:class:`ApplicationPermissionError`); ``per_application`` must be a positive integer
    (``ApplicationError``, ``code="invalid"``). Returns::

        {"assigned": int,                     # new assignments made
         "applications": int,                 # applications considered
         "unfilled": {application_id: int}}   # applications left short, and by how many reviewers
    """
    _require_staff(user)
    if isinstance(per_application, bool) or not isinstance(per_application, int) or per_application < 1:
        raise ApplicationError(_("Give a number of reviewers per application of at least 1."), code="invalid")
    now = now if now is not None else timezone.now()
    reviewers = list(
        get_user_model().objects.filter(is_active=True, groups__name=REVIEWERS_GROUP).distinct().order_by("pk")
    )
    with transaction.atomic():
        try:
            call = Call.objects.get(pk=call_id)
        except Call.DoesNotExist:
            raise ApplicationError(_("This call does not exist."), code="not_found") from None
        applications = list(
            Application.objects.select_for_update(of=("self",))
            .filter(call=call, status__in=REVIEWABLE_STATUSES)
            .select_related("organisation", "lot", "call")
            .prefetch_related("partners")
            .order_by("reference", "pk")
        )
        existing = list(
            ReviewAssignment.objects.select_for_update()
            .filter(application__call=call)
            .values_list("application_id", "reviewer_id", "status")
        )
        load = {r.pk: 0 for r in reviewers}
        taken: dict[int, set[int]] = {}  # application id → reviewers it may not get again (any assignment row)
        current: dict[int, int] = {}  # application id → current assignments
        for application_id, reviewer_id, status in existing:
            if status in CURRENT_ASSIGNMENT_STATUSES:
                current[application_id] = current.get(application_id, 0) + 1
                if reviewer_id in load:
                    load[reviewer_id] += 1
            if status != ReviewAssignmentStatus.REMOVED:
                taken.setdefault(application_id, set()).add(reviewer_id)
        links = _links_of([r.pk for r in reviewers])
        assigned = 0
        unfilled: dict[int, int] = {}
        for application in applications:
            need = per_application - current.get(application.pk, 0)
            if need <= 0:
                continue
            blocked = taken.get(application.pk, set())
            candidates = [
                r for r in reviewers if r.pk not in blocked and _exclusion(application, call, links[r.pk]) is None
            ]
            candidates.sort(key=lambda r: (load[r.pk], r.pk))
            for reviewer in candidates[:need]:
                _assign(application, reviewer, user=user, now=now)
                load[reviewer.pk] += 1
                assigned += 1
            short = need - min(need, len(candidates))
            if short:
                unfilled[application.pk] = short
    return {"assigned": assigned, "applications": len(applications), "unfilled": unfilled}


def remove_reviewer(assignment_id: int, *, user, reason: str = "") -> ReviewAssignment:
    """Take the reviewer of assignment ``assignment_id`` off the application (status ``removed``); staff only.

    A removed assignment hides the application from the reviewer; removing twice changes nothing. A conflicted
    assignment stays conflicted (``code="conflicted"``): the declaration is the record. ``reason`` goes to the log.
    """
    _require_staff(user)
    with transaction.atomic():
        assignment = _locked_assignment(assignment_id)
        if assignment.status == ReviewAssignmentStatus.REMOVED:
            return assignment
        if assignment.status == ReviewAssignmentStatus.CONFLICTED:
            raise ApplicationError(
                _("This reviewer declared a conflict of interest with this application."), code="conflicted"
            )
        assignment.status = ReviewAssignmentStatus.REMOVED
        assignment.save(update_fields=["status"])
        comment = _reviewer_name(assignment.reviewer)
        reason = clean_plain_text(reason or "")[:MAX_STATEMENT_LENGTH].strip()
        log_activity(
            assignment.application, user, "reviewer_removed", comment=f"{comment}\n{reason}" if reason else comment
        )
        return assignment


def _locked_assignment(assignment_id: int) -> ReviewAssignment:
    try:
        return (
            ReviewAssignment.objects.select_for_update(of=("self",))
            .select_related("application", "reviewer")
            .get(pk=assignment_id)
        )
    except ReviewAssignment.DoesNotExist:
        raise ApplicationError(_("This review assignment does not exist."), code="not_found") from None


def declare_conflict(
    assignment_id: int,
    *,
    reviewer,
    has_conflict: bool,
    statement: str = "",
    now: datetime.datetime | None = None,
) -> ReviewAssignment:
    """Record ``reviewer``'s conflict-of-interest declaration on assignment ``assignment_id``; return the assignment.

    Only the assignment's own reviewer, still in the reviewers group, may declare (else
    :class:`ApplicationPermissionError`; views answer 404), and only once, while the assignment waits for it
    (``code="declared"``; replaying the same answer returns the assignment unchanged). ``has_conflict`` False → the
    assignment is ``accepted`` and the reviewer may open the application. True → it is ``conflicted``: the
    application is hidden from the reviewer everywhere (:meth:`~grants.models.ApplicationQuerySet.visible_to`) and
    they are never assigned to it again. Either way a :class:`~grants.models.ConflictOfInterestDeclaration` keeps
    ``statement`` (plain text, cut at :data:`MAX_STATEMENT_LENGTH`) and the time (UTC), and the log records it.
    """
    if not isinstance(has_conflict, bool):
        raise ApplicationError(_("Say whether you have a conflict of interest."), code="invalid")
    now = now if now is not None else timezone.now()
    statement = clean_plain_text(statement or "")[:MAX_STATEMENT_LENGTH].strip()
    with transaction.atomic():
        assignment = _locked_assignment(assignment_id)
        if not (
            getattr(reviewer, "is_authenticated", False)
            and assignment.reviewer_id == reviewer.pk
            and is_reviewer(reviewer)
        ):
            raise ApplicationPermissionError(_("This review assignment is not yours."), code="forbidden")
        target = ReviewAssignmentStatus.CONFLICTED if has_conflict else ReviewAssignmentStatus.ACCEPTED
        if assignment.status != ReviewAssignmentStatus.PENDING_DECLARATION:
            if assignment.status == target:
                return assignment
            raise ApplicationError(
                _("This assignment is not waiting for a conflict-of-interest declaration."), code="declared"
            )
        assignment.status = target
        assignment.declared_at = now
        assignment.save(update_fields=["status", "declared_at"])
        ConflictOfInterestDeclaration.objects.create(
            assignment=assignment,
            reviewer=reviewer,
            application=assignment.application,
            has_conflict=has_conflict,
            statement=statement,
            declared_at=now,
        )
        action = "conflict_declared" if has_conflict else "no_conflict_declared"
        log_activity(assignment.application, reviewer, action, comment=_reviewer_name(reviewer))
        return assignment


def reviewer_options(application: Application) -> list[tuple[object, str | None]]:
    """Active reviewers (users of the reviewers group) staff might assign to ``application``, by name then email,
    each with why they may not be assigned (a message for staff) or None: excluded by the call's rules (see the
    module docstring), declared a conflict of interest with it, or already assigned. Reads only; at most four
    queries whatever the number of reviewers."""
    reviewers = list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=REVIEWERS_GROUP)
        .distinct()
        .order_by("first_name", "last_name", "email", "pk")
    )
    statuses = dict(ReviewAssignment.objects.filter(application=application).values_list("reviewer_id", "status"))
    links = _links_of([r.pk for r in reviewers])
    prefetch_related_objects([application], "partners")  # no-op when the caller prefetched them
    options = []
    for reviewer in reviewers:
        status = statuses.get(reviewer.pk)
        if status == ReviewAssignmentStatus.CONFLICTED:
            reason = _("This reviewer declared a conflict of interest with this application.")
        elif status in CURRENT_ASSIGNMENT_STATUSES:
            reason = _("Already assigned.")
        else:
            reason = _exclusion(application, application.call, links[reviewer.pk])
        options.append((reviewer, reason))
    return options
