"""Fusion risk (融合风险): the ranking of the systems in the user's scope by combined exposure, each factor shown as a
reason, and "what if this system is compromised" — the blast radius with the classification of everything it reaches.

Both pages need the MLPS view permission (the menu's); systems are read through ``restrict`` (a system outside the
scope answers 404), and what lies outside the scope is counted, never named.
"""

from collections.abc import Sequence

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from core import audit, figures, gate
from core.choices import AuditAction
from core.io import export_response
from core.params import int_param
from core.views.generic import GateMixin, deny
from inventory import impact
from inventory.models import System
from inventory.selectors.impact import graph_json

from .. import ranking as stored
from ..forms.fusion import FusionFilterForm
from ..fusion import ranked, weights
from ..models import Grading
from ..selectors import compromise as selector
from ..selectors.fusion import facts

PER_PAGE = 50
CLASS_COLORS_HEX = {"core": "#d63939", "important": "#ae3ec9", "general": "#fab005"}
GRAPH_GENERAL_MAX = 60  # above this many general-data resources, the graph leaves them out (they stay counted)


class SecurityAnalysisMixin(GateMixin):
    """Pages over systems that belong to the security module: the MLPS view permission opens them."""

    model = Grading

    def require_view(self):
        self.require("view")
        if not gate.has_perm(self.request.user, System, "view"):
            raise deny(self.request, System)


def ranking(user, systems, today=None, limit: int | None = None) -> "Ranking":
    """The ranked systems of ``systems`` (gated, filtered) — the first ``limit`` only when given — in the order the
    background task last computed (``security.ranking``); the rows a page shows are weighed again from their facts,
    a few at a time."""
    today = today or timezone.localdate()
    if systems.query.is_empty():
        return Ranking(user, systems, today, [])
    computed = stored.state().computed_at  # a new run replaces the order without any audited write
    key = (figures.query_key(systems.order_by()), today, weights()["version"], computed, limit)
    found = figures.cached("security.ranking", key, lambda: stored.order(systems, today, limit))
    return Ranking(user, systems, today, found)


class Ranking(Sequence):
    """The ranking as a list of exposures (``security.fusion.Exposure``), built on demand for the rows asked."""

    CHUNK = 2000

    def __init__(self, user, systems, today, order: list[tuple[int, int]]) -> None:
        self.user, self.systems, self.today, self.order = user, systems, today, order

    def __len__(self) -> int:
        return len(self.order)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._exposures(self.order[index])
        return self._exposures([self.order[index]])[0]

    def __iter__(self):
        for start in range(0, len(self.order), self.CHUNK):
            yield from self._exposures(self.order[start : start + self.CHUNK])

    def _exposures(self, chosen: list[tuple[int, int]]) -> list:
        if not chosen:
            return []
        ids = [pk for _rank, pk in chosen]
        found = {
            e.facts.system_id: e for e in ranked(facts(self.user, self.systems.filter(pk__in=ids), today=self.today))
        }
        rows = []
        for rank, pk in chosen:
            exposure = found.get(pk)
            if exposure is not None:  # gone since the order was made: left out of this page
                exposure.rank = rank
                rows.append(exposure)
        return rows


class FusionView(SecurityAnalysisMixin, View):
    def get(self, request):
        self.require_view()
        user = request.user
        form = FusionFilterForm(request.GET or None, user=user)
        systems = (
            form.apply(System.objects.restrict(user, "view"))
            if form.is_bound
            else System.objects.restrict(user, "view")
        )
        rows = ranking(user, systems)
        status = 400 if form.is_bound and not form.is_valid() else 200  # with the form's message
        fmt = request.GET.get("export")
        if fmt in ("csv", "xlsx") and status == 200:
            return self.export(rows, fmt)
        page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
        params = request.GET.copy()
        params.pop("page", None)
        w = weights()
        context = {
            **self.common_context(),
            "form": form,
            "page": page,
            "total": len(rows),
            "top": rows[0].score if rows else 0,
            "querystring": params.urlencode(),
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
            "version": w["version"],
            "depth": w["blast_radius"]["depth"],
            "ranking_state": stored.state(),
        }
        return render(request, "security/fusion.html", context, status=status)

    def export(self, rows, fmt: str):
        self.require("export")
        audit.append(
            audit.Entry(
                action=AuditAction.EXPORT,
                actor=self.request.user,
                object_type="inventory.system",
                unit_path=getattr(getattr(self.request.user, "unit", None), "path", ""),
                event="fusion.exported",
                changes={"format": fmt, "query": self.request.GET.urlencode(), "rows": len(rows)},
            )
        )
        headers = [_("Rank"), _("System"), _("Code"), _("Department"), _("MLPS level"), _("Score"), _("Reasons")]
        separator = _(", ")  # the list separator of the language ("、" in Chinese)
        body = (
            (
                e.rank,
                e.facts.name,
                e.facts.code,
                e.facts.unit,
                e.facts.level or "",
                e.score,
                separator.join(f"{r.full(separator)} (+{r.points:g})" for r in e.reasons),
            )
            for e in rows
        )
        return export_response(fmt, _("Fusion risk ranking"), headers, body)


