"""Declarative tables for list pages. The export of a list uses the same columns, so it holds exactly what the list
shows, in the same order and with the same filters and sort."""

import copy
import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import FieldError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

EXPORT_CHUNK = 2000


@functools.cache
def _choice_field(model, name: str):
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 — not a field (a property or an annotation)
        return None
    return field if getattr(field, "flatchoices", None) else None


@functools.cache
def _labels(model, name: str, language: str) -> dict:
    return {code: str(label) for code, label in _choice_field(model, name).flatchoices}


def choice_labels(model, name: str) -> dict | None:
    """A choice field's labels in the active language, translated once per language rather than once per cell
    (Django's get_FOO_display translates every label of the field on each call)."""
    if _choice_field(model, name) is None:
        return None
    return _labels(model, name, get_language() or "")


@dataclass
class Column:
    name: str
    header: str
    accessor: str | Callable | None = None  # attribute path ("parent.name") or callable(obj); default: name
    sort: str | None = None  # ORM ordering key; None = not sortable
    link: bool = False  # render as a link to obj.get_absolute_url()

    # The reader, for columns whose text depends on who reads it (``reads_for_user``): set on the table's own copy.
    reads_for_user = False
    user = None

    def bound(self, user) -> "Column":
        """This column for ``user``'s table: itself, or a copy that knows the reader."""
        if not self.reads_for_user:
            return self
        column = copy.copy(self)
        column.user = user
        return column

    def value(self, obj):
        accessor = self.accessor or self.name
        if callable(accessor):
            return accessor(obj)
        if "." not in accessor:
            labels = choice_labels(type(obj), accessor)
            if labels is not None:
                code = getattr(obj, accessor)
                return labels.get(code, code) if code not in (None, "") else None
        value = obj
        for part in accessor.split("."):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    def text(self, obj, yes_no: tuple[str, str] | None = None) -> str:
        value = self.value(obj)
        if value is None:
            return ""
        if isinstance(value, bool):
            yes, no = yes_no or (str(_("Yes")), str(_("No")))
            return yes if value else no
        if isinstance(value, dt.datetime):
            return date_format(value, "Y-m-d H:i")
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)

    def values_lookup(self) -> str | None:
        """The ORM lookup that reads the column's value (``unit__name`` for ``unit.name``), when ``value`` and
        ``text`` are this class's own; None otherwise (a computed column, or a subclass that reads differently)."""
        accessor = self.accessor or self.name
        if callable(accessor) or type(self).value is not Column.value or type(self).text is not Column.text:
            return None
        return accessor.replace(".", "__")

    def values_lookups(self, model) -> list[str] | None:
        """The lookups whose values ``text_of_values`` reads (one for a plain column); None: read the models."""
        lookup = self.values_lookup()
        return None if lookup is None else [lookup]

    def text_of_values(self, model, yes_no: tuple[str, str]) -> Callable:
        """``text(obj)`` as a function of the values at ``values_lookups``."""
        return self.text_of_value(model, yes_no)

    def text_of_value(self, model, yes_no: tuple[str, str]):
        """``text(obj)`` as a function of the raw value at ``values_lookup`` (the export reads values, not models)."""
        accessor = self.accessor or self.name
        labels = choice_labels(model, accessor) if "." not in accessor else None

        def text(value) -> str:
            if labels is not None and value not in (None, ""):
                value = labels.get(value, value)
            if value is None or value == "":
                return ""
            if isinstance(value, bool):
                return yes_no[0] if value else yes_no[1]
            if isinstance(value, dt.datetime):
                return date_format(value, "Y-m-d H:i")
            if isinstance(value, dt.date):
                return value.isoformat()
            return str(value)

        return text

    def html(self, obj):
        text = self.text(obj)
        if self.link and hasattr(obj, "get_absolute_url"):
            return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), text or "—")
        return text


