"""Searching through the gate: a user only ever finds entries whose unit path is inside their view scope.

The scope of every registered model becomes one Q over the search table (object type AND unit-path ranges, ORed
over the types), so the whole search is one query whatever the number of models.
"""

from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Count, F, Q, QuerySet, RowRange, Window
from django.db.models.functions import RowNumber

from core.gate import label, unit_paths
from core.models import SearchEntry
from core.tree import subtree_q

from .backends import match
from .registry import SearchSpec, registered
from .text import query_tokens


class Hit(NamedTuple):
    title: str
    url: str
    object_type: str
    object_id: int


class Group(NamedTuple):
    label: str  # the model's verbose_name_plural
    object_type: str
    total: int
    hits: list[Hit]


def scope_q(user, specs: Iterable[SearchSpec], type_field="object_type", path_field="unit_path") -> Q | None:
    """One Q for the entries of ``specs`` the user may view; None when they may view none of these types."""
    parts = []
    for spec in specs:
        ranges = unit_paths(user, spec.model, "view")
        if not ranges:
            continue
        # No "a root with its subtree is everything" shortcut: provinces, cities and counties may all be roots, so a
        # root is one tree among several. Its range costs the same B-tree lookup anyway.
        paths = Q()
        for path, descendants in ranges:
            paths |= subtree_q(path_field, path, descendants)
        parts.append(Q(**{type_field: spec.label}) & paths)
    if not parts:
        return None
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q


def _matching(user, specs: list[SearchSpec], q: str) -> QuerySet | None:
    scope = scope_q(user, specs, "gate_type", "gate_path")
    terms = query_tokens(q)
    if scope is None or not terms:
        return None
    return match(SearchEntry.objects.all(), terms).filter(scope)


def search(user, q: str, *, limit_per_type: int = 10, types: Iterable | None = None) -> list[Group]:
    """The best ``limit_per_type`` hits of each registered type (or of ``types``: labels or models) the user may view.

    Groups come in registration order and only when they have hits; hits by relevance, then title.
    """
    specs = list(registered().values())
    if types is not None:
        wanted = {t if isinstance(t, str) else label(t) for t in types}
        specs = [spec for spec in specs if spec.label in wanted]
    entries = _matching(user, specs, q)
    if entries is None:
        return []
    # Both windows share one partition and order (the count over the whole frame), so the database sorts once.
    window = {
        "partition_by": [F("object_type")],
        "order_by": [F("score").desc(), F("title").asc(), F("object_id").asc()],
    }
    rows = (
        entries.annotate(
            position=Window(RowNumber(), **window),
            total=Window(Count("id"), frame=RowRange(None, None), **window),
        )
        .filter(position__lte=limit_per_type)
        .order_by()
        .values_list("object_type", "object_id", "title", "url", "total", "position")
    )
    hits: dict[str, list[tuple[int, Hit]]] = {}
    totals: dict[str, int] = {}
    for object_type, object_id, title, url, total, position in rows:
        hits.setdefault(object_type, []).append((position, Hit(title, url, object_type, object_id)))
        totals[object_type] = total
    return [
        Group(str(spec.model._meta.verbose_name_plural), spec.label, totals[spec.label], [h for _, h in sorted(found)])
        for spec in specs
        if (found := hits.get(spec.label))
    ]


def autocomplete(user, model, q: str, limit: int = 10) -> list[tuple[int, str]]:
    """``(pk, title)`` of the best matches of one model in the user's view scope; the last word may be incomplete."""
    spec = registered().get(label(model))
    if spec is None:
        return []
    entries = _matching(user, [spec], q)
    if entries is None:
        return []
    return list(entries.order_by("-score", "title", "object_id").values_list("object_id", "title")[:limit])
