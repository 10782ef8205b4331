"""Generate the demo security data batch by batch: systems in code order, each batch planned in memory (gradings,
opinions, assessments, crypto assessments, findings) and written with bulk inserts before the next is read, so
memory stays flat at province scale; the risk register last, per department.

No per-row services and no audit entries: core.demo writes the one summary entry with these counts.
"""

import random
import time
from collections import Counter

from django.db import connection
from django.utils import timezone

from inventory.models import System

from ..choices import AssessmentKind, FindingStatus, GradingState
from ..models import Assessment, CryptoAssessment, CryptoItemResult, ExpertOpinion, Finding, Grading
from .checks import CheckPlanner
from .context import Context, create_policies, demo_systems, load_systems
from .findings import FindingPlanner
from .gradings import GradingPlanner, Planned
from .risks import RiskPlanner

CHUNK = 2000  # systems per batch
BATCH = 2000  # rows per insert


def _insert(model, objects: list) -> None:
    model.objects.bulk_create(objects, batch_size=BATCH)
    if objects and objects[0].pk is None:  # SQLite ≥ 3.35 and PostgreSQL return keys; the rows below need them
        raise RuntimeError(f"the database did not return the keys of bulk-inserted {model.__name__} rows")


def _write(batch: list[Planned], counts: Counter, today) -> None:
    gradings = [p.grading for p in batch if p.grading is not None]
    _insert(Grading, gradings)
    _insert(ExpertOpinion, [o for p in batch for o in p.opinions])
    assessments = [a for p in batch for a in p.assessments]
    _insert(Assessment, assessments)
    cryptos = [c for p in batch for c in p.cryptos]
    _insert(CryptoAssessment, [a for a, _ in cryptos])
    CryptoItemResult.objects.bulk_create([i for _, items in cryptos for i in items], batch_size=BATCH)
    findings = [f for p in batch for f in p.findings]
    Finding.objects.bulk_create(findings, batch_size=BATCH)

    # The inventory's levels were a starting point (read as hints above); the gradings decide now.
    System.objects.filter(pk__in=[p.row.pk for p in batch]).update(mlps_level=None)
    levels: dict[int, list[int]] = {}
    for planned in batch:  # the level in force: filed (level 1: approved, no filing), kept while regraded
        if planned.held_level is not None:
            levels.setdefault(planned.held_level, []).append(planned.row.pk)
    for level, ids in sorted(levels.items()):
        for start in range(0, len(ids), 900):
            System.objects.filter(pk__in=ids[start : start + 900]).update(mlps_level=level)

    counts["gradings"] += len(gradings)
    counts["gradings_filed"] += sum(g.state == GradingState.FILED for g in gradings)
    counts["expert_opinions"] += sum(len(p.opinions) for p in batch)
    counts["assessments"] += sum(a.kind == AssessmentKind.ASSESSMENT for a in assessments)
    counts["self_inspections"] += sum(a.kind == AssessmentKind.SELF_INSPECTION for a in assessments)
    counts["crypto_assessments"] += len(cryptos)
    counts["findings"] += len(findings)
    counts["findings_overdue"] += sum(f.status == FindingStatus.OPEN and f.deadline < today for f in findings)


def run(rng: random.Random, units: list, stdout=None) -> dict:
    """Generate the security data of the demo tree ``units`` (in path order, after the inventory); returns counts."""
    if connection.vendor == "sqlite" and not connection.features.can_return_rows_from_bulk_insert:
        raise RuntimeError("the security demo needs SQLite 3.35 or later (keys returned from bulk inserts)")
    today = timezone.localdate()
    started = time.monotonic()
    counts: Counter = Counter()
    policies = create_policies(units)
    counts["security_policies"] = len(policies)
    ctx = Context.build(rng, units, today, policies)
    gradings, checks, findings, risks = GradingPlanner(ctx), CheckPlanner(ctx), FindingPlanner(ctx), RiskPlanner(ctx)

    ids = list(demo_systems(ctx.root).order_by("code").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        if stdout is not None and len(ids) > CHUNK:
            stdout.write(f"  security: {start} of {len(ids)} systems ({time.monotonic() - started:.1f}s)")
        rows = load_systems(ids[start : start + CHUNK])
        batch = gradings.plan(rows)
        checks.plan(batch)
        findings.plan(batch)
        _write(batch, counts, today)
        risks.remember(rows)
    counts["risks"] = risks.write()
    return dict(counts)
