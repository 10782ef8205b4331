"""One page of a checked file as the user typed it: the schema's columns found in the file, in the file's order,
the cells as written (names, 是/否, Chinese choices), blank rows and a 序号 column left out as the check leaves them.

The file is read again for each page (it is kept until the import is committed or cancelled, ``core.staging``), up
to the page's last row: nothing but the check's counts is stored per row.
"""

from dataclasses import dataclass, field
from typing import IO

from .readers import read_header
from .schema import Schema
from .sniff import sniff
from .validation import Errors, find_header, map_headers

PAGE_ROWS = 50


@dataclass
class PreviewPage:
    headers: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (spreadsheet row, cells as written)


def preview_page(schema: Schema, fileobj: IO[bytes], filename: str, *, page: int, size: int = PAGE_ROWS) -> PreviewPage:
    """Rows ``(page - 1) * size`` up to ``page * size`` (counting only the rows the check reads)."""
    kind = sniff(fileobj, filename)
    number, header, rows_in = read_header(fileobj, kind)
    number, header, rows_in = find_header(schema, (number, header), rows_in)
    plan = map_headers(schema, header, number, Errors())
    positions = [position for position, _column, _label in plan]
    shown = PreviewPage(headers=[label for _position, _column, label in plan])
    start, end = (page - 1) * size, page * size
    index = 0
    for number, cells in rows_in:
        width = len(cells)
        values = [cells[position] if position < width else "" for position in positions]
        if not any(values):
            continue
        if index >= start:
            shown.rows.append((number, values))
        index += 1
        if index >= end:
            break
    return shown
