"""The export workbook written with XlsxWriter (constant-memory mode), cell for cell what ``core.io.export`` means to
write: the library ``core.io.xlsx`` stands in for (docs/decisions/0016-xlsx-writer.md). Used by the differential test
and by the measurement of what the library would cost."""

import math
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, islice

import xlsxwriter

from core.io import export


def write_xlsx(headers, rows, fileobj, *, sheet: str = "") -> None:
    labels = [export._text(h) for h in headers]
    iterator = iter(rows)
    sample = [list(row) for row in islice(iterator, export.WIDTH_SAMPLE)]
    book = xlsxwriter.Workbook(
        fileobj,
        {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    bold = book.add_format({"bold": True})
    quoted = book.add_format({"quote_prefix": True})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    worksheet = book.add_worksheet(export.sheet_name(sheet) if sheet else "Sheet1")
    worksheet.freeze_panes(1, 0)
    for col, header in enumerate(labels):
        width = max([export.text_width(header) + 2] + [export.text_width(r[col]) for r in sample if col < len(r)])
        worksheet.set_column(col, col, min(max(width, 8), 50))
        worksheet.write_string(0, col, header, bold)
    for number, row in enumerate(chain(sample, iterator), start=1):
        for col, value in enumerate(row):
            _write(worksheet, number, col, value, quoted, day, moment)
    book.close()


def _write(worksheet, row, col, value, quoted, day, moment) -> None:
    kind = type(value)
    if value is None or value == "":
        return
    if kind is str:
        worksheet.write_string(row, col, value, quoted if value.startswith(export.FORMULA_PREFIXES) else None)
    elif kind is bool:
        worksheet.write_boolean(row, col, value)
    elif isinstance(value, int) and abs(value) < export.MAX_EXACT_INT:
        worksheet.write_number(row, col, value)
    elif isinstance(value, float | Decimal) and math.isfinite(value) and export._exact(value):
        worksheet.write_number(row, col, float(value))
    elif isinstance(value, datetime):
        worksheet.write_datetime(row, col, export._local(value), moment)
    elif isinstance(value, date):
        worksheet.write_datetime(row, col, value, day)
    else:
        text = export._text(value)
        if text:
            worksheet.write_string(row, col, text, quoted if text.startswith(export.FORMULA_PREFIXES) else None)
