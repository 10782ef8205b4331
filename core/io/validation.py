"""The validation pipeline: sniff, read, map headers, parse every cell, resolve foreign keys, check uniqueness.

It reports every problem (up to a cap) and never writes. Queries are fixed per file, not per row: one per
referenced model, one per unique column (two for the key column), each split only past ``IN_CHUNK`` values.
"""

import heapq
from collections import defaultdict
from itertools import chain, count
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext

from core.bulk import gc_paused

from .errors import CellError
from .parsers import fold
from .readers import read_header
from .schema import Column, ForeignKey, Schema, ValidationResult
from .sniff import sniff

MAX_ERRORS = 1000
IN_CHUNK = 30_000  # below SQLite's and PostgreSQL's parameter limits
SHOWN = 50
TITLE_ROWS = 5  # rows above the header that may hold a title (a report's name, its date)
ROW_NUMBER_HEADERS = {"序号", "no", "no.", "#"}  # a column numbering the rows, as many registers have: ignored


class Errors:
    """Keeps the first ``cap`` problems in (row, column) order, in bounded memory, and counts the rest."""

    def __init__(self, cap: int = MAX_ERRORS) -> None:
        self.cap = cap
        self.count = 0
        self._heap: list[tuple[int, int, int, CellError]] = []
        self._seq = count()

    def add(self, row: int, column: str, message: str, position: int = -1) -> None:
        self.count += 1
        item = (-row, -position, -next(self._seq), CellError(row, column, str(message)))
        if len(self._heap) < self.cap:
            heapq.heappush(self._heap, item)
        else:
            heapq.heappushpop(self._heap, item)  # drops the latest in the file

    def result(self) -> tuple[list[CellError], int]:
        errors = [item[3] for item in sorted(self._heap, reverse=True)]
        omitted = self.count - len(errors)
        if omitted:
            errors.append(CellError(0, "", gettext("{count} more problems are not shown.").format(count=omitted)))
        return errors, omitted


def shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def aliases(column: Column) -> set[str]:
    """Header spellings accepted for a column: its label in Chinese and English, and its field name."""
    keys = {fold(column.name)}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            keys.add(fold(column.header))
    keys.add(fold(column.header))  # the active language, if it is another one
    return keys


def map_headers(schema: Schema, header: list[str], row: int, errors: Errors) -> list[tuple[int, Column, str]]:
    """Match the file's headers to columns: (position, column, header as written)."""
    lookup: dict[str, Column] = {}
    for column in schema.columns:
        for alias in aliases(column):
            lookup.setdefault(alias, column)
    mapped: dict[str, tuple[int, Column, str]] = {}
    unknown: list[str] = []
    for position, label in enumerate(header):
        if not label or fold(label) in ROW_NUMBER_HEADERS:
            continue
        column = lookup.get(fold(label))
        if column is None:
            unknown.append(label)
        elif column.name in mapped:
            errors.add(row, label, gettext("This column appears more than once."), position)
        else:
            mapped[column.name] = (position, column, label)
    missing = [str(column.header) for column in schema.columns if column.required and column.name not in mapped]
    separator = gettext(", ")
    if missing:
        errors.add(row, "", gettext("Required columns are missing: {columns}.").format(columns=separator.join(missing)))
    if unknown:
        errors.add(
            row,
            "",
            gettext("Unknown columns: {columns}. Please use the headers of the template.").format(
                columns=separator.join(shown(label) for label in unknown)
            ),
        )
    return sorted(mapped.values(), key=lambda item: item[0])


def header_lookup(schema: Schema) -> set[str]:
    return {alias for column in schema.columns for alias in aliases(column)}


def find_header(schema: Schema, first: tuple[int, list[str]], rows_in) -> tuple[int, list[str], Any]:
    """The header is the row among the first few that names the most columns: rows above it (a title, a date) are
    left out. A file whose rows name no column keeps its first row as the header, and its errors say why."""
    known = header_lookup(schema)
    seen = [first]
    for row in rows_in:
        seen.append(row)
        if len(seen) > TITLE_ROWS:
            break
    scores = [sum(1 for cell in cells if cell and fold(cell) in known) for _number, cells in seen]
    best = max(range(len(seen)), key=lambda i: (scores[i], -i))
    number, header = seen[best]
    return number, header, chain(seen[best + 1 :], rows_in)


