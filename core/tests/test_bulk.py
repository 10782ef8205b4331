"""core.bulk writes what bulk_create writes, and core.imports audits and indexes what single creates would."""

import datetime as dt
from decimal import Decimal

import pytest

from core import bulk, search
from core.imports import import_rows
from core.models import AuditRecord, SearchEntry, Unit
from core.services import snapshot
from core.testing import build_tree, make_user
from inventory.models import System


def stored(model, pks, exclude=("id", "created_at", "updated_at")):
    rows = model.objects.filter(pk__in=pks).order_by("pk").values()
    return [{k: v for k, v in row.items() if k not in exclude} for row in rows]


def systems(unit, prefix: str) -> list[System]:
    return [
        System(
            name=f"{prefix}系统{i}",
            code=f"{prefix}-{i:03d}",
            owner_unit_id=unit.pk,
            purpose="" if i % 2 else "办理“社保卡”申领 & 补换 <急件>",
            user_count=None if i % 3 else 120,
            go_live_date=dt.date(2020, 1, 1 + i) if i % 2 else None,
            build_cost=Decimal("12.50") if i % 2 else None,
            tech_database="达梦 DM8",
            tech_database_domestic=bool(i % 2),
        )
        for i in range(12)
    ]


@pytest.mark.django_db
def test_insert_writes_what_bulk_create_writes():
    tree = build_tree()
    ours, theirs = systems(tree.dept_a, "A"), systems(tree.dept_a, "B")
    bulk.insert(System, ours)
    System.objects.bulk_create(theirs)
    assert all(obj.pk and not obj._state.adding for obj in ours)
    assert len({obj.pk for obj in ours}) == 12
    a = stored(System, [o.pk for o in ours], exclude=("id", "created_at", "updated_at", "name", "code"))
    b = stored(System, [o.pk for o in theirs], exclude=("id", "created_at", "updated_at", "name", "code"))
    assert a == b
    fresh = System.objects.get(pk=ours[1].pk)
    assert (fresh.build_cost, fresh.go_live_date, fresh.purpose) == (Decimal("12.50"), dt.date(2020, 1, 2), "")
    assert fresh.created_at == ours[1].created_at  # auto_now_add filled on the instance, as bulk_create does


@pytest.mark.django_db
def test_insert_continues_the_key_sequence():
    tree = build_tree()
    first = systems(tree.dept_a, "C")[:3]
    bulk.insert(System, first)
    System.objects.filter(pk=first[-1].pk).delete()
    after = System.objects.create(name="之后", code="C-AFTER", owner_unit=tree.dept_a)
    assert after.pk > first[-1].pk  # keys allocated by bulk.insert are never handed out again
    more = systems(tree.dept_a, "D")[:2]
    bulk.insert(System, more)
    assert min(o.pk for o in more) > after.pk


@pytest.mark.django_db
def test_insert_refuses_a_mix_of_keys():
    tree = build_tree()
    objs = systems(tree.dept_a, "E")[:2]
    objs[0].pk = 10_000
    with pytest.raises(ValueError):
        bulk.insert(System, objs)


@pytest.mark.django_db
def test_instances_match_the_constructor():
    rows = [{"kind": "department", "name": "财政局", "code": "X1", "path": "00010001", "depth": 2}]
    fast = bulk.instances(Unit, rows)[0]
    slow = Unit(**rows[0])
    assert {f.attname: getattr(fast, f.attname) for f in Unit._meta.concrete_fields} == {
        f.attname: getattr(slow, f.attname) for f in Unit._meta.concrete_fields
    }
    assert fast._state.adding and fast._state.db is None
    assert bulk.instances(Unit, [{"parent": None, **rows[0]}])[0].parent is None  # a relation name: the constructor


@pytest.mark.django_db
def test_import_audits_and_indexes_like_single_creates():
    tree = build_tree()
    cio = make_user("cio_bulk", "cio", tree.county_a)
    rows = [
        {"name": f"导入系统{i}", "code": f"IMP-{i}", "owner_unit_id": tree.dept_a.pk, "vendor": "示例科技有限公司"}
        for i in range(5)
    ]
    created = import_rows(model=System, rows=rows, actor=cio)
    spec = search.registered()["inventory.system"]
    for obj in created:
        fresh = System.objects.select_related("owner_unit").get(pk=obj.pk)
        record = AuditRecord.objects.get(object_type="inventory.system", object_id=str(obj.pk), event="import")
        assert record.changes == snapshot(fresh)
        assert record.unit_path == tree.dept_a.path
        entry = SearchEntry.objects.get(object_type="inventory.system", object_id=obj.pk)
        assert (entry.unit_path, entry.title, entry.url, entry.tokens) == spec.row(fresh)[2:]
        assert entry.url == fresh.get_absolute_url()


COLUMNS = ["object_type", "object_id", "unit_path", "title", "url", "tokens"]
UPDATE = ["unit_path", "title", "url", "tokens"]


@pytest.fixture(params=[1000, 2])  # one statement over arrays, and COPY through a staging table
def stage_from(request, monkeypatch):
    monkeypatch.setattr(bulk, "STAGE_FROM", request.param)
    return request.param


@pytest.mark.django_db
@pytest.mark.usefixtures("stage_from")
def test_upsert_inserts_new_rows_and_updates_existing_ones():
    columns, update = COLUMNS, UPDATE

    def upsert(rows):
        bulk.upsert_rows(SearchEntry, columns, rows, unique=["object_type", "object_id"], update=update)

    upsert([("bench.thing", i, "0001", f"旧标题{i}", f"/t/{i}/", "旧 标题") for i in range(3)])
    upsert(("bench.thing", i, "0002", f"新标题{i}", f"/t/{i}/", "新 标题") for i in range(1, 5))  # a generator
    rows = SearchEntry.objects.filter(object_type="bench.thing").order_by("object_id")
    assert [(r.object_id, r.unit_path, r.title) for r in rows] == [
        (0, "0001", "旧标题0"),
        *[(i, "0002", f"新标题{i}") for i in range(1, 5)],
    ]
    upsert([])  # nothing to write, no error
    assert SearchEntry.objects.filter(object_type="bench.thing").count() == 5


# The same against bulk_create(update_conflicts=True) (docs/decisions/0015-bulk-insert.md). --------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("stage_from")
def test_upsert_rows_leaves_what_bulk_create_with_update_conflicts_leaves():
    columns, update = COLUMNS, UPDATE

    def batch(kind, version):
        texts = ["繁體 😀 e\u0301", "", "'\"\\ <b>", "长" * 255, f"版本{version}"]
        return [(kind, i, f"000{version}", texts[i % len(texts)], f"/x/{i}/", f"词{i} {version}") for i in range(6)]

    def library(rows):
        SearchEntry.objects.bulk_create(
            [SearchEntry(**dict(zip(columns, row, strict=True))) for row in rows],
            update_conflicts=True,
            unique_fields=["object_type", "object_id"],
            update_fields=update,
        )

    for version, rows_of in enumerate([lambda k, v: batch(k, v)[:4], lambda k, v: batch(k, v)[2:]], start=1):
        bulk.upsert_rows(SearchEntry, columns, rows_of("ours", version), unique=columns[:2], update=update)
        library(rows_of("theirs", version))

    def read(kind):
        return list(SearchEntry.objects.filter(object_type=kind).order_by("object_id").values_list(*columns[1:]))

    assert read("ours") == read("theirs")
    assert len(read("ours")) == 6
