"""Import templates speak the user's language, examples of choice columns included (the example must also be a
value the import accepts)."""

import io

from django.utils import translation
from python_calamine import CalamineWorkbook

from core.io.template import template_xlsx
from inventory.schemas import dataresource_schema, link_schema, system_schema


def example_row(schema) -> dict:
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(template_xlsx(schema))).get_sheet_by_index(0).to_python()
    return dict(zip(sheet[0], sheet[1], strict=False))


def test_choice_examples_are_chinese_in_a_chinese_template():
    with translation.override("zh-hans"):
        row = example_row(system_schema)
    assert "运行中" in row.values()
    assert not {"Running", "The public", "Government cloud"} & set(row.values())


def test_choice_examples_follow_the_language():
    with translation.override("en"):
        row = example_row(system_schema)
    assert "Running" in row.values()


def test_every_example_is_accepted_by_its_column():
    with translation.override("zh-hans"):
        for schema in (system_schema, dataresource_schema, link_schema):
            row = example_row(schema)
            for column in schema.columns:
                if column.example != "" and column.parser is not None:
                    column.parser(str(column.example))  # raises CellError when the import would refuse it
                    assert row[str(column.header)] == str(column.example)
