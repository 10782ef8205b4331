"""Timing helpers for the benchmarks: percentiles, a baseline ratio per scenario, and the results file."""

import gc
import json
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def timed(fn: Callable[[], object], iterations: int, warmup: int = 1) -> list[float]:
    """Run ``fn`` ``warmup`` times untimed, then ``iterations`` times; seconds per run."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(iterations):
        gc.collect()
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def timed_after(setup: Callable[[], object], fn: Callable[[], object], iterations: int) -> list[float]:
    """``setup()`` untimed, then ``fn()`` timed, ``iterations`` times: a first look after a change."""
    samples = []
    for _ in range(iterations):
        setup()
        gc.collect()
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


@dataclass
class Result:
    scenario: str
    p50_ms: float
    p95_ms: float
    p99_ms: float
    runs: int
    baseline_p50_ms: float | None = None
    ratio: float | None = None
    target_ms: float | None = None
    extra: dict = field(default_factory=dict)

    @property
    def met(self) -> bool | None:
        return None if self.target_ms is None else self.p95_ms <= self.target_ms


def result(
    scenario: str, samples: list[float], baseline: list[float] | None = None, target_ms: float | None = None, **extra
) -> Result:
    ms = [s * 1000 for s in samples]
    base = statistics.median(baseline) * 1000 if baseline else None
    p50 = statistics.median(ms)
    return Result(
        scenario=scenario,
        p50_ms=round(p50, 2),
        p95_ms=round(percentile(ms, 95), 2),
        p99_ms=round(percentile(ms, 99), 2),
        runs=len(ms),
        baseline_p50_ms=round(base, 2) if base is not None else None,
        ratio=round(p50 / base, 1) if base else None,
        target_ms=target_ms,
        extra=extra,
    )


def peak_memory_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def markdown(results: list[Result]) -> str:
    lines = [
        "| scenario | p50 ms | p95 ms | p99 ms | baseline p50 ms | ratio | target p95 ms | met | notes |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        notes = ", ".join(f"{k}={v}" for k, v in r.extra.items())
        met = {True: "yes", False: "**no**", None: ""}[r.met]
        lines.append(
            f"| {r.scenario} | {r.p50_ms} | {r.p95_ms} | {r.p99_ms} | {r.baseline_p50_ms or ''} | {r.ratio or ''} "
            f"| {r.target_ms or ''} | {met} | {notes} |"
        )
    return "\n".join(lines)


def save(results: list[Result], *, scale: str, db: str, meta: dict) -> Path:
    """Write the day's results file for (scale, db): this run's scenarios replace their rows in it and the others
    stay (a run of some scenarios, or the generation timed by an earlier run), each noting when it ran."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{time.strftime('%Y-%m-%d')}-{scale}-{db}.json"
    rows = [asdict(r) | {"met": r.met, "ran_at": time.strftime("%H:%M")} for r in results]
    if path.exists():
        old = json.loads(path.read_text(encoding="utf-8"))["results"]
        fresh = {row["scenario"] for row in rows}
        group = {_family(row["scenario"]) for row in rows}
        kept = [row for row in old if row["scenario"] not in fresh and _family(row["scenario"]) not in group]
        rows = kept + rows
    payload = {"scale": scale, "db": db, **meta, "results": rows}
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _family(scenario: str) -> str:
    """A scenario's name without its counts, so that "audit verify (200008 records)" replaces "(200000 records)"."""
    return " ".join(word for word in scenario.split() if not word.strip("()").isdigit())
