"""Catalog exchange pages: export the data resource catalog as DCAT-AP JSON-LD or DCAT-US data.json, and import
either with a mapping report per dataset before anything is saved (upload → report → commit all or nothing, or
cancel; the file is kept in between in the database, core.staging, and deleted after either)."""

import hashlib
import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View

from core import staging, uploads
from core.io.export import content_disposition
from core.models import Unit
from core.params import int_param
from core.views.generic import GateMixin, deny
from inventory import dcat, dcat_validate, services
from inventory.dcat_plan import Options, parse_mapping
from inventory.forms import DcatExportForm, DcatImportForm
from inventory.models import DataResource


class DcatExportView(GateMixin, View):
    model = DataResource
    template_name = "inventory/dcat_export.html"

    def get(self, request):
        self.require("export")
        unit = self.chosen_unit()
        form = DcatExportForm(request.GET if "format" in request.GET else None)
        validation = None
        if form.is_bound and form.is_valid():
            if "validate" not in request.GET:
                return self.download(form.cleaned_data["format"], unit)
            validation = self.validate(form.cleaned_data["format"], unit)
        context = {
            **self.common_context(),
            "form": form,
            "validation": validation,
            "unit": unit,
            "count": dcat.export_queryset(request.user, unit).count(),
            "list_url": self.url("list"),
        }
        return render(request, self.template_name, context)

    def chosen_unit(self):
        """``?unit=`` narrows the export to a subtree; a unit the user cannot see is 404, as everywhere."""
        pk = int_param(self.request, "unit")
        if pk is None:
            return None
        try:
            return Unit.objects.restrict(self.request.user, "view").get(pk=pk)
        except Unit.DoesNotExist:
            raise deny(self.request, Unit, object_id=pk, reason="scope") from None

    def validate(self, fmt: str, unit):
        """The export as it would be downloaded, checked against the published schema or shapes (not audited as
        an export: nothing leaves the server)."""
        resources = dcat.export_queryset(self.request.user, unit)
        title = _("Government information resource catalog")
        pieces = dcat.stream(fmt, resources, user=self.request.user, title=title, publisher=unit)
        return dcat_validate.validate(fmt, "".join(pieces).encode("utf-8"))

    def download(self, fmt: str, unit):
        resources = dcat.export_queryset(self.request.user, unit)
        name, content_type, filename = dcat.FORMATS[fmt]
        title = _("Government information resource catalog")
        if unit is not None:
            title = f"{title} · {unit.name}"
        dcat.record_export(actor=self.request.user, fmt=fmt, unit=unit, rows=resources.count())
        chunks = (
            piece.encode("utf-8")
            for piece in dcat.stream(fmt, resources, user=self.request.user, title=title, publisher=unit)
        )
        response = StreamingHttpResponse(chunks, content_type=content_type)
        prefix = unit.code if unit is not None else "catalog"
        response["Content-Disposition"] = content_disposition(f"{prefix}-{filename}")
        return response


KIND = "inventory.dcat"


def digest(plan) -> str:
    """What the report showed (each dataset's code and whether it creates or updates): the import commits only that."""
    shown = json.dumps([(d.identifier, d.code, d.action, d.ok) for d in plan.datasets], ensure_ascii=False)
    return hashlib.sha256(shown.encode()).hexdigest()[:32]


class DcatImportView(GateMixin, View):
    upload_policy = uploads.IMPORT
    model = DataResource
    template_name = "inventory/dcat_import.html"

    def get(self, request):
        self.require("import")
        self.require("add")
        return self.page(DcatImportForm(user=request.user))

    def page(self, form, status=200, **extra):
        context = {**self.common_context(), "form": form, "list_url": self.url("list"), **extra}
        return render(self.request, self.template_name, context, status=status)

    def post(self, request):
        self.require("import")
        self.require("add")
        token, action = request.POST.get("token"), request.POST.get("action", "")
        if token and action == "cancel":
            return self.cancel(token)
        if token:
            return self.staged(token, action)
        form = DcatImportForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self.page(form, status=400)
        upload, unit = form.cleaned_data["file"], form.cleaned_data["unit"]
        fmt = form.cleaned_data.get("format") or "auto"
        options = Options(classification=form.cleaned_data.get("classification") or "")
        try:
            plan = dcat.parse(upload, user=request.user, fmt=fmt, options=options, name=upload.name)
        except dcat.DcatError as exc:
            return self.page(form, status=400, file_error=str(exc), filename=upload.name)
        params = {"unit": unit.pk, "format": fmt, **options.as_params()}
        staged = staging.stage(upload, owner=request.user, kind=KIND, params=params)
        return self.report(form, plan, staged, unit)

    def report(self, form, plan, staged, unit, **extra):
        mapping = extra.pop("mapping", None) or "\n".join(
            f"{d.identifier} = {d.code}" for d in plan.datasets if d.identifier and d.code
        )
        return self.page(
            form,
            status=200 if plan.ok else 400,
            plan=plan,
            filename=staged.name,
            unit=unit,
            token=staged.token,
            mapping=mapping,
            expect=digest(plan),
            **extra,
        )

    def cancel(self, token: str):
        staging.discard(staging.find(self.request.user, token, KIND))
        return HttpResponseRedirect(self.request.path)

    def staged(self, token: str, action: str):
        """The report's choices on a staged file: check again with the edited mapping table, import all (the
        default), or import only the valid datasets."""
        staged = staging.find(self.request.user, token, KIND)
        if staged is None:
            raise Http404
        form = DcatImportForm(user=self.request.user)
        unit = form.fields["unit"].queryset.filter(pk=staged.params.get("unit")).first()
        if unit is None:  # the user lost the unit since the preview
            staging.discard(staged)
            raise deny(self.request, Unit, object_id=staged.params.get("unit"), reason="scope")
        mapping, errors = parse_mapping(self.request.POST.get("mapping", ""))
        options = Options.from_params(staged.params)
        options.mapping = mapping
        try:
            fmt = staged.params.get("format", "auto")
            plan = dcat.parse(
                staging.open_file(staged), user=self.request.user, fmt=fmt, options=options, name=staged.name
            )
        except dcat.DcatError as exc:
            staging.discard(staged)
            return self.page(form, status=400, file_error=str(exc), filename=staged.name)
        if errors or action == "remap":
            text = self.request.POST.get("mapping", "") if errors else None  # the user's lines, to correct
            return self.report(form, plan, staged, unit, mapping_errors=errors, mapping=text)
        expected = self.request.POST.get("expect")
        if expected and expected != digest(plan):
            error = _("The catalog changed since the report: check the new report and confirm again.")
            return self.report(form, plan, staged, unit, file_error=error)
        try:
            result = services.catalog_import(
                actor=self.request.user, unit=unit, plan=plan, valid_only=action == "valid_only"
            )
        except ValidationError as exc:
            return self.report(form, plan, staged, unit, file_error=" ".join(exc.messages))
        staging.discard(staged)
        message = _(
            "“{name}” into {unit}: {created} created, {updated} updated, {unchanged} unchanged, {skipped} skipped."
        )
        messages.success(self.request, message.format(name=staged.name, unit=unit, **vars(result)))
        return HttpResponseRedirect(reverse("inventory:dataresource_list"))


urlpatterns = [
    path("catalog/dcat/export/", DcatExportView.as_view(), name="dcat_export"),
    path("catalog/dcat/import/", DcatImportView.as_view(), name="dcat_import"),
]
