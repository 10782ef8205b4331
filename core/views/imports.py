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
from core.params import int_param
from core.views.generic import GateMixin

PREVIEW_ROWS = 20  # the rows a page that previews parsed rows shows (the scanner import)
ADD, UPDATE = "add", "update"
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
    which run in the task worker with ``self.request.user`` the uploader.

    The "add and update" mode (``self.update``, chosen on the upload) is offered when the schema matches records
    (``Schema.match``) and the page commits through ``core.imports.import_update``: the generic ``commit``, or a
    page's own that sets ``offers_update`` and handles ``self.update``."""

    upload_policy = uploads.IMPORT

    schema = None
    template_name = "generic/object_import.html"
    update = False

    @property
    def offers_update(self) -> bool:
        return bool(self.schema.match) and type(self).commit is BulkImportView.commit

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
        context = {
            **self.common_context(),
            "columns": self.schema.columns,
            "list_url": self.url("list"),
            "offers_update": self.offers_update,
            "match_headers": [str(self.schema.column(name).header) for name in self.schema.match],
        }
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
        mode = UPDATE if request.POST.get("mode") == UPDATE and self.offers_update else ADD
        staged = staging.stage(
            upload, owner=request.user, kind=self.kind(), params={"page": request.path, "mode": mode}
        )
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
            done = upload.result
            staging.discard(upload)
            if upload.params.get("mode") == UPDATE:
                message = _("“{name}”: {created} created, {updated} updated, {unchanged} unchanged.").format(
                    name=name, **{kind: done.get(kind, 0) for kind in ("created", "updated", "unchanged")}
                )
            else:
                message = _("Imported {count} records from “{name}”.").format(count=done.get("count", 0), name=name)
            messages.success(self.request, message)
            return HttpResponseRedirect(self.url("list"))
        result = StoredResult(upload.result)
        if upload.state == State.READY:
            return self.render_page(self.preview_context(upload, result))
        staging.discard(upload)  # invalid or failed: the user chooses a file again
        extra = {"file_error": upload.message or None, "filename": name}
        if result.errors:
            extra["result"] = result
        return self.render_page(extra, status=400)

    def preview_context(self, upload: ImportUpload, result: StoredResult) -> dict:
        """One page of the file as typed, each row marked new, changed (with its changes) or unchanged."""
        from core.io.preview import PAGE_ROWS, preview_page

        stored = upload.result
        pages = max(1, -(-result.total // PAGE_ROWS))
        number = min(int_param(self.request, "page", default=1), pages)
        try:
            shown = preview_page(self.schema, staging.open_file(upload), upload.name, page=number)
        except ImportFileError:
            shown = None
        changes, matched = stored.get("changes", {}), set(stored.get("matched", []))
        rows = []
        for row_number, cells in shown.rows if shown else []:
            changed = changes.get(str(row_number))
            if not stored.get("update"):
                status = ""
            elif changed:
                status = "changed"
            else:
                status = "unchanged" if row_number in matched else "new"
            marked = [changed is not None and header in changed for header in shown.headers]
            cells = list(zip(cells, marked, strict=True))
            rows.append({"number": row_number, "cells": cells, "status": status, "changes": changed or {}})
        return {
            "result": result,
            "token": upload.token,
            "filename": upload.name,
            "update_mode": bool(stored.get("update")),
            "counts": stored.get("counts", {}),
            "preview_headers": shown.headers if shown else [],
            "preview_rows": rows,
            "preview_page": number,
            "preview_pages": pages,
            "page_query": urlencode({"upload": upload.token}),
        }

    def validate(self, fileobj, name):
        try:
            return self.schema.validate(fileobj, name, self.request.user, update=self.update), None
        except ImportFileError as exc:
            return None, str(exc)

    def changes(self, result) -> dict:
        from core.io.changes import shown

        return shown(self.schema, result)

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
        from core.imports import import_rows, import_update

        if self.update:
            columns = [column for column in self.schema.columns if rows and column.key in rows[0]]
            return import_update(model=self.get_model(), rows=rows, actor=self.request.user, columns=columns)
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


def import_pages() -> dict[str, type[BulkImportView]]:
    """The import pages by the name the pages know them by: the segment of their address before ``import/``
    (``systems`` for ``/inventory/systems/import/``), for the ``import`` command."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: dict[str, type[BulkImportView]] = {}

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.endswith("/import/"):
                view = getattr(pattern.callback, "view_class", None)
                if isinstance(view, type) and issubclass(view, BulkImportView):
                    found.setdefault(route.removesuffix("/import/").rsplit("/", 1)[-1], view)

    walk(get_resolver().url_patterns, "")
    return dict(sorted(found.items()))
