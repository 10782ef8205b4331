import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from core.gate import grants
from core.io import CellError, ImportFileError
from core.models import Unit

from .conftest import csv_file, unit_schema, xlsx_file

HEADER = ["name", "code", "kind", "short name", "parent"]


def messages(result) -> list[tuple[int, str, str]]:
    return [(error.row, error.column, error.message) for error in result.errors]


@pytest.mark.django_db
def test_rows_are_parsed_with_foreign_keys_resolved(schema, units, user, zh_catalogue):
    book = xlsx_file([HEADER, ["东城县", 330123, "county", "东城", "330100"], ["西城县", "330124", "县/区", "", ""]])
    result = schema.validate(book, book.name, user)
    assert result.ok, result.errors
    assert result.total == 2
    assert result.row_numbers == [2, 3]
    assert result.rows == [
        {"name": "东城县", "code": "330123", "kind": "county", "short_name": "东城", "parent_id": units["city"].pk},
        {"name": "西城县", "code": "330124", "kind": "county", "short_name": "", "parent_id": None},
    ]


@pytest.mark.django_db
def test_header_aliases(schema, units, user, zh_catalogue):
    rows = [["东城县", "330123", "county", "", "330100"]]
    for header in (
        ["名称", "编码", "类型", "short name", "上级单位"],  # Chinese labels
        ["Name", "CODE", "Kind", "Short Name", "Parent"],  # English labels, any case
        ["name", "code", "kind", "short_name", "parent"],  # field names, for API clients
    ):
        for language in ("zh-hans", "en"):
            with translation.override(language):
                result = schema.validate(csv_file([header, *rows]), "data.csv", user)
            assert result.ok, (header, language, result.errors)
            assert result.rows[0]["parent_id"] == units["city"].pk


@pytest.mark.django_db
def test_every_cell_error_is_reported(schema, units, user):
    book = csv_file(
        [
            HEADER,
            ["", "33012", "village", "toolongname", "330100"],
            ["好", "330125", "county", "", ""],
            ["", "", "", "", ""],
            ["坏", "abc", "", "", "999999"],
        ]
    )
    result = schema.validate(book, book.name, user)
    assert not result.ok
    assert result.total == 3
    assert messages(result) == [
        (2, "name", "This field is required."),
        (2, "code", "Enter 6 or 9 digits."),
        (
            2,
            "kind",
            "Choose one of: Province, City, County / district, Township / street, Department, Subordinate unit.",
        ),
        (2, "short name", "Enter at most 5 characters (it has 11)."),
        (5, "code", "Enter 6 or 9 digits."),
        (5, "kind", "This field is required."),
        (5, "parent", "“999999” was not found, or you do not have access to it."),
    ]


@pytest.mark.django_db
def test_error_column_is_the_header_as_written(schema, units, user):
    book = csv_file([["Name", "CODE", "kind"], ["x", "1", "county"]])
    result = schema.validate(book, book.name, user)
    assert messages(result) == [(2, "CODE", "Enter 6 or 9 digits.")]


@pytest.mark.django_db
def test_missing_and_unknown_headers(schema, user):
    book = xlsx_file([["name", "colour", "short name", "", "size"], ["x", "red", "y", "", "L"]])
    result = schema.validate(book, book.name, user)
    assert messages(result) == [
        (1, "", "Required columns are missing: code, kind."),
        (1, "", "Unknown columns: colour, size. Please use the headers of the template."),
    ]
    assert result.rows == [{"name": "x", "short_name": "y"}]


@pytest.mark.django_db
def test_duplicate_header(schema, user):
    book = csv_file([["name", "code", "kind", "Name"], ["x", "330199", "city", "y"]])
    result = schema.validate(book, book.name, user)
    assert messages(result) == [(1, "Name", "This column appears more than once.")]


@pytest.mark.django_db
def test_header_only(schema, user):
    result = schema.validate(csv_file([HEADER]), "data.csv", user)
    assert messages(result) == [(0, "", "The file has no data rows under the header.")]


