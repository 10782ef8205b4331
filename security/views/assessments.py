"""Pages of MLPS assessments and self-inspections (测评/自查, 公通字[2007]43号 art. 14) and of crypto assessments
(密评, GB/T 39786-2021): the records, the crypto compliance of every system, and the panel of the system page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core import audit, files, gate
from core.choices import AuditAction
from core.io import export_response
from core.params import int_param
from core.tree import subtree_q
from core.views.generic import GateMixin, ObjectDeleteView, ObjectEditView, ObjectListView, ObjectView
from core.views.imports import BulkImportView

from .. import crypto, deadlines
from ..choices import AssessmentKind
from ..filtersets.assessments import AssessmentFilterSet, CryptoAssessmentFilterSet
from ..forms.assessments import AssessmentForm, CryptoAssessmentForm, CryptoStatusFilterForm
from ..models import Assessment, CryptoAssessment, Finding, Grading
from ..schemas.assessments import assessment_schema, complete_rows, cryptoassessment_schema
from ..services import assessments as services
from ..tables.assessments import CONCLUSION_COLORS, AssessmentTable, CryptoAssessmentTable, crypto_rows, item_cells

ASSESS_BEFORE_LIVE = gettext_lazy("Assess before going live, then yearly for important systems.")


def finding_url(obj, source: str, field: str, user) -> str | None:
    """The link to raise a finding from this assessment (the findings' form reads the query), if the user may."""
    if not gate.has_perm(user, Finding, "add"):
        return None
    try:
        base = reverse("security:finding_add")
    except NoReverseMatch:
        return None
    return base + "?" + urlencode({"system": obj.system_id, "source": source, field: obj.pk})


def record_context(request, obj, *, source: str, field: str) -> dict:
    user = request.user
    return {
        "reports": files.attachments_of(obj, kind=services.REPORT),
        "findings": Finding.objects.restrict(user, "view").filter(**{field: obj}).select_related("owner__unit"),
        "can_view_findings": gate.has_perm(user, Finding, "view"),
        "raise_finding_url": finding_url(obj, source, field, user),
        "conclusion_color": CONCLUSION_COLORS.get(obj.conclusion, "secondary"),
        "today": timezone.localdate(),
    }


class PrefillMixin:
    """Forms with the report upload; a new record may be started from a system (``?system=<id>``), which also
    gives the level its default."""

    def get_form(self, obj, data=None):
        files_ = self.request.FILES if data is not None else None
        form = self.form(data=data, files=files_, instance=obj, user=self.request.user)
        system_id = int_param(self.request, "system")
        if data is None and obj.pk is None and system_id is not None:
            system = form.fields["system"].queryset.filter(pk=system_id).first()
            if system is not None:
                form.initial.update(system=system.pk, level=self.default_level(system))
        return form


class ServiceDeleteView(ObjectDeleteView):
    """Deletes through the concern's service (which also moves due dates and removes the files)."""

    delete_service = None

    def post(self, request, *args, **kwargs):
        self.require("delete")
        obj = self.get_object("delete")
        try:
            self.delete_service(actor=request.user, assessment=obj)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(obj.get_absolute_url())
        messages.success(request, _("Deleted “{name}”.").format(name=obj))
        return HttpResponseRedirect(self.url("list"))


class ScopedImportView(BulkImportView):
    def validate(self, fileobj, name):
        result, error = super().validate(fileobj, name)
        if result is not None:
            complete_rows(result, schema=self.schema, user=self.request.user)
        return result, error


# MLPS assessments and self-inspections ---------------------------------------------------------------------------

RELATED = ("system__owner_unit",)


class AssessmentListView(ObjectListView):
    queryset = Assessment.objects.select_related(*RELATED)
    table = AssessmentTable
    filterset = AssessmentFilterSet


class AssessmentView(ObjectView):
    queryset = Assessment.objects.select_related(*RELATED, "created_by", "updated_by")
    template_name = "security/assessment.html"

    def extra_context(self, obj):
        context = record_context(self.request, obj, source="assessment", field="assessment")
        context["grading"] = Grading.objects.restrict(self.request.user, "view").filter(system=obj.system).first()
        return context


class AssessmentEditView(PrefillMixin, ObjectEditView):
    model = Assessment
    form = AssessmentForm
    template_name = "security/assessment_form.html"

    def default_level(self, system):
        return services.mlps_level_of(system)

    def save(self, form, before):
        return services.assessment_save(
            actor=self.request.user,
            assessment=form.save(commit=False),
            report=form.cleaned_data.get("report"),
            before=before,
            expected_version=form.cleaned_data.get("version"),
        )


class AssessmentDeleteView(ServiceDeleteView):
    queryset = Assessment.objects.select_related(*RELATED)
    delete_service = staticmethod(services.assessment_delete)


class AssessmentImportView(ScopedImportView):
    model = Assessment
    schema = assessment_schema

    def commit(self, rows):
        return services.assessments_import(actor=self.request.user, rows=rows)


# Crypto assessments ------------------------------------------------------------------------------------------------


class CryptoAssessmentListView(ObjectListView):
    queryset = CryptoAssessment.objects.select_related(*RELATED).prefetch_related("items")
    table = CryptoAssessmentTable
    filterset = CryptoAssessmentFilterSet
    template_name = "security/cryptoassessment_list.html"


class CryptoAssessmentView(ObjectView):
    queryset = CryptoAssessment.objects.select_related(*RELATED, "created_by", "updated_by")
    template_name = "security/cryptoassessment.html"

    def extra_context(self, obj):
        context = record_context(self.request, obj, source="crypto", field="crypto_assessment")
        results = list(obj.items.all())
        context.update(
            cells=item_cells(None, results),
            shall=services.shall_met(results),
            important=deadlines.crypto_important(obj.level, obj.system.data_class),
        )
        return context


class CryptoAssessmentEditView(PrefillMixin, ObjectEditView):
    model = CryptoAssessment
    form = CryptoAssessmentForm
    template_name = "security/crypto_form.html"

    def default_level(self, system):
        return services.default_crypto_level(system)

    def save(self, form, before):
        return services.cryptoassessment_save(
            actor=self.request.user,
            assessment=form.save(commit=False),
            items=form.items(),
            report=form.cleaned_data.get("report"),
            before=before,
            expected_version=form.cleaned_data.get("version"),
        )


class CryptoAssessmentDeleteView(ServiceDeleteView):
    queryset = CryptoAssessment.objects.select_related(*RELATED)
    delete_service = staticmethod(services.cryptoassessment_delete)


class CryptoAssessmentImportView(ScopedImportView):
    model = CryptoAssessment
    schema = cryptoassessment_schema

    def commit(self, rows):
        return services.cryptoassessments_import(actor=self.request.user, rows=rows)


# Crypto compliance by system ---------------------------------------------------------------------------------------


class CryptoStatusView(GateMixin, View):
    """Every system in scope with an MLPS level or a crypto assessment, and where its crypto compliance stands."""

    model = CryptoAssessment
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        self.require("view")
        today = timezone.localdate()
        form = CryptoStatusFilterForm(request.GET or None, user=request.user)
        systems = services.crypto_status_systems(request.user).order_by("owner_unit__path", "code", "pk")
        status = 400 if form.is_bound and not form.is_valid() else 200  # the page with the form's message
        if status == 400:
            systems = systems.none()
        elif form.is_bound:
            data = form.cleaned_data
            if data["q"]:
                text = data["q"].strip()
                systems = systems.filter(Q(name__icontains=text) | Q(code__icontains=text))
            if data["within"]:
                systems = systems.filter(subtree_q("owner_unit__path", data["within"].path))
            if data["attention"]:
                systems = services.needing_attention(systems, today)
        if request.GET.get("export") in {"csv", "xlsx"} and status == 200:
            return self.export(systems, request.GET["export"], today)
        page = Paginator(systems, self.paginate_by).get_page(request.GET.get("page"))
        params = request.GET.copy()
        params.pop("page", None)
        context = {
            **self.common_context(),
            "filter_form": form,
            "page": page,
            "rows": crypto_rows(page.object_list, today),
            "items": crypto.ITEMS,
            "querystring": params.urlencode(),
            "filtered": any(k != "page" and v for k, v in request.GET.items()),
            "assess_before_live": ASSESS_BEFORE_LIVE,
        }
        return render(request, "security/crypto_status.html", context, status=status)

    def export(self, systems, fmt, today):
        self.require("export")
        audit.append(
            audit.Entry(
                action=AuditAction.EXPORT,
                actor=self.request.user,
                object_type="security.cryptostatus",
                unit_path=getattr(getattr(self.request.user, "unit", None), "path", ""),
                changes={"format": fmt, "query": self.request.GET.urlencode(), "rows": systems.count()},
            )
        )
        headers = [
            _("System"),
            _("System code"),
            _("Department"),
            _("MLPS level"),
            _("Crypto level"),
            _("Latest assessment"),
            _("Conclusion"),
            *[_("Item {code}").format(code=code) for code in crypto.ITEMS],
            _("Shall items met"),
            _("Next assessment due"),
            _("Attention"),
        ]
        return export_response(fmt, _("Crypto compliance"), headers, self.export_rows(systems, today))

    def export_rows(self, systems, today):
        for start in range(0, systems.count(), 500):
            for row in crypto_rows(systems[start : start + 500], today):
                latest = row["latest"]
                flags = []
                if row["never_assessed"]:
                    flags.append(str(ASSESS_BEFORE_LIVE))
                if row["overdue"]:
                    flags.append(_("Overdue"))
                yield [
                    row["system"].name,
                    row["system"].code,
                    row["system"].owner_unit.name,
                    row["mlps"] or "",
                    row["level"] or "",
                    latest.assessed_on if latest else "",
                    latest.get_conclusion_display() if latest else "",
                    *[f"{cell['mark']} {cell['label']}" if latest else cell["mark"] for cell in row["cells"]],
                    f"{row['met']}/{row['asked']}" if row["asked"] else "",
                    row["next_due"] or "",
                    " ".join(flags),
                ]


# The system page's panel -------------------------------------------------------------------------------------------


UNREAD = object()


def system_panel(user, system, grading=UNREAD) -> dict:
    """Latest MLPS assessment and self-inspection, latest crypto assessment with its items a–h, and the next dues,
    as the user may see them; ``{"assessment_panel": None}`` when they may see none of it. ``grading``: the
    system's grading as the user may see it, when the caller has read it already (the system page's tab)."""
    can_mlps = gate.has_perm(user, Assessment, "view")
    can_crypto = gate.has_perm(user, CryptoAssessment, "view")
    if not (can_mlps or can_crypto):
        return {"assessment_panel": None}
    today = timezone.localdate()
    panel = {"can_mlps": can_mlps, "can_crypto": can_crypto, "today": today, "system": system}
    if can_mlps:
        visible = Assessment.objects.restrict(user, "view").filter(system=system)
        panel["latest_assessment"] = visible.filter(kind=AssessmentKind.ASSESSMENT).first()
        panel["latest_self_inspection"] = visible.filter(kind=AssessmentKind.SELF_INSPECTION).first()
        if grading is UNREAD:
            grading = Grading.objects.restrict(user, "view").filter(system=system).first()
        panel["grading"] = grading
        if gate.can(user, "add", Assessment(system=system)):
            panel["add_assessment_url"] = reverse("security:assessment_add") + f"?system={system.pk}"
    if can_crypto:
        latest = CryptoAssessment.objects.restrict(user, "view").filter(system=system).first()
        known = grading if grading not in (UNREAD, None) else None
        mlps = known.level if known is not None else services.mlps_level_of(system)
        level = crypto.crypto_level(mlps) or (latest.level if latest else None)
        results = list(latest.items.all()) if latest else []
        panel.update(
            latest_crypto=latest,
            crypto_level=level,
            cells=item_cells(level, results),
            shall=services.shall_met(results, level) if latest else None,
            never_assessed=latest is None and (level or 0) >= 3,
            assess_before_live=ASSESS_BEFORE_LIVE,
        )
        if gate.can(user, "add", CryptoAssessment(system=system)):
            panel["add_crypto_url"] = reverse("security:cryptoassessment_add") + f"?system={system.pk}"
    return {"assessment_panel": panel}


# URLs --------------------------------------------------------------------------------------------------------------


def record_urls(prefix: str, model: str) -> list:
    name = model.lower()

    def view(suffix: str):
        return globals()[f"{model}{suffix}"].as_view()

    return [
        path(f"{prefix}/", view("ListView"), name=f"{name}_list"),
        path(f"{prefix}/add/", view("EditView"), name=f"{name}_add"),
        path(f"{prefix}/import/", view("ImportView"), name=f"{name}_import"),
        path(f"{prefix}/<int:pk>/", view("View"), name=name),
        path(f"{prefix}/<int:pk>/edit/", view("EditView"), name=f"{name}_edit"),
        path(f"{prefix}/<int:pk>/delete/", view("DeleteView"), name=f"{name}_delete"),
    ]


urlpatterns = [
    *record_urls("assessments", "Assessment"),
    *record_urls("crypto-assessments", "CryptoAssessment"),
    path("crypto-compliance/", CryptoStatusView.as_view(), name="crypto_status"),
]
