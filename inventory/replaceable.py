"""Zombie criterion (b) for the whole installation — which running or suspended systems a peer of the same
government could replace — computed by a background task and kept (``core.models.Computed``), as the fusion ranking
is (docs/decisions/0012-derived-figures.md).

Comparing the names and purposes of a province's 96,000 systems takes seconds, and a change to one system can make
or unmake a candidate in another unit of its government, so it is neither a sum nor cheap enough for a look. Every
audited write asks for a run (enqueued once after its commit); the run finds the set again, and marks the units of
the systems that entered or left it, so the overview's rollups count them again at the next look (core.rollups). The
overview says when the set was compared, and whether a newer run is pending."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from core import figures, tasks
from core.models import Computed, RollupMark
from inventory.models import System
from inventory.rules import rules
from inventory.zombies import replacements

NAME = "inventory.replaceable"


@dataclass(frozen=True)
class State:
    computed_at: dt.datetime | None
    pending: bool


def state() -> State:
    found = Computed.objects.filter(name=NAME).first()
    if found is None or found.computed_at is None:
        return State(None, True)
    return State(found.computed_at, found.requested_at is not None and found.requested_at > found.computed_at)


def stored() -> set[int]:
    """The replaceable systems of the last run; found now when there was none (a new installation)."""
    data = Computed.objects.filter(name=NAME, computed_at__isnull=False).values_list("data", flat=True).first()
    if data is None:
        return refresh(mark=False)
    return set(data)


def refresh(*, mark: bool = True) -> set[int]:
    """Compare every system with its peers and keep the result; with ``mark``, mark the units whose systems entered
    or left the set (their rollups are counted again at the next look)."""
    started = timezone.now()
    flagged = set(replacements(System.objects.all(), rules()))
    with transaction.atomic():
        before = set(Computed.objects.filter(name=NAME).values_list("data", flat=True).first() or [])
        Computed.objects.update_or_create(name=NAME, defaults={"computed_at": started, "data": sorted(flagged)})
        changed = flagged ^ before
        if mark and changed:
            paths = set(System.objects.filter(pk__in=sorted(changed)).values_list("owner_unit__path", flat=True))
            RollupMark.objects.bulk_create([RollupMark(unit_path=path) for path in sorted(paths)], batch_size=1000)
        if mark:
            figures.note_write()  # what the pages show of it (the time, the counts) changed
    return flagged


@task()
def recompute() -> int:
    return len(refresh())


def requested(entries=None) -> None:
    """Ask for a run: noted in the caller's transaction, enqueued once after it commits (``core.tasks``)."""
    if Computed.objects.filter(name=NAME).update(requested_at=timezone.now()):
        tasks.enqueue_once(recompute)
