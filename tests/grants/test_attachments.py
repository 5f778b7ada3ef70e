"""Adding, replacing and removing application files (grants.services.attachments): who may, limits, no traces."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from community.models import OrganisationMembership
from grants.models import ActivityLog, Application, ApplicationStatus, Attachment
from grants.services.attachments import add_attachment, remove_attachment
from tests.community.factories import member_of
from tests.grants.factories import ApplicationFactory, RequiredDocumentFactory
from tests.grants.files_samples import HTML, docx_bytes, pdf_bytes, png_bytes, upload, use_private_storage
from tests.portal.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


@pytest.fixture
def private_storage(tmp_path, settings, monkeypatch):
    return use_private_storage(tmp_path, settings, monkeypatch)


@pytest.fixture
def application():
    return ApplicationFactory()


@pytest.fixture
def member(application):
    return member_of(application.organisation, role=OrganisationMembership.Role.MEMBER)


def _document(application, code="registration-certificate"):
    return application.call.required_documents.get(code=code)


def _stored_files(storage):
    root = storage.location
    import os

    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)


def _snapshot(application):
    application.refresh_from_db()
    fields = [f.attname for f in Application._meta.concrete_fields]
    return {name: getattr(application, name) for name in fields}


def test_member_adds_a_file_stored_privately_under_a_generated_key(application, member, private_storage):
    document = _document(application)
    data = pdf_bytes()
    attachment = add_attachment(
        application.pk, user=member, uploaded_file=upload("../../Изјава\u202e.pdf", data), document=document
    )
    attachment.refresh_from_db()
    assert attachment.original_name == "Изјава.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size_bytes == len(data)
    assert attachment.document == document
    assert attachment.uploaded_by == member
    assert len(attachment.sha256) == 64
    assert attachment.file.name.startswith(f"applications/{application.pk}/")
    assert "Изјава" not in attachment.file.name and not attachment.file.name.endswith(".pdf")
    assert _stored_files(private_storage) == [attachment.file.name]
    with private_storage.open(attachment.file.name) as stored:
        assert stored.read() == data
    activity = ActivityLog.objects.get(application=application)
    assert activity.action == "attachment_added" and activity.actor == member
    assert "registration-certificate" in activity.comment


def test_other_files_without_a_document_may_be_several(application, member):
    add_attachment(application.pk, user=member, uploaded_file=upload("a.pdf", pdf_bytes()))
    add_attachment(application.pk, user=member, uploaded_file=upload("b.png", png_bytes()))
    assert application.attachments.count() == 2


def test_uploading_again_for_a_document_replaces_the_file(
    application, member, private_storage, django_capture_on_commit_callbacks
):
    document = _document(application, "budget")
    first = add_attachment(application.pk, user=member, uploaded_file=upload("v1.pdf", pdf_bytes()), document=document)
    first_key = first.file.name
    with django_capture_on_commit_callbacks(execute=True):
        second = add_attachment(
            application.pk, user=member, uploaded_file=upload("v2.docx", docx_bytes()), document=document
        )
    assert list(application.attachments.filter(document=document)) == [second]
    assert _stored_files(private_storage) == [second.file.name]
    assert first_key != second.file.name
    comments = list(ActivityLog.objects.filter(application=application).values_list("comment", flat=True))
    assert "replaces v1.pdf" in comments[-1]


def test_replacing_counts_only_the_new_file_toward_the_total(application, member):
    document = _document(application)
    size = len(pdf_bytes())
    with override_settings(GRANTS_APPLICATION_MAX_TOTAL_BYTES=size + 10):
        add_attachment(application.pk, user=member, uploaded_file=upload("a.pdf", pdf_bytes()), document=document)
        add_attachment(application.pk, user=member, uploaded_file=upload("b.pdf", pdf_bytes()), document=document)
    assert application.attachments.get().original_name == "b.pdf"


def test_total_per_application_exceeded_is_refused_and_says_the_limit(application, member, private_storage):
    size = len(pdf_bytes())
    add_attachment(application.pk, user=member, uploaded_file=upload("a.pdf", pdf_bytes()))
    with override_settings(GRANTS_APPLICATION_MAX_TOTAL_BYTES=size + 100):
        with pytest.raises(ValidationError) as excinfo:
            add_attachment(application.pk, user=member, uploaded_file=upload("b.pdf", pdf_bytes()))
    assert excinfo.value.code == "total_too_large"
    assert "MB per application" in excinfo.value.messages[0]
    assert application.attachments.count() == 1
    assert len(_stored_files(private_storage)) == 1


@pytest.mark.parametrize(
    ("name", "data"),
    [("Izjava.pdf", HTML), ("Izjava.pdf", b"%PDF-1.7 broken"), ("scan.pdf", png_bytes()), ("empty.pdf", b"")],
)
def test_failed_upload_writes_nothing(application, member, private_storage, name, data):
    before = _snapshot(application)
    document = _document(application)
    with pytest.raises(ValidationError):
        add_attachment(application.pk, user=member, uploaded_file=upload(name, data), document=document)
    assert _snapshot(application) == before
    assert not Attachment.objects.exists()
    assert not ActivityLog.objects.exists()
    assert _stored_files(private_storage) == []


def test_failed_replacement_keeps_the_previous_file(application, member, private_storage):
    document = _document(application)
    kept = add_attachment(application.pk, user=member, uploaded_file=upload("ok.pdf", pdf_bytes()), document=document)
    with pytest.raises(ValidationError):
        add_attachment(application.pk, user=member, uploaded_file=upload("bad.pdf", HTML), document=document)
    assert list(application.attachments.all()) == [kept]
    assert _stored_files(private_storage) == [kept.file.name]


def test_database_error_after_storing_removes_the_stored_file(application, member, private_storage, monkeypatch):
    def broken_create(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(ActivityLog.objects, "create", broken_create)
    with pytest.raises(RuntimeError):
        add_attachment(application.pk, user=member, uploaded_file=upload("a.pdf", pdf_bytes()))
    assert not Attachment.objects.exists()
    assert _stored_files(private_storage) == []


def test_document_of_another_call_is_refused(application, member):
    foreign = RequiredDocumentFactory()
    with pytest.raises(ValidationError) as excinfo:
        add_attachment(application.pk, user=member, uploaded_file=upload("a.pdf", pdf_bytes()), document=foreign)
    assert excinfo.value.code == "wrong_document"
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("who", ["stranger", "other_org_member", "staff"])
def test_only_members_of_the_lead_organisation_may_add(application, who, staff_user):
    user = {
        "stranger": lambda: UserFactory(),
        "other_org_member": lambda: member_of(ApplicationFactory().organisation),
        "staff": lambda: staff_user,
    }[who]()
    with pytest.raises(PermissionDenied):
        add_attachment(application.pk, user=user, uploaded_file=upload("a.pdf", pdf_bytes()))
    assert not application.attachments.exists()


def test_anonymous_may_not_add(application):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        add_attachment(application.pk, user=AnonymousUser(), uploaded_file=upload("a.pdf", pdf_bytes()))


@pytest.mark.parametrize("status", [ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN])
def test_member_may_not_change_files_after_submission(application, member, status):
    attachment = add_attachment(application.pk, user=member, uploaded_file=upload("a.pdf", pdf_bytes()))
    Application.objects.filter(pk=application.pk).update(status=status, reference="IW-MK-2025-001")
    with pytest.raises(ValidationError) as excinfo:
        add_attachment(application.pk, user=member, uploaded_file=upload("b.pdf", pdf_bytes()))
    assert excinfo.value.code == "not_editable"
    with pytest.raises(ValidationError):
        remove_attachment(attachment.pk, user=member)
    assert list(application.attachments.all()) == [attachment]


def test_member_may_not_change_files_after_the_deadline(application, member):
    import datetime

    from django.utils import timezone

    application.call.__class__.objects.filter(pk=application.call_id).update(
        closes_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    with pytest.raises(ValidationError) as excinfo:
        add_attachment(application.pk, user=member, uploaded_file=upload("a.pdf", pdf_bytes()))
    assert excinfo.value.code == "not_editable"


def test_member_removes_a_file_and_its_stored_copy(
    application, member, private_storage, django_capture_on_commit_callbacks
):
    attachment = add_attachment(application.pk, user=member, uploaded_file=upload("a.pdf", pdf_bytes()))
    with django_capture_on_commit_callbacks(execute=True):
        remove_attachment(attachment.pk, user=member)
    assert not Attachment.objects.exists()
    assert _stored_files(private_storage) == []
    assert list(ActivityLog.objects.values_list("action", flat=True)) == [
        "attachment_added",
        "attachment_removed",
    ]


@pytest.mark.parametrize("who", ["stranger", "other_org_member", "staff"])
def test_removing_by_a_non_member_is_refused(application, member, who, staff_user, private_storage):
    attachment = add_attachment(application.pk, user=member, uploaded_file=upload("a.pdf", pdf_bytes()))
    user = {
        "stranger": lambda: UserFactory(),
        "other_org_member": lambda: member_of(ApplicationFactory().organisation),
        "staff": lambda: staff_user,
    }[who]()
    with pytest.raises(PermissionDenied):
        remove_attachment(attachment.pk, user=user)
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert _stored_files(private_storage) == [attachment.file.name]
