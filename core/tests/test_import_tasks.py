"""Table imports run as background tasks on an upload kept in the database: any app server answers any step, the page
follows the task's progress, and a task whose worker ended becomes failed with nothing half-saved."""

import io
import json
import subprocess
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from core import importjobs
from core.models import AuditRecord, ImportUpload, Unit
from core.testing import build_tree, make_user, staged_uploads
from core.views.units import UnitImportView

HEADER = "类型,名称,简称,代码,统一社会信用代码,上级代码\n"
CSV = (HEADER + "部门,甲县统计局,统计局,990001-TJ,,990001\n部门,甲县审计局,审计局,990001-SJ,,990001\n").encode()
BAD = (HEADER + "部门,甲县统计局,统计局,990001-TJ,,990001\n星球,,,990001-X,,nowhere\n").encode()
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
URL = "/org/units/import/"
State = ImportUpload.State


@pytest.fixture
def tree(db):
    return build_tree()


@pytest.fixture
def cio(tree):
    return make_user("cio", "cio", tree.county_a)


def client_of(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def upload(client, data=CSV, name="units.csv"):
    handle = io.BytesIO(data)
    handle.name = name
    return client.post(reverse("core:unit_import"), {"file": handle})


def counts():
    return Unit.objects.count(), AuditRecord.objects.count()


def work():
    """One task worker's run over everything waiting (the database backend)."""
    call_command("worker", batch=True, interval=0, startup_delay=False, verbosity=0)


# Another server -----------------------------------------------------------------------------------------------------


def test_the_confirmation_may_land_on_another_server(cio, settings, tmp_path):
    token = upload(client_of(cio)).context["token"]
    settings.MEDIA_ROOT = tmp_path / "another-server"  # nothing of the first server's disk
    response = client_of(cio).post(URL, {"token": token})  # another session, as behind a second app server
    assert response.status_code == 302, response.content[:500]
    assert Unit.objects.filter(code__in=["990001-TJ", "990001-SJ"]).count() == 2
    assert staged_uploads() == set()


# The page follows the task ------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_worker_checks_and_commits_while_the_page_shows_progress():
    tree = build_tree()
    cio = make_user("cio", "cio", tree.county_a)
    client = client_of(cio)
    with override_settings(TASKS=DB_TASKS):
        response = upload(client)
        assert response.status_code == 302  # the request only keeps the file and asks for the check
        page = response["Location"]
        token = page.rsplit("=", 1)[1]
        response = client.get(page)
        body = response.content.decode()
        assert response.status_code == 200 and 'id="import-progress"' in body
        assert "govcio/import-progress" in body and "style=" not in body.split('id="import-progress"')[1][:900]
        status = client.get(reverse("core:import_status", args=[token])).json()
        assert status["running"] and status["state"] == "checking" and status["label"] == "Waiting for the worker"
        work()
        status = client.get(reverse("core:import_status", args=[token])).json()
        assert not status["running"] and status["state"] == "ready" and status["url"] == page
        response = client.get(page)
        assert response.context["token"] == token and response.context["result"].total == 2
        assert "甲县审计局" in response.content.decode()  # the preview
        before = counts()
        response = client.post(URL, {"token": token})
        assert response.status_code == 302 and response["Location"] == page
        assert client.post(URL, {"token": token}).status_code == 302  # a second click queues nothing more
        assert counts() == before  # nothing before the worker commits
        work()
        response = client.get(page)
        assert response.status_code == 302 and response["Location"] == reverse("core:unit_list")
        assert Unit.objects.filter(code__in=["990001-TJ", "990001-SJ"]).count() == 2
        assert staged_uploads() == set()


@pytest.mark.django_db(transaction=True)
def test_the_problems_are_listed_in_the_uploaders_language():
    tree = build_tree()
    cio = make_user("cio", "cio", tree.county_a)
    client = client_of(cio, "zh-hans")
    with override_settings(TASKS=DB_TASKS):
        page = upload(client, BAD)["Location"]
        work()  # the worker itself runs in no request's language
        response = client.get(page)
    assert response.status_code == 400
    errors = response.context["result"].errors
    assert [error.row for error in errors] == [3, 3]
    assert {error.column for error in errors} == {"类型", "名称"}
    assert all(not error.message.isascii() for error in errors)
    assert not Unit.objects.filter(code="990001-TJ").exists()


# Nothing half-saved -------------------------------------------------------------------------------------------------


def test_a_commit_that_fails_midway_saves_nothing(cio):
    client = client_of(cio)
    token = upload(client).context["token"]
    before = counts()
    original = UnitImportView.commit

    def commit_then_fail(self, rows):
        original(self, rows)  # every row inserted and audited …
        raise RuntimeError("the disk is full")  # … then the commit fails

    with mock.patch.object(UnitImportView, "commit", commit_then_fail):
        response = client.post(URL, {"token": token})
    assert response.status_code == 400
    assert "Nothing was imported" in response.context["file_error"]
    assert counts() == before


def dead_worker() -> str:
    """The identity of a process of this host that has ended."""
    process = subprocess.Popen(["true"])  # noqa: S607
    process.wait()
    host = importjobs.worker_id().split(":")[0]
    return f"{host}:{process.pid}:"


def test_an_import_whose_worker_ended_becomes_failed_with_nothing_saved(cio):
    client = client_of(cio)
    token = upload(client).context["token"]
    before = counts()
    with mock.patch("core.importjobs.enqueue_with_transaction"):  # the worker took it, then was killed
        response = client.post(URL, {"token": token})
    assert response.status_code == 302
    ImportUpload.objects.filter(token=token).update(worker=dead_worker())
    status = client.get(reverse("core:import_status", args=[token])).json()
    assert status["state"] == "failed" and not status["running"]
    response = client.get(response["Location"])
    assert response.status_code == 400
    assert "the worker running it ended" in response.context["file_error"]
    assert counts() == before


def test_a_live_worker_is_left_alone_and_a_silent_one_fails_after_the_stale_time(cio, settings):
    client = client_of(cio)
    token = upload(client).context["token"]
    with mock.patch("core.importjobs.enqueue_with_transaction"):
        client.post(URL, {"token": token})
    ImportUpload.objects.filter(token=token).update(worker=importjobs.worker_id())
    assert importjobs.reap() == 0
    ImportUpload.objects.filter(token=token).update(worker="elsewhere:1:1")
    assert importjobs.reap() == 0  # another host's worker: not asked, not stale yet
    settings.GOVCIO_IMPORT_STALE_SECONDS = -1
    assert importjobs.reap() == 1
    assert ImportUpload.objects.get(token=token).state == State.FAILED


def test_cleanup_marks_ended_imports_failed(cio):
    client = client_of(cio)
    token = upload(client).context["token"]
    with mock.patch("core.importjobs.enqueue_with_transaction"):
        client.post(URL, {"token": token})
    ImportUpload.objects.filter(token=token).update(worker=dead_worker())
    out = io.StringIO()
    call_command("cleanup", stdout=out)
    assert "Marked 1 import(s) failed" in out.getvalue()


# Who may see an upload ----------------------------------------------------------------------------------------------


@pytest.fixture
def pending(cio):
    """A checked upload of the CIO's, waiting for the confirmation."""
    token = upload(client_of(cio)).context["token"]
    return token


def test_status_is_404_for_anyone_but_the_uploader(tree, cio, pending):
    url = reverse("core:import_status", args=[pending])
    assert client_of(cio).get(url).status_code == 200
    anonymous = Client()
    assert anonymous.get(url).status_code == 404
    assert anonymous.get(URL + f"?upload={pending}").status_code == 302  # to the sign-in page
    assert anonymous.post(URL, {"token": pending}).status_code in (302, 403)
    others = [
        make_user("other_cio", "cio", tree.county_a),  # same role, same scope: still not theirs
        make_user("outsider", "cio", tree.county_b),
        make_user("auditor", "auditadmin", tree.county_a),
    ]
    for user in others:
        client = client_of(user)
        assert client.get(url).status_code == 404
        assert client.get(URL + f"?upload={pending}").status_code == 404
        assert client.post(URL, {"token": pending}).status_code == 404
        assert client.post(URL, {"token": pending, "action": "cancel"}).status_code in (302, 404)
    assert ImportUpload.objects.get(token=pending).state == State.READY  # nobody else confirmed or cancelled it
    for token in ["nope", "..%2Fx", "a" * 40, "%00", "x" * 5000]:
        assert client_of(cio).get(f"/imports/{token}/status/").status_code == 404


def test_status_is_404_once_the_uploader_may_no_longer_import(cio, pending):
    from core.gate import forget
    from core.models import RoleAssignment

    RoleAssignment.objects.filter(user=cio).delete()
    forget(cio)
    assert client_of(cio).get(reverse("core:import_status", args=[pending])).status_code == 404


def test_a_commit_asked_for_by_someone_who_lost_the_right_imports_nothing(cio, pending):
    from core.gate import forget
    from core.models import RoleAssignment

    before = counts()
    upload_ = ImportUpload.objects.get(token=pending)
    with mock.patch("core.importjobs.enqueue_with_transaction"):
        importjobs.start_commit(upload_)  # asked for, then the role is taken away before the worker runs it
    RoleAssignment.objects.filter(user=cio).delete()
    forget(cio)
    importjobs.commit_upload.call(upload_.pk)
    assert ImportUpload.objects.get(token=pending).state == State.FAILED
    assert counts() == before


def test_the_upload_page_of_another_role_is_404(tree, pending):
    auditor = make_user("auditor", "auditadmin", tree.county_a)
    assert client_of(auditor).get(URL).status_code == 404
    assert client_of(auditor).post(URL, {"token": pending}).status_code == 404


# Odd and huge files -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty.csv", b""),
        ("nul.csv", b"\0" * 4096),
        ("weird name \u202e.csv", CSV),
        ("units.json", json.dumps({"a": 1}).encode()),
    ],
)
def test_odd_files_answer_a_page_never_a_server_error(cio, name, data):
    before = counts()
    client = client_of(cio)
    response = upload(client, data, name)
    assert response.status_code in (200, 400)
    if response.status_code == 200:  # a readable file: the preview, and its confirmation imports it
        assert client.post(URL, {"token": response.context["token"]}).status_code == 302
        assert Unit.objects.count() == before[0] + 2
    else:
        assert response.context["file_error"] or response.context["result"].errors
        assert counts() == before and staged_uploads() == set()


