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

- the link graph, each system's owning unit and the units' paths are held per process (``ImpactGraph``), loaded in
  a few queries and checked on every call by the maximum ids (index lookups: inserts show at once) and every
  ``GOVCIO_IMPACT_RECHECK_SECONDS`` (default 10) by count and sum of versions (full scans: updates and deletes show
  within that time);
- the walk is level by level over CSR arrays (numpy): each level's neighbours are gathered in one vectorised step
  and deduplicated against a per-node level array, and the scope count is a boolean mask of the systems of the
  units the user may see (cached per set of grants) — no Python step per reached node (≈ 4 ms for a hub reaching
  93k systems);
- only the nearest ``limit`` systems in scope are named, in one gated query, and the service items and resources
  listed are those of the named systems. The totals of systems are exact; the page says when a list is cut short,
  and the export runs with a limit large enough for everything.
"""

import functools
import json
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Sum
from django.db.models.expressions import RawSQL
from django.urls import NoReverseMatch, get_resolver, get_urlconf, reverse

from core import gate
from core.models import Unit

from . import choices as c
from .models import DataResource, Link, ServiceItem, System

DOWN, UP, BOTH = "down", "up", "both"
DIRECTIONS = (DOWN, UP, BOTH)
SYSTEM, RESOURCE, SERVICE = "system", "resource", "service"
DEFAULT_DEPTH, MAX_DEPTH = 5, 20
DEFAULT_LIMIT = 200  # systems named per direction on a page: more is neither readable as a graph nor fast
EXPORT_LIMIT = 200_000
SMALL_ID_SET = 64  # below this a plain IN (…) list; above, one parameter (Django prepares each list item alone)
SCOPE_CACHE = 16
# A page runs the computation twice (the HTML, then its JSON fetch) and an export a third time; a hub's walk is the
# dearest part, so the last few large ones are kept with the graph they were made on (first in, first out).
WALK_CACHE, WALK_CACHE_MIN = 8, 2000


# The cached graph ------------------------------------------------------------------------------------------------
@dataclass
class ImpactGraph:
    """Nodes are dense numbers for the systems that have links; ``down[n]`` / ``up[n]`` are tuples of node numbers."""

    stamp: tuple
    full: tuple
    checked: float
    ids: list[int]
    node: dict[int, int]
    down: list[tuple]
    up: list[tuple]
    up_links: list[tuple]  # the link ids of ``up[n]``, position for position: the links that deliver data to ``n``
    owner: dict[int, int]  # system id → owning unit id, every system
    paths: dict[int, str]  # unit id → materialised path
    csr: dict = field(default_factory=dict)  # direction → (offsets, neighbours): ``down``/``up`` as numpy arrays
    id_array: np.ndarray | None = None  # ``ids`` as a numpy array, for picking the nearest systems by id
    scopes: dict = field(default_factory=dict)  # grants → boolean mask of in-scope nodes
    walks: OrderedDict = field(default_factory=OrderedDict)  # the last few large walks

    def __post_init__(self):
        for direction, lists in ((DOWN, self.down), (UP, self.up)):
            sizes = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
            offsets = np.zeros(len(lists) + 1, dtype=np.int64)
            np.cumsum(sizes, out=offsets[1:])
            neighbours = np.fromiter(
                (n for row in lists for n in row), dtype=np.int32, count=int(offsets[-1]) if len(lists) else 0
            )
            self.csr[direction] = (offsets, neighbours)
        self.id_array = np.asarray(self.ids, dtype=np.int64)

    def inside(self, user) -> np.ndarray:
        """A boolean mask of the nodes the user may view (System view grants), cached per distinct set of grants."""
        key = tuple(sorted(gate.unit_paths(user, System, "view")))
        found = self.scopes.get(key)
        if found is None:
            units = self.allowed_units(user)
            node = self.node
            found = np.zeros(len(self.ids), dtype=bool)
            found[[node[pk] for pk, unit in self.owner.items() if unit in units and pk in node]] = True
            if len(self.scopes) >= SCOPE_CACHE:
                self.scopes.clear()
            self.scopes[key] = found
        return found

    def allowed_units(self, user) -> set[int]:
        return {unit for unit, path in self.paths.items() if gate.path_allowed(user, System, "view", path)}


_graph: ImpactGraph | None = None
_lock = threading.Lock()
TABLES = (Link, System, Unit)


def _stamp() -> tuple:
    """Maximum ids: index lookups, well under a millisecond each."""
    return (connection.alias, *(m.objects.order_by().aggregate(top=Max("id"))["top"] for m in TABLES))


def _full() -> tuple:
    """Counts and version sums: full scans, so run every few seconds only. ``version`` rises on every update through
    the services and on unit moves (which leave ``updated_at`` alone)."""
    return tuple(tuple(m.objects.order_by().aggregate(n=Count("id"), v=Sum("version")).values()) for m in TABLES)


def _load(stamp: tuple, full: tuple) -> ImpactGraph:
    ids: list[int] = []
    node: dict[int, int] = {}
    down: list[list[int]] = []
    up: list[list[int]] = []
    up_links: list[list[int]] = []

    def number(pk: int) -> int:
        found = node.get(pk)
        if found is None:
            found = node[pk] = len(ids)
            ids.append(pk)
            down.append([])
            up.append([])
            up_links.append([])
        return found

    two_way = c.LinkDirection.TWO_WAY
    rows = Link.objects.order_by().values_list("id", "from_system_id", "to_system_id", "direction")
    for link_id, source_id, target_id, direction in rows.iterator(chunk_size=20_000):
        source, target = number(source_id), number(target_id)
        down[source].append(target)
        up[target].append(source)
        up_links[target].append(link_id)
        if direction == two_way:
            down[target].append(source)
            up[source].append(target)
            up_links[source].append(link_id)
    return ImpactGraph(
        stamp=stamp,
        full=full,
        checked=time.monotonic(),
        ids=ids,
        node=node,
        down=[tuple(n) for n in down],
        up=[tuple(n) for n in up],
        up_links=[tuple(n) for n in up_links],
        owner=dict(System.objects.order_by().values_list("id", "owner_unit_id")),
        paths=dict(Unit.objects.order_by().values_list("id", "path")),
    )


def get_graph() -> ImpactGraph:
    """The cached graph, reloaded when a maximum id changed or, at most every few seconds, a count or version sum."""
    global _graph
    stamp = _stamp()
    graph = _graph
    recheck = getattr(settings, "GOVCIO_IMPACT_RECHECK_SECONDS", 10)
    if graph is not None and graph.stamp == stamp and time.monotonic() - graph.checked < recheck:
        return graph
    with _lock:
        full = _full()
        if _graph is not None and _graph.stamp == stamp and _graph.full == full:
            _graph.checked = time.monotonic()
        else:
            _graph = _load(stamp, full)
        return _graph


def forget_graph() -> None:
    global _graph
    _graph = None


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


def walk(graph: ImpactGraph, starts, direction: str, limit: int, base: int = 0) -> Walk:
    key = (direction, tuple(starts), limit, base)
    found = graph.walks.get(key)
    if found is not None:
        return found
    offsets, targets = graph.csr[DOWN if direction == DOWN else UP]
    level_of = np.full(len(graph.ids), -1, dtype=np.int16)
    first = np.unique(np.asarray([graph.node[pk] for pk in starts if pk in graph.node], dtype=np.int32))
    loose = {pk for pk in starts if pk not in graph.node}
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
        with _lock:
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
    allowed = graph.allowed_units(user) if loose else set()
    loose_inside = sorted(pk for pk in loose if graph.owner.get(pk) in allowed)
    inside_levels = [level[inside[level]] for level in reached]
    side = Side(direction, total=sum(map(len, reached)) + len(loose))
    side.outside = side.total - sum(map(len, inside_levels)) - len(loose_inside)
    chosen: list[tuple[int, int, int | None]] = [(pk, first_depth, None) for pk in loose_inside][:limit]
    ids = graph.ids
    for offset, level in enumerate(inside_levels):
        if len(chosen) >= limit:
            break
        chosen.extend((ids[n], first_depth + offset, n) for n in nearest(graph, level, limit - len(chosen)))
    rows = System.objects.restrict(user, "view").order_by().filter(pk__in=id_set(pk for pk, _d, _n in chosen))
    found = {
        pk: (name, code, unit) for pk, name, code, unit in rows.values_list("pk", "name", "code", "owner_unit__name")
    }
    listed = {n for pk, _d, n in chosen if pk in found and n is not None}
    parents = graph.up if direction == DOWN else graph.down
    for pk, d, n in chosen:
        if pk not in found:  # gone since the graph was loaded
            continue
        via_key, via = "", ""
        if d == first_depth:
            via_key, via = start.key, start.name
        elif n is not None:
            before = d - walk_.base - 1
            named = sorted(ids[p] for p in parents[n] if walk_.level_of[p] == before and p in listed)
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
        n = graph.node.get(pk)
        if n is None:
            continue
        for sender, link_id in zip(graph.up[n], graph.up_links[n], strict=True):
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
