"""The declarative import/export schema: one definition per model gives its template, validation and export.

::

    UNIT_SCHEMA = Schema(Unit, [
        Column("name", _("Name"), required=True, example="示例县"),
        Column("code", _("Code"), required=True, unique=True, example="330122"),
        Column("kind", _("Kind"), required=True, example="县/区"),       # parser from the model field: choice()
        ForeignKey("parent", _("Parent unit code"), "core.Unit"),        # row gets parent_id
    ], key="code")
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import parsers
from .errors import CellError
from .parsers import Parser

NOT_SET: Any = object()
POSITIVE_INTEGERS = (models.PositiveIntegerField, models.PositiveSmallIntegerField, models.PositiveBigIntegerField)
EXPORT_CHUNK = 2000


class Column:
    """One spreadsheet column mapped to the model attribute ``name``.

    ``parser`` defaults to one derived from the model field (choices, boolean, date, decimal, integer, text).
    ``export(obj)`` defaults to the attribute, with choices shown by their label. ``default`` is the value of an
    empty cell in an optional column (the parser's ``empty``: "" for text, otherwise None).
    """

    def __init__(
        self,
        name: str,
        header: str | Promise,
        *,
        parser: Parser | None = None,
        required: bool = False,
        unique: bool = False,
        export: Callable[[Any], Any] | None = None,
        example: Any = "",
        help: str | Promise = "",
        default: Any = NOT_SET,
    ) -> None:
        self.name = name
        self.header = header
        self.parser = parser
        self.required = required
        self.unique = unique
        self.export = export
        self.example = example
        self.help = help
        self.default = default

    @property
    def key(self) -> str:
        """The key of this column's value in a validated row."""
        return self.name

    @property
    def empty(self) -> Any:
        return getattr(self.parser, "empty", None) if self.default is NOT_SET else self.default

    def bind(self, model: type[models.Model]) -> None:
        if self.parser is None:
            self.parser = parser_for(model, self.name)

    def export_value(self, obj: Any) -> Any:
        if self.export is not None:
            return self.export(obj)
        display = getattr(obj, f"get_{self.name}_display", None)
        if display is not None:
            return display()
        return getattr(obj, self.name, None)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


class ForeignKey(Column):
    """A column of codes (``to_field``) resolved to primary keys, within the user's scope, one query per model.

    ``model`` is a model class or an ``"app_label.Model"`` label. The validated row holds ``<name>_id``.
    """

    def __init__(
        self,
        name: str,
        header: str | Promise,
        model: type[models.Model] | str,
        to_field: str = "code",
        *,
        required: bool = False,
        unique: bool = False,
        export: Callable[[Any], Any] | None = None,
        example: Any = "",
        help: str | Promise = "",
        action: str = "view",
    ) -> None:
        super().__init__(
            name,
            header,
            parser=parsers.text(),
            required=required,
            unique=unique,
            export=export,
            example=example,
            help=help,
            default=None,
        )
        self._model = model
        self.to_field = to_field
        self.action = action

    @property
    def model(self) -> type[models.Model]:
        if isinstance(self._model, str):
            self._model = apps.get_model(self._model)
        return self._model

    @property
    def key(self) -> str:
        return self.name + "_id"

    @property
    def names(self) -> tuple[str, ...]:
        """Fields that may name the record instead of its code (the model's ``import_names``: a unit's name or
        short name), when the code column is the usual ``code``."""
        return tuple(getattr(self.model, "import_names", ())) if self.to_field == "code" else ()

    def export_value(self, obj: Any) -> Any:
        if self.export is not None:
            return self.export(obj)
        related = getattr(obj, self.name, None)
        return None if related is None else getattr(related, self.to_field, None)


MANAGED_UNIT = _(
    "Code, name or short name of a department you manage."
)  # the help of a unit column checked by ``check_units``


def field_column(model, name: str, header, **kwargs) -> Column:
    """A column of a model field whose empty cell takes the field's default (a choice left empty is the model's
    default)."""
    if not kwargs.get("required"):
        kwargs.setdefault("default", model._meta.get_field(name).get_default())
    return Column(name, header, **kwargs)


def parser_for(model: type[models.Model], name: str) -> Parser:
    """The natural parser for a model field; plain text for attributes that are not fields."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return parsers.text()
    if getattr(field, "choices", None):
        return parsers.choice(field.flatchoices)  # type: ignore[union-attr]
    if isinstance(field, models.BooleanField):
        return parsers.boolean()
    if isinstance(field, models.DateTimeField):
        raise TypeError(f"{model.__name__}.{name}: give a parser for date-time columns")
    if isinstance(field, models.DateField):
        return parsers.date()
    if isinstance(field, models.DecimalField):
        return parsers.decimal(field.max_digits or 0, field.decimal_places or 0)
    if isinstance(field, POSITIVE_INTEGERS):
        return parsers.integer(min=0)
    if isinstance(field, models.IntegerField):
        return parsers.integer()
    return parsers.text(getattr(field, "max_length", None))


@dataclass
class ValidationResult:
    """The parsed rows (keyed by ``Column.key``; ``pk`` set for rows that update by key) and every problem found.

    ``row_numbers[i]`` is the spreadsheet row of ``rows[i]``. ``errors`` is sorted by row and capped; ``omitted``
    counts the problems left out (a last entry with row 0 says how many).
    """

    rows: list[dict[str, Any]]
    errors: list[CellError]
    total: int
    row_numbers: list[int] = field(default_factory=list)
    omitted: int = 0
    update: bool = False
    changes: dict[int, dict[str, list]] = field(default_factory=dict)  # row index → {field: [before, after]}
    unchanged: int = 0
    header: list[str] = field(default_factory=list)  # the file's header row, as written
    header_row: int = 1
    skipped: int = 0  # rows left out as blank (perhaps numbered in a 序号 column)

    @property
    def counts(self) -> dict[str, int]:
        matched = sum(1 for row in self.rows if "pk" in row)
        return {"created": self.total - matched, "updated": len(self.changes), "unchanged": self.unchanged}

    @property
    def ok(self) -> bool:
        return not self.errors


class Schema:
    """The columns of one model.

    ``key`` names a ``unique`` column that identifies existing objects: a row whose key exists updates that object
    (``row["pk"]``) when the user may change it, and is reported as "already exists" otherwise.

    ``match`` names the columns that find a row's existing record in the "add and update" mode, each on its own
    (the record's code, or a catalog's source identifier): by default the ``code`` column when the schema has a
    unique one. A schema that matches nothing offers no update mode.
    """

    def __init__(
        self,
        model: type[models.Model],
        columns: Sequence[Column],
        *,
        key: str | None = None,
        match: Sequence[str] | None = None,
    ) -> None:
        self.model = model
        self.columns = list(columns)
        for column in self.columns:
            column.bind(model)
        names = [column.name for column in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate column names in the schema for {model.__name__}")
        self.key = key
        if key is not None:
            column = self.column(key)
            if isinstance(column, ForeignKey) or not column.unique:
                raise ValueError("the key column must be a unique column, not a foreign key")
        if match is None:
            match = [name for name in ("code",) if name in names and self.column(name).unique]
        for name in match:
            if isinstance(self.column(name), ForeignKey) or not self.column(name).unique:
                raise ValueError("a match column must be a unique column, not a foreign key")
        self.match = tuple(match)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def headers(self) -> list[str]:
        """The headers in the active language, in column order."""
        return [str(column.header) for column in self.columns]

    def template_xlsx(self) -> bytes:
        from .template import template_xlsx

        return template_xlsx(self)

    def validate(self, fileobj: IO[bytes], filename: str, user: Any, *, update: bool = False) -> ValidationResult:
        """Check the whole file without writing anything; raises ImportFileError if the file itself is unusable.
        With ``update``, a row whose ``match`` column names an existing record the user may change updates it."""
        from .validation import validate

        return validate(self, fileobj, filename, user, update=update)

    def clean_row(self, row: dict[str, Any]) -> None:
        """Override for checks across columns; raise ValueError(message) to report a row-level error.

        Only called for rows whose cells are all valid, after foreign keys are resolved, and only when the file has
        every required column.
        """

    def export_rows(self, objects: Iterable[Any]) -> Iterator[list[Any]]:
        """One list of cell values per object. A queryset is streamed, with its foreign keys joined in."""
        if isinstance(objects, QuerySet):
            related = [
                column.name
                for column in self.columns
                if isinstance(column, ForeignKey) and _is_relation(self.model, column.name)
            ]
            if related:
                objects = objects.select_related(*related)
            objects = objects.iterator(chunk_size=EXPORT_CHUNK)
        for obj in objects:
            yield [export_cell(column.export_value(obj)) for column in self.columns]

    def export(self, fmt: str, filename: str, objects: Iterable[Any]) -> StreamingHttpResponse | FileResponse:
        """A download response of ``objects`` as ``"csv"`` or ``"xlsx"``."""
        from .export import export_response

        sheet = str(self.model._meta.verbose_name_plural)
        return export_response(fmt, filename, self.headers(), self.export_rows(objects), sheet=sheet)


def _is_relation(model: type[models.Model], name: str) -> bool:
    try:
        return bool(model._meta.get_field(name).is_relation)
    except FieldDoesNotExist:
        return False


def export_cell(value: Any) -> Any:
    """Turn an attribute into a cell: Yes/No for booleans, local time, text for anything unusual."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, str | int | float | Decimal | date):
        return value
    return str(value)
