"""How much each system reaches downstream within a depth — for every system at once, not one walk per system.

The fusion ranking needs, for every system in scope, the number of downstream systems (the inventory's blast radius:
``inventory.impact``, a one-way link A → B puts B downstream of A, a two-way link counts both ways) and the number of
distinct public service items of the system and of everything downstream. One walk per system costs a walk per row;
instead the sets are propagated over the link graph as bit sets, level by level:

    R₀[v] = seed(v)          R_{k+1}[v] = R_k[v] ∪ ⋃_{u ∈ down(v)} R_k[u]

so R_D[v] is the union of the seeds of every system within D hops of v (the same "within D hops" as the inventory's
walk). With seed(v) = {v} that is the downstream set; with seed(v) = the service items v delivers it is the items
reached. Each level is one vectorised gather and one ``bitwise_or.reduceat`` over the edges (numpy, no Python step per
node); bits are processed in column blocks so memory stays bounded (~64 MB of edge rows at a time), and the walk stops
early at a fixed point.

What does not depend on the user — systems and service items reached from every node — is computed once per graph
and state of the deliveries. A user's part, how many of the reached systems lie inside their scope, counts only the
smaller of the scope and the rest as bit columns: a department's dozen systems, or the handful outside a province
CIO's scope. A system's own page needs none of this: ``few`` walks from each of a few systems (the inventory's walk).

Measured on the shared 2-core VM, depth 5, cold (then cached with the graph): county demo (502 systems, 903
directed edges) 2–4 ms; city demo (6,054 systems, 11,640 edges) 70–130 ms, against 0.6–1 s for one inventory walk
per system (which counts systems only); the province benchmark graph (100k systems, 349k edges) 17 s for the
systems and 5 s for the service items (bench/README.md).
"""

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Max

from inventory import impact
from inventory.models import ServiceItem

WORD = 64
EDGE_BLOCK_BYTES = 64 << 20
CACHE = 16  # per graph: deliveries, totals per depth, scope counts per scope
_cache: OrderedDict = OrderedDict()
_lock = threading.Lock()


@dataclass
class Reach:
    """Per graph node (``graph.node[system_id]``): systems downstream (the node excluded), of them inside the scope
    mask given, and distinct service items of the node and everything downstream."""

    systems: np.ndarray
    inside: np.ndarray
    items: np.ndarray
    own_items: dict[int, int]  # system id → its own distinct service items, every system that delivers any