def validate(schema: Schema, fileobj: IO[bytes], filename: str, user: Any, *, update: bool = False) -> ValidationResult:
    with gc_paused():
        return _validate(schema, fileobj, filename, user, update)


def _validate(schema: Schema, fileobj: IO[bytes], filename: str, user: Any, update: bool) -> ValidationResult:
    kind = sniff(fileobj, filename)
    header_row, header, rows_in = read_header(fileobj, kind)
    header_row, header, rows_in = find_header(schema, (header_row, header), rows_in)
    errors = Errors()
    plan = map_headers(schema, header, header_row, errors)
    required = gettext("This field is required.")
    steps = [
        (position, column.key, column.parser, column.required, column.empty, label) for position, column, label in plan
    ]
    rows: list[dict[str, Any]] = []
    numbers: list[int] = []
    bad: set[int] = set()  # indexes of rows with a problem
    positions = [position for position, *_rest in steps]
    first = positions[0] if positions else 1 << 30  # most rows have their first column: no generator for them
    skipped = 0
    for number, cells in rows_in:
        width = len(cells)
        if not (first < width and cells[first]) and not any(cells[p] for p in positions if p < width):
            skipped += 1  # a blank row (perhaps numbered in a 序号 column)
            continue
        row: dict[str, Any] = {}
        for position, key, parse, is_required, empty, label in steps:
            value = cells[position] if position < width else ""
            if not value:
                row[key] = empty
                if is_required:
                    errors.add(number, label, required, position)
                    bad.add(len(rows))
                continue
            try:
                row[key] = parse(value)  # type: ignore[misc]
            except ValueError as exc:
                errors.add(number, label, str(exc), position)
                bad.add(len(rows))
            except ValidationError as exc:
                errors.add(number, label, " ".join(exc.messages), position)
                bad.add(len(rows))
        rows.append(row)
        numbers.append(number)

    if not rows:
        errors.add(0, "", gettext("The file has no data rows under the header."))
    context = (rows, numbers, errors, bad)
    resolve_foreign_keys(plan, user, context)
    check_unique(schema, plan, user, context, update=update)
    mapped = {column.name for _position, column, _label in plan}
    complete = all(column.name in mapped for column in schema.columns if column.required)
    for index, row in enumerate(rows):
        if complete and index not in bad:
            try:
                schema.clean_row(row)
            except (ValueError, ValidationError) as exc:
                message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                errors.add(numbers[index], "", message)
    found, omitted = errors.result()
    result = ValidationResult(
        rows=rows,
        errors=found,
        total=len(rows),
        row_numbers=numbers,
        omitted=omitted,
        update=update,
        header=header,
        header_row=header_row,
        skipped=skipped,
    )
    if update and result.ok:
        from .changes import compare

        result.changes = compare(schema.model, [column for _p, column, _l in plan], rows)
        result.unchanged = sum(1 for row in rows if "pk" in row) - len(result.changes)
    return result


Context = tuple[list[dict[str, Any]], list[int], Errors, set[int]]


def chunks(values: list[Any]) -> list[list[Any]]:
    return [values[i : i + IN_CHUNK] for i in range(0, len(values), IN_CHUNK)]


def resolve_foreign_keys(plan: list[tuple[int, Column, str]], user: Any, context: Context) -> None:
    """Replace codes with primary keys: one query per (model, code field, action) for the whole file, and one more
    for the values that are no code but may be a name (``ForeignKey.names``)."""
    rows, numbers, errors, bad = context
    groups: dict[tuple[Any, str, str], list[tuple[int, ForeignKey, str]]] = defaultdict(list)
    for position, column, label in plan:
        if isinstance(column, ForeignKey):
            groups[(column.model, column.to_field, column.action)].append((position, column, label))
    for (model, to_field, action), members in groups.items():
        codes = sorted({row[column.key] for row in rows for _p, column, _l in members if row.get(column.key)})
        found: dict[Any, Any] = {}
        for chunk in chunks(codes):
            # Out of scope and nonexistent look the same to the user, so the scope leaks nothing.
            queryset = model.objects.restrict(user, action).filter(**{to_field + "__in": chunk})
            found.update((str(code), pk) for code, pk in queryset.values_list(to_field, "pk"))
        names = members[0][1].names
        ambiguous = resolve_names(model, names, to_field, action, user, [c for c in codes if c not in found], found)
        for position, column, label in members:
            key = column.key
            for index, row in enumerate(rows):
                code = row.get(key)
                if not code:
                    continue
                pk = found.get(code)
                if pk is None:
                    if code in ambiguous:
                        message = gettext("“{value}” names more than one: {candidates}. Write the code.").format(
                            value=shown(code), candidates=gettext("、").join(ambiguous[code])
                        )
                    else:
                        message = gettext("“{value}” was not found, or you do not have access to it.").format(
                            value=shown(code)
                        )
                    errors.add(numbers[index], label, message, position)
                    bad.add(index)
                row[key] = pk


