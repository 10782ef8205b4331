"""The fusion ranking of every system, computed by a background task into a table (``RankedSystem``).

Weighing a province's 96,000 systems (their findings, held data, crypto items and blast radius over the whole link
graph) takes seconds, too long for a look and too costly to keep exact on every write. So every audited write asks
for a run (``requested``: the time is noted in the write's transaction, the task enqueued once after it commits), the
task weighs everything and replaces the table, and the page shows the order as of the time it was computed, says so,
and says when a newer run is pending. The rows of a page are weighed again when shown, so their scores and reasons
are those of the moment. Nothing is named outside the user's scope: the table is read through the gate.

The score of a system does not depend on who looks (what lies outside a scope is counted, never weighed apart), so
one ranking serves every user; each sees the systems of their scope in its order, numbered among themselves.
"""

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from core import tasks
from core.models import Computed, Unit
from inventory import impact
from inventory.models import System

from .fusion import ranked
from .models import RankedSystem
from .selectors.fusion import RANKED_STATUSES, facts

NAME = "security.ranking"


@dataclass(frozen=True)
class State:
    computed_at: dt.datetime | None
    day: dt.date | None
    pending: bool


def state() -> State:
    found = Computed.objects.filter(name=NAME).first()
    if found is None:
        return State(None, None, True)
    day = dt.date.fromisoformat(found.data["day"]) if found.data else None
    pending = found.computed_at is None or (found.requested_at is not None and found.requested_at > found.computed_at)
    return State(found.computed_at, day, pending)


def everything():
    """Who the task weighs for: view on every unit's subtree, for every model (counts only; nothing is shown)."""
    roots = [(path, True) for path in Unit.objects.filter(parent__isnull=True).values_list("path", flat=True)]
    grants = {model._meta.label_lower: {"view": roots} for model in apps.get_models()}
    return SimpleNamespace(is_authenticated=True, is_active=True, pk=None, _gate_grants=grants)


def compute(today: dt.date | None = None) -> int:
    """Weigh every system in service and replace the table; returns how many were ranked."""
    today = today or timezone.localdate()
    started = timezone.now()
    try:
        order = ranked(facts(everything(), System.objects.all(), today=today))
    except impact.GraphPending:  # run before the impact graph's first build: build it here, off the request path
        impact.build_graph()
        order = ranked(facts(everything(), System.objects.all(), today=today))
    rows = [RankedSystem(system_id=e.facts.system_id, position=i, score=e.score) for i, e in enumerate(order)]
    with transaction.atomic():
        RankedSystem.objects.all().delete()
        RankedSystem.objects.bulk_create(rows, batch_size=5000)
        Computed.objects.update_or_create(name=NAME, defaults={"computed_at": started, "data": {"day": str(today)}})
    return len(rows)


@task()
def recompute() -> int:
    return compute()


def requested(entries=None) -> None:
    """Ask for a run: noted in the caller's transaction, enqueued once after it commits (``core.tasks``)."""
    now = timezone.now()
    if not Computed.objects.filter(name=NAME).update(requested_at=now):
        Computed.objects.get_or_create(name=NAME, defaults={"requested_at": now})
    tasks.enqueue_once(recompute)


def order(systems, today: dt.date, limit: int | None = None) -> list[tuple[int, int]]:
    """(rank, system id) of ``systems`` (gated, filtered) in the stored order — the first ``limit`` only when given —
    ranks 1-based among them and shared by equal scores. Never computed yet (a new installation): computed now.
    Computed on an earlier day (overdue findings count by the date): a run is asked for and the stored order is
    used meanwhile."""
    found = state()
    if found.computed_at is None:
        compute(today)
    elif found.day != today and not found.pending:
        requested()
    rows = (
        RankedSystem.objects.filter(system__in=systems.filter(RANKED_STATUSES).order_by().values("pk"))
        .order_by("position")
        .values_list("score", "system_id")
    )
    if limit is not None:
        rows = rows[:limit]
    result, previous, rank = [], None, 0
    for position, (score, pk) in enumerate(rows, start=1):
        if score != previous:
            rank, previous = position, score
        result.append((rank, pk))
    return result
