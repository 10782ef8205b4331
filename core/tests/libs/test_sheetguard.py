"""core.io.sheetguard (calamine's placement of cells, re-implemented to bound its grid before calamine allocates it)
against python-calamine itself, on worksheets small enough for calamine to read: the grid the guard counts is the
grid calamine yields."""

import io
import zipfile

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from core.io.sheetguard import ExactScan, FastScan

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SHEETS = {
    "refs": '<row r="1"><c r="A1" t="inlineStr"><is><t>甲</t></is></c><c r="C1"><v>1</v></c></row>'
    '<row r="4"><c r="B4"><v>2</v></c></row>',
    "starts lower right": '<row r="3"><c r="D3"><v>1</v></c><c r="F3"><v>2</v></c></row>'
    '<row r="7"><c r="E7"><v>3</v></c></row>',
    "no references": "<row><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row><row><c/><c><v>4</v></c></row>",
    "row references only": '<row r="2"><c><v>1</v></c><c><v>2</v></c></row><row r="5"><c><v>3</v></c></row>',
    "mixed": '<row r="2"><c r="C2"><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row><row><c><v>4</v></c></row>',
    "valueless cells far away": '<row r="1"><c r="A1"><v>1</v></c><c r="Z1" s="1"/></row>'
    '<row r="900"><c r="AA900" s="1"></c></row>',
    "lower case reference": '<row r="1"><c r="b2"><v>1</v></c></row>',
    "prefixed elements": '<x:row r="1"><x:c r="B1"><x:v>1</x:v></x:c><x:c r="D3"><x:v>2</x:v></x:c></x:row>',
    "empty": "",
}


def workbook(sheet_data: str, prefixed: bool = False) -> bytes:
    """A workbook whose first worksheet's part holds ``sheet_data``."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet().write(0, 0, "placeholder")
    book.close()
    out = io.BytesIO()
    root = (
        f'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>{sheet_data}'
        "</x:sheetData></x:worksheet>"
        if prefixed
        else f"<worksheet {NS}><sheetData>{sheet_data}</sheetData></worksheet>"
    )
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + root).encode()
            target.writestr(item, data)
    return out.getvalue()


def calamine_grid(data: bytes) -> int:
    """The cells calamine yields to ``core.io.readers`` (``iter_rows``: from the first row, over the used columns)."""
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).iter_rows()
    return sum(len(row) for row in rows)


def guard_grid(data: bytes) -> tuple[int, FastScan]:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        exact = ExactScan(limit=10**9)
        with book.open("xl/worksheets/sheet1.xml") as part:
            exact.run(part)
        fast = FastScan()
        fast.feed(book.read("xl/worksheets/sheet1.xml"))
    return exact.cells(), fast


@pytest.mark.parametrize("name", SHEETS)
def test_the_guard_counts_the_grid_calamine_yields(name):
    data = workbook(SHEETS[name], prefixed=name == "prefixed elements")
    exact, fast = guard_grid(data)
    assert exact == calamine_grid(data), name
    if fast.trusted():  # the fast bound also counts valueless cells: never below the grid
        assert fast.cells() >= exact


def test_an_xlsxwriter_workbook_with_sparse_cells():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for row, col, value in [(0, 0, "名称"), (5, 3, 12), (2, 7, "x"), (40, 1, 1.5), (40, 30, "远")]:
        sheet.write(row, col, value)
    sheet.write_blank(200, 100, None, book.add_format({"bold": True}))
    book.close()
    data = buffer.getvalue()
    exact, fast = guard_grid(data)
    assert exact == calamine_grid(data) == 41 * 31
    assert fast.trusted() and fast.cells() >= exact
