"""What an "add and update" import would change: each matched row's values against its record's, field by field.

The preview shows it (the changed columns of each row, the rows left unchanged) and the commit writes it
(``core.imports.import_update``), reading the records again in its transaction. Only the file's columns are compared:
a column the file does not have leaves the field as it is. Values are given as the audit trail keeps them
(``core.services.snapshot``: a foreign key as its key, dates and decimals as text).
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist

from .schema import Column

IN_CHUNK = 30_000


def compared_fields(model, columns: list[Column]) -> list:
    """The model's concrete, editable fields behind ``columns`` (relations written as code lists are not)."""
    fields = []
    for column in columns:
        try:
            field = model._meta.get_field(column.name)
        except FieldDoesNotExist:
            continue
        if field.concrete and not field.primary_key and not field.many_to_many:
            fields.append(field)
    return fields


def audited(value: Any) -> Any:
    return str(value) if isinstance(value, dt.date | Decimal) else value


def row_changes(fields: list, before: dict, row: dict) -> dict[str, list]:
    """``{field: [before, after]}`` of what ``row`` changes in a record whose values (by attname) are ``before``."""
    changes = {}
    for field in fields:
        old, new = before[field.attname], row.get(field.attname)
        if old != new and not (old in (None, "") and new in (None, "")):
            changes[field.name] = [audited(old), audited(new)]
    return changes


def compare(model, columns: list[Column], rows: list[dict]) -> dict[int, dict[str, list]]:
    """Row index → changes, for the rows matched to a record (``row["pk"]``) that change anything."""
    fields = compared_fields(model, columns)
    names = [field.attname for field in fields]
    matched = [(index, row) for index, row in enumerate(rows) if "pk" in row]
    keys = sorted(row["pk"] for _index, row in matched)
    current: dict[Any, dict] = {}
    for start in range(0, len(keys), IN_CHUNK):
        chunk = keys[start : start + IN_CHUNK]
        for values in model._base_manager.filter(pk__in=chunk).values_list("pk", *names):
            current[values[0]] = dict(zip(names, values[1:], strict=True))
    found = {}
    for index, row in matched:
        before = current.get(row["pk"])
        if before is None:
            continue
        changes = row_changes(fields, before, row)
        if changes:
            found[index] = changes
    return found


def shown(schema, result) -> dict[str, dict[str, list[str]]]:
    """The changes of ``result`` as the preview shows them: spreadsheet row → {column header: [before, after]},
    each value written as the file writes it (a choice's label, 是/否, a related record's code)."""
    from django.utils.translation import gettext

    by_field = {}
    for column in schema.columns:
        try:
            by_field[schema.model._meta.get_field(column.name).name] = column
        except FieldDoesNotExist:
            continue
    codes: dict[str, dict] = {}
    for name, column in by_field.items():
        to_field = getattr(column, "to_field", None)
        if to_field is None:
            continue
        keys = {value for changes in result.changes.values() for value in changes.get(name, ()) if value is not None}
        related = column.model._base_manager.filter(pk__in=sorted(keys)).values_list("pk", to_field)
        codes[name] = dict(related) if keys else {}
    yes, no = gettext("Yes"), gettext("No")

    def text(name: str, value: Any) -> str:
        if value is None:
            return ""
        if name in codes:
            return str(codes[name].get(value, value))
        if isinstance(value, bool):
            return yes if value else no
        field = schema.model._meta.get_field(name)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        return str(value)

    return {
        str(result.row_numbers[index]): {
            str(by_field[name].header): [text(name, before), text(name, after)]
            for name, (before, after) in changes.items()
        }
        for index, changes in result.changes.items()
    }
