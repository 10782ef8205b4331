"""Blast radius pages (影响分析): a system's or a data resource's downstream and upstream as a graph, a table and the
affected service items and resources.

One URL serves the page, the graph's JSON (``?format=json``, which the page fetches) and the table's export
(``?export=csv|xlsx``). The start is read through the gate first, so outside scope is 404 on all three.
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View

from core import audit, gate
from core.choices import AuditAction
from core.io import export_response
from core.params import choice_param, int_param
from core.views.generic import GateMixin
from inventory import impact
from inventory.models import DataResource, System

KIND_LABELS = {
    impact.SYSTEM: lambda: _("Information system"),
    impact.SERVICE: lambda: _("Public service item"),
    impact.RESOURCE: lambda: _("Data resource"),
}
DIRECTION_LABELS = {impact.DOWN: lambda: _("Downstream"), impact.UP: lambda: _("Upstream")}


def direction_choices() -> list[tuple[str, str]]:
    return [(impact.DOWN, _("Downstream")), (impact.UP, _("Upstream")), (impact.BOTH, _("Both ways"))]


def graph_json(result: impact.Impact) -> dict:
    """Nodes and edges for ECharts: one node per key (a system both up- and downstream is drawn once, downstream),
    plus a placeholder per direction for what is not named."""
    nodes, seen = [], set()
    for node in [result.start, *result.rows()]:
        if node.key in seen:
            continue
        seen.add(node.key)
        nodes.append(
            {
                "id": node.key,
                "name": node.name,
                "kind": node.kind,
                "depth": node.depth,
                "direction": node.direction,
                "unit": node.unit,
                "url": node.url,
                "start": node is result.start,
            }
        )
    edges = [{"source": a, "target": b} for a, b in result.edges()]
    for side in result.sides:
        key = f"x-{side.direction}"
        if any(key in (e["source"], e["target"]) for e in edges):
            label = _("Not shown: {outside} outside your scope, {cut} beyond the list").format(
                outside=side.outside, cut=side.cut
            )
            nodes.append({"id": key, "name": label, "kind": "outside", "depth": 1, "direction": side.direction})
    return {
        "start": result.start.key,
        "depth": result.depth,
        "direction": result.direction,
        "nodes": nodes,
        "edges": edges,
        "labels": {
            **{kind: label() for kind, label in KIND_LABELS.items()},
            "outside": _("Not shown"),
            "depth": _("Depth"),
        },
    }


class ImpactView(GateMixin, View):
    """Subclasses set ``model`` and ``compute(obj, depth, direction, limit)``."""

    template_name = "inventory/impact.html"

    def compute(self, obj, depth: int, direction: str, limit: int) -> impact.Impact:
        raise NotImplementedError

    def get(self, request, pk):
        self.require("view")
        obj = self.get_object("view")
        depth = impact.clamp_depth(int_param(request, "depth"))
        direction = choice_param(request, "direction", impact.DIRECTIONS, default=impact.DOWN)
        fmt = request.GET.get("export")
        if fmt in ("csv", "xlsx"):
            return self.export(obj, depth, direction, fmt)
        result = self.compute(obj, depth, direction, impact.DEFAULT_LIMIT)
        if request.GET.get("format") == "json":
            return JsonResponse(graph_json(result))
        context = {
            **self.common_context(),
            "object": obj,
            "result": result,
            "depth": depth,
            "max_depth": impact.MAX_DEPTH,
            "direction": direction,
            "directions": direction_choices(),
            "limit": impact.DEFAULT_LIMIT,
            "rows": [(n, KIND_LABELS[n.kind](), DIRECTION_LABELS[n.direction]()) for n in result.rows()],
            "list_url": self.url("list"),
        }
        return render(request, self.template_name, context)

    def export(self, obj, depth: int, direction: str, fmt: str):
        self.require("export")
        result = self.compute(obj, depth, direction, impact.EXPORT_LIMIT)
        rows = [
            (DIRECTION_LABELS[n.direction](), n.depth, KIND_LABELS[n.kind](), n.name, n.code, n.unit, n.via)
            for n in result.rows()
        ]
        model = self.get_model()
        audit.append(
            audit.Entry(
                action=AuditAction.EXPORT,
                actor=self.request.user,
                object_type=model._meta.label_lower,
                object_id=str(obj.pk),
                object_repr=str(obj),
                unit_path=gate.object_path(obj),
                event="impact.exported",
                changes={"format": fmt, "query": self.request.GET.urlencode(), "rows": len(rows)},
            )
        )
        headers = [_("Direction"), _("Depth"), _("Type"), _("Name"), _("Code"), _("Department"), _("Reached via")]
        name = _("Impact of {name}").format(name=obj.name)
        return export_response(fmt, name, headers, rows)


class SystemImpactView(ImpactView):
    model = System
    queryset = System.objects.select_related("owner_unit")

    def compute(self, obj, depth, direction, limit):
        return impact.system_impact(user=self.request.user, system=obj, depth=depth, direction=direction, limit=limit)


class DataResourceImpactView(ImpactView):
    model = DataResource
    queryset = DataResource.objects.select_related("provider")

    def compute(self, obj, depth, direction, limit):
        return impact.resource_impact(
            user=self.request.user, resource=obj, depth=depth, direction=direction, limit=limit
        )


urlpatterns = [
    path("systems/<int:pk>/impact/", SystemImpactView.as_view(), name="system_impact"),
    path("data-resources/<int:pk>/impact/", DataResourceImpactView.as_view(), name="dataresource_impact"),
]
