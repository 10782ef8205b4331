"""The scanner import (漏洞扫描结果导入) and the saved column mappings.

upload (file, system, saved mapping) → for a known export (OpenVAS, Nessus CSV or .nessus) the check at once; for
another, the mapping step (columns, severity words; guessed from the headers or taken from the mapping) → check:
every bad row and column listed, and what the import would do counted: created, updated, reopened, unchanged,
skipped (by reason) → import: all or nothing, audited, the mapping saved when named; or cancel. The file is kept
between the steps in the database (core.staging) and deleted after the import or the cancel."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core import staging, uploads
from core.io import ImportFileError
from core.params import int_param
from core.views.generic import GateMixin, ObjectDeleteView, ObjectEditView, ObjectListView, ObjectView, apply_errors
from core.views.imports import PREVIEW_ROWS

from .. import scanner
from ..choices import Severity
from ..forms.findings import ScannerMappingForm
from ..forms.scanner import KnownScanForm, ScanForm, ScanUploadForm
from ..models import Finding, ScannerMapping
from ..services import findings as services
from ..tables.findings import ScannerMappingTable

LAST_USED = "security.scanner_mapping"


KIND = "security.scan"


class ScanView(GateMixin, View):
    upload_policy = uploads.IMPORT
    model = Finding
    template_name = "security/scanner_import.html"

    def get(self, request):
        self.require("import")
        initial = {"mapping": self.last_mapping()}
        if (system := int_param(request, "system")) is not None:
            initial["system"] = system
        return self.page({"upload_form": ScanUploadForm(user=request.user, initial=initial)})

    def last_mapping(self):
        """The mapping used last time in this session, else the one changed most recently."""
        mappings = ScannerMapping.objects.restrict(self.request.user, "view")
        last = self.request.session.get(LAST_USED)
        return (mappings.filter(pk=last).first() if last else None) or mappings.order_by("-updated_at").first()

    def page(self, extra: dict, status: int = 200):
        context = {**self.common_context(), "list_url": self.url("list"), "targets": scanner.TARGETS, **extra}
        return render(self.request, self.template_name, context, status=status)

    def post(self, request):
        self.require("import")
        if request.POST.get("token"):
            return self.mapping_step()
        return self.upload_step()

    def stage(self, upload) -> tuple[str, scanner.Detected]:
        """Recognise the file (raises ImportFileError) and keep it for the next steps; (token, what it is)."""
        found = scanner.detect(upload, upload.name)
        params = {"kind": found.kind}
        return staging.stage(upload, owner=self.request.user, kind=KIND, params=params).token, found

    def upload_step(self):
        user = self.request.user
        form = ScanUploadForm(self.request.POST, self.request.FILES, user=user)
        if not form.is_valid():
            return self.page({"upload_form": form}, status=400)
        upload, mapping = form.cleaned_data["file"], form.cleaned_data["mapping"]
        try:
            token, found = self.stage(upload)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.page({"upload_form": form}, status=400)
        system = form.cleaned_data["system"]
        if found.known:  # no mapping to make: checked at once
            data = {"token": token, "system": system.pk, "found_on": timezone.localdate().isoformat(), "owner": ""}
            known = KnownScanForm(data, user=user)
            return self.check(known, staging.find(user, token, KIND), found, "check", upload_form=form)
        headers = found.headers
        columns = scanner.guess_columns(headers)
        if mapping is not None:
            columns.update({name: h for name, h in mapping.columns.items() if h in headers})
        initial = {
            "token": token,
            "mapping": getattr(mapping, "pk", None),
            "system": system.pk,
            "found_on": timezone.localdate(),
            "words": scanner.words_text(mapping.severities if mapping else scanner.DEFAULT_WORDS),
            "save_as": mapping.name if mapping else "",
            **{f"column_{name}": header for name, header in columns.items()},
        }
        scan_form = ScanForm(headers=headers, user=user, initial=initial)
        return self.page({"form": scan_form, "filename": upload.name, "headers": headers, "found": found})

    def mapping_step(self):
        request, user = self.request, self.request.user
        data = request.POST.copy()
        token = data.get("token", "")
        staged = staging.find(user, token, KIND)
        if staged is None:
            raise Http404
        if data.get("action") == "cancel":
            staging.discard(staged)
            return HttpResponseRedirect(request.path)
        file_error = ""
        replacement = request.FILES.get("file")
        if replacement is not None:
            try:
                new_token, _found = self.stage(replacement)
            except ImportFileError as exc:
                file_error = str(exc)
            else:
                staging.discard(staged)
                staged = staging.find(user, new_token, KIND)
                data["token"] = new_token
        try:
            found = scanner.detect(staging.open_file(staged), staged.name)
        except ImportFileError as exc:  # the limits changed since the upload step
            form = ScanUploadForm(user=user)
            form.add_error(None, str(exc))
            return self.page({"upload_form": form}, status=400)
        form_class = KnownScanForm if found.known else ScanForm
        form = form_class(data, headers=found.headers, user=user)
        if file_error:
            form.is_valid()
            form.add_error("file", file_error)
        return self.check(form, staged, found, data.get("action"))

    def check(self, form, staged, found, action, upload_form=None):
        """Check the file with the form's mapping and show the plan; import it when asked and all is in order. A file
        that cannot be used, checked right after its upload (``upload_form``), is dropped and the upload shown again."""
        request, user, name = self.request, self.request.user, staged.name
        context = {"form": form, "filename": name, "headers": found.headers, "found": found}
        if not form.is_valid():
            return self.page(context, status=400)
        clean = form.cleaned_data
        try:
            result = scanner.read_scan(
                staging.open_file(staged),
                name,
                columns=form.columns(),
                words=clean.get("words"),
                system=clean["system"],
                found_on=clean["found_on"],
                user=user,
                owner=clean["owner"] or user,  # someone answers for every finding: the importer, unless named
                found=found,
            )
        except ImportFileError as exc:  # a row past a limit, or unreadable: the file as a whole cannot be used
            if upload_form is not None:
                staging.discard(staged)
                upload_form.add_error("file", str(exc))
                return self.page({"upload_form": upload_form}, status=400)
            form.add_error("file", str(exc))
            return self.page(context, status=400)
        context.update(result=result, owner_name=str(clean["owner"]) if clean["owner"] else "")
        context["skips"] = [(scanner.REASONS[reason], n) for reason, n in sorted(result.skips.items())]
        if not result.ok or action != "import" or not result.changes_anything:
            labels = dict(Severity.choices)
            context["preview"] = [{**row, "severity": labels[row["severity"]]} for row in result.rows[:PREVIEW_ROWS]]
            context["changed"] = result.updates[:PREVIEW_ROWS]
            return self.page(context, status=200 if result.ok else 400)
        try:
            mapping = self.commit(form, result, name)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.page(context, status=400)
        staging.discard(staged)
        if mapping is not None:
            request.session[LAST_USED] = mapping.pk
        messages.success(request, said(result, name, clean["system"].name))
        return HttpResponseRedirect(reverse("security:finding_list") + f"?system={clean['system'].pk}&source=scanner")

    @transaction.atomic
    def commit(self, form, result, filename):
        """The findings, and the mapping when it is named: both or neither."""
        user, data = self.request.user, form.cleaned_data
        system = data["system"]
        mapping = ScannerMapping.objects.restrict(user, "view").filter(pk=data.get("mapping") or 0).first()
        if data.get("save_as"):
            unit = services.mapping_unit(user, system)
            if unit is None:
                raise ValidationError({"save_as": _("You may not save column mappings; leave the name empty.")})
            mapping = services.scannermapping_remember(
                actor=user, unit=unit, name=data["save_as"], columns=form.columns(), severities=data["words"]
            )
        services.scan_import(actor=user, system=system, result=result, filename=filename, mapping=mapping)
        return mapping


def said(result, name: str, system: str) -> str:
    """What the import did, in one sentence."""
    counts = _("{created} created, {updated} updated, {reopened} reopened, {unchanged} unchanged, {skipped} skipped.")
    return _("Imported “{name}” for {system}: {counts}").format(
        name=name,
        system=system,
        counts=counts.format(
            created=result.created,
            updated=result.updated,
            reopened=result.reopened,
            unchanged=result.unchanged,
            skipped=result.skipped,
        ),
    )


# Saved column mappings ---------------------------------------------------------------------------------------------


class ScannerMappingListView(ObjectListView):
    queryset = ScannerMapping.objects.select_related("unit")
    table = ScannerMappingTable


class ScannerMappingView(ObjectView):
    queryset = ScannerMapping.objects.select_related("unit", "created_by", "updated_by")
    template_name = "security/scannermapping.html"

    def extra_context(self, obj):
        columns = obj.columns or {}
        return {
            "columns": [(target.label, columns.get(target.name, "")) for target in scanner.TARGETS],
            "words": sorted((obj.severities or {}).items(), key=lambda item: (item[1], item[0])),
        }


class ScannerMappingEditView(ObjectEditView):
    model = ScannerMapping
    form = ScannerMappingForm
    template_name = "inventory/records_form.html"


class ScannerMappingDeleteView(ObjectDeleteView):
    model = ScannerMapping


urlpatterns = [
    path("findings/scan/", ScanView.as_view(), name="finding_scan"),
    path("findings/mappings/", ScannerMappingListView.as_view(), name="scannermapping_list"),
    path("findings/mappings/add/", ScannerMappingEditView.as_view(), name="scannermapping_add"),
    path("findings/mappings/<int:pk>/", ScannerMappingView.as_view(), name="scannermapping"),
    path("findings/mappings/<int:pk>/edit/", ScannerMappingEditView.as_view(), name="scannermapping_edit"),
    path("findings/mappings/<int:pk>/delete/", ScannerMappingDeleteView.as_view(), name="scannermapping_delete"),
]
