"""Scenarios on the inventory: system list and detail, overview, blast radius, import and export of systems."""

import io
import time

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
        result(
            "system API list first page",
            timed(lambda: _get(client, api), ctx.iterations),
            timed(base(1), ctx.iterations),
            LIST_MS,
        ),
    ]
    return out


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
    from django.contrib.auth import get_user_model

    from inventory.impact import system_impact
    from inventory.models import System

    user = get_user_model().objects.get(username="demo_cio")
    hub = System.objects.filter(name__contains="统一身份认证平台").order_by("pk").first() or System.objects.first()
    samples = timed(lambda: system_impact(user=user, system=hub, depth=5, direction="down"), ctx.iterations)
    return [
        result(
            f"blast radius of a hub ({hub.name})",
            samples,
            timed(lambda: list(System.objects.values("id", "name")[:200]), ctx.iterations),
            IMPACT_MS,
        )
    ]


def import_export(ctx):
    """Validate and commit N systems from .xlsx (rolled back afterwards), then export every system."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.io import write_xlsx
    from core.models import Unit
    from inventory.models import System
    from inventory.schemas import system_schema
    from inventory.views.records import SystemImportView

    rows = 2_000 if ctx.smoke else 100_000
    user = get_user_model().objects.get(username="demo_cio")
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
                else f"BENCH-{i:06d}"
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
    data = buffer.getvalue()
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
