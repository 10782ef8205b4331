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
from inventory.selectors.impact import KIND_LABELS, graph_json

DIRECTION_LABELS = {impact.DOWN: lambda: _("Downstream"), impact.UP: lambda: _("Upstream")}


def direction_choices() -> list[tuple[str, str]]:
    return [(impact.DOWN, _("Downstream")), (impact.UP, _("Upstream")), (impact.BOTH, _("Both ways"))]


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
