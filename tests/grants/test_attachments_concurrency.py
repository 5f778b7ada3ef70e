"""Parallel uploads to one application on PostgreSQL: the application lock keeps one file per document and the
per-application total.

Without ``select_for_update`` on the application in :func:`grants.services.attachments.add_attachment`, each upload
reads the existing files before any other commits: all of them would see no earlier file for the document (and
leave several rows for it) and all would see room under the total (and exceed it together). With the lock they
run one after the other, each seeing the previous one's commit.
"""

import os
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections

from community.models import OrganisationMembership
from grants.models import Attachment
from grants.services.attachments import add_attachment
from tests.community.factories import member_of
from tests.grants.factories import ApplicationFactory
from tests.grants.files_samples import pdf_bytes, upload, use_private_storage

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 6


@pytest.fixture
def private_storage(tmp_path, settings, monkeypatch):
    return use_private_storage(tmp_path, settings, monkeypatch)


def _run_in_parallel(target, count):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run(index):
        try:
            barrier.wait()
            results.append(target(index))
        except ValidationError as error:
            errors.append(error)
        except Exception as error:  # reported by the assertion in the test
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def _stored_files(storage):
    return [f for _, _, files in os.walk(storage.location) for f in files]


def test_parallel_uploads_for_one_document_leave_one_file(private_storage):
    application = ApplicationFactory()
    member = member_of(application.organisation, role=OrganisationMembership.Role.MEMBER)
    document = application.call.required_documents.get(code="budget")

    results, errors = _run_in_parallel(
        lambda i: add_attachment(
            application.pk, user=member, uploaded_file=upload(f"v{i}.pdf", pdf_bytes()), document=document
        ),
        THREADS,
    )
    assert errors == []
    assert len(results) == THREADS
    assert Attachment.objects.filter(application=application, document=document).count() == 1
    assert len(_stored_files(private_storage)) == 1  # the replaced files were deleted on commit


def test_parallel_uploads_cannot_exceed_the_total_together(private_storage, settings):
    application = ApplicationFactory()
    member = member_of(application.organisation, role=OrganisationMembership.Role.MEMBER)
    size = len(pdf_bytes())
    settings.GRANTS_APPLICATION_MAX_TOTAL_BYTES = 2 * size + 10

    results, errors = _run_in_parallel(
        lambda i: add_attachment(application.pk, user=member, uploaded_file=upload(f"f{i}.pdf", pdf_bytes())),
        THREADS,
    )
    assert len(results) == 2
    assert len(errors) == THREADS - 2
    assert all(isinstance(e, ValidationError) and e.code == "total_too_large" for e in errors)
    assert Attachment.objects.filter(application=application).count() == 2
    assert len(_stored_files(private_storage)) == 2
