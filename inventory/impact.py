"""Blast radius (影响分析): what a system's or a data resource's failure reaches, and what it depends on.

Semantics. A one-way link A → B means data flows from A to B, so B depends on A: when A fails, B is affected, and B
is *downstream* of A. A two-way link counts both ways. A data resource's downstream starts at the system holding it
and at every system receiving a link that carries it; its upstream at the holding system and every system sending
such a link. Depth is the shortest number of hops; a visited set stops cycles. The public service items affected are
those of the start and the downstream systems; the data resources affected are those held by them or carried by a
link the walk traversed into them.

The gate (platform-fusion security, DOMAIN.md §1): the caller reads the start through the gate (404 otherwise).
Reached systems outside the user's view scope are counted, never named, and their service items and resources are
not listed; items and resources are listed only when in the user's scope for their own model.

Performance (province scale: 100k systems, 300k links, interactive: p95 ≤ 100 ms; bench/impact.py). A hub reaches
most of a province within five hops, so nothing may cost a query — or even a Python step — per reached node:

- the link graph is built once per installation by a task and mapped read-only by every process
  (``inventory.graph``, decision 0013): each look asks the database for the current version (one index lookup) and
  never builds — ``GraphPending`` when no graph is built yet, which the pages show as being computed;
- the walk is level by level over CSR arrays (numpy): each level's neighbours are gathered in one vectorised step
  and deduplicated against a per-node level array, and the scope count is a boolean mask of the nodes whose owning
  unit lies under the gate's path ranges (the units read from the database at each look) — no Python step per
  reached node (≈ 4 ms for a hub reaching 93k systems);
- only the nearest ``limit`` systems in scope are named, in one gated query, and the service items and resources
  listed are those of the named systems. The totals of systems are exact; the page says when a list is cut short,
  and the export runs with a limit large enough for everything.
"""

import functools
import json
from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.db.models.expressions import RawSQL
from django.urls import NoReverseMatch, get_resolver, get_urlconf, reverse

from . import choices as c
from . import graph as graph_store
from .models import DataResource, Link, ServiceItem, System

DOWN, UP, BOTH = "down", "up", "both"
DIRECTIONS = (DOWN, UP, BOTH)
SYSTEM, RESOURCE, SERVICE = "system", "resource", "service"
DEFAULT_DEPTH, MAX_DEPTH = 5, 20
DEFAULT_LIMIT = 200  # systems named per direction on a page: more is neither readable as a graph nor fast
EXPORT_LIMIT = 200_000
SMALL_ID_SET = 64  # below this a plain IN (…) list; above, one parameter (Django prepares each list item alone)
# A page runs the computation twice (the HTML, then its JSON fetch) and an export a third time; a hub's walk is the
# dearest part, so the last few large ones are kept with the graph they were made on (first in, first out).
WALK_CACHE, WALK_CACHE_MIN = 8, 2000


# The graph ------------------------------------------------------------------------------------------------------
ImpactGraph = graph_store.ImpactGraph
GraphPending = graph_store.GraphPending
get_graph = graph_store.current  # the current version, mapped; GraphPending when none is built yet
forget_graph = graph_store.forget
build_graph = graph_store.build  # what the task runs; tests and benchmarks call it after writing links directly
graph_from_links = graph_store.from_links


# The walk --------------------------------------------------------------------------------------------------------
@dataclass
class Walk:
    """``levels[i]`` holds the nodes first reached at depth ``base + i`` (sorted numpy arrays); ``level_of[n]`` is
    that ``i`` for every node, -1 when not reached; ``loose`` the starts without links."""

    levels: list[np.ndarray]
    base: int
    loose: set[int]
    level_of: np.ndarray

    def depth_of(self, node: int) -> int | None:
        i = int(self.level_of[node])
        return None if i < 0 else self.base + i


def neighbours(offsets: np.ndarray, targets: np.ndarray, frontier: np.ndarray) -> np.ndarray:
    """Every neighbour of the ``frontier`` nodes in a CSR adjacency, in one vectorised gather."""
    starts, ends = offsets[frontier], offsets[frontier + 1]
    sizes = ends - starts
    total = int(sizes.sum())
    if not total:
        return targets[:0]
    # positions: starts[k] + 0 … sizes[k]-1 for each frontier node k, laid end to end
    shift = np.repeat(starts - np.cumsum(sizes) + sizes, sizes)
    return targets[shift + np.arange(total, dtype=np.int64)]


