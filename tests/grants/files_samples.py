"""Tiny valid (and invalid) files of every accepted type, built in memory, and a private storage in a tmp dir.

Used by ``tests/grants/test_files*.py`` and ``test_attachments*.py``; other tests that upload may use them too.
"""

import io
import zipfile

from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def pdf_bytes(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=72, height=72)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _zip(entries: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries):
            compress = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=compress)
    return out.getvalue()


def docx_bytes(main_type: str = DOCX_MAIN, extra: list[tuple[str, bytes]] = ()) -> bytes:
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main_type}"/>'
        "</Types>"
    ).encode()
    rels = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'officeDocument" Target="word/document.xml"/></Relationships>'
    )
    document = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>Izjava</w:t></w:r></w:p></w:body></w:document>"
    )
    return _zip(
        [("[Content_Types].xml", content_types), ("_rels/.rels", rels), ("word/document.xml", document), *extra]
    )


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = "Budget"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def odf_bytes(mimetype: str) -> bytes:
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    ).encode()
    content = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'office:version="1.2"><office:body/></office:document-content>'
    )
    return _zip(
        [("mimetype", mimetype.encode()), ("META-INF/manifest.xml", manifest), ("content.xml", content)],
        stored_first=True,
    )


def odt_bytes() -> bytes:
    return odf_bytes("application/vnd.oasis.opendocument.text")


def ods_bytes() -> bytes:
    return odf_bytes("application/vnd.oasis.opendocument.spreadsheet")


def image_bytes(fmt: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def png_bytes() -> bytes:
    return image_bytes("PNG")


def jpeg_bytes() -> bytes:
    return image_bytes("JPEG")


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'
)


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    """An uploaded file as Django's request parsing makes it (the browser's type is deliberately not trusted)."""
    return SimpleUploadedFile(name, data, content_type=content_type)


def use_private_storage(tmp_path, settings, monkeypatch) -> FileSystemStorage:
    """Point the private storage (``STORAGES["private"]`` and the ``Attachment.file`` field) at a tmp directory.

    Call it from a fixture with pytest's ``tmp_path``, pytest-django's ``settings`` and ``monkeypatch``. The field's
    storage is resolved when the model loads, so it is patched as well as the setting. Returns the
    :class:`FileSystemStorage`, rooted at ``tmp_path / "private"``.
    """
    from grants.models import Attachment

    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location), "base_url": "/private-files/"},
        },
    }
    storage = FileSystemStorage(location=str(location), base_url="/private-files/")
    monkeypatch.setattr(Attachment._meta.get_field("file"), "storage", storage)
    return storage
