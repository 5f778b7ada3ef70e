"""Checks on uploaded files by content (grants.files): accepted types, disguised files, sizes, file names."""

import unicodedata
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from grants import files
from grants.files import ALLOWED_TYPES, DetectedFile, inspect_upload, normalise_filename
from tests.grants.files_samples import (
    HTML,
    SVG,
    docx_bytes,
    encrypted_pdf_bytes,
    jpeg_bytes,
    odf_bytes,
    ods_bytes,
    odt_bytes,
    pdf_bytes,
    png_bytes,
    upload,
    xlsx_bytes,
)


def _code(excinfo) -> str:
    return excinfo.value.code


def _message(excinfo) -> str:
    return " ".join(excinfo.value.messages)


# --- Accepted types -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "build", "content_type", "final_name"),
    [
        ("Izjava.pdf", pdf_bytes, "application/pdf", "Izjava.pdf"),
        (
            "Statut.docx",
            docx_bytes,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Statut.docx",
        ),
        ("Budget.xlsx", xlsx_bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Budget.xlsx"),
        ("Opis.odt", odt_bytes, "application/vnd.oasis.opendocument.text", "Opis.odt"),
        ("Budzet.ods", ods_bytes, "application/vnd.oasis.opendocument.spreadsheet", "Budzet.ods"),
        ("scan.JPEG", jpeg_bytes, "image/jpeg", "scan.jpg"),
        ("logo.png", png_bytes, "image/png", "logo.png"),
    ],
)
def test_each_allowed_type_is_accepted_by_content(name, build, content_type, final_name):
    data = build()
    detected = inspect_upload(upload(name, data, content_type="text/html"))  # the browser's type is ignored
    assert detected == DetectedFile(
        content_type=content_type,
        extension=ALLOWED_TYPES[content_type],
        size_bytes=len(data),
        sha256=__import__("hashlib").sha256(data).hexdigest(),
        filename=final_name,
    )


def test_name_without_extension_gets_the_detected_one():
    assert inspect_upload(upload("Изјава", pdf_bytes())).filename == "Изјава.pdf"
    assert inspect_upload(upload("Izjava v1.2", pdf_bytes())).filename == "Izjava v1.2.pdf"


def test_the_file_is_left_at_its_start():
    uploaded = upload("a.pdf", pdf_bytes())
    inspect_upload(uploaded)
    assert uploaded.read(5) == b"%PDF-"


# --- Disguised and damaged files ------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [HTML, SVG, b"\xef\xbb\xbf  <html><body>hi</body></html>"])
def test_pdf_that_is_html_or_svg_is_refused_and_says_so(data):
    with pytest.raises(ValidationError) as excinfo:
        inspect_upload(upload("Izjava.pdf", data, content_type="application/pdf"))
    assert _code(excinfo) == "type_mismatch"
    assert "web page or SVG" in _message(excinfo)
    assert ".pdf" in _message(excinfo)


@pytest.mark.parametrize("name", ["page.html", "drawing.svg", "run.exe", "noextension"])
def test_markup_under_other_names_is_not_an_accepted_type(name):
    with pytest.raises(ValidationError) as excinfo:
        inspect_upload(upload(name, SVG))
    assert _code(excinfo) == "type_not_allowed"
    assert "PDF, DOCX, XLSX, ODT, ODS, JPG, PNG" in _message(excinfo)


def test_extension_contradicting_content_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        inspect_upload(upload("scan.pdf", png_bytes()))
    assert _code(excinfo) == "type_mismatch"
    assert ".pdf" in _message(excinfo) and "PNG" in _message(excinfo)


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n" + b"x" * 500, pdf_bytes()[:200], b"%PDF-1.4\n%%EOF\n"],
    ids=["garbage", "truncated", "no-xref"],
)
def test_broken_pdf_is_refused_and_says_so(data):
    with pytest.raises(ValidationError) as excinfo:
        inspect_upload(upload("Izjava.pdf", data))
    assert _code(excinfo) == "damaged"
    assert "PDF" in _message(excinfo) and "damaged" in _message(excinfo)


def test_password_protected_pdf_is_refused_and_says_so():
    with pytest.raises(ValidationError) as excinfo:
        inspect_upload(upload("Izjava.pdf", encrypted_pdf_bytes()))
    assert _code(excinfo) == "encrypted"
    assert "password" in _message(excinfo)


def test_broken_image_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        inspect_upload(upload("logo.png", png_bytes()[:30]))
    assert _code(excinfo) == "damaged"


@pytest.mark.parametrize(
    "data",
    [
        docx_bytes(main_type="application/vnd.ms-word.document.macroEnabled.main+xml"),  # .docm
        odf_bytes("application/vnd.oasis.opendocument.presentation"),  # .odp
    ],
    ids=["docm", "odp"],
)
def test_macro_documents_and_presentations_are_not_accepted(data):
    with pytest.raises(ValidationError) as excinfo:
        inspect_upload(upload("Statut.docx", data))
    assert _code(excinfo) == "type_not_allowed"


def test_plain_zip_is_not_accepted():
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("evil.exe", b"MZ")
    with pytest.raises(ValidationError) as excinfo:
        inspect_upload(upload("Statut.docx", out.getvalue()))
    assert _code(excinfo) == "type_not_allowed"