def _block_words(edges: int, total_words: int) -> int:
    return max(1, min(total_words, EDGE_BLOCK_BYTES // (8 * max(edges, 1))))


def propagate(offsets: np.ndarray, targets: np.ndarray, seeds: np.ndarray, depth: int) -> np.ndarray:
    """``seeds`` (nodes × words of uint64) OR-ed along the adjacency ``offsets``/``targets`` for ``depth`` levels.

    Only what changed is carried forward: R_k[u] ⊇ R_{k-1}[u], so level k+1 adds something to v only through a
    neighbour u whose set changed at level k. Each level gathers the edges into changed rows (sorted by source, as
    the adjacency is), so a block of bits that few systems reach costs few rows, and a hub's block costs them all."""
    n = len(offsets) - 1
    if not len(targets):
        return seeds
    sources = np.repeat(np.arange(n, dtype=np.int64), np.diff(offsets))
    current = seeds.copy()
    changed = np.flatnonzero(seeds.any(axis=1))
    hot = np.zeros(n, dtype=bool)
    for _level in range(depth):
        if not len(changed):
            break
        hot[:] = False
        hot[changed] = True
        edges = np.flatnonzero(hot[targets])
        if not len(edges):
            break
        rows_of_edges = sources[edges]
        starts = np.flatnonzero(np.r_[True, rows_of_edges[1:] != rows_of_edges[:-1]])
        rows = rows_of_edges[starts]
        combined = np.bitwise_or.reduceat(np.take(current, targets[edges], axis=0), starts, axis=0)
        combined |= current[rows]
        grew = (combined != current[rows]).any(axis=1)
        current[rows] = combined
        changed = rows[grew]
    return current


def column_counts(graph: impact.ImpactGraph, depth: int, columns: np.ndarray) -> np.ndarray:
    """For every node, how many of the ``columns`` nodes lie within ``depth`` hops downstream (the node itself
    included when it is one). Cost grows with the number of columns: the whole graph for every system, or only the
    nodes of a small scope."""
    n = len(graph.ids)
    offsets, targets = graph.csr[impact.DOWN]
    counts = np.zeros(n, dtype=np.int64)
    words_needed = (len(columns) + WORD - 1) // WORD
    step = _block_words(len(targets), words_needed)
    for first_word in range(0, words_needed, step):
        words = min(step, words_needed - first_word)
        chosen = columns[first_word * WORD : (first_word + words) * WORD]
        local = np.arange(len(chosen))
        seeds = np.zeros((n, words), dtype=np.uint64)
        seeds[chosen, local // WORD] = np.left_shift(np.uint64(1), (local % WORD).astype(np.uint64))
        counts += np.bitwise_count(propagate(offsets, targets, seeds, depth)).sum(axis=1, dtype=np.int64)
    return counts


def downstream_counts(graph: impact.ImpactGraph, depth: int, inside: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(systems reached, of which inside) for every node, within ``depth`` hops, the node itself excluded."""
    total = column_counts(graph, depth, np.arange(len(graph.ids)))
    return total - 1, _inside_counts(graph, depth, inside, total)


def _inside_counts(graph, depth: int, inside: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Inside nodes reached from every node (itself excluded), counting the smaller of the scope and the rest:
    a department's few systems, or the few outside a whole province's scope."""
    k = int(inside.sum())
    if k <= len(inside) - k:
        within = column_counts(graph, depth, np.flatnonzero(inside))
    else:
        within = total - column_counts(graph, depth, np.flatnonzero(~inside))
    return within - inside.astype(np.int64)


def item_counts(graph: impact.ImpactGraph, depth: int, pairs: np.ndarray) -> np.ndarray:
    """Distinct service items of each node and everything within ``depth`` hops downstream. ``pairs`` holds
    (system id, item id) rows."""
    n = len(graph.ids)
    result = np.zeros(n, dtype=np.int64)
    node = graph.node
    rows = [(node[s], i) for s, i in pairs.tolist() if s in node]
    if not rows or not n:
        return result
    holders, items = np.asarray(rows, dtype=np.int64).T
    _values, columns = np.unique(items, return_inverse=True)
    offsets, targets = graph.csr[impact.DOWN]
    words_needed = (int(columns.max()) + WORD) // WORD
    step = _block_words(len(targets), words_needed)
    for first_word in range(0, words_needed, step):
        words = min(step, words_needed - first_word)
        lo = first_word * WORD
        chosen = (columns >= lo) & (columns < lo + words * WORD)
        seeds = np.zeros((n, words), dtype=np.uint64)
        local = columns[chosen] - lo
        np.bitwise_or.at(
            seeds, (holders[chosen], local // WORD), np.left_shift(np.uint64(1), (local % WORD).astype(np.uint64))
        )
        result += np.bitwise_count(propagate(offsets, targets, seeds, depth)).sum(axis=1, dtype=np.int64)
    return result


def _delivery_rows():
    through = ServiceItem.systems.through.objects.order_by()
    stamp = tuple(through.aggregate(n=Count("id"), top=Max("id")).values())
    return through, stamp


@dataclass
class _Deliveries:
    """Service items per graph node (CSR over item columns), and every delivering system's own count."""

    pairs: np.ndarray
    offsets: np.ndarray
    columns: np.ndarray
    own: dict[int, int]


def _deliveries(graph: impact.ImpactGraph, through, stamp) -> _Deliveries:
    key = ("deliveries", stamp)
    found = _cached(graph, key)
    if found is not None:
        return found
    pairs = np.asarray(list(through.values_list("system_id", "serviceitem_id")), dtype=np.int64).reshape(-1, 2)
    own: dict[int, int] = {}
    for system_id in pairs[:, 0].tolist():
        own[system_id] = own.get(system_id, 0) + 1  # (system, item) rows are unique
    node = graph.node
    rows = np.asarray([(node[s], i) for s, i in pairs.tolist() if s in node], dtype=np.int64).reshape(-1, 2)
    rows = rows[np.argsort(rows[:, 0], kind="stable")]
    offsets = np.zeros(len(graph.ids) + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows[:, 0], minlength=len(graph.ids)), out=offsets[1:])
    return _store(graph, key, _Deliveries(pairs=pairs, offsets=offsets, columns=rows[:, 1], own=own))


def _cached(graph, key):
    with _lock:
        found = _cache.get(key)
        if found is not None and found[0] is graph:
            _cache.move_to_end(key)
            return found[1]
    return None


def _store(graph, key, value):
    with _lock:
        _cache[key] = (graph, value)
        while len(_cache) > CACHE:
            _cache.popitem(last=False)
    return value


def reach(graph: impact.ImpactGraph, depth: int, inside: np.ndarray, scope_key) -> Reach:
    """The counts for every node. What does not depend on the user (systems and service items reached) is cached
    per graph, depth and state of the deliveries; the scope's part per set of nodes in scope (``inside``, read
    through the gate at each look; ``scope_key`` is no longer used for it), and it costs what the smaller of the
    scope and the rest costs."""
    through, stamp = _delivery_rows()
    deliveries = _deliveries(graph, through, stamp)
    totals = _cached(graph, ("totals", depth, stamp))
    if totals is None:
        totals = column_counts(graph, depth, np.arange(len(graph.ids))), item_counts(graph, depth, deliveries.pairs)
        _store(graph, ("totals", depth, stamp), totals)
    total, items = totals
    # keyed by the nodes in scope themselves (read through the gate at this look), not by the grants' paths, which
    # stay the same when a unit moves
    key = ("within", depth, hashlib.blake2b(np.packbits(inside).tobytes(), digest_size=16).digest())
    within = _cached(graph, key)
    if within is None:
        within = _store(graph, key, _inside_counts(graph, depth, inside, total))
    return Reach(systems=total - 1, inside=within, items=items, own_items=deliveries.own)


def few(graph: impact.ImpactGraph, depth: int, inside: np.ndarray, system_ids) -> dict[int, tuple[int, int, int]]:
    """(systems downstream, of them inside, service items reached) for a few systems, one walk each: what the system
    page shows without counting for the whole graph. Systems without links reach nothing but their own items."""
    through, stamp = _delivery_rows()
    deliveries = _deliveries(graph, through, stamp)
    result = {}
    for pk in system_ids:
        n = graph.node.get(pk)
        if n is None:
            result[pk] = (0, 0, deliveries.own.get(pk, 0))
            continue
        nodes = np.concatenate(impact.walk(graph, [pk], impact.DOWN, depth).levels)
        items = np.unique(impact.neighbours(deliveries.offsets, deliveries.columns, nodes))
        result[pk] = (len(nodes) - 1, int(inside[nodes].sum()) - int(inside[n]), len(items))
    return result


def forget() -> None:
    with _lock:
        _cache.clear()
