"""Which models are searchable, and keeping their rows in the search table.

Apps register their models in ``AppConfig.ready``. Services call ``index_object`` / ``remove_object`` inside their
own transaction, so the index commits or rolls back with the object; imports call ``index_many``.

An entry also copies what it reads through foreign keys: its unit path (a finding's is its system's unit's) and the
related names in its text (a finding's system's name). So a change of a record re-indexes its dependants too
(``index_dependants``: the generic update service calls it with the changed fields), and a deletion removes the
entries of everything deleted with the record by cascade (``remove_collected``, from Django's deletion collector).
A moved unit subtree rewrites the unit paths under it in one UPDATE (``core.services.units.unit_move``).
"""

import functools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import Exists, OuterRef

from core import bulk
from core.gate import label, object_path
from core.models import SearchEntry
from core.urlcache import pk_url

from .text import tokens

CHUNK = 2000
_TITLE_MAX = SearchEntry._meta.get_field("title").max_length
_UPSERT_FIELDS = ["unit_path", "title", "url", "tokens"]
_COLUMNS = ["object_type", "object_id", *_UPSERT_FIELDS]


def _default_url(obj) -> str:
    return obj.get_absolute_url()


@dataclass(frozen=True)
class SearchSpec:
    model: type[models.Model]
    fields: tuple[str, ...]
    title: str | Callable = "__str__"
    url: Callable | str = _default_url  # a callable(obj), or the name of a view that takes the key

    @property
    def label(self) -> str:
        return label(self.model)

    def title_of(self, obj) -> str:
        if callable(self.title):
            value = self.title(obj)
        else:
            value = getattr(obj, self.title)
            if callable(value):
                value = value()
        return str(value)[:_TITLE_MAX]

    @cached_property
    def _lookups(self) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(field.split("__")) for field in self.fields)

    def text_of(self, obj) -> str:
        values = []
        for lookup in self._lookups:
            value = obj
            for attr in lookup:
                value = getattr(value, attr, None)
                if value is None:
                    break
            if value is not None and value != "":
                values.append(str(value))
        return " ".join(values)

    def url_of(self, obj) -> str:
        if isinstance(self.url, str):
            return pk_url(self.url, obj.pk)
        return str(self.url(obj))

    def row(self, obj, tokens_of_text: str | None = None) -> tuple:
        """The entry's column values, in the order of ``_COLUMNS``; ``tokens_of_text``, when the caller has them
        already (``background.tokens_later``), saves segmenting the text again."""
        if tokens_of_text is None:
            tokens_of_text = tokens(self.text_of(obj))
        return (self.label, obj.pk, object_path(obj), self.title_of(obj), self.url_of(obj), tokens_of_text)

    def related(self) -> list[str]:
        """The foreign keys that indexing follows, for ``select_related``."""
        paths = {_relation_prefix(self.model, lookup) for lookup in [*self.fields, self.model.scope_path]}
        return sorted(path for path in paths if path)

    @cached_property
    def reads(self) -> tuple[tuple[str, ...], ...]:
        """Every field name the entry reads, as lookups: its indexed fields and its scope path."""
        return tuple(tuple(lookup.split("__")) for lookup in [*self.fields, self.model.scope_path])

    def through(self, model) -> dict[str, frozenset[str]]:
        """How the entry reads ``model``: ``{lookup to a ``model`` row: names of that row's fields it reads}``, e.g.
        a finding reads ``{"system": {"name", "owner_unit"}}`` of a system. Worked out once per model: every update
        asks."""
        return _through(self, model)


@functools.cache
def _through(spec: SearchSpec, model) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for lookup in spec.reads:
        current = spec.model
        for depth, name in enumerate(lookup[:-1]):
            current = current._meta.get_field(name).related_model
            if current is model:
                found.setdefault("__".join(lookup[: depth + 1]), set()).add(lookup[depth + 1])
    return {lookup: frozenset(fields) for lookup, fields in found.items()}


_specs: dict[str, SearchSpec] = {}


