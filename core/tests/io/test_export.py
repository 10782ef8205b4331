import csv
import io
import os
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _

from core.io import Column, Schema, export_response, neutralise, stream_csv, write_xlsx
from core.models import Unit

from .conftest import unit_schema

DANGEROUS = ["=1+1", "+86 138", "-5", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://evil","click")']


def test_neutralise():
    for value in DANGEROUS:
        assert neutralise(value) == "'" + value
    for value in ["safe", "", "1-2", "a=b", -5, 3.5, None, "'quoted"]:
        assert neutralise(value) == value


def parse_csv(chunks) -> list[list[str]]:
    data = b"".join(chunks)
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_stream_csv():
    rows = [["示例县", 42, Decimal("1.50"), date(2026, 1, 31), None, *DANGEROUS]]
    parsed = parse_csv(stream_csv(["名称", "n", "d", "day", "none"] + ["x"] * len(DANGEROUS), rows))
    assert parsed[0][:5] == ["名称", "n", "d", "day", "none"]
    assert parsed[1] == ["示例县", "42", "1.50", "2026-01-31", ""] + ["'" + value for value in DANGEROUS]


def test_stream_csv_is_incremental():
    consumed = 0

    def rows():
        nonlocal consumed
        for i in range(100_000):
            consumed += 1
            yield [i, "示例县示例县示例县", "330122"]

    stream = stream_csv(["n", "名称", "code"], rows())
    header = next(stream)
    assert consumed == 0
    assert header == "\ufeffn,名称,code\r\n".encode()
    first = next(stream)
    assert isinstance(first, bytes)
    assert 0 < consumed < 100_000
    assert 64 * 1024 <= len(first) < 4 * 64 * 1024  # 64 K characters, up to 3 bytes each
    rest = list(stream)
    assert consumed == 100_000
    assert len(rest) > 10


def read_book(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_write_xlsx_types_and_formula_text(tmp_path):
    path = tmp_path / "out.xlsx"
    rows = [["示例县", 42, 1.5, Decimal("2.25"), True, date(2026, 1, 31), datetime(2026, 1, 31, 9, 30), None, 2**60]]
    rows.append(DANGEROUS + [""] * 2)
    with open(path, "wb") as fileobj:
        write_xlsx(["名称", "a", "b", "c", "d", "e", "f", "g", "h"], rows, fileobj, sheet="单位")
    sheet = read_book(path.read_bytes())
    assert sheet.title == "单位"
    assert [cell.value for cell in sheet[1]] == ["名称", "a", "b", "c", "d", "e", "f", "g", "h"]
    assert sheet["A1"].font.b
    values = [cell.value for cell in sheet[2]]
    assert values[:5] == ["示例县", 42, 1.5, 2.25, True]
    assert values[5].date() == date(2026, 1, 31)
    assert values[6] == datetime(2026, 1, 31, 9, 30)
    assert values[7] is None
    assert values[8] == str(2**60)
    for cell, value in zip(sheet[3], DANGEROUS, strict=False):
        if value != "\rx":  # openpyxl leaves xlsxwriter's escape for a carriage return (_x000D_) as is
            assert cell.value == value
        assert cell.data_type == "s"  # text, never a formula
        assert cell.quotePrefix
    assert sheet.column_dimensions["A"].width >= 8


def test_export_response_csv_with_chinese_filename():
    response = export_response("csv", "单位清单", ["名称"], iter([["=1+1"], ["示例县"]]))
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"export.csv\"; filename*=UTF-8''%E5%8D%95%E4%BD%8D%E6%B8%85%E5%8D%95.csv"
    )
    assert parse_csv(response.streaming_content) == [["名称"], ["'=1+1"], ["示例县"]]


@pytest.mark.django_db  # closing a response sends request_finished, which checks the connection
def test_export_response_xlsx_spools_to_a_temporary_file():
    response = export_response("xlsx", "2026年 units.xlsx", ["名称"], [["=1+1"]])
    assert isinstance(response, FileResponse)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment; filename=\"2026 units.xlsx\"; filename*=UTF-8''")
    path = response.file_to_stream.name
    assert os.path.exists(path)
    data = b"".join(response.streaming_content)
    response.close()
    assert not os.path.exists(path)
    cell = read_book(data)["A2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_export_response_unknown_format():
    with pytest.raises(ValueError):
        export_response("pdf", "x", [], [])


@pytest.mark.django_db
def test_export_rows_labels_codes_and_one_query(units, django_assert_num_queries):
    schema = unit_schema()
    with django_assert_num_queries(1):
        rows = list(schema.export_rows(Unit.objects.order_by("path")))
    assert rows == [
        ["示例市", "330100", "City", "", ""],
        ["示例县", "330122", "County / district", "", "330100"],
        ["别的市", "340100", "City", "", ""],
    ]


def test_export_rows_of_plain_objects_and_booleans(zh_catalogue):
    from django.utils import translation

    schema = Schema(
        Unit,  # any model: these columns are not its fields
        [
            Column("name", _("name")),
            Column("active", _("active"), export=lambda obj: obj.flag),
            Column("when", _("when")),
        ],
    )
    objects = [
        SimpleNamespace(name="=cmd", flag=True, when=date(2026, 1, 31)),
        SimpleNamespace(name="b", flag=False, when=None),
    ]
    assert list(schema.export_rows(objects)) == [["=cmd", "Yes", date(2026, 1, 31)], ["b", "No", ""]]
    with translation.override("zh-hans"):
        assert [row[1] for row in schema.export_rows(objects)] == ["是", "否"]


@pytest.mark.django_db
def test_export_then_import_round_trip(units, user):
    schema = unit_schema(key="code")
    response = schema.export("xlsx", "units", Unit.objects.restrict(user, "view"))
    data = b"".join(response.streaming_content)
    # Not response.close(): it sends request_finished, which closes the database connection mid-test.
    result = schema.validate(SimpleUploadedFile("units.xlsx", data), "units.xlsx", user)
    assert result.ok, result.errors
    assert [row["pk"] for row in result.rows] == [units["city"].pk, units["county"].pk]
    assert result.rows[1]["parent_id"] == units["city"].pk


@pytest.mark.django_db
def test_table_export_reads_values_and_matches_the_models(django_assert_max_num_queries):
    from accounts.models import User
    from accounts.tables import UserTable
    from core import gate
    from core.tables import UnitTable
    from core.testing import build_tree, make_user

    tree = build_tree()
    cio = make_user("甲", "cio", tree.county_a, full_name="张三", title="=主任")
    liaison = make_user("丙", "liaison", tree.dept_a, subtree=False)
    User.objects.create_user("乙", password=None, is_active=False)
    users = User.objects.select_related("unit")
    for reader in (cio, liaison):
        gate.grants(reader)  # compiled once per request, before the export
        for table, queryset in ((UserTable, users), (UnitTable, Unit.objects.all())):
            queryset = queryset.order_by("pk")
            assert table(queryset, user=reader)._values(queryset) is not None
            with django_assert_max_num_queries(1):
                by_values = list(table(queryset, user=reader).export_rows())
            by_models = list(table(list(queryset), user=reader).export_rows())
            assert by_values == by_models and len(by_values) == queryset.count()
    # The parent is named for whoever may see it (core.names).
    parents = {row[0]: row[3] for row in UnitTable(Unit.objects.order_by("pk"), user=liaison).export_rows()}
    assert parents[tree.dept_a.name] == str(_("Another unit"))
    parents = {row[0]: row[3] for row in UnitTable(Unit.objects.order_by("pk"), user=cio).export_rows()}
    assert parents[tree.dept_a.name] == tree.county_a.name
    rows = {row[0]: row for row in UserTable(users.order_by("pk")).export_rows()}
    assert rows["甲"] == ["甲", "张三", tree.county_a.name, "=主任", str(_("Yes")), ""]
    assert rows["乙"][4] == str(_("No"))


def test_write_xlsx_escapes_like_excel_and_reads_back():
    from python_calamine import CalamineWorkbook

    texts = [" 前后空格 ", "a&b<c>d\"e'", "_x0041_ 字面", "控制\x01字符", "换\n行", "x" * 40_000, "😀" * 20_000]
    buffer = io.BytesIO()
    write_xlsx(["h"] * len(texts), [texts], buffer)
    back = CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue())).get_sheet_by_index(0).to_python()[1]
    assert back[:5] == texts[:5]
    assert back[5] == "x" * 32_767  # Excel's limit
    assert back[6] == "😀" * 16_383  # counted in UTF-16 units
    cell = read_book(buffer.getvalue())["A2"]
    assert cell.value == " 前后空格 "  # whitespace kept (xml:space="preserve")
