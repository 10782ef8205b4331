"""govcio benchmarks — not tests: they report numbers.

    make bench SCALE=county|city|province|smoke DB=sqlite|postgres
    python -m bench.run --scale city --db postgres [--iterations 30] [--only search,list]

The dataset is generated once per (scale, database) with ``govcio demo`` into bench/data/ (SQLite) or the database
govcio_bench_<scale> on 127.0.0.1 (PostgreSQL), and reused afterwards. Each scenario also times a baseline — a
minimal query reading the same rows with ``.values()`` — and reports our time as a ratio to it, because the machines
are noisy. Results go to bench/results/<date>-<scale>-<db>.json and a Markdown table is printed.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMOKE = "smoke"  # county data, one iteration per scenario: keeps the harness working in CI


def configure(scale: str, db: str) -> str:
    data_scale = "county" if scale == SMOKE else scale
    data_dir = ROOT / "bench" / "data" / f"{data_scale}-{db}"
    os.environ["GOVCIO_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("GOVCIO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ["DJANGO_SETTINGS_MODULE"] = "govcio.settings.default"
    if db == "postgres":
        os.environ["DATABASE_URL"] = os.environ.get(
            "GOVCIO_BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/govcio_bench_{data_scale}"
        )
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    return data_scale


def ensure_postgres_database() -> None:
    import psycopg
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="county", choices=["smoke", "county", "city", "province"])
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--iterations", type=int, default=0, help="runs per scenario (default by scale)")
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    parser.add_argument("--generate", action="store_true", help="generate the dataset (timed) and run no scenario")
    args = parser.parse_args(argv)
    data_scale = configure(args.scale, args.db)

    import django

    django.setup()
    if args.db == "postgres":
        ensure_postgres_database()
    from bench import dataset, harness
    from bench.scenarios import SCENARIOS

    generation = dataset.ensure(data_scale)
    iterations = args.iterations or (1 if args.scale == SMOKE else 30)
    ctx = dataset.Context(scale=args.scale, data_scale=data_scale, db=args.db, iterations=iterations)
    wanted = {name.strip() for name in args.only.split(",") if name.strip()}
    results = []
    if generation is not None:
        results.append(generation)
    if not args.generate:
        results.extend(dataset.derived())
    for name, scenario in SCENARIOS.items():
        if args.generate or (wanted and name not in wanted):
            continue
        started = time.perf_counter()
        print(f"… {name}", flush=True)
        for item in scenario(ctx):
            results.append(item)
        print(f"  done in {time.perf_counter() - started:.1f}s", flush=True)
    meta = {"iterations": iterations, "peak_memory_mb": harness.peak_memory_mb(), "python": sys.version.split()[0]}
    path = harness.save(results, scale=args.scale, db=args.db, meta=meta)
    print()
    print(harness.markdown(results))
    print(f"\npeak memory {meta['peak_memory_mb']} MB · results in {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
