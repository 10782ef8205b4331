"""Findings and rectification (问题与整改): list with filters, detail with the evidence and the workflow, add/edit
(prefilled from an assessment page), delete, bulk edit of owner and severity, import and export; the workflow steps
rectify → verify or reject, one POST view each (services.findings has the rules); and the panel of a system's page.
Every read goes through ``restrict``; writes through ``security.services.findings``."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import files, gate
from core.params import choice_param, int_param
from core.services import ConflictError
from core.views import generic
from core.views.generic import (
    BulkEditView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    ObjectView,
)
from core.views.imports import BulkImportView

from .. import choices as c
from ..filtersets.findings import FindingFilterSet
from ..forms.findings import FindingBulkForm, FindingForm, FindingRectifyForm, FindingRejectForm, FindingVerifyForm
from ..models import Assessment, CryptoAssessment, Finding
from ..schemas.findings import check_systems, finding_schema
from ..services import findings as services
from ..tables.findings import SEVERITY_COLORS, STATUS_COLORS, FindingTable, overdue
from . import scanner

RELATED = ("system__owner_unit", "owner__unit")  # the owner's unit: whether the reader may see them (core.names)


class FindingListView(ObjectListView):
    queryset = Finding.objects.select_related(*RELATED)
    table = FindingTable
    filterset = FindingFilterSet
    template_name = "security/finding_list.html"

    def extra_context(self):
        return {"can_scan": gate.has_perm(self.request.user, Finding, "import")}


class FindingView(ObjectView):
    queryset = Finding.objects.select_related(
        *RELATED, "assessment", "crypto_assessment", "fixed_by", "verified_by", "created_by", "updated_by"
    )
    template_name = "security/finding.html"

    def extra_context(self, obj):
        user = self.request.user
        policy_deadline = services.was_policy_deadline(
            {"deadline": obj.deadline, "found_on": obj.found_on, "severity": obj.severity}, obj.system
        )
        can_verify = gate.can(user, "verify", obj)
        return {
            "evidence": files.attachments_of(obj, kind=services.EVIDENCE).select_related("uploaded_by"),
            "overdue": overdue(obj),
            "policy_deadline": policy_deadline,
            "severity_color": SEVERITY_COLORS.get(obj.severity, "secondary"),
            "status_color": STATUS_COLORS.get(obj.status, "secondary"),
            "assessment_visible": visible(Assessment, user, obj.assessment_id),
            "crypto_visible": visible(CryptoAssessment, user, obj.crypto_assessment_id),
            # Each form with its own id prefix: the verify and reject forms share field names on one page.
            "rectify_form": FindingRectifyForm(initial={"version": obj.version}, auto_id="rectify_%s")
            if obj.status == c.FindingStatus.OPEN and gate.can(user, "change", obj)
            else None,
            "can_verify": can_verify and obj.status == c.FindingStatus.FIXED and obj.fixed_by_id != user.pk,
            "is_fixer": can_verify and obj.status == c.FindingStatus.FIXED and obj.fixed_by_id == user.pk,
            "verify_form": FindingVerifyForm(initial={"version": obj.version}, auto_id="verify_%s"),
            "reject_form": FindingRejectForm(initial={"version": obj.version}, auto_id="reject_%s"),
        }


def visible(model, user, pk) -> bool:
    return bool(pk) and model.objects.restrict(user, "view").filter(pk=pk).exists()


class FindingEditView(ObjectEditView):
    """A new finding may be raised from an assessment page: ``?system=&source=&assessment=`` (or
    ``crypto_assessment=``) preselect those fields, and the day found defaults to the assessment's date."""

    model = Finding
    queryset = Finding.objects.select_related("system__owner_unit")
    form = FindingForm
    template_name = "security/finding_form.html"

    def get_form(self, obj, data=None):
        initial = self.prefill() if data is None and obj.pk is None else None
        return self.form(data=data, instance=obj, user=self.request.user, initial=initial)

    def prefill(self) -> dict:
        request, user, initial = self.request, self.request.user, {}
        if source := choice_param(request, "source", c.FindingSource.values):
            initial["source"] = source
        for name, model in (("assessment", Assessment), ("crypto_assessment", CryptoAssessment)):
            pk = int_param(request, name)
            linked = model.objects.restrict(user, "view").filter(pk=pk).first() if pk is not None else None
            if linked is not None:
                initial.update({name: linked.pk, "system": linked.system_id, "found_on": linked.assessed_on})
        system = int_param(request, "system")
        if "system" not in initial and system is not None:
            initial["system"] = system
        return initial

    def save(self, form, before):
        return services.finding_save(
            actor=self.request.user,
            finding=form.save(commit=False),
            before=before,
            expected_version=form.cleaned_data.get("version"),
        )


class FindingDeleteView(ObjectDeleteView):
    model = Finding

    def post(self, request, *args, **kwargs):
        self.require("delete")
        finding = self.get_object("delete")
        services.finding_delete(actor=request.user, finding=finding)
        messages.success(request, _("Deleted “{name}”.").format(name=finding))
        return HttpResponseRedirect(self.url("list"))