def _lookup_fields(model, lookup: str) -> list[models.Field]:
    """The fields along ``a__b__c``; a ValueError, at start-up, for a misspelt or many-valued one."""
    fields = []
    current = model
    for name in lookup.split("__"):
        if current is None:
            raise ValueError(f"{label(model)}: {lookup} goes through a field that is not a relation")
        try:
            field = current._meta.get_field(name)
        except FieldDoesNotExist as exc:
            raise ValueError(f"{label(model)}: unknown field {lookup} for search") from exc
        if field.many_to_many or field.one_to_many:
            raise ValueError(f"{label(model)}: {lookup} is many-valued; search indexes single values")
        fields.append(field)
        current = field.related_model
    return fields


def _relation_prefix(model, lookup: str) -> str:
    """The part of ``lookup`` that follows foreign keys (``unit__parent`` of ``unit__parent__name``)."""
    fields = _lookup_fields(model, lookup)
    depth = len(fields) if fields[-1].is_relation else len(fields) - 1
    return "__".join(field.name for field in fields[:depth])


def register(
    model: type[models.Model],
    *,
    fields: list[str],
    title: str | Callable = "__str__",
    url: Callable | str = _default_url,
) -> SearchSpec:
    """Make ``model`` searchable: ``fields`` (names, or ``fk__field`` lookups) are segmented into its tokens.

    ``url`` is a callable(obj) (by default ``get_absolute_url``) or, cheaper when indexing in bulk, the name of a
    view whose one argument is the key."""
    spec = SearchSpec(model=model, fields=tuple(fields), title=title, url=url)
    if spec.label in _specs:
        raise ValueError(f"{spec.label} is already registered for search")
    if not hasattr(model, "scope_path"):
        raise ValueError(f"{spec.label} has no scope_path, so search could not obey the gate")
    for lookup in spec.fields:
        _lookup_fields(model, lookup)
    _specs[spec.label] = spec
    return spec


def unregister(model: type[models.Model]) -> None:
    _specs.pop(label(model), None)


def registered() -> dict[str, SearchSpec]:
    """Registered models by label (``core.unit``), in registration order."""
    return dict(_specs)


def _spec_for(obj) -> SearchSpec | None:
    return _specs.get(label(type(obj)))


def _upsert(rows: Iterable[tuple]) -> None:
    """Insert or replace entries given as ``SearchSpec.row`` tuples (all plain str and int values)."""
    bulk.upsert_rows(SearchEntry, _COLUMNS, rows, unique=["object_type", "object_id"], update=_UPSERT_FIELDS)


def index_object(obj) -> None:
    """Write ``obj``'s search row (insert or update). Objects of unregistered models are ignored."""
    spec = _spec_for(obj)
    if spec is not None:
        _upsert([spec.row(obj)])


def remove_object(obj) -> None:
    """Delete ``obj``'s search row. Call it before ``obj.delete()``, which clears the primary key."""
    if obj.pk is None:
        raise ValueError("remove_object needs the primary key: call it before delete()")
    SearchEntry.objects.filter(object_type=label(type(obj)), object_id=obj.pk).delete()


def index_dependants(obj, changed) -> int:
    """Re-index the entries that read ``obj``'s ``changed`` fields through a foreign key (a system moved to another
    unit: its findings' unit paths; a system renamed: its findings' text), in the caller's transaction. Returns how
    many were written; nothing is read when no registered model depends on these fields."""
    changed = set(changed)
    written = 0
    for spec in _specs.values():
        lookups = [lookup for lookup, fields in spec.through(type(obj)).items() if fields & changed]
        if not lookups:
            continue
        match = models.Q()
        for lookup in lookups:
            match |= models.Q(**{lookup: obj.pk})
        queryset = spec.model._base_manager.filter(match).select_related(*spec.related()).order_by("pk")
        last = None
        while chunk := list((queryset if last is None else queryset.filter(pk__gt=last))[:CHUNK]):
            # Pages read whole before writing: PostgreSQL's COPY cannot run while a server-side cursor is open.
            written += index_many(chunk)
            last = chunk[-1].pk
    return written


