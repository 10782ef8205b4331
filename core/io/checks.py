"""Checks an import page runs on the validated rows, within the user's scope: each row's unit is one where they may
import the records (``check_units``), and code lists name records they can see (``resolve_codes``). Problems are
reported on their rows, like the schema's own."""

from django.utils.translation import gettext

from core import gate

from .errors import CellError
from .parsers import split_codes
from .schema import Schema
from .validation import chunks


def resolve_codes(result, *, schema: Schema, name: str, model, user) -> None:
    """Turn the codes in column ``name`` into ``<name>_ids`` with one restricted query for the whole file; each code
    that is unknown or outside the user's scope is reported on its row (both look the same, so nothing leaks)."""
    header = str(schema.column(name).header)
    per_row = [split_codes(row.get(name) or "") for row in result.rows]
    wanted = sorted({code for codes in per_row for code in codes})
    found: dict[str, int] = {}
    for chunk in chunks(wanted):
        found.update(model.objects.restrict(user, "view").filter(code__in=chunk).values_list("code", "pk"))
    for number, row, codes in zip(result.row_numbers, result.rows, per_row, strict=True):
        missing = [code for code in codes if code not in found]
        if missing:
            message = gettext("Not found, or you do not have access to them: {codes}.").format(codes="、".join(missing))
            result.errors.append(CellError(number, header, message))
        row[f"{name}_ids"] = [found[code] for code in codes if code in found]


def check_units(result, *, schema: Schema, name: str, model, user) -> None:
    """Each row's unit (column ``name``) must be one where the user may import ``model`` records, reported on the row
    rather than refusing the whole file at the end (import_rows checks again after inserting)."""
    from core.models import Unit

    header = str(schema.column(name).header)
    key = schema.column(name).key
    ids = {row.get(key) for row in result.rows if row.get(key)}
    paths = dict(Unit.objects.restrict(user, "view").filter(pk__in=ids).values_list("pk", "path"))
    for number, row in zip(result.row_numbers, result.rows, strict=True):
        unit = row.get(key)
        if unit and not gate.path_allowed(user, model, "import", paths.get(unit, "")):
            result.errors.append(CellError(number, header, gettext("You may not import records for this unit.")))
