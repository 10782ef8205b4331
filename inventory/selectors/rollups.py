"""The inventory's per-unit rollups (core.rollups): the overview's counts of each unit's own systems and data
resources — statuses, hosting, shares, costs, MLPS levels, the quality checks and the zombie candidates.

Costs are kept in hundredths of 10k yuan (integers add exactly). Zombie criterion (b) compares a system with its
peers of the same government, so a change in one unit can make or unmake a candidate in another: ``widen`` finds the
units whose systems entered or left the set of replaceable systems since the last count."""

import datetime as dt
from decimal import Decimal

from django.db.models import Q

from core import rollups
from core.choices import GOVERNMENT_KINDS
from core.models import Computed, Unit
from core.tree import ancestor_paths
from inventory.models import DataResource, System
from inventory.rules import rules
from inventory.selectors import overview as o
from inventory.zombies import EVALUATED, criteria, replacements

SYSTEMS, RESOURCES = "inventory.systems", "inventory.resources"
REPLACEABLE = "inventory.replaceable"  # the replaceable systems at the last count (Computed.data)
CENTS = ("build_cost", "om_cost")


def _governments_of(ids: list[int]) -> list[int]:
    """Every unit whose nearest government is that of one of ``ids``: the peers criterion (b) compares them with.
    The tree is read whole (a province's 14,000 units, a few milliseconds) rather than walked per unit."""
    units = list(Unit.objects.values_list("pk", "path", "kind"))
    governments = {path for _pk, path, kind in units if kind in GOVERNMENT_KINDS}

    def nearest(path: str) -> str | None:
        return next((p for p in (path, *reversed(ancestor_paths(path))) if p in governments), None)

    paths = {pk: path for pk, path, _kind in units}
    chosen = {nearest(paths[pk]) for pk in ids if pk in paths}
    return [pk for pk, path, _kind in units if nearest(path) in chosen]


def _replaceable() -> set[int]:
    return set(Computed.objects.filter(name=REPLACEABLE).values_list("data", flat=True).first() or [])


def _zombies(flagged: set[int], today: dt.date) -> Q:
    found = Q(pk__in=sorted(flagged))
    for condition in criteria(today, rules().zombie).values():
        found |= condition
    return Q(status__in=EVALUATED) & found


def count_systems(ids: list[int] | None, today: dt.date) -> dict[int, dict]:
    """Each unit's systems counted; criterion (b) from the replaceable systems ``widen_systems`` found just before."""
    systems = System.objects.all()
    if ids is not None:
        systems = systems.filter(owner_unit_id__in=ids)
    flagged = _replaceable()
    if ids is not None:
        flagged &= set(systems.filter(pk__in=sorted(flagged)).values_list("pk", flat=True))
    counted = o.grouped(systems, "owner_unit", o.system_counts(today, _zombies(flagged, today)), names=False)
    return {row.pop("owner_unit"): _cents(row) for row in counted}


def widen_systems(ids: list[int] | None, today: dt.date) -> set[int]:
    """Criterion (b) found again among the peers of the changed units (every system, for a full count), kept for
    ``count_systems``; the units whose systems entered or left the replaceable set are counted again too."""
    if ids is None:
        flagged, peers, before = set(replacements(System.objects.all(), rules())), None, set()
    else:
        systems = System.objects.filter(owner_unit_id__in=_governments_of(ids))
        flagged = set(replacements(systems, rules()))
        peers = set(systems.values_list("pk", flat=True))
        before = _replaceable()
    kept = flagged if peers is None else (before - peers) | flagged
    Computed.objects.update_or_create(name=REPLACEABLE, defaults={"data": sorted(kept)})
    changed = flagged ^ (before & peers) if peers is not None else set()
    if not changed:
        return set()
    return set(System.objects.filter(pk__in=sorted(changed)).values_list("owner_unit_id", flat=True))


def count_resources(ids: list[int] | None, today: dt.date) -> dict[int, dict]:
    resources = DataResource.objects.all()
    if ids is not None:
        resources = resources.filter(provider_id__in=ids)
    counted = o.grouped(resources, "provider", o.resource_counts(today), names=False)
    return {row.pop("provider"): row for row in counted}


def _cents(row: dict) -> dict:
    for key in CENTS:
        row[key] = int((row[key] or 0) * 100)
    return row


def money(value) -> Decimal:
    return Decimal(value or 0) / 100


def register() -> None:
    rollups.register(SYSTEMS, System, count_systems, widen_systems)
    rollups.register(RESOURCES, DataResource, count_resources)
