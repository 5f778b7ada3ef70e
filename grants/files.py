"""Checks on uploaded application files: type by content, size, and a safe display name.

Issue 3 item 5 and the GUIDE (§3 "Files"). The checks themselves live in :mod:`portal.files` (shared with the
community document library); this module re-exports them and adds the grants default: the size limit per file is
``settings.GRANTS_ATTACHMENT_MAX_BYTES`` (the per-application total, ``settings.GRANTS_APPLICATION_MAX_TOTAL_BYTES``,
is checked by :mod:`grants.services.attachments`).

The zip-bomb limits :data:`ZIP_MAX_UNCOMPRESSED_BYTES` and :data:`ZIP_MAX_ENTRIES` are read from this module at each
call, so they can be changed here (tests do) without touching :mod:`portal.files`.
"""

from __future__ import annotations

from django.conf import settings

from portal import files as _files
from portal.files import (
    ALLOWED_LABEL,
    ALLOWED_TYPES,
    EXTENSION_ALIASES,
    MAX_FILENAME_LENGTH,
    ZIP_MAX_ENTRIES,
    ZIP_MAX_UNCOMPRESSED_BYTES,
    DetectedFile,
    declared_extension,
    format_megabytes,
    normalise_filename,
)

__all__ = [
    "ALLOWED_LABEL",
    "ALLOWED_TYPES",
    "EXTENSION_ALIASES",
    "MAX_FILENAME_LENGTH",
    "ZIP_MAX_ENTRIES",
    "ZIP_MAX_UNCOMPRESSED_BYTES",
    "DetectedFile",
    "declared_extension",
    "format_megabytes",
    "inspect_upload",
    "normalise_filename",
]


def inspect_upload(uploaded_file, *, max_bytes: int | None = None) -> DetectedFile:
    """:func:`portal.files.inspect_upload` with ``max_bytes`` defaulting to ``settings.GRANTS_ATTACHMENT_MAX_BYTES``.

    Same arguments, result and ``ValidationError`` codes; the zip limits are this module's current values.
    """
    return _files.inspect_upload(
        uploaded_file,
        max_bytes=settings.GRANTS_ATTACHMENT_MAX_BYTES if max_bytes is None else max_bytes,
        max_unpacked_bytes=ZIP_MAX_UNCOMPRESSED_BYTES,
        max_entries=ZIP_MAX_ENTRIES,
    )