def reach(system_ids, depth: int = DEFAULT_DEPTH, direction: str = DOWN) -> dict[int, int]:
    """Every system within ``depth`` hops of ``system_ids`` → its depth (the starts at 0), over the current graph,
    with no scope: a plain function for tasks and rankings, which apply the gate themselves. ``GraphPending`` when
    no graph is built yet."""
    graph = get_graph()
    starts = sorted(set(system_ids))
    found = walk(graph, starts, UP if direction == UP else DOWN, clamp_depth(depth))
    result = dict.fromkeys(found.loose, 0)
    for index, level in enumerate(found.levels):
        result.update(dict.fromkeys(graph.ids[level].tolist(), found.base + index))
    return result


def walk(graph: ImpactGraph, starts, direction: str, limit: int, base: int = 0) -> Walk:
    key = (direction, tuple(starts), limit, base)
    found = graph.walks.get(key)
    if found is not None:
        return found
    offsets, targets = graph.csr[DOWN if direction == DOWN else UP]
    level_of = np.full(len(graph.ids), -1, dtype=np.int16)
    nodes = {pk: graph.node_of(pk) for pk in starts}
    first = np.unique(np.asarray([n for n in nodes.values() if n is not None], dtype=np.int32))
    loose = {pk for pk, n in nodes.items() if n is None}
    level_of[first] = 0
    levels, frontier, seen = [first], first, len(first)
    for index in range(1, limit - base + 1):
        reached = neighbours(offsets, targets, frontier)
        reached = reached[level_of[reached] < 0]  # no Python step per node
        if not len(reached):
            break
        level_of[reached] = index
        reached = np.flatnonzero(level_of == index).astype(np.int32)  # unique and sorted, in one linear pass
        levels.append(reached)
        frontier, seen = reached, seen + len(reached)
    result = Walk(levels, base, loose, level_of)
    if seen >= WALK_CACHE_MIN:
        with graph.lock:
            graph.walks[key] = result
            if len(graph.walks) > WALK_CACHE:
                graph.walks.popitem(last=False)
    return result


# The result ------------------------------------------------------------------------------------------------------
URL_NAMES = {SYSTEM: "inventory:system", SERVICE: "inventory:serviceitem", RESOURCE: "inventory:dataresource"}
SENTINEL = "2147483647"


@functools.lru_cache(maxsize=4)
def _url_patterns(resolver_id: int) -> dict[str, str]:
    patterns = {}
    for kind, name in URL_NAMES.items():
        try:
            patterns[kind] = reverse(name, args=[SENTINEL])
        except NoReverseMatch:  # the records pages are not wired in (a partial install)
            patterns[kind] = ""
    return patterns


def _add_urls(nodes) -> None:
    """Detail links from one reverse per kind (a reverse per node would cost more than the walk)."""
    patterns = _url_patterns(id(get_resolver(get_urlconf())))
    for node in nodes:
        node.url = patterns[node.kind].replace(SENTINEL, str(node.id))


@dataclass
class Node:
    key: str  # "s12", "r5", "v7"
    kind: str
    id: int
    name: str
    code: str
    unit: str
    depth: int
    direction: str
    via: str = ""  # the name of the node it was reached through; "" when that one is not named
    via_key: str = ""
    url: str = ""


@dataclass
class Side:
    direction: str
    systems: list[Node] = field(default_factory=list)
    total: int = 0  # systems reached, the start excluded, in scope or not
    outside: int = 0  # of which outside the user's scope

    @property
    def cut(self) -> int:
        """In-scope systems not listed because of the limit."""
        return self.total - self.outside - len(self.systems)


@dataclass
class Impact:
    start: Node
    depth: int
    direction: str
    sides: list[Side]
    services: list[Node] = field(default_factory=list)
    resources: list[Node] = field(default_factory=list)

    def side(self, direction: str) -> Side | None:
        return next((s for s in self.sides if s.direction == direction), None)

    @property
    def partial(self) -> bool:
        """Service items and resources are those of the listed systems only."""
        return any(s.cut for s in self.sides if s.direction == DOWN)

    def rows(self) -> list[Node]:
        return [n for s in self.sides for n in s.systems] + self.services + self.resources

    def edges(self) -> list[tuple[str, str]]:
        """(from, to) in the direction data flows. Nodes reached through an unnamed system hang off one placeholder
        per direction, ``x-down`` / ``x-up``."""
        result = []
        for n in self.rows():
            source = n.via_key or f"x-{n.direction}"
            result.append((n.key, source) if n.direction == UP else (source, n.key))
        return result


