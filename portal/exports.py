"""The one formula-safe tabular writer of the portal (GUIDE §5, "CSV/XLSX exports").

Every CSV or XLSX the portal hands out (grant applications, later the standards tracker and open data) goes
through this module, so spreadsheet formula injection ("CSV injection", OWASP) is handled in one place:

* :func:`neutralise` turns one Python value into a safe cell value: a text cell that a spreadsheet would read
  as a formula gets a leading apostrophe, numbers stay numbers, dates become ISO 8601 text.
* :func:`stream_csv` streams a CSV download row by row (UTF-8 with BOM, RFC 4180 quoting), memory flat for
  any number of rows.
* :func:`xlsx_response` writes an XLSX with openpyxl in write-only mode; every text cell is stored with the
  string data type (and Excel's "quote prefix" when it looks like a formula), so it is never evaluated.

The module imports no portal app; callers pass plain headers and rows (sequences of values) and are
responsible for permissions (who may export what) before calling.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from decimal import Decimal
from tempfile import SpooledTemporaryFile
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from openpyxl.styles import Font

__all__ = [
    "FORMULA_TRIGGERS",
    "XLSX_CONTENT_TYPE",
    "is_formula_like",
    "neutralise",
    "stream_csv",
    "xlsx_response",
]

#: Characters that make a spreadsheet read a text cell as a formula or DDE call when they come first (after
#: optional whitespace): OWASP's ``= + - @`` with tab and carriage return, their fullwidth forms (``＝ ＋ － ＠``),
#: the small form variants (``﹦ ﹢ ﹣``) and the minus sign U+2212, which some spreadsheets fold to ASCII.
FORMULA_TRIGGERS: frozenset[str] = frozenset("=+-@\t\r＝＋－＠﹦﹢﹣\u2212")

#: Content type of an XLSX workbook (Office Open XML spreadsheet).
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Longest text Excel keeps in one cell (characters); longer text is cut in XLSX and ends with "…".
XLSX_MAX_CELL_CHARS = 32_767

#: Bytes of CSV gathered before a chunk is sent (a chunk holds whole rows; one long row may exceed it).
CSV_CHUNK_BYTES = 64 * 1024

#: Bytes of XLSX kept in memory before the temporary file spills to disk.
XLSX_SPOOL_BYTES = 8 * 1024 * 1024

_UTF8_BOM = "\ufeff"
_UNSAFE_FILENAME_RE = re.compile(r'[\x00-\x1f\x7f/\\"]')
_UNSAFE_SHEET_RE = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def _skip_invisible(text: str) -> str:
    """Return ``text`` without leading whitespace or invisible format characters (ZWSP, BOM, bidi marks).

    Tab and CR are whitespace too; callers check them before skipping.
    """
    for index, char in enumerate(text):
        if not (char.isspace() or unicodedata.category(char) in {"Cf", "Zs"}):
            return text[index:]
    return ""


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula.

    That is when it starts with tab or CR, or its first character after leading whitespace and invisible
    format characters is one of :data:`FORMULA_TRIGGERS`. The empty string is not formula-like.
    """
    if not text:
        return False
    if text[0] in "\t\r":
        return True
    return _skip_invisible(text)[:1] in FORMULA_TRIGGERS


