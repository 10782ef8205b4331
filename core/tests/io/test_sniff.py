import io
import zipfile

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from core.io import ImportFileError, sniff
from core.io.sniff import CHUNK

from .conftest import csv_file, rezip, xlsx_bytes, xlsx_file

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">
<si><t>&lol3;</t></si></sst>"""


def rejected(fileobj, name=None) -> str:
    with pytest.raises(ImportFileError) as info:
        sniff(fileobj, name or fileobj.name)
    assert fileobj.tell() == 0
    return info.value.message


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_xlsx_and_csv_by_content_not_name():
    book = xlsx_file([["a"], ["b"]])
    assert sniff(book, "data.xlsx") == "xlsx"
    assert book.tell() == 0
    assert sniff(book, "renamed.csv") == "xlsx"
    assert sniff(csv_file([["a"], ["b"]]), "data.csv") == "csv"
    assert sniff(csv_file([["名称"]], encoding="gbk"), "data.txt") == "csv"


def test_leaves_position_at_zero():
    book = xlsx_file([["a"]])
    book.read(10)
    assert sniff(book, "data.xlsx") == "xlsx"
    assert book.tell() == 0


def test_empty_file():
    assert rejected(upload("data.csv", b"")) == "The file is empty."


def test_oversized_file(settings):
    settings.GOVCIO_IMPORT_MAX_BYTES = 1024 * 1024
    message = rejected(upload("data.csv", b"a,b\n" * 300_000))
    assert message == "The file is larger than 1 MB. Please split it into smaller files."
    settings.GOVCIO_IMPORT_MAX_BYTES = 50 * 1024 * 1024
    assert "50 MB" in rejected(upload("data.csv", b"a" * (50 * 1024 * 1024 + 1)))


def test_xlsx_that_is_not_a_zip():
    assert rejected(upload("data.xlsx", b"name,code\n1,2\n")) == (
        "This file is not a real Excel workbook. Please open it in Excel and save it as .xlsx."
    )
    # Many systems export an HTML table named .xls.
    assert "not a real Excel workbook" in rejected(upload("data.xls", b"<html><table></table></html>"))


def test_old_xls():
    message = rejected(upload("data.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000))
    assert "(.xls)" in message
    assert "save it as .xlsx" in message


def test_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    assert "zip archive, not an Excel workbook" in rejected(upload("data.xlsx", buffer.getvalue()))


def test_truncated_workbook():
    data = xlsx_bytes([["a", "b"]] * 100)
    assert "damaged" in rejected(upload("data.xlsx", data[: len(data) // 2]))


def test_corrupted_part_fails_its_crc():
    data = bytearray(rezip(xlsx_bytes([["a"]]), add={"xl/extra.xml": b"<x>" + b"y" * 5000 + b"</x>"}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/extra.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + 10] ^= 0xFF
    assert "damaged" in rejected(upload("data.xlsx", bytes(data)))


def test_binary_garbage_named_csv():
    garbage = bytes(range(256)) * 40
    assert (
        rejected(upload("data.csv", garbage)) == "This file is not a spreadsheet. Please upload an .xlsx or .csv file."
    )
    assert "not a spreadsheet" in rejected(upload("data.csv", b"%PDF-1.7\n\x00\x01binary"))
    assert "not a spreadsheet" in rejected(upload("photo.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100))


def test_utf16_text():
    assert "UTF-16" in rejected(upload("data.csv", "名称\t编码\n".encode("utf-16")))


def test_zip_bomb_high_ratio():
    # 20 MB of zeros deflate to about 20 KB: a ratio near 1000.
    data = rezip(xlsx_bytes([["a"]]), add={"xl/media/bomb.bin": b"\x00" * (20 * 1024 * 1024)})
    assert rejected(upload("data.xlsx", data)) == (
        "The workbook expands to too much data. Please split it into smaller files."
    )


def test_ordinary_compression_passes():
    rows = [["示例县", f"33{i:04d}", "county", "简称", "330100"] for i in range(5000)]
    assert sniff(xlsx_file(rows), "data.xlsx") == "xlsx"


def test_too_many_entries(settings):
    settings.GOVCIO_IMPORT_MAX_ZIP_ENTRIES = 30
    data = rezip(xlsx_bytes([["a"]]), add={f"xl/extra{i}.xml": b"<x/>" for i in range(30)})
    assert rejected(upload("data.xlsx", data)) == "The workbook has too many parts (more than 30)."


def test_default_entry_limit():
    data = rezip(xlsx_bytes([["a"]]), add={f"xl/extra{i}.xml": b"<x/>" for i in range(2000)})
    assert "too many parts (more than 2000)" in rejected(upload("data.xlsx", data))


def test_declared_size_too_large(settings):
    settings.GOVCIO_IMPORT_MAX_UNZIPPED_BYTES = 512 * 1024
    # Random-looking text compresses poorly, so only the total trips the limit, not the ratio.
    filler = "".join(f"{(i * 7919) % 100003:06d}" for i in range(100_000)).encode()
    data = rezip(xlsx_bytes([["a"]]), add={"xl/filler.xml": b"<x>" + filler + b"</x>"})
    assert "expands to too much data" in rejected(upload("data.xlsx", data))


def test_billion_laughs_in_shared_strings():
    data = rezip(xlsx_bytes([["a"]]), replace={"xl/sharedStrings.xml": BILLION_LAUGHS})
    assert rejected(upload("data.xlsx", data)) == (
        "The workbook contains entity declarations, which are not allowed. Please save it again."
    )


def test_entity_declaration_split_across_chunks():
    part = b"<x>" + b" " * (CHUNK - 7) + b"<!ENTITY a 'b'>" + b"</x>"
    data = rezip(xlsx_bytes([["a"]]), add={"xl/worksheets/sheet9.xml": part})
    assert "entity declarations" in rejected(upload("data.xlsx", data))


def test_doctype_in_a_relationship_part():
    data = rezip(xlsx_bytes([["a"]]), replace={"_rels/.rels": b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "x"><r/>'})
    assert "entity declarations" in rejected(upload("data.xlsx", data))


def test_utf16_xml_part_is_refused():
    data = rezip(xlsx_bytes([["a"]]), replace={"xl/sharedStrings.xml": '<?xml version="1.0"?><sst/>'.encode("utf-16")})
    assert "unsupported encoding" in rejected(upload("data.xlsx", data))


SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>%s</sheetData></worksheet>'


def with_sheet(rows: bytes, name: str = "xl/worksheets/sheet1.xml") -> SimpleUploadedFile:
    return upload("data.xlsx", rezip(xlsx_bytes([["a"]]), replace={name: SHEET % rows}))


def test_range_bomb_far_cell():
    # calamine would try to allocate 1048576 x 16384 cells (512 GB) and abort the process. Only sniff runs here.
    far = b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
    far += b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    assert "spans more than 5000000 cells" in rejected(with_sheet(far))


def test_range_bomb_without_references_or_with_a_prefix():
    # Cells without "r" continue from the row's number; a namespace prefix does not hide an element.
    row = b'<row r="1048576">' + b"<c><v>1</v></c>" * 20 + b"</row>"
    assert "spans more than" in rejected(with_sheet(row))
    prefixed = b'<x:row xmlns:x="urn:x" r="900000"><x:c r="A900000"><x:v>1</x:v></x:c>'
    prefixed += b'<x:c r="ZZ900000"><x:v>1</x:v></x:c></x:row>'
    assert "spans more than" in rejected(with_sheet(prefixed))
    # A worksheet part named like an image is still a worksheet to calamine.
    assert "spans more than" in rejected(with_sheet(row, "xl/worksheets/sheet1.png"))


def test_far_cells_without_a_value_do_not_count():
    styled = b'<row r="1"><c r="A1"><v>1</v></c></row>'
    styled += b'<row r="1048576"><c r="XFD1048576" s="1"/><c r="XFD1048575"><f>1</f></c></row>'
    assert sniff(with_sheet(styled), "data.xlsx") == "xlsx"


def test_cell_limit_is_a_setting(settings):
    settings.GOVCIO_IMPORT_MAX_CELLS = 100
    book = xlsx_file([[f"{r}-{c}" for c in range(10)] for r in range(11)])
    assert rejected(book) == (
        "The worksheet spans more than 100 cells. Please delete unused rows and columns or split it."
    )
    assert sniff(xlsx_file([[f"{r}-{c}" for c in range(10)] for r in range(10)]), "data.xlsx") == "xlsx"


def test_irregular_worksheet_that_is_not_well_formed():
    # Parts the fast path cannot vouch for go through the XML parser, which refuses broken ones.
    assert "damaged" in rejected(with_sheet(b'<row r="1"><c><v>1</v></row>'))
    assert "damaged" in rejected(with_sheet(b'<row r="x"><c><v>1</v></c></row>'))
    assert "damaged" in rejected(with_sheet(b'<row r="1"><c r="1A"><v>1</v></c></row>'))


def test_irregular_but_small_worksheet_passes():
    cells = b'<row r="2"><c t="inlineStr"><is><t>x</t></is></c><x:c xmlns:x="urn:x" r="C2"><x:v>1</x:v></x:c></row>'
    assert sniff(with_sheet(cells), "data.xlsx") == "xlsx"


def test_part_in_another_declared_encoding():
    latin = b'<?xml version="1.0" encoding="ISO-8859-1"?>' + SHEET % b""
    data = rezip(xlsx_bytes([["a"]]), replace={"xl/worksheets/sheet1.xml": latin})
    assert "unsupported encoding" in rejected(upload("data.xlsx", data))


def test_shared_strings_announcing_billions():
    # calamine reserves uniqueCount strings before reading any: 4e9 of them abort the process.
    sst = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="4000000000">'
    sst += b"<si><t>a</t></si></sst>"
    data = rezip(xlsx_bytes([["a"]]), replace={"xl/sharedStrings.xml": sst})
    assert "damaged" in rejected(upload("data.xlsx", data))


def test_shared_strings_with_an_honest_count():
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for row in range(3000):
        sheet.write_string(row, 0, f"text {row}")
    workbook.close()
    with zipfile.ZipFile(buffer) as archive:
        assert b'uniqueCount="3000"' in archive.read("xl/sharedStrings.xml")
    assert sniff(upload("data.xlsx", buffer.getvalue()), "data.xlsx") == "xlsx"
