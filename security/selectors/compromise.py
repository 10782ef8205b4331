"""What if this system is compromised: the inventory's blast radius (downstream, to a depth) combined with the
classification (Data Security Law art. 21) of every data resource it reaches — those held by the system and by every
reached system, and those carried by the links the walk followed into them (inventory/impact.py semantics).

Counts are exact and include what lies outside the user's scope; names are given only for what the user may see
(systems through the inventory's ``system_impact``, resources and service items through ``restrict``), as the
inventory's impact pages do.
"""

from dataclasses import dataclass, field

import numpy as np
from django.db.models import Case, Count, IntegerField, Q, Value, When

from inventory import choices as ic
from inventory import impact
from inventory.models import DataResource, Link, ServiceItem, System

LIST_LIMIT = 500  # resources and service items named on the page (the counts are always complete)
CLASS_ORDER = Case(
    When(data_class=ic.DataClass.CORE, then=Value(0)),
    When(data_class=ic.DataClass.IMPORTANT, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


@dataclass
class ClassCount:
    code: str
    label: str
    total: int
    inside: int

    @property
    def outside(self) -> int:
        return self.total - self.inside


@dataclass
class Compromise:
    result: impact.Impact  # the named part, for the graph and the systems table
    systems_total: int  # downstream systems reached, the start excluded, in scope or not
    systems_outside: int
    classes: list[ClassCount]
    services_total: int
    services_inside: int
    services: list = field(default_factory=list)  # ServiceItem, in scope
    resources: list[dict] = field(default_factory=list)  # in scope, core first

    @property
    def resources_total(self) -> int:
        return sum(c.total for c in self.classes)

    def count(self, code: str) -> ClassCount:
        return next(c for c in self.classes if c.code == code)


def traversed_links(graph: impact.ImpactGraph, walk: impact.Walk, nodes: np.ndarray, depth: int) -> list[int]:
    """Links into the reached ``nodes`` from a system the walk expanded (reached before the depth limit)."""
    if not len(nodes):
        return []
    offsets, senders = graph.csr[impact.UP]
    starts = offsets[nodes]
    sizes = offsets[nodes + 1] - starts
    total = int(sizes.sum())
    if not total:
        return []
    positions = np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(total, dtype=np.int64)
    level = walk.level_of[senders[positions]]
    followed = (level >= 0) & (level + walk.base < depth)
    return np.unique(graph.up_links[positions[followed]]).tolist()


def class_counts(queryset) -> dict[str, int]:
    return dict(queryset.order_by().values_list("data_class").annotate(n=Count("pk")).values_list("data_class", "n"))


def compromise(
    *, user, system: System, depth: int, limit: int = impact.DEFAULT_LIMIT, list_limit: int = LIST_LIMIT
) -> Compromise:
    """The caller has read ``system`` through the gate. ``limit`` systems and ``list_limit`` resources and service
    items are named (an export asks for all); every count is complete."""
    depth = impact.clamp_depth(depth)
    result = impact.system_impact(user=user, system=system, depth=depth, direction=impact.DOWN, limit=limit)
    graph = impact.get_graph()
    walk = impact.walk(graph, [system.pk], impact.DOWN, depth)
    nodes = np.concatenate(walk.levels) if walk.levels else np.zeros(0, dtype=np.int32)
    ids = sorted(set(graph.id_array[nodes].tolist()) | {system.pk})
    links = traversed_links(graph, walk, nodes, depth)

    reachable = Q(system_id__in=impact.id_set(ids))
    if links:
        carried = Link.resources.through.objects.filter(link_id__in=impact.id_set(links)).values("dataresource_id")
        reachable |= Q(pk__in=carried)
    visible = DataResource.objects.restrict(user, "view").filter(reachable)
    totals = class_counts(DataResource.objects.filter(reachable))
    inside = class_counts(visible)
    classes = [
        ClassCount(code, str(label), totals.get(code, 0), inside.get(code, 0)) for code, label in ic.DataClass.choices
    ]

    delivered = ServiceItem.systems.through.objects.filter(system_id__in=impact.id_set(ids)).values("serviceitem_id")
    items = ServiceItem.objects.restrict(user, "view").filter(pk__in=delivered)
    side = result.side(impact.DOWN)
    found = Compromise(
        result=result,
        systems_total=side.total,
        systems_outside=side.outside,
        classes=classes,
        services_total=ServiceItem.objects.filter(pk__in=delivered).count(),
        services_inside=items.count(),
        services=list(items.select_related("unit").order_by("code")[:list_limit]),
    )
    rows = list(
        visible.annotate(order=CLASS_ORDER)
        .order_by("order", "code")
        .values("pk", "name", "code", "data_class", "provider__name", "system_id")[:list_limit]
    )
    held_by = set(ids)
    shown = {r["system_id"] for r in rows if r["system_id"]}
    names = dict(System.objects.restrict(user, "view").filter(pk__in=shown).values_list("pk", "name"))
    labels = dict(ic.DataClass.choices)
    for row in rows:
        row["class_label"] = str(labels.get(row["data_class"], row["data_class"]))
        row["holder"] = names.get(row["system_id"], "")  # empty when held outside the user's scope: not named
        row["carried"] = row["system_id"] not in held_by
        found.resources.append(row)
    return found
