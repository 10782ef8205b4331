"""Pages of the inventory's records: information systems, public service items, data resources with their items,
links between systems, and the catalog browser. Every read goes through ``restrict``; writes through the services."""

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Min, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from core import figures, gate, names, panels
from core.io.checks import resolve_codes
from core.params import choice_param
from core.tables import choice_labels
from core.urlcache import pk_url
from core.views.generic import (
    BulkDeleteView,
    BulkEditView,
    GateMixin,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    ObjectView,
)
from core.views.imports import RecordImportView

from .. import choices as c
from .. import schemas, services
from ..filtersets import DataResourceFilterSet, LinkFilterSet, ServiceItemFilterSet, SystemFilterSet
from ..forms import DataResourceForm, LinkForm, ServiceItemForm, SystemForm, item_formset, items_from
from ..models import DataItem, DataResource, Link, ServiceItem, System, ZombieReview
from ..tables import (
    DATA_CLASS_COLORS,
    SHARING_COLORS,
    STATUS_COLORS,
    DataResourceTable,
    LinkTable,
    ServiceItemTable,
    SystemTable,
)

FORM = "inventory/records_form.html"


def count_of(model, field: str):
    """A correlated COUNT of ``model`` rows whose ``field`` is the outer row: computed only for the rows a page shows,
    where a JOIN + GROUP BY would aggregate every row of a 25,000-resource catalog before the LIMIT."""
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)


ITEM_COUNT = count_of(DataItem, "resource")
RESOURCE_COUNT = count_of(Link.resources.through, "link")


# Information systems ---------------------------------------------------------------------------------------------


class SystemListView(ObjectListView):
    queryset = System.objects.select_related("owner_unit")
    table = SystemTable
    filterset = SystemFilterSet


LINKS_SHOWN = 100  # per direction on a system's page; the link list has them all


class SystemView(ObjectView):
    queryset = System.objects.select_related("owner_unit", "created_by", "updated_by")
    template_name = "inventory/system.html"

    def link_rows(self, links, obj, outgoing: bool) -> list[dict]:
        """The first ``LINKS_SHOWN`` links one way, as values with the other end's name, unit and visibility (its
        unit path checked in Python, as ``restrict`` would in SQL): a hub has hundreds of links, and the list page
        pages through them all. Sorting a province hub's 1,600 links by the other end costs 12 ms, so the rows are
        kept in the shared cache until the next write (``core.figures``)."""
        user = self.request.user
        mine, other = ("from_system", "to_system") if outgoing else ("to_system", "from_system")
        found = figures.rows(
            links.filter(**{mine: obj})
            .annotate(resource_count=RESOURCE_COUNT)
            .values(
                "pk",
                "direction",
                "method",
                "frequency",
                "resource_count",
                other_id=F(f"{other}_id"),
                other_name=F(f"{other}__name"),
                other_unit=F(f"{other}__owner_unit__name"),
                other_path=F(f"{other}__owner_unit__path"),
            )[:LINKS_SHOWN]
        )
        rows = [dict(row) for row in found]  # the page adds to its copies
        for row in rows:
            row["other_visible"] = gate.path_allowed(user, System, "view", row["other_path"])
            if not row["other_visible"]:  # named only where the reader may see it (core.names)
                row.update(other_name=names.placeholder(System), other_unit="", other_path="")
        return rows

    def describe_links(self, rows: list[dict], outgoing: bool) -> None:
        """What the page shows of each link (``inventory/system_links.html`` renders it): the arrow, the other end
        (a link only where the reader may see it), its unit, method, frequency and resources, and its own page."""
        method, frequency = choice_labels(Link, "method"), choice_labels(Link, "frequency")
        arrow = "ti-arrow-right" if outgoing else "ti-arrow-left"
        for row in rows:
            n = row["resource_count"]
            facts = [
                row["other_unit"],
                method.get(row["method"], row["method"]),
                frequency.get(row["frequency"], row["frequency"]),
                ngettext("%(n)s resource", "%(n)s resources", n) % {"n": n} if n else "",
            ]
            row["icon"] = "ti-arrows-left-right" if row["direction"] == c.LinkDirection.TWO_WAY else arrow
            row["other_url"] = pk_url("inventory:system", row["other_id"]) if row["other_visible"] else ""
            row["facts"] = " · ".join(str(fact) for fact in facts if fact)
            row["url"] = pk_url("inventory:link", row["pk"])

    def extra_context(self, obj):
        user = self.request.user
        links = Link.objects.restrict(user, "view")
        mine = links.filter(Q(from_system=obj) | Q(to_system=obj))
        counts = figures.cached(
            "inventory.system_links",
            figures.query_key(mine),
            lambda: mine.aggregate(
                out=Count("pk", filter=Q(from_system=obj)), back=Count("pk", filter=Q(to_system=obj))
            ),
        )
        links_out, links_in = self.link_rows(links, obj, True), self.link_rows(links, obj, False)
        self.describe_links(links_out, True)
        self.describe_links(links_in, False)
        list_url = reverse("inventory:link_list")
        link_groups = [
            (_("Outgoing"), links_out, True, counts["out"], f"{list_url}?from_system={obj.pk}"),
            (_("Incoming"), links_in, False, counts["back"], f"{list_url}?to_system={obj.pk}"),
        ]
        field = System._meta.get_field
        tech = [
            (field(f"tech_{p}").verbose_name, getattr(obj, f"tech_{p}"), getattr(obj, f"tech_{p}_domestic"))
            for p in System.TECH_PARTS
        ]
        tabs = panels.tabs(user, obj)  # other apps' tabs (core.panels), e.g. security's
        return {
            **{name: value for tab in tabs for name, value in tab["context"].items()},
            "system_tabs": tabs,
            "status_color": STATUS_COLORS.get(obj.status, "secondary"),
            "data_class_color": DATA_CLASS_COLORS.get(obj.data_class, "secondary"),
            "tech": tech,
            "domestic_percent": None if obj.domestic_share is None else round(obj.domestic_share * 100),
            "service_items": ServiceItem.objects.restrict(user, "view").filter(systems=obj).select_related("unit"),
            "resources": DataResource.objects.restrict(user, "view")
            .filter(system=obj)
            .select_related("provider")
            .annotate(item_count=ITEM_COUNT),
            "link_groups": link_groups,
            "link_count": counts["out"] + counts["back"],
            "reviews": ZombieReview.objects.restrict(user, "view")
            .filter(system=obj)
            .select_related("decided_by", "target_system__owner_unit"),
        }


