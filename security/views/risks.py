"""The risk register (风险台账): a list with its 5 × 5 heat map, the detail, add/edit with the systems and data
resources concerned, delete, bulk edit, import and export. Every read goes through ``restrict``; writes through
``security.services.risks``."""

from django.db.models import F, Prefetch
from django.urls import path, reverse
from django.utils import timezone

from core import gate
from core.io.checks import resolve_codes
from core.views.generic import (
    BulkDeleteView,
    BulkEditView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    ObjectView,
)
from core.views.imports import RecordImportView
from inventory.impact import GraphPending
from inventory.models import DataResource, System

from .. import choices as c
from ..filtersets.risks import RiskFilterSet
from ..forms.risks import RiskForm
from ..fusion import ranked
from ..models import Grading, Risk
from ..schemas.risks import risk_schema
from ..selectors.fusion import facts
from ..selectors.risks import RATING_COLORS, heat_map
from ..services import risks as services
from ..tables.risks import STATUS_COLORS, RiskTable

CELL_PARAMS = ("likelihood", "impact", "rating", "page")


def visible(model, user):
    return model.objects.restrict(user, "view").only("pk", "name", "code")


def step(value) -> int | None:
    return int(value) if value in {"1", "2", "3", "4", "5"} else None


class RiskListView(ObjectListView):
    model = Risk
    table = RiskTable
    filterset = RiskFilterSet
    template_name = "security/risk_list.html"

    def get_queryset(self):
        user = self.request.user
        return (
            Risk.objects.restrict(user, "view")
            .select_related("unit", "owner__unit")
            .annotate(risk_score=F("likelihood") * F("impact"))
            .prefetch_related(
                Prefetch("systems", queryset=visible(System, user)),
                Prefetch("data_resources", queryset=visible(DataResource, user)),
            )
        )

    def extra_context(self):
        """The heat map counts the risks the other filters select, so every cell stays clickable; a click sets that
        cell's likelihood and impact on top of them."""
        get = self.request.GET
        others = get.copy()
        for name in CELL_PARAMS:
            others.pop(name, None)
        filters = RiskFilterSet(others, queryset=Risk.objects.restrict(self.request.user, "view"), request=self.request)
        risks = filters.qs if filters.is_valid() else Risk.objects.none()
        selected = (step(get.get("likelihood")), step(get.get("impact")))
        return {
            "heat": heat_map(risks, selected=selected),
            "cell_querystring": others.urlencode(),
        }


class RiskView(ObjectView):
    queryset = Risk.objects.select_related("unit", "owner__unit", "created_by", "updated_by")
    template_name = "security/risk.html"

    def extra_context(self, obj):
        user = self.request.user
        systems = list(System.objects.restrict(user, "view").filter(risks=obj).select_related("owner_unit"))
        resources = list(DataResource.objects.restrict(user, "view").filter(risks=obj).select_related("provider"))
        return {
            "systems": systems,
            "hidden_systems": obj.systems.count() - len(systems),
            "resources": resources,
            "hidden_resources": obj.data_resources.count() - len(resources),
            "heat": heat_map(Risk.objects.filter(pk=obj.pk), selected=(obj.likelihood, obj.impact)),
            "rating_color": RATING_COLORS.get(obj.rating, "secondary"),
            "rating_label": c.RiskRating(obj.rating).label,
            "overdue": bool(obj.due_date and obj.status != c.RiskStatus.CLOSED and obj.due_date < timezone.localdate()),
            "status_color": STATUS_COLORS.get(obj.status, "secondary"),
        }


class RiskEditView(ObjectEditView):
    model = Risk
    form = RiskForm
    template_name = "inventory/records_form.html"

    def save(self, form, before):
        return services.risk_save(
            actor=self.request.user,
            risk=form.save(commit=False),
            systems=form.cleaned_data["systems"],
            data_resources=form.cleaned_data["data_resources"],
            before=before,
            expected_version=form.cleaned_data.get("version"),
        )


class RiskDeleteView(ObjectDeleteView):
    model = Risk


class RiskBulkDeleteView(BulkDeleteView):
    model = Risk


class RiskBulkEditView(BulkEditView):
    model = Risk
    form = RiskForm
    bulk_fields = ["status", "owner"]


class RiskImportView(RecordImportView):
    model = Risk
    schema = risk_schema
    unit_column = "unit"

    def check(self, result, user):
        resolve_codes(result, schema=self.schema, name="systems", model=System, user=user)
        resolve_codes(result, schema=self.schema, name="data_resources", model=DataResource, user=user)

    def commit(self, rows):
        return services.risks_import(actor=self.request.user, rows=rows)


# The system page's panel ------------------------------------------------------------------------------------------


def system_panel(user, system) -> dict:
    """For the system page: ``{"risks_panel": …}`` for ``security/system_risks.html`` — the system's fusion
    score with its reasons (when the user may see MLPS gradings; None for a retired or planned system), its open
    risks from the register, and links to "if compromised" and to the register; ``{"risks_panel": None}`` when the
    user may see neither."""
    can_risks = gate.has_perm(user, Risk, "view")
    can_fusion = gate.has_perm(user, Grading, "view")
    if not (can_risks or can_fusion):
        return {"risks_panel": None}
    exposure, computing = None, False
    if can_fusion:
        try:
            rows = ranked(
                facts(user, System.objects.restrict(user, "view").filter(pk=system.pk), today=timezone.localdate())
            )
        except GraphPending:  # the impact graph's first build is under way: the page does not wait for it
            rows, computing = [], True
        exposure = rows[0] if rows else None
    risks = Risk.objects.restrict(user, "view").filter(systems=system).exclude(status=c.RiskStatus.CLOSED)
    return {
        "risks_panel": {
            "exposure": exposure,
            "computing": computing,
            "risks": list(risks.annotate(risk_score=F("likelihood") * F("impact")).order_by("-risk_score", "pk")[:5])
            if can_risks
            else [],
            "risk_count": risks.count() if can_risks else 0,
            "can_risks": can_risks,
            "list_url": reverse("security:risk_list") + f"?system={system.pk}",
            "compromise_url": reverse("security:compromise", args=[system.pk]) if can_fusion else "",
        }
    }


urlpatterns = [
    path("risks/", RiskListView.as_view(), name="risk_list"),
    path("risks/add/", RiskEditView.as_view(), name="risk_add"),
    path("risks/import/", RiskImportView.as_view(), name="risk_import"),
    path("risks/edit/", RiskBulkEditView.as_view(), name="risk_bulk_edit"),
    path("risks/delete/", RiskBulkDeleteView.as_view(), name="risk_bulk_delete"),
    path("risks/<int:pk>/", RiskView.as_view(), name="risk"),
    path("risks/<int:pk>/edit/", RiskEditView.as_view(), name="risk_edit"),
    path("risks/<int:pk>/delete/", RiskDeleteView.as_view(), name="risk_delete"),
]
