"""Pages of MLPS grading and filing (等级保护定级备案): the list, the detail with its workflow, add and edit with a
live preview of the levels, delete, import, export, the grading report (.docx), and the panel the system page shows.
The workflow steps are in ``grading_steps``, the deadlines page in ``due``; their URLs are gathered here."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views import View

from core import audit, gate
from core.choices import AuditAction
from core.files import attachments_of
from core.io.export import content_disposition
from core.params import int_param
from core.views.generic import GateMixin, ObjectDeleteView, ObjectEditView, ObjectListView, ObjectView
from core.views.imports import BulkImportView
from inventory.models import System

from .. import grading as table
from .. import report
from ..choices import GradingState, HarmDegree, HarmObject, Opinion
from ..filtersets.grading import GradingFilterSet
from ..forms.grading import (
    ExpertOpinionForm,
    GradingApproveForm,
    GradingFileForm,
    GradingForm,
    GradingRegradeForm,
    GradingRejectForm,
)
from ..models import ExpertOpinion, Grading, SecurityPolicy
from ..schemas.grading import grading_schema
from ..services import grading as services
from ..services import schedule
from ..tables.grading import LEVEL_COLORS, STATE_COLORS, GradingTable
from . import due, grading_steps

S = GradingState


# The table's headers are short so that it fits a narrow card; the full label is the header's title.
DEGREE_HEADERS = {
    HarmDegree.GENERAL: pgettext_lazy("degree of harm", "General"),
    HarmDegree.SERIOUS: pgettext_lazy("degree of harm", "Serious"),
    HarmDegree.ESPECIALLY_SERIOUS: pgettext_lazy("degree of harm", "Especially serious"),
}


def matrix(setting: int, chosen=()) -> dict:
    """The GB/T 22240-2020 table for the page: headers (short, full), rows of (object label, [(level, which harms
    chose it)])."""
    rows = []
    for obj in HarmObject:
        cells = []
        for degree in HarmDegree:
            level = table.sub_level(table.Harm(obj, degree), citizen_especially_serious=setting)
            marks = [name for name, cell in chosen if cell == (obj, degree)]
            cells.append((level, marks))
        rows.append((obj.label, cells))
    return {"degrees": [(DEGREE_HEADERS[d], d.label) for d in HarmDegree], "rows": rows}


def steps(user, grading: Grading) -> dict:
    """Which workflow steps this user may take on this grading now."""

    def can(action):
        return gate.can(user, action, grading)

    state = grading.state
    return {
        "edit": state in services.EDITABLE_STATES and can("change"),
        "delete": state in services.EDITABLE_STATES and not grading.filed_on and can("delete"),
        "submit": state == S.DRAFT and can("change"),
        "opinion": state == S.EXPERT_REVIEW and services.may_give_opinion(user, grading),
        "close_review": state == S.EXPERT_REVIEW and can("change"),
        "approve": state == S.APPROVAL and not grading.approved_on and can("approve"),
        "file": state == S.APPROVAL and bool(grading.approved_on) and can("file"),
        "reject": state == S.APPROVAL and can("file"),
        "revise": state in (S.REJECTED, S.EXPERT_REVIEW) and can("change"),
        "regrade": state == S.FILED and can("change"),
    }


class GradingListView(ObjectListView):
    queryset = Grading.objects.select_related("system__owner_unit")
    table = GradingTable
    filterset = GradingFilterSet
    template_name = "security/grading_list.html"


class GradingView(ObjectView):
    queryset = Grading.objects.select_related("system__owner_unit", "updated_by")
    template_name = "security/grading.html"

    def extra_context(self, obj):
        user = self.request.user
        setting = schedule.policy_for_system(obj.system).citizen_especially_serious_level
        opinions = list(
            ExpertOpinion.objects.restrict(user, "view").filter(grading=obj).order_by("-review_round", "pk")
        )
        current = [o for o in opinions if o.review_round == obj.review_round]
        allowed = steps(user, obj)
        chosen = [
            ("business", (obj.business_object, obj.business_degree)),
            ("service", (obj.service_object, obj.service_degree)),
        ]
        return {
            "system": obj.system,
            "steps": allowed,
            # The opinion form sits in the review card, not in "Next step".
            "any_step": any(allowed[name] for name in allowed if name not in {"edit", "delete", "opinion"}),
            "state_color": STATE_COLORS.get(obj.state, "secondary"),
            "level_color": LEVEL_COLORS.get(obj.level, "secondary"),
            "matrix": matrix(setting, chosen),
            "citizen_setting": setting if services.uses_citizen_setting(obj) else None,
            "rationale": services.own_rationale(obj.rationale),
            "opinions": opinions,
            "current_round": obj.review_round,
            "opinions_in_round": len(current),
            "disagreeing": [o.expert_name for o in current if o.conclusion == Opinion.DISAGREE],
            "certificates": attachments_of(obj, kind="certificate"),
            "today": timezone.localdate(),
            **self.opinion_context(obj, allowed, current),
            **self.step_forms(obj, allowed),
        }

    def opinion_context(self, grading, allowed, current) -> dict:
        """The user's own opinion of this round, if given (then no empty form again, except for the office, which
        also enters the written opinions of other experts), and the form."""
        user = self.request.user
        name = user.full_name or user.get_username()
        own = next((o for o in current if o.expert_id == user.pk and o.expert_name == name), None)
        form = None
        if allowed["opinion"] and own is None:
            form = ExpertOpinionForm(user=user, auto_id="opinion_%s")
        elif allowed["opinion"] and gate.can(user, "change", grading):
            form = ExpertOpinionForm(user=user, auto_id="opinion_%s", initial={"expert_name": ""})
        return {"own_opinion": own, "opinion_form": form}

    @staticmethod
    def step_forms(grading, allowed) -> dict:
        """One form per step; each with its own id prefix, so two on the page never share an element id. The date
        inputs carry the range the service accepts (services.grading: after the grading or the approval, not in the
        future), so the browser's date picker offers only those days."""
        initial = {"version": grading.version}
        forms = {
            "approve": GradingApproveForm,
            "file": GradingFileForm,
            "reject": GradingRejectForm,
            "regrade": GradingRegradeForm,
        }
        built = {
            name: form(initial=initial, auto_id=f"{name}_%s") if allowed[name] else None for name, form in forms.items()
        }
        today = timezone.localdate().isoformat()
        ranges = {
            "approve": (grading.graded_on, ["approved_on"], _("Not before the grading ({date}), nor in the future.")),
            "file": (
                grading.approved_on,
                ["certificate_date", "filed_on"],
                _("Not before the approval ({date}), nor in the future."),
            ),
        }
        for name, (earliest, fields, hint) in ranges.items():
            for field in fields if built[name] else ():
                attrs = built[name].fields[field].widget.attrs
                attrs["max"] = today
                if earliest:
                    attrs["min"] = earliest.isoformat()
                    built[name].fields[field].help_text = hint.format(date=earliest.isoformat())
        return {f"{name}_form": form for name, form in built.items()}


