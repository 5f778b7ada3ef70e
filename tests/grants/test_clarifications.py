"""Clarification requests (issue 4, item 6): staff ask, the applicant answers once on the application page, both
sides are notified in their language, the exchange is logged; who may ask and answer, both ways."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from grants.models import ActivityLog, ApplicationStatus, Clarification
from grants.services.clarifications import answer_clarification, ask_clarification
from grants.services.errors import ApplicationError, ApplicationPermissionError
from portal.notifications.models import OutboxMessage
from tests.community.factories import OrganisationFactory, member_of
from tests.grants.evaluation_helpers import make_reviewer, reader, reviewed
from tests.portal.factories_accounts import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
S = ApplicationStatus


@pytest.fixture
def staff():
    return StaffFactory(preferred_language="sq", totp=True)


def test_staff_ask_the_applicant_is_mailed_and_the_question_logged(staff):
    application, member = reviewed(S.UNDER_REVIEW)
    clarification = ask_clarification(application.pk, user=staff, question="Who pays the venue?\x00")
    assert clarification.question == "Who pays the venue?" and clarification.asked_by == staff
    entry = ActivityLog.objects.get(application=application, action="clarification_requested")
    assert entry.actor == staff and entry.comment == "Who pays the venue?"
    [mail] = OutboxMessage.objects.filter(template="clarification_requested")
    assert mail.recipient == member.email and application.reference in mail.subject
    assert "Who pays the venue?" in mail.body_text
    assert reverse("grants:application_detail", args=[application.pk]) in mail.body_text


def test_asking_the_same_open_question_twice_keeps_one(staff):
    application, _member = reviewed(S.SUBMITTED)
    first = ask_clarification(application.pk, user=staff, question="Budget line 3?")
    second = ask_clarification(application.pk, user=staff, question="Budget line 3?")
    assert first.pk == second.pk and Clarification.objects.count() == 1
    assert OutboxMessage.objects.filter(template="clarification_requested").count() == 1


@pytest.mark.parametrize("status", [S.DRAFT, S.WITHDRAWN])
def test_no_question_on_drafts_or_withdrawn_applications(staff, status):
    application, _member = reviewed(status)
    with pytest.raises(ApplicationError) as error:
        ask_clarification(application.pk, user=staff, question="Hello?")
    assert error.value.code == "status" and not Clarification.objects.exists()


def test_a_blank_question_is_refused(staff):
    application, _member = reviewed(S.SUBMITTED)
    with pytest.raises(ApplicationError) as error:
        ask_clarification(application.pk, user=staff, question="  \x07 ")
    assert error.value.code == "required"


@pytest.mark.parametrize("who", ["applicant", "reviewer", "plain", "anonymous"])
def test_only_staff_may_ask(who):
    application, member = reviewed(S.SUBMITTED)
    user = {"applicant": lambda: member, "reviewer": make_reviewer, "plain": UserFactory, "anonymous": AnonymousUser}[
        who
    ]()
    with pytest.raises(ApplicationPermissionError):
        ask_clarification(application.pk, user=user, question="Hello?")
    assert not Clarification.objects.exists()


def test_the_applicant_answers_once_staff_are_mailed_in_their_language(staff):
    application, member = reviewed(S.UNDER_REVIEW)
    clarification = ask_clarification(application.pk, user=staff, question="Who pays the venue?")
    answered = answer_clarification(clarification.pk, user=member, answer="  The municipality.\x00 ")
    assert answered.answer == "The municipality." and answered.answered_by == member and answered.is_answered
    entry = ActivityLog.objects.get(application=application, action="clarification_answered")
    assert entry.actor == member and entry.comment == "The municipality."
    [mail] = OutboxMessage.objects.filter(template="clarification_answered")
    assert mail.recipient == staff.email and mail.language == "sq"
    assert "The municipality." in mail.body_text and "Who pays the venue?" in mail.body_text
    assert reverse("grants_applications:inspect", args=[application.pk]) in mail.body_text
    assert answer_clarification(clarification.pk, user=member, answer="The municipality.").pk == clarification.pk
    with pytest.raises(ApplicationError) as error:
        answer_clarification(clarification.pk, user=member, answer="Changed my mind.")
    assert error.value.code == "answered"
    assert OutboxMessage.objects.filter(template="clarification_answered").count() == 1


@pytest.mark.parametrize("who", ["other_member", "reviewer", "staff", "anonymous"])
def test_only_members_of_the_lead_organisation_may_answer(staff, who):
    application, _member = reviewed(S.UNDER_REVIEW)
    clarification = ask_clarification(application.pk, user=staff, question="Why?")
    user = {
        "other_member": lambda: member_of(OrganisationFactory()),
        "reviewer": make_reviewer,
        "staff": lambda: staff,
        "anonymous": AnonymousUser,
    }[who]()
    with pytest.raises(ApplicationPermissionError):
        answer_clarification(clarification.pk, user=user, answer="Because.")
    clarification.refresh_from_db()
    assert not clarification.is_answered


def test_a_blank_answer_is_refused(staff):
    application, member = reviewed(S.UNDER_REVIEW)
    clarification = ask_clarification(application.pk, user=staff, question="Why?")
    with pytest.raises(ApplicationError) as error:
        answer_clarification(clarification.pk, user=member, answer=" ")
    assert error.value.code == "required"


# --- pages ---------------------------------------------------------------------------------------------------------


def answer_url(application, clarification):
    return reverse("grants:clarification_answer", args=[application.pk, clarification.pk])


def test_the_applicant_answers_on_the_application_page(client, staff):
    application, member = reviewed(S.UNDER_REVIEW)
    clarification = ask_clarification(application.pk, user=staff, question="Who pays the venue?")
    client.force_login(member)
    detail = reverse("grants:application_detail", args=[application.pk])
    page = client.get(detail).content.decode()
    assert "Who pays the venue?" in page and answer_url(application, clarification) in page
    too_long = "x" * 6000
    response = client.post(answer_url(application, clarification), {f"answer-{clarification.pk}-answer": too_long})
    assert response.status_code == 200 and too_long in response.content.decode()  # shown again as typed
    response = client.post(
        answer_url(application, clarification), {f"answer-{clarification.pk}-answer": "The municipality."}
    )
    assert response.status_code == 302
    clarification.refresh_from_db()
    assert clarification.answer == "The municipality."
    again = client.post(answer_url(application, clarification), {f"answer-{clarification.pk}-answer": "Other."})
    assert again.status_code == 302
    clarification.refresh_from_db()
    assert clarification.answer == "The municipality."
    page = client.get(detail).content.decode()
    assert "The municipality." in page and answer_url(application, clarification) not in page


def test_the_answer_form_needs_csrf(staff):
    application, member = reviewed(S.UNDER_REVIEW)
    clarification = ask_clarification(application.pk, user=staff, question="Why?")
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(member)
    response = csrf_client.post(answer_url(application, clarification), {f"answer-{clarification.pk}-answer": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize(("who", "expected"), [("other_member", 404), ("staff", 403), ("anonymous", 302)])
def test_who_may_not_answer_on_the_page(client, staff, who, expected):
    application, _member = reviewed(S.UNDER_REVIEW)
    clarification = ask_clarification(application.pk, user=staff, question="Why?")
    if who == "other_member":
        client.force_login(member_of(OrganisationFactory()))
    elif who == "staff":
        client.force_login(staff)
    response = client.post(answer_url(application, clarification), {f"answer-{clarification.pk}-answer": "x"})
    assert response.status_code == expected
    clarification.refresh_from_db()
    assert not clarification.is_answered


def test_staff_ask_from_the_admin_and_see_the_exchange(client):
    application, member = reviewed(S.UNDER_REVIEW)
    staff = reader()
    client.force_login(staff)
    inspect = reverse("grants_applications:inspect", args=[application.pk])
    url = reverse("grants_applications:clarify", args=[application.pk])
    assert url in client.get(inspect).content.decode()
    assert client.post(url, {"question": ""}).status_code == 200  # invalid: shown again
    assert client.post(url, {"question": "Who pays the venue?"}).status_code == 302
    clarification = Clarification.objects.get()
    answer_clarification(clarification.pk, user=member, answer="The municipality.")
    page = client.get(inspect).content.decode()
    assert "Who pays the venue?" in page and "The municipality." in page
    assert "Question asked to the applicant" in page and "Applicant answered a question" in page


@pytest.mark.parametrize("who", ["applicant", "reviewer", "anonymous"])
def test_non_staff_cannot_open_the_admin_question_form(client, who):
    application, member = reviewed(S.UNDER_REVIEW)
    if who == "applicant":
        client.force_login(member)
    elif who == "reviewer":
        client.force_login(make_reviewer())
    url = reverse("grants_applications:clarify", args=[application.pk])
    assert client.get(url).status_code in (302, 403)
    assert client.post(url, {"question": "Hello?"}).status_code in (302, 403)
    assert not Clarification.objects.exists()