class FindingBulkEditView(BulkEditView):
    """Owner and severity of the selected findings, all or nothing; a policy deadline follows a new severity."""

    model = Finding
    form = FindingBulkForm
    bulk_fields = ["owner", "severity"]

    def post(self, request, *args, **kwargs):
        self.require("change")
        ids = request.POST.getlist("pk")
        objects = list(self.restricted("change").select_related("system__owner_unit").filter(pk__in=ids))
        if not objects or len(objects) != len(set(ids)):
            raise Http404
        chosen = [name for name in self.bulk_fields if request.POST.get(f"apply_{name}")]
        applying = "_apply" in request.POST
        form = self.build_form(request.POST if applying else None)
        if applying and not chosen:
            form.add_error(None, _("Tick the fields you want to change."))
        elif applying and form.is_valid():
            try:
                changes = {name: form.cleaned_data[name] for name in chosen}
                count = services.findings_bulk_edit(actor=request.user, findings=objects, changes=changes)
            except (ValidationError, ConflictError) as exc:
                error = " ".join(getattr(exc, "messages", [str(exc)]))
                messages.error(request, _("Nothing was changed: {error}").format(error=error))
            else:
                messages.success(request, _("Changed {count} records.").format(count=count))
                return HttpResponseRedirect(self.url("list"))
        context = {**self.common_context(), "form": form, "objects": objects, "list_url": self.url("list")}
        return render(request, self.template_name, context)


class FindingImportView(BulkImportView):
    model = Finding
    schema = finding_schema

    def validate(self, fileobj, name):
        result, error = super().validate(fileobj, name)
        if result is not None:
            check_systems(result, user=self.request.user)
        return result, error

    def commit(self, rows):
        return services.findings_import(actor=self.request.user, rows=rows)


# Workflow steps ---------------------------------------------------------------------------------------------------


class FindingStepView(generic.WorkflowStepView):
    """A step of the rectification workflow (core.views.generic.WorkflowStepView); the rules refuse, for instance, the
    fixer verifying their own work."""

    model = Finding
    queryset = Finding.objects.select_related("system__owner_unit", "owner", "fixed_by")


class FindingRectifyView(FindingStepView):
    action = "change"
    form_class = FindingRectifyForm
    done = gettext_lazy("Rectification recorded. Someone other than you verifies it.")

    def perform(self, finding, form):
        data = form.cleaned_data
        services.finding_rectify(
            actor=self.request.user,
            finding=finding,
            rectification=data["rectification"],
            evidence=data["evidence"],
            expected_version=data.get("version"),
        )


class FindingVerifyView(FindingStepView):
    action = "verify"
    form_class = FindingVerifyForm
    done = gettext_lazy("Verified: the finding is closed.")

    def perform(self, finding, form):
        data = form.cleaned_data
        services.finding_verify(
            actor=self.request.user, finding=finding, note=data["note"], expected_version=data.get("version")
        )


class FindingRejectView(FindingStepView):
    action = "verify"
    form_class = FindingRejectForm
    done = gettext_lazy("Verification rejected: the finding is open again and its owner is told why.")

    def perform(self, finding, form):
        data = form.cleaned_data
        services.finding_reject(
            actor=self.request.user, finding=finding, note=data["note"], expected_version=data.get("version")
        )


# The system page's panel ------------------------------------------------------------------------------------------


def system_panel(user, system) -> dict:
    """For the system page: ``{"findings_panel": …}`` for ``security/system_findings.html`` — the
    system's findings not yet verified by severity, how many await verification, how many are overdue, and links
    to the list, to add one and to import a scan; ``{"findings_panel": None}`` when the user may see no findings."""
    if not gate.has_perm(user, Finding, "view"):
        return {"findings_panel": None}
    today = timezone.localdate()
    late = Q(status=c.FindingStatus.OPEN, deadline__lt=today)
    rows = (
        Finding.objects.restrict(user, "view")
        .filter(system=system)
        .exclude(status=c.FindingStatus.VERIFIED)
        .order_by()
        .values("severity")
        .annotate(
            n=Count("pk"), fixed=Count("pk", filter=Q(status=c.FindingStatus.FIXED)), late=Count("pk", filter=late)
        )
    )
    counts = {row["severity"]: row for row in rows}
    list_url = reverse("security:finding_list") + f"?system={system.pk}"
    probe = Finding(system=system)
    return {
        "findings_panel": {
            "system": system,
            "by_severity": [
                (s.value, s.label, SEVERITY_COLORS[s], counts.get(s.value, {}).get("n", 0)) for s in c.Severity
            ],
            "open": sum(row["n"] for row in counts.values()),
            "awaiting": sum(row["fixed"] for row in counts.values()),
            "overdue": sum(row["late"] for row in counts.values()),
            "list_url": list_url,
            "open_url": list_url + "&status=open",
            "overdue_url": list_url + "&overdue=yes",
            "add_url": reverse("security:finding_add") + f"?system={system.pk}" if gate.can(user, "add", probe) else "",
            "scan_url": reverse("security:finding_scan") + f"?system={system.pk}"
            if gate.can(user, "import", probe)
            else "",
        }
    }


urlpatterns = [
    path("findings/", FindingListView.as_view(), name="finding_list"),
    path("findings/add/", FindingEditView.as_view(), name="finding_add"),
    path("findings/import/", FindingImportView.as_view(), name="finding_import"),
    path("findings/edit/", FindingBulkEditView.as_view(), name="finding_bulk_edit"),
    path("findings/<int:pk>/", FindingView.as_view(), name="finding"),
    path("findings/<int:pk>/edit/", FindingEditView.as_view(), name="finding_edit"),
    path("findings/<int:pk>/delete/", FindingDeleteView.as_view(), name="finding_delete"),
    path("findings/<int:pk>/rectify/", FindingRectifyView.as_view(), name="finding_rectify"),
    path("findings/<int:pk>/verify/", FindingVerifyView.as_view(), name="finding_verify"),
    path("findings/<int:pk>/reject/", FindingRejectView.as_view(), name="finding_reject"),
    *scanner.urlpatterns,
]
