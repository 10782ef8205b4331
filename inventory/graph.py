"""The impact graph: one per installation, built by a task, read memory-mapped by every process (decision 0013).

What is stored. Nodes are the systems that have links, numbered in the order of their ids (``ids`` is sorted, so a
system's node is one binary search). For each direction a CSR adjacency: ``down`` (data flows from the node to
these: they are downstream), ``up`` (the nodes that send to it) and, position for position with ``up``, the link
that delivers (``up_link``). A two-way link counts both ways. ``owner`` holds each node's owning unit id: the scope
of a look is applied by asking the database which units the gate's path ranges cover (``inside``), so a moved unit
counts where it now is at once, with no copy of the gate or of the unit paths in the graph.

How it is built and found. ``build()`` reads the links (with both ends' owning units) in one query, writes the
arrays as ``.npy`` files into a new directory under ``DATA_DIR/impact/``, renames it into place, and only then records
the version (``ImpactGraphVersion``) in the database. ``current()`` asks the database for the newest version (one
index lookup) at every look and maps that version's files read-only when it is not the one this process holds; the
pages never build (``GraphPending`` when nothing is built yet). The write services ask for a build after every change
of links or of systems (``changed``, through ``inventory.tasks``); ``govcio graph build`` builds by hand.
"""

import os
import shutil
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import gate
from core.models import Unit

from . import choices as c
from .models import ImpactGraphVersion, Link, System

DOWN, UP = "down", "up"
ARRAYS = ("ids", "owner", "down_offsets", "down", "up_offsets", "up", "up_link")
KEEP = 3  # versions kept on disk: a process may still be reading the one before the newest


class GraphPending(Exception):
    """No impact graph has been built yet; a build has been asked for."""


def root() -> Path:
    return Path(settings.DATA_DIR) / "impact"


@dataclass(eq=False)
class ImpactGraph:
    """One version of the graph, its arrays mapped read-only from the data directory."""

    version: str
    ids: np.ndarray  # int64, sorted: node → system id
    owner: np.ndarray  # int64: node → owning unit id
    csr: dict  # direction → (offsets int64, neighbours int32)
    up_links: np.ndarray  # int64, aligned with csr[UP][1]: the link delivering each upstream neighbour
    walks: OrderedDict = field(default_factory=OrderedDict)  # the last few large walks on this version
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def id_array(self) -> np.ndarray:
        return self.ids

    @cached_property
    def node(self) -> dict[int, int]:
        """system id → node, for callers that look up many ids one by one (built once per version and process)."""
        return dict(zip(self.ids.tolist(), range(len(self.ids)), strict=True))

    def node_of(self, pk: int) -> int | None:
        i = int(np.searchsorted(self.ids, pk))
        return i if i < len(self.ids) and self.ids[i] == pk else None

    def row(self, direction: str, n: int) -> np.ndarray:
        offsets, neighbours = self.csr[direction]
        return neighbours[offsets[n] : offsets[n + 1]]

    def row_links(self, n: int) -> np.ndarray:
        offsets, _senders = self.csr[UP]
        return self.up_links[offsets[n] : offsets[n + 1]]

    def inside(self, user) -> np.ndarray:
        """A boolean mask of the nodes the user may view (System view grants): the units under the gate's own path
        ranges, read from the database at each look (cached for the request on the user object)."""
        key = (self.version, gate.grants_key(user))
        cached = getattr(user, "_impact_inside", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        where = gate.scope_q(user, System, "view", path_field="path")
        if where is None:
            mask = np.zeros(len(self.ids), dtype=bool)
        else:
            units = np.fromiter(Unit.objects.order_by().filter(where).values_list("id", flat=True), dtype=np.int64)
            mask = np.isin(self.owner, units)
        if user is not None:
            user._impact_inside = (key, mask)
        return mask


# Building --------------------------------------------------------------------------------------------------------
def _csr(sources: np.ndarray, targets: np.ndarray, n: int, extra: np.ndarray | None = None):
    order = np.argsort(sources, kind="stable")
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(sources, minlength=n), out=offsets[1:])
    picked = targets[order].astype(np.int32)
    return offsets, picked, (extra[order] if extra is not None else None)


def arrays() -> dict[str, np.ndarray]:
    """The graph's arrays from the database, in one query."""
    rows = Link.objects.order_by().values_list(
        "id", "from_system_id", "to_system_id", "direction", "from_system__owner_unit_id", "to_system__owner_unit_id"
    )
    data = list(rows.iterator(chunk_size=20_000))
    table = np.asarray([r[:3] + r[4:] for r in data], dtype=np.int64).reshape(-1, 5)
    both = np.fromiter((r[3] == c.LinkDirection.TWO_WAY for r in data), dtype=bool, count=len(data))
    return compose(table[:, 0], table[:, 1], table[:, 2], both, table[:, 3:].T.ravel())


def compose(link, source_id, target_id, both, owners=None) -> dict[str, np.ndarray]:
    """The arrays of links given as columns: their ids, ends, whether two-way, and the owning units of the sources
    then of the targets (``owners``, 0 when not given)."""
    count = len(link)
    ids, inverse = np.unique(np.concatenate([source_id, target_id]).astype(np.int64), return_inverse=True)
    owner = np.zeros(len(ids), dtype=np.int64)
    if owners is not None:
        owner[inverse] = owners
    source, target = inverse[:count], inverse[count:]
    senders = np.concatenate([source, target[both]])
    receivers = np.concatenate([target, source[both]])
    carrying = np.concatenate([link, link[both]]).astype(np.int64)
    down_offsets, down, _ = _csr(senders, receivers, len(ids))
    up_offsets, up, up_link = _csr(receivers, senders, len(ids), carrying)
    return {
        "ids": ids,
        "owner": owner,
        "down_offsets": down_offsets,
        "down": down,
        "up_offsets": up_offsets,
        "up": up,
        "up_link": up_link,
    }


