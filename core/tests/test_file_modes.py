"""The data directory is the owner's alone: created 0700, and everything govcio writes in it — the SQLite database
and its -wal and -shm files, keys, uploaded files and their folders — is 0600 (folders 0700),
whatever umask the process was started with. A data directory left with loose modes is tightened at start-up, with
a warning that says so. Only the collected static files (public anyway) are left as they are.

The first two tests start a fresh process, because the data directory is set up when the settings are read."""

import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from core import files
from core.testing import build_tree, make_user
from inventory.models import System

ROOT = Path(settings.BASE_DIR)
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
UNITS_CSV = "类型,名称,简称,代码,统一社会信用代码,上级代码\n部门,甲县统计局,统计局,990001-TJ,,990001\n"

# Run in a fresh process on a fresh data directory: migrate, write through the WAL, upload an attachment and stage
# an import through the import page (checked by the task worker, as in production), then list the mode of everything
# in the data directory while the database connection (and so its -wal and -shm files) is still open.
FRESH_RUN = """
import json, os, stat
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

call_command("migrate", verbosity=0)
from core import files
from core.testing import build_tree, make_user
from inventory.models import System

tree = build_tree()
user = make_user("modes", "cio", tree.county_a)
system = System.objects.create(name="甲县不动产登记系统", code="BDC-01", owner_unit=tree.dept_a)
files.attach(SimpleUploadedFile("report.pdf", PDF), owner=system, actor=user, kind="report")
client = Client()
client.force_login(user)
upload = SimpleUploadedFile("units.csv", UNITS_CSV.encode())
response = client.post(reverse("core:unit_import"), {"file": upload})
assert response.status_code == 302, response.status_code
call_command("worker", batch=True, interval=0, startup_delay=False, verbosity=0)
response = client.get(response["Location"])
assert response.status_code == 200 and b'name="token"' in response.content, response.status_code

modes = {".": stat.S_IMODE(os.stat(settings.DATA_DIR).st_mode)}
for folder, dirs, names in os.walk(settings.DATA_DIR):
    rel = os.path.relpath(folder, settings.DATA_DIR)
    if rel == "static" or rel.startswith("static" + os.sep):
        continue
    for name in dirs + names:
        if folder == str(settings.DATA_DIR) and name == "static":
            continue
        path = os.path.join(folder, name)
        modes[os.path.relpath(path, settings.DATA_DIR)] = stat.S_IMODE(os.lstat(path).st_mode)
print(json.dumps(modes))
"""


def run_fresh(data_dir: Path, code: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "govcio.settings.default",
        "GOVCIO_DATA_DIR": str(data_dir),
        "DATABASE_URL": "",  # the embedded SQLite database, whichever database this test run uses
        "GOVCIO_ALLOWED_HOSTS": "testserver",
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=lambda: os.umask(0o022),  # a usual, loose umask: govcio must not rely on it  # noqa: PLW1509
    )


def test_a_fresh_data_directory_is_private(tmp_path):
    data = tmp_path / "data"
    code = f"PDF = {PDF!r}\nUNITS_CSV = {UNITS_CSV!r}\n" + FRESH_RUN
    done = run_fresh(data, code)
    assert done.returncode == 0, done.stderr[-3000:]
    modes = json.loads(done.stdout.strip().splitlines()[-1])
    # what the test is about is really there
    assert {"govcio.sqlite3", "govcio.sqlite3-wal", "govcio.sqlite3-shm", "secret.key", "sm4.key"} <= set(modes)
    assert any(p.startswith("uploads/attachments/") and p.endswith(".pdf") for p in modes)
    assert not any(p.startswith("uploads/imports") for p in modes)  # imports are kept in the database
    loose = {
        path: oct(mode)
        for path, mode in modes.items()
        if mode != (0o700 if path == "." or (data / path).is_dir() else 0o600)
    }
    assert loose == {}


def test_a_loose_data_directory_is_tightened_with_a_warning(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    database = data / "govcio.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute("create table t (x)")
    for name in ("secret.key", "sm4.key", ".env"):
        (data / name).write_text("0123456789abcdef0123456789abcdef\n" if name.endswith(".key") else "\n")
    for path in (database, data / "secret.key", data / "sm4.key", data / ".env"):
        path.chmod(0o644)
    (data / "uploads").mkdir(mode=0o755)
    (data / "uploads").chmod(0o755)
    (data / "static").mkdir(mode=0o755)
    (data / "static").chmod(0o755)

    done = run_fresh(data, "import django\ndjango.setup()\nfrom django.conf import settings\nsettings.DATA_DIR\n")
    assert done.returncode == 0, done.stderr[-3000:]

    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for path in (database, data / "secret.key", data / "sm4.key", data / ".env"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert stat.S_IMODE((data / "uploads").stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "static").stat().st_mode) == 0o755  # public: collected static files
    assert str(data) in done.stderr and "0700" in done.stderr  # the operator is told what changed


@pytest.fixture
def loose_umask():
    """The process umask is process-wide; the settings make it strict, but the modes must not depend on it."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_uploads_are_private_whatever_the_umask(db, tmp_path, loose_umask):
    tree = build_tree()
    user = make_user("up", "cio", tree.county_a)
    system = System.objects.create(name="甲县不动产登记系统", code="BDC-01", owner_unit=tree.dept_a)
    with override_settings(MEDIA_ROOT=tmp_path / "uploads"):
        attachment = files.attach(SimpleUploadedFile("报告.pdf", PDF), owner=system, actor=user, kind="report")
        path = Path(attachment.file.path)
    assert mode(path) == 0o600
    for folder in (path.parent, path.parent.parent, path.parent.parent.parent, tmp_path / "uploads"):
        assert mode(folder) == 0o700, folder


def test_staged_imports_write_no_file(client, db, tmp_path, loose_umask):
    """An import's upload is kept in the database (core.staging), which every app server shares: no file on disk."""
    tree = build_tree()
    client.force_login(make_user("imp", "cio", tree.county_a))
    handle = io.BytesIO(UNITS_CSV.encode())
    handle.name = "units.csv"
    with override_settings(MEDIA_ROOT=tmp_path / "uploads"):
        response = client.post(reverse("core:unit_import"), {"file": handle})
    assert response.status_code == 200 and "token" in response.context
    assert not (tmp_path / "uploads").exists()


def test_the_process_umask_is_strict():
    """Set when the settings are read, so anything else govcio writes (temporary exports, caches) is private too."""
    current = os.umask(0o077)
    os.umask(current)
    assert current == 0o077
