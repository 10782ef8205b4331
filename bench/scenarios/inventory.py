"""Scenarios on the inventory: system list and detail, overview, blast radius, import and export of systems."""

import io
import time
from urllib.parse import quote

from django.db import transaction
from django.urls import reverse

from bench import dataset
from bench.harness import result, timed
from bench.scenarios.core import COLD_MS, LIST_MS, OVERVIEW_MS, _get, cold

DETAIL_MS, IMPACT_MS = 50, 100


def system_list(ctx):
    from inventory.models import System

    client = ctx.client()
    url = reverse("inventory:system_list")
    total = System.objects.count()
    deep = max(1, min(200, (total + 49) // 50))
    fields = ["id", "name", "code", "owner_unit__name", "status", "hosting", "last_active_date", "annual_om_cost"]

    def base(page):
        return lambda: list(System.objects.order_by("code").values(*fields)[(page - 1) * 50 : page * 50])

    api = reverse("api:system-list")
    out = [
        result(
            "system list page 1",
            timed(lambda: _get(client, url), ctx.iterations),
            timed(base(1), ctx.iterations),
            LIST_MS,
        ),
        result(
            f"system list, deep page ({deep})",
            timed(lambda: _get(client, f"{url}?page={deep}"), ctx.iterations),
            timed(base(deep), ctx.iterations),
            LIST_MS,
        ),
        result(
            "system list filtered (status, hosting)",
            timed(lambda: _get(client, f"{url}?status=running&hosting=gov_cloud"), ctx.iterations),
            timed(base(1), ctx.iterations),
            LIST_MS,
        ),
        *searched(ctx, client, url, base(1)),
        result(
            "system API list first page",
            timed(lambda: _get(client, api), ctx.iterations),
            timed(base(1), ctx.iterations),
            LIST_MS,
        ),
    ]
    return out


def searched(ctx, client, url, base):
    """The list's search box with a rare fragment: the middle of a system's code and name, of a user's username."""
    from accounts.models import User
    from inventory.models import System

    middle = System.objects.order_by("pk")[System.objects.count() // 2]
    person = User.objects.exclude(full_name="").order_by("pk")[User.objects.count() // 2]
    users = reverse("accounts:user_list")
    code = middle.code[len(middle.code) // 3 :][:6]
    name = middle.name[1:5]
    return [
        result(
            f"system list searched, part of a code ({code})",
            timed(lambda: _get(client, f"{url}?q={quote(code)}"), ctx.iterations),
            timed(base, ctx.iterations),
            LIST_MS,
        ),
        result(
            f"system list searched, part of a name ({name})",
            timed(lambda: _get(client, f"{url}?q={quote(name)}"), ctx.iterations),
            timed(base, ctx.iterations),
            LIST_MS,
        ),
        result(
            f"user list searched, part of a username ({person.username[-5:]})",
            timed(lambda: _get(client, f"{users}?q={quote(person.username[-5:])}"), ctx.iterations),
            timed(base, ctx.iterations),
            LIST_MS,
        ),
    ]


def system_detail(ctx):
    from inventory.models import System

    client = ctx.client()
    system = System.objects.filter(name__contains="数据共享交换平台").order_by("pk").first() or System.objects.first()
    base = timed(lambda: System.objects.filter(pk=system.pk).values().get(), ctx.iterations)
    return [
        result(
            "system detail (all tabs)",
            timed(lambda: _get(client, system.get_absolute_url()), ctx.iterations),
            base,
            DETAIL_MS,
        ),
        result(
            "system API detail",
            timed(lambda: _get(client, reverse("api:system-detail", args=[system.pk])), ctx.iterations),
            base,
            DETAIL_MS,
        ),
    ]


def overview(ctx):
    from inventory.models import System

    client = ctx.client()
    url = reverse("inventory:overview")
    base = timed(lambda: list(System.objects.values("status", "hosting")), ctx.iterations)
    return [
        result("inventory overview, after a change (cold)", cold(ctx, client, url), base, COLD_MS),
        result(
            "inventory overview (whole subtree)", timed(lambda: _get(client, url), ctx.iterations), base, OVERVIEW_MS
        ),
    ]


def impact(ctx):
    """The hub's blast radius: warm, then the first look right after a link change has been processed — the change
    saved through the service, the build task run by another process (the worker), the look in this one, which held
    the version before — and the resident memory of a fresh worker process that has looked at it."""
    from django.contrib.auth import get_user_model

    from inventory import impact as blast
    from inventory.impact import system_impact
    from inventory.models import ImpactGraphVersion, System

    user = get_user_model().objects.get(username="demo_cio")
    hub = System.objects.filter(name__contains="统一身份认证平台").order_by("pk").first() or System.objects.first()
    base = timed(lambda: list(System.objects.values("id", "name")[:200]), ctx.iterations)
    samples = timed(lambda: system_impact(user=user, system=hub, depth=5, direction="down"), ctx.iterations)
    first, builds = [], []
    for _ in range(1 if ctx.smoke else 5):
        _toggle_link(hub)
        before = blast.get_graph().version
        started = time.perf_counter()
        _manage("graph", "build")  # what the worker's task runs
        builds.append(time.perf_counter() - started)
        started = time.perf_counter()
        system_impact(user=user, system=hub, depth=5, direction="down")
        first.append(time.perf_counter() - started)
        assert blast.get_graph().version != before
    latest = ImpactGraphVersion.objects.first()
    return [
        result(f"blast radius of a hub ({hub.name})", samples, base, IMPACT_MS),
        result(
            "blast radius of the hub, first look after a link change was processed",
            first,
            base,
            IMPACT_MS,
            build_ms=round(sum(builds) / len(builds) * 1000),
            build_in_task_s=latest.seconds,
            graph_nodes=latest.nodes,
            graph_edges=latest.edges,
        ),
        result("impact graph: worker that looked at the hub", [0.0], None, None, **_worker_rss(hub.pk)),
    ]


WORKER = """
import os, sys, time
import django
django.setup()
from django.contrib.auth import get_user_model
from inventory.impact import system_impact
from inventory.models import System
from security.selectors.compromise import compromise
user = get_user_model().objects.get(username="demo_cio")
hub = System.objects.select_related("owner_unit").get(pk=int(sys.argv[1]))
for _ in range(3):
    system_impact(user=user, system=hub, depth=5, direction="both")
    compromise(user=user, system=hub, depth=5)
status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines() if ":" in line)
print(int(status["VmRSS"].split()[0]) // 1024, int(status["VmHWM"].split()[0]) // 1024)
"""


def _manage(*args: str) -> None:
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, str(root / "manage.py"), *args], check=True, cwd=root, stdout=subprocess.DEVNULL)


def _worker_rss(hub_pk: int) -> dict:
    """RSS of a fresh process that set Django up, mapped the graph and looked at the hub both ways and as "if
    compromised" three times (MB): what a web worker holds for the graph."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", WORKER, str(hub_pk)], cwd=root, capture_output=True, text=True, check=True
    )
    rss, peak = map(int, done.stdout.split()[-2:])
    return {"worker_rss_mb": rss, "worker_peak_rss_mb": peak, "target_worker_rss_mb": 300}


def _toggle_link(hub) -> None:
    """A link change through the service: a link from the hub to the first system it does not reach directly is
    added, or removed again."""
    from core.services import object_delete
    from inventory.models import Link, System
    from inventory.services import link_save

    mark = "bench: link toggled"
    found = Link.objects.filter(from_system=hub, description=mark).first()
    if found is not None:
        object_delete(obj=found, actor=None)
        return
    linked = Link.objects.filter(from_system=hub).values("to_system")
    other = System.objects.exclude(pk=hub.pk).exclude(pk__in=linked).order_by("pk").first()
    link_save(actor=None, link=Link(from_system=hub, to_system=other, description=mark))


def systems_xlsx(rows: int, prefix: str = "BENCH") -> bytes:
    """An .xlsx of ``rows`` new systems in the system import's columns, spread over 200 departments."""
    from core.io import write_xlsx
    from core.models import Unit
    from inventory.schemas import system_schema

    units = list(Unit.objects.filter(kind="department").values_list("code", flat=True)[:200])
    headers = [str(c.header) for c in system_schema.columns]
    names = [c.name for c in system_schema.columns]
    values = {"status": "running", "hosting": "gov_cloud", "network": "egov_extranet", "user_count": 120}
    buffer = io.BytesIO()
    write_xlsx(
        headers,
        (
            [
                f"基准测试系统{i}"
                if n == "name"
                else f"{prefix}-{i:06d}"
                if n == "code"
                else units[i % len(units)]
                if n == "owner_unit"
                else values.get(n, "")
                for n in names
            ]
            for i in range(rows)
        ),
        buffer,
    )
    return buffer.getvalue()


def import_export(ctx):
    """Validate and commit N systems from .xlsx (rolled back afterwards), then export every system."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from inventory.models import System
    from inventory.schemas import system_schema
    from inventory.views.records import SystemImportView

    rows = 2_000 if ctx.smoke else 100_000
    user = get_user_model().objects.get(username="demo_cio")
    data = systems_xlsx(rows)
    view = SystemImportView()
    view.request = type("R", (), {"user": user})()
    started = time.perf_counter()
    validation = system_schema.validate(SimpleUploadedFile("bench.xlsx", data), "bench.xlsx", user)
    validated = time.perf_counter() - started
    assert validation.ok, validation.errors[:5]
    committed = _rolled_back(lambda: view.commit(validation.rows))
    # Baseline: Django's bulk_create of the same rows, unchecked, unaudited and unindexed.
    plain = _rolled_back(lambda: System.objects.bulk_create(System(**row) for row in validation.rows))
    dataset.vacuum()
    total = validated + committed
    out = [
        result(
            f"import {rows} systems from .xlsx (validate + commit)",
            [total],
            [plain],
            rows_per_s=round(rows / total),
            validate_s=round(validated, 2),
            commit_s=round(committed, 2),
            commit_rows_per_s=round(rows / committed),
            target_rows_per_s=10_000,
        )
    ]
    client = ctx.client()
    count = System.objects.count()
    fields = ["name", "code", "owner_unit__name", "status", "hosting", "last_active_date", "annual_om_cost"]
    base = timed(lambda: sum(1 for _ in System.objects.values_list(*fields).iterator(chunk_size=2000)), 3, 0)
    for fmt in ("csv", "xlsx"):
        samples = timed(lambda fmt=fmt: _get(client, reverse("inventory:system_list") + f"?export={fmt}"), 3, 0)
        out.append(
            result(
                f"export {count} systems .{fmt}",
                samples,
                base,
                rows_per_s=round(count / min(samples)),
                target_rows_per_s=30_000,
            )
        )
    return out


def _rolled_back(fn) -> float:
    """Seconds ``fn`` takes inside a transaction that is then rolled back."""
    elapsed = 0.0
    try:
        with transaction.atomic():
            started = time.perf_counter()
            fn()
            elapsed = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    return elapsed


class _Rollback(Exception):
    pass