def _write(found: dict[str, np.ndarray]) -> str:
    """The arrays into a new directory, renamed into place whole: a reader sees all of a version or none."""
    base = root()
    base.mkdir(parents=True, exist_ok=True)
    name = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:12]}"
    staging = base / f".{name}.tmp"
    staging.mkdir()
    for key in ARRAYS:
        with open(staging / f"{key}.npy", "wb") as out:
            np.save(out, found[key])
            out.flush()
            os.fsync(out.fileno())
    os.rename(staging, base / name)
    return name


def build() -> ImpactGraphVersion | None:
    """Build the graph from the database and make it the current version. None when a build that began later has
    already recorded its version (this one read older data)."""
    begun = time.monotonic()
    started = timezone.now()
    found = arrays()  # one query: one consistent state of the links and their ends' units
    name = _write(found)
    with transaction.atomic():
        if ImpactGraphVersion.objects.filter(started_at__gt=started).exists():
            shutil.rmtree(root() / name, ignore_errors=True)
            return None
        version = ImpactGraphVersion.objects.create(
            name=name,
            started_at=started,
            nodes=len(found["ids"]),
            edges=len(found["down"]),
            seconds=round(time.monotonic() - begun, 3),
        )
    prune()
    return version


def prune() -> None:
    """Remove the versions older than the newest ``KEEP``, rows and directories (a process still reading one keeps
    its mapping: the files go, the memory stays valid until it maps the next)."""
    keep = set(ImpactGraphVersion.objects.values_list("name", flat=True)[:KEEP])
    ImpactGraphVersion.objects.exclude(name__in=keep).delete()
    base = root()
    if not base.is_dir():
        return
    for entry in base.iterdir():
        if entry.name not in keep and entry.is_dir() and not entry.name.startswith("."):
            shutil.rmtree(entry, ignore_errors=True)
    for stale in base.glob(".*.tmp"):
        if time.time() - stale.stat().st_mtime > 3600:  # a build that died while writing
            shutil.rmtree(stale, ignore_errors=True)


# Reading ---------------------------------------------------------------------------------------------------------
_loaded: ImpactGraph | None = None
_lock = threading.Lock()


def load(name: str) -> ImpactGraph:
    folder = root() / name
    # plain arrays over the mapped memory: numpy.memmap would wrap every result of every operation
    return of_arrays(name, {key: np.load(folder / f"{key}.npy", mmap_mode="r").view(np.ndarray) for key in ARRAYS})


def from_links(link, source_id, target_id, both) -> ImpactGraph:
    """A graph held in memory only, of links given as columns (tests, benchmarks of the walk)."""
    return of_arrays("memory", compose(link, source_id, target_id, both))


def of_arrays(name: str, found: dict[str, np.ndarray]) -> ImpactGraph:
    return ImpactGraph(
        version=name,
        ids=found["ids"],
        owner=found["owner"],
        csr={DOWN: (found["down_offsets"], found["down"]), UP: (found["up_offsets"], found["up"])},
        up_links=found["up_link"],
    )


def current_version() -> str | None:
    return ImpactGraphVersion.objects.values_list("name", flat=True).first()


def current() -> ImpactGraph:
    """The current graph: the newest version recorded in the database, mapped once per process. ``GraphPending``
    (and a build asked for) when none is built or its files are missing."""
    global _loaded
    name = current_version()
    graph = _loaded
    if graph is not None and graph.version == name:
        return graph
    if name is None:
        changed()
        raise GraphPending
    with _lock:
        if _loaded is None or _loaded.version != name:
            try:
                _loaded = load(name)
            except FileNotFoundError:  # recorded by another machine, or its files were removed: build here
                changed()
                raise GraphPending from None
        return _loaded


def forget() -> None:
    """Drop this process's mapping (tests)."""
    global _loaded
    _loaded = None


READS = {"inventory.system": ("owner_unit",), "inventory.link": ("from_system", "to_system", "direction")}


def audited(entries) -> None:
    """Watcher of every audited batch of writes (``core.rollups.watch``, in the write's transaction): a system or a
    link created, imported or deleted, a system given to another unit, a link pointed elsewhere — the graph's nodes,
    their units or its edges — asks for a build after the commit."""
    for entry in entries:
        fields = READS.get(entry.object_type)
        if fields is None:
            continue
        if str(entry.action) not in {"update", "event"} or any(name in (entry.changes or {}) for name in fields):
            changed()
            return


def changed() -> None:
    """Ask for a build once the current transaction commits: one request per transaction however many records it
    changes (a bulk delete: every record in a savepoint of its own inside it), and no second run while one waits
    (``core.tasks.waiting``). A request still pending counts when it was made inside this transaction's outermost
    savepoint (a request made before it — a test's data, set up in a transaction that never commits — does not):
    any later rollback that would drop that request drops this one too."""
    connection = transaction.get_connection()
    outermost = set(connection.savepoint_ids[:1])
    if not any(func is _enqueue and outermost <= sids for sids, func, *_rest in connection.run_on_commit):
        transaction.on_commit(_enqueue)


def _enqueue() -> None:
    from core.tasks import enqueue_once

    from .tasks import build_impact_graph

    enqueue_once(build_impact_graph)  # after the commit: at once, unless a build already waits
