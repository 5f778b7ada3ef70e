"""The daily sweep of application files that no attachment row points at."""

import datetime
import os

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from grants.tasks import sweep_orphaned_attachment_files
from tests.grants.factories import ApplicationFactory
from tests.grants.files_samples import use_private_storage

pytestmark = pytest.mark.django_db


@pytest.fixture
def storage(tmp_path, settings, monkeypatch):
    return use_private_storage(tmp_path, settings, monkeypatch)


def _age(storage, key, hours):
    """Set the file's modified time ``hours`` into the past."""
    when = (timezone.now() - datetime.timedelta(hours=hours)).timestamp()
    os.utime(storage.path(key), (when, when))


def test_old_orphans_go_young_orphans_and_referenced_files_stay(storage):
    application = ApplicationFactory()
    kept = application.attachments.create(
        file=ContentFile(b"%PDF-1.4 kept", name="x"),
        original_name="kept.pdf",
        content_type="application/pdf",
        size_bytes=13,
        sha256="0" * 64,
    )
    orphan = storage.save(f"applications/{application.pk}/deadbeef", ContentFile(b"left behind"))
    fresh = storage.save(f"applications/{application.pk}/cafebabe", ContentFile(b"upload in flight"))
    _age(storage, kept.file.name, 48)
    _age(storage, orphan, 48)

    assert sweep_orphaned_attachment_files() == 1
    assert not storage.exists(orphan)
    assert storage.exists(fresh)  # younger than the grace period: may belong to a commit in progress
    assert storage.exists(kept.file.name)
    assert sweep_orphaned_attachment_files() == 0  # idempotent


def test_sweep_with_no_files_yet_does_nothing(storage):
    assert sweep_orphaned_attachment_files() == 0


def test_the_sweep_is_scheduled_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["grants-sweep-orphaned-files"]
    assert entry["task"] == "grants.tasks.sweep_orphaned_attachment_files"
    assert entry["schedule"] == 24 * 3600.0
