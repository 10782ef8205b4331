"""Results cached until the records they count change, read off the audit chain.

Every change to a record is audited in the transaction that makes it (``core.audit``), so the latest audit record of
a type names the state of that type's rows as the reader sees them: a change not yet committed is invisible together
with its record, a rolled-back one leaves none. The record's hash stands for it (it covers the sequence number and
the time to the microsecond, so a number reused after a rollback still gives another hash), and the latest one of
a type is one step down the (object_type, seq) index.

    versions("inventory.system", "core.unit")  →  ("9f3c…", "41aa…")

``remember`` keeps computed results per process, under a key that includes those versions: a dashboard that sums
a province's 400,000 records costs its queries once after each change instead of on every look. What is cached must
depend only on the key and on records of the types named (writes that skip the services and their audit — data
migrations, raw SQL — are not seen until ``forget``).
"""

import functools
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable

from django.apps import apps
from django.db import connections

SIZE = 64
_cache: OrderedDict = OrderedDict()
_lock = threading.Lock()
_LATEST = "(SELECT hash FROM core_auditrecord WHERE object_type = %s ORDER BY seq DESC LIMIT 1)"


def versions(labels: Iterable[str], using: str = "default") -> tuple:
    """The hash of the latest audit record of each type (``app_label.model``), None for a type never audited."""
    labels = list(labels)
    if not labels:
        return ()
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join([_LATEST] * len(labels)), labels)  # noqa: S608
        return tuple(cursor.fetchone())


def remember(name: str, key: Hashable, labels: Iterable[str], compute: Callable[[], object]):
    """``compute()``, or what it returned before for the same ``name``, ``key`` and versions of ``labels``."""
    full = (name, key, versions(labels))
    with _lock:
        if full in _cache:
            _cache.move_to_end(full)
            return _cache[full]
    value = compute()
    with _lock:
        _cache[full] = value
        while len(_cache) > SIZE:
            _cache.popitem(last=False)
    return value


def subtree_count(user, model, lookup: str, path: str, action: str = "view") -> int:
    """How many records of ``model`` the user may ``action`` lie in the subtree at ``path`` (``lookup`` leads to
    their unit's path): the unit page's counts, which at province scale read hundreds of thousands of rows."""
    from core.tree import subtree_q

    return count(model.objects.restrict(user, action).filter(subtree_q(lookup, path)))


_TABLE = re.compile(r'"(\w+)"')


def labels_of_query(queryset) -> list[str]:
    """The types of every table a queryset's SQL reads (joins and subqueries alike; an automatic many-to-many
    table counts as both of the models it joins, whose changes are audited)."""
    if queryset.query.is_empty():
        return []
    tables = _tables()
    sql, _params = queryset.query.sql_with_params()
    return sorted({label for name in _TABLE.findall(sql) for label in tables.get(name, ())})


@functools.cache
def _tables() -> dict[str, tuple[str, ...]]:
    found = {}
    for model in apps.get_models(include_auto_created=True):
        owners = [model]
        if model._meta.auto_created:
            owners = [f.related_model for f in model._meta.fields if f.is_relation and f.related_model]
        found[model._meta.db_table] = tuple(owner._meta.label_lower for owner in owners)
    return found


def query_key(queryset) -> tuple:
    """A queryset's SQL and parameters, as a key: the gate's scope, the filters and the order are all in it (an
    empty queryset, one the gate shuts, has no SQL)."""
    if queryset.query.is_empty():
        return (queryset.db, None, ())
    sql, params = queryset.query.sql_with_params()
    return (queryset.db, sql, tuple(map(str, params)))


def count(queryset) -> int:
    """``queryset.count()``, remembered until a change to any table it reads: a list's page count, which at
    province scale costs more than the page itself."""
    if queryset.query.is_empty():
        return 0
    queryset = queryset.order_by()
    return remember("count", query_key(queryset), labels_of_query(queryset), queryset.count)


def rows(queryset) -> list:
    """``list(queryset)``, remembered until a change to any table it reads. Callers that change the rows copy
    them."""
    if queryset.query.is_empty():
        return []
    return remember("rows", query_key(queryset), labels_of_query(queryset), lambda: list(queryset))


def forget() -> None:
    with _lock:
        _cache.clear()
