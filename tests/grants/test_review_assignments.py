"""Reviewer assignment and conflict-of-interest declarations (issue 4, item 3): services, visibility, files, TOTP."""

import itertools
from collections import Counter

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse

from community.models import OrganisationMembership
from grants.models import (
    ActivityLog,
    Application,
    ApplicationStatus,
    ConflictOfInterestDeclaration,
    ReviewAssignment,
    ReviewAssignmentStatus,
)
from grants.permissions import (
    can_assign_reviewers,
    can_declare_conflict,
    can_open_for_review,
    can_view_application,
    can_view_attachment,
)
from grants.services.attachments import add_attachment
from grants.services.errors import ApplicationError, ApplicationPermissionError
from grants.services.reviews import assign_reviewer, auto_assign, declare_conflict, remove_reviewer
from portal.accounts.adapters import MFAAdapter
from portal.accounts.mfa import mfa_required_for
from portal.accounts.roles import REVIEWERS_GROUP, is_reviewer
from tests.community.factories import OrganisationFactory, member_of
from tests.grants.factories import ApplicationFactory, ApplicationPartnerFactory, open_call
from tests.grants.files_samples import pdf_bytes, upload, use_private_storage
from tests.portal.factories import CountryFactory
from tests.portal.factories_accounts import PASSWORD, StaffFactory, UserFactory, activate_totp

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


def make_reviewer(*, organisation=None, **fields):
    """A user in the reviewers group, optionally a member of ``organisation``."""
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get_or_create(name=REVIEWERS_GROUP)[0])
    if organisation is not None:
        OrganisationMembership.objects.create(organisation=organisation, user=user)
    return user


def eligible(application, status=ApplicationStatus.ELIGIBLE):
    """Move a factory application to ``status`` with a reference (test set-up, not a workflow step)."""
    number = next(_numbers)
    Application.objects.filter(pk=application.pk).update(status=status, reference=f"IW-MK-2026-{number:03d}")
    application.refresh_from_db()
    return application


@pytest.fixture
def staff():
    return StaffFactory()


@pytest.fixture
def application():
    return eligible(ApplicationFactory())


@pytest.fixture
def reviewer():
    return make_reviewer()


# --- assigning by hand -------------------------------------------------------------------------------------------


def test_staff_assigns_a_reviewer_pending_the_conflict_of_interest_declaration(staff, application, reviewer):
    assignment = assign_reviewer(application.pk, reviewer, user=staff)
    assert assignment.status == ReviewAssignmentStatus.PENDING_DECLARATION
    assert assignment.assigned_by == staff
    assert assignment.declared_at is None
    log = ActivityLog.objects.get(application=application, action="reviewer_assigned")
    assert log.actor == staff and reviewer.email in log.comment
    assert can_assign_reviewers(staff, application.call)


def test_assigning_twice_keeps_one_assignment_and_one_log_entry(staff, application, reviewer):
    first = assign_reviewer(application.pk, reviewer, user=staff)
    second = assign_reviewer(application.pk, reviewer, user=staff)
    assert first.pk == second.pk
    assert ReviewAssignment.objects.count() == 1
    assert ActivityLog.objects.filter(action="reviewer_assigned").count() == 1


@pytest.mark.parametrize("who", ["member", "reviewer", "plain"])
def test_non_staff_may_not_assign_reviewers(who, application, reviewer):
    user = {
        "member": lambda: member_of(application.organisation),
        "reviewer": lambda: make_reviewer(),
        "plain": lambda: UserFactory(),
    }[who]()
    with pytest.raises(ApplicationPermissionError):
        assign_reviewer(application.pk, reviewer, user=user)
    assert not ReviewAssignment.objects.exists()
    assert not can_assign_reviewers(user, application.call)


def test_only_users_in_the_reviewers_group_can_be_assigned(staff, application):
    with pytest.raises(ApplicationError) as error:
        assign_reviewer(application.pk, UserFactory(), user=staff)
    assert error.value.code == "not_reviewer"


@pytest.mark.parametrize("status", [ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.REJECTED])
def test_reviewers_are_assigned_only_to_eligible_or_under_review_applications(staff, reviewer, status):
    application = ApplicationFactory()
    if status != ApplicationStatus.DRAFT:
        eligible(application, status)
    with pytest.raises(ApplicationError) as error:
        assign_reviewer(application.pk, reviewer, user=staff)
    assert error.value.code == "status"


