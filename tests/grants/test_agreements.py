"""Grant agreements (issue 5, item 1): creation from the award (amounts, budget scaling, tranche split and
rounding), replay, the transition table walked both ways, signature with a checked PDF, amendments with history."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from grants.agreement_workflow import AGREEMENT_TRANSITIONS, FINAL_AGREEMENT_STATUSES, check_transition
from grants.models import (
    ActivityLog,
    AgreementStatus,
    Amendment,
    ApplicationStatus,
    CallRulesVersion,
    GrantAgreement,
    ReportKind,
    TrancheCondition,
)
from grants.services.agreements import (
    activate_agreement,
    activate_started_agreements,
    create_agreement,
    record_amendment,
    scale_lines,
    send_agreement,
    sign_agreement,
    split_tranches,
    terminate_agreement,
)
from grants.services.errors import ApplicationError, ApplicationPermissionError, TransitionNotAllowed
from tests.community.factories import member_of
from tests.grants.agreement_helpers import END, START, add_schedule, awarded, make_agreement, signed_pdf
from tests.grants.evaluation_helpers import at_status
from tests.grants.factories import ApplicationFactory
from tests.portal.factories_accounts import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
A = AgreementStatus


@pytest.fixture
def staff():
    return StaffFactory()


# --- creation ------------------------------------------------------------------------------------------------------


def test_agreement_from_an_award_copies_amount_grantee_partners_budget_and_tranches(staff):
    application = awarded("6000.00", partners=2)
    agreement = create_agreement(application.pk, user=staff, start_date=START, end_date=END)

    assert agreement.amount_eur == Decimal("6000.00")
    assert agreement.organisation == application.organisation
    assert set(agreement.partners.all()) == {p.organisation for p in application.partners.all()}
    assert agreement.reference == f"GA-{application.reference}"
    assert (agreement.start_date, agreement.end_date, agreement.status) == (START, END, A.DRAFT)
    assert [(line.category, line.description, line.total_eur) for line in agreement.budget_lines.all()] == [
        ("staff", "Coordinator", Decimal("6000.00"))
    ]
    tranches = list(agreement.tranches.order_by("number"))
    assert [(t.number, t.percent, t.amount_eur, t.condition) for t in tranches] == [
        (1, Decimal("80"), Decimal("4800.00"), TrancheCondition.SIGNATURE),
        (2, Decimal("20"), Decimal("1200.00"), TrancheCondition.REPORT_APPROVED),
    ]
    entry = ActivityLog.objects.get(application=application, action="agreement_created")
    assert entry.actor == staff and agreement.reference in entry.comment


def test_award_below_the_request_scales_the_lines_to_sum_to_the_award_exactly(staff):
    lines = [
        ("staff", "Coordinator", "3", "1000.00"),
        ("travel", "Trips", "1", "2000.00"),
        ("other", "Print", "1", "1000"),
    ]
    application = awarded("5000.00", lines=lines)
    agreement = create_agreement(application.pk, user=staff, start_date=START, end_date=END)

    totals = [line.total_eur for line in agreement.budget_lines.all()]
    assert sum(totals) == Decimal("5000.00")
    assert totals == [Decimal("2500.00"), Decimal("1666.67"), Decimal("833.33")]


def test_scaling_and_tranche_rounding_always_sum_exactly():
    assert scale_lines([Decimal("1"), Decimal("1"), Decimal("1")], Decimal("100.00")) == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]
    assert scale_lines([Decimal("10.00")], Decimal("10.00")) == [Decimal("10.00")]
    assert split_tranches(Decimal("1000.01"), [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]) == [
        Decimal("333.30"),
        Decimal("333.30"),
        Decimal("333.41"),
    ]


def test_tranches_follow_the_frozen_schedule_with_the_last_taking_the_remainder(staff):
    application = awarded("7777.77")
    rules = dict(application.rules_version.rules)
    rules["payment_schedule"] = [
        {"percent": "40", "condition": "signature"},
        {"percent": "30", "condition": "interim_report_approved"},
        {"percent": "30", "condition": "final_report_approved"},
    ]
    CallRulesVersion.objects.filter(pk=application.rules_version_id).update(rules=rules)
    agreement = create_agreement(application.pk, user=staff, start_date=START, end_date=END)

    amounts = [t.amount_eur for t in agreement.tranches.order_by("number")]
    assert amounts == [Decimal("3111.11"), Decimal("2333.33"), Decimal("2333.33")]
    assert sum(amounts) == Decimal("7777.77")


def test_rules_without_a_schedule_use_the_default_80_20(staff):
    application = awarded("1000.00")
    rules = {k: v for k, v in application.rules_version.rules.items() if k != "payment_schedule"}
    CallRulesVersion.objects.filter(pk=application.rules_version_id).update(rules=rules)
    agreement = create_agreement(application.pk, user=staff, start_date=START, end_date=END)
    assert [t.percent for t in agreement.tranches.all()] == [Decimal("80"), Decimal("20")]


def test_replay_returns_the_same_agreement_and_logs_once(staff):
    application = awarded()
    first = create_agreement(application.pk, user=staff, start_date=START, end_date=END)
    again = create_agreement(application.pk, user=staff, start_date=START, end_date=datetime.date(2027, 1, 1))
    assert again.pk == first.pk and again.end_date == END
    assert GrantAgreement.objects.count() == 1
    assert ActivityLog.objects.filter(action="agreement_created").count() == 1


@pytest.mark.parametrize("status", [ApplicationStatus.RESERVE, ApplicationStatus.REJECTED, ApplicationStatus.REVIEWED])
def test_only_an_awarded_application_gets_an_agreement(staff, status):
    application = at_status(ApplicationFactory(), status)
    with pytest.raises(ApplicationError) as error:
        create_agreement(application.pk, user=staff, start_date=START, end_date=END)
    assert error.value.code == "not_awarded"
    assert not GrantAgreement.objects.exists()


def test_dates_are_checked(staff):
    application = awarded()
    with pytest.raises(ApplicationError) as error:
        create_agreement(application.pk, user=staff, start_date=END, end_date=START)
    assert error.value.code == "dates"
    with pytest.raises(ApplicationError):
        create_agreement(application.pk, user=staff, start_date="not a date", end_date=END)
    assert not GrantAgreement.objects.exists()


def test_only_staff_create_agreements():
    application = awarded()
    member = member_of(application.organisation)
    for user in (member, UserFactory()):
        with pytest.raises(ApplicationPermissionError):
            create_agreement(application.pk, user=user, start_date=START, end_date=END)
    assert not GrantAgreement.objects.exists()


# --- transitions ---------------------------------------------------------------------------------------------------


def _put(agreement, status):
    GrantAgreement.objects.filter(pk=agreement.pk).update(status=status)


def _apply(agreement, to_status, staff):
    if to_status == A.SENT:
        return send_agreement(agreement.pk, user=staff)
    if to_status == A.SIGNED:
        return sign_agreement(agreement.pk, user=staff, signed_file=signed_pdf())
    if to_status == A.ACTIVE:
        return activate_agreement(agreement.pk, user=staff)
    if to_status == A.TERMINATED:
        return terminate_agreement(agreement.pk, user=staff, reason="Grantee dissolved.")
    raise AssertionError(to_status)


STAFF_TARGETS = [A.SENT, A.SIGNED, A.ACTIVE, A.TERMINATED]


@pytest.mark.parametrize(
    ("source", "target"),
    [(s, t) for s in A for t in STAFF_TARGETS if (s, t) in AGREEMENT_TRANSITIONS],
)
def test_every_allowed_staff_transition_goes_through_and_is_logged(staff, source, target):
    agreement = make_agreement(staff)
    _put(agreement, source)
    _apply(agreement, target, staff)
    agreement.refresh_from_db()
    assert agreement.status == target
    assert ActivityLog.objects.filter(
        application=agreement.application, action=AGREEMENT_TRANSITIONS[(source, target)].name
    ).exists()


@pytest.mark.parametrize(
    ("source", "target"),
    [(s, t) for s in A for t in STAFF_TARGETS if (s, t) not in AGREEMENT_TRANSITIONS],
)
def test_every_forbidden_transition_is_refused_and_changes_nothing(staff, source, target):
    agreement = make_agreement(staff)
    _put(agreement, source)
    with pytest.raises(TransitionNotAllowed):
        _apply(agreement, target, staff)
    agreement.refresh_from_db()
    assert agreement.status == source
    assert not agreement.signed_file


def test_completion_is_only_for_the_system_and_final_statuses_are_final():
    assert FINAL_AGREEMENT_STATUSES == {A.COMPLETED, A.TERMINATED}
    with pytest.raises(TransitionNotAllowed):
        check_transition(A.ACTIVE, A.COMPLETED, "staff")
    assert check_transition(A.ACTIVE, A.COMPLETED, "system").name == "agreement_completed"


def test_signature_stores_the_pdf_marks_signature_tranches_due_and_links_report_tranches(staff):
    agreement = make_agreement(staff, status="sent")
    requirements = add_schedule(agreement)
    sign_agreement(agreement.pk, user=staff, signed_file=signed_pdf("Уговор.pdf"))
    agreement.refresh_from_db()
    assert agreement.status == A.SIGNED and agreement.signed_at is not None
    assert agreement.signed_file_name == "Уговор.pdf"
    assert agreement.signed_file.name.startswith(f"agreements/{agreement.application_id}/")
    first, second = agreement.tranches.order_by("number")
    assert first.due_since is not None
    final = next(r for r in requirements if r.kind == ReportKind.FINAL)
    assert second.report_id == final.pk


def test_interim_tranche_links_to_the_interim_report_or_the_final_when_there_is_none(staff):
    for with_interim in (True, False):
        application = awarded("1000.00")
        rules = dict(application.rules_version.rules)
        rules["payment_schedule"] = [
            {"percent": "50", "condition": "signature"},
            {"percent": "30", "condition": "interim_report_approved"},
            {"percent": "20", "condition": "final_report_approved"},
        ]
        CallRulesVersion.objects.filter(pk=application.rules_version_id).update(rules=rules)
        agreement = create_agreement(application.pk, user=staff, start_date=START, end_date=END)
        send_agreement(agreement.pk, user=staff)
        requirements = {r.kind: r for r in add_schedule(agreement, interim=with_interim)}
        sign_agreement(agreement.pk, user=staff, signed_file=signed_pdf())
        _first, interim_tranche, final_tranche = agreement.tranches.order_by("number")
        expected = requirements[ReportKind.INTERIM if with_interim else ReportKind.FINAL]
        assert interim_tranche.report_id == expected.pk
        assert final_tranche.report_id == requirements[ReportKind.FINAL].pk


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("agreement.pdf", b"<html><body>not a pdf</body></html>"),
        ("agreement.png", b"\x89PNG\r\n\x1a\n" + b"0" * 50),
        ("agreement.pdf", b""),
    ],
)
def test_a_refused_signed_file_keeps_the_agreement_as_it_was(staff, name, content):
    agreement = make_agreement(staff, status="sent")
    with pytest.raises(ApplicationError) as error:
        sign_agreement(agreement.pk, user=staff, signed_file=SimpleUploadedFile(name, content))
    assert error.value.code == "file"
    agreement.refresh_from_db()
    assert agreement.status == A.SENT and not agreement.signed_file and agreement.signed_at is None


def test_a_png_is_not_a_signed_agreement(staff):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "PNG")
    agreement = make_agreement(staff, status="sent")
    with pytest.raises(ApplicationError):
        sign_agreement(agreement.pk, user=staff, signed_file=SimpleUploadedFile("scan.png", buffer.getvalue()))
    agreement.refresh_from_db()
    assert agreement.status == A.SENT


def test_the_system_activates_only_once_the_start_date_is_reached(staff):
    agreement = make_agreement(staff, status="signed")
    before = datetime.datetime(2026, 2, 28, 21, 0, tzinfo=datetime.UTC)  # 22:00 in Skopje, still 28 February
    assert activate_started_agreements(now=before) == []
    with pytest.raises(ApplicationError):
        activate_agreement(agreement.pk, now=before)
    on_start = datetime.datetime(2026, 2, 28, 23, 30, tzinfo=datetime.UTC)  # 00:30 on 1 March in Skopje
    assert activate_started_agreements(now=on_start) == [agreement.pk]
    assert activate_started_agreements(now=on_start) == []
    agreement.refresh_from_db()
    assert agreement.status == A.ACTIVE
    assert ActivityLog.objects.filter(action="agreement_activated", actor=None).count() == 1


def test_termination_needs_a_reason(staff):
    agreement = make_agreement(staff, status="signed")
    with pytest.raises(ApplicationError) as error:
        terminate_agreement(agreement.pk, user=staff, reason="  ")
    assert error.value.code == "reason_required"
    terminate_agreement(agreement.pk, user=staff, reason="Project abandoned.")
    agreement.refresh_from_db()
    assert agreement.status == A.TERMINATED and agreement.termination_reason == "Project abandoned."


def test_non_staff_cannot_change_an_agreement(staff):
    agreement = make_agreement(staff)
    member = member_of(agreement.organisation)
    with pytest.raises(ApplicationPermissionError):
        send_agreement(agreement.pk, user=member)
    with pytest.raises(ApplicationPermissionError):
        terminate_agreement(agreement.pk, user=member, reason="x")
    agreement.refresh_from_db()
    assert agreement.status == A.DRAFT


# --- amendments ----------------------------------------------------------------------------------------------------


def test_no_cost_extension_moves_the_end_date_and_keeps_history(staff):
    agreement = make_agreement(staff, status="signed")
    new_end = datetime.date(2026, 12, 31)
    amendment = record_amendment(
        agreement.pk, user=staff, kind="no_cost_extension", reason="Elections moved.", new_end_date=new_end
    )
    agreement.refresh_from_db()
    assert agreement.end_date == new_end
    assert amendment.changes == {"end_date": ["2026-10-31", "2026-12-31"]}
    assert ActivityLog.objects.filter(action="agreement_amended", comment__contains="Elections moved.").exists()
    record_amendment(
        agreement.pk, user=staff, kind="no_cost_extension", reason="Again.", new_end_date=datetime.date(2027, 1, 31)
    )
    assert [a.changes["end_date"] for a in Amendment.objects.filter(agreement=agreement)] == [
        ["2026-10-31", "2026-12-31"],
        ["2026-12-31", "2027-01-31"],
    ]


@pytest.mark.parametrize("new_end", [None, "", "garbage", datetime.date(2026, 10, 31), datetime.date(2026, 5, 1)])
def test_an_extension_must_move_the_end_date_later(staff, new_end):
    agreement = make_agreement(staff, status="signed")
    with pytest.raises(ApplicationError) as error:
        record_amendment(agreement.pk, user=staff, kind="no_cost_extension", reason="r", new_end_date=new_end)
    assert error.value.code == "amendment"
    agreement.refresh_from_db()
    assert agreement.end_date == END and not Amendment.objects.exists()


def _two_line_agreement(staff):
    return make_agreement(
        staff, status="signed", lines=[("staff", "Coordinator", "4", "1000"), ("travel", "Trips", "1", "2000")]
    )


def test_reallocation_changes_lines_but_not_the_total_and_keeps_before_and_after(staff):
    agreement = _two_line_agreement(staff)
    first, second = agreement.budget_lines.all()
    amendment = record_amendment(
        agreement.pk,
        user=staff,
        kind="budget_reallocation",
        reason="More travel.",
        reallocation={first.pk: Decimal("3500.00"), second.pk: "2500"},
    )
    assert amendment.changes == {
        "lines": {str(first.pk): ["4000.00", "3500.00"], str(second.pk): ["2000.00", "2500.00"]}
    }
    assert [line.total_eur for line in agreement.budget_lines.all()] == [Decimal("3500.00"), Decimal("2500.00")]


@pytest.mark.parametrize(
    "values",
    [
        {0: "3000", 1: "2000"},  # total changes
        {0: "-1", 1: "6001"},  # negative
        {0: "abc", 1: "2000"},  # not a number
        {0: "4000.001", 1: "1999.999"},  # more than two decimals
        {0: "4000", 1: "2000"},  # nothing changes
    ],
)
def test_bad_reallocations_are_refused_and_change_nothing(staff, values):
    agreement = _two_line_agreement(staff)
    lines = list(agreement.budget_lines.all())
    with pytest.raises(ApplicationError) as error:
        record_amendment(
            agreement.pk,
            user=staff,
            kind="budget_reallocation",
            reason="r",
            reallocation={lines[i].pk: v for i, v in values.items()},
        )
    assert error.value.code == "amendment"
    assert [line.total_eur for line in agreement.budget_lines.all()] == [Decimal("4000.00"), Decimal("2000.00")]
    assert not Amendment.objects.exists()


def test_reallocation_refuses_a_line_of_another_agreement(staff):
    agreement = _two_line_agreement(staff)
    other = _two_line_agreement(staff)
    line = agreement.budget_lines.first()
    foreign = other.budget_lines.first()
    with pytest.raises(ApplicationError):
        record_amendment(
            agreement.pk,
            user=staff,
            kind="budget_reallocation",
            reason="r",
            reallocation={line.pk: "3000", foreign.pk: "1000"},
        )


@pytest.mark.parametrize("status", [A.DRAFT, A.SENT, A.COMPLETED, A.TERMINATED])
def test_only_signed_or_active_agreements_are_amended(staff, status):
    agreement = make_agreement(staff)
    _put(agreement, status)
    with pytest.raises(ApplicationError) as error:
        record_amendment(
            agreement.pk, user=staff, kind="no_cost_extension", reason="r", new_end_date=datetime.date(2027, 1, 1)
        )
    assert error.value.code == "status"


def test_the_periodic_task_activates_started_agreements_once(staff):
    from grants.tasks import activate_started_agreements as task

    agreement = make_agreement(staff, status="signed")
    later = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)
    assert task(now=later) == 1
    assert task(now=later) == 0
    agreement.refresh_from_db()
    assert agreement.status == A.ACTIVE


def test_the_activation_task_is_scheduled():
    from django.conf import settings

    assert (
        settings.CELERY_BEAT_SCHEDULE["grants-activate-started-agreements"]["task"]
        == "grants.tasks.activate_started_agreements"
    )
