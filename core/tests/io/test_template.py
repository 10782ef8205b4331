import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from core.io.export import sheet_name


def load(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_template_layout(schema):
    book = load(schema.template_xlsx())
    data, notes = book.worksheets
    assert data.title == "units"
    assert [cell.value for cell in data[1]] == ["name", "code", "kind", "short name", "parent"]
    assert all(cell.font.b for cell in data[1])
    assert [cell.value for cell in data[2]] == ["示例县", "330122", "County / district", None, "330100"]
    assert data["B2"].data_type == "s"  # codes stay text, leading zeros and all
    assert data.column_dimensions["A"].width >= 10
    validations = data.data_validations.dataValidation
    assert [str(v.sqref) for v in validations] == ["C2:C10001"]
    assert notes.title == "Notes"
    assert [[cell.value for cell in row] for row in notes.iter_rows()] == [
        ["Column", "Required", "Notes"],
        ["name", "Yes", "At most 100 characters."],
        ["code", "Yes", "Must not repeat."],
        [
            "kind",
            "Yes",
            "One of: Province, City, County / district, Township / street, Department, Subordinate unit.",
        ],
        ["short name", "No", "At most 5 characters."],
        [
            "parent",
            "No",
            "The code of an existing unit. Its name or short name may be written instead, if no other has it.",
        ],
    ]


def test_template_in_chinese(schema, zh_catalogue):
    with translation.override("zh-hans"):
        book = load(schema.template_xlsx())
    assert [sheet.title for sheet in book.worksheets] == ["单位", "说明"]
    assert [cell.value for cell in book.worksheets[0][1]][:3] == ["名称", "编码", "类型"]
    assert book.worksheets[1]["B2"].value == "是"


@pytest.mark.django_db
def test_template_example_row_validates(schema, units, user, zh_catalogue):
    for language in ("en", "zh-hans"):
        with translation.override(language):
            data = schema.template_xlsx()
            # The example code exists already; a fresh one shows the rest of the row is valid.
            result = schema.validate(SimpleUploadedFile("template.xlsx", data), "template.xlsx", user)
        assert [(e.row, e.column) for e in result.errors] == [(2, "编码" if language == "zh-hans" else "code")]
        assert result.rows == [
            {"name": "示例县", "code": "330122", "kind": "county", "short_name": "", "parent_id": units["city"].pk}
        ]


@pytest.mark.django_db
def test_template_round_trip_without_clash(schema, user, units):
    units["county"].delete()
    data = schema.template_xlsx()
    result = schema.validate(SimpleUploadedFile("template.xlsx", data), "template.xlsx", user)
    assert result.ok, result.errors
    assert result.total == 1


def test_sheet_name():
    assert sheet_name("说明/Notes") == "说明 Notes"
    assert sheet_name("a" * 40) == "a" * 31
    assert sheet_name("[]") == "Sheet1"
