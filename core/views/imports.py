"""The import page: upload → validate the whole file → preview → commit all or nothing, or cancel. The file is kept
between the preview and the commit (core.staging) and deleted after either."""

import secrets
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from core import staging, uploads
from core.io import ImportFileError
from core.io.checks import check_units
from core.staging import staging_dir
from core.views.generic import GateMixin

PREVIEW_ROWS = 20


class BulkImportView(GateMixin, View):
    """Subclasses set ``model`` and ``schema`` and may override ``commit(rows)``."""

    upload_policy = uploads.IMPORT

    schema = None
    template_name = "generic/object_import.html"

    def get(self, request, *args, **kwargs):
        self.require("import")
        if request.GET.get("template"):
            name = "{}-{}.xlsx".format(self.get_model()._meta.verbose_name_plural, _("import template"))
            response = HttpResponse(
                self.schema.template_xlsx(),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            from core.io.export import content_disposition

            response["Content-Disposition"] = content_disposition(name)
            return response
        return self.render_page({})

    def render_page(self, extra, status=200):
        context = {**self.common_context(), "columns": self.schema.columns, "list_url": self.url("list")}
        context.update(extra)
        return render(self.request, self.template_name, context, status=status)

    def post(self, request, *args, **kwargs):
        self.require("import")
        token = request.POST.get("token")
        if token and request.POST.get("action") == "cancel":
            return self.cancel(token)
        if token:
            return self.confirm(token)
        upload = request.FILES.get("file")
        if upload is None:
            return self.render_page({"file_error": _("Choose a file to import.")}, status=400)
        result, error = self.validate(upload, upload.name)
        if error:
            return self.render_page({"file_error": error}, status=400)
        if not result.ok:
            return self.render_page({"result": result, "filename": upload.name}, status=400)
        token = secrets.token_hex(16)
        staging.stage(upload, self.staged(token, upload.name))
        request.session[f"import:{token}"] = upload.name
        preview = [
            [row.get(c.name if c.name in row else c.name + "_id", "") for c in self.schema.columns]
            for row in result.rows[:PREVIEW_ROWS]
        ]
        return self.render_page({"result": result, "preview": preview, "token": token, "filename": upload.name})

    def validate(self, fileobj, name):
        try:
            return self.schema.validate(fileobj, name, self.request.user), None
        except ImportFileError as exc:
            return None, str(exc)

    def staged(self, token: str, name: str) -> Path:
        return staging_dir() / f"{self.request.user.pk}-{token}{Path(name).suffix.lower()[:8]}"

    def cancel(self, token):
        name = self.request.session.pop(f"import:{token}", None)
        if name is not None and token.isalnum():
            staging.discard(self.staged(token, name))
        return HttpResponseRedirect(self.request.path)

    def confirm(self, token):
        name = self.request.session.pop(f"import:{token}", None)
        if name is None or not token.isalnum():
            raise Http404
        path = self.staged(token, name)
        try:
            with open(path, "rb") as handle:
                result, error = self.validate(handle, name)
            if error or not result.ok:
                return self.render_page({"file_error": error, "result": result, "filename": name}, status=400)
            try:
                created = self.commit(result.rows)
            except ValidationError as exc:
                return self.render_page({"file_error": " ".join(exc.messages), "filename": name}, status=400)
        finally:
            staging.discard(path)
        messages.success(
            self.request, _("Imported {count} records from “{name}”.").format(count=len(created), name=name)
        )
        return HttpResponseRedirect(self.url("list"))

    def commit(self, rows):
        from core.imports import import_rows

        return import_rows(model=self.get_model(), rows=rows, actor=self.request.user)


def sort_errors(result) -> None:
    """Problems found by the page's own checks join the schema's, in row order (file-level notes last)."""
    result.errors.sort(key=lambda error: (error.row == 0, error.row))


class RecordImportView(BulkImportView):
    """Reports rows for units outside the user's import scope on the row; subclasses add their own checks."""

    unit_column = ""

    def validate(self, fileobj, name):
        result, error = super().validate(fileobj, name)
        if result is not None:
            user = self.request.user
            if self.unit_column:
                check_units(result, schema=self.schema, name=self.unit_column, model=self.get_model(), user=user)
            self.check(result, user)
            sort_errors(result)
        return result, error

    def check(self, result, user) -> None:
        pass
