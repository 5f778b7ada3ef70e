"""portal.exports: formula injection in CSV and XLSX, numbers, Unicode, download headers, streaming, properties."""

import csv
import datetime as dt
import io
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import pytest
from django.http import FileResponse
from hypothesis import given
from hypothesis import strategies as st

from portal.exports import (
    FORMULA_TRIGGERS,
    XLSX_CONTENT_TYPE,
    XLSX_MAX_CELL_CHARS,
    is_formula_like,
    neutralise,
    stream_csv,
    xlsx_response,
)

# Payloads from the OWASP "CSV Injection" page and the issue: each would be evaluated by a spreadsheet.
INJECTIONS = [
    '=HYPERLINK("http://evil","x")',
    "+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    " =1",
    "＝1",
    "＋1",
    "－1",
    "＠SUM(A1)",
    "\u200b=1",  # zero-width space before the trigger
    "\n  =cmd|' /C calc'!A0",
]

SAFE_TEXT = ["Integrity Watch", "Пријави за грант", "İzmir Şehir Meclisi", "Ünye'de çağrı", "a=b", "1-2", "'=1"]

CYRILLIC = "Набавка — Скопје, Ђурђевдан, Љубљана"
TURKISH = "İstanbul ığdır ŞĞÜÖÇ şğüöç"


def csv_body(response) -> bytes:
    """The whole body of a streaming CSV response."""
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[list[str]]:
    """The parsed rows of a CSV response (BOM stripped)."""
    text = csv_body(response).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def xlsx_sheet(response: FileResponse):
    """The first worksheet of an XLSX response, read back with openpyxl (not read-only: cell styles kept)."""
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return workbook.worksheets[0]


class TestNeutralise:
    @pytest.mark.parametrize("payload", INJECTIONS)
    def test_formula_text_gets_an_apostrophe(self, payload):
        assert is_formula_like(payload)
        assert neutralise(payload) == "'" + payload

    @pytest.mark.parametrize("text", SAFE_TEXT)
    def test_ordinary_text_is_unchanged(self, text):
        assert neutralise(text) == text

    @pytest.mark.parametrize("number", [3, 0, -7, Decimal("-12.50"), Decimal("1000000.00"), 2.5, -0.25])
    def test_numbers_stay_numbers(self, number):
        result = neutralise(number)
        assert result == number
        assert type(result) is type(number)

    def test_non_finite_numbers_become_neutralised_text(self):
        assert neutralise(float("-inf")) == "'-inf"
        assert neutralise(Decimal("NaN")) == "NaN"

    def test_none_is_empty(self):
        assert neutralise(None) == ""

    def test_dates_and_datetimes_are_iso_8601_utc(self):
        skopje = dt.timezone(dt.timedelta(hours=1))
        assert neutralise(dt.date(2026, 3, 1)) == "2026-03-01"
        assert neutralise(dt.datetime(2026, 3, 1, 11, 0, tzinfo=skopje)) == "2026-03-01T10:00:00+00:00"

    def test_naive_datetime_is_refused(self):
        with pytest.raises(ValueError, match="naive datetime"):
            neutralise(dt.datetime(2026, 3, 1, 10, 0))

    def test_lazy_translation_becomes_text(self):
        from django.utils.translation import gettext_lazy

        assert neutralise(gettext_lazy("Status")) == "Status"

    @given(st.text())
    def test_property_never_starts_with_a_trigger(self, text):
        result = neutralise(text)
        assert result in (text, "'" + text)
        assert result[:1] not in {"\t", "\r"}
        assert result.lstrip()[:1] not in FORMULA_TRIGGERS

    @given(st.text(alphabet=st.sampled_from(sorted(FORMULA_TRIGGERS) + [" ", "\n", "\u200b", "x"]), min_size=1))
    def test_property_trigger_heavy_text(self, text):
        result = neutralise(text)
        assert result.lstrip()[:1] not in FORMULA_TRIGGERS
        assert result[:1] not in {"\t", "\r"}


