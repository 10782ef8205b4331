"""The facts the fusion ranking weighs, for any number of systems in a fixed number of queries.

Every read goes through ``restrict``: the systems (the caller's gated and filtered queryset), their findings, the
resources they hold and their latest crypto assessment. The blast radius is counted on the inventory's cached link
graph for every system at once (``security.selectors.reach``); systems reached outside the user's scope are counted,
never named, as the inventory's impact pages do.
"""

import datetime as dt

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from core import gate
from inventory import choices as ic
from inventory import impact
from inventory.models import DataResource, System

from .. import choices as c
from ..fusion import CLASSES, Facts, weights
from ..models import CryptoAssessment, CryptoItemResult, Finding
from . import reach

# Retired systems no longer run and planned ones do not run yet: neither is an exposure.
RANKED_STATUSES = ~Q(status__in=[ic.SystemStatus.RETIRED, ic.SystemStatus.PLANNED])
# Up to this many systems (a system's page), one walk each; more (a ranking), the whole graph's counts at once.
FEW = 10
NOT_MET = [c.ItemStatus.COMPLIANT, c.ItemStatus.NOT_APPLICABLE]  # what is neither of these does not meet a 应 item


def system_rows(user, systems) -> list[dict]:
    """``systems`` (gated) in service, with their MLPS level and latest visible crypto assessment: one query."""
    latest = (
        CryptoAssessment.objects.restrict(user, "view").filter(system=OuterRef("pk")).order_by("-assessed_on", "-pk")
    )
    return list(
        systems.filter(RANKED_STATUSES)
        .order_by()
        .annotate(
            level=Coalesce("grading__level", "mlps_level"),
            crypto_id=Subquery(latest.values("pk")[:1]),
            crypto_on=Subquery(latest.values("assessed_on")[:1]),
        )
        .values(
            "pk",
            "name",
            "code",
            "status",
            "network",
            "user_scope",
            "data_class",
            "owner_unit_id",
            "owner_unit__name",
            "level",
            "crypto_id",
            "crypto_on",
        )
    )


def finding_counts(user, ids, today: dt.date) -> tuple[dict, dict]:
    """Unverified findings per system and severity, and those past their deadline per system: one query."""
    rows = (
        Finding.objects.restrict(user, "view")
        .filter(system_id__in=impact.id_set(ids))
        .exclude(status=c.FindingStatus.VERIFIED)
        .order_by()
        .values("system_id", "severity")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(deadline__lt=today)))
    )
    open_: dict[int, dict[str, int]] = {}
    overdue: dict[int, int] = {}
    for row in rows:
        open_.setdefault(row["system_id"], {})[row["severity"]] = row["n"]
        overdue[row["system_id"]] = overdue.get(row["system_id"], 0) + row["late"]
    return open_, overdue


def held_counts(user, ids) -> dict[int, dict[str, int]]:
    """Core and important data resources each system holds, among those the user may see: one query."""
    rows = (
        DataResource.objects.restrict(user, "view")
        .filter(system_id__in=impact.id_set(ids), data_class__in=CLASSES)
        .order_by()
        .values("system_id", "data_class")
        .annotate(n=Count("pk"))
    )
    held: dict[int, dict[str, int]] = {}
    for row in rows:
        held.setdefault(row["system_id"], {})[row["data_class"]] = row["n"]
    return held


def crypto_unmet(assessment_ids) -> dict[int, int]:
    """应 (shall) items — as the level asked them at the time — not met, per assessment (GB/T 39786-2021): one query.
    The assessments were chosen through the gate by ``system_rows``."""
    if not assessment_ids:
        return {}
    rows = (
        CryptoItemResult.objects.filter(assessment_id__in=impact.id_set(assessment_ids))
        .filter(requirement=c.Requirement.SHALL)
        .exclude(status__in=NOT_MET)
        .order_by()
        .values("assessment_id")
        .annotate(n=Count("pk"))
    )
    return {row["assessment_id"]: row["n"] for row in rows}


def facts(user, systems, *, today: dt.date) -> list[Facts]:
    """One ``Facts`` per system of ``systems`` (a gated, filtered System queryset) in service."""
    rows = system_rows(user, systems)
    ids = [row["pk"] for row in rows]
    if not ids:
        return []
    open_, overdue = finding_counts(user, ids, today)
    held = held_counts(user, ids)
    unmet = crypto_unmet([row["crypto_id"] for row in rows if row["crypto_id"]])
    graph = impact.get_graph()
    inside = graph.inside(user)
    scope_key = tuple(sorted(gate.unit_paths(user, System, "view")))
    depth = weights()["blast_radius"]["depth"]
    if len(ids) <= FEW:
        walked = reach.few(graph, depth, inside, ids)
    else:
        counts = reach.reach(graph, depth, inside, scope_key)
    result = []
    for row in rows:
        pk = row["pk"]
        n = graph.node.get(pk)
        if len(ids) <= FEW:
            downstream, within, items = walked[pk]
            outside = downstream - within
        elif n is None:  # no links: nothing downstream, its own service items only
            downstream = outside = 0
            items = counts.own_items.get(pk, 0)
        else:
            downstream = int(counts.systems[n])
            outside = downstream - int(counts.inside[n])
            items = int(counts.items[n])
        result.append(
            Facts(
                system_id=pk,
                name=row["name"],
                code=row["code"],
                unit_id=row["owner_unit_id"],
                unit=row["owner_unit__name"],
                status=row["status"],
                network=row["network"],
                user_scope=row["user_scope"],
                data_class=row["data_class"],
                level=row["level"],
                findings=open_.get(pk, {}),
                overdue=overdue.get(pk, 0),
                downstream=downstream,
                downstream_outside=outside,
                service_items=items,
                held=held.get(pk, {}),
                crypto_unmet=unmet.get(row["crypto_id"], 0) if row["crypto_id"] else 0,
                crypto_on=row["crypto_on"],
            )
        )
    return result
