"""Changing a draft grant agreement before it is sent (QA walk of issue 5): staff correct the project period and the
partners while the agreement is a draft (service :func:`grants.services.agreements.update_draft_agreement`, admin
view ``grants_agreements:edit_draft``); once sent it is refused with a message saying why, and after signature
amendments are the way. Who may and who may not, draft against every later status."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from grants.models import ActivityLog
from grants.services.agreements import terminate_agreement, update_draft_agreement
from grants.services.errors import ApplicationError, ApplicationPermissionError
from tests.community.factories import OrganisationFactory, member_of
from tests.grants.agreement_helpers import END, START, make_agreement
from tests.grants.evaluation_helpers import reader
from tests.portal.factories_accounts import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_START = datetime.date(2026, 4, 1)
NEW_END = datetime.date(2027, 1, 31)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff():
    return reader()


def _state(agreement):
    agreement.refresh_from_db()
    return agreement.start_date, agreement.end_date, set(agreement.partners.values_list("pk", flat=True))


# --- the service ---------------------------------------------------------------------------------------------------


def test_staff_change_the_dates_and_partners_of_a_draft_and_it_is_logged_with_readable_dates(staff):
    agreement = make_agreement(staff, partners=1)
    old_partner = agreement.partners.get()
    new_partner = OrganisationFactory(legal_name="Skopje Budget Watch")
    changes = update_draft_agreement(
        agreement.pk, user=staff, start_date=NEW_START, end_date="2027-01-31", partner_ids=[new_partner.pk]
    )
    assert set(changes) == {"start_date", "end_date", "partners"}
    assert _state(agreement) == (NEW_START, NEW_END, {new_partner.pk})
    log = ActivityLog.objects.get(application=agreement.application, action="agreement_edited")
    assert log.actor == staff
    assert "1 March 2026 – 31 October 2026 → 1 April 2026 – 31 January 2027" in log.comment
    assert old_partner.legal_name in log.comment and "Skopje Budget Watch" in log.comment
    assert "2026-04-01" not in log.comment
    # Amount, budget and tranches stay as awarded.
    assert agreement.amount_eur == 6000 and agreement.tranches.count() == 2


def test_partners_can_be_removed_and_nothing_changed_writes_nothing(staff):
    agreement = make_agreement(staff, partners=2)
    names = sorted(partner.legal_name for partner in agreement.partners.all())
    changes = update_draft_agreement(agreement.pk, user=staff, start_date=START, end_date=END, partner_ids=[])
    assert changes == {"partners": (names, [])}
    assert _state(agreement) == (START, END, set())
    assert "partners: " + "; ".join(names) + " → —" in ActivityLog.objects.get(action="agreement_edited").comment
    assert update_draft_agreement(agreement.pk, user=staff, start_date=START, end_date=END, partner_ids=()) == {}
    assert ActivityLog.objects.filter(action="agreement_edited").count() == 1


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"start_date": "2026-05-01", "end_date": "2026-04-30"}, "dates"),
        ({"start_date": "not a date", "end_date": "2026-04-30"}, "dates"),
        ({"partner_ids": ["grantee"]}, "partners"),
        ({"partner_ids": [999999]}, "partners"),
        ({"partner_ids": ["abc"]}, "partners"),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(staff, kwargs, code):
    agreement = make_agreement(staff, partners=1)
    before = _state(agreement)
    arguments = {"start_date": NEW_START, "end_date": NEW_END, "partner_ids": [], **kwargs}
    if arguments["partner_ids"] == ["grantee"]:
        arguments["partner_ids"] = [agreement.organisation_id]
    with pytest.raises(ApplicationError) as refused:
        update_draft_agreement(agreement.pk, user=staff, **arguments)
    assert refused.value.code == code
    assert _state(agreement) == before
    assert not ActivityLog.objects.filter(action="agreement_edited").exists()


@pytest.mark.parametrize("who", ["grantee_member", "plain_user", "inactive_staff"])
def test_only_staff_may_change_a_draft(staff, who):
    agreement = make_agreement(staff)
    user = {
        "grantee_member": lambda: member_of(agreement.organisation),
        "plain_user": UserFactory,
        "inactive_staff": lambda: StaffFactory(is_active=False),
    }[who]()
    with pytest.raises(ApplicationPermissionError):
        update_draft_agreement(agreement.pk, user=user, start_date=NEW_START, end_date=NEW_END, partner_ids=[])
    assert _state(agreement)[:2] == (START, END)


@pytest.mark.parametrize("status", ["sent", "signed", "active", "terminated"])
def test_after_the_draft_the_change_is_refused_with_a_clear_message(staff, status):
    if status == "terminated":
        agreement = make_agreement(staff)
        terminate_agreement(agreement.pk, user=staff, reason="Withdrawn.")
    else:
        agreement = make_agreement(staff, status=status)
    before = _state(agreement)
    with pytest.raises(ApplicationError) as refused:
        update_draft_agreement(agreement.pk, user=staff, start_date=NEW_START, end_date=NEW_END, partner_ids=[])
    assert refused.value.code == "status"
    assert "Only a draft agreement can be changed" in str(refused.value.messages[0])
    assert "record an amendment" in str(refused.value.messages[0])
    assert _state(agreement) == before


# --- the admin view ------------------------------------------------------------------------------------------------


def test_staff_change_a_draft_through_the_admin(staff):
    agreement = make_agreement(staff, partners=1)
    partner = agreement.partners.get()
    other = OrganisationFactory(legal_name="Ohrid Open Data")
    client = _client(staff)
    inspect = client.get(reverse("grants_agreements:inspect", args=[agreement.pk])).content.decode()
    url = reverse("grants_agreements:edit_draft", args=[agreement.pk])
    assert url in inspect
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="2026-03-01"' in html and "Ohrid Open Data" in html
    assert f'<option value="{partner.pk}" selected>' in html
    assert f'<option value="{agreement.organisation_id}"' not in html  # the grantee is not offered as a partner
    response = client.post(url, {"start_date": "2026-04-01", "end_date": "2027-01-31", "partners": [other.pk]})
    assert response.status_code == 302
    assert response["Location"] == reverse("grants_agreements:inspect", args=[agreement.pk])
    assert _state(agreement) == (NEW_START, NEW_END, {other.pk})
    inspect = client.get(response["Location"]).content.decode()
    assert "The draft agreement was changed." in inspect and "Draft grant agreement changed" in inspect


def test_admin_form_keeps_bad_input_and_changes_nothing(staff):
    agreement = make_agreement(staff)
    response = _client(staff).post(
        reverse("grants_agreements:edit_draft", args=[agreement.pk]),
        {"start_date": "2026-05-01", "end_date": "2026-04-30"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The end date cannot be before the start date." in html and 'value="2026-05-01"' in html
    assert _state(agreement)[:2] == (START, END)


@pytest.mark.parametrize("status", ["sent", "signed"])
def test_admin_refuses_a_sent_or_signed_agreement_with_a_message(staff, status):
    agreement = make_agreement(staff, status=status)
    client = _client(staff)
    url = reverse("grants_agreements:edit_draft", args=[agreement.pk])
    inspect_url = reverse("grants_agreements:inspect", args=[agreement.pk])
    assert url not in client.get(inspect_url).content.decode()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == inspect_url
    message = client.get(inspect_url).content.decode()
    if status == "signed":
        assert "Record an amendment instead." in message
    else:
        assert "Only a draft agreement can be changed." in message
    response = client.post(url, {"start_date": "2026-04-01", "end_date": "2027-01-31"})
    assert response.status_code == 400
    assert "Only a draft agreement can be changed." in response.content.decode()
    assert _state(agreement)[:2] == (START, END)


@pytest.mark.parametrize("who", ["grantee_member", "plain_user", "staff_without_permission"])
def test_who_may_not_open_or_post_the_admin_form(staff, who):
    agreement = make_agreement(staff)
    user = {
        "grantee_member": lambda: member_of(agreement.organisation),
        "plain_user": UserFactory,
        "staff_without_permission": lambda: StaffFactory(is_superuser=False, totp=True),
    }[who]()
    client = _client(user)
    url = reverse("grants_agreements:edit_draft", args=[agreement.pk])
    assert client.get(url).status_code in (302, 403)
    assert client.post(url, {"start_date": "2026-04-01", "end_date": "2027-01-31"}).status_code in (302, 403)
    assert _state(agreement)[:2] == (START, END)


def test_anonymous_is_sent_to_sign_in(staff):
    agreement = make_agreement(staff)
    response = Client().get(reverse("grants_agreements:edit_draft", args=[agreement.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
