"""Dates for people (QA walk of issue 5): staff messages, activity-log comments and the admin list columns write
dates as the grant pages do ("1 March 2026", ``j F Y`` in the reader's language), never ISO ("2026-03-01") nor
Django's default "March 1, 2026" / "Mar. 1, 2026"."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from grants.formatting import format_date
from grants.models import ActivityLog
from grants.services.agreements import record_amendment, sign_agreement
from grants.services.errors import ApplicationError
from grants.services.payments import record_payment
from tests.grants.agreement_helpers import make_agreement, signed_pdf
from tests.grants.evaluation_helpers import reader
from tests.grants.factories import open_call

pytestmark = pytest.mark.django_db
SKOPJE = ZoneInfo("Europe/Skopje")


def test_format_date_uses_the_active_language():
    day = datetime.date(2027, 1, 1)
    assert format_date(day) == "1 January 2027"
    with translation.override("mk"):
        assert format_date(day).lower() == "1 јануари 2027"  # Cyrillic month, as the pages write it
    with translation.override("tr"):
        assert format_date(day) == "1 Ocak 2027"
    assert format_date(None) == ""


def test_agreements_admin_list_writes_the_project_period_like_the_pages():
    staff = reader()
    make_agreement(staff)  # 1 March 2026 – 31 October 2026
    client = Client()
    client.force_login(staff)
    html = client.get(reverse("grants_agreements:index")).content.decode()
    assert "1 March 2026" in html and "31 October 2026" in html
    assert "March 1, 2026" not in html and "Mar. 1, 2026" not in html and "Oct. 31, 2026" not in html


def test_calls_admin_list_writes_opening_and_closing_in_the_call_zone(staff_user):
    staff_user.user_permissions.add(*Permission.objects.filter(codename__in=["view_call", "change_call"]))
    opens = datetime.datetime(2026, 1, 15, 9, 0, tzinfo=SKOPJE)
    closes = datetime.datetime(2026, 3, 2, 16, 0, tzinfo=SKOPJE)
    open_call(title="Dated call", opens_at=opens, closes_at=closes)
    client = Client()
    client.force_login(staff_user)
    html = client.get(reverse("grants_calls:index")).content.decode()
    assert "15 January 2026, 09:00" in html and "2 March 2026, 16:00" in html
    assert "Jan. 15, 2026" not in html and "March 2, 2026" not in html


def test_a_tranche_paid_twice_is_refused_with_a_readable_date_and_the_log_reads_the_same():
    staff = reader()
    agreement = make_agreement(staff, status="signed")
    tranche = agreement.tranches.get(number=1)
    record_payment(tranche.pk, user=staff, paid_on=datetime.date(2026, 3, 10), amount_eur="4800.00")
    with pytest.raises(ApplicationError) as refused:
        record_payment(tranche.pk, user=staff, paid_on=datetime.date(2026, 3, 11), amount_eur="4800.00")
    assert "on 10 March 2026" in refused.value.messages[0] and "2026-03-10" not in refused.value.messages[0]
    log = ActivityLog.objects.get(application=agreement.application, action="tranche_paid")
    assert log.comment.endswith(", 10 March 2026")


def test_an_extension_that_is_not_later_names_the_end_date_readably():
    staff = reader()
    agreement = make_agreement(staff, status="signed")
    with pytest.raises(ApplicationError) as refused:
        record_amendment(
            agreement.pk, user=staff, kind="no_cost_extension", reason="r", new_end_date=datetime.date(2026, 9, 1)
        )
    assert refused.value.messages == ["A no-cost extension moves the end date later than 31 October 2026."]


def test_a_signature_dated_before_sending_names_the_day_it_was_sent_readably():
    staff = reader()
    agreement = make_agreement(staff, status="sent")
    sent_day = agreement.sent_at.astimezone(SKOPJE).date()
    with pytest.raises(ApplicationError) as refused:
        sign_agreement(
            agreement.pk,
            user=staff,
            signed_file=signed_pdf(),
            signed_on=sent_day - datetime.timedelta(days=1),
            now=timezone.now(),
        )
    assert refused.value.messages == [
        f"The agreement cannot have been signed before it was sent ({format_date(sent_day)})."
    ]
    assert sent_day.isoformat() not in refused.value.messages[0]