def remove_collected(collector) -> None:
    """Delete the entries of every object a ``django.db.models.deletion.Collector`` is about to delete (the record
    and everything its deletion cascades to). Call it after ``collect`` and before ``delete``, which clears the keys."""
    ids: dict[str, set] = {}
    for model, instances in collector.data.items():
        if label(model) in _specs:
            ids.setdefault(label(model), set()).update(obj.pk for obj in instances)
    for queryset in collector.fast_deletes:
        if label(queryset.model) in _specs:
            ids.setdefault(label(queryset.model), set()).update(queryset.values_list("pk", flat=True))
    for object_type, keys in ids.items():
        keys = sorted(keys)
        for start in range(0, len(keys), CHUNK):
            SearchEntry.objects.filter(object_type=object_type, object_id__in=keys[start : start + CHUNK]).delete()


def remove_planned(deletes) -> None:
    """Delete the entries of the rows a set-based delete (``core.deletion.plan``'s ``(model, queryset)`` pairs) is
    about to delete: one statement per searchable model, its keys a subquery."""
    for model, rows in deletes:
        if label(model) in _specs:
            SearchEntry.objects.filter(object_type=label(model), object_id__in=rows.values("pk"))._raw_delete("default")


def texts_of(objs: list) -> list[str] | None:
    """The indexed text of each object (one registered model), or None when the model is not searchable."""
    spec = _spec_for(objs[0]) if objs else None
    return None if spec is None else [spec.text_of(obj) for obj in objs]


def index_many(objs: Iterable, tokens: list[str] | None = None) -> int:
    """Upsert the rows of many objects (of any registered models) in bulk; returns how many were written.
    ``tokens``, when given, are those of each object's text, in order (``texts_of`` and ``tokens_later``).

    Each object's unit path is read through its ``scope_path``: pass instances fetched with ``select_related`` on
    that path (see ``SearchSpec.related``), or every object costs a query.
    """
    given = iter(tokens) if tokens is not None else None
    written = 0

    def rows():
        nonlocal written
        for obj in objs:
            spec = _spec_for(obj)
            if spec is None:
                continue
            written += 1
            yield spec.row(obj, next(given) if given is not None else None)

    _upsert(rows())
    return written


def _rebuild_one(spec: SearchSpec) -> int:
    queryset = spec.model._base_manager.select_related(*spec.related()).order_by("pk")
    written = 0
    last = None
    while True:
        # Keyset pages keep memory flat however large the table, and each page commits on its own: the index stays
        # searchable during a rebuild and SQLite writers are never locked out for long.
        page = queryset if last is None else queryset.filter(pk__gt=last)
        chunk = list(page[:CHUNK])
        if not chunk:
            break
        with transaction.atomic():
            _upsert([spec.row(obj) for obj in chunk])
        written += len(chunk)
        last = chunk[-1].pk
    # Rows whose object is gone.
    exists = spec.model._base_manager.filter(pk=OuterRef("object_id"))
    SearchEntry.objects.filter(object_type=spec.label).exclude(Exists(exists)).delete()
    return written


def rebuild(model: type[models.Model] | None = None, stdout=None) -> dict[str, int]:
    """Recompute the rows of ``model`` (or of every registered model) from the objects; returns counts by label.

    Rows are upserted page by page and then the rows of deleted objects are dropped, so the rebuild also repairs a
    partial index. A full rebuild drops the rows of models that are no longer registered.
    """
    if model is not None:
        spec = _specs.get(label(model))
        if spec is None:
            raise LookupError(f"{label(model)} is not registered for search")
        specs = [spec]
    else:
        specs = list(_specs.values())
        SearchEntry.objects.exclude(object_type__in=list(_specs)).delete()
    counts = {}
    for spec in specs:
        started = time.monotonic()
        counts[spec.label] = _rebuild_one(spec)
        if stdout is not None:
            stdout.write(f"{spec.label}: {counts[spec.label]} entries in {time.monotonic() - started:.1f}s\n")
    if model is None:
        from .backends import optimise

        optimise()
    return counts