def test_a_member_of_the_lead_organisation_is_never_assigned(staff, application):
    insider = make_reviewer(organisation=application.organisation)
    with pytest.raises(ApplicationError) as error:
        assign_reviewer(application.pk, insider, user=staff)
    assert error.value.code == "excluded"
    assert "lead applicant organisation" in error.value.messages[0]
    assert not ReviewAssignment.objects.exists()


def test_a_member_of_a_partner_organisation_is_never_assigned(staff, application):
    partner = ApplicationPartnerFactory(application=application)
    insider = make_reviewer(organisation=partner.organisation)
    with pytest.raises(ApplicationError) as error:
        assign_reviewer(application.pk, insider, user=staff)
    assert error.value.code == "excluded"
    assert "partner organisation" in error.value.messages[0]


def test_same_country_reviewer_refused_only_when_the_call_says_so(staff, application):
    compatriot = make_reviewer(organisation=OrganisationFactory(country=CountryFactory(code="MK")))
    foreigner = make_reviewer(organisation=OrganisationFactory(country=CountryFactory(code="TR")))
    assert assign_reviewer(application.pk, compatriot, user=staff)  # the call does not ask for it
    remove_reviewer(ReviewAssignment.objects.get(reviewer=compatriot).pk, user=staff)

    application.call.reviewers_from_other_countries = True
    application.call.save(update_fields=["reviewers_from_other_countries"])
    with pytest.raises(ApplicationError) as error:
        assign_reviewer(application.pk, compatriot, user=staff)
    assert error.value.code == "excluded"
    assert "other countries" in error.value.messages[0]
    assert assign_reviewer(application.pk, foreigner, user=staff).status == ReviewAssignmentStatus.PENDING_DECLARATION


# --- automatic assignment ----------------------------------------------------------------------------------------


def _call_with_applications(count):
    call = open_call()
    lot = call.lots.get(code="A")
    return call, [eligible(ApplicationFactory(call=call, lot=lot)) for _ in range(count)]


def test_auto_assign_balances_the_load(staff):
    call, applications = _call_with_applications(6)
    reviewers = [make_reviewer() for _ in range(3)]
    result = auto_assign(call.pk, per_application=2, user=staff)
    assert result == {"assigned": 12, "applications": 6, "unfilled": {}}
    load = Counter(ReviewAssignment.objects.values_list("reviewer_id", flat=True))
    assert load == {r.pk: 4 for r in reviewers}
    for application in applications:
        assert ReviewAssignment.objects.filter(application=application).count() == 2


def test_auto_assign_is_deterministic_and_adds_nothing_when_run_again(staff):
    call, _applications = _call_with_applications(3)
    [make_reviewer() for _ in range(3)]
    auto_assign(call.pk, per_application=2, user=staff)
    first = sorted(ReviewAssignment.objects.values_list("application_id", "reviewer_id"))
    assert auto_assign(call.pk, per_application=2, user=staff)["assigned"] == 0
    assert sorted(ReviewAssignment.objects.values_list("application_id", "reviewer_id")) == first


def test_auto_assign_respects_exclusions_and_reports_what_it_could_not_fill(staff):
    call, applications = _call_with_applications(2)
    call.reviewers_from_other_countries = True
    call.save(update_fields=["reviewers_from_other_countries"])
    insider = make_reviewer(organisation=applications[0].organisation, email="insider@example.org")
    compatriot = make_reviewer(organisation=OrganisationFactory(country=CountryFactory(code="MK")))
    outsider = make_reviewer(organisation=OrganisationFactory(country=CountryFactory(code="BA")))
    partner = ApplicationPartnerFactory(application=applications[1])
    partner_member = make_reviewer(organisation=partner.organisation)

    result = auto_assign(call.pk, per_application=2, user=staff)

    pairs = set(ReviewAssignment.objects.values_list("application_id", "reviewer_id"))
    assert (applications[0].pk, insider.pk) not in pairs
    assert (applications[1].pk, partner_member.pk) not in pairs
    assert not any(reviewer_id == compatriot.pk for _a, reviewer_id in pairs)
    # insider is in MK too (the applicant's country); partner_member's organisation (RS) may review the other one.
    assert pairs == {
        (applications[0].pk, outsider.pk),
        (applications[0].pk, partner_member.pk),
        (applications[1].pk, outsider.pk),
    }
    assert result["unfilled"] == {applications[1].pk: 1}


def test_auto_assign_needs_staff_and_a_positive_number(staff):
    call, _applications = _call_with_applications(1)
    make_reviewer()
    with pytest.raises(ApplicationPermissionError):
        auto_assign(call.pk, per_application=2, user=UserFactory())
    for bad in (0, -1, "2", True):
        with pytest.raises(ApplicationError) as error:
            auto_assign(call.pk, per_application=bad, user=staff)
        assert error.value.code == "invalid"
    assert not ReviewAssignment.objects.exists()


