"""The inventory's per-unit rollups (core.rollups): the overview's counts of each unit's own systems and data
resources — statuses, hosting, shares, costs, MLPS levels, the quality checks and the zombie candidates.

Costs are kept in hundredths of 10k yuan (integers add exactly). Zombie criterion (b) compares a system with its
peers of the same government: the set is found by a background task (``inventory.replaceable``), which marks the
units whose systems entered or left it."""

import datetime as dt
from decimal import Decimal

from django.db.models import Q

from core import rollups
from inventory import replaceable
from inventory.models import DataResource, System
from inventory.rules import rules
from inventory.selectors import overview as o
from inventory.zombies import EVALUATED, criteria

SYSTEMS, RESOURCES = "inventory.systems", "inventory.resources"
CENTS = ("build_cost", "om_cost")


def _zombies(flagged: set[int], today: dt.date) -> Q:
    found = Q(pk__in=sorted(flagged))
    for condition in criteria(today, rules().zombie).values():
        found |= condition
    return Q(status__in=EVALUATED) & found


def count_systems(ids: list[int] | None, today: dt.date) -> dict[int, dict]:
    """Each unit's systems counted; zombie criterion (b) from the set the background task last found
    (``inventory.replaceable``)."""
    systems = System.objects.all()
    if ids is not None:
        systems = systems.filter(owner_unit_id__in=ids)
    flagged = replaceable.refresh(mark=False) if ids is None else replaceable.stored()  # a full count: found again
    if ids is not None:
        flagged &= set(systems.filter(pk__in=sorted(flagged)).values_list("pk", flat=True))
    counted = o.grouped(systems, "owner_unit", o.system_counts(today, _zombies(flagged, today)), names=False)
    return {row.pop("owner_unit"): _cents(row) for row in counted}


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
    rollups.register(SYSTEMS, System, count_systems)
    rollups.watch(replaceable.requested)
    rollups.register(RESOURCES, DataResource, count_resources)