class SystemEditView(ObjectEditView):
    model = System
    form = SystemForm
    template_name = FORM


class SystemDeleteView(ObjectDeleteView):
    model = System


class SystemBulkDeleteView(BulkDeleteView):
    model = System


class SystemBulkEditView(BulkEditView):
    model = System
    form = SystemForm
    bulk_fields = ["status", "hosting", "network", "data_class", "vendor"]


class SystemImportView(RecordImportView):
    model = System
    schema = schemas.system_schema
    unit_column = "owner_unit"


# Public service items --------------------------------------------------------------------------------------------


class ServiceItemListView(ObjectListView):
    model = ServiceItem
    table = ServiceItemTable
    filterset = ServiceItemFilterSet

    def get_queryset(self):
        systems = System.objects.restrict(self.request.user, "view").only("pk", "name")
        return (
            ServiceItem.objects.restrict(self.request.user, "view")
            .select_related("unit")
            .prefetch_related(Prefetch("systems", queryset=systems))
        )


class ServiceItemView(ObjectView):
    queryset = ServiceItem.objects.select_related("unit", "created_by", "updated_by")
    template_name = "inventory/serviceitem.html"

    def extra_context(self, obj):
        systems = list(
            System.objects.restrict(self.request.user, "view").filter(service_items=obj).select_related("owner_unit")
        )
        return {"systems": systems, "hidden_systems": obj.systems.count() - len(systems)}


class ServiceItemEditView(ObjectEditView):
    model = ServiceItem
    form = ServiceItemForm
    template_name = FORM

    def save(self, form, before):
        return services.serviceitem_save(
            actor=self.request.user,
            item=form.save(commit=False),
            systems=form.cleaned_data["systems"],
            before=before,
            expected_version=form.cleaned_data.get("version"),
        )


class ServiceItemDeleteView(ObjectDeleteView):
    model = ServiceItem


class ServiceItemBulkDeleteView(BulkDeleteView):
    model = ServiceItem


class ServiceItemBulkEditView(BulkEditView):
    model = ServiceItem
    form = ServiceItemForm
    bulk_fields = ["channel"]


class ServiceItemImportView(RecordImportView):
    model = ServiceItem
    schema = schemas.serviceitem_schema
    unit_column = "unit"

    def check(self, result, user):
        resolve_codes(result, schema=self.schema, name="systems", model=System, user=user)

    def commit(self, rows):
        return services.serviceitems_import(actor=self.request.user, rows=rows)


# Data resources (政务信息资源目录) ------------------------------------------------------------------------------------


class DataResourceListView(ObjectListView):
    queryset = DataResource.objects.select_related("provider", "system__owner_unit").annotate(item_count=ITEM_COUNT)
    table = DataResourceTable
    filterset = DataResourceFilterSet
    template_name = "inventory/records_dataresource_list.html"


