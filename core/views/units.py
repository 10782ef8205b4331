from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from core import figures, gate, panels
from core.filtersets import UnitFilterSet
from core.forms import UnitForm, UnitMoveForm
from core.io import CellError
from core.models import RoleAssignment, Unit
from core.params import int_param
from core.schemas import unit_schema
from core.services.units import unit_create, unit_move, unit_update
from core.tables import UnitTable
from core.tree import STEPLEN, segment, segment_number, subtree_q
from core.views.generic import (
    BulkDeleteView,
    BulkEditView,
    GateMixin,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    ObjectView,
)
from core.views.imports import BulkImportView


class UnitListView(ObjectListView):
    queryset = Unit.objects.select_related("parent", "line_parent")
    table = UnitTable
    filterset = UnitFilterSet


class UnitView(ObjectView):
    queryset = Unit.objects.select_related("parent", "line_parent")
    template_name = "core/unit.html"

    def extra_context(self, obj):
        user = self.request.user
        children = (
            Unit.objects.restrict(user, "view")
            .filter(parent=obj)
            .annotate(child_count=Count("children"))
            .order_by("path")
        )
        User = get_user_model()
        people = User.objects.restrict(user, "view").filter(unit=obj).order_by("username")[:50]
        subtree = Unit.objects.restrict(user, "view").filter(subtree_q("path", obj.path))
        counts = {
            "children": children.count(),
            "subtree_units": subtree.count() - 1,
            "people": figures.subtree_count(user, User, User.scope_path, obj.path),
        }
        ancestors = (
            Unit.objects.restrict(user, "view")
            .filter(path__in=[obj.path[:i] for i in range(STEPLEN, len(obj.path), STEPLEN)])
            .order_by("path")
        )
        assignments = RoleAssignment.objects.restrict(user, "view").filter(unit=obj).select_related("user", "role")
        return {
            "children": children,
            "people": people,
            "counts": counts,
            "ancestors": ancestors,
            "assignments": assignments,
            "can_move": gate.can(user, "change", obj),
            "panels": panels.unit_panels(self.request, obj),
        }


class UnitEditView(ObjectEditView):
    model = Unit
    form = UnitForm

    def new_object(self):
        unit = Unit()
        parent_id = int_param(self.request, "parent")
        if parent_id is not None:
            unit.parent = Unit.objects.restrict(self.request.user, "view").filter(pk=parent_id).first()
        return unit

    def get_form(self, obj, data=None):
        form = super().get_form(obj, data)
        if obj.pk is None and obj.parent_id and data is None:
            form.initial["parent"] = obj.parent_id
        return form

    def save(self, form, before):
        actor = self.request.user
        if before is None:
            data = {k: form.cleaned_data.get(k) for k in ("short_name", "credit_code", "line_parent")}
            return unit_create(
                actor=actor,
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["name"],
                code=form.cleaned_data["code"],
                parent=form.cleaned_data.get("parent"),
                **{k: v for k, v in data.items() if v is not None},
            )
        return unit_update(
            actor=actor, unit=form.save(commit=False), before=before, expected_version=form.cleaned_data.get("version")
        )


class UnitDeleteView(ObjectDeleteView):
    model = Unit


class UnitBulkDeleteView(BulkDeleteView):
    model = Unit


class UnitBulkEditView(BulkEditView):
    model = Unit
    form = UnitForm
    bulk_fields = ["line_parent", "short_name"]


class UnitMoveView(GateMixin, View):
    model = Unit

    def get(self, request, pk):
        self.require("change")
        unit = self.get_object("change")
        return render(
            request,
            "core/unit_move.html",
            {**self.common_context(), "object": unit, "form": UnitMoveForm(user=request.user)},
        )

    def post(self, request, pk):
        self.require("change")
        unit = self.get_object("change")
        form = UnitMoveForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                unit = unit_move(actor=request.user, unit=unit, new_parent=form.cleaned_data["parent"])
            except ValidationError as exc:
                from core.views.generic import apply_errors

                apply_errors(form, exc)
            else:
                messages.success(request, _("Moved “{name}” and its subordinate units.").format(name=unit))
                return HttpResponseRedirect(unit.get_absolute_url())
        return render(
            request, "core/unit_move.html", {**self.common_context(), "object": unit, "form": form}, status=400
        )


