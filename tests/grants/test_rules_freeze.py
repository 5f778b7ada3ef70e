"""A call's rules are frozen once it opens: an edit is refused (Call.clean), and applications keep their version."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from grants.models import Call, CallRulesVersion, Lot
from grants.services.submission import check_submission, start_application, submit_application
from tests.community.factories import OrganisationFactory, member_of
from tests.grants.factories import open_call
from tests.grants.test_submission import make_application

pytestmark = pytest.mark.django_db


def _upcoming_call():
    now = timezone.now()
    return open_call(opens_at=now + datetime.timedelta(days=2), closes_at=now + datetime.timedelta(days=20))


def test_an_upcoming_call_may_still_change_and_gets_a_new_version():
    call = _upcoming_call()
    first = call.current_rules()

    call.max_grant = Decimal("14000")
    call.full_clean()
    call.save()

    second = call.current_rules()
    assert (first.number, second.number) == (1, 2)
    assert second.rules["max_grant"] == "14000.00"


def test_editing_a_rule_after_the_rules_were_frozen_is_refused():
    call = open_call()
    call.freeze_rules()

    call.max_grant = Decimal("20000")
    call.closes_at = call.closes_at + datetime.timedelta(days=3)
    with pytest.raises(ValidationError) as refused:
        call.full_clean()

    message = refused.value.messages[0]
    assert message.startswith("The rules of this call are frozen since it opened")
    assert "maximum grant" in message and "deadline" in message


def test_a_call_that_opened_without_applications_is_frozen_too():
    call = open_call()  # opened yesterday; nobody has started an application, so no version is stored
    assert call.rules_frozen_at is None and call.rules_are_frozen

    call.min_years_registered = 3
    with pytest.raises(ValidationError, match="frozen"):
        call.full_clean()


def test_moving_the_opening_into_the_future_does_not_unfreeze_a_call():
    call = open_call()
    call.freeze_rules()

    call.opens_at = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="frozen"):
        call.full_clean()


def test_non_rule_fields_may_change_after_opening():
    call = open_call()
    call.freeze_rules()

    call.title = "Call for proposals: North Macedonia 2025 (corrected title)"
    call.max_grant = Decimal("15000")  # the same amount typed without cents is no change
    call.full_clean()

    assert call.changed_rules() == []


def test_a_lot_edited_after_opening_is_detected():
    call = open_call()
    call.freeze_rules()
    Lot.objects.filter(call=call, code="A").update(max_grant=Decimal("9000"))

    assert call.changed_rules() == ["lots"]
    with pytest.raises(ValidationError, match="lots"):
        call.validate_rules_unchanged()


def test_an_application_keeps_the_rules_it_was_made_under():
    application, user = make_application()
    version = application.rules_version
    call = Call.objects.get(pk=application.call_id)

    # An edit that bypasses clean() (e.g. a data fix in the shell) still changes nothing for the application.
    Call.objects.filter(pk=call.pk).update(max_grant=Decimal("5000"))
    call.refresh_from_db()
    assert call.freeze_rules() == version  # frozen: no new version
    application.refresh_from_db()

    assert application.rules_version == version
    assert version.rules["max_grant"] == "15000.00"
    assert check_submission(application) == []
    assert submit_application(application.pk, user=user).reference


def test_start_after_opening_uses_the_frozen_version():
    call = open_call()
    first = start_application(
        user=member_of(org := OrganisationFactory()), call=call, lot=call.lots.get(code="A"), organisation=org
    )
    Lot.objects.filter(call=call, code="B").update(max_grant=Decimal("11000"))

    second = start_application(
        user=member_of(other := OrganisationFactory()), call=call, lot=call.lots.get(code="B"), organisation=other
    )

    assert first.rules_version == second.rules_version
    assert CallRulesVersion.objects.filter(call=call).count() == 1
