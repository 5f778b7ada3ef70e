"""Checks on uploaded files, shared by every app: type by content, size, and a safe display name.

GUIDE §3 "Files": uploads are checked by their **content**, not by the name or the browser's ``Content-Type``; the
accepted types are :data:`ALLOWED_TYPES` (PDF, DOCX, XLSX, ODT, ODS, JPEG, PNG); the size limit is the caller's
(``max_bytes``: ``settings.GRANTS_ATTACHMENT_MAX_BYTES`` for application files through :mod:`grants.files`,
``settings.COMMUNITY_DOCUMENT_MAX_BYTES`` for community documents); file names are normalised by
:func:`normalise_filename` (letters of every script kept; paths, control and bidi characters stripped).

How the type is found (:func:`inspect_upload`):

- ``filetype`` reads the magic bytes. PDFs must also open with ``pypdf`` (a damaged or password-protected PDF is
  refused with a message saying so); JPEG and PNG must open with Pillow.
- DOCX, XLSX, ODT and ODS are zip archives: the archive is opened with :mod:`zipfile` and recognised by its
  ``[Content_Types].xml`` (Office Open XML) or ``mimetype`` entry (OpenDocument). Macro-enabled and template
  variants, presentations and plain zips are refused. Archives that declare more than
  :data:`ZIP_MAX_UNCOMPRESSED_BYTES` unpacked or more than :data:`ZIP_MAX_ENTRIES` entries are refused (zip bombs);
  a caller may pass its own limits.
- HTML, SVG and other text are never accepted, whatever their name.
- A file whose name ends in an extension that contradicts its content (a PNG named ``scan.pdf``) is refused; a
  name without a recognisable extension gets the detected one (``Izjava`` → ``Izjava.pdf``).

This module belongs to ``portal`` so that every app may use it (imports run ``grants → community → portal``);
:mod:`grants.files` re-exports it with the grants size limit as the default.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

#: Accepted content types (as detected from the content) → the canonical file name extension.
ALLOWED_TYPES: dict[str, str] = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "image/jpeg": "jpg",
    "image/png": "png",
}

#: Extensions people use for each canonical extension (lower case, without the dot).
EXTENSION_ALIASES: dict[str, set[str]] = {
    "pdf": {"pdf"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "odt": {"odt"},
    "ods": {"ods"},
    "jpg": {"jpg", "jpeg", "jpe"},
    "png": {"png"},
}

#: The list of accepted types shown in messages.
ALLOWED_LABEL = "PDF, DOCX, XLSX, ODT, ODS, JPG, PNG"

#: Longest normalised file name, in characters (extension included).
MAX_FILENAME_LENGTH = 150

#: Zip-based documents: most unpacked bytes (sum of the sizes the archive declares) and most entries accepted.
ZIP_MAX_UNCOMPRESSED_BYTES = 250 * 1024 * 1024
ZIP_MAX_ENTRIES = 5000
#: Most bytes read from one small zip entry (``[Content_Types].xml``, ``mimetype``) while recognising the type.
_ZIP_ENTRY_READ_LIMIT = 256 * 1024

_OOXML_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "word/",
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xl/",
    ),
}

_HEAD_BYTES = 8192
_CHUNK = 64 * 1024

# Characters Windows forbids in file names (slashes are handled as path separators).
_FORBIDDEN = str.maketrans({c: "_" for c in '<>:"|?*'})
# An extension: 1–5 ASCII letters and digits, at least one letter ("pdf", "docx", "v2", "exe" — not "2").
_EXTENSION_RE = re.compile(r"\.([A-Za-z0-9]{1,5})$")
_KEEP_EXTENSION_RE = re.compile(r"\.[^\s.]{1,10}$")


# --- File names ------------------------------------------------------------------------------------------------


def normalise_filename(name: str, *, fallback: str = "document") -> str:
    """A safe display name for an uploaded file, keeping letters of every script.

    Steps: Unicode NFC; every whitespace character (tabs, line and paragraph separators, no-break spaces) becomes
    one space; control, format (bidi overrides U+202A–U+202E and U+2066–U+2069, zero-width characters, BOM),
    surrogate, private-use and unassigned characters are removed; only the last path component is kept (both ``/``
    and ``\\``); characters Windows forbids (``<>:"|?*``) become ``_``; runs of spaces collapse; leading dots and
    spaces and trailing dots and spaces are dropped; the result is cut to :data:`MAX_FILENAME_LENGTH` characters
    keeping its extension. Cyrillic (``Изјава.pdf``) and Turkish (``Başvuru_İzmir.pdf``) names are kept as typed.

    Returns ``fallback`` when nothing is left. The result never contains ``/``, ``\\`` or a control or bidi
    character, and normalising it again returns it unchanged.
    """
    cleaned = _clean(name)
    if len(cleaned) > MAX_FILENAME_LENGTH:
        match = _KEEP_EXTENSION_RE.search(cleaned)
        extension = match.group(0) if match else ""
        stem = cleaned[: MAX_FILENAME_LENGTH - len(extension)]
        cleaned = _clean(stem.rstrip(". ") + extension)
        cleaned = cleaned[:MAX_FILENAME_LENGTH].rstrip(". ")
    return cleaned or fallback


def _clean(name: str) -> str:
    text = unicodedata.normalize("NFC", str(name))
    chars = []
    for char in text:
        category = unicodedata.category(char)
        if char.isspace() or category.startswith("Z"):
            chars.append(" ")
        elif not category.startswith("C"):
            chars.append(char)
    text = "".join(chars)
    text = re.split(r"[/\\]", text)[-1]
    text = text.translate(_FORBIDDEN)
    text = re.sub(r" {2,}", " ", text)
    text = text.lstrip(". ").rstrip(". ")
    # NFC of a cut or joined string can differ from its parts' (e.g. a combining mark after a removed control
    # character): normalise again so that the function is idempotent.
    return unicodedata.normalize("NFC", text)


def declared_extension(name: str) -> str:
    """The lower-case extension of ``name`` when it looks like one (``"scan.PDF"`` → ``"pdf"``), else ``""``.

    An extension is 1–5 ASCII letters or digits with at least one letter; ``"v1.2"`` has none.
    """
    match = _EXTENSION_RE.search(name)
    if not match or match.group(1).isdigit():
        return ""
    return match.group(1).lower()


def _final_name(name: str, extension: str) -> str:
    """``name`` (already normalised) with the canonical ``extension``; raises when its extension contradicts it."""
    declared = declared_extension(name)
    if declared in EXTENSION_ALIASES[extension]:
        stem = name[: -len(declared) - 1]
    elif declared:
        raise ValidationError(
            _(
                "The file name ends in .%(declared)s but the file is a %(actual)s file. "
                "Rename it or upload the right file."
            )
            % {"declared": declared, "actual": extension.upper()},
            code="type_mismatch",
        )
    else:
        stem = name
    return normalise_filename(f"{stem}.{extension}")


# --- Content ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DetectedFile:
    """What :func:`inspect_upload` found.

    ``content_type``: one of :data:`ALLOWED_TYPES`; ``extension``: its canonical extension (``"pdf"``, ``"jpg"``…);
    ``size_bytes``: bytes read; ``sha256``: hex digest of the content; ``filename``: the normalised name to store
    and offer on download, ending in ``extension`` (``""`` when the upload had no name).
    """

    content_type: str
    extension: str
    size_bytes: int
    sha256: str
    filename: str = ""


def format_megabytes(size_bytes: int) -> str:
    """``size_bytes`` in MB (1 MB = 1,048,576 bytes) formatted for the active language: ``"10"``, ``"2,5"``."""
    megabytes = size_bytes / (1024 * 1024)
    if megabytes >= 10 or megabytes == int(megabytes):
        places = 0 if megabytes == int(megabytes) else 1
    elif megabytes >= 0.1:
        places = 1
    else:
        places = 2
    return number_format(round(megabytes, places), decimal_pos=places)


def inspect_upload(
    uploaded_file,
    *,
    max_bytes: int,
    max_unpacked_bytes: int | None = None,
    max_entries: int | None = None,
) -> DetectedFile:
    """Check an uploaded file by its content and return what it is.

    ``uploaded_file``: a Django ``UploadedFile`` (or any ``File`` with ``name``, ``read`` and ``seek``).
    ``max_bytes``: the size limit in bytes (each app passes its setting). ``max_unpacked_bytes`` and
    ``max_entries``: the zip-bomb limits for DOCX, XLSX, ODT and ODS (default :data:`ZIP_MAX_UNCOMPRESSED_BYTES`
    and :data:`ZIP_MAX_ENTRIES`).

    Raises :class:`~django.core.exceptions.ValidationError` with a message in the active language and one of the
    codes ``empty``, ``too_large``, ``type_not_allowed`` (with the list of accepted types), ``type_mismatch`` (the
    name's extension says another type, or a ``.pdf`` holds HTML or SVG), ``damaged`` (a PDF, document or image
    that does not open), ``encrypted`` (a password-protected PDF) or ``too_large_unpacked`` (a zip bomb).
    Leaves the file positioned at its start. Writes nothing.
    """
    limit = max_bytes
    zip_limits = (
        ZIP_MAX_UNCOMPRESSED_BYTES if max_unpacked_bytes is None else max_unpacked_bytes,
        ZIP_MAX_ENTRIES if max_entries is None else max_entries,
    )
    name = normalise_filename(getattr(uploaded_file, "name", "") or "", fallback="")
    declared = declared_extension(name)

    declared_size = getattr(uploaded_file, "size", None)
    if declared_size is not None and declared_size > limit:
        raise _too_large(declared_size, limit)
    size, digest, head = _measure(uploaded_file, limit)
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")

    content_type = _detect(uploaded_file, head, declared, zip_limits)
    extension = ALLOWED_TYPES[content_type]
    filename = _final_name(name, extension) if name else ""
    uploaded_file.seek(0)
    return DetectedFile(content_type, extension, size, digest, filename)


def _too_large(size: int, limit: int) -> ValidationError:
    return ValidationError(
        _("The file is %(size)s MB; the limit is %(limit)s MB per file.")
        % {"size": format_megabytes(size), "limit": format_megabytes(limit)},
        code="too_large",
    )


def _measure(uploaded_file, limit: int) -> tuple[int, str, bytes]:
    """Read the whole file once: its size, SHA-256 and first bytes. Stops as soon as it exceeds ``limit``."""
    uploaded_file.seek(0)
    digest = hashlib.sha256()
    head = b""
    size = 0
    while chunk := uploaded_file.read(_CHUNK):
        if len(head) < _HEAD_BYTES:
            head += chunk[: _HEAD_BYTES - len(head)]
        size += len(chunk)
        if size > limit:
            raise _too_large(size, limit)
        digest.update(chunk)
    uploaded_file.seek(0)
    return size, digest.hexdigest(), head


def _not_allowed() -> ValidationError:
    return ValidationError(
        _("This type of file is not accepted. Upload one of: %(types)s.") % {"types": ALLOWED_LABEL},
        code="type_not_allowed",
    )


def _looks_like_markup(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf\xfe\xff\x00 \t\r\n")[:512].lower()
    return start.startswith(b"<") or b"<svg" in start or b"<html" in start or b"<script" in start


def _detect(uploaded_file, head: bytes, declared: str, zip_limits: tuple[int, int]) -> str:
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    if head.startswith(b"PK\x03\x04"):
        return _detect_zip(uploaded_file, *zip_limits)
    if mime == "application/pdf":
        _check_pdf(uploaded_file)
        return mime
    if mime in ("image/jpeg", "image/png", "image/apng"):
        _check_image(uploaded_file)
        return "image/png" if mime == "image/apng" else mime
    if declared in {alias for aliases in EXTENSION_ALIASES.values() for alias in aliases}:
        # Named as an accepted type but something else: say so, in particular for web pages and SVG.
        if _looks_like_markup(head):
            message = _(
                "The file name ends in .%(declared)s but the file is a web page or SVG image, not a %(expected)s "
                "file. Upload the document itself."
            )
        else:
            message = _("The file name ends in .%(declared)s but the file is not a %(expected)s file.")
        expected = next(ext for ext, aliases in EXTENSION_ALIASES.items() if declared in aliases)
        raise ValidationError(
            message % {"declared": declared, "expected": expected.upper()}
            + " "
            + _("Accepted types: %(types)s.") % {"types": ALLOWED_LABEL},
            code="type_mismatch",
        )
    raise _not_allowed()


def _damaged(label: str) -> ValidationError:
    return ValidationError(
        _("The %(type)s file is damaged and cannot be opened. Save or export it again and upload the new file.")
        % {"type": label},
        code="damaged",
    )


def _check_pdf(uploaded_file) -> None:
    """The PDF must open with pypdf and have at least one page; password-protected PDFs are refused."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    uploaded_file.seek(0)
    try:
        reader = PdfReader(uploaded_file, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise FileNotDecryptedError("password")
        pages = len(reader.pages)
    except FileNotDecryptedError:
        raise ValidationError(
            _("The PDF file is protected by a password. Upload a copy that opens without one."), code="encrypted"
        ) from None
    except Exception:  # pypdf raises many kinds of errors on damaged input; all mean "cannot be opened"
        raise _damaged("PDF") from None
    finally:
        uploaded_file.seek(0)
    if pages < 1:
        raise _damaged("PDF")


def _check_image(uploaded_file) -> None:
    """The JPEG or PNG must open with Pillow (``verify`` reads the structure without decoding the pixels)."""
    from PIL import Image

    uploaded_file.seek(0)
    try:
        with Image.open(uploaded_file) as image:
            image.verify()
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError, DecompressionBombError…
        raise _damaged(_("image")) from None
    finally:
        uploaded_file.seek(0)


def _detect_zip(uploaded_file, max_unpacked_bytes: int, max_entries: int) -> str:
    """Recognise DOCX, XLSX, ODT and ODS inside a zip archive; refuse other archives and zip bombs (more than
    ``max_entries`` entries or ``max_unpacked_bytes`` bytes declared unpacked)."""
    uploaded_file.seek(0)
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            entries = archive.infolist()
            unpacked = sum(entry.file_size for entry in entries)
            if len(entries) > max_entries or unpacked > max_unpacked_bytes:
                raise ValidationError(
                    _("The document unpacks to more than %(limit)s MB and cannot be accepted.")
                    % {"limit": format_megabytes(max_unpacked_bytes)},
                    code="too_large_unpacked",
                )
            names = {entry.filename for entry in entries}
            if "mimetype" in names:
                odf_type = _read_entry(archive, "mimetype").decode("ascii", "replace").strip()
                if odf_type in ALLOWED_TYPES:
                    return odf_type
                raise _not_allowed()
            if "[Content_Types].xml" in names:
                content_types = _read_entry(archive, "[Content_Types].xml").decode("utf-8", "replace")
                for main_type, (mime, folder) in _OOXML_MAIN_TYPES.items():
                    if f'"{main_type}"' in content_types and any(n.startswith(folder) for n in names):
                        return mime
            raise _not_allowed()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise _damaged(_("document")) from None
    finally:
        uploaded_file.seek(0)


def _read_entry(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as entry:
        return entry.read(_ZIP_ENTRY_READ_LIMIT)
