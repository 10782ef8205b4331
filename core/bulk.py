"""Inserting many rows fast: what ``bulk_create`` does, without its per-value SQL compilation.

``bulk_create`` compiles every value of every row through the ORM (most of an import's time for a 50-column model)
and, on SQLite, sends at most 999 parameters per INSERT. Here each column gets one converter, chosen once: values of
the column's plain type (str for text, int for integers and keys, bool for booleans) and None pass as they are;
anything else goes through the field's own ``get_db_prep_save``, as in ``bulk_create``. The rows then go out with
one ``executemany`` per chunk on SQLite and ``COPY`` on PostgreSQL (ARCHITECTURE.md, "Import at 10k rows/s").

Primary keys are allocated before the insert (PostgreSQL: from the sequence; SQLite: past the highest key ever
used, under the write lock the transaction holds) and set on the instances, like ``bulk_create`` does.
"""

import datetime as dt
import gc
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from decimal import Decimal
from itertools import chain, islice
from operator import attrgetter
from typing import Any

from django.db import connections, models, transaction
from django.db.models import signals
from django.db.models.base import ModelState
from django.db.models.fields import AutoFieldMixin

CHUNK = 5000
IN_CHUNK = 30_000  # keys per IN (...): below SQLite's (32,766 since 3.32) and PostgreSQL's (65,535) limits
STAGE_FROM = 1000  # rows from which an upsert on PostgreSQL goes through COPY and a staging table
_PLAIN = {
    models.CharField.get_prep_value: str,
    models.TextField.get_prep_value: str,
    models.IntegerField.get_prep_value: int,
    models.BooleanField.get_prep_value: bool,
}
_PLAIN_PRE_SAVE = {models.Field.pre_save, models.DateField.pre_save, models.DateTimeField.pre_save}


# On PostgreSQL Django leaves dates, decimals and integers as they are for psycopg to adapt (the stock fields of
# these exact classes: a subclass may prepare its values otherwise).
_POSTGRES_PLAIN = {
    models.DateField: dt.date,
    models.DecimalField: Decimal,
    models.IntegerField: int,
    models.SmallIntegerField: int,
    models.BigIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.PositiveBigIntegerField: int,
}


def _plain_type(field: models.Field, connection=None) -> type | None:
    """The Python type whose values the field stores unchanged, if its preparation is Django's stock one."""
    if isinstance(field, models.ForeignKey):
        field = field.target_field
    cls = type(field)
    if connection is not None and connection.vendor == "postgresql" and cls in _POSTGRES_PLAIN:
        return _POSTGRES_PLAIN[cls]
    if cls.get_db_prep_save is not models.Field.get_db_prep_save:
        return None
    if cls.get_db_prep_value not in (models.Field.get_db_prep_value, AutoFieldMixin.get_db_prep_value):
        return None
    return _PLAIN.get(cls.get_prep_value)


def _converter(field: models.Field, connection) -> Callable[[Any], Any]:
    plain = _plain_type(field, connection)
    prep = field.get_db_prep_save
    if plain is not None:
        return lambda value: value if value is None or type(value) is plain else prep(value, connection)
    try:
        none_is_null = prep(None, connection) is None
    except (TypeError, ValueError):
        none_is_null = False
    if none_is_null:
        return lambda value: None if value is None else prep(value, connection)
    return lambda value: prep(value, connection)


def _needs_pre_save(field: models.Field) -> bool:
    """Whether the value to store is what ``pre_save`` makes of the attribute (auto_now, auto_now_add, files)."""
    auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    return auto or type(field).pre_save not in _PLAIN_PRE_SAVE


def _is_auto_time(field: models.Field) -> bool:
    return isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add)


