"""Searching through the gate, twice: in the index, then on the objects.

1. The scope of every registered model becomes one Q over the search table (object type AND unit-path ranges, ORed
   over the types): one query finds the best entries of every type the user may view.
2. An entry's unit path is a copy. The services keep it right (a moved record re-indexes what derives its scope from
   it), but a copy can still be wrong, so each hit is checked against its real object with the model's own
   ``restrict(user, "view")`` before it is shown: one more query for all the types among the hits (a UNION of one
   ``pk IN (...)`` per type), never one per hit.

Counts come after the second check, so they never include an entry the gate refuses: a group counts the hits it
shows, and says only that there are more when there are (``Group.more``) rather than counting entries nobody
checked.
"""

from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Case, CharField, F, IntegerField, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber

from core.gate import label, unit_paths
from core.models import SearchEntry
from core.tree import subtree_q

from .backends import match
from .registry import SearchSpec, registered
from .terms import query_terms
from .text import normalise


class Hit(NamedTuple):
    title: str
    url: str
    object_type: str
    object_id: int


class Group(NamedTuple):
    label: str  # the model's verbose_name_plural
    object_type: str
    total: int  # the hits shown, all checked through the gate
    hits: list[Hit]
    more: bool = False  # more visible hits than shown ("10+"): not counted, so no count rests on an unchecked entry


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


def _title_rank(q: str) -> Case:
    """2 for a title that is the query, 1 for a title that starts with it, 0 for the others (as written or in
    simplified characters, ignoring case)."""
    q = q.replace("\x00", "")  # PostgreSQL text holds no NUL (the terms leave it out too)
    written, simplified = q.strip(), normalise(q).strip()
    return Case(
        When(Q(title__iexact=written) | Q(title__iexact=simplified), then=Value(2)),
        When(Q(title__istartswith=written) | Q(title__istartswith=simplified), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def _matching(user, specs: list[SearchSpec], q: str) -> QuerySet | None:
    scope = scope_q(user, specs, "gate_type", "gate_path")
    terms = query_terms(q)
    if scope is None or not terms:
        return None
    return match(SearchEntry.objects.all(), terms).filter(scope).annotate(title_rank=_title_rank(q))


# Exact title first, then titles that start with the query, then by relevance and title.
ORDER = ("-title_rank", "-score", "title", "object_id")


def visible(user, ids_by_type: dict[str, Iterable[int]]) -> set[tuple[str, int]]:
    """``(object_type, object_id)`` of the given objects that the user may view, read through each model's
    ``restrict``: one query (a UNION over the types), whatever the number of types and objects."""
    specs = registered()
    parts = []
    for object_type, ids in ids_by_type.items():
        spec = specs.get(object_type)
        ids = list(ids)
        if spec is None or not ids:
            continue
        parts.append(
            spec.model.objects.restrict(user, "view")
            .filter(pk__in=ids)
            .order_by()
            .annotate(gate_type=Value(object_type, output_field=CharField()))
            .values_list("gate_type", "pk")
        )
    if not parts:
        return set()
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return set(query)


def search(user, q: str, *, limit_per_type: int = 10, types: Iterable | None = None) -> list[Group]:
    """The best ``limit_per_type`` hits of each registered type (or of ``types``: labels or models) the user may view.

    Groups come in registration order and only when they have hits; hits with the query as their title first, then
    those whose title starts with it, then by relevance and title.
    """
    specs = list(registered().values())
    if types is not None:
        wanted = {t if isinstance(t, str) else label(t) for t in types}
        specs = [spec for spec in specs if spec.label in wanted]
    entries = _matching(user, specs, q)
    if entries is None:
        return []
    # One more than shown per type: if it passes the gate too, the group says "more".
    window = Window(
        RowNumber(),
        partition_by=[F("object_type")],
        order_by=[F("title_rank").desc(), F("score").desc(), F("title").asc(), F("object_id").asc()],
    )
    rows = list(
        entries.annotate(position=window)
        .filter(position__lte=limit_per_type + 1)
        .order_by()
        .values_list("object_type", "object_id", "title", "url", "position")
    )
    ids: dict[str, list[int]] = {}
    for object_type, object_id, *_rest in rows:
        ids.setdefault(object_type, []).append(object_id)
    allowed = visible(user, ids)
    hits: dict[str, list[tuple[int, Hit]]] = {}
    for object_type, object_id, title, url, position in rows:
        if (object_type, object_id) in allowed:
            hits.setdefault(object_type, []).append((position, Hit(title, url, object_type, object_id)))
    groups = []
    for spec in specs:
        found = [hit for _position, hit in sorted(hits.get(spec.label, []))]
        if found:
            shown = found[:limit_per_type]
            label_plural = str(spec.model._meta.verbose_name_plural)
            groups.append(Group(label_plural, spec.label, len(shown), shown, len(found) > limit_per_type))
    return groups


def autocomplete(user, model, q: str, limit: int = 10) -> list[tuple[int, str]]:
    """``(pk, title)`` of the best matches of one model in the user's view scope; the last word may be incomplete.
    Each is checked against its object (``visible``); a few more are read than shown, so that an entry the check
    refuses leaves no gap."""
    spec = registered().get(label(model))
    if spec is None:
        return []
    entries = _matching(user, [spec], q)
    if entries is None:
        return []
    rows = list(entries.order_by(*ORDER).values_list("object_id", "title")[: limit * 2])
    allowed = visible(user, {spec.label: [pk for pk, _title in rows]})
    return [(pk, title) for pk, title in rows if (spec.label, pk) in allowed][:limit]
