"""core.bulk.insert against Django's bulk_create on the same rows, on the database the tests run on (SQLite, or
PostgreSQL with GOVCIO_TEST_DATABASE_URL): NULLs, defaults, unicode, maximum lengths, rollback, and keys under
concurrent inserts."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, connections, transaction

from core import bulk
from core.models import SearchEntry
from core.testing import build_tree
from inventory.models import System

EXCLUDE = ("id", "name", "code", "created_at", "updated_at")


def rows(unit, prefix: str) -> list[dict]:
    """What an import hands over: some fields given, the others left to their defaults."""
    return [
        {"name": f"{prefix}-系统", "code": f"{prefix}-defaults", "owner_unit_id": unit.pk},  # defaults only
        {
            "name": f"{prefix}-NULL",
            "code": f"{prefix}-null",
            "owner_unit_id": unit.pk,
            "user_count": None,
            "go_live_date": None,
            "build_cost": None,
            "responsible_person": "",
        },
        {
            "name": "繁體與簡体 😀 e\u0301 \u2028 \t\n 'quote\" \\ <b>",
            "code": f"{prefix}-unicode",
            "owner_unit_id": unit.pk,
            "purpose": "长文本" * 10_000,
            "vendor": "示" * 100,  # max_length counts characters, not bytes
            "responsible_person": "x" * 50,
        },
        {
            "name": f"{prefix}-numbers",
            "code": f"{prefix}-numbers",
            "owner_unit_id": unit.pk,
            "user_count": 2**31 - 1,
            "build_cost": Decimal("9999999999.99"),
            "annual_om_cost": Decimal("0.125"),
            "go_live_date": dt.date(1900, 2, 28),
            "last_active_date": dt.date(9999, 12, 31),
            "tech_database_domestic": True,
            "status": "retired",
        },
        {"name": f"{prefix}-int as text", "code": f"{prefix}-text", "owner_unit_id": unit.pk, "user_count": "12"},
    ]


def stored(pks):
    values = System.objects.filter(pk__in=pks).order_by("pk").values()
    return [{key: value for key, value in row.items() if key not in EXCLUDE} for row in values]


@pytest.mark.django_db
@pytest.mark.parametrize("make", ["constructor", "bulk.instances"])
def test_the_same_rows_stored_the_same(make):
    tree = build_tree()
    if make == "constructor":
        ours = [System(**row) for row in rows(tree.dept_a, "O")]
    else:
        ours = bulk.instances(System, rows(tree.dept_a, "O"))
    theirs = [System(**row) for row in rows(tree.dept_a, "T")]
    bulk.insert(System, ours)
    System.objects.bulk_create(theirs)
    assert stored([o.pk for o in ours]) == stored([o.pk for o in theirs])
    assert [o.pk for o in ours] == sorted(o.pk for o in ours)
    for mine, other in zip(ours, theirs, strict=True):  # the instances afterwards
        assert (mine._state.adding, mine._state.db) == (other._state.adding, other._state.db) == (False, "default")
        assert mine.created_at is not None and other.created_at is not None
    fresh = System.objects.get(pk=ours[3].pk)
    assert fresh.annual_om_cost == System.objects.get(pk=theirs[3].pk).annual_om_cost
    assert fresh.user_count == 2**31 - 1 and System.objects.get(pk=ours[4].pk).user_count == 12


def outcome(function):
    try:
        with transaction.atomic():
            function()
            connection.check_constraints(table_names=["inventory_system"])  # deferred foreign keys, now
    except (DatabaseError, ValueError, TypeError) as exc:
        return type(exc).__mro__[1] if type(exc).__module__.startswith("psycopg") else type(exc)
    return None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, value",
    [
        ("name", "名" * 101),  # past max_length: PostgreSQL refuses, SQLite stores (neither checks in Python)
        ("code", "c" * 41),
        ("user_count", -1),  # PositiveIntegerField's CHECK constraint
        ("build_cost", Decimal("12345678901.5")),  # past max_digits
        ("purpose", "NUL \x00 inside"),  # PostgreSQL refuses NUL in text
        ("owner_unit_id", 999_999_999),  # no such unit (SQLite and PostgreSQL check at commit: deferred)
        ("user_count", "many"),
    ],
)
def test_what_one_refuses_the_other_refuses(field, value):
    tree = build_tree()

    def one(prefix, write):
        row = {"name": f"{prefix}x", "code": f"{prefix}-bad", "owner_unit_id": tree.dept_a.pk, field: value}
        if field == "code":
            row["code"] = prefix + value[1:]
        obj = System(**row)
        return outcome(lambda: write([obj])), obj.pk

    (ours, our_key), (theirs, their_key) = (
        one("O", lambda objs: bulk.insert(System, objs)),
        one("T", System.objects.bulk_create),
    )
    assert ours == theirs
    # A row refused on its way in leaves the object without a key (one refused at commit keeps it), in both.
    assert (our_key is None) == (their_key is None)
    assert System.objects.filter(owner_unit=tree.dept_a).count() == (0 if ours else 2)


@pytest.mark.django_db
def test_rolled_back_keys_like_bulk_create():
    tree = build_tree()
    before = System.objects.create(name="之前", code="BEFORE", owner_unit=tree.dept_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        objs = [System(**row) for row in rows(tree.dept_a, "R")]
        bulk.insert(System, objs)
        System.objects.bulk_create([System(name="重复", code="BEFORE", owner_unit=tree.dept_a)])
    assert not System.objects.filter(code__startswith="R-").exists()
    again = [System(**row) for row in rows(tree.dept_a, "R")]
    bulk.insert(System, again)  # the same codes insert cleanly after the rollback
    after = System.objects.create(name="之后", code="AFTER", owner_unit=tree.dept_a)
    assert before.pk < min(o.pk for o in again) and max(o.pk for o in again) < after.pk
    if connection.vendor == "postgresql":  # a sequence never goes back, for bulk_create and bulk.insert alike
        assert min(o.pk for o in again) > before.pk + len(again)


# Keys under concurrent inserts. --------------------------------------------------------------------------------


@pytest.fixture
def concurrent_alias(tmp_path, django_db_blocker):
    """A database several threads can write at once: the PostgreSQL test database, or an SQLite file with the
    project's options (the test SQLite database lives in memory)."""
    if connection.vendor == "postgresql":
        yield "default"
        return
    alias = f"concurrent_{tmp_path.name}"
    connections.settings[alias] = {
        **connections.settings["default"],
        "NAME": str(tmp_path / "c.sqlite3"),
        "TEST": {"NAME": str(tmp_path / "c.sqlite3")},
    }
    try:
        with django_db_blocker.unblock():
            with connections[alias].schema_editor() as editor:
                editor.create_model(SearchEntry)
            yield alias
            connections[alias].close()
    finally:
        del connections[alias]
        del connections.settings[alias]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("atomic", [True, False])
def test_keys_under_concurrent_inserts(concurrent_alias, atomic):
    alias, threads, rounds, size = concurrent_alias, 4, 5, 40
    errors, keys = [], []

    def entries(tag):
        return [
            SearchEntry(object_type=tag, object_id=i, unit_path="0001", title=f"并发{i}", url=f"/x/{i}/", tokens="并发")
            for i in range(size)
        ]

    def work(number):
        try:
            for round_ in range(rounds):
                tag = f"P{atomic:d}{number}{round_:02d}"
                objs = entries(tag)
                if number == 0:  # one thread writes with bulk_create beside the others
                    SearchEntry.objects.using(alias).bulk_create(objs)
                elif atomic:
                    with transaction.atomic(using=alias):
                        bulk.insert(SearchEntry, objs, using=alias)
                else:
                    bulk.insert(SearchEntry, objs, using=alias)
                keys.extend(obj.pk for obj in objs)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections[alias].close()

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert len(keys) == len(set(keys)) == threads * rounds * size
    written = SearchEntry.objects.using(alias).filter(object_type__startswith=f"P{atomic:d}")
    stored_keys = set(written.values_list("pk", flat=True))
    assert stored_keys == set(keys)