def _allocate(model, count: int, connection) -> list[int]:
    table = model._meta.db_table
    column = model._meta.pk.column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [quote(table), column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT max({quote(column)}) FROM {quote(table)}")  # noqa: S608
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")
        if cursor.fetchone():
            # AUTOINCREMENT never reuses a key, even one whose row was deleted.
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            highest = max(highest, row[0] if row else 0)
    return list(range(highest + 1, highest + 1 + count))


def insert_rows(model, columns: Sequence[str], rows: Iterable[Sequence[Any]], using: str = "default") -> None:
    """Insert already-converted ``rows`` (tuples in the order of ``columns``, database column names)."""
    connection = connections[using]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    iterator = iter(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Errors raised as Django's (IntegrityError, DataError…), as from bulk_create: COPY goes past its cursor.
            with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in iterator:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        while chunk := list(islice(iterator, CHUNK)):
            cursor.executemany(sql, chunk)


def insert(model, objs: Sequence[models.Model], using: str = "default") -> None:
    """Insert ``objs`` (new instances of ``model``, foreign keys set as ``<name>_id`` or saved objects) and set
    their primary keys. Like ``bulk_create``: no ``save()``, no signals; unlike it, multi-table inheritance is not
    supported."""
    if not objs:
        return
    opts = model._meta
    if opts.parents:
        raise ValueError("bulk.insert does not support multi-table inheritance")
    connection = connections[using]
    pk = opts.pk
    fields = [field for field in opts.concrete_fields if not getattr(field, "generated", False)]
    missing = [obj.pk is None for obj in objs]
    if any(missing) and (not all(missing) or not isinstance(pk, AutoFieldMixin)):
        raise ValueError("give every object a primary key, or none (with an automatic key)")
    # One transaction from the keys to the rows, as bulk_create has (on SQLite the keys come from the highest one
    # written, so two inserts in autocommit could take the same ones; its IMMEDIATE transactions serialise them).
    try:
        with transaction.atomic(using=using, savepoint=False):
            if any(missing):
                for obj, key in zip(objs, _allocate(model, len(objs), connection), strict=True):
                    setattr(obj, pk.attname, key)
            _insert_objects(model, objs, fields, connection, using)
    except BaseException:
        if any(missing):  # no row written: the objects keep no key, as with bulk_create
            for obj in objs:
                setattr(obj, pk.attname, None)
        raise


def _insert_objects(model, objs, fields, connection, using) -> None:
    get = attrgetter(*(field.attname for field in fields))
    plains = [_plain_type(field, connection) for field in fields]
    converters = [_converter(field, connection) for field in fields]
    steps = list(zip(plains, converters, strict=True))
    # auto_now/auto_now_add: one moment for the whole batch (as the database's now() in a transaction), converted
    # once; other pre_save hooks (files) run per object.
    stamped = [(i, f, f.pre_save(objs[0], True)) for i, f in enumerate(fields) if _is_auto_time(f)]
    stamped = [(i, f, value, converters[i](value)) for i, f, value in stamped]
    pre_saved = [(i, f) for i, f in enumerate(fields) if _needs_pre_save(f) and not _is_auto_time(f)]

    def rows():
        for obj in objs:
            values = get(obj) if len(fields) > 1 else (get(obj),)
            for _index, field, value, _stored in stamped:
                setattr(obj, field.attname, value)
            if pre_saved:
                values = list(values)
                for index, field in pre_saved:
                    values[index] = field.pre_save(obj, True)
            row = [
                value if value is None and plain is not None or type(value) is plain else convert(value)
                for value, (plain, convert) in zip(values, steps, strict=True)
            ]
            for index, _field, _value, stored in stamped:
                row[index] = stored
            yield row

    insert_rows(model, [field.column for field in fields], rows(), using)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using


def upsert_rows(
    model,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    unique: Sequence[str],
    update: Sequence[str],
    using: str = "default",
) -> None:
    """Insert converted ``rows``, updating the ``update`` columns of rows whose ``unique`` columns exist already.

    SQLite: ``INSERT … ON CONFLICT DO UPDATE`` through ``executemany``, in chunks. PostgreSQL: the rows stream with
    ``COPY`` into a temporary table of the same column types, merged by one ``INSERT … SELECT … ON CONFLICT``
    (adapting one array per column for ``unnest`` cost the client more than the whole copy). Rows of one call must
    not repeat a unique key.
    """
    connection = connections[using]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    conflict = ", ".join(quote(column) for column in unique)
    assignments = ", ".join(f"{quote(column)} = EXCLUDED.{quote(column)}" for column in update)
    tail = f"ON CONFLICT ({conflict}) DO UPDATE SET {assignments}"
    iterator = iter(rows)
    if connection.vendor == "postgresql":
        first = list(islice(iterator, STAGE_FROM))
        with connection.cursor() as cursor:
            if len(first) < STAGE_FROM:  # a few rows (one object's entry): one statement over unnest arrays
                if first:
                    by_column = {field.column: field for field in model._meta.concrete_fields}
                    arrays = ", ".join(f"%s::{by_column[column].db_type(connection)}[]" for column in columns)
                    sql = f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}) {tail}"  # noqa: S608
                    cursor.execute(sql, [list(values) for values in zip(*first, strict=True)])
                return
            staging = quote(f"_upsert_{model._meta.db_table}")
            with transaction.atomic(using):
                cursor.execute(
                    f"CREATE TEMP TABLE IF NOT EXISTS {staging} ON COMMIT DROP AS "  # noqa: S608
                    f"SELECT {names} FROM {table} WITH NO DATA"
                )
                with (
                    connection.wrap_database_errors,
                    cursor.cursor.copy(f"COPY {staging} ({names}) FROM STDIN") as copy,
                ):
                    for row in chain(first, iterator):
                        copy.write_row(row)
                cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging} {tail}")  # noqa: S608
                cursor.execute(f"TRUNCATE {staging}")
        return
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders}) {tail}"  # noqa: S608
    with connection.cursor() as cursor:
        while chunk := list(islice(iterator, CHUNK)):
            cursor.executemany(sql, chunk)