class GradingEditView(ObjectEditView):
    """Add (a system without a grading) or edit (draft or rejected only); the levels are computed on save."""

    model = Grading
    form = GradingForm
    template_name = "security/grading_edit.html"

    def load(self):
        obj = super().load()
        if obj.pk and obj.state not in services.EDITABLE_STATES:
            messages.error(self.request, _("A grading can be changed only while it is a draft or rejected."))
            raise Redirect(obj.get_absolute_url())
        return obj

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except Redirect as redirect:
            return HttpResponseRedirect(redirect.url)

    def new_object(self):
        grading = Grading()
        system = int_param(self.request, "system")
        if system is not None:
            grading.system = System.objects.restrict(self.request.user, "view").filter(pk=system).first()
        return grading

    def save(self, form, before):
        return services.grading_save(
            actor=self.request.user,
            grading=form.save(commit=False),
            before=before,
            expected_version=form.cleaned_data.get("version"),
        )


class Redirect(Exception):
    def __init__(self, url: str):
        self.url = url


class GradingDeleteView(ObjectDeleteView):
    model = Grading

    def post(self, request, *args, **kwargs):
        self.require("delete")
        grading = self.get_object("delete")
        try:
            services.grading_delete(actor=request.user, grading=grading)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(grading.get_absolute_url())
        messages.success(request, _("Deleted “{name}”.").format(name=grading))
        return HttpResponseRedirect(reverse("security:grading_list"))


