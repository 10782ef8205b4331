"""Bounded work for every table an import reads (CSV and .xlsx alike): columns, header length, cell length, rows and
cells are limits kept as settings. A hostile file is refused with a message naming the limit, early: in bounded time
and memory, before the whole of it has been turned into Python objects."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.io import ImportFileError, read_table, sniff
from core.testing import measure

from .conftest import rezip, xlsx_bytes, xlsx_file


def refusal(fileobj, name="data.csv") -> str:
    """The message read_table gives for the whole file, reading every row."""
    fileobj.seek(0)
    with pytest.raises(ImportFileError) as info:
        header, rows = read_table(fileobj, sniff(fileobj, name))
        for _row in rows:
            pass
    return info.value.message


def csv_bytes(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def test_the_probes_csv_of_200000_header_columns_is_refused_early():
    # The security probe's file: 1.5 MB, one header row of 200,000 columns (the scanner page took 171 s and 831 MB).
    data = csv_bytes([[f"c{i}" for i in range(200_000)], ["x"] * 3])
    assert 1_200_000 < len(data) < 1_600_000
    with measure() as cost:
        message = refusal(SimpleUploadedFile("scan.csv", data))
    assert message == "Row 1 has 200000 columns; at most 500 are allowed. Please delete the unused columns."
    assert cost.seconds < 5
    assert cost.peak_mb < 300


def test_a_data_row_wider_than_the_limit(settings):
    settings.GOVCIO_IMPORT_MAX_COLUMNS = 5
    data = csv_bytes([["a", "b"], ["1", "2"], ["1"] * 6])
    assert refusal(SimpleUploadedFile("d.csv", data)) == (
        "Row 3 has 6 columns; at most 5 are allowed. Please delete the unused columns."
    )
    # Trailing empty cells do not count (a spreadsheet program often writes them).
    assert len(list(read_table(SimpleUploadedFile("d.csv", csv_bytes([["a", "b"], ["1"] + [""] * 9])), "csv")[1])) == 1


def test_xlsx_columns_are_limited_too(settings):
    settings.GOVCIO_IMPORT_MAX_COLUMNS = 20
    book = xlsx_file([[f"h{i}" for i in range(30)], ["x"] * 30])
    assert refusal(book, "d.xlsx") == "Row 1 has 30 columns; at most 20 are allowed. Please delete the unused columns."


def test_a_header_name_longer_than_the_limit():
    data = csv_bytes([["名称", "x" * 256], ["a", "b"]])
    assert refusal(SimpleUploadedFile("d.csv", data)) == (
        "A column name in row 1 is longer than 255 characters. Is this row really the header?"
    )


def test_a_huge_single_cell_is_refused_with_its_row():
    # One 4 MB cell: refused by the csv module's field limit as soon as the cell passes it, not after reading it.
    data = b"a,b\n1,2\n3," + b"x" * (4 * 1024 * 1024) + b"\n"
    with measure() as cost:
        message = refusal(SimpleUploadedFile("d.csv", data))
    assert message == ("Row 3 has a cell longer than 131072 characters, or a quotation mark that is never closed.")
    assert cost.peak_mb < 300


def test_an_unclosed_quotation_mark_is_named_with_the_cell_limit():
    data = b'a,b\n1,"2\n' + b"x,y\n" * 40_000
    assert "quotation mark that is never closed" in refusal(SimpleUploadedFile("d.csv", data))


def test_cell_length_is_a_setting_for_xlsx_too(settings):
    settings.GOVCIO_IMPORT_MAX_CELL_CHARS = 100
    book = xlsx_file([["a", "b"], ["x" * 101, "y"]])
    assert refusal(book, "d.xlsx") == "Row 2 has a cell longer than 100 characters."
    assert len(list(read_table(xlsx_file([["a", "b"], ["x" * 100, "y"]]), "xlsx")[1])) == 1


def test_a_file_of_a_million_and_one_rows_is_refused_in_bounded_memory():
    data = b"a\n" + b"1\n" * 1_000_001
    with measure() as cost:
        message = refusal(SimpleUploadedFile("d.csv", data))
    assert message == "The file has more than 1000000 rows. Please split it into smaller files."
    assert cost.peak_mb < 300


def test_rows_and_cells_are_settings(settings):
    settings.GOVCIO_IMPORT_MAX_ROWS = 10
    data = csv_bytes([["a"]] + [["1"]] * 10)
    assert refusal(SimpleUploadedFile("d.csv", data)) == (
        "The file has more than 10 rows. Please split it into smaller files."
    )
    settings.GOVCIO_IMPORT_MAX_ROWS = 1000
    settings.GOVCIO_IMPORT_MAX_CELLS = 50
    data = csv_bytes([["a", "b", "c"]] + [["1", "2", "3"]] * 20)
    assert refusal(SimpleUploadedFile("d.csv", data)) == (
        "The file has more than 50 cells. Please split it into smaller files."
    )


def test_a_file_within_every_limit_reads_as_before(settings):
    settings.GOVCIO_IMPORT_MAX_ROWS = 3
    settings.GOVCIO_IMPORT_MAX_COLUMNS = 2
    settings.GOVCIO_IMPORT_MAX_CELLS = 6
    header, rows = read_table(SimpleUploadedFile("d.csv", csv_bytes([["a", "b"], ["1", "2"], ["3", "4"]])), "csv")
    assert header == ["a", "b"] and list(rows) == [(2, ["1", "2"]), (3, ["3", "4"])]


SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>%s</sheetData></worksheet>'


def test_deeply_nested_worksheet_xml_is_refused_by_the_exact_scan():
    # "<x:c" sends the part to the XML parser; 100,000 nested elements would grow its stack without end.
    # (Distinct names, so the part does not compress like a zip bomb.)
    names = [b"e%d" % i for i in range(100_000)]
    nested = b"".join(b"<%s>" % n for n in names) + b"".join(b"</%s>" % n for n in reversed(names))
    cells = b'<row r="1"><x:c xmlns:x="urn:x" r="A1"><x:v>1</x:v></x:c>' + nested + b"</row>"
    book = SimpleUploadedFile("d.xlsx", rezip(xlsx_bytes([["a"]]), replace={"xl/worksheets/sheet1.xml": SHEET % cells}))
    with pytest.raises(ImportFileError) as info:
        sniff(book, "d.xlsx")
    assert info.value.message == "The worksheet is nested more than 64 levels deep. Please save it again as .xlsx."