def test_broken_zip_document_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        inspect_upload(upload("Statut.docx", docx_bytes()[:100]))
    assert _code(excinfo) == "damaged"


def test_zip_bomb_is_refused_by_declared_size(monkeypatch):
    monkeypatch.setattr(files, "ZIP_MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    bomb = docx_bytes(extra=[("word/media/zeros.bin", b"\0" * (2 * 1024 * 1024))])
    assert len(bomb) < 20_000  # small on the wire, 2 MB unpacked
    with pytest.raises(ValidationError) as excinfo:
        inspect_upload(upload("Statut.docx", bomb))
    assert _code(excinfo) == "too_large_unpacked"


# --- Sizes ----------------------------------------------------------------------------------------------------


def test_empty_file_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        inspect_upload(upload("Izjava.pdf", b""))
    assert _code(excinfo) == "empty"


@override_settings(GRANTS_ATTACHMENT_MAX_BYTES=512 * 1024)
def test_file_over_the_limit_is_refused_with_the_limit_in_mb():
    with pytest.raises(ValidationError) as excinfo:
        inspect_upload(upload("Izjava.pdf", b"%PDF-1.7\n" + b"0" * (600 * 1024)))
    assert _code(excinfo) == "too_large"
    assert "0.5 MB" in _message(excinfo)


def test_limit_is_counted_on_the_bytes_read_not_the_declared_size():
    uploaded = upload("Izjava.pdf", pdf_bytes())
    uploaded.size = 10  # a lying size attribute
    with pytest.raises(ValidationError) as excinfo:
        inspect_upload(uploaded, max_bytes=100)
    assert _code(excinfo) == "too_large"


def test_limit_message_uses_the_active_language_number_format():
    from django.utils import translation

    with translation.override("tr"), pytest.raises(ValidationError) as excinfo:
        inspect_upload(upload("a.pdf", b"x" * (2 * 1024 * 1024)), max_bytes=1536 * 1024)
    assert _code(excinfo) == "too_large"
    assert "1,5 MB" in _message(excinfo)
    assert "2 MB" in _message(excinfo)


def test_default_limits_come_from_settings(settings):
    assert settings.GRANTS_ATTACHMENT_MAX_BYTES == 10 * 1024 * 1024
    assert settings.GRANTS_APPLICATION_MAX_TOTAL_BYTES == 40 * 1024 * 1024


# --- File names -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\system32\\Izjava.pdf", "Izjava.pdf"),
        ("C:\\Users\\ana\\Desktop\\Budžet.xlsx", "Budžet.xlsx"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("a\u2066b\u2069c\u200b\u200d\ufeff.pdf", "abc.pdf"),
        ("bad\x00name\x07\x1b[31m.pdf", "badname[31m.pdf"),
        ("line\nbreak\ttab\u2028sep.pdf", "line break tab sep.pdf"),
        ("   many     spaces   .pdf", "many spaces .pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("...", "document"),
        ("", "document"),
        ("/", "document"),
        ('what?<is>"this":|*.pdf', "what__is__this____.pdf"),
        ("Изјава.pdf", "Изјава.pdf"),
        ("Başvuru_İzmir.pdf", "Başvuru_İzmir.pdf"),
        ("çğıİöşü ÇĞIÖŞÜ.docx", "çğıİöşü ÇĞIÖŞÜ.docx"),
        ("Ѓорѓи Ќосе Џеваир љуљашка њива.odt", "Ѓорѓи Ќосе Џеваир љуљашка њива.odt"),
        ("Shqipëri.pdf", "Shqipëri.pdf"),
        ("Budz\u030cet.pdf", "Budžet.pdf"),  # decomposed ž becomes NFC
    ],
)
def test_normalise_filename_examples(raw, expected):
    assert normalise_filename(raw) == expected


def test_normalise_filename_fallback():
    assert normalise_filename("\u202e\u202d", fallback="prilog") == "prilog"


def test_long_names_keep_their_extension():
    name = normalise_filename("Извештај " * 40 + ".docx")
    assert len(name) <= 150
    assert name.endswith(".docx")
    assert not name[:-5].endswith(" ")


def test_bidi_disguised_name_cannot_pass_as_pdf_for_other_content():
    # "invoice\u202efdp.exe" shows as "invoiceexe.pdf" in a bidi-aware display; the override is stripped and the
    # name ends in .exe, which contradicts a PDF's content.
    with pytest.raises(ValidationError) as excinfo:
        inspect_upload(upload("invoice\u202efdp.exe", pdf_bytes()))
    assert _code(excinfo) == "type_mismatch"


def _forbidden(char: str) -> bool:
    return char in "/\\" or unicodedata.category(char).startswith("C")


@given(st.text(max_size=400))
def test_normalise_filename_properties(raw):
    name = normalise_filename(raw)
    assert name
    assert len(name) <= 150
    assert not any(_forbidden(char) for char in name)
    assert not name.startswith(".")
    assert normalise_filename(name) == name


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60), st.sampled_from(["pdf", "docx", "png"]))
def test_normalise_filename_keeps_extension_of_ordinary_names(stem, extension):
    stem = stem.replace("/", "").replace("\\", "")
    name = normalise_filename(f"x{stem}.{extension}")
    assert name.endswith(f".{extension}")
