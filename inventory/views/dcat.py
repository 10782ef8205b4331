"""Catalog exchange pages: export the data resource catalog as DCAT-AP JSON-LD or DCAT-US data.json, and import
either with a mapping report per dataset before anything is saved (upload → report → commit all or nothing, or
cancel; the file is kept in between in the database, core.staging, and deleted after either)."""

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
from inventory import dcat, services
from inventory.forms import DcatExportForm, DcatImportForm
from inventory.models import DataResource


class DcatExportView(GateMixin, View):
    model = DataResource
    template_name = "inventory/dcat_export.html"

    def get(self, request):
        self.require("export")
        unit = self.chosen_unit()
        form = DcatExportForm(request.GET if "format" in request.GET else None)
        if form.is_bound and form.is_valid():
            return self.download(form.cleaned_data["format"], unit)
        context = {
            **self.common_context(),
            "form": form,
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
        if request.POST.get("token") and request.POST.get("action") == "cancel":
            return self.cancel(request.POST["token"])
        if request.POST.get("token"):
            return self.confirm(request.POST["token"])
        form = DcatImportForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self.page(form, status=400)
        upload, unit = form.cleaned_data["file"], form.cleaned_data["unit"]
        try:
            plan = dcat.parse(upload, user=request.user)
        except dcat.DcatError as exc:
            return self.page(form, status=400, file_error=str(exc), filename=upload.name)
        if not plan.ok:
            return self.page(form, status=400, plan=plan, filename=upload.name, unit=unit)
        staged = staging.stage(upload, owner=request.user, kind=KIND, params={"unit": unit.pk})
        return self.page(form, plan=plan, filename=upload.name, unit=unit, token=staged.token)

    def cancel(self, token: str):
        staging.discard(staging.find(self.request.user, token, KIND))
        return HttpResponseRedirect(self.request.path)

    def confirm(self, token: str):
        staged = staging.find(self.request.user, token, KIND)
        if staged is None:
            raise Http404
        form = DcatImportForm(user=self.request.user)
        unit = form.fields["unit"].queryset.filter(pk=staged.params.get("unit")).first()
        try:
            if unit is None:  # the user lost the unit since the preview
                raise deny(self.request, Unit, object_id=staged.params.get("unit"), reason="scope")
            plan = dcat.parse(staging.open_file(staged), user=self.request.user)
            created = services.catalog_import(actor=self.request.user, unit=unit, plan=plan)
        except dcat.DcatError as exc:
            return self.page(form, status=400, file_error=str(exc), filename=staged.name)
        except ValidationError as exc:
            extra = {"plan": plan} if not plan.ok else {}
            return self.page(form, status=400, file_error=" ".join(exc.messages), filename=staged.name, **extra)
        finally:
            staging.discard(staged)
        message = _("Imported {count} data resources from “{name}” into {unit}.")
        messages.success(self.request, message.format(count=len(created), name=staged.name, unit=unit))
        return HttpResponseRedirect(reverse("inventory:dataresource_list"))


urlpatterns = [
    path("catalog/dcat/export/", DcatExportView.as_view(), name="dcat_export"),
    path("catalog/dcat/import/", DcatImportView.as_view(), name="dcat_import"),
]