@pytest.mark.django_db
def test_file_errors_are_raised(schema, user):
    with pytest.raises(ImportFileError):
        schema.validate(
            SimpleUploadedFile("data.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)), "data.xls", user
        )


@pytest.mark.django_db
def test_foreign_keys_resolve_in_one_query(units, user, django_assert_num_queries):
    from django.utils.translation import gettext_lazy as _

    from core.io import Column, ForeignKey, Schema

    schema = Schema(
        Unit,
        [
            Column("name", _("name")),
            ForeignKey("parent", _("parent"), Unit),
            ForeignKey("line_parent", _("vertical-line parent"), "core.Unit"),
        ],
    )
    rows = [["name", "parent", "vertical-line parent"]]
    rows += [[f"u{i}", ["330100", "330122"][i % 2], "330100"] for i in range(500)]
    book = xlsx_file(rows)
    grants(user)  # the gate compiles the user's roles once per request
    with django_assert_num_queries(1):
        result = schema.validate(book, book.name, user)
    assert result.ok
    assert {row["parent_id"] for row in result.rows} == {units["city"].pk, units["county"].pk}
    assert {row["line_parent_id"] for row in result.rows} == {units["city"].pk}


@pytest.mark.django_db
def test_out_of_scope_looks_like_not_found(schema, units, user):
    book = csv_file([HEADER, ["a", "330131", "county", "", "340100"], ["b", "330132", "county", "", "440100"]])
    result = schema.validate(book, book.name, user)
    assert messages(result) == [
        (2, "parent", "“340100” was not found, or you do not have access to it."),
        (3, "parent", "“440100” was not found, or you do not have access to it."),
    ]


@pytest.mark.django_db
def test_user_without_roles_sees_nothing(schema, units):
    from accounts.models import User

    nobody = User.objects.create_user(username="nobody", password=None)
    book = csv_file([HEADER, ["a", "330131", "county", "", "330100"]])
    assert messages(schema.validate(book, book.name, nobody)) == [
        (2, "parent", "“330100” was not found, or you do not have access to it.")
    ]


@pytest.mark.django_db
def test_unique_inside_the_file(schema, units, user):
    book = csv_file([HEADER, ["a", "330131", "county"], ["b", "330132", "county"], ["c", "330131", "county"]])
    result = schema.validate(book, book.name, user)
    assert messages(result) == [(4, "code", "“330131” is also in row 2.")]


@pytest.mark.django_db
def test_unique_against_the_database_whoever_owns_it(schema, units, user, django_assert_num_queries):
    # 330122 is in the user's scope, 340100 is not: both are reported, with the same words.
    book = csv_file([HEADER, ["a", "330122", "county"], ["b", "340100", "city"], ["c", "330133", "county"]])
    with django_assert_num_queries(1):
        result = schema.validate(book, book.name, user)
    assert messages(result) == [(2, "code", "“330122” already exists."), (3, "code", "“340100” already exists.")]


@pytest.mark.django_db
def test_key_column_updates_objects_in_scope(units, user):
    schema = unit_schema(key="code")
    book = csv_file([HEADER, ["新名", "330122", "county"], ["b", "340100", "city"], ["c", "330133", "county"]])
    result = schema.validate(book, book.name, user)
    assert messages(result) == [(3, "code", "“340100” already exists.")]
    assert result.rows[0]["pk"] == units["county"].pk
    assert "pk" not in result.rows[2]


def test_key_must_be_a_unique_column():
    with pytest.raises(ValueError):
        unit_schema(key="name")
    with pytest.raises(ValueError):
        unit_schema(key="parent")


@pytest.mark.django_db
def test_errors_are_capped(schema, user):
    rows = [HEADER] + [["", "bad", "county"] for _ in range(600)]
    result = schema.validate(csv_file(rows), "data.csv", user)
    assert len(result.errors) == 1001
    assert result.omitted == 200
    assert result.errors[0] == CellError(2, "name", "This field is required.")
    assert result.errors[999] == CellError(501, "code", "Enter 6 or 9 digits.")
    assert result.errors[-1] == CellError(0, "", "200 more problems are not shown.")


@pytest.mark.django_db
def test_clean_row_hook(units, user):
    from core.io import Schema

    class CitiesAtTheTop(Schema):
        def clean_row(self, row):
            if row["kind"] == "city" and row.get("parent_id"):
                raise ValueError("A city has no parent unit here.")

    base = unit_schema()
    schema = CitiesAtTheTop(base.model, base.columns)
    book = csv_file([HEADER, ["a", "330141", "city", "", "330100"], ["b", "bad", "city", "", "330100"]])
    result = schema.validate(book, book.name, user)
    # Only rows whose cells are all valid reach clean_row.
    assert messages(result) == [(2, "", "A city has no parent unit here."), (3, "code", "Enter 6 or 9 digits.")]


@pytest.mark.django_db
def test_validation_never_writes(schema, units, user, django_assert_max_num_queries):
    before = Unit.objects.count()
    book = csv_file([HEADER, ["a", "330131", "county"]])
    schema.validate(book, book.name, user)
    assert Unit.objects.count() == before


@pytest.mark.django_db
def test_gbk_csv_keeps_chinese(schema, units, user, zh_catalogue):
    book = csv_file([["名称", "编码", "类型", "上级单位"], ["鄞州区", "330212", "县/区", "330100"]], encoding="gbk")
    result = schema.validate(book, book.name, user)
    assert result.ok, result.errors
    assert result.rows[0]["name"] == "鄞州区"
    assert result.rows[0]["kind"] == "county"


@pytest.mark.django_db
def test_oversized_file_is_refused_before_reading(schema, user, settings, django_assert_num_queries):
    settings.GOVCIO_IMPORT_MAX_BYTES = 1024
    book = csv_file([HEADER] + [["a", "330131", "county"]] * 100)
    with django_assert_num_queries(0), pytest.raises(ImportFileError, match="larger than 0.1 MB"):
        schema.validate(book, book.name, user)


def test_native_xlsx_types_feed_the_parsers():
    from datetime import date
    from decimal import Decimal

    from django.utils.translation import gettext_lazy as _

    from core.io import Column, Schema, boolean, decimal, integer
    from core.io import date as date_parser

    schema = Schema(
        Unit,
        [
            Column("day", _("day"), parser=date_parser()),
            Column("flag", _("flag"), parser=boolean()),
            Column("amount", _("amount"), parser=decimal(8, 2)),
            Column("count", _("count"), parser=integer(min=0)),
        ],
    )
    book = xlsx_file(
        [["day", "flag", "amount", "count"], [date(2026, 1, 31), True, 1.5, 3], ["2026/2/1", "否", "", ""]]
    )
    result = schema.validate(book, book.name, None)
    assert result.ok, result.errors
    assert result.rows == [
        {"day": date(2026, 1, 31), "flag": True, "amount": Decimal("1.50"), "count": 3},
        {"day": date(2026, 2, 1), "flag": False, "amount": None, "count": None},
    ]
