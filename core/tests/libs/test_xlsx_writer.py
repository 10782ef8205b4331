"""core.io.xlsx (through core.io.export.write_xlsx) against XlsxWriter writing the same cells: both read back with
openpyxl (and calamine) alike, on the edge cases an export meets."""

import io
import math
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from core.io.export import write_xlsx

from . import xlsx_reference

HEADERS = ["名称", "数字", "日期", "文本", "e", "f"]
ROWS = [
    ["示例县人力资源和社会保障局", 42, date(2026, 1, 31), "繁體字 😀 e\u0301 \u2028", None, ""],
    ["", 0, date(1900, 1, 1), "=1+1", "+1", "-1"],  # formula injection: text, quote-prefixed
    ["@SUM(A1)", -0.0, date(1900, 2, 28), "\tx", "\rx", '=HYPERLINK("http://x")'],
    [None, 2**53 - 1, date(1900, 3, 1), "x" * 40_000, " 前后空格 ", "a&b<c>d\"e'"],  # long text: Excel's limit
    [True, 2**53, date(9999, 12, 31), "_x0041_ 字面", "控制\x01\x1f字符", "换\n行"],
    [False, 1.5, datetime(2026, 1, 31, 9, 30, 15, 500_000), 1e-300, 1e308, float("nan")],
    [Decimal("2.25"), Decimal("1234567890.12345"), Decimal("12345678901234567"), float("inf"), 0.1 + 0.2, -7],
    [datetime(2026, 6, 1, 1, 2, 3, tzinfo=UTC), datetime(2026, 6, 1, 9, tzinfo=timezone(timedelta(hours=8))), 3, 4],
    ["010-12345678", "00123", "1e5", "TRUE", "2026-01-31", "http://example.org"],  # text that looks like a value
    [],
    ["只有一格"],
]


def books(rows=ROWS, headers=HEADERS, sheet="单位/名单[1]"):
    ours, theirs = io.BytesIO(), io.BytesIO()
    write_xlsx(headers, rows, ours, sheet=sheet)
    xlsx_reference.write_xlsx(headers, rows, theirs, sheet=sheet)
    return ours.getvalue(), theirs.getvalue()


def cells(data: bytes):
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return sheet, [
        [(c.value, c.data_type, c.number_format, c.quotePrefix, bool(c.font.b)) for c in row] for row in sheet.rows
    ]


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return a == b


def test_every_cell_reads_back_as_from_xlsxwriter(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    ours, theirs = books()
    our_sheet, our_cells = cells(ours)
    their_sheet, their_cells = cells(theirs)
    assert our_sheet.title == their_sheet.title == "单位 名单 1"
    assert our_sheet.freeze_panes == their_sheet.freeze_panes == "A2"
    assert len(our_cells) == len(their_cells)
    for r, (mine, other) in enumerate(zip(our_cells, their_cells, strict=True)):
        for c, (a, b) in enumerate(zip(mine, other, strict=True)):
            assert all(same(x, y) for x, y in zip(a, b, strict=True)), (r, c, a, b)
    assert widths(our_sheet) == pytest.approx(widths(their_sheet), abs=0.01)


def widths(sheet) -> list[float]:
    """Each column's width (XlsxWriter writes one <col> for a run of equal widths, core.io.xlsx one per column)."""
    found = {}
    for dimension in sheet.column_dimensions.values():
        for index in range(dimension.min, dimension.max + 1):
            found[index] = dimension.width
    return [found[index] for index in sorted(found)]


def test_calamine_reads_both_alike():
    def values(data):
        return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()

    ours, theirs = books()
    assert values(ours) == values(theirs)


def test_long_text_is_cut_at_excels_limit_in_utf16_units():
    ours, theirs = books([["x" * 40_000, "😀" * 20_000]], ["a", "b"], "s")
    mine = openpyxl.load_workbook(io.BytesIO(ours)).active
    other = openpyxl.load_workbook(io.BytesIO(theirs)).active
    assert mine["A2"].value == other["A2"].value == "x" * 32_767
    assert mine["B2"].value == other["B2"].value == "😀" * 16_383  # 32,766 UTF-16 units: what Excel holds


def test_no_formula_anywhere():
    ours, _theirs = books()
    sheet = openpyxl.load_workbook(io.BytesIO(ours)).active
    assert all(cell.data_type != "f" for row in sheet.rows for cell in row)
