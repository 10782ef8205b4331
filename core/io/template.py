"""The import template: the schema's headers, one example row, and a notes sheet, in the active language."""

import io

import xlsxwriter
from django.utils.translation import gettext

from .export import sheet_name, text_width
from .schema import Column, ForeignKey, Schema

LIST_SOURCE_LIMIT = 255  # Excel's limit on an in-cell drop-down list written inline
TEMPLATE_ROWS = 10_000  # rows that get the drop-down lists


def template_xlsx(schema: Schema) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    )
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    required = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "font_color": "#C00000"})
    # Text format keeps leading zeros and long numbers (codes, ID numbers) exactly as typed.
    text = workbook.add_format({"num_format": "@"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})

    sheet = workbook.add_worksheet(sheet_name(str(schema.model._meta.verbose_name_plural)))
    for col, column in enumerate(schema.columns):
        label = str(column.header)
        example = str(column.example)
        width = min(max(text_width(label) + 4, text_width(example) + 2, 10), 50)
        sheet.set_column(col, col, width, text)
        sheet.write_string(0, col, label, required if column.required else header)
        if example:
            sheet.write_string(1, col, example, text)
        labels = getattr(column.parser, "labels", None)
        if labels is not None:
            options = labels()
            if sum(len(option) + 1 for option in options) <= LIST_SOURCE_LIMIT:
                # A drop-down that still accepts codes typed by hand.
                sheet.data_validation(
                    1, col, TEMPLATE_ROWS, col, {"validate": "list", "source": options, "show_error": False}
                )
    sheet.freeze_panes(1, 0)

    notes = workbook.add_worksheet(sheet_name(gettext("Notes")))
    notes.set_column(0, 0, 24)
    notes.set_column(1, 1, 10)
    notes.set_column(2, 2, 80, wrap)
    for col, title in enumerate([gettext("Column"), gettext("Required"), gettext("Notes")]):
        notes.write_string(0, col, title, header)
    for row, column in enumerate(schema.columns, start=1):
        notes.write_string(row, 0, str(column.header))
        notes.write_string(row, 1, gettext("Yes") if column.required else gettext("No"))
        notes.write_string(row, 2, " ".join(_notes(column)))
    workbook.close()
    return buffer.getvalue()


def _notes(column: Column) -> list[str]:
    hint = getattr(column.parser, "hint", "")
    if isinstance(column, ForeignKey):
        meta = column.model._meta
        hint = gettext("The {field} of an existing {model}.").format(
            field=meta.get_field(column.to_field).verbose_name, model=meta.verbose_name
        )
        if column.names:
            fields = gettext(" or ").join(str(meta.get_field(name).verbose_name) for name in column.names)
            hint += " " + gettext("Its {fields} may be written instead, if no other has it.").format(fields=fields)
    parts = [str(column.help) or str(hint or "")]
    if column.unique:
        parts.append(gettext("Must not repeat."))
    return [part for part in parts if part]