@override_settings(GOVCIO_IMPORT_MAX_BYTES=10_000)
def test_a_file_past_the_limit_is_refused_and_nothing_is_kept(cio):
    response = upload(client_of(cio), CSV + b"\n" * 20_000)
    assert response.status_code == 413
    assert staged_uploads() == set()


def test_a_file_at_the_row_limit_is_refused_with_the_limit_named(cio, settings):
    settings.GOVCIO_IMPORT_MAX_ROWS = 1
    response = upload(client_of(cio))
    assert response.status_code == 400
    assert "1" in response.context["file_error"]
    assert staged_uploads() == set()


KILLED_WORKER = """
import os, signal, sys
import django
django.setup()
from core import importjobs
from core.views.units import UnitImportView
original = UnitImportView.commit
def commit_then_die(self, rows):
    original(self, rows)  # every row inserted and audited, the transaction still open …
    os.kill(os.getpid(), signal.SIGKILL)  # … when the worker is killed
UnitImportView.commit = commit_then_die
importjobs.commit_upload.call(int(sys.argv[1]))
"""


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_during_the_commit_leaves_nothing_and_the_import_failed(settings):
    """A real worker process, killed with SIGKILL inside the commit (PostgreSQL: a second process cannot reach the
    tests' in-memory SQLite database)."""
    import os
    import sys

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a second process needs a database server")
    tree = build_tree()
    cio = make_user("cio", "cio", tree.county_a)
    client = client_of(cio)
    token = upload(client).context["token"]
    before = counts()
    pk = ImportUpload.objects.get(token=token).pk
    with mock.patch("core.importjobs.enqueue_with_transaction"):
        response = client.post(URL, {"token": token})
    url = "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**connection.settings_dict)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "govcio.settings.test",
        "GOVCIO_TEST_DATABASE_URL": url,
        "GOVCIO_DATA_DIR": str(settings.DATA_DIR),
    }
    child = subprocess.run([sys.executable, "-c", KILLED_WORKER, str(pk)], env=env, timeout=120, check=False)  # noqa: S603
    assert child.returncode == -9
    assert counts() == before  # the open transaction died with the worker
    assert ImportUpload.objects.get(pk=pk).state == State.COMMITTING  # nobody has looked yet
    response = client.get(response["Location"])
    assert response.status_code == 400
    assert "the worker running it ended" in response.context["file_error"]
    assert counts() == before


