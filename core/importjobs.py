"""Table imports as background tasks: the file is checked, then committed, by the task worker, not by the request.

The upload is kept in the database (core.staging), so the check, the preview, the confirmation and the commit may
each be served by another app server or worker. Two tasks, each claiming its step on the upload's row so that a
step runs once:

- ``check_upload``: validates the whole file as the import page's own ``validate`` does (in the uploader's language)
  and keeps what the page shows: every problem (row, column, message), or the row count and the first rows;
- ``commit_upload``: validates the file again (the data may have changed since the preview) and commits every row,
  marking the upload done, in one transaction: all or nothing. When the same worker process checked the file, less
  than ``REUSE_SECONDS`` ago, and nothing has been written since (the audit chain's head is where it was: every
  write appends to it, in its transaction), the rows it validated then are the rows a new validation would give,
  and are committed without reading the file again.

A task whose worker ended (a restart, a crash, a kill) leaves its upload "running" with nobody to finish it: ``reap``
marks it failed with a message saying nothing was imported — which is true, since a commit is one transaction and
the check writes nothing. It runs when such an upload is looked at, when a worker starts a task, and in ``govcio
cleanup``. A worker is recognised by host, process id and the process's start time; one on another host, or an
upload no worker took, counts as gone after ``GOVCIO_IMPORT_STALE_SECONDS``.
"""

import logging
import os
import socket
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from core import gate, staging
from core.models import ImportUpload
from core.tasks import enqueue_with_transaction

logger = logging.getLogger(__name__)
State = ImportUpload.State


class _Stand:
    """What an import page's ``validate`` and ``commit`` read of the request: the user."""

    def __init__(self, user, language: str) -> None:
        self.user = user
        self.LANGUAGE_CODE = language
        self.path = ""


def page_for(upload: ImportUpload):
    """The import page that took ``upload``, as it would answer its uploader."""
    from core.views.imports import BulkImportView

    cls = import_string(upload.kind)
    if not (isinstance(cls, type) and issubclass(cls, BulkImportView)):
        raise ImportError(upload.kind)
    view = page_for_user(cls, upload.owner, upload.language)
    view.update = upload.params.get("mode") == "update" and view.offers_update
    return view


def page_for_user(cls, user, language: str):
    """An import page (its ``validate``, ``check`` and ``commit``) answering ``user``, outside a request."""
    view = cls()
    view.request, view.args, view.kwargs = _Stand(user, language), (), {}
    return view


# Which process runs a step ------------------------------------------------------------------------------------------


def _started(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux), "" elsewhere: tells a reused pid apart."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[19].decode()
    except (OSError, IndexError):
        return ""


def worker_id() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_started(pid)}"


def _gone(upload: ImportUpload, now) -> bool:
    stale = upload.updated_at < now - timedelta(seconds=settings.GOVCIO_IMPORT_STALE_SECONDS)
    host, _sep, rest = upload.worker.partition(":")
    if not upload.worker or host != socket.gethostname():
        return stale
    pid_text, _sep, started = rest.partition(":")
    try:
        pid = int(pid_text)
        os.kill(pid, 0)
    except (ValueError, ProcessLookupError):
        return True
    except PermissionError:  # alive, another user's
        return False
    return bool(started) and _started(pid) != started


def reap(uploads=None) -> int:
    """Mark failed every running upload (of ``uploads``, else all) whose worker is gone; return how many."""
    now = timezone.now()
    candidates = ImportUpload.objects.filter(state__in=ImportUpload.RUNNING)
    if uploads is not None:
        candidates = candidates.filter(pk__in=[upload.pk for upload in uploads])
    failed = 0
    for upload in candidates.only("pk", "state", "worker", "updated_at", "language"):
        if _gone(upload, now):
            with translation.override(upload.language or None):
                message = _ended()
            # The same state and worker as read: a commit that finished meanwhile is left done.
            failed += ImportUpload.objects.filter(pk=upload.pk, state=upload.state, worker=upload.worker).update(
                state=State.FAILED, message=message, updated_at=now
            )
    return failed


def _ended() -> str:
    return _(
        "The import stopped: the worker running it ended (a restart or a failure). Nothing was imported. Upload the "
        "file again."
    )


# The steps ----------------------------------------------------------------------------------------------------------


def _claim(upload_id: int, state: str) -> ImportUpload | None:
    """Take the step waiting on the upload (its state, no worker yet) for this process."""
    claimed = ImportUpload.objects.filter(pk=upload_id, state=state, worker="").update(
        worker=worker_id(), progress=10, updated_at=timezone.now()
    )
    if not claimed:
        return None
    return ImportUpload.objects.select_related("owner__unit").get(pk=upload_id)


def _finish(upload_id: int, **fields) -> None:
    ImportUpload.objects.filter(pk=upload_id).update(updated_at=timezone.now(), **fields)


def _allowed(page) -> str:
    """Why the uploader may no longer run this import ("" when they may)."""
    user = page.request.user
    if not user.is_active or not gate.has_perm(user, page.get_model(), "import"):
        return _("You may no longer import these records. Nothing was imported.")
    return ""


