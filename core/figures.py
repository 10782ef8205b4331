"""Figures that cost more than a look: kept in Django's cache framework (the database cache by default, Redis in
production), shared by every process, under the number of audited writes committed so far (docs/decisions/
0012-derived-figures.md).

Every write through the services is audited in its transaction, and the audit's append counts it
(``note_write``): the generation moves exactly when a write becomes visible, on every process at once. A result is
filed under the generation read before it was computed, so a write committed meanwhile can only file a newer result
under an older key, which nobody asks for again. Reads (a denied look, an export, a sign-in) are audited too but count
for nothing. Writes that skip the services (raw SQL) are seen after ``govcio rollups rebuild``, which moves the
generation.
"""

import hashlib
from collections.abc import Callable, Hashable

from django.core.cache import cache
from django.db import connections
from django.db.models import F

from core.models import Generation

WRITES = "writes"
TIMEOUT = 24 * 3600  # an older generation's results are never asked for again; the cache drops them in time


def generation(using: str = "default") -> tuple[str, int]:
    """(epoch, writes committed): one primary-key read."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT epoch, value FROM core_generation WHERE name = %s", [WRITES])
        row = cursor.fetchone()
    if row is None:
        found, _created = Generation.objects.using(using).get_or_create(name=WRITES)
        row = (found.epoch, found.value)
    return tuple(row)


def note_write() -> None:
    """Count a write, in the caller's transaction (the audit's append, under its lock: no contention of its own)."""
    if not Generation.objects.filter(name=WRITES).update(value=F("value") + 1):
        Generation.objects.get_or_create(name=WRITES, defaults={"value": 1})


def cached(name: str, key: Hashable, compute: Callable[[], object], using: str = "default"):
    """``compute()``, or what it returned for the same ``name`` and ``key`` since the last write committed."""
    digest = hashlib.sha256(repr((key, generation(using))).encode()).hexdigest()
    full = f"figures:{name}:{digest}"
    found = cache.get(full)
    if found is None:
        found = (compute(),)  # wrapped: a computed None is a value too
        cache.set(full, found, TIMEOUT)
    return found[0]


def query_key(queryset) -> tuple:
    """A queryset's SQL and parameters, as a key: the gate's scope, the filters and the order are all in it."""
    if queryset.query.is_empty():
        return (queryset.db, None, ())
    sql, params = queryset.query.sql_with_params()
    return (queryset.db, sql, tuple(map(str, params)))


def count(queryset) -> int:
    """``queryset.count()``, kept until the next write: a list's total at province scale costs more than its page."""
    if queryset.query.is_empty():
        return 0
    queryset = queryset.order_by()
    return cached("count", query_key(queryset), queryset.count, queryset.db)


def rows(queryset) -> list:
    """``list(queryset)``, kept until the next write. Callers that change the rows copy them."""
    if queryset.query.is_empty():
        return []
    return cached("rows", query_key(queryset), lambda: list(queryset), queryset.db)


def subtree_count(user, model, lookup: str, path: str, action: str = "view") -> int:
    """How many records of ``model`` the user may ``action`` lie in the subtree at ``path`` (``lookup`` leads to
    their unit's path): the unit page's counts, which at province scale read hundreds of thousands of rows."""
    from core.tree import subtree_q

    return count(model.objects.restrict(user, action).filter(subtree_q(lookup, path)))