def chunked(values: Sequence, size: int = IN_CHUNK) -> Iterable[Sequence]:
    """``values`` in slices of at most ``size``: the keys of one ``IN (...)``."""
    return (values[i : i + size] for i in range(0, len(values), size))


def update_rows(
    model, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, increment: Sequence[str] = (), using="default"
) -> None:
    """Set ``columns`` (database column names) of many rows by primary key, one ``executemany`` per chunk: each row
    is its already-converted values, then its key. ``increment`` columns go up by one (a record's version)."""
    connection = connections[using]
    quote = connection.ops.quote_name
    assignments = [f"{quote(column)} = %s" for column in columns]
    assignments += [f"{quote(column)} = {quote(column)} + 1" for column in increment]
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {', '.join(assignments)} "  # noqa: S608
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )
    iterator = iter(rows)
    with connection.cursor() as cursor:
        while chunk := list(islice(iterator, CHUNK)):
            cursor.executemany(sql, chunk)


def instances(model, rows: list[dict], *, saved_in: str | None = None, **common) -> list:
    """``model(**row, **common)`` for each row, missing fields taking their defaults; ``saved_in`` marks them as
    loaded from that database (rows already written).

    When every key is a concrete field's attribute name and nothing listens to ``pre_init``/``post_init`` for the
    model, the instances are made as ``Model.__init__`` would make them without its per-field work: a fifth of the
    cost, which matters at 100,000 rows."""
    fields = model._meta.concrete_fields
    known = {field.attname for field in fields}
    if (
        signals.pre_init.has_listeners(model)
        or signals.post_init.has_listeners(model)
        or not known.issuperset(common)
        or not all(known.issuperset(row) for row in rows)
    ):
        objects = [model(**row, **common) for row in rows]
        if saved_in:
            for obj in objects:
                obj._state.adding, obj._state.db = False, saved_in
        return objects
    constant = {field.attname: field.get_default() for field in fields}
    dynamic = [field for field in fields if field.has_default() and callable(field.default)]
    new = model.__new__
    objects = []
    for row in rows:
        obj = new(model)
        obj._state = state = ModelState()
        if saved_in:
            state.adding, state.db = False, saved_in
        values = obj.__dict__
        values.update(constant)
        for field in dynamic:
            values[field.attname] = field.get_default()
        values.update(row)
        values.update(common)
        objects.append(obj)
    return objects


@contextmanager
def gc_paused():
    """No cyclic garbage collection while a batch builds 100,000s of objects that all stay alive (an import's rows,
    validated or committed): each collection would walk them all again, and everything else the process keeps
    (a third of the time of building them; more in a worker holding the link graph). Garbage made meanwhile waits
    for the next collection after the batch."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