def resolve_names(model, names, to_field: str, action: str, user: Any, values: list, found: dict) -> dict:
    """Add to ``found`` the values that name exactly one record the user may reach by one of ``names`` (a unit's
    name or short name); return the others that name several: value → their candidates, "name (code)"."""
    if not names or not values:
        return {}
    from django.db.models import Q

    matches: dict[str, dict[Any, str]] = defaultdict(dict)
    for chunk in chunks(values):
        wanted = set(chunk)
        condition = Q()
        for name in names:
            condition |= Q(**{name + "__in": chunk})
        queryset = model.objects.restrict(user, action).filter(condition)
        for pk, code, *texts in queryset.values_list("pk", to_field, *names).order_by(to_field):
            for text in set(texts) & wanted:
                matches[text][pk] = gettext("{name} ({code})").format(name=texts[0], code=code)
    ambiguous = {}
    for text, candidates in matches.items():
        if len(candidates) == 1:
            found[text] = next(iter(candidates))
        else:
            ambiguous[text] = list(candidates.values())
    return ambiguous


def check_unique(
    schema: Schema, plan: list[tuple[int, Column, str]], user: Any, context: Context, *, update: bool = False
) -> None:
    """Duplicates inside the file, then against the database (whoever owns the existing row). In the update mode,
    a row whose match column names an existing record updates it (``match_existing``)."""
    rows, numbers, errors, bad = context
    manager = schema.model._default_manager
    keys = list(schema.match) if update else ([schema.key] if schema.key is not None else [])
    matched = [item for item in plan if item[1].name in keys]
    for keyed in matched:
        match_existing(schema, keyed, user, context)
    for position, column, label in plan:
        if not column.unique:
            continue
        key = column.key
        first: dict[Any, int] = {}
        for index, row in enumerate(rows):
            value = row.get(key)
            if value is None or value == "":
                continue
            if value in first:
                errors.add(
                    numbers[index],
                    label,
                    gettext("“{value}” is also in row {row}.").format(value=shown(value), row=first[value]),
                    position,
                )
                bad.add(index)
            else:
                first[value] = numbers[index]
        if any(column is keyed[1] for keyed in matched):
            continue  # the key column's existing values are updates, handled by match_existing
        existing: dict[Any, Any] = {}
        for chunk in chunks(list(first)):
            existing.update(manager.filter(**{key + "__in": chunk}).values_list(key, "pk"))
        for index, row in enumerate(rows):
            value = row.get(key)
            if value in existing and existing[value] != row.get("pk"):
                errors.add(
                    numbers[index], label, gettext("“{value}” already exists.").format(value=shown(value)), position
                )
                bad.add(index)


def match_existing(schema: Schema, keyed: tuple[int, Column, str], user: Any, context: Context) -> None:
    """With a key column, a row whose key exists updates that object (``row["pk"]``), if the user may change it."""
    rows, numbers, errors, bad = context
    position, column, label = keyed
    key = column.key
    values = sorted({row[key] for row in rows if row.get(key) not in (None, "")}, key=str)
    existing: dict[Any, Any] = {}
    manager = schema.model._default_manager
    for chunk in chunks(values):
        existing.update(manager.filter(**{key + "__in": chunk}).values_list(key, "pk"))
    allowed: set[Any] = set()
    pks = list(existing.values())
    for chunk in chunks(pks):
        allowed.update(manager.restrict(user, "change").filter(pk__in=chunk).values_list("pk", flat=True))
    for index, row in enumerate(rows):
        pk = existing.get(row.get(key))
        if pk is None:
            continue
        if row.get("pk", pk) != pk:
            message = gettext("This row matches two different records: check its codes.")
            errors.add(numbers[index], label, message, position)
            bad.add(index)
        elif pk in allowed:
            row["pk"] = pk
        else:
            errors.add(
                numbers[index], label, gettext("“{value}” already exists.").format(value=shown(row[key])), position
            )
            bad.add(index)
