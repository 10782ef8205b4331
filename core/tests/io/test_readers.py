import io
from datetime import date, datetime, time

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.io import ImportFileError, read_table, readers

from .conftest import csv_file, xlsx_file


def read(fileobj, kind):
    header, rows = read_table(fileobj, kind)
    return header, list(rows)


def test_xlsx_values_become_the_strings_a_user_would_type():
    book = xlsx_file(
        [
            [" 名称 ", "code", "n", "d", "t", "b", "f", "empty"],
            ["示例县 ", 330122, 1.5, date(2026, 1, 31), datetime(2026, 1, 31, 10, 5), True, 0.1 + 0.2, None],
            ["", 123.0, 1e20, datetime(2026, 1, 31), time(8, 30), False, -4.25, ""],
        ]
    )
    header, rows = read(book, "xlsx")
    assert header == ["名称", "code", "n", "d", "t", "b", "f", "empty"]
    assert rows == [
        (2, ["示例县", "330122", "1.5", "2026-01-31", "2026-01-31 10:05:00", "TRUE", "0.3", ""]),
        (3, ["", "123", "100000000000000000000", "2026-01-31", "08:30:00", "FALSE", "-4.25", ""]),
    ]


def test_xlsx_row_numbers_count_skipped_empty_rows():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["B3"] = "name"
    sheet["B5"] = "first"
    sheet["C7"] = "second"
    sheet["B8"] = "   "
    buffer = io.BytesIO()
    workbook.save(buffer)
    header, rows = read(SimpleUploadedFile("a.xlsx", buffer.getvalue()), "xlsx")
    assert header == ["name", ""]
    assert rows == [(5, ["first", ""]), (7, ["", "second"])]


def test_xlsx_first_worksheet():
    workbook = openpyxl.Workbook()
    workbook.active.append(["first sheet"])
    workbook.create_sheet("second").append(["second sheet"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    header, _rows = read(SimpleUploadedFile("a.xlsx", buffer.getvalue()), "xlsx")
    assert header == ["first sheet"]


def test_no_rows():
    with pytest.raises(ImportFileError, match="no rows"):
        read_table(xlsx_file([]), "xlsx")
    with pytest.raises(ImportFileError, match="no rows"):
        read_table(SimpleUploadedFile("a.csv", b"\n,,\n  \n"), "csv")


def test_csv_utf8_with_bom_strips_and_skips_empty_rows():
    header, rows = read(csv_file([["名称", " code "], ["示例县", " 330122"], ["", ""], ["b", "2"]]), "csv")
    assert header == ["名称", "code"]
    assert rows == [(2, ["示例县", "330122"]), (4, ["b", "2"])]


def test_csv_gbk():
    header, rows = read(csv_file([["名称", "类型"], ["示例县", "县/区"], ["鄞州区", "区"]], encoding="gbk"), "csv")
    assert header == ["名称", "类型"]
    assert rows == [(2, ["示例县", "县/区"]), (3, ["鄞州区", "区"])]


def test_csv_gb18030_beyond_gbk():
    header, rows = read(csv_file([["名称"], ["𠀀䶮"]], encoding="gb18030"), "csv")
    assert rows == [(2, ["𠀀䶮"])]


def test_csv_in_no_known_encoding():
    data = "名称\n示例县\n".encode() + b"\xff\xfe\x80\n"
    with pytest.raises(ImportFileError, match="encoding"):
        read_table(SimpleUploadedFile("a.csv", data), "csv")


def test_csv_quoted_line_breaks_count_as_one_row():
    data = b'a,b\r\n"line one\r\nline two",x\r\nc,d\r\n'
    header, rows = read(SimpleUploadedFile("a.csv", data), "csv")
    assert rows == [(2, ["line one\r\nline two", "x"]), (3, ["c", "d"])]


def test_csv_unreadable_row():
    # An unclosed quotation mark swallows the rest of the file into one enormous cell.
    data = b'a,b\r\nc,d\r\n"e,f\r\n' + b"g,h\r\n" * 40_000
    with pytest.raises(ImportFileError, match="Row 3 has a cell longer than 131072 characters, or a quotation mark"):
        read(SimpleUploadedFile("a.csv", data), "csv")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_csv_lines_split_across_chunks(monkeypatch, newline):
    monkeypatch.setattr(readers, "CHUNK", 7)
    lines = ["名称,编码", "示例县,330122", '"多行' + newline + '单元格",2', "最后,3"]
    data = (newline.join(lines) + newline).encode("utf-8")
    header, rows = read(SimpleUploadedFile("a.csv", data), "csv")
    assert header == ["名称", "编码"]
    assert rows == [(2, ["示例县", "330122"]), (3, ["多行" + newline + "单元格", "2"]), (4, ["最后", "3"])]


def test_csv_undoes_the_exports_apostrophe():
    header, rows = read(csv_file([["a", "b", "c"], ["'=1+1", "'-5", "it's"]]), "csv")
    assert rows == [(2, ["=1+1", "-5", "it's"])]
