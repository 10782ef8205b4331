"""Write rows out as CSV or .xlsx in constant memory, safe to open in a spreadsheet.

Cells arrive as str, int, float, Decimal, bool, date/datetime or None (what ``Schema.export_rows`` yields). Text
that a spreadsheet would run as a formula is neutralised: an apostrophe in CSV, a quote-prefixed text cell in .xlsx.
"""

import csv
import io
import math
import re
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, islice
from typing import IO, Any
from urllib.parse import quote

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from . import xlsx

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_BATCH = 64 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDTH_SAMPLE = 200
FORBIDDEN_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
MAX_EXACT_INT = 2**53  # beyond this a spreadsheet number loses digits, so it is written as text


def neutralise(value: Any) -> Any:
    """Prefix text a spreadsheet would take for a formula with an apostrophe (CSV injection); other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _local(value).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _local(value: datetime) -> datetime:
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def stream_csv(headers: Iterable[Any], rows: Iterable[Iterable[Any]]) -> Iterator[bytes]:
    """Yield UTF-8 CSV (with a BOM, so Excel reads Chinese correctly) in chunks of about 64 K characters."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([neutralise(_text(h)) for h in headers])
    yield _drain(buffer)  # the header goes out at once, so the download starts before the rows are read
    for row in rows:
        writer.writerow([v if type(v) is int else neutralise(_text(v)) for v in row])
        if buffer.tell() >= CSV_BATCH:
            yield _drain(buffer)
    if buffer.tell():
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


def sheet_name(text: str) -> str:
    """A valid worksheet name: at most 31 characters, none of []:*?/\\."""
    return FORBIDDEN_IN_SHEET_NAME.sub(" ", text).strip()[:31] or "Sheet1"


def text_width(value: Any) -> int:
    # Chinese characters are about twice as wide as Latin ones.
    return sum(2 if ord(char) > 0x2E80 else 1 for char in _text(value))


def write_xlsx(headers: Iterable[Any], rows: Iterable[Iterable[Any]], fileobj: IO[bytes], *, sheet: str = "") -> None:
    """Write one worksheet to ``fileobj``; rows stream into the zip, never all in memory (``core.io.xlsx``)."""
    labels = [_text(h) for h in headers]
    iterator = iter(rows)
    sample = [list(row) for row in islice(iterator, WIDTH_SAMPLE)]
    widths = [
        min(max(max([text_width(header) + 2] + [text_width(row[col]) for row in sample if col < len(row)]), 8), 50)
        for col, header in enumerate(labels)
    ]
    xlsx.write(
        fileobj, labels, chain(sample, iterator), _cell, sheet=sheet_name(sheet) if sheet else "Sheet1", widths=widths
    )


def _cell(ref: str, value: Any) -> str:
    """A value's cell: numbers as numbers (within a spreadsheet's 15 digits), dates with a date format, text as
    text; text a spreadsheet would run as a formula keeps a quote prefix, which it keeps even after an edit."""
    kind = type(value)
    if kind is str:
        if not value:
            return ""
        return xlsx.text_cell(ref, value, xlsx.QUOTED if value.startswith(FORMULA_PREFIXES) else 0)
    if value is None:
        return ""
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < MAX_EXACT_INT:
        return xlsx.number_cell(ref, value)
    if isinstance(value, float | Decimal) and math.isfinite(value) and _exact(value):
        return xlsx.number_cell(ref, float(value))
    if isinstance(value, datetime):
        return xlsx.number_cell(ref, xlsx.excel_serial(_local(value)), xlsx.MOMENT)
    if isinstance(value, date):
        return xlsx.number_cell(ref, xlsx.excel_serial(value), xlsx.DAY)
    text = _text(value)
    if not text:
        return ""
    return xlsx.text_cell(ref, text, xlsx.QUOTED if text.startswith(FORMULA_PREFIXES) else 0)


def _exact(value: float | Decimal) -> bool:
    return not isinstance(value, Decimal) or len(value.as_tuple().digits) <= 15


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the real (e.g. Chinese) name in RFC 5987 form."""
    fallback = "".join(c for c in filename if c.isascii() and c not in '"\\;' and c.isprintable()).strip() or "export"
    if fallback.startswith("."):
        fallback = "export" + fallback
    return "attachment; filename=\"{}\"; filename*=UTF-8''{}".format(fallback, quote(filename, safe=""))


def export_response(
    fmt: str, filename: str, headers: Iterable[Any], rows: Iterable[Iterable[Any]], *, sheet: str = ""
) -> StreamingHttpResponse | FileResponse:
    """A download of ``rows`` as ``fmt`` (``"csv"`` or ``"xlsx"``); the extension is added to ``filename``."""
    if not filename.lower().endswith("." + fmt):
        filename = f"{filename}.{fmt}"
    response: StreamingHttpResponse | FileResponse
    if fmt == "csv":
        response = StreamingHttpResponse(stream_csv(headers, rows), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        # Deleted when the response closes it, after the last byte is sent.
        spool = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115
        try:
            write_xlsx(headers, rows, spool, sheet=sheet)
            spool.seek(0)
        except BaseException:
            spool.close()
            raise
        response = FileResponse(spool, content_type=XLSX_TYPE)
    else:
        raise ValueError(f"unknown export format: {fmt}")
    response["Content-Disposition"] = content_disposition(filename)
    return response
