"""The inventory's analysis pages: the overview (with data quality), the zombie check and its decisions, and the
duplicate candidates. Every number and row comes through ``restrict``; a focus unit only narrows the scope."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View

from core import audit, figures, gate
from core.choices import AuditAction
from core.focus import focus_unit, government_options, narrowed
from core.io import export_response
from core.models import Unit
from core.views.generic import GateMixin, apply_errors, deny
from inventory import choices as c
from inventory.duplicate_groups import add_group_items, duplicate_groups
from inventory.forms import ZombieReviewForm
from inventory.models import DataResource, ServiceItem, System, ZombieReview
from inventory.rules import rules
from inventory.selectors import quality
from inventory.selectors.overview import overview, sort_departments, unit_gaps
from inventory.services import zombie_review_create
from inventory.views import analysis_rows
from inventory.zombies import CRITERIA, latest_reviews, zombie_candidates

QUALITY_ROWS = 50  # departments listed in the quality section before "show all"
DEPARTMENT_ROWS = 100  # rows of the department table before "show all" (a province has some 10,000)
DEPARTMENT_HEADERS = [
    ("name", gettext_lazy("Department")),
    ("systems", gettext_lazy("Systems")),
    ("running", gettext_lazy("Running")),
    ("cloud", gettext_lazy("Cloud share")),
    ("domestic", gettext_lazy("Domestic share")),
    ("om", gettext_lazy("O&M cost (10k yuan)")),
    ("zombies", gettext_lazy("Zombies")),
    ("quality", gettext_lazy("Data quality")),
]


class OverviewView(GateMixin, View):
    model = System

    def get(self, request):
        self.require("view")
        user = request.user
        unit = focus_unit(request)
        can_resources = gate.has_perm(user, DataResource, "view")
        data = cached_overview(user, unit, can_resources, gate.has_perm(user, ServiceItem, "view"))
        sort, departments = sort_departments(data.departments, request.GET.get("sort"))
        all_departments = request.GET.get("departments") == "all"
        shown = departments if all_departments else departments[:DEPARTMENT_ROWS]
        params = request.GET.copy()
        params.pop("sort", None)
        show_all = request.GET.get("quality") == "all"
        shown_quality = data.quality_units if show_all else data.quality_units[:QUALITY_ROWS]
        quality_units = unit_gaps(user, shown_quality, timezone.localdate(), can_resources)
        base = urlencode({k: v for k, v in request.GET.items() if k not in {"unit", "sort", "quality"}})
        context = {
            "data": data,
            "unit": unit,
            "departments": departments,
            "sort": sort,
            "sort_querystring": params.urlencode(),
            "department_headers": [
                {"header": header, "next": f"-{key}" if sort == key else key, "arrow": arrow(sort, key)}
                for key, header in DEPARTMENT_HEADERS
            ],
            "department_rows": analysis_rows.department_rows(shown),
            "focus_querystring": f"{base}&" if base else "",
            "departments_more": len(departments) - len(shown),
            "quality_units": quality_units,
            "quality_rows": analysis_rows.quality_units(quality_units),
            "quality_more": 0 if show_all else max(0, len(data.quality_units) - QUALITY_ROWS),
            "government_options": government_options(user, unit),
            "can_resources": can_resources,
            "charts": chart_data(data),
        }
        return render(request, "inventory/overview.html", context)


def cached_overview(user, unit, can_resources: bool, can_services: bool):
    """``overview`` for the user's scope and focus, kept in the shared cache until the next write (or the next day,
    or in another language): summing a province's 14,000 units' rollups costs more than reading the result."""
    today = timezone.localdate()
    scope = tuple(tuple(sorted(gate.unit_paths(user, model, "view"))) for model in (System, DataResource, ServiceItem))
    key = (scope, unit.pk if unit else None, today, can_resources, can_services, get_language())
    return figures.cached(
        "inventory.overview",
        key,
        lambda: overview(user, unit=unit, today=today, can_resources=can_resources, can_services=can_services),
    )


def arrow(sort: str, key: str) -> str:
    return "↑" if sort == key else "↓" if sort == f"-{key}" else ""


def chart_data(data) -> dict:
    """What the ECharts on the overview draw; passed to the page with ``json_script``."""
    top = sorted(data.departments, key=lambda r: (-r.om_cost, r.path))[:20]
    not_recorded = str(_("Not recorded"))
    return {
        "status": [{"name": s["label"], "value": s["count"]} for s in data.by_status if s["count"]],
        "hosting": {
            "labels": [h["label"] or not_recorded for h in data.by_hosting],
            "values": [h["count"] for h in data.by_hosting],
        },
        "cost": {
            "labels": [row.name for row in reversed(top)],
            "values": [float(row.om_cost) for row in reversed(top)],
            "series": str(_("Annual O&M cost (10k yuan)")),
        },
    }


class QualityRecordsView(GateMixin, View):
    """The records of one unit failing a data-quality check (loaded into the overview with htmx)."""

    model = System

    def get(self, request, unit_pk):
        self.require("view")
        unit = Unit.objects.restrict(request.user, "view").filter(pk=unit_pk).first()
        if unit is None:
            raise deny(request, Unit, object_id=unit_pk, reason="scope")
        today = timezone.localdate()
        systems = System.objects.restrict(request.user, "view").filter(owner_unit=unit)
        resources = DataResource.objects.restrict(request.user, "view").filter(provider=unit)
        context = {
            "unit": unit,
            "systems": quality.system_gaps(systems, today=today),
            "resources": quality.resource_gaps(resources, today=today),
        }
        return render(request, "inventory/analysis_quality_records.html", context)


# Zombie check ---------------------------------------------------------------------------------------------------


def review_text(review) -> str:
    if review is None:
        return ""
    text = review.get_decision_display()
    if review.target_system_id:
        text = f"{text} → {review.target_system}"
    return f"{text}: {review.reason}"


ZOMBIE_COLUMNS = [
    (gettext_lazy("Code"), lambda z: z.code),
    (gettext_lazy("System"), lambda z: z.name),
    (gettext_lazy("Department"), lambda z: z.unit_name),
    (gettext_lazy("Status"), lambda z: z.status_label),
    (gettext_lazy("Criteria met"), lambda z: "、".join(f.label for f in z.findings)),
    (gettext_lazy("Reasons"), lambda z: z.reasons),
    (gettext_lazy("Replacement"), lambda z: z.replacement.name if z.replacement else ""),
    (gettext_lazy("Latest decision"), lambda z: review_text(z.review)),
    (gettext_lazy("Decided by"), lambda z: str(z.review.decided_by or "") if z.review else ""),
    (gettext_lazy("Decided at"), lambda z: timezone.localtime(z.review.created_at) if z.review else None),
]


class ZombieListView(GateMixin, View):
    model = System

    def get(self, request):
        self.require("view")
        user = request.user
        candidates = zombie_candidates(System.objects.restrict(user, "view"))
        reviews = latest_reviews(user, [z.pk for z in candidates])
        for z in candidates:
            z.review = reviews.get(z.pk)
        criterion = request.GET.get("criterion", "")
        if criterion in CRITERIA:
            candidates = [z for z in candidates if criterion in z.codes]
        undecided = request.GET.get("undecided") == "1"
        if undecided:
            candidates = [z for z in candidates if z.review is None]
        fmt = request.GET.get("export")
        if fmt in {"csv", "xlsx"}:
            return self.export(candidates, fmt)
        page = Paginator(candidates, 50).get_page(request.GET.get("page"))
        params = request.GET.copy()
        params.pop("page", None)
        context = {
            **self.common_context(),
            "page": page,
            "total": len(candidates),
            "criteria": CRITERIA,
            "criterion": criterion,
            "undecided": undecided,
            "querystring": params.urlencode(),
            "can_decide": gate.has_perm(user, ZombieReview, "add"),
            "rules_version": rules().version,
        }
        return render(request, "inventory/zombie_list.html", context)

    def export(self, candidates, fmt):
        self.require("export")
        audit.append(
            audit.Entry(
                action=AuditAction.EXPORT,
                actor=self.request.user,
                object_type="inventory.zombiecandidate",
                unit_path=getattr(getattr(self.request.user, "unit", None), "path", ""),
                changes={"format": fmt, "query": self.request.GET.urlencode(), "rows": len(candidates)},
            )
        )
        headers = [str(header) for header, _value in ZOMBIE_COLUMNS]
        rows = ([value(z) for _header, value in ZOMBIE_COLUMNS] for z in candidates)
        return export_response(fmt, str(_("Zombie candidates")), headers, rows)


class ZombieReviewView(GateMixin, View):
    """Decide on a candidate: keep, integrate or retire (``zombie_review_create``)."""

    queryset = System.objects.select_related("owner_unit")

    def load(self):
        if not gate.has_perm(self.request.user, ZombieReview, "add"):
            raise deny(self.request, ZombieReview)
        system = self.get_object("view")
        if not gate.path_allowed(self.request.user, ZombieReview, "add", system.owner_unit.path):
            raise deny(self.request, ZombieReview, object_id=system.pk, reason="scope")
        return system

    def candidate(self, system):
        # The whole scope is evaluated: criterion (b) compares the system with its peers.
        scope = System.objects.restrict(self.request.user, "view")
        return next((z for z in zombie_candidates(scope) if z.pk == system.pk), None)

    def render_page(self, system, candidate, form, status=200):
        history = (
            ZombieReview.objects.restrict(self.request.user, "view")
            .filter(system=system)
            .select_related("target_system__owner_unit", "decided_by")
            .order_by("-created_at", "-id")
        )
        context = {"object": system, "candidate": candidate, "form": form, "history": history}
        return render(self.request, "inventory/zombie_review.html", context, status=status)

    def get(self, request, pk):
        system = self.load()
        candidate = self.candidate(system)
        initial = {"target_system": candidate.replacement.pk} if candidate and candidate.replacement else {}
        form = ZombieReviewForm(user=request.user, system=system, initial=initial)
        return self.render_page(system, candidate, form)

    def post(self, request, pk):
        system = self.load()
        form = ZombieReviewForm(request.POST, user=request.user, system=system)
        if form.is_valid():
            try:
                review = zombie_review_create(
                    actor=request.user,
                    system=system,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                    target_system=form.cleaned_data["target_system"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                text = _("Recorded “{decision}” for “{name}”.")
                messages.success(request, text.format(decision=review.get_decision_display(), name=system))
                return HttpResponseRedirect(reverse("inventory:zombie_list"))
        return self.render_page(system, self.candidate(system), form, status=400)


# Duplicate candidates -------------------------------------------------------------------------------------------


class DuplicateListView(GateMixin, View):
    model = System

    def get(self, request):
        self.require("view")
        settings = rules().similarity
        try:
            threshold = min(1.0, max(0.3, float(request.GET.get("threshold", settings.duplicate_threshold))))
        except ValueError:
            threshold = settings.duplicate_threshold
        unit = focus_unit(request)
        systems = narrowed(System.objects.restrict(request.user, "view"), unit).exclude(status=c.SystemStatus.RETIRED)
        groups = duplicate_groups(systems, threshold=threshold)
        cross = request.GET.get("cross") == "1"
        if cross:
            groups = [group for group in groups if group.cross_government]
        page = Paginator(groups, 30).get_page(request.GET.get("page"))
        add_group_items(list(page.object_list))
        params = request.GET.copy()
        params.pop("page", None)
        context = {
            **self.common_context(),
            "page": page,
            "total": len(groups),
            "systems_total": sum(len(group.members) for group in groups),
            "threshold": threshold,
            "cross": cross,
            "unit": unit,
            "querystring": params.urlencode(),
            "max_postings": settings.max_postings,
        }
        return render(request, "inventory/duplicate_list.html", context)


urlpatterns = [
    path("overview/", OverviewView.as_view(), name="overview"),
    path("overview/quality/<int:unit_pk>/", QualityRecordsView.as_view(), name="quality_records"),
    path("zombies/", ZombieListView.as_view(), name="zombie_list"),
    path("zombies/<int:pk>/review/", ZombieReviewView.as_view(), name="zombie_review"),
    path("duplicates/", DuplicateListView.as_view(), name="duplicate_list"),
]
