"""Across processes: a change made by one process (through the API and a page) shows in the figures of another,
long-running process within 5 seconds — the overview, the dashboard and the fusion ranking — on SQLite and, with
GOVCIO_TEST_DATABASE_URL, on PostgreSQL (a database of its own, made and dropped here)."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULE = "security.tests.figures_process"


@pytest.fixture
def environment(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_XDIST_WORKER", "GOVCIO_TEST_DATABASE_URL"}}
    env.update(GOVCIO_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="govcio.settings.test", PYTHONPATH=str(ROOT))
    url = os.environ.get("GOVCIO_TEST_DATABASE_URL")
    if not url:
        env.pop("DATABASE_URL", None)  # SQLite in the data directory
        yield env
        return
    import psycopg

    base, _slash, name = url.rpartition("/")
    name = f"{name}_processes_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = f"{base}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = f"{base}/{name}"
    yield env
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(env, command: str) -> None:
    done = subprocess.run([sys.executable, "-m", MODULE, command], env=env, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]


def test_a_change_in_one_process_shows_in_another_within_five_seconds(environment):
    run(environment, "setup")
    worker = subprocess.Popen(
        [sys.executable, "-m", MODULE, "serve"],
        env=environment,
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

    def look() -> dict:
        worker.stdin.write("look\n")
        worker.stdin.flush()
        line = worker.stdout.readline()
        assert line, worker.stderr.read()[-3000:]
        return json.loads(line)

    try:
        before = look()
        run(environment, "write")
        changed = time.monotonic()
        after = look()
        while after == before and time.monotonic() - changed < 5:
            time.sleep(0.2)
            after = look()
        elapsed = time.monotonic() - changed
    finally:
        worker.stdin.close()
        worker.wait(timeout=30)
    assert after["systems"] == before["systems"] + 1
    assert after["risks"] == before["risks"] + 1
    assert after["ranked"] == before["ranked"] + 1  # the task ran after the write's commit (immediate backend)
    assert after["computed_at"] != before["computed_at"]
    assert elapsed < 5