class TestStreamCsv:
    def test_injections_are_neutralised(self):
        response = stream_csv("x.csv", ["value"], [[payload] for payload in INJECTIONS])
        rows = csv_rows(response)
        assert rows[0] == ["value"]
        assert [row[0] for row in rows[1:]] == ["'" + payload for payload in INJECTIONS]

    def test_numbers_are_written_plainly(self):
        rows = csv_rows(stream_csv("x.csv", ["amount", "count"], [[Decimal("-12.50"), 3]]))
        assert rows[1] == ["-12.50", "3"]

    def test_bom_headers_and_unicode_round_trip(self):
        response = stream_csv("x.csv", ["Назив", "Şehir"], [[CYRILLIC, TURKISH], ['quote " and, comma', None]])
        body = csv_body(response)
        assert body.startswith(b"\xef\xbb\xbf")
        assert b"\r\n" in body
        rows = csv_rows(stream_csv("x.csv", ["Назив", "Şehir"], [[CYRILLIC, TURKISH], ['quote " and, comma', None]]))
        assert rows == [["Назив", "Şehir"], [CYRILLIC, TURKISH], ['quote " and, comma', ""]]

    def test_headers_are_neutralised_too(self):
        rows = csv_rows(stream_csv("x.csv", ["=1"], []))
        assert rows == [["'=1"]]

    def test_download_headers(self):
        response = stream_csv("Пријави-İzmir.csv", ["a"], [])
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert f"filename*=utf-8''{quote('Пријави-İzmir.csv')}" in disposition

    def test_ascii_filename_and_unsafe_characters(self):
        assert stream_csv("calls.csv", [], [])["Content-Disposition"] == 'attachment; filename="calls.csv"'
        disposition = stream_csv('../a"b\r\n.csv', [], [])["Content-Disposition"]
        assert "/" not in disposition and "\r" not in disposition and "\n" not in disposition
        assert stream_csv("", [], [])["Content-Disposition"] == 'attachment; filename="export.csv"'

    def test_streams_lazily(self):
        consumed = 0

        def rows():
            nonlocal consumed
            for index in range(100_000):
                consumed += 1
                yield [index, f"row {index}", Decimal("1.50")]

        response = stream_csv("big.csv", ["n", "text", "amount"], rows())
        assert response.streaming
        assert consumed == 0  # building the response reads nothing

        chunks = iter(response.streaming_content)
        assert next(chunks).startswith(b"\xef\xbb\xbf")  # header chunk
        assert consumed == 0
        first = next(chunks)
        assert 0 < consumed < 10_000  # one chunk of about 64 KiB, not the whole set
        assert first.startswith(b"0,row 0,1.50\r\n")

        total = len(first) + sum(len(chunk) for chunk in chunks)
        assert consumed == 100_000
        assert total > 100_000 * len("0,row 0,1.50\r\n")


class TestXlsx:
    def test_injections_are_stored_as_text(self):
        response = xlsx_response("x.xlsx", ["value"], [[payload] for payload in INJECTIONS])
        sheet = xlsx_sheet(response)
        values = [row[0] for row in sheet.iter_rows(min_row=2)]
        assert len(values) == len(INJECTIONS)
        for cell, payload in zip(values, INJECTIONS, strict=True):
            assert cell.data_type == "s", payload
            assert cell.value == payload.replace("\r", "\n") or cell.value == payload
            assert cell.quotePrefix
        # No cell of the workbook is a formula.
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)

    def test_raw_xml_has_no_formula_element(self):
        import zipfile

        response = xlsx_response("x.xlsx", ["=1"], [[payload] for payload in INJECTIONS])
        with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
            sheet_xml = archive.read("xl/worksheets/sheet1.xml")
        assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml

    def test_numbers_stay_numeric(self):
        sheet = xlsx_sheet(xlsx_response("x.xlsx", ["amount", "count", "ratio"], [[Decimal("-12.50"), 3, 0.5]]))
        amount, count, ratio = next(sheet.iter_rows(min_row=2))
        assert amount.data_type == "n" and amount.value == -12.5
        assert count.data_type == "n" and count.value == 3
        assert ratio.data_type == "n" and ratio.value == 0.5

    def test_header_bold_and_unicode_round_trip(self):
        sheet = xlsx_sheet(xlsx_response("x.xlsx", ["Назив", "Şehir"], [[CYRILLIC, TURKISH], [None, "1-2"]]))
        header = next(sheet.iter_rows(max_row=1))
        assert [c.value for c in header] == ["Назив", "Şehir"]
        assert all(c.font.bold for c in header)
        assert [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))] == [CYRILLIC, TURKISH]
        body = next(sheet.iter_rows(min_row=2, max_row=2))
        assert not any(c.font.bold for c in body)
        third = next(sheet.iter_rows(min_row=3, max_row=3))
        assert third[0].value is None  # empty string → empty cell
        assert third[1].value == "1-2" and third[1].data_type == "s" and not third[1].quotePrefix

    def test_dates_are_iso_text(self):
        when = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)
        sheet = xlsx_sheet(xlsx_response("x.xlsx", ["when"], [[when]]))
        cell = next(sheet.iter_rows(min_row=2))[0]
        assert cell.value == "2026-03-01T10:00:00+00:00" and cell.data_type == "s"

    def test_characters_xml_cannot_hold_and_long_text(self):
        sheet = xlsx_sheet(xlsx_response("x.xlsx", ["a", "b"], [["a\x00b\x0bc", "x" * (XLSX_MAX_CELL_CHARS + 10)]]))
        short, long = next(sheet.iter_rows(min_row=2))
        assert short.value == "abc"
        assert len(long.value) == XLSX_MAX_CELL_CHARS and long.value.endswith("…")

    def test_download_headers_and_sheet_title(self):
        response = xlsx_response("Пријави-İzmir.xlsx", ["a"], [[1]], sheet_title="Calls: [2026]/Skopje*?")
        assert isinstance(response, FileResponse)
        assert response["Content-Type"] == XLSX_CONTENT_TYPE
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"
        assert f"filename*=utf-8''{quote('Пријави-İzmir.xlsx')}" in response["Content-Disposition"]
        assert response["Content-Disposition"].startswith("attachment;")
        sheet = xlsx_sheet(response)
        assert sheet.title == "Calls_ _2026__Skopje__"

    def test_error_in_rows_propagates_and_leaves_no_temp_file(self):
        from openpyxl.worksheet._writer import ALL_TEMP_FILES

        before = set(ALL_TEMP_FILES)
        with pytest.raises(ValueError, match="naive datetime"):
            xlsx_response("x.xlsx", ["when"], [["fine"], [dt.datetime(2026, 3, 1)]])
        assert set(ALL_TEMP_FILES) == before