def stored(result, page=None) -> dict:
    """What the page shows of a check: its problems, or the row count (the preview reads the file again, a page at
    a time); in the update mode, the counts and each changed row's changes (``page.changes``) with the matched rows'
    numbers."""
    errors = [[error.row, str(error.column), str(error.message)] for error in result.errors]
    data = {"errors": errors, "total": result.total, "omitted": result.omitted}
    if getattr(result, "update", False) and page is not None and result.ok:
        data.update(update=True, counts=result.counts, changes=page.changes(result))
        data["matched"] = [number for number, row in zip(result.row_numbers, result.rows, strict=True) if "pk" in row]
    return data


def outcome(written) -> dict:
    """A commit's counts: an update-mode commit returns its records by kind, an add-only one the created list."""
    if isinstance(written, dict):
        return {kind: len(records) for kind, records in written.items()} | {"count": len(written["created"])}
    return {"count": len(written), "created": len(written)}


def _run(upload_id: int, state: str, step) -> None:
    reap()
    upload = _claim(upload_id, state)
    if upload is None:  # run already, cancelled, or failed meanwhile
        return
    with translation.override(upload.language or None):
        try:
            page = page_for(upload)
            refused = _allowed(page)
            if refused:
                _finish(upload_id, state=State.FAILED, message=refused, progress=100)
                return
            step(upload, page)
        except Exception:
            logger.exception("import %s (%s) failed", upload.pk, upload.kind)
            _finish(
                upload_id,
                state=State.FAILED,
                progress=100,
                message=_("The import failed unexpectedly. Nothing was imported."),
            )
        except BaseException:  # the worker told to stop at once (a second SIGTERM): the transaction is rolled back
            _finish(upload_id, state=State.FAILED, progress=100, message=_ended())
            raise


REUSE_SECONDS = 15 * 60
REUSE_ROWS = 200_000  # a larger file's rows are not kept in the worker's memory between the steps
_checked: dict[int, tuple] = {}  # upload id → (audit head, when, validated rows): the last check of this process


def _audit_head() -> tuple:
    from core.models import AuditHead

    return tuple(AuditHead.objects.filter(pk=1).values_list("seq", "hash").first() or ())


def _keep(upload: ImportUpload, head: tuple, rows: list) -> None:
    _checked.clear()
    if len(rows) <= REUSE_ROWS:
        _checked[upload.pk] = (head, time.monotonic(), rows)


def _kept(upload: ImportUpload) -> list | None:
    """The rows this process validated for ``upload``, if nothing has been written since (else None)."""
    head, when, rows = _checked.pop(upload.pk, (None, 0.0, None))
    if rows is None or time.monotonic() - when > REUSE_SECONDS or head != _audit_head():
        return None
    return rows


def _check(upload: ImportUpload, page) -> None:
    head = _audit_head()  # before reading: a write during the check makes the commit validate again
    result, error = page.validate(staging.open_file(upload), upload.name)
    if error:
        _finish(upload.pk, state=State.INVALID, message=error, progress=100)
    elif not result.ok:
        _finish(upload.pk, state=State.INVALID, result=stored(result), progress=100)
    else:
        _finish(upload.pk, state=State.READY, result=stored(result, page), progress=100)
        _keep(upload, head, result.rows)


class _Invalid(Exception):
    def __init__(self, fields: dict) -> None:
        super().__init__()
        self.fields = fields


def _commit(upload: ImportUpload, page) -> None:
    me = upload.worker
    try:
        with transaction.atomic():
            # The row stays locked until the commit ends: reap cannot mark it failed meanwhile (PostgreSQL; SQLite
            # takes the database's write lock at the transaction's start).
            mine = ImportUpload.objects.select_for_update().filter(pk=upload.pk, state=State.COMMITTING, worker=me)
            if not mine.exists():
                return
            rows = _kept(upload)  # the head read inside the transaction, as a validation would read the data
            if rows is None:
                result, error = page.validate(staging.open_file(upload), upload.name)
                if error:
                    raise _Invalid({"message": error})
                if not result.ok:
                    raise _Invalid({"result": stored(result)})
                rows = result.rows
            written = page.commit(rows)
            mine.update(
                state=State.DONE,
                progress=100,
                data=b"",
                result=outcome(written),
                updated_at=timezone.now(),
            )
    except _Invalid as invalid:
        _finish(upload.pk, state=State.INVALID, progress=100, **invalid.fields)
    except ValidationError as exc:
        _finish(upload.pk, state=State.INVALID, progress=100, message=" ".join(exc.messages))


@task()
def check_upload(upload_id: int) -> None:
    _run(upload_id, State.CHECKING, _check)


@task()
def commit_upload(upload_id: int) -> None:
    _run(upload_id, State.COMMITTING, _commit)


def _queue(upload: ImportUpload, before: str, after: str, step) -> bool:
    """Move the upload from ``before`` to ``after`` with no worker yet, and enqueue ``step`` for it once the change
    commits; False when the upload is not (or no longer) in ``before``: a second click queues nothing."""
    waiting = ImportUpload.objects.filter(pk=upload.pk, state=before)
    if not waiting.update(state=after, worker="", progress=0, message="", updated_at=timezone.now()):
        return False
    enqueue_with_transaction(step, upload.pk)
    return True


def start_check(upload: ImportUpload) -> bool:
    return _queue(upload, State.STAGED, State.CHECKING, check_upload)


def start_commit(upload: ImportUpload) -> bool:
    return _queue(upload, State.READY, State.COMMITTING, commit_upload)