def id_set(ids) -> list[int] | RawSQL:
    """A value for ``__in``: a short list as is, a long one as a single parameter."""
    ids = list(ids)
    if len(ids) < SMALL_ID_SET:
        return ids
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (ids,))
    return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(ids),))


def nearest(graph: ImpactGraph, level: np.ndarray, count: int) -> list[int]:
    """The ``count`` nodes of ``level`` with the smallest system ids, in id order, as Python ints."""
    if len(level) > count:
        level = level[np.argpartition(graph.id_array[level], count - 1)[:count]]
    return level[np.argsort(graph.id_array[level], kind="stable")].tolist()


def _side(user, graph: ImpactGraph, walk_: Walk, direction: str, limit: int, start: Node) -> Side:
    """Count the reached systems, name the nearest ``limit`` in scope (one gated query) and say how each was
    reached."""
    inside = graph.inside(user)
    reached = walk_.levels[1:] if start.kind == SYSTEM else walk_.levels
    first_depth = walk_.base + (1 if start.kind == SYSTEM else 0)
    loose = walk_.loose - {start.id} if start.kind == SYSTEM else walk_.loose
    visible = System.objects.restrict(user, "view").order_by()
    loose_inside = sorted(visible.filter(pk__in=id_set(loose)).values_list("pk", flat=True)) if loose else []
    inside_levels = [level[inside[level]] for level in reached]
    side = Side(direction, total=sum(map(len, reached)) + len(loose))
    side.outside = side.total - sum(map(len, inside_levels)) - len(loose_inside)
    chosen: list[tuple[int, int, int | None]] = [(pk, first_depth, None) for pk in loose_inside][:limit]
    ids = graph.ids
    for offset, level in enumerate(inside_levels):
        if len(chosen) >= limit:
            break
        chosen.extend((int(ids[n]), first_depth + offset, n) for n in nearest(graph, level, limit - len(chosen)))
    rows = visible.filter(pk__in=id_set(pk for pk, _d, _n in chosen))
    found = {
        pk: (name, code, unit) for pk, name, code, unit in rows.values_list("pk", "name", "code", "owner_unit__name")
    }
    listed = {n for pk, _d, n in chosen if pk in found and n is not None}
    parents = UP if direction == DOWN else DOWN
    for pk, d, n in chosen:
        if pk not in found:  # gone since the graph was loaded
            continue
        via_key, via = "", ""
        if d == first_depth:
            via_key, via = start.key, start.name
        elif n is not None:
            before = d - walk_.base - 1
            row = graph.row(parents, n).tolist()
            named = sorted(int(ids[p]) for p in row if walk_.level_of[p] == before and p in listed)
            if named:
                via_key, via = f"s{named[0]}", found[named[0]][0]
        name, code, unit = found[pk]
        node = Node(f"s{pk}", SYSTEM, pk, name, code, unit, d, direction, via, via_key)
        side.systems.append(node)
    return side


def _services(user, holders: dict[int, Node]) -> list[Node]:
    """Service items delivered by the given systems, each at the depth of its nearest one."""
    if not holders:
        return []
    rows = (
        ServiceItem.objects.restrict(user, "view")
        .order_by()
        .filter(systems__in=id_set(holders))
        .values_list("pk", "name", "code", "unit__name", "systems")
    )
    best: dict[int, tuple] = {}
    for pk, name, code, unit, system_id in rows:
        holder = holders[system_id]
        if pk not in best or holder.depth < best[pk][3].depth:
            best[pk] = (name, code, unit, holder)
    ordered = sorted(best.items(), key=lambda item: (item[1][3].depth, item[0]))
    return [
        Node(f"v{pk}", SERVICE, pk, name, code, unit, h.depth, DOWN, h.name, h.key)
        for pk, (name, code, unit, h) in ordered
    ]


