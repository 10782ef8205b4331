"""Blast radius (影响分析) at province scale — a benchmark, not a test: it reports numbers.

    .venv/bin/python -m bench.impact                      # SQLite, in bench/data/impact-sqlite/
    .venv/bin/python -m bench.impact --db postgres        # PostgreSQL database govcio_bench_impact on 127.0.0.1
    .venv/bin/python -m bench.impact --runs 100 --depth 5 --cte

The first run generates the graph straight into its own database (a few minutes) and later runs reuse it:
~11k units (the demo's province tree), 100k systems, 300k links with realistic hubs (统一身份认证平台, 电子证照库,
数据共享交换平台 and 一体化政务服务平台 with thousands of dependents; city and county platforms with hundreds;
the rest mostly inside a department or a government), 20k service items and 400k data resources. It never touches
the developer's data: SQLite lives in bench/data/impact-sqlite/ (or --data-dir), PostgreSQL in the database named by
GOVCIO_BENCH_DATABASE_URL (default govcio_bench_impact, created if missing); DATABASE_URL is ignored, and a
database that holds units but no benchmark marker is refused.

Each scenario times ``inventory.impact.system_impact`` (the computation the page and the JSON endpoint run) ≥ 50
times and prints p50/p95/p99, with a baseline — a plain ``.values()`` fetch of as many systems as the result lists —
and the ratio of the two. ``--cte`` also times a recursive CTE (WITH RECURSIVE) walk of the same graph, the
alternative that was measured and rejected; ``--cte-only`` times just that.

Measured on the shared 2-core development VM while other work ran, depth 5, 60 runs (ms, p50 / p95):

    scenario                                        SQLite          PostgreSQL 15
    hub 统一身份认证平台 (93k reached), cold walk       25 / 36         43 / 53
    same hub, walk cached (the page's JSON, export)  17 / 25         35 / 46
    hub 数据共享交换平台 (91k reached, two-way)        33 / 46         70 / 79
    random system, province CIO (9k reached)         24 / 42         43 / 70
    random system, county CIO (14k reached)          16 / 21         32 / 46
    recursive CTE, hub, count only                 4018 / 4212     3321 / 3385   (earlier run)

The CTE cannot keep the shortest depth without expanding every (system, depth) pair, so a hub costs seconds before a
single name is read. The in-memory walk gathers each level's neighbours from CSR arrays with numpy (about 4 ms for
a hub reaching 93 % of the province at depth 5; the earlier walk by set unions took 50–90 ms and missed the target
on a cold hub: 173 / 268 ms SQLite, 142 / 192 ms PostgreSQL). What remains is naming the 200 nearest systems and
reading their service items and resources: a few gated queries.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = "BENCH-HUB-IDENTITY"  # the code of the first hub: present only in a database this script generated
SYSTEMS, LINKS, SERVICES, RESOURCES = 100_000, 300_000, 20_000, 400_000
TARGET_MS = 100
BATCH = 5000
SUFFIXES = (
    "业务管理系统", "行政审批系统", "档案管理系统", "数据报送系统", "综合监管平台", "协同办公系统", "统计分析系统",
    "移动办事应用", "信息采集系统", "公共服务平台", "执法办案系统", "应急指挥系统", "视频会议系统", "财务核算系统",
    "项目管理系统", "网上申报系统", "决策支持系统", "门户网站", "信用信息系统", "电子档案系统",
)  # fmt: skip
PROVINCE_HUBS = (  # (code, name, one-way dependents or two-way partners, direction)
    (MARKER, "统一身份认证平台", 4000, "one_way"),
    ("BENCH-HUB-LICENCE", "电子证照库", 2500, "one_way"),
    ("BENCH-HUB-EXCHANGE", "数据共享交换平台", 3000, "two_way"),
    ("BENCH-HUB-SERVICE", "一体化政务服务平台", 1500, "one_way"),
)


def configure(db: str, data_dir: str | None) -> None:
    os.environ["GOVCIO_DATA_DIR"] = data_dir or str(ROOT / "bench" / "data" / f"impact-{db}")
    Path(os.environ["GOVCIO_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("GOVCIO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ["DJANGO_SETTINGS_MODULE"] = "govcio.settings.default"
    if db == "postgres":
        os.environ["DATABASE_URL"] = os.environ.get(
            "GOVCIO_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/govcio_bench_impact"
        )
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))


def ensure_postgres_database() -> None:
    import psycopg
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


# Generation -------------------------------------------------------------------------------------------------------
def generate(seed: int = 7) -> None:
    from django.db import transaction

    from core.demo import tree
    from core.models import Unit
    from inventory.models import System

    if System.objects.filter(code=MARKER).exists():
        return
    if Unit.objects.exists():
        sys.exit("refusing to generate: this database holds units but is not a blast-radius benchmark database")
    rng = random.Random(seed)
    started = time.perf_counter()
    with transaction.atomic():
        nodes = tree.plan("province", rng)
        tree.save(nodes)
        print(f"  {len(nodes)} units", flush=True)
        systems = _systems(rng, nodes)
        print(f"  {len(systems)} systems", flush=True)
        links = _links(rng, systems)
        print(f"  {links} links", flush=True)
        _catalog(rng, systems)
        _users(nodes)
    print(f"generated in {time.perf_counter() - started:.0f}s", flush=True)


class Placed:
    """A generated system and where it sits: its department's node and its county/city/province governments."""

    __slots__ = ("pk", "unit", "gov", "city")

    def __init__(self, pk, unit, gov, city):
        self.pk, self.unit, self.gov, self.city = pk, unit, gov, city


