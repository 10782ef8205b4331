"""Deleting many records set-based: what Django's ``Collector`` does, with statements over subqueries instead of
instances in memory.

``Collector`` loads the keys of every related row it cascades to and sends them back in ``IN (...)`` lists of at most
999 (SQLite) or 100 (deletes) keys: for 20,000 systems, 100,000s of instances and thousands of statements. Here the
relations are walked once on the models (as ``Collector`` walks them) and each becomes one statement whose ``WHERE``
is a subquery on its parent's rows: ``CASCADE`` deletes the children (theirs first), ``SET_NULL`` clears the key,
``PROTECT``/``RESTRICT`` refuse the delete if any row depends on the records, ``DO_NOTHING`` leaves them. A model
graph this does not cover — another ``on_delete``, a generic relation, a cycle, a model with deletion signals —
raises :class:`Unsupported` and the caller uses ``Collector`` instead. Children go before parents, so every
subquery still finds the parent rows it names.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db import connections, models
from django.db.models import signals
from django.db.models.deletion import get_candidate_relations_to_delete
from django.db.models.expressions import RawSQL

MAX_DEPTH = 6
KEYS = "govcio_delete_keys"  # a temporary table of the keys to delete, per connection


class Unsupported(Exception):
    """A relation this module does not delete set-based."""


class Blocked(Exception):
    def __init__(self, models_: list):
        super().__init__(models_)
        self.models = models_


@dataclass
class Plan:
    deletes: list = field(default_factory=list)  # (model, queryset), children first
    clears: list = field(default_factory=list)  # (queryset, field name): SET_NULL
    checks: list = field(default_factory=list)  # (model, queryset): PROTECT / RESTRICT


def _listened(model) -> bool:
    return any(s.has_listeners(model) for s in (signals.pre_delete, signals.post_delete))


def _walk(model, queryset, plan: Plan, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise Unsupported(f"{model._meta.label}: relations nest deeper than {MAX_DEPTH}")
    if _listened(model) or model._meta.private_fields:
        raise Unsupported(f"{model._meta.label}: deletion signals or generic relations")
    for related in get_candidate_relations_to_delete(model._meta):
        child = related.related_model
        fk = related.field
        on_delete = fk.remote_field.on_delete
        rows = child._base_manager.filter(**{f"{fk.name}__in": queryset})
        if on_delete is models.CASCADE:
            _walk(child, rows, plan, depth + 1)
        elif on_delete is models.SET_NULL:
            plan.clears.append((rows, fk.name))
        elif on_delete in (models.PROTECT, models.RESTRICT):
            plan.checks.append((child, rows))
        elif on_delete is not models.DO_NOTHING:
            raise Unsupported(f"{child._meta.label}.{fk.name}: on_delete {on_delete.__name__}")
    plan.deletes.append((model, queryset))


def keys_queryset(model, keys: list, using: str = "default"):
    """The rows of ``model`` with these keys, as a queryset whose SQL does not carry the keys: they go once into a
    temporary table, so that each of the delete's statements is compiled and sent without 20,000 parameters."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {KEYS} (id bigint PRIMARY KEY)")
        cursor.execute(f"DELETE FROM {KEYS}")  # noqa: S608
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {KEYS} (id) FROM STDIN") as copy:
                for key in keys:
                    copy.write_row((key,))
            cursor.execute(f"ANALYZE {KEYS}")
        else:
            cursor.executemany(f"INSERT INTO {KEYS} (id) VALUES (%s)", [(key,) for key in keys])  # noqa: S608
    return model._base_manager.filter(pk__in=RawSQL(f"SELECT id FROM {KEYS}", []))  # noqa: S608, S611


def plan(model, queryset) -> Plan:
    """The statements that delete ``queryset``'s rows of ``model`` and what depends on them."""
    found = Plan()
    _walk(model, queryset, found, 0)
    # A key is not cleared on rows the same delete removes (findings of a deleted system point at its assessments).
    clears = []
    for rows, name in found.clears:
        for deleted_model, deleted_rows in found.deletes:
            if deleted_model is rows.model:
                rows = rows.exclude(pk__in=deleted_rows.values("pk"))
        clears.append((rows, name))
    found.clears = clears
    return found


def execute(found: Plan, using: str = "default") -> dict[str, int]:
    """Check, clear and delete (in the caller's transaction); rows deleted per model label. ``Blocked`` when a
    protected record depends on one to delete."""
    blockers = [model for model, rows in found.checks if rows.exists()]
    if blockers:
        raise Blocked(blockers)
    for rows, name in found.clears:
        rows.update(**{name: None})
    counts: Counter = Counter()
    for model, rows in found.deletes:
        counts[model._meta.label] += rows._raw_delete(using)
    return {label: count for label, count in counts.items() if count}