def test_auto_assign_never_reassigns_a_conflict_of_interest(staff):
    call, [application] = _call_with_applications(1)
    conflicted, other = make_reviewer(), make_reviewer()
    assignment = assign_reviewer(application.pk, conflicted, user=staff)
    declare_conflict(assignment.pk, reviewer=conflicted, has_conflict=True, statement="My sister runs it.")
    result = auto_assign(call.pk, per_application=2, user=staff)
    assert result["unfilled"] == {application.pk: 1}
    assert set(ReviewAssignment.objects.current().values_list("reviewer_id", flat=True)) == {other.pk}


# --- declarations ------------------------------------------------------------------------------------------------


def test_no_conflict_of_interest_declared_accepts_the_assignment(staff, application, reviewer):
    assignment = assign_reviewer(application.pk, reviewer, user=staff)
    assert can_declare_conflict(reviewer, assignment)
    assert not can_open_for_review(reviewer, application)
    assignment = declare_conflict(assignment.pk, reviewer=reviewer, has_conflict=False)
    assert assignment.status == ReviewAssignmentStatus.ACCEPTED
    assert assignment.declared_at is not None
    declaration = ConflictOfInterestDeclaration.objects.get()
    assert (declaration.assignment, declaration.application, declaration.has_conflict) == (
        assignment,
        application,
        False,
    )
    assert ActivityLog.objects.filter(action="no_conflict_declared", actor=reviewer).count() == 1
    assert can_open_for_review(reviewer, application)
    assert not can_declare_conflict(reviewer, assignment)


def test_declaring_a_conflict_of_interest_keeps_the_record_and_ends_the_assignment(staff, application, reviewer):
    assignment = assign_reviewer(application.pk, reviewer, user=staff)
    assignment = declare_conflict(
        assignment.pk, reviewer=reviewer, has_conflict=True, statement="Former board\x00 member"
    )
    assert assignment.status == ReviewAssignmentStatus.CONFLICTED
    declaration = ConflictOfInterestDeclaration.objects.get(reviewer=reviewer, application=application)
    assert declaration.has_conflict and declaration.statement == "Former board member"
    assert ActivityLog.objects.filter(action="conflict_declared").count() == 1
    assert not ReviewAssignment.objects.current().filter(reviewer=reviewer).exists()
    with pytest.raises(ApplicationError) as error:
        assign_reviewer(application.pk, reviewer, user=staff)
    assert error.value.code == "conflicted"


def test_only_the_assigned_reviewer_declares_a_conflict_of_interest(staff, application, reviewer):
    assignment = assign_reviewer(application.pk, reviewer, user=staff)
    for intruder in (make_reviewer(), staff, member_of(application.organisation)):
        assert not can_declare_conflict(intruder, assignment)
        with pytest.raises(ApplicationPermissionError):
            declare_conflict(assignment.pk, reviewer=intruder, has_conflict=False)
    assert ReviewAssignment.objects.get().status == ReviewAssignmentStatus.PENDING_DECLARATION
    assert not ConflictOfInterestDeclaration.objects.exists()


def test_a_conflict_of_interest_declaration_cannot_be_changed_afterwards(staff, application, reviewer):
    assignment = assign_reviewer(application.pk, reviewer, user=staff)
    declare_conflict(assignment.pk, reviewer=reviewer, has_conflict=False)
    # The same answer replayed changes nothing; the other answer is refused.
    declare_conflict(assignment.pk, reviewer=reviewer, has_conflict=False)
    assert ConflictOfInterestDeclaration.objects.count() == 1
    with pytest.raises(ApplicationError) as error:
        declare_conflict(assignment.pk, reviewer=reviewer, has_conflict=True)
    assert error.value.code == "declared"
    assert ReviewAssignment.objects.get().status == ReviewAssignmentStatus.ACCEPTED


def test_a_removed_reviewer_no_longer_sees_the_application(staff, application, reviewer):
    assignment = assign_reviewer(application.pk, reviewer, user=staff)
    declare_conflict(assignment.pk, reviewer=reviewer, has_conflict=False)
    assert can_view_application(reviewer, application)
    remove_reviewer(assignment.pk, user=staff, reason="Too slow")
    assert not can_view_application(reviewer, application)
    assert not Application.objects.visible_to(reviewer).exists()
    assert ActivityLog.objects.filter(action="reviewer_removed").count() == 1


