"""The reporting schedule (issue 5, item 2): dated requirements from the frozen call rules at signature (interim
report only for projects longer than the threshold, final report a number of days after the end date, due at the
end of the day in the call's zone), ad-hoc reports and due-date extensions by staff, all logged."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from grants.models import ActivityLog, ReportingRequirement, ReportKind, ReportStatus
from grants.services import reporting
from grants.services.errors import ApplicationPermissionError
from grants.services.report_common import add_months, is_longer_than, midpoint
from tests.grants.agreement_factories import agreement_with_member, make_agreement
from tests.grants.factories import open_call
from tests.portal.factories_accounts import StaffFactory

pytestmark = pytest.mark.django_db
SKOPJE = ZoneInfo("Europe/Skopje")


@pytest.fixture
def staff():
    return StaffFactory()


def local(requirement):
    return requirement.due_at.astimezone(SKOPJE)


def test_six_month_project_gets_only_a_final_report_30_days_after_the_end():
    agreement = make_agreement(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 6, 30))
    [final] = reporting.create_schedule(agreement)
    assert final.kind == ReportKind.FINAL and final.status == ReportStatus.PENDING
    assert local(final) == datetime.datetime(2026, 7, 30, 23, 59, 59, tzinfo=SKOPJE)
    assert final.due_at.utcoffset() == datetime.timedelta(0)  # stored UTC: 21:59:59Z in summer
    assert final.due_at.astimezone(datetime.UTC).hour == 21
    assert final.original_due_at == final.due_at


def test_project_longer_than_six_months_gets_an_interim_report_at_mid_term():
    agreement = make_agreement(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))
    interim, final = reporting.create_schedule(agreement)
    assert interim.kind == ReportKind.INTERIM
    assert local(interim) == datetime.datetime(2026, 7, 2, 23, 59, 59, tzinfo=SKOPJE)
    # The final report falls in winter: 23:59:59 CET is 22:59:59 UTC.
    assert local(final) == datetime.datetime(2027, 1, 30, 23, 59, 59, tzinfo=SKOPJE)
    assert final.due_at.astimezone(datetime.UTC).hour == 22


@pytest.mark.parametrize(
    ("end", "longer"),
    [(datetime.date(2026, 6, 30), False), (datetime.date(2026, 7, 1), True), (datetime.date(2026, 5, 31), False)],
)
def test_the_threshold_is_strict(end, longer):
    assert is_longer_than(datetime.date(2026, 1, 1), end, 6) is longer


def test_month_arithmetic_clamps_and_midpoint_rounds_down():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 11, 15), 3) == datetime.date(2027, 2, 15)
    assert midpoint(datetime.date(2026, 1, 1), datetime.date(2026, 1, 4)) == datetime.date(2026, 1, 2)


def test_rules_come_from_the_frozen_snapshot_not_the_live_call():
    agreement = make_agreement(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 5, 31))
    version = agreement.application.rules_version
    version.rules = {**version.rules, "interim_report_min_months": 3, "final_report_due_days": 45}
    version.save()
    call = agreement.application.call
    call.final_report_due_days = 10  # a later change of the call does not move the schedule
    call.save()
    interim, final = reporting.create_schedule(agreement)
    assert interim.kind == ReportKind.INTERIM
    assert local(final).date() == datetime.date(2026, 7, 15)


def test_old_snapshots_without_the_keys_use_the_defaults():
    agreement = make_agreement(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 9, 30))
    version = agreement.application.rules_version
    version.rules = {k: v for k, v in version.rules.items() if not k.endswith(("_months", "_days"))}
    version.save()
    interim, final = reporting.create_schedule(agreement)
    assert interim.kind == ReportKind.INTERIM and local(final).date() == datetime.date(2026, 10, 30)


def test_due_time_is_the_end_of_the_day_in_the_calls_zone():
    call = open_call(timezone="Europe/Istanbul")
    agreement = make_agreement(call=call, lot=call.lots.get(code="A"), rules_version=call.current_rules())
    [final] = reporting.create_schedule(agreement)
    assert final.due_at.astimezone(datetime.UTC) == datetime.datetime(2026, 7, 30, 20, 59, 59, tzinfo=datetime.UTC)


def test_schedule_is_idempotent_logged_and_links_the_report_tranche():
    agreement = make_agreement(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))
    created = reporting.create_schedule(agreement)
    assert reporting.create_schedule(agreement) == []
    assert ReportingRequirement.objects.filter(agreement=agreement).count() == 2
    assert ActivityLog.objects.filter(application=agreement.application, action="report_added").count() == 2
    tranche = agreement.tranches.get(number=2)
    assert tranche.report == created[1]  # 20 % after the final report is approved


def test_staff_add_an_ad_hoc_report_logged(staff):
    agreement, member = agreement_with_member()
    requirement = reporting.add_ad_hoc_requirement(
        agreement.pk, user=staff, title="Media monitoring update", due_at=datetime.date(2026, 3, 31)
    )
    assert requirement.kind == ReportKind.AD_HOC and requirement.title == "Media monitoring update"
    assert local(requirement) == datetime.datetime(2026, 3, 31, 23, 59, 59, tzinfo=SKOPJE)
    entry = ActivityLog.objects.get(application=agreement.application, action="report_added")
    assert entry.actor == staff and "Media monitoring update" in entry.comment
    with pytest.raises(ApplicationPermissionError):
        reporting.add_ad_hoc_requirement(agreement.pk, user=member, title="x", due_at=datetime.date(2026, 3, 31))
    with pytest.raises(reporting.ReportError):
        reporting.add_ad_hoc_requirement(agreement.pk, user=staff, title="  ", due_at=datetime.date(2026, 3, 31))


def test_ad_hoc_report_refused_for_an_agreement_not_in_force(staff):
    agreement = make_agreement(status="draft")
    with pytest.raises(reporting.ReportError):
        reporting.add_ad_hoc_requirement(agreement.pk, user=staff, title="Extra", due_at=datetime.date(2026, 3, 31))


def test_extension_keeps_the_original_date_and_logs_the_reason(staff):
    agreement, member = agreement_with_member()
    [final] = reporting.create_schedule(agreement)
    first = final.due_at
    reporting.extend_due_date(final.pk, user=staff, new_due_at=datetime.date(2026, 8, 15), reason="Floods in May.")
    final.refresh_from_db()
    assert final.original_due_at == first
    assert local(final) == datetime.datetime(2026, 8, 15, 23, 59, 59, tzinfo=SKOPJE)
    entry = ActivityLog.objects.get(application=agreement.application, action="report_due_extended")
    assert entry.actor == staff and "Floods in May." in entry.comment
    assert "30 July 2026 → 15 August 2026." in entry.comment and "2026-" not in entry.comment


def test_extension_only_to_a_later_date_with_a_reason_by_staff(staff):
    agreement, member = agreement_with_member()
    [final] = reporting.create_schedule(agreement)
    with pytest.raises(reporting.ReportError) as earlier:
        reporting.extend_due_date(final.pk, user=staff, new_due_at=datetime.date(2026, 7, 1), reason="Why not.")
    assert earlier.value.code == "due_at"
    with pytest.raises(reporting.ReportError) as no_reason:
        reporting.extend_due_date(final.pk, user=staff, new_due_at=datetime.date(2026, 9, 1), reason=" ")
    assert no_reason.value.code == "reason_required"
    with pytest.raises(ApplicationPermissionError):
        reporting.extend_due_date(final.pk, user=member, new_due_at=datetime.date(2026, 9, 1), reason="Please.")
    final.refresh_from_db()
    assert final.due_at == final.original_due_at
    assert not ActivityLog.objects.filter(action="report_due_extended").exists()


def test_no_cost_extension_moves_the_final_report(staff):
    agreement = make_agreement(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 6, 30))
    [final] = reporting.create_schedule(agreement)
    agreement.end_date = datetime.date(2026, 8, 31)
    agreement.save()
    moved = reporting.extend_for_new_end_date(agreement, user=staff)
    assert moved.pk == final.pk and local(moved).date() == datetime.date(2026, 9, 30)
    assert moved.original_due_at == final.original_due_at
    assert ActivityLog.objects.filter(application=agreement.application, action="report_due_extended").count() == 1
    assert reporting.extend_for_new_end_date(agreement, user=staff).due_at == moved.due_at  # nothing more to move
    assert ActivityLog.objects.filter(application=agreement.application, action="report_due_extended").count() == 1