# The rows checked once ----------------------------------------------------------------------------------------------


def test_the_commit_reuses_the_checked_rows_when_nothing_was_written_since(cio):
    client = client_of(cio)
    token = upload(client).context["token"]
    with mock.patch.object(UnitImportView, "validate", side_effect=AssertionError("validated again")):
        response = client.post(URL, {"token": token})
    assert response.status_code == 302
    assert Unit.objects.filter(code__in=["990001-TJ", "990001-SJ"]).count() == 2


def test_a_write_between_the_preview_and_the_confirmation_is_seen_by_the_commit(cio, tree):
    from core.services.units import unit_create

    client = client_of(cio)
    token = upload(client).context["token"]
    unit_create(actor=cio, kind="department", name="甲县统计局", code="990001-TJ", parent=tree.county_a)
    before = counts()
    response = client.post(URL, {"token": token})
    assert response.status_code == 400
    assert [error.row for error in response.context["result"].errors] == [2]
    assert counts() == before


def test_a_worker_told_to_stop_during_the_commit_fails_the_import_at_once(cio):
    client = client_of(cio)
    token = upload(client).context["token"]
    before = counts()
    original = UnitImportView.commit

    def commit_then_stop(self, rows):
        original(self, rows)
        raise SystemExit(1)  # db_worker's answer to a second SIGTERM

    pending_upload = ImportUpload.objects.get(token=token)
    with mock.patch("core.importjobs.enqueue_with_transaction"):
        importjobs.start_commit(pending_upload)
    with mock.patch.object(UnitImportView, "commit", commit_then_stop), pytest.raises(SystemExit):
        importjobs.commit_upload.call(pending_upload.pk)  # as the worker runs it: the exit goes on up
    assert ImportUpload.objects.get(token=token).state == State.FAILED
    assert counts() == before


def test_the_status_does_not_read_the_file(cio, pending):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_of(cio)
    url = reverse("core:import_status", args=[pending])
    client.get(url)  # the session and the user loaded once
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    selects = [q["sql"] for q in queries if "core_importupload" in q["sql"]]
    assert selects and not any('"data"' in sql for sql in selects)
