"""The import as a user takes it: upload → check (a task) → preview → confirm → commit (a task), through the import
page and the status it polls, with a real task worker in a process of its own (``govcio worker``, as ``govcio run``
starts it). The bench polls the status as the page's script does (``import-progress.js``: every 100 ms for the
first 3 s, then 1.5× longer each time, at most 1 s), so the time is the time until the user sees each result.

The committed rows are real (the worker commits in its own process: nothing to roll back). After each run they are
removed with their search entries by a plain ORM delete — unaudited, like the filler the dataset is made of — so the
next run and the scenarios after this one read the dataset as it was; their audit records stay in the chain.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

from django.urls import reverse

from bench.harness import result
from bench.scenarios.inventory import systems_xlsx

ROOT = Path(__file__).resolve().parent.parent.parent
FIRST_POLL, STEADY_S, GROWTH, LONGEST_POLL = 0.1, 3.0, 1.5, 1.0  # as import-progress.js


def start_worker() -> subprocess.Popen:
    command = [sys.executable, "manage.py", "worker", "--interval", "0.1", "--no-startup-delay", "--verbosity", "0"]
    return subprocess.Popen(command, cwd=ROOT, env=os.environ.copy())  # noqa: S603 — our own interpreter


def stop_worker(worker: subprocess.Popen) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def follow(client, token: str) -> dict:
    """Poll the status as the page does until the task has ended."""
    url = reverse("core:import_status", args=[token])
    delay, started = FIRST_POLL, time.perf_counter()
    while True:
        time.sleep(delay)
        status = client.get(url).json()
        if not status["running"]:
            return status
        if time.perf_counter() - started > STEADY_S:
            delay = min(delay * GROWTH, LONGEST_POLL)


def one_import(client, data: bytes, name: str) -> dict:
    """Seconds of each step of one import through the page; raises if any step does not answer as the user expects."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = reverse("inventory:system_import")
    steps = {}
    started = time.perf_counter()
    response = client.post(page, {"file": SimpleUploadedFile(name, data)})
    if response.status_code != 302:
        raise RuntimeError(f"upload: HTTP {response.status_code}")
    token = response["Location"].rsplit("=", 1)[1]
    steps["upload_s"] = time.perf_counter() - started
    status = follow(client, token)
    if status["state"] != "ready":
        raise RuntimeError(f"check: {status}")
    steps["check_s"] = time.perf_counter() - started - steps["upload_s"]
    mark = time.perf_counter()
    response = client.get(status["url"])
    if response.status_code != 200 or f'value="{token}"' not in response.content.decode():
        raise RuntimeError(f"preview: HTTP {response.status_code}")
    steps["preview_s"] = time.perf_counter() - mark
    mark = time.perf_counter()
    response = client.post(page, {"token": token})
    if response.status_code != 302:
        raise RuntimeError(f"confirm: HTTP {response.status_code}")
    status = follow(client, token)
    if status["state"] != "done":
        raise RuntimeError(f"commit: {status}")
    response = client.get(status["url"])
    if response.status_code != 302:
        raise RuntimeError(f"result: HTTP {response.status_code}")
    steps["commit_s"] = time.perf_counter() - mark
    steps["total_s"] = time.perf_counter() - started
    return steps


def remove(prefix: str) -> int:
    from core.models import SearchEntry
    from inventory.models import System

    ids = list(System.objects.filter(code__startswith=f"{prefix}-").values_list("pk", flat=True))
    SearchEntry.objects.filter(object_type="inventory.system", object_id__in=ids).delete()
    System.objects.filter(pk__in=ids).delete()
    return len(ids)


def import_path(ctx):
    rows = 2_000 if ctx.smoke else 10_000
    runs = 1 if ctx.smoke else 5
    client = ctx.client()
    worker = start_worker()
    runs_steps = []
    try:
        for run in range(runs + 1):  # the first warms the worker (imports, jieba's dictionary) and is not counted
            prefix = f"BENCHPATH{run}"
            data = systems_xlsx(rows, prefix)
            try:
                steps = one_import(client, data, f"{prefix}.xlsx")
            finally:
                created = remove(prefix)
            if created != rows:
                raise RuntimeError(f"imported {created} of {rows} rows")
            if run or ctx.smoke:
                runs_steps.append(steps)
    finally:
        stop_worker(worker)
    from bench import dataset

    service = [service_alone(data) for _ in range(1 if ctx.smoke else 3)]
    dataset.vacuum()
    totals = [steps["total_s"] for steps in runs_steps]
    best = min(runs_steps, key=lambda steps: steps["total_s"])
    median = sorted(totals)[len(totals) // 2]
    return [
        result(
            f"import {rows} systems through the page with a task worker (upload, check, preview, confirm, commit)",
            totals,
            service,
            rows_per_s=round(rows / median),
            service_rows_per_s=round(rows / sorted(service)[len(service) // 2]),
            **{name: round(seconds, 2) for name, seconds in best.items()},
            target_rows_per_s=10_000,
        )
    ]


def service_alone(data: bytes) -> float:
    """The baseline: validate and commit the same file in this process, rolled back (what the page ran in the
    request before)."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bench.scenarios.inventory import _rolled_back
    from inventory.views.records import SystemImportView

    view = SystemImportView()
    view.request = type("R", (), {"user": get_user_model().objects.get(username="demo_cio")})()

    def run():
        result, error = view.validate(SimpleUploadedFile("bench.xlsx", data), "bench.xlsx")
        assert result is not None and result.ok, error or result.errors[:5]
        view.commit(result.rows)

    return _rolled_back(run)