def _government_chain(node):
    gov = node.gov or node
    while gov.level == "township":  # a township's systems belong to its county for the county platforms
        gov = gov.parent
    city = gov
    while city.level not in ("city", "province") and city.parent is not None:
        city = city.parent
    return gov, city


def _systems(rng, nodes) -> list[Placed]:
    from inventory.models import System

    weight = {"province": 20, "city": 12, "county": 8, "township": 1.5}
    owners = [n for n in nodes if n.unit.kind in ("department", "subunit")]
    weights = [weight[n.level] for n in owners]
    province_dept = next(n for n in owners if n.level == "province")
    placed_nodes = [province_dept] * len(PROVINCE_HUBS)
    objects = [
        System(owner_unit=province_dept.unit, name=f"{province_dept.gov.unit.short_name}{name}", code=code)
        for code, name, _n, _d in PROVINCE_HUBS
    ]
    for number, owner in enumerate(rng.choices(owners, weights, k=SYSTEMS - len(objects)), start=1):
        short = owner.unit.short_name or owner.unit.name
        prefix = "" if owner.level == "province" else owner.gov.unit.short_name
        name = f"{prefix}{short}{rng.choice(SUFFIXES)}"[:100]
        objects.append(System(owner_unit=owner.unit, name=name, code=f"BENCH-{number:06d}"))
        placed_nodes.append(owner)
    for start in range(0, len(objects), BATCH):
        System.objects.bulk_create(objects[start : start + BATCH])
    return [Placed(obj.pk, node, *_government_chain(node)) for obj, node in zip(objects, placed_nodes, strict=True)]


def _links(rng, systems: list[Placed]) -> int:
    from inventory.models import Link

    by_unit, by_gov, by_city = {}, {}, {}
    for s in systems[len(PROVINCE_HUBS) :]:
        by_unit.setdefault(id(s.unit), []).append(s.pk)
        by_gov.setdefault(id(s.gov), []).append(s.pk)
        by_city.setdefault(id(s.city), []).append(s.pk)
    everyone = [s.pk for s in systems[len(PROVINCE_HUBS) :]]
    pairs: dict[tuple[int, int], str] = {}

    def add(a, b, direction="one_way"):
        if a != b and (a, b) not in pairs and (b, a) not in pairs:
            pairs[(a, b)] = direction

    for hub, (_code, _name, count, direction) in zip(systems, PROVINCE_HUBS, strict=False):
        for pk in rng.sample(everyone, count):
            add(hub.pk, pk, direction)
    # City platforms (exchange two-way, identity one-way) and county platforms: the first systems of the
    # government's first department stand in for them.
    for members in by_city.values():
        exchange, identity = members[0], members[1]
        for pk in rng.sample(members, min(400, len(members))):
            add(exchange, pk, "two_way")
        for pk in rng.sample(members, min(600, len(members))):
            add(identity, pk)
    for members in by_gov.values():
        platform = members[0]
        for pk in rng.sample(members, min(60, len(members))):
            add(platform, pk)
    while len(pairs) < LINKS:
        s = rng.choice(systems)
        roll = rng.random()
        pool = (
            by_unit[id(s.unit)]
            if roll < 0.45
            else by_gov[id(s.gov)]
            if roll < 0.80
            else by_city[id(s.city)]
            if roll < 0.95
            else everyone
        )
        add(s.pk, rng.choice(pool), "two_way" if rng.random() < 0.15 else "one_way")
    objects = [Link(from_system_id=a, to_system_id=b, direction=d) for (a, b), d in pairs.items()]
    for start in range(0, len(objects), BATCH):
        Link.objects.bulk_create(objects[start : start + BATCH])
    return len(objects)


