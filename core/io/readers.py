"""Stream the rows of a sniffed file as lists of stripped strings.

Every cell becomes the string a user would type: 123 rather than 123.0, 2026-01-31 for a date, so one set of
parsers serves .xlsx and CSV alike. Rows, columns, cells and the length of a cell or a column name are bounded
(``limits``) as the rows stream by, so a hostile file is refused before it has all been turned into Python objects.
"""

import codecs
import csv
import io
import math
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO, Any

import python_calamine
from django.utils.translation import gettext as _

from .errors import ImportFileError
from .export import FORMULA_PREFIXES
from .limits import TableLimits, table_limits
from .sniff import XLSX

Rows = Iterator[tuple[int, list[str]]]

CHUNK = 1024 * 1024
ENCODINGS = ("utf-8-sig", "gb18030")  # gb18030 is a superset of GBK and GB2312
MAX_LINE = 8 * 1024 * 1024
MIDNIGHT = time()


def read_table(fileobj: IO[bytes], kind: str) -> tuple[list[str], Rows]:
    """Return the header (the first non-empty row) and an iterator of ``(row number, cells)`` for the rest.

    Row numbers are those the user sees in a spreadsheet (1-based, counting empty rows, which are skipped).
    """
    _number, header, rows = read_header(fileobj, kind)
    return header, rows


def read_header(fileobj: IO[bytes], kind: str) -> tuple[int, list[str], Rows]:
    """Like :func:`read_table`, with the header's row number too."""
    fileobj.seek(0)
    limits = table_limits()
    rows = _bounded(_xlsx_rows(fileobj, limits) if kind == XLSX else _csv_rows(fileobj, limits), limits)
    first = next(rows, None)
    if first is None:
        raise ImportFileError(_("The file has no rows."))
    if any(len(name) > limits.header_chars for name in first[1]):
        raise ImportFileError(
            _("A column name in row {row} is longer than {limit} characters. Is this row really the header?").format(
                row=first[0], limit=limits.header_chars
            )
        )
    return first[0], first[1], rows


def _bounded(rows: Rows, limits: TableLimits) -> Rows:
    """The rows, refusing the file at the first row wider than the column limit or past the cell limit."""
    cells = 0
    for number, row in rows:
        width = len(row)
        if width > limits.columns:
            while row and not row[-1]:  # trailing empty cells are no columns (spreadsheet programs write them)
                row.pop()
            width = len(row)
            if width > limits.columns:
                message = _(
                    "Row {row} has {count} columns; at most {limit} are allowed. Please delete the unused columns."
                )
                raise ImportFileError(message.format(row=number, count=width, limit=limits.columns))
        cells += width
        if cells > limits.cells:
            message = _("The file has more than {limit} cells. Please split it into smaller files.")
            raise ImportFileError(message.format(limit=limits.cells))
        yield number, row


def _too_many_rows(limits: TableLimits) -> ImportFileError:
    return ImportFileError(
        _("The file has more than {limit} rows. Please split it into smaller files.").format(limit=limits.rows)
    )


def _xlsx_rows(fileobj: IO[bytes], limits: TableLimits) -> Rows:
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(fileobj)
        sheets = [
            i for i, meta in enumerate(workbook.sheets_metadata) if meta.typ == python_calamine.SheetTypeEnum.WorkSheet
        ]
        if not sheets:
            raise ImportFileError(_("The workbook has no worksheet."))
        sheet = workbook.get_sheet_by_index(sheets[0])
        raw = sheet.iter_rows()
    except python_calamine.CalamineError as exc:
        raise ImportFileError(_("The workbook could not be read. Please save it again as .xlsx.")) from exc
    # calamine yields from the sheet's first row, empty leading rows included, so the count is the row number.
    for number, row in enumerate(raw, start=1):
        if number > limits.rows:
            raise _too_many_rows(limits)
        cells = [value.strip() if type(value) is str else _cell(value) for value in row]
        if any(cells):
            if max(map(len, cells)) > limits.cell_chars:
                raise ImportFileError(
                    _("Row {row} has a cell longer than {limit} characters.").format(
                        row=number, limit=limits.cell_chars
                    )
                )
            yield number, cells


def _cell(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == MIDNIGHT else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def _number(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if not math.isfinite(value):
        return str(value)
    # Excel keeps 15 significant digits; more would turn 0.1 + 0.2 into 0.30000000000000004.
    text = f"{value:.15g}"
    return format(Decimal(text), "f") if "e" in text else text


def _csv_rows(fileobj: IO[bytes], limits: TableLimits) -> Rows:
    encoding = _encoding(fileobj)
    fileobj.seek(0)
    # The csv module's own cell limit (process-wide, so every reader sets the same value from the settings): a cell
    # past it stops the reader there, instead of growing until the line limit.
    csv.field_size_limit(limits.cell_chars)
    reader = csv.reader(_lines(fileobj, encoding))
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            if number > limits.rows:
                raise _too_many_rows(limits)
            cells = [_csv_cell(value) for value in row]
            if any(cells):
                yield number, cells
    except csv.Error as exc:
        if str(exc).startswith("field larger than field limit"):
            message = _(
                "Row {row} has a cell longer than {limit} characters, or a quotation mark that is never closed."
            )
            raise ImportFileError(message.format(row=number + 1, limit=limits.cell_chars)) from exc
        raise ImportFileError(
            _("Row {row} could not be read. Please check its quotation marks.").format(row=number + 1)
        ) from exc


def _csv_cell(value: str) -> str:
    value = value.strip()
    # Undo the apostrophe our own export puts before formula-like text, so an export can be imported back.
    if value[:1] == "'" and value[1:2] in FORMULA_PREFIXES:
        return value[1:].strip()
    return value


def _encoding(fileobj: IO[bytes]) -> str:
    for encoding in ENCODINGS:
        fileobj.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := fileobj.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ImportFileError(_("The text encoding of this CSV file is not recognised. Please save it as “CSV UTF-8”."))


def _lines(fileobj: IO[bytes], encoding: str) -> Iterator[str]:
    """Decode in chunks and yield lines with their endings, as a file opened with ``newline=""`` would."""
    decoder = codecs.getincrementaldecoder(encoding)()
    carry = ""
    while chunk := fileobj.read(CHUNK):
        text = carry + decoder.decode(chunk)
        end = len(text)
        if text.endswith("\r"):
            end -= 1  # maybe the first half of a \r\n split across chunks
        cut = max(text.rfind("\n", 0, end), text.rfind("\r", 0, end)) + 1
        yield from io.StringIO(text[:cut], newline="")
        carry = text[cut:]
        if len(carry) > MAX_LINE:
            raise ImportFileError(_("The file has a line that is too long. Is it really a CSV file?"))
    rest = carry + decoder.decode(b"", final=True)
    if rest:
        yield from io.StringIO(rest, newline="")