class DataResourceView(ObjectView):
    queryset = DataResource.objects.select_related("provider", "system__owner_unit", "created_by", "updated_by")
    template_name = "inventory/dataresource.html"

    def extra_context(self, obj):
        user = self.request.user
        codes = obj.related_code_list()
        related = {r.code: r for r in DataResource.objects.restrict(user, "view").filter(code__in=codes)}
        links = (
            Link.objects.restrict(user, "view")
            .filter(resources=obj)
            .select_related("from_system__owner_unit", "to_system__owner_unit")
        )
        return {
            "items": obj.items.all(),
            "related": [(code, related.get(code)) for code in codes],
            "links": links,
            "sharing_color": SHARING_COLORS.get(obj.sharing_type, "secondary"),
            "data_class_color": DATA_CLASS_COLORS.get(obj.data_class, "secondary"),
        }


class DataResourceEditView(ObjectEditView):
    """The resource and its data items (``form.items``, a formset) are one page and one save."""

    model = DataResource
    form = DataResourceForm
    template_name = "inventory/records_dataresource_form.html"
    prefill = ("item_code", "category_code", "detail_code")  # with the kind, from the catalog tree's "Add here"

    def get_form(self, obj, data=None):
        form = super().get_form(obj, data)
        form.items = item_formset(obj, data)
        if data is None and obj.pk is None:
            get = self.request.GET
            form.initial.update({k: get[k] for k in self.prefill if get.get(k, "").isalnum()})
            if kind := choice_param(self.request, "kind", c.CatalogKind.values):
                form.initial["kind"] = kind
        return form

    def save(self, form, before):
        if not form.items.is_valid():
            raise ValidationError(_("Check the data items below."))
        return services.dataresource_save(
            actor=self.request.user,
            resource=form.save(commit=False),
            items=items_from(form.items),
            before=before,
            expected_version=form.cleaned_data.get("version"),
        )


class DataResourceDeleteView(ObjectDeleteView):
    model = DataResource


class DataResourceBulkDeleteView(BulkDeleteView):
    model = DataResource


class DataResourceBulkEditView(BulkEditView):
    model = DataResource
    form = DataResourceForm
    bulk_fields = ["sharing_method", "open_attribute", "update_cycle", "data_class"]


class DataResourceImportView(RecordImportView):
    model = DataResource
    schema = schemas.dataresource_schema
    unit_column = "provider"

    def commit(self, rows):
        return services.dataresources_import(actor=self.request.user, rows=rows)


KIND_OF = {digit: kind for kind, digit in c.CATALOG_CLASS_DIGIT.items()}  # 类 digit → catalog kind
CLASSIFICATION = (("class_code", 0, 1), ("item_code", 1, 3), ("category_code", 3, 6), ("detail_code", 6, None))


def catalog_nodes(resources, prefix: str) -> list[dict]:
    """The children of a classification prefix ("" → 类, "3" → 项, "301" → 目, "301001" → 细目) with their counts
    and a sample name (the catalog has no names for its levels): one GROUP BY on the indexed classification columns,
    over the resources the user may see."""
    depth = {0: 0, 1: 1, 3: 2, 6: 3}.get(len(prefix))
    if depth is None or (prefix and not prefix.isdigit()):
        return []
    field = CLASSIFICATION[depth][0]
    rows = resources.filter(**{name: prefix[a:b] for name, a, b in CLASSIFICATION[:depth]}).order_by()
    if depth == 3:
        rows = rows.exclude(detail_code="")
    rows = rows.values(field).annotate(
        count=Count("pk"), details=Count("pk", filter=~Q(detail_code="")), sample=Min("name")
    )
    counts = {row[field]: row for row in rows.order_by(field)}
    if depth == 0:
        # The three kinds (类) are the catalog's fixed first level: shown even when empty.
        counts = {digit: counts.get(digit, {"count": 0}) for digit in sorted(KIND_OF)}
    return [
        {
            "code": code,
            "prefix": prefix + code,
            "label": KIND_OF[code].label if depth == 0 else code,
            "count": row["count"],
            "sample": row.get("sample", ""),
            "open": row["count"] > 0 and (depth < 2 or (depth == 2 and row["details"] > 0)),
        }
        for code, row in counts.items()
    ]


