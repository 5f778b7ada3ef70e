"""Screening of submitted applications (issue 4, item 2): the prefilled check, recording it (eligible/ineligible
through the workflow, the log, the mail with reasons), replays, refusals, and the staff admin form."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse

from grants.models import (
    ActivityLog,
    ApplicationStatus,
    EligibilityCheck,
    EligibilityCheckItem,
    ScreeningOutcome,
)
from grants.services.errors import ApplicationError, ApplicationPermissionError
from grants.services.screening import ADMINISTRATIVE_CODES, prefill_screening, record_screening
from grants.services.submission import submit_application
from portal.notifications.models import OutboxMessage
from tests.community.factories import member_of
from tests.grants.test_submission import make_application
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

RULE_CODES = ["country", "years_registered", "annual_budget", "organisation_type", *ADMINISTRATIVE_CODES]
HOUR = datetime.timedelta(hours=1)


def submitted(annual_budget=None, **kwargs):
    """A complete application submitted before the deadline; returns ``(application, applicant, after)`` with
    ``after`` a moment past the deadline (when screening may start). ``annual_budget`` (EUR): the organisation's
    budget as updated after submission (the screening reads the organisation's data when it is made)."""
    application, applicant = make_application(**kwargs)
    closes_at = application.call.closes_at
    submit_application(application.pk, user=applicant, now=closes_at - HOUR)
    if annual_budget is not None:
        application.organisation.annual_budget_eur = Decimal(annual_budget)
        application.organisation.save()
    application.refresh_from_db()
    return application, applicant, closes_at + HOUR


def all_met(application, now):
    return [{"code": item["code"], "met": True, "reason": ""} for item in prefill_screening(application, now=now)]


def with_unmet(application, now, code, reason):
    items = all_met(application, now)
    for item in items:
        if item["code"] == code:
            item.update(met=False, reason=reason)
    return items


def ineligible_mails(application):
    return OutboxMessage.objects.filter(template="application_ineligible", dedupe_key__endswith=f"-{application.pk}")


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


@pytest.fixture
def reader(staff_user):
    staff_user.user_permissions.add(Permission.objects.get(codename="view_application"))
    return staff_user


# --- prefill -------------------------------------------------------------------------------------------------------


def test_prefill_lists_the_call_rules_and_administrative_items_all_met_for_a_complete_application():
    application, _applicant, after = submitted()
    items = prefill_screening(application, now=after)
    assert [item["code"] for item in items] == RULE_CODES
    assert all(item["met"] for item in items), items
    assert all(item["label"] and item["reason"] for item in items)
    labels = {item["code"]: item["label"] for item in items}
    assert labels["documents"] == "All required documents attached"
    assert labels["budget_total"] == "Budget total equals the requested amount"
    assert labels["grant_limits"] == "Within the lot's grant limits"


def test_prefill_reads_the_organisation_data():
    application, _applicant, after = submitted(annual_budget="90000")
    items = {item["code"]: item for item in prefill_screening(application, now=after)}
    assert items["annual_budget"]["met"] is False  # lot A accepts organisations up to EUR 50,000
    assert "90,000.00" in items["annual_budget"]["reason"]
    assert items["country"]["met"] is True


def test_prefill_flags_missing_documents_budget_mismatch_and_amount_outside_limits():
    application, _applicant, after = submitted()
    application.attachments.all().delete()
    application.budget_lines.update(total_eur=Decimal("100.00"))
    application.requested_amount_eur = Decimal("9000.00")  # lot A: EUR 4,000 to 8,000
    application.save(update_fields=["requested_amount_eur"])
    items = {item["code"]: item for item in prefill_screening(application, now=after)}
    assert items["documents"]["met"] is False and "Registration certificate" in items["documents"]["reason"]
    assert items["budget_total"]["met"] is False and "100.00" in items["budget_total"]["reason"]
    assert items["grant_limits"]["met"] is False and "9,000.00" in items["grant_limits"]["reason"]


# --- record --------------------------------------------------------------------------------------------------------


def test_all_met_makes_the_application_eligible_logs_it_and_mails_nobody(staff):
    application, _applicant, after = submitted()
    check = record_screening(application.pk, user=staff, items=all_met(application, after), now=after)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ELIGIBLE
    assert check.outcome == ScreeningOutcome.ELIGIBLE and check.checked_by == staff and check.checked_at == after
    assert list(check.items.values_list("code", flat=True)) == RULE_CODES
    assert all(check.items.values_list("met", flat=True))
    entry = ActivityLog.objects.get(application=application, action="found_eligible")
    assert (entry.actor, entry.from_status, entry.to_status) == (staff, "submitted", "eligible")
    assert not ineligible_mails(application).exists()


def test_one_unmet_rule_makes_it_ineligible_mails_the_reason_and_logs_it(staff):
    application, applicant, after = submitted()
    items = with_unmet(application, after, "documents", "The registration certificate is unsigned.")
    check = record_screening(application.pk, user=staff, items=items, comment="Ask us if unclear.", now=after)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INELIGIBLE
    assert check.outcome == ScreeningOutcome.INELIGIBLE
    assert check.items.get(code="documents").reason == "The registration certificate is unsigned."
    entry = ActivityLog.objects.get(application=application, action="found_ineligible")
    assert "The registration certificate is unsigned." in entry.comment and "Ask us if unclear." in entry.comment
    [mail] = ineligible_mails(application)
    assert mail.recipient == applicant.email
    assert application.reference in mail.subject
    assert "All required documents attached: The registration certificate is unsigned." in mail.body_text
    assert "Ask us if unclear." in mail.body_text
    assert "Country" not in mail.body_text  # only unmet rules are listed
    assert "The registration certificate is unsigned." in mail.body_html


def test_unmet_without_a_reason_keeps_the_proposed_reason(staff):
    application, _applicant, after = submitted(annual_budget="90000")
    items = [
        {"code": item["code"], "met": item["met"], "reason": ""} for item in prefill_screening(application, now=after)
    ]
    check = record_screening(application.pk, user=staff, items=items, now=after)
    assert check.outcome == ScreeningOutcome.INELIGIBLE
    assert "90,000.00" in check.items.get(code="annual_budget").reason
    assert "90,000.00" in ineligible_mails(application).get().body_text


def test_the_mail_is_in_each_recipients_language(staff):
    application, applicant, after = submitted(annual_budget="90000")
    turkish = member_of(application.organisation, preferred_language="tr")
    items = [{"code": i["code"], "met": i["met"], "reason": ""} for i in prefill_screening(application, now=after)]
    record_screening(application.pk, user=staff, items=items, now=after)
    english = ineligible_mails(application).get(recipient=applicant.email)
    other = ineligible_mails(application).get(recipient=turkish.email)
    assert other.language == "tr"
    assert "Annual budget" in english.body_text
    assert "Annual budget" not in other.body_text and other.subject != english.subject


def test_replay_makes_one_check_one_log_entry_and_one_mail(staff):
    application, _applicant, after = submitted()
    items = with_unmet(application, after, "grant_limits", "Over the limit.")
    first = record_screening(application.pk, user=staff, items=items, now=after)
    second = record_screening(application.pk, user=staff, items=items, now=after + HOUR)
    assert first.pk == second.pk
    assert EligibilityCheck.objects.filter(application=application).count() == 1
    assert EligibilityCheckItem.objects.filter(eligibility_check__application=application).count() == len(RULE_CODES)
    assert ActivityLog.objects.filter(application=application, action="found_ineligible").count() == 1
    assert ineligible_mails(application).count() == 1


def test_refused_before_the_deadline_and_nothing_written(staff):
    application, _applicant, after = submitted()
    before = application.call.closes_at - datetime.timedelta(minutes=1)
    with pytest.raises(ApplicationError) as error:
        record_screening(application.pk, user=staff, items=all_met(application, before), now=before)
    assert error.value.code == "guard"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert not EligibilityCheck.objects.exists()


def test_refused_unless_submitted(staff):
    application, _applicant = make_application()  # a draft
    after = application.call.closes_at + HOUR
    with pytest.raises(ApplicationError) as error:
        record_screening(application.pk, user=staff, items=all_met(application, after), now=after)
    assert error.value.code == "status"
    assert not EligibilityCheck.objects.exists()


def test_refused_for_the_applicant_and_other_non_staff(staff):
    application, applicant, after = submitted()
    items = all_met(application, after)
    for user in (applicant, UserFactory(), UserFactory(is_staff=True, is_active=False)):
        with pytest.raises(ApplicationPermissionError):
            record_screening(application.pk, user=user, items=items, now=after)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert not EligibilityCheck.objects.exists()


def test_items_must_match_the_proposed_rules(staff):
    application, _applicant, after = submitted()
    items = all_met(application, after)
    for bad in (items[:-1], [*items, {"code": "bogus", "met": True, "reason": ""}], [*items, items[0]]):
        with pytest.raises(ApplicationError) as error:
            record_screening(application.pk, user=staff, items=bad, now=after)
        assert error.value.code == "items"
    assert not EligibilityCheck.objects.exists()


def decided_as_proposed(application, now, **overrides):
    """Every item as proposed with a blank reason; ``overrides``: ``code=(met, reason)``."""
    items = [{"code": i["code"], "met": i["met"], "reason": ""} for i in prefill_screening(application, now=now)]
    for item in items:
        if item["code"] in overrides:
            item["met"], item["reason"] = overrides[item["code"]]
    return items


def assert_nothing_written(application):
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert not EligibilityCheck.objects.exists() and not EligibilityCheckItem.objects.exists()
    assert not ActivityLog.objects.filter(application=application, action__startswith="found_").exists()
    assert not ineligible_mails(application).exists()


def test_not_met_against_a_met_proposal_needs_a_reason_of_staffs_own(staff):
    """The QA case: "annual budget" proposed as met, set to not met with the reason blank (or left as the
    pre-filled proposal, which says the rule is met) was recorded as ineligible and mailed the "met" reason."""
    application, _applicant, after = submitted()
    proposed = {item["code"]: item for item in prefill_screening(application, now=after)}
    assert proposed["annual_budget"]["met"] is True
    for reason in ("", "   ", proposed["annual_budget"]["reason"]):
        items = decided_as_proposed(application, after, annual_budget=(False, reason))
        with pytest.raises(ApplicationError) as error:
            record_screening(application.pk, user=staff, items=items, now=after)
        assert error.value.code == "reason_required"
        [message] = error.value.messages
        assert "“Annual budget” was proposed as met" in message
    assert_nothing_written(application)

    items = decided_as_proposed(application, after, annual_budget=(False, "The audited accounts show EUR 80,000."))
    check = record_screening(application.pk, user=staff, items=items, now=after)
    assert check.outcome == ScreeningOutcome.INELIGIBLE
    assert check.items.get(code="annual_budget").reason == "The audited accounts show EUR 80,000."
    body = ineligible_mails(application).get().body_text
    assert "Annual budget: The audited accounts show EUR 80,000." in body
    assert proposed["annual_budget"]["reason"] not in body


def test_met_against_an_unmet_proposal_needs_a_reason_of_staffs_own(staff):
    application, _applicant, after = submitted(annual_budget="90000")
    proposed = {item["code"]: item for item in prefill_screening(application, now=after)}
    assert proposed["annual_budget"]["met"] is False
    for reason in ("", proposed["annual_budget"]["reason"]):
        items = decided_as_proposed(application, after, annual_budget=(True, reason))
        with pytest.raises(ApplicationError) as error:
            record_screening(application.pk, user=staff, items=items, now=after)
        assert error.value.code == "reason_required"
        assert "“Annual budget” was proposed as not met" in error.value.messages[0]
    assert_nothing_written(application)
    items = decided_as_proposed(application, after, annual_budget=(True, "Budget is EUR 45,000 per the 2025 audit."))
    check = record_screening(application.pk, user=staff, items=items, now=after)
    assert check.outcome == ScreeningOutcome.ELIGIBLE
    assert check.items.get(code="annual_budget").reason == "Budget is EUR 45,000 per the 2025 audit."


def test_every_rule_decided_against_its_proposal_without_a_reason_is_named(staff):
    application, _applicant, after = submitted()
    items = decided_as_proposed(application, after, country=(False, ""), documents=(False, ""))
    with pytest.raises(ApplicationError) as error:
        record_screening(application.pk, user=staff, items=items, now=after)
    assert error.value.code == "reason_required"
    assert len(error.value.messages) == 2
    assert "“Country" in error.value.messages[0] and "“All required documents attached”" in error.value.messages[1]
    assert_nothing_written(application)


def test_agreeing_with_the_proposal_keeps_the_proposed_reason_when_blank_or_unchanged(staff):
    application, _applicant, after = submitted(annual_budget="90000")
    proposed = {item["code"]: item for item in prefill_screening(application, now=after)}
    items = decided_as_proposed(application, after, country=(True, proposed["country"]["reason"]))
    check = record_screening(application.pk, user=staff, items=items, now=after)
    assert check.outcome == ScreeningOutcome.INELIGIBLE
    stored = {item.code: item.reason for item in check.items.all()}
    assert stored["country"] == proposed["country"]["reason"]
    assert stored["annual_budget"] == proposed["annual_budget"]["reason"]


# --- admin ---------------------------------------------------------------------------------------------------------


def screen_url(application):
    return reverse("grants_applications:screen", args=[application.pk])


def form_data(application, now, **overrides):
    data = {"comment": ""}
    for item in prefill_screening(application, now=now):
        data[f"met_{item['code']}"] = "yes"
        data[f"reason_{item['code']}"] = item["reason"]
    data.update(overrides)
    return data


def test_inspect_view_links_to_the_screen_only_after_the_deadline(client, reader):
    application, _applicant, after = submitted()
    client.force_login(reader)
    inspect = reverse("grants_applications:inspect", args=[application.pk])
    with time_machine.travel(application.call.closes_at - HOUR, tick=False):
        assert screen_url(application) not in client.get(inspect).content.decode()
    with time_machine.travel(after, tick=False):
        assert screen_url(application) in client.get(inspect).content.decode()


def test_admin_form_renders_the_prefilled_items_and_posts(client, reader):
    application, _applicant, after = submitted()
    client.force_login(reader)
    with time_machine.travel(after, tick=False):
        response = client.get(screen_url(application))
        assert response.status_code == 200
        page = response.content.decode()
        assert "All required documents attached" in page and "csrfmiddlewaretoken" in page
        data = form_data(application, after, met_documents="no", reason_documents="Certificate expired.")
        response = client.post(screen_url(application), data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INELIGIBLE
    assert application.eligibility_check.items.get(code="documents").reason == "Certificate expired."
    with time_machine.travel(after, tick=False):
        page = client.get(reverse("grants_applications:inspect", args=[application.pk])).content.decode()
    assert "Certificate expired." in page and screen_url(application) not in page


def test_admin_double_post_makes_one_check_and_one_mail(client, reader):
    application, _applicant, after = submitted()
    client.force_login(reader)
    data = form_data(application, after, met_grant_limits="no", reason_grant_limits="Too much.")
    with time_machine.travel(after, tick=False):
        assert client.post(screen_url(application), data).status_code == 302
        assert client.post(screen_url(application), data).status_code == 302
    assert EligibilityCheck.objects.filter(application=application).count() == 1
    assert ineligible_mails(application).count() == 1


def test_admin_form_rejects_bad_input_without_a_500(client, reader):
    application, _applicant, after = submitted()
    client.force_login(reader)
    data = form_data(application, after, met_country="maybe", comment="x" * 6000, reason_country="a\x00b")
    with time_machine.travel(after, tick=False):
        response = client.post(screen_url(application), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_admin_screen_requires_csrf(reader):
    from django.test import Client

    application, _applicant, after = submitted()
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(reader)
    with time_machine.travel(after, tick=False):
        response = csrf_client.post(screen_url(application), form_data(application, after))
    assert response.status_code == 403
    assert not EligibilityCheck.objects.exists()


def test_admin_screen_before_the_deadline_redirects_without_recording(client, reader):
    application, _applicant, _after = submitted()
    client.force_login(reader)
    with time_machine.travel(application.call.closes_at - HOUR, tick=False):
        assert client.get(screen_url(application)).status_code == 302
        response = client.post(screen_url(application), form_data(application, application.call.closes_at - HOUR))
    assert response.status_code == 200 and response.context["error"]
    assert not EligibilityCheck.objects.exists()


def test_who_may_open_the_screen(client, reader, staff_user):
    application, applicant, after = submitted()
    url = screen_url(application)
    with time_machine.travel(after, tick=False):
        assert client.get(url).status_code == 302  # anonymous → login
        assert "login" in client.get(url)["Location"]
        client.force_login(applicant)  # the applicant, even with the admin permissions
        applicant.user_permissions.add(*Permission.objects.filter(codename__in=["access_admin", "view_application"]))
        assert client.get(url).status_code in (302, 403)
        assert client.post(url, form_data(application, after)).status_code in (302, 403)
        client.force_login(staff_user)  # staff without grants.view_application
        staff_user.user_permissions.remove(Permission.objects.get(codename="view_application"))
        assert client.get(url).status_code in (302, 403)
        other = UserFactory(is_staff=True)  # staff without admin access
        client.force_login(other)
        assert client.get(url).status_code in (302, 403)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert not EligibilityCheck.objects.exists()


def test_reader_may_open_the_screen(client, reader):
    application, _applicant, after = submitted()
    client.force_login(reader)
    with time_machine.travel(after, tick=False):
        assert client.get(screen_url(application)).status_code == 200


def test_admin_form_says_when_the_proposed_reason_is_kept(client, reader):
    application, _applicant, after = submitted()
    client.force_login(reader)
    with time_machine.travel(after, tick=False):
        page = client.get(screen_url(application)).content.decode()
    assert "Keep it only if you agree with the proposal" in page
    assert 'id="screening-reason-help"' in page and 'aria-describedby="screening-reason-help"' in page


@pytest.mark.parametrize("reason", ["", "prefilled"])
def test_admin_not_met_against_a_met_proposal_without_an_own_reason_comes_back_as_typed(client, reader, reason):
    application, _applicant, after = submitted()
    client.force_login(reader)
    proposed = {item["code"]: item for item in prefill_screening(application, now=after)}
    typed = proposed["annual_budget"]["reason"] if reason == "prefilled" else reason
    data = form_data(
        application,
        after,
        met_annual_budget="no",
        reason_annual_budget=typed,
        met_documents="no",
        reason_documents="Certificate expired.",
        comment="Typed comment kept.",
    )
    with time_machine.travel(after, tick=False):
        response = client.post(screen_url(application), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "“Annual budget” was proposed as met" in form.errors["reason_annual_budget"][0]
    assert "reason_documents" not in form.errors
    page = response.content.decode()
    assert "proposed as met" in page
    assert "Typed comment kept." in page and "Certificate expired." in page
    assert form["met_annual_budget"].value() == "no"
    assert_nothing_written(application)


def test_admin_screen_shows_the_services_reason_required_refusal(client, reader, monkeypatch):
    """The service's own check (e.g. the proposal changed between the page and the POST) comes back on the form."""
    from grants import admin_views

    application, _applicant, after = submitted()
    client.force_login(reader)
    data = form_data(application, after, met_annual_budget="no", reason_annual_budget="", comment="Kept.")
    monkeypatch.setattr(admin_views.ScreeningForm, "clean", lambda self: self.cleaned_data)
    with time_machine.travel(after, tick=False):
        response = client.post(screen_url(application), data)
    assert response.status_code == 200
    assert "“Annual budget” was proposed as met" in response.context["error"]
    assert "Kept." in response.content.decode()
    assert_nothing_written(application)