def _resources(user, graph: ImpactGraph, walk_: Walk, holders: dict[int, Node], depth: int, exclude) -> list[Node]:
    """Resources held by the given systems, or carried into one of them by a link from a system the walk reached
    before the depth limit (so the walk traversed that link)."""
    if not holders:
        return []

    delivered: dict[int, Node] = {}  # link id → the listed system it delivers to, from a system the walk expanded
    for pk, holder in holders.items():
        n = graph.node_of(pk)
        if n is None:
            continue
        for sender, link_id in zip(graph.row(UP, n).tolist(), graph.row_links(n).tolist(), strict=True):
            sender_depth = walk_.depth_of(sender)
            if sender_depth is not None and sender_depth < depth:
                delivered[link_id] = holder
    carried: dict[int, Node] = {}
    flows = Link.resources.through.objects.filter(link_id__in=id_set(delivered))
    for resource_id, link_id in flows.values_list("dataresource_id", "link_id"):
        holder = delivered[link_id]
        if resource_id not in carried or holder.depth < carried[resource_id].depth:
            carried[resource_id] = holder
    visible = DataResource.objects.restrict(user, "view").order_by()
    fields = ("pk", "name", "code", "provider__name", "system_id")
    rows = list(visible.filter(system_id__in=id_set(holders)).values_list(*fields))
    held = {row[0] for row in rows}
    rows += visible.filter(pk__in=id_set(set(carried) - held)).values_list(*fields)
    result = []
    for pk, name, code, unit, system_id in rows:
        if pk == exclude:
            continue
        holder = holders.get(system_id)
        if pk in carried and (holder is None or carried[pk].depth < holder.depth):
            holder = carried[pk]
        result.append(Node(f"r{pk}", RESOURCE, pk, name, code, unit, holder.depth, DOWN, holder.name, holder.key))
    return sorted(result, key=lambda n: (n.depth, n.id))


# Entry points ----------------------------------------------------------------------------------------------------
def clamp_depth(value, default: int = DEFAULT_DEPTH) -> int:
    try:
        depth = int(value)
    except (TypeError, ValueError):
        return default
    return max(1, min(MAX_DEPTH, depth))


def system_impact(
    *, user, system: System, depth: int = DEFAULT_DEPTH, direction: str = DOWN, limit: int = DEFAULT_LIMIT
) -> Impact:
    """The blast radius of ``system``, which the caller has read through the gate."""
    unit = str(system.owner_unit)
    start = Node(f"s{system.pk}", SYSTEM, system.pk, system.name, system.code, unit, 0, "")
    return _impact(user, start, {DOWN: [system.pk], UP: [system.pk]}, 0, depth, direction, limit)


def resource_impact(
    *, user, resource: DataResource, depth: int = DEFAULT_DEPTH, direction: str = DOWN, limit: int = DEFAULT_LIMIT
) -> Impact:
    """The blast radius of a data resource, which the caller has read through the gate: from its holding system and
    the systems its links deliver it to (downstream), or its holding system and the systems sending it (upstream)."""
    unit = str(resource.provider)
    start = Node(f"r{resource.pk}", RESOURCE, resource.pk, resource.name, resource.code, unit, 0, "")
    ends: dict[str, set[int]] = {DOWN: set(), UP: set()}
    if resource.system_id:
        ends[DOWN].add(resource.system_id)
        ends[UP].add(resource.system_id)
    links = (
        Link.objects.order_by().filter(resources=resource).values_list("from_system_id", "to_system_id", "direction")
    )
    for source, target, way in links:
        ends[DOWN].add(target)
        ends[UP].add(source)
        if way == c.LinkDirection.TWO_WAY:
            ends[DOWN].add(source)
            ends[UP].add(target)
    return _impact(user, start, {k: sorted(v) for k, v in ends.items()}, 1, depth, direction, limit)


def _impact(user, start: Node, starts: dict, base: int, depth, direction: str, limit: int) -> Impact:
    depth = clamp_depth(depth)
    direction = direction if direction in DIRECTIONS else DOWN
    graph = get_graph()
    impact = Impact(start=start, depth=depth, direction=direction, sides=[])
    for way in [DOWN, UP] if direction == BOTH else [direction]:
        reached = walk(graph, starts[way], way, depth, base)
        side = _side(user, graph, reached, way, limit, start)
        impact.sides.append(side)
        if way == DOWN:
            holders = {n.id: n for n in side.systems}
            if start.kind == SYSTEM:
                holders[start.id] = start  # its own service items and resources go down with it
            impact.services = _services(user, holders)
            exclude = start.id if start.kind == RESOURCE else None
            impact.resources = _resources(user, graph, reached, holders, depth, exclude)
    _add_urls([start, *impact.rows()])
    return impact