class CatalogView(GateMixin, View):
    """The catalog as a tree by classification: 类 → 项 → 目 → 细目, each level loaded on demand (htmx)."""

    model = DataResource

    def get(self, request, *args, **kwargs):
        self.require("view")
        resources = DataResource.objects.restrict(request.user, "view")
        prefix = request.GET.get("prefix", "")
        context = {**self.common_context(), "nodes": catalog_nodes(resources, prefix), "parent": prefix}
        if request.headers.get("HX-Request") or "prefix" in request.GET:
            kind = KIND_OF.get(prefix[:1])
            context["parent_kind"] = kind.value if kind else ""
            return render(request, "inventory/records_catalog_nodes.html", context)
        context["total"] = resources.count()
        return render(request, "inventory/catalog.html", context)


# Links between systems -------------------------------------------------------------------------------------------


class LinkListView(ObjectListView):
    queryset = Link.objects.select_related("from_system__owner_unit", "to_system__owner_unit").annotate(
        resource_count=RESOURCE_COUNT
    )
    table = LinkTable
    filterset = LinkFilterSet


class LinkView(ObjectView):
    queryset = Link.objects.select_related("from_system__owner_unit", "to_system__owner_unit")
    template_name = "inventory/link.html"

    def extra_context(self, obj):
        user = self.request.user
        resources = list(DataResource.objects.restrict(user, "view").filter(links=obj).select_related("provider"))
        return {
            "resources": resources,
            "hidden_resources": obj.resources.count() - len(resources),
            "ends": [obj.from_system, obj.to_system],
        }


class LinkEditView(ObjectEditView):
    model = Link
    form = LinkForm
    template_name = FORM

    def save(self, form, before):
        return services.link_save(
            actor=self.request.user,
            link=form.save(commit=False),
            resources=form.cleaned_data["resources"],
            before=before,
            expected_version=form.cleaned_data.get("version"),
        )


class LinkDeleteView(ObjectDeleteView):
    model = Link


class LinkBulkDeleteView(BulkDeleteView):
    model = Link


class LinkBulkEditView(BulkEditView):
    model = Link
    form = LinkForm
    bulk_fields = ["direction", "method", "frequency"]


class LinkImportView(RecordImportView):
    """A link's unit is its source system's department: checked by schemas.check_links."""

    model = Link
    schema = schemas.link_schema

    def check(self, result, user):
        resolve_codes(result, schema=self.schema, name="resources", model=DataResource, user=user)
        schemas.check_links(result, user=user)

    def commit(self, rows):
        return services.links_import(actor=self.request.user, rows=rows)


# The unit page's panels (core.panels.UNIT_PANELS): the records in a unit's subtree, linked to the list. -----


def unit_panel(model, unit_path: str, list_name: str, label):
    def panel(request, unit):
        if not gate.has_perm(request.user, model, "view"):
            return None
        count = figures.subtree_count(request.user, model, unit_path, unit.path)
        return {"label": label, "count": count, "url": reverse(list_name) + f"?within={unit.pk}"}

    return panel


UNIT_PANELS = [
    unit_panel(System, "owner_unit__path", "inventory:system_list", gettext_lazy("Information systems")),
    unit_panel(ServiceItem, "unit__path", "inventory:serviceitem_list", gettext_lazy("Public service items")),
    unit_panel(DataResource, "provider__path", "inventory:dataresource_list", gettext_lazy("Data resources")),
    unit_panel(Link, "from_system__owner_unit__path", "inventory:link_list", gettext_lazy("Links")),
]


# URLs --------------------------------------------------------------------------------------------------------------


def record_urls(prefix: str, model: str) -> list:
    """The eight pages of one record type, found by the shared names (``XListView``, ``XView``, ``XEditView``…)."""
    name = model.lower()

    def view(suffix: str):
        return globals()[f"{model}{suffix}"].as_view()

    return [
        path(f"{prefix}/", view("ListView"), name=f"{name}_list"),
        path(f"{prefix}/add/", view("EditView"), name=f"{name}_add"),
        path(f"{prefix}/import/", view("ImportView"), name=f"{name}_import"),
        path(f"{prefix}/edit/", view("BulkEditView"), name=f"{name}_bulk_edit"),
        path(f"{prefix}/delete/", view("BulkDeleteView"), name=f"{name}_bulk_delete"),
        path(f"{prefix}/<int:pk>/", view("View"), name=name),
        path(f"{prefix}/<int:pk>/edit/", view("EditView"), name=f"{name}_edit"),
        path(f"{prefix}/<int:pk>/delete/", view("DeleteView"), name=f"{name}_delete"),
    ]


urlpatterns = [
    *record_urls("systems", "System"),
    *record_urls("service-items", "ServiceItem"),
    *record_urls("data-resources", "DataResource"),
    *record_urls("links", "Link"),
    path("catalog/", CatalogView.as_view(), name="catalog"),
]
