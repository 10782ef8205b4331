"""The import page: upload → the whole file checked → preview → commit all or nothing, or cancel.

The file is kept in the database between the steps (core.staging) and the check and the commit run as background
tasks (core.importjobs), so any app server may answer any step. While a task runs, the page shows its progress
(``ImportStatusView``, polled as JSON) and then its result; when the task is done by the time the page answers (the
immediate backend of the tests, or a fast worker), the result is shown at once.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from core import gate, importjobs, staging, uploads
from core.io import CellError, ImportFileError
from core.io.checks import check_units
from core.models import ImportUpload
from core.views.generic import GateMixin

PREVIEW_ROWS = 20
State = ImportUpload.State


class StoredResult:
    """A check's result as kept on the upload, shaped as the page shows a ``ValidationResult``."""

    def __init__(self, data: dict) -> None:
        self.errors = [CellError(row, column, message) for row, column, message in data.get("errors", [])]
        self.total = data.get("total", 0)
        self.omitted = data.get("omitted", 0)

    @property
    def ok(self) -> bool:
        return not self.errors


class BulkImportView(GateMixin, View):
    """Subclasses set ``model`` and ``schema`` and may override ``validate(fileobj, name)`` and ``commit(rows)``,
    which run in the task worker with ``self.request.user`` the uploader."""

    upload_policy = uploads.IMPORT

    schema = None
    template_name = "generic/object_import.html"

    @classmethod
    def kind(cls) -> str:
        return f"{cls.__module__}.{cls.__qualname__}"

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
        if request.GET.get("upload"):
            return self.show(self.own_upload(request.GET["upload"]))
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
        staged = staging.stage(upload, owner=request.user, kind=self.kind(), params={"page": request.path})
        importjobs.start_check(staged)
        return self.answer(staged)

    def own_upload(self, token: str) -> ImportUpload:
        """The user's own upload to this page; anyone else's, or none, is 404."""
        upload = staging.find(self.request.user, token, self.kind())
        if upload is None:
            raise Http404
        return upload

    def answer(self, upload: ImportUpload):
        """The result when the task is done already, else the page that follows its progress."""
        upload.refresh_from_db()
        if upload.running:
            return HttpResponseRedirect(f"{self.request.path}?{urlencode({'upload': upload.token})}")
        return self.show(upload)

    def show(self, upload: ImportUpload):
        if upload.running:
            importjobs.reap([upload])
            upload.refresh_from_db()
        name = upload.name
        if upload.running:
            status_url = reverse("core:import_status", args=[upload.token])
            return self.render_page({"upload": upload, "status_url": status_url, "filename": name})
        if upload.state == State.DONE:
            count = upload.result.get("count", 0)
            staging.discard(upload)
            messages.success(self.request, _("Imported {count} records from “{name}”.").format(count=count, name=name))
            return HttpResponseRedirect(self.url("list"))
        result = StoredResult(upload.result)
        if upload.state == State.READY:
            preview = upload.result.get("preview", [])
            return self.render_page({"result": result, "preview": preview, "token": upload.token, "filename": name})
        staging.discard(upload)  # invalid or failed: the user chooses a file again
        extra = {"file_error": upload.message or None, "filename": name}
        if result.errors:
            extra["result"] = result
        return self.render_page(extra, status=400)

    def validate(self, fileobj, name):
        try:
            return self.schema.validate(fileobj, name, self.request.user), None
        except ImportFileError as exc:
            return None, str(exc)

    def preview(self, result) -> list[list[str]]:
        """The first rows as the page shows them, in the schema's columns."""
        return [
            [_cell(row.get(c.name if c.name in row else c.name + "_id", "")) for c in self.schema.columns]
            for row in result.rows[:PREVIEW_ROWS]
        ]

    def cancel(self, token):
        upload = staging.find(self.request.user, token, self.kind())
        if upload is not None and upload.state != State.COMMITTING:
            staging.discard(upload)
        return HttpResponseRedirect(self.request.path)

    def confirm(self, token):
        upload = self.own_upload(token)
        importjobs.start_commit(upload)  # a second click finds it running, or done
        return self.answer(upload)

    def commit(self, rows):
        from core.imports import import_rows

        return import_rows(model=self.get_model(), rows=rows, actor=self.request.user)


def _cell(value) -> str:
    return "" if value is None else str(value)


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


def import_status(request, token: str):
    """The progress of the user's own background import, as JSON for the page's progress bar: anyone else's upload,
    or one of a page the user may no longer import on, is 404, as is everything for an anonymous visitor."""
    upload = staging.find(request.user, token)
    if upload is None:
        raise Http404
    try:
        page = importjobs.page_for(upload)
    except ImportError:
        raise Http404 from None
    if not gate.has_perm(request.user, page.get_model(), "import"):
        raise Http404
    if upload.running:
        importjobs.reap([upload])
        upload.refresh_from_db()
    page_url = upload.params.get("page", "")
    waiting = upload.running and not upload.worker
    return JsonResponse(
        {
            "state": upload.state,
            "label": _("Waiting for the worker") if waiting else upload.get_state_display(),
            "progress": upload.progress,
            "running": upload.running,
            "url": f"{page_url}?{urlencode({'upload': upload.token})}" if page_url else "",
        }
    )