# --- visibility --------------------------------------------------------------------------------------------------


def test_reviewer_sees_only_accepted_assignments_never_unassigned_applications(staff, reviewer):
    assigned, pending, unassigned = (eligible(ApplicationFactory()) for _ in range(3))
    accepted = assign_reviewer(assigned.pk, reviewer, user=staff)
    assign_reviewer(pending.pk, reviewer, user=staff)
    assert not Application.objects.visible_to(reviewer).exists()  # nothing before the declaration
    declare_conflict(accepted.pk, reviewer=reviewer, has_conflict=False)

    assert list(Application.objects.visible_to(reviewer)) == [assigned]
    assert can_view_application(reviewer, assigned)
    assert not can_view_application(reviewer, pending)
    assert not can_view_application(reviewer, unassigned)
    assert not can_open_for_review(reviewer, pending)
    # Staff see all; the applicant sees only their own.
    assert Application.objects.visible_to(staff).count() == 3
    owner = member_of(unassigned.organisation)
    assert list(Application.objects.visible_to(owner)) == [unassigned]


def test_conflict_of_interest_hides_the_application_from_the_reviewer(staff, application, reviewer):
    assignment = assign_reviewer(application.pk, reviewer, user=staff)
    declare_conflict(assignment.pk, reviewer=reviewer, has_conflict=True)
    assert not Application.objects.visible_to(reviewer).exists()
    assert not can_view_application(reviewer, application)
    assert not can_open_for_review(reviewer, application)


def test_leaving_the_reviewers_group_closes_assigned_applications(staff, application, reviewer):
    assignment = assign_reviewer(application.pk, reviewer, user=staff)
    declare_conflict(assignment.pk, reviewer=reviewer, has_conflict=False)
    reviewer.groups.clear()
    assert not Application.objects.visible_to(reviewer).exists()
    assert not can_view_application(reviewer, application)


# --- files -------------------------------------------------------------------------------------------------------


@pytest.fixture
def attachment(tmp_path, settings, monkeypatch):
    use_private_storage(tmp_path, settings, monkeypatch)
    application = ApplicationFactory()
    owner = member_of(application.organisation)
    attachment = add_attachment(application.pk, user=owner, uploaded_file=upload("plan.pdf", pdf_bytes()))
    eligible(application)
    return attachment


def _download(client, user, attachment):
    client.force_login(user)
    return client.get(reverse("grants:attachment_download", args=[attachment.pk]))


def test_accepted_reviewer_downloads_the_attachment(client, staff, attachment):
    reviewer = make_reviewer()
    activate_totp(reviewer)
    assignment = assign_reviewer(attachment.application_id, reviewer, user=staff)
    declare_conflict(assignment.pk, reviewer=reviewer, has_conflict=False)
    response = _download(client, reviewer, attachment)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()


@pytest.mark.parametrize("state", ["unassigned", "pending", "conflict of interest"])
def test_attachment_download_is_404_for_a_reviewer_unassigned_pending_or_with_a_conflict_of_interest(
    client, staff, attachment, state
):
    reviewer = make_reviewer()
    activate_totp(reviewer)  # so the two-factor rule does not redirect first
    if state != "unassigned":
        assignment = assign_reviewer(attachment.application_id, reviewer, user=staff)
        if state == "conflict of interest":
            declare_conflict(assignment.pk, reviewer=reviewer, has_conflict=True)
    assert not can_view_attachment(reviewer, attachment)
    assert _download(client, reviewer, attachment).status_code == 404


# --- two-factor sign-in ------------------------------------------------------------------------------------------


def test_reviewers_must_use_totp_like_staff(settings):
    reviewer, plain = make_reviewer(), UserFactory()
    assert is_reviewer(reviewer) and not is_reviewer(plain)
    assert mfa_required_for(reviewer)
    assert not mfa_required_for(plain)
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    assert not mfa_required_for(reviewer)


def test_reviewer_without_totp_is_sent_to_the_totp_setup(client):
    cache.clear()
    reviewer = make_reviewer()
    client.post(reverse("account_login"), {"login": reviewer.email, "password": PASSWORD})
    assert client.session.get("_auth_user_id") == str(reviewer.pk)
    response = client.get("/accounts/email/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    cache.clear()


def test_reviewer_cannot_switch_totp_off():
    reviewer = make_reviewer()
    activate_totp(reviewer)
    authenticator = Authenticator.objects.get(user=reviewer, type=Authenticator.Type.TOTP)
    assert not MFAAdapter().can_delete_authenticator(authenticator)
