"""Scenarios on security: the dashboard and the fusion ranking of the whole subtree, the findings, gradings and dues
lists, and "if this system is compromised" for the hub."""

from django.urls import reverse

from bench.harness import result, timed
from bench.scenarios.core import COLD_MS, LIST_MS, OVERVIEW_MS, _get, cold
from bench.scenarios.inventory import IMPACT_MS


def dashboard(ctx):
    from security.models import Grading

    client = ctx.client()
    url = reverse("security:dashboard")
    return [
        result(
            "security dashboard, after a change (cold)",
            cold(ctx, client, url),
            timed(lambda: list(Grading.objects.values("level", "state")), ctx.iterations),
            COLD_MS,
        ),
        result(
            "security dashboard (whole subtree)",
            timed(lambda: _get(client, reverse("security:dashboard")), ctx.iterations),
            timed(lambda: list(Grading.objects.values("level", "state")), ctx.iterations),
            OVERVIEW_MS,
        ),
    ]


def fusion(ctx):
    """The ranking of every system in the subtree: the page first after a change (the stored order, a new run
    pending), the background task's run over the whole installation, then the page as it is looked at afterwards."""
    from inventory.models import System
    from security import ranking

    client = ctx.client()
    url = reverse("security:fusion")
    base = timed(lambda: list(System.objects.values("id", "name", "status", "network")), ctx.iterations)
    first = result("fusion ranking, after a change (cold)", cold(ctx, client, url), base, COLD_MS)
    runs = 1 if ctx.smoke else 3
    task = result("fusion ranking computed by the task (every system)", timed(ranking.compute, runs, 0))
    return [
        first,
        task,
        result("fusion ranking page 1", timed(lambda: _get(client, url), ctx.iterations), base, OVERVIEW_MS),
        result(
            "fusion ranking, deep page (20)",
            timed(lambda: _get(client, f"{url}?page=20"), ctx.iterations),
            base,
            OVERVIEW_MS,
        ),
    ]


def lists(ctx):
    from security.models import Finding, Grading

    client = ctx.client()

    def rows(model, fields):
        return lambda: list(model.objects.order_by("-pk").values(*fields)[:50])

    findings = rows(Finding, ["id", "title", "severity", "status", "deadline", "system__name"])
    gradings = rows(Grading, ["id", "level", "state", "system__name", "system__owner_unit__name"])
    dues = reverse("security:due_list")
    first = result("MLPS dues list, after a change (cold)", cold(ctx, client, dues), timed(gradings, 3), COLD_MS)
    look = timed(lambda: _get(client, dues), ctx.iterations)
    warm = result("MLPS dues list page 1", look, timed(gradings, 3), OVERVIEW_MS)
    return [first, warm] + [
        result(
            f"{label} page 1",
            timed(lambda url=url: _get(client, url), ctx.iterations),
            timed(base, ctx.iterations),
            LIST_MS,
        )
        for label, url, base in (
            ("findings list", reverse("security:finding_list"), findings),
            (
                "findings list, open and overdue",
                reverse("security:finding_list") + "?status=open&overdue=yes",
                findings,
            ),
            ("gradings list", reverse("security:grading_list"), gradings),
        )
    ]


def compromise(ctx):
    from inventory.models import System

    client = ctx.client()
    hub = System.objects.filter(name__contains="统一身份认证平台").order_by("pk").first() or System.objects.first()
    url = reverse("security:compromise", args=[hub.pk])
    base = timed(lambda: list(System.objects.values("id", "name")[:200]), ctx.iterations)
    return [
        result(
            f"if compromised, after a change (cold) ({hub.name})",
            cold(ctx, client, url),
            base,
        ),
        result(f"if compromised ({hub.name})", timed(lambda: _get(client, url), ctx.iterations), base, IMPACT_MS),
    ]
