"""The benchmark dataset: generated once per scale and database with the demo generator, then reused."""

import time
from dataclasses import dataclass

from django.core.management import call_command


@dataclass
class Context:
    scale: str
    data_scale: str
    db: str
    iterations: int

    @property
    def smoke(self) -> bool:
        return self.scale == "smoke"

    def client(self, username: str = "demo_cio"):
        from django.test import Client

        from accounts.models import User

        client = Client()
        client.force_login(User.objects.get(username=username))
        return client


def ensure(scale: str):
    """Migrate and generate the demo if the database is empty; return the generation time as a result."""
    from bench.harness import result
    from core.models import Unit

    call_command("migrate", interactive=False, verbosity=0)
    if Unit.objects.exists():
        vacuum()
        graph()
        return None
    started = time.perf_counter()
    call_command("demo", scale=scale, seed=1, verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    elapsed = time.perf_counter() - started
    vacuum()
    graph()
    return result("demo generation", [elapsed], units=Unit.objects.count(), scale=scale)


def graph() -> None:
    """The impact graph, as the worker builds it after the demo's commit (the benchmarks run no worker)."""
    from inventory.graph import build, current_version, root

    name = current_version()
    if name is None or not (root() / name).is_dir():
        build()


def derived() -> list:
    """Count the per-unit rollups and weigh the fusion ranking from scratch, as after loading data behind the
    services (and, for the rollups, as the first look of each day does): timed, so that every scenario starts from
    figures that are up to date."""
    from bench.harness import result, timed

    return [
        result("rollups rebuild (every unit, every kind)", timed(lambda: call_command("rollups", "rebuild"), 1, 0)),
        result("fusion ranking computed (every system)", timed(lambda: call_command("ranking", "compute"), 1, 0)),
    ]


def vacuum() -> None:
    """On PostgreSQL, what autovacuum does in production: statistics for the planner after a bulk load, and the dead
    rows of rolled-back benchmark imports cleared (a 500-row table bloated by them took 140 ms to read). SQLite has
    neither: its planner works without statistics, and a rollback leaves nothing behind."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