class GradingImportView(BulkImportView):
    model = Grading
    schema = grading_schema

    def commit(self, rows):
        return services.gradings_import(actor=self.request.user, rows=rows)


class GradingPreviewView(GateMixin, View):
    """The sub-levels and level for the four choices as the form changes (htmx), with the government's setting of
    the chosen system (or of the user's own unit before one is chosen)."""

    model = Grading

    def get(self, request):
        self.require("view")
        data = request.GET
        system, system_id = None, int_param(request, "system")
        if system_id is not None:
            system = System.objects.restrict(request.user, "view").select_related("owner_unit")
            system = system.filter(pk=system_id).first()
        unit = system.owner_unit if system else getattr(request.user, "unit", None)
        setting = SecurityPolicy.for_path(unit.path if unit else "").citizen_especially_serious_level
        context = {"setting": setting, "result": None}
        try:
            business = table.Harm(data.get("business_object", ""), data.get("business_degree", ""))
            service = table.Harm(data.get("service_object", ""), data.get("service_degree", ""))
            context["result"] = table.grade(business, service, citizen_especially_serious=setting)
            chosen = [("business", (business.object, business.degree)), ("service", (service.object, service.degree))]
        except ValueError:
            chosen = []
        context["matrix"] = matrix(setting, chosen)
        return render(request, "security/grading_preview.html", context)


class GradingReportView(GateMixin, View):
    """The grading report draft (.docx): whoever may view the grading may read its report; audited as an export."""

    model = Grading
    queryset = Grading.objects.select_related("system__owner_unit")

    def get(self, request, pk):
        self.require("view")
        grading = self.get_object("view")
        setting = schedule.policy_for_system(grading.system).citizen_especially_serious_level
        content = report.build(grading, request.user, setting)
        audit.append(
            audit.Entry(
                action=AuditAction.EXPORT,
                actor=request.user,
                object_type=Grading._meta.label_lower,
                object_id=str(grading.pk),
                object_repr=str(grading),
                unit_path=gate.object_path(grading),
                event="grading.report",
                changes={"format": "docx"},
            )
        )
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        response["Content-Disposition"] = content_disposition(f"{grading.system.name}-定级报告.docx")
        return response


def system_panel(user, system) -> dict:
    """For the system page: ``{"grading_panel": …}`` for ``security/system_grading.html`` — the level,
    state, filing number and deadlines with a link to the grading, or "Grade this system" when there is none."""
    grading = Grading.objects.restrict(user, "view").filter(system=system).first()
    can_add = grading is None and gradable(user, system)
    panel = {
        "system": system,
        "grading": grading,
        "can_view": gate.has_perm(user, Grading, "view"),
        "add_url": reverse("security:grading_add") + f"?system={system.pk}" if can_add else "",
        "today": timezone.localdate(),
    }
    if grading is not None:
        panel["state_color"] = STATE_COLORS.get(grading.state, "secondary")
        panel["filing_due"] = None if grading.state == S.FILED else grading.filing_due
    return {"grading_panel": panel}


def gradable(user, system) -> bool:
    """The user may add a grading for ``system`` (scope of the grading is the system's department)."""
    return (
        gate.path_allowed(user, Grading, "add", system.owner_unit.path)
        and not Grading.objects.filter(system=system).exists()
    )


urlpatterns = [
    path("gradings/", GradingListView.as_view(), name="grading_list"),
    path("gradings/add/", GradingEditView.as_view(), name="grading_add"),
    path("gradings/import/", GradingImportView.as_view(), name="grading_import"),
    path("gradings/preview/", GradingPreviewView.as_view(), name="grading_preview"),
    path("gradings/<int:pk>/", GradingView.as_view(), name="grading"),
    path("gradings/<int:pk>/edit/", GradingEditView.as_view(), name="grading_edit"),
    path("gradings/<int:pk>/delete/", GradingDeleteView.as_view(), name="grading_delete"),
    path("gradings/<int:pk>/report/", GradingReportView.as_view(), name="grading_report"),
    *grading_steps.urlpatterns,
    *due.urlpatterns,
]