def _as_text(value: Any) -> str | int | float | Decimal | bool:
    """Convert ``value`` to a number or text (before neutralising), see :func:`neutralise` for the rules."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        return value if value.is_finite() else str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} in an export: pass an aware datetime (UTC)")
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def neutralise(value: Any) -> str | int | float | Decimal | bool:
    """Return ``value`` as a cell a spreadsheet will never evaluate as a formula.

    * ``None`` → ``""``.
    * ``int``, ``float``, ``Decimal`` (and ``bool``) stay numbers, negative ones included: ``Decimal("-12.50")``
      is returned unchanged. A non-finite float or Decimal (NaN, infinity) becomes text and is neutralised
      like any text (``"-Infinity"`` → ``"'-Infinity"``).
    * Aware ``datetime`` → ISO 8601 text in UTC (``"2026-03-01T10:00:00+00:00"``); ``date``/``time`` → ISO 8601
      text. Callers wanting a local time (the call's zone) format it themselves and pass text.
    * Anything else is ``str(value)`` (lazy translations included); text that :func:`is_formula_like` gets a
      leading apostrophe ``'`` (OWASP CSV injection guidance): ``"=1"`` → ``"'=1"``, ``" @SUM(A1)"`` →
      ``"' @SUM(A1)"``, ``"＝1"`` → ``"'＝1"``. Other text is returned unchanged.

    Raises ``ValueError`` for a naive ``datetime`` (the portal keeps time aware, in UTC).
    """
    cell = _as_text(value)
    if isinstance(cell, str) and is_formula_like(cell):
        return "'" + cell
    return cell


def _safe_filename(filename: str, default: str) -> str:
    """Strip path separators, quotes and control characters from a download name; ``default`` if empty."""
    cleaned = _UNSAFE_FILENAME_RE.sub("_", filename or "").strip(" .")
    return cleaned or default


def _download_headers(response, filename: str) -> None:
    """Set the attachment name (RFC 6266, ``filename*=`` for non-ASCII) and the no-sniff, no-store headers."""
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"


class _LineBuffer:
    """A write-only file for :func:`csv.writer` that keeps what was written until it is taken."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def take(self) -> bytes:
        data = "".join(self.parts).encode("utf-8")
        self.parts.clear()
        return data


def _csv_chunks(headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """Yield the CSV as UTF-8 bytes: BOM and header row first, then rows in chunks of about 64 KiB."""
    buffer = _LineBuffer()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180: CRLF, quotes doubled, minimal quoting
    buffer.write(_UTF8_BOM)
    writer.writerow([neutralise(h) for h in headers])
    yield buffer.take()
    pending: list[bytes] = []
    size = 0
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
        data = buffer.take()
        pending.append(data)
        size += len(data)
        if size >= CSV_CHUNK_BYTES:
            yield b"".join(pending)
            pending.clear()
            size = 0
    if pending:
        yield b"".join(pending)


def stream_csv(filename: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> StreamingHttpResponse:
    """Return a streaming CSV download of ``rows`` under ``headers``.

    ``headers`` is one sequence of column titles (text, lazy translations allowed); ``rows`` is any iterable of
    sequences of cell values (pass a generator or ``queryset.iterator()`` for large sets: it is consumed lazily,
    row by row, while the response is sent, so memory stays flat for 100,000 rows and more). Every header and
    cell goes through :func:`neutralise`.

    The body is UTF-8 with a byte order mark (so Excel reads Cyrillic and Turkish right), comma separated,
    CRLF line ends, fields quoted per RFC 4180 by :mod:`csv`. Headers: ``Content-Type: text/csv;
    charset=utf-8``, ``Content-Disposition: attachment`` with ``filename*=`` for a non-ASCII ``filename``
    (path separators, quotes and control characters replaced by ``_``), ``X-Content-Type-Options: nosniff`` and
    ``Cache-Control: private, no-store``.

    Errors in ``rows`` (or a naive datetime, ``ValueError``) surface while streaming, after the status line was
    sent; callers that must fail cleanly evaluate their queryset first.
    """
    response = StreamingHttpResponse(_csv_chunks(headers, rows), content_type="text/csv; charset=utf-8")
    _download_headers(response, _safe_filename(filename, "export.csv"))
    return response


def _xlsx_cell(ws, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    """One write-only cell: numbers as numbers, everything else forced to the string data type.

    Text keeps its characters (no apostrophe: the string type already stops evaluation), minus characters
    XML cannot hold; text that :func:`is_formula_like` also gets Excel's quote prefix, so editing the cell in
    Excel keeps it text. Text over :data:`XLSX_MAX_CELL_CHARS` is cut and ends with "…".
    """
    plain = _as_text(value)
    if isinstance(plain, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", plain)
        if len(text) > XLSX_MAX_CELL_CHARS:
            text = text[: XLSX_MAX_CELL_CHARS - 1] + "…"
        cell = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"  # never "f": openpyxl would otherwise store "=…" as a formula
        if is_formula_like(text):
            cell.quotePrefix = True
    else:
        cell = WriteOnlyCell(ws, value=plain)
    if bold:
        cell.font = Font(bold=True)
    return cell


def _sheet_title(title: str) -> str:
    """A worksheet name Excel accepts: no ``[]:*?/\\``, at most 31 characters, not empty."""
    cleaned = _UNSAFE_SHEET_RE.sub("_", title or "").strip("' ")[:31]
    return cleaned or "Export"


def _discard(worksheet) -> None:
    """Close a write-only worksheet abandoned half-way and remove the temporary file openpyxl writes rows to."""
    with suppress(Exception):
        if not worksheet.closed:
            worksheet.close()
    writer = getattr(worksheet, "_writer", None)  # openpyxl keeps the rows in a temp file until save()
    if writer is not None:
        with suppress(Exception):
            writer.cleanup()


def xlsx_response(
    filename: str,
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_title: str = "Export",
) -> FileResponse:
    """Return an XLSX download with one worksheet: a bold header row, then ``rows``.

    ``headers`` and ``rows`` have the shapes of :func:`stream_csv`. The workbook is written with openpyxl in
    write-only mode (rows are not kept in memory) into a :class:`~tempfile.SpooledTemporaryFile` (in memory up
    to 8 MiB, then on disk) which :class:`~django.http.FileResponse` streams and closes. Numbers (``int``,
    ``float``, ``Decimal``) are numeric cells; every other value becomes a cell of string data type (``t="s"``
    or inline string), so Excel and LibreOffice never evaluate it, with the quote prefix when it looks like a
    formula. Dates are ISO 8601 text as in :func:`neutralise`. Headers as in :func:`stream_csv`, with the XLSX
    content type.

    Raises ``ValueError`` for a naive datetime; errors in ``rows`` propagate before any byte is sent.
    """
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=_sheet_title(sheet_title))
    spool = SpooledTemporaryFile(max_size=XLSX_SPOOL_BYTES)  # noqa: SIM115 - FileResponse closes it
    try:
        worksheet.append([_xlsx_cell(worksheet, h, bold=True) for h in headers])
        for row in rows:
            worksheet.append([_xlsx_cell(worksheet, v) for v in row])
        workbook.save(spool)
        spool.seek(0)
    except BaseException:
        spool.close()
        _discard(worksheet)
        raise
    response = FileResponse(spool, content_type=XLSX_CONTENT_TYPE)
    _download_headers(response, _safe_filename(filename, "export.xlsx"))
    return response
