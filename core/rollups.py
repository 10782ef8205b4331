"""Per-unit rollups: each unit's own counts of one kind, kept exact from the write path (docs/decisions/
0012-derived-figures.md).

- The audit's append (``core.audit``; every service write audits in its transaction) marks the units its writes
  touch (``note``) — the unit the record sits in now and, when it moved, the one it left — in the same
  transaction: a rolled-back change marks nothing, a committed one is marked when it becomes visible.
- Before a figure is read, ``flush`` counts the marked units again, set-based (one grouped query per kind for all
  of them), and removes the marks it has read. So a figure is exact at read time, on every process. Counts that
  depend on the date (overdue, last active) move at midnight: the first look of a day asks the background task to
  count every unit again (``govcio rollups rebuild`` after midnight does it ahead); pages say until then that those
  counts are of the day before.
- A subtree's figure is the sum of its units' rows over the gate's path ranges, summed by the database (``sums``);
  lists of units read the counts they show out of the rows' JSON the same way (``scoped``, ``number``).
- Data written behind the services (raw SQL, a data migration) is not marked: ``govcio rollups rebuild`` counts
  everything again, ``govcio rollups check`` compares the rows with a full count.

Apps register their kinds (``register``) from their ``AppConfig.ready``; core knows none of them.
"""

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, transaction
from django.db.models import BigIntegerField, Sum
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django_tasks import task

from core import figures, gate, tasks
from core.models import Computed, Rollup, RollupMark, Unit
from core.tree import subtree_q

WRITE_ACTIONS = {"create", "update", "delete", "import", "event"}
_LOCK = 0x60C11  # PostgreSQL advisory lock serialising flushes
FULL_ABOVE = 2000  # more marked units than this: count everything (one pass is cheaper than a huge IN list)
STATE = "core.rollups"

Counter = Callable[[list[int] | None, dt.date], dict[int, dict]]


@dataclass(frozen=True)
class Kind:
    name: str
    model: type  # the model whose view scope decides which units' rows a user sums
    count: Counter  # (unit ids, or None for all; the day) -> {unit id: data}, units with nothing left out


KINDS: dict[str, Kind] = {}
WATCHERS: list[Callable[[list], None]] = []  # called with each batch's write entries, in its transaction


def register(name: str, model, count: Counter) -> None:
    KINDS[name] = Kind(name, model, count)


def watch(callback: Callable[[list], None]) -> None:
    """Call ``callback(entries)`` for every audited batch of writes (a figure computed by a task asks for a run)."""
    if callback not in WATCHERS:
        WATCHERS.append(callback)


# The write path ------------------------------------------------------------------------------------------------


def note(entries) -> None:
    """Mark the units the write entries of an audit batch touch and count the writes (``core.figures``); called by
    the audit's append, in its transaction. Reads (denials, exports, sign-ins) change no figure."""
    writes = [entry for entry in entries if str(entry.action) in WRITE_ACTIONS]
    if not writes:
        return
    figures.note_write()
    paths = {entry.unit_path for entry in writes if entry.unit_path}
    for entry in writes:
        paths.update(_left(entry))
    RollupMark.objects.bulk_create([RollupMark(unit_path=path) for path in sorted(paths)], batch_size=1000)
    if any(_reference(entry.object_type) for entry in writes):
        tasks.enqueue_once(recount_everything)  # the holiday calendar, say: deadlines everywhere may move
    for callback in WATCHERS:
        callback(writes)


def _reference(object_type: str) -> bool:
    """Reference data (a model scoped to no unit, such as the holiday calendar) can change counts in every unit."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return False
    return getattr(model, "scope_path", "") is None


def _left(entry) -> set[str]:
    """The unit a changed record left, read from the audited change of the first step of its scope path."""
    changes = entry.changes or {}
    if str(entry.action) not in {"update", "event"} or not changes or not entry.object_type:
        return set()
    try:
        model = apps.get_model(entry.object_type)
    except (LookupError, ValueError):
        return set()
    scope = getattr(model, "scope_path", None)
    if not scope or "__" not in scope:
        return set()
    first, rest = scope.split("__", 1)
    change = changes.get(first)
    if not isinstance(change, list | tuple) or len(change) != 2 or change[0] in (None, change[1]):
        return set()
    related = model._meta.get_field(first).related_model
    found = related._base_manager.filter(pk=change[0]).values_list(rest, flat=True).first()
    return {found} if found else set()


# Counting ----------------------------------------------------------------------------------------------------------


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
    else:
        RollupMark.objects.filter(pk=-1).delete()  # take SQLite's write lock before reading the marks


def _counted_on() -> dt.date | None:
    state = Computed.objects.filter(name=STATE).values_list("data", flat=True).first()
    return dt.date.fromisoformat(state["day"]) if state else None


def _state() -> tuple[dt.date | None, bool]:
    """(the day the rows were counted for, whether anything is marked): one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT data FROM core_computed WHERE name = %s), EXISTS (SELECT 1 FROM core_rollupmark)", [STATE]
        )
        state, marked = cursor.fetchone()
    if isinstance(state, str):  # SQLite gives JSON as text
        state = json.loads(state)
    return (dt.date.fromisoformat(state["day"]) if state else None), bool(marked)