@dataclass
class RelatedColumn(Column):
    """A related record (``accessor`` leads to it: "system", "owner") named as the reader may see it
    (``core.names``): its name, a link to it with ``link``, or "another unit's information system". The table's
    queryset should ``select_related`` the record and its scope path (``system__owner_unit``), or each row costs a
    query. With ``name_field`` (the related model's field that is its name), the export reads that field and the
    record's unit path as values instead of building models."""

    name_field: str | None = None

    reads_for_user = True

    def _related_model(self, model):
        for part in (self.accessor or self.name).split("."):
            model = model._meta.get_field(part).related_model
        return model

    def values_lookups(self, model) -> list[str] | None:
        if self.name_field is None:
            return None
        prefix = (self.accessor or self.name).replace(".", "__")
        related = self._related_model(model)
        return [f"{prefix}__{self.name_field}", f"{prefix}__{related.scope_path}"]

    def text_of_values(self, model, yes_no):
        from core import names

        related, user = self._related_model(model), self.user

        def text(value, path) -> str:
            return "" if value is None else names.path_name(user, related, value, path)

        return text

    def related(self, obj):
        value = obj
        for part in (self.accessor or self.name).split("."):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    def value(self, obj):
        from core import names

        related = self.related(obj)
        return None if related is None else names.name(self.user, related)

    def html(self, obj):
        from core import names

        related = self.related(obj)
        if related is None:
            return ""
        if not names.can_see(self.user, related):
            return format_html('<span class="text-secondary">{}</span>', names.placeholder(type(related)))
        if self.link and hasattr(related, "get_absolute_url"):
            return format_html('<a href="{}">{}</a>', related.get_absolute_url(), related)
        return str(related)

    def values_lookup(self) -> None:
        return None  # read from the models: visibility follows the related record's scope path


class TitleColumn(Column):
    """The row's own name when it is made of related records' names (a link: "system → system"), each named as the
    reader may see it (``core.names.title``); a link to the row with ``link``."""

    reads_for_user = True

    def value(self, obj):
        from core import names

        return names.title(self.user, obj)

    def values_lookup(self) -> None:
        return None


class BadgeColumn(Column):
    """A choice shown as a coloured badge on the page and as its label in the export (labels come translated once
    per language from core.tables)."""

    def __init__(self, name, header, colors, **kwargs):
        super().__init__(name, header, **kwargs)
        self.colors = colors

    def html(self, obj):
        text = self.text(obj)
        if not text:
            return ""
        color = self.colors.get(getattr(obj, self.name), "secondary")
        return format_html('<span class="badge bg-{}-lt">{}</span>', color, text)


class NowrapColumn(Column):
    """Codes and dates stay on one line, so the names get the width."""

    def html(self, obj):
        text = self.text(obj)
        return format_html('<span class="text-nowrap">{}</span>', text) if text else ""


class DueColumn(Column):
    """A due date, red once it has passed; with ``provisional`` (the name of a flag on the row), marked "provisional"
    when it was counted on a year whose holiday calendar is not loaded yet."""

    def __init__(self, name, header, provisional: str = "", **kwargs):
        super().__init__(name, header, **kwargs)
        self.provisional = provisional

    def html(self, obj):
        value = self.value(obj)
        if value is None:
            return ""
        css = "text-nowrap text-danger fw-bold" if value < timezone.localdate() else "text-nowrap"
        mark = ""
        if self.provisional and getattr(obj, self.provisional):
            mark = format_html(
                ' <span class="badge bg-yellow-lt" title="{}">{}</span>',
                _("Counted on weekends only: the holiday calendar of that year is not loaded yet."),
                _("provisional"),
            )
        return format_html('<span class="{}">{}</span>{}', css, value.isoformat(), mark)


class AnnotationColumn(Column):
    """A value the list's queryset annotates (a count): read as it is, and left out of the export's ``only()``."""

    annotated = True

    def value(self, obj):
        return getattr(obj, self.name)


