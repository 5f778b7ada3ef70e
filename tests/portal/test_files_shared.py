"""portal.files, the upload checks shared by grants and the community library: the caller's limits apply, and
grants.files re-exports the same functions with the grants size limit as the default."""

import pytest
from django.core.exceptions import ValidationError

from grants import files as grants_files
from portal import files
from tests.grants.files_samples import docx_bytes, pdf_bytes, upload


def test_the_callers_size_limit_applies():
    assert files.inspect_upload(upload("a.pdf", pdf_bytes()), max_bytes=1024 * 1024).content_type == "application/pdf"
    with pytest.raises(ValidationError) as excinfo:
        files.inspect_upload(upload("a.pdf", pdf_bytes()), max_bytes=100)
    assert excinfo.value.code == "too_large"


def test_the_callers_zip_limits_apply():
    data = docx_bytes()
    assert files.inspect_upload(upload("a.docx", data), max_bytes=10**6).extension == "docx"
    with pytest.raises(ValidationError) as excinfo:
        files.inspect_upload(upload("a.docx", data), max_bytes=10**6, max_unpacked_bytes=10)
    assert excinfo.value.code == "too_large_unpacked"
    with pytest.raises(ValidationError):
        files.inspect_upload(upload("a.docx", data), max_bytes=10**6, max_entries=1)


def test_grants_files_reexports_the_shared_checks(settings):
    assert grants_files.normalise_filename is files.normalise_filename
    assert grants_files.ALLOWED_TYPES is files.ALLOWED_TYPES
    settings.GRANTS_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError):
        grants_files.inspect_upload(upload("a.pdf", pdf_bytes()))