def flush(today: dt.date | None = None) -> dt.date:
    """Count the marked units again; returns the day the rows' date-dependent counts (overdue, last active) are of.

    Nothing counted yet (a new installation): everything, now. Counted on an earlier day: a recount of everything
    is asked of the background task (``recount_everything``; at province scale it takes tens of seconds) and,
    until it lands, the marked units are counted for the same earlier day, so that sums never mix two days. When
    nothing is marked and the rows are of today, this costs one query."""
    today = today or timezone.localdate()
    day, marked = _state()
    if day is not None and day != today:
        tasks.enqueue_once(recount_everything)
    if day is not None and not marked:
        return day
    with transaction.atomic():
        _lock()
        day = _counted_on()
        marks = list(RollupMark.objects.values_list("pk", "unit_path"))
        if day is None:
            day = today
            _rebuild(day)
        elif marks:
            ids = list(Unit.objects.filter(path__in={path for _pk, path in marks}).values_list("pk", flat=True))
            _recount(ids, day)
        for start in range(0, len(marks), 1000):
            RollupMark.objects.filter(pk__in=[pk for pk, _path in marks[start : start + 1000]]).delete()
    return day


def _recount(ids: list[int], today: dt.date) -> None:
    if len(ids) > FULL_ABOVE:
        _rebuild(today)
        return
    for kind in KINDS.values():
        _write(kind, sorted(ids), kind.count(sorted(ids), today), today)


def _write(kind: Kind, ids: list[int] | None, counted: dict[int, dict], today: dt.date) -> None:
    old = Rollup.objects.filter(kind=kind.name)
    if ids is not None:
        old = old.filter(unit_id__in=ids)
    old.delete()
    rows = [Rollup(unit_id=unit, kind=kind.name, day=today, data=data) for unit, data in counted.items()]
    Rollup.objects.bulk_create(rows, batch_size=2000)


def _rebuild(today: dt.date) -> None:
    for kind in KINDS.values():
        _write(kind, None, kind.count(None, today), today)
    Computed.objects.update_or_create(name=STATE, defaults={"computed_at": timezone.now(), "data": {"day": str(today)}})


@task()
def recount_everything() -> None:
    """The first look of a day asks for this (and ``govcio rollups rebuild`` run after midnight makes it moot)."""
    rebuild()


@transaction.atomic
def rebuild() -> None:
    """Count every unit again (``govcio rollups rebuild``): after data written behind the services. Cached figures
    are dropped with it (the write generation moves)."""
    _lock()
    RollupMark.objects.all().delete()
    _rebuild(timezone.localdate())
    figures.note_write()


def check() -> list[str]:
    """What differs between the rows and a full count (``govcio rollups check``), after counting the marks."""
    day = flush()
    problems = []
    for kind in KINDS.values():
        stored = dict(Rollup.objects.filter(kind=kind.name).values_list("unit_id", "data"))
        counted = kind.count(None, day)
        for unit in sorted(stored.keys() | counted.keys()):
            if _normal(stored.get(unit)) != _normal(counted.get(unit)):
                problems.append(f"{kind.name} unit {unit}: stored {stored.get(unit)} counted {counted.get(unit)}")
    return problems


def _normal(data):
    """Rows as JSON gives them back (tuples become lists, keys text), so a fresh count compares with a stored one."""
    return json.loads(json.dumps(data, default=str, sort_keys=True)) if data is not None else None


# Reading -----------------------------------------------------------------------------------------------------------


def scoped(user, kind: str, unit=None, today: dt.date | None = None):
    """The ``kind`` rows (a ``Rollup`` queryset) of the units where the user may view the kind's records, within
    ``unit``'s subtree when given: the marked units counted again first (``flush``)."""
    flush(today)
    scope = gate.scope_q(user, KINDS[kind].model, "view", path_field="unit__path")
    if scope is None:
        return Rollup.objects.none()
    found = Rollup.objects.filter(kind=kind).filter(scope)
    if unit is not None:
        found = found.filter(subtree_q("unit__path", unit.path))
    return found


def number(*path: str):
    """One count of a row's data as an integer expression, 0 when the row has none: ``number("open")``, or a path
    into nested data, ``number("opened", "2026-05")``. The database reads it out of the JSON, not Python."""
    data = "data"
    for key in path[:-1]:
        data = KeyTransform(key, data)
    return Coalesce(Cast(KeyTextTransform(path[-1], data), BigIntegerField()), 0)


def sums(user, kind: str, keys, unit=None, today: dt.date | None = None) -> dict:
    """Each key's sum over the rows ``scoped`` gives, in one aggregate query (a key is a name, or a tuple path into
    nested data); keys no row has sum to 0."""
    keys = list(keys)
    aliases = {f"s{i}": key for i, key in enumerate(keys)}
    found = scoped(user, kind, unit, today)
    if not keys or found.query.is_empty():
        return dict.fromkeys(keys, 0)
    summed = found.aggregate(
        **{alias: Sum(number(*(key if isinstance(key, tuple) else (key,)))) for alias, key in aliases.items()}
    )
    return {key: summed[alias] or 0 for alias, key in aliases.items()}