class UnitImportView(BulkImportView):
    model = Unit
    schema = unit_schema

    def validate(self, fileobj, name):
        result, error = super().validate(fileobj, name)
        if result is not None and result.ok:
            self.resolve_parents(result)
        return result, error

    def resolve_parents(self, result):
        """A parent is an existing unit the user may add under, or a unit that an earlier row creates."""
        user = self.request.user
        codes = {row["parent_code"] for row in result.rows}
        existing = dict(Unit.objects.restrict(user, "import").filter(code__in=codes).values_list("code", "path"))
        kinds = dict(Unit.objects.restrict(user, "import").filter(code__in=codes).values_list("code", "kind"))
        header = str(unit_schema.column("parent_code").header)
        seen: dict[str, str] = {}
        for number, row in zip(result.row_numbers, result.rows, strict=True):
            parent = row["parent_code"]
            if parent not in existing and parent not in seen:
                result.errors.append(
                    CellError(
                        number, header, _("No unit with this code that you manage, and no earlier row creates it.")
                    )
                )
            else:
                from core.choices import ALLOWED_PARENTS

                parent_kind = kinds.get(parent) or seen.get(parent)
                if parent_kind not in ALLOWED_PARENTS[row["kind"]]:
                    result.errors.append(
                        CellError(number, header, _("This kind of unit cannot sit under that parent."))
                    )
            seen[row["code"]] = row["kind"]

    @transaction.atomic
    def commit(self, rows):
        """Insert generation by generation, so a parent created by this file exists before its children."""
        from core.imports import import_rows
        from core.services.units import next_child_path

        user = self.request.user
        codes = {row["parent_code"] for row in rows}
        parents = {u.code: u for u in Unit.objects.restrict(user, "import").filter(code__in=codes)}
        generation: dict[str, int] = {}
        for row in rows:
            parent = row["parent_code"]
            generation[row["code"]] = 0 if parent in parents else generation[parent] + 1
        created = []
        for level in sorted(set(generation.values())):
            batch = [row for row in rows if generation[row["code"]] == level]
            next_number: dict[str, int] = {}
            for row in batch:
                parent = parents[row["parent_code"]]
                if parent.code not in next_number:
                    next_number[parent.code] = segment_number(next_child_path(parent)[-STEPLEN:])
                row["path"] = parent.path + segment(next_number[parent.code])
                row["depth"] = len(row["path"]) // STEPLEN
                row["parent"] = parent
                next_number[parent.code] += 1
            objects = import_rows(
                model=Unit, rows=[{k: v for k, v in r.items() if k != "parent_code"} for r in batch], actor=user
            )
            parents.update({obj.code: obj for obj in objects})
            created.extend(objects)
        return created


class UnitTreeView(GateMixin, View):
    """The tree browser. Roots are the topmost units the user can see; children load on demand (htmx)."""

    model = Unit

    def get(self, request, pk=None):
        self.require("view")
        visible = Unit.objects.restrict(request.user, "view").annotate(child_count=Count("children"))
        if pk is not None:
            parent = self.get_object("view")
            nodes = visible.filter(parent=parent).order_by("path")
            return render(request, "core/unit_tree_nodes.html", {"nodes": nodes})
        roots = []
        for path, _descendants in gate.unit_paths(request.user, Unit, "view"):
            if not any(
                path.startswith(other) and path != other for other, _d in gate.unit_paths(request.user, Unit, "view")
            ):
                roots.append(path)
        nodes = visible.filter(path__in=roots).order_by("path")
        # A few roots open on arrival, so the first level is visible without a click.
        return render(
            request, "core/unit_tree.html", {**self.common_context(), "nodes": nodes, "expand": len(nodes) <= 3}
        )