class CompromiseView(SecurityAnalysisMixin, View):
    """One URL serves the page, its graph's JSON (``?format=json``) and the export (``?export=csv|xlsx``); the system
    is read through the gate first, so outside the scope all three answer 404."""

    def get(self, request, pk):
        self.require_view()
        system = System.objects.restrict(request.user, "view").select_related("owner_unit").filter(pk=pk).first()
        if system is None:
            raise deny(request, System, object_id=pk, reason="scope")
        depth = impact.clamp_depth(int_param(request, "depth"), weights()["blast_radius"]["depth"])
        fmt = request.GET.get("export")
        if fmt in ("csv", "xlsx"):
            self.require("export")
            everything = impact.EXPORT_LIMIT
            found = selector.compromise(
                user=request.user, system=system, depth=depth, limit=everything, list_limit=everything
            )
            return self.export(system, found, fmt)
        key = (gate.grants_key(request.user), system.pk, depth, get_language())
        found = figures.cached(
            "security.compromise",
            key,
            lambda: selector.compromise(user=request.user, system=system, depth=depth),
        )
        if request.GET.get("format") == "json":
            return JsonResponse(self.graph(found))
        context = {
            **self.common_context(),
            "object": system,
            "found": found,
            "depth": depth,
            "max_depth": impact.MAX_DEPTH,
            "limit": impact.DEFAULT_LIMIT,
            "list_limit": selector.LIST_LIMIT,
            "graph_general_max": GRAPH_GENERAL_MAX,
            "systems": found.result.side(impact.DOWN).systems,
        }
        return render(request, "security/compromise.html", context)

    def graph(self, found) -> dict:
        """The inventory's graph JSON, with each named resource coloured by its classification. When general data
        would bury the core and important resources, the graph leaves it out; the tables and counts keep it."""
        data = graph_json(found.result)
        classes = {f"r{row['pk']}": row for row in found.resources}
        general = set()
        for node in data["nodes"]:
            row = classes.get(node["id"])
            if node["kind"] == "resource" and (row is None or row["data_class"] == "general"):
                general.add(node["id"])
            if row is not None:
                node["color"] = CLASS_COLORS_HEX.get(row["data_class"], "")
                node["note"] = row["class_label"]
        if len(general) > GRAPH_GENERAL_MAX:
            data["nodes"] = [n for n in data["nodes"] if n["id"] not in general]
            data["edges"] = [e for e in data["edges"] if e["target"] not in general and e["source"] not in general]
            data["omitted"] = len(general)
        return data

    def export(self, system, found, fmt: str):
        rows = [
            (_("Information system"), n.depth, n.name, n.code, n.unit, "")
            for n in found.result.side(impact.DOWN).systems
        ]
        rows += [(_("Public service item"), "", s.name, s.code, s.unit.name, "") for s in found.services]
        rows += [
            (_("Data resource"), "", r["name"], r["code"], r["provider__name"], r["class_label"])
            for r in found.resources
        ]
        audit.append(
            audit.Entry(
                action=AuditAction.EXPORT,
                actor=self.request.user,
                object_type="inventory.system",
                object_id=str(system.pk),
                object_repr=str(system),
                unit_path=system.owner_unit.path,
                event="compromise.exported",
                changes={"format": fmt, "query": self.request.GET.urlencode(), "rows": len(rows)},
            )
        )
        headers = [_("Type"), _("Depth"), _("Name"), _("Code"), _("Department"), _("Data classification")]
        return export_response(fmt, _("If {name} is compromised").format(name=system.name), headers, rows)


urlpatterns = [
    path("fusion/", FusionView.as_view(), name="fusion"),
    path("systems/<int:pk>/compromise/", CompromiseView.as_view(), name="compromise"),
]
