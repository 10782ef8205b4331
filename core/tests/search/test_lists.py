"""A list's search box: the same rows as ``icontains``, through an index (pg_trgm on PostgreSQL, the search table's
FTS index on SQLite), inside the gate."""

import pytest
from django.db import connection
from django.db.models import Q

from core.filtersets import UnitFilterSet
from core.models import Unit
from core.search import registry
from core.search.lists import fragment_grams, narrow

from .conftest import make_unit


def listed(user, q):
    queryset = Unit.objects.restrict(user, "view")
    return sorted(unit.name for unit in UnitFilterSet({"q": q}, queryset=queryset).qs)


@pytest.fixture
def more(tree):
    made = [
        make_unit("示例律师事务所", "RSJ-2023-001", "00010101", tree["county"]),
        make_unit("另一律师事务所", "RSJ-2023-002", "00020101", tree["other"]),
        make_unit("示例县人力资源和社会保障局", "330122102", "00010102", tree["county"], short_name="人社局"),
    ]
    registry.index_many(made)
    return made


@pytest.mark.parametrize(
    ("q", "names"),
    [
        ("律师事务", ["示例律师事务所"]),
        ("师事务", ["示例律师事务所"]),
        ("SJ-2023-0", ["示例律师事务所"]),  # the middle of a code
        ("j-20", ["示例律师事务所"]),
        ("023", ["示例律师事务所"]),
        ("局", ["示例县人力资源和社会保障局", "示例县财政局", "政务服务和大数据管理局"]),  # no gram: the LIKE alone
        ("oa", ["示例县"]),
        ("人社局", ["示例县人力资源和社会保障局"]),
        ("会保障", ["示例县人力资源和社会保障局"]),
    ],
)
def test_the_rows_icontains_finds_and_only_in_scope(cio, more, q, names):
    scoped = Unit.objects.restrict(cio, "view")
    plain = scoped.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(code__icontains=q))
    assert listed(cio, q) == sorted(names) == sorted(unit.name for unit in plain)


def test_a_text_the_like_refuses_is_not_let_through_by_the_grams(cio, more):
    # The index folds traditional characters, the LIKE does not: the grams narrow, the LIKE decides, as before.
    assert listed(cio, "財政") == []
    assert listed(cio, "  ") == listed(cio, "") == sorted(unit.name for unit in Unit.objects.restrict(cio, "view"))


def test_fragment_grams():
    assert fragment_grams("律师事务") == ["律师", "师事", "事务"]
    assert fragment_grams("RSJ-2023") == ["rsj", "202", "023"]
    assert fragment_grams("局 oa") == []


def test_narrowing_needs_every_field_indexed(cio, more):
    queryset = Unit.objects.all()
    assert narrow(queryset, ["name", "parent__name"], "律师事务") is queryset
    assert narrow(queryset, ["name"], "局") is queryset


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS path is SQLite's")
def test_sqlite_reads_the_fts_index_not_every_unit(cio, more):
    queryset = UnitFilterSet({"q": "律师事务"}, queryset=Unit.objects.restrict(cio, "view")).qs
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " / ".join(row[-1] for row in cursor.fetchall())
    assert "core_search_fts VIRTUAL TABLE INDEX" in plan
    assert "SCAN core_unit" not in plan, plan


ROWS = 4000


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_postgresql_reads_the_trigram_indexes(cio, tree):
    county = tree["county"]
    Unit.objects.bulk_create(
        Unit(
            kind="department", name=f"部门{i:05d}", code=f"C{i:06d}X", path=f"0001{i + 100:04X}", depth=2, parent=county
        )
        for i in range(ROWS)
    )
    with connection.cursor() as cursor:
        # What autovacuum does after a bulk insert: GIN's pending list merged, statistics gathered.
        for column in ["name", "short_name", "code"]:
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [f"core_unit_{column}_trgm"])
        cursor.execute("ANALYZE core_unit")
    queryset = UnitFilterSet({"q": "00123X"}, queryset=Unit.objects.restrict(cio, "view")).qs
    assert [unit.code for unit in queryset] == ["C000123X"]
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for column in ["name", "short_name", "code"]:
        assert f"core_unit_{column}_trgm" in plan, plan
    assert "Seq Scan on core_unit" not in plan, plan