class Table:
    columns: list[Column] = []
    default_sort: str = "pk"

    def __init__(self, objects: Iterable, sort: str | None = None, user=None):
        """``user`` is the reader: columns that name related records (``RelatedColumn``) name them for them."""
        self.objects = objects
        self.sort = sort
        self.columns = [column.bound(user) for column in type(self).columns]

    @classmethod
    def sort_keys(cls) -> dict[str, str]:
        keys = {}
        for column in cls.columns:
            if column.sort:
                keys[column.name] = column.sort
                keys["-" + column.name] = "-" + column.sort.lstrip("-")
        return keys

    @classmethod
    def ordering(cls, requested: str | None) -> tuple[str, list[str]]:
        """The allow-listed ordering for a ``?sort=`` value, with pk as the tie-breaker."""
        keys = cls.sort_keys()
        if requested in keys:
            return requested, [keys[requested], "pk"]
        return "", [cls.default_sort, "pk"]

    def headers(self) -> list[dict]:
        result = []
        for column in self.columns:
            state = ""
            if column.sort and self.sort == column.name:
                state = "asc"
            elif column.sort and self.sort == "-" + column.name:
                state = "desc"
            result.append({"name": column.name, "header": column.header, "sortable": bool(column.sort), "state": state})
        return result

    def rows(self):
        for obj in self.objects:
            yield obj, [column.html(obj) for column in self.columns]

    def _values(self, queryset: QuerySet) -> tuple[QuerySet, list[int]] | None:
        """``values_list`` of the columns' lookups and how many each column reads; None if a column computes its
        value or names no field."""
        lookups: list[str] = []
        widths = []
        for column in self.columns:
            wanted = column.values_lookups(queryset.model)
            if wanted is None:
                return None
            lookups += wanted
            widths.append(len(wanted))
        try:
            return queryset.values_list(*lookups), widths
        except FieldError:  # a property, not a field
            return None

    @classmethod
    def only_fields(cls) -> list[str] | None:
        """The model fields the columns read, for ``QuerySet.only()``; None when a column computes its value."""
        fields: set[str] = set()
        for column in cls.columns:
            if getattr(column, "annotated", False):
                continue  # not a field: the list's queryset computes it
            accessor = column.accessor or column.name
            if callable(accessor) or column.reads_for_user:
                return None
            parts = accessor.split(".")
            for depth in range(1, len(parts) + 1):
                fields.add("__".join(parts[:depth]))
        return sorted(fields)

    def export_headers(self) -> list[str]:
        return [str(column.header) for column in self.columns]

    def export_rows(self):
        """One list of cell texts per object. A queryset is streamed in chunks: as plain values when every column
        reads a field (3× faster than building models, ARCHITECTURE.md "Export"), otherwise as models limited to
        ``only_fields``."""
        yes_no = (str(_("Yes")), str(_("No")))  # translated once, not once per cell
        objects = self.objects
        if isinstance(objects, QuerySet):
            read = self._values(objects)
            if read is not None:
                values, widths = read
                texts = [column.text_of_values(objects.model, yes_no) for column in self.columns]
                if all(width == 1 for width in widths):
                    for row in values.iterator(chunk_size=EXPORT_CHUNK):
                        yield [text(value) for text, value in zip(texts, row, strict=True)]
                    return
                starts = [sum(widths[:i]) for i in range(len(widths))]
                spans = [(text, start, start + width) for text, start, width in zip(texts, starts, widths, strict=True)]
                for row in values.iterator(chunk_size=EXPORT_CHUNK):
                    yield [text(*row[start:end]) for text, start, end in spans]
                return
            only = type(self).only_fields()
            objects = (objects.only(*only) if only else objects).iterator(chunk_size=EXPORT_CHUNK)
        for obj in objects:
            yield [column.text(obj, yes_no) for column in self.columns]


# The organisation app's tables ----------------------------------------------------------------------------------


class UnitTable(Table):
    default_sort = "path"
    columns = [
        Column("name", _("Name"), sort="name", link=True),
        Column("code", _("Code"), sort="code"),
        Column("kind", _("Kind"), sort="kind"),
        RelatedColumn("parent", _("Parent"), name_field="name"),
        RelatedColumn("line_parent", _("Vertical-line parent"), name_field="name"),
        Column("credit_code", _("Unified social credit code")),
    ]


class RoleAssignmentTable(Table):
    default_sort = "user__username"
    columns = [
        Column("user", _("User"), accessor=lambda a: f"{a.user} ({a.user.username})", sort="user__username"),
        Column("role", _("Role"), accessor="role", sort="role__id"),
        Column("unit", _("Unit"), accessor="unit.name", sort="unit__path"),
        Column("include_descendants", _("Include subordinate units")),
    ]


class AuditRecordTable(Table):
    default_sort = "-seq"
    columns = [
        Column("seq", _("Sequence"), sort="seq"),
        Column("ts", _("Time"), sort="ts"),
        Column("actor_name", _("Actor"), sort="actor_name"),
        Column("ip", _("Source IP")),
        Column("category", _("Category")),
        Column("action", _("Action"), sort="action"),
        Column("event", _("Event")),
        Column("outcome", _("Outcome")),
        Column("object_type", _("Object type")),
        Column("object_repr", _("Object")),
        Column("request_id", _("Request id")),
    ]