def _catalog(rng, systems: list[Placed]) -> None:
    from inventory.models import DataResource, Link, ServiceItem

    services = []
    for number in range(1, SERVICES + 1):
        s = rng.choice(systems)
        services.append(
            ServiceItem(
                name=f"{s.unit.unit.short_name}政务服务事项{number}", code=f"BENCH-SV-{number:06d}", unit=s.unit.unit
            )
        )
    for start in range(0, len(services), BATCH):
        ServiceItem.objects.bulk_create(services[start : start + BATCH])
    through = ServiceItem.systems.through
    rows = []
    for item in services:
        for s in rng.sample(systems, rng.randint(1, 3)):
            rows.append(through(serviceitem_id=item.pk, system_id=s.pk))
    through.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    print(f"  {len(services)} service items", flush=True)
    resources = []
    for number in range(1, RESOURCES + 1):
        s = systems[number % len(systems)]
        item, category = f"{number % 20 + 1:02d}", f"{number % 50 + 1:03d}"
        resources.append(
            DataResource(kind="departmental", class_code="3", item_code=item, category_code=category,
                         code=f"3{item}{category}/{number:06d}", name=f"{s.unit.unit.short_name}业务数据{number}",
                         provider=s.unit.unit, system_id=s.pk)
        )  # fmt: skip
    for start in range(0, len(resources), BATCH):
        DataResource.objects.bulk_create(resources[start : start + BATCH])
    print(f"  {len(resources)} data resources", flush=True)
    link_ids = list(Link.objects.values_list("pk", flat=True))
    carried = Link.resources.through
    rows = [carried(link_id=pk, dataresource_id=rng.choice(resources).pk) for pk in rng.sample(link_ids, LINKS // 3)]
    carried.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)


def _users(nodes) -> None:
    from accounts.models import User
    from core.models import Role, RoleAssignment

    cio = Role.objects.get(code="cio")
    province = nodes[0].unit
    county = next(n.unit for n in nodes if n.unit.kind == "county")
    for username, unit in (("bench_province_cio", province), ("bench_county_cio", county)):
        user = User.objects.create(username=username, unit=unit, full_name=username)
        RoleAssignment.objects.create(user=user, role=cio, unit=unit, include_descendants=True)


# Timing -------------------------------------------------------------------------------------------------------
CTE_TIMEOUT = 20  # seconds: the CTE's paths multiply with depth, so a run is cut off rather than waited for


def cte_walk(start: int, depth: int) -> int | None:
    """The rejected alternative: the downstream walk as one recursive CTE, shortest depth by GROUP BY. Returns the
    number of systems reached, or None when it ran past CTE_TIMEOUT."""
    from django.db import OperationalError, connection

    # One recursive reference (PostgreSQL allows no more); both link indexes serve the OR.
    sql = """
        WITH RECURSIVE reach(id, depth) AS (
            SELECT CAST(%s AS BIGINT), 0
            UNION
            SELECT CASE WHEN l.from_system_id = r.id THEN l.to_system_id ELSE l.from_system_id END, r.depth + 1
            FROM reach r JOIN inventory_link l
              ON l.from_system_id = r.id OR (l.to_system_id = r.id AND l.direction = 'two_way')
            WHERE r.depth < %s
        )
        SELECT COUNT(*) FROM (SELECT id, MIN(depth) FROM reach GROUP BY id) shortest
    """
    deadline = time.monotonic() + CTE_TIMEOUT
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET statement_timeout = %s", [CTE_TIMEOUT * 1000])
        else:
            connection.connection.set_progress_handler(lambda: int(time.monotonic() > deadline), 100_000)
        try:
            cursor.execute(sql, [start, depth])
            return cursor.fetchone()[0]
        except OperationalError:  # interrupted (SQLite) or cancelled by statement_timeout (PostgreSQL)
            return None
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SET statement_timeout = 0")
            else:
                connection.connection.set_progress_handler(None, 0)


def cte_results(picks: list[int], depth: int, label: str, runs: int):
    from bench.harness import result

    samples, timeouts = [], 0
    for start in (picks * runs)[:runs]:
        started = time.perf_counter()
        if cte_walk(start, depth) is None:
            timeouts += 1
        samples.append(time.perf_counter() - started)
    return result(f"recursive CTE, {label} (count only)", samples, None, TARGET_MS, timeouts=timeouts)


def run(args) -> None:
    from accounts.models import User
    from bench.harness import markdown, result, timed
    from inventory import graph as graph_store
    from inventory import impact
    from inventory.models import Link, System

    province = User.objects.get(username="bench_province_cio")
    county = User.objects.get(username="bench_county_cio")
    hubs = {code: System.objects.get(code=code) for code, *_rest in PROVINCE_HUBS}
    rng = random.Random(11)
    ids = list(System.objects.order_by("pk").values_list("pk", flat=True))
    county_systems = list(System.objects.restrict(county, "view").values_list("pk", flat=True))
    started = time.perf_counter()
    version = impact.build_graph()  # what the worker's task runs after a change of links
    build_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    impact.forget_graph()
    impact.get_graph()
    map_ms = (time.perf_counter() - started) * 1000
    check_ms = min(timed(graph_store.current_version, 20)) * 1000
    print(
        f"graph build {build_ms:.0f} ms in the task ({version.nodes} nodes, {version.edges} directed edges); "
        f"mapping a new version {map_ms:.1f} ms; per-look version check {check_ms:.2f} ms"
    )

    def scenario(label, user, systems, direction=impact.DOWN, cold=True):
        picks = iter(systems * (args.runs // len(systems) + 2))
        sizes = []

        def ours():
            if cold:  # the walk cache keeps large walks; a cold run pays for the walk
                impact.get_graph().walks.clear()
            system = System.objects.select_related("owner_unit").get(pk=next(picks))
            out = impact.system_impact(user=user, system=system, depth=args.depth, direction=direction)
            sizes.append((sum(s.total for s in out.sides), sum(len(s.systems) for s in out.sides)))

        samples = timed(ours, args.runs)
        listed = max(1, round(sum(n for _t, n in sizes) / len(sizes)))
        reached = round(sum(t for t, _n in sizes) / len(sizes))

        def baseline():
            list(System.objects.filter(pk__in=ids[:listed]).values("pk", "name", "code", "owner_unit__name"))

        return result(label, samples, timed(baseline, args.runs), TARGET_MS, reached=reached, listed=listed)

    randoms = rng.sample(ids, 60)
    results = (
        []
        if args.cte_only
        else [
            scenario("hub 统一身份认证平台, province CIO", province, [hubs[MARKER].pk]),
            scenario("hub 统一身份认证平台, province CIO, walk cached", province, [hubs[MARKER].pk], cold=False),
            scenario("hub 数据共享交换平台, province CIO", province, [hubs["BENCH-HUB-EXCHANGE"].pk]),
            scenario("hub 统一身份认证平台, county CIO", county, [hubs[MARKER].pk]),
            scenario("random systems, province CIO", province, randoms),
            scenario("random county systems, county CIO", county, rng.sample(county_systems, 60)),
            scenario("random systems upstream, province CIO", province, randoms, impact.UP),
            scenario("random systems both ways, province CIO", province, randoms, impact.BOTH),
        ]
    )
    if args.cte or args.cte_only:
        for depth in sorted({2, 3, args.depth}):
            results.append(cte_results([hubs[MARKER].pk], depth, f"hub 统一身份认证平台, depth {depth}", 3))
            results.append(cte_results(randoms, depth, f"random systems, depth {depth}", 5))
    print()
    print(f"{Link.objects.count()} links, {len(ids)} systems, depth {args.depth}, {args.runs} runs per scenario")
    print(markdown(results))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument(
        "--data-dir", default=None, help="GOVCIO_DATA_DIR for this run (default bench/data/impact-<db>)"
    )
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--depth", type=int, default=5)
    parser.add_argument("--cte", action="store_true", help="also time the recursive-CTE alternative")
    parser.add_argument("--cte-only", action="store_true", help="time only the recursive-CTE alternative")
    args = parser.parse_args(argv)
    configure(args.db, args.data_dir)
    import django

    django.setup()
    if args.db == "postgres":
        ensure_postgres_database()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    generate()
    from django.db import connection

    with connection.cursor() as cursor:  # planner statistics after the bulk load, as autovacuum would gather them
        cursor.execute("ANALYZE")
    run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
