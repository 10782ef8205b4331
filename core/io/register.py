"""The register export: a list's records in its import's columns, a file the import accepts as it is.

The same headers as the template, typed cells (dates as dates, numbers as numbers, yes/no as 是/否, choices by
their labels, related records by their codes), so a register kept in Excel goes out, is edited and comes back in the
"add and update" mode. Related records the reader may not see are left out (an empty cell, or missing from a list of
codes), as their pages leave them out.
"""

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Prefetch, QuerySet

from .schema import EXPORT_CHUNK, ForeignKey, Schema, export_cell


def _relation(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _scoped(model) -> bool:
    return hasattr(model.objects, "restrict")


def register_rows(schema: Schema, queryset: QuerySet, user: Any) -> Iterator[list[Any]]:
    model = schema.model
    visible: dict[str, set] = {}  # foreign key column → keys of the records the user may see
    lists: list[str] = []  # code-list columns of a many-to-many relation without an export of their own
    related, prefetch = [], []
    for column in schema.columns:
        field = _relation(model, column.name)
        if isinstance(column, ForeignKey) and field is not None and field.is_relation:
            related.append(column.name)
            if _scoped(column.model):
                keys = queryset.values(field.attname)
                visible[column.name] = set(
                    column.model.objects.restrict(user, "view").filter(pk__in=keys).values_list("pk", flat=True)
                )
        elif field is not None and field.many_to_many and column.export is None:
            target = field.related_model
            shown = target.objects.restrict(user, "view") if _scoped(target) else target.objects.all()
            prefetch.append(Prefetch(column.name, queryset=shown.only("pk", "code").order_by("code")))
            lists.append(column.name)
        elif field is not None and (field.one_to_many or field.many_to_many):
            prefetch.append(column.name)  # read by the column's own export
    objects = (
        queryset.select_related(*related)
        .prefetch_related(None)
        .prefetch_related(*prefetch)
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    for obj in objects:
        row = []
        for column in schema.columns:
            if column.name in visible and getattr(obj, column.name + "_id") not in visible[column.name]:
                row.append("")
            elif column.name in lists:
                row.append(", ".join(record.code for record in getattr(obj, column.name).all()))
            else:
                row.append(export_cell(column.export_value(obj)))
        yield row
