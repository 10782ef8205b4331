"""Checking a range of the audit chain fast: the database writes each record's canonical form.

``canonical(record)`` is sorted-key, space-free JSON. Encoding it in Python costs more than everything else per
record, so the query builds it with the database's own JSON functions, which quote strings exactly as Python's
encoder does: ``json_object`` on SQLite (with ``changes`` as stored, which ``append_many`` keeps canonical),
``row_to_json`` on PostgreSQL (with ``changes`` re-encoded in Python: jsonb keeps its keys in another order).

A record passes when its hash over that text matches: HMAC-SM3 under the audit key after the sealed point
(``keyed_after``), plain SM3 up to it (records from before the key, core.audit_key). A record whose text differs from
Python's canonical form (one stored before changes were kept canonical, a rare escape) is then checked the slow way,
from its fields, as before. Both texts are valid JSON of the record's own values, so a match on either proves the
record unchanged: equal bytes parse to equal values. A query error (a value no JSON function takes) sends the whole
range the slow way.
Rows stream through a server-side cursor on PostgreSQL (``chunked_cursor``): memory stays flat over millions.

Whatever someone wrote into a row — text where a number belongs, a hash that is not hexadecimal, JSON no canonical form
can hold — makes that record fail with the reason "unexpected value", never the check itself.
"""

import datetime as dt
import json
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext_noop

from core.crypto import hmac_sm3, sm3_hex

FETCH = 10_000
SEQUENCE_GAP = gettext_noop("sequence gap")
PREDECESSOR_MISMATCH = gettext_noop("predecessor mismatch")
HASH_MISMATCH = gettext_noop("hash mismatch")
UNEXPECTED_VALUE = gettext_noop("unexpected value")
UNREADABLE_RECORD = gettext_noop("unreadable record")
# What a value of an unexpected type raises on its way to the canonical form or the hash.
ODD_VALUES = (ValueError, TypeError, AttributeError, ArithmeticError, RecursionError)
_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode
_INTEGERS = {"seq", "actor_id"}


@dataclass
class Segment:
    """What one worker found in a seq range: its ends (to stitch ranges together) and the first fault."""

    first_seq: int | None = None
    first_prev: str = ""
    last_seq: int | None = None
    last_hash: str = ""
    count: int = 0
    bad_seq: int | None = None
    reason: str = ""
    detail: str = ""


def digest(mac, keyed_after: int, seq: int, data: bytes) -> str:
    """A record's hash: keyed (``mac``, core.crypto.hmac_sm3) after the sealed point, plain SM3 up to it."""
    return mac(data) if seq > keyed_after else sm3_hex(data)


def _odd_detail(prev, exc: BaseException) -> str:
    if not isinstance(prev, str) or len(prev) != 64 or not all(c in "0123456789abcdefABCDEF" for c in prev):
        return f"prev_hash {prev!r:.80} is not 64 hexadecimal digits"
    return f"{type(exc).__name__}: {exc}"[:300]


def _ts(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def ts_text(value) -> str:
    """The canonical time from what the driver returns: a datetime (PostgreSQL) or Django's SQLite text."""
    if isinstance(value, dt.datetime):
        return _ts(value if value.tzinfo else value.replace(tzinfo=dt.UTC))
    text = value.replace(" ", "T")
    if "." not in text:
        text += ".000000"
    return text + "Z"


_SLOT = '"changes":0,'  # see audit._CHANGES_SLOT


def _fast_sql(fields: tuple[str, ...], table: str, vendor: str) -> str:
    """seq, prev_hash, hash, the canonical text built by the database, and (PostgreSQL) changes as text.

    SQLite: ``json_object`` with the keys in sorted order and ``json(changes)`` inside, one call per row.
    PostgreSQL: ``row_to_json`` of the columns in sorted order (compact, like json_object), with 0 in the place of
    ``changes``, whose stored jsonb keeps its keys in another order: Python fills it in.
    """
    quote = connection.ops.quote_name
    names = sorted(fields)
    if vendor == "postgresql":
        ts = """to_char(a.ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""
        special = {"ts": f"{ts} AS ts", "changes": "0 AS changes"}
        columns = ", ".join(special.get(name, f"a.{quote(name)}") for name in names)
        return (
            "SELECT a.seq, a.prev_hash, a.hash, row_to_json(c)::text, a.changes::text "  # noqa: S608
            f"FROM {table} a, LATERAL (SELECT {columns}) c"
        )
    ts = "replace(ts, ' ', 'T') || CASE WHEN instr(ts, '.') THEN '' ELSE '.000000' END || 'Z'"
    special = {"ts": ts, "changes": "json(changes)"}
    pairs = ", ".join(f"'{name}', {special.get(name, quote(name))}" for name in names)
    return f"SELECT seq, prev_hash, hash, json_object({pairs}), NULL FROM {table}"  # noqa: S608


def _range(sql: str, lo: int, hi: int | None, alias: str = "") -> tuple[str, list]:
    seq = f"{alias}seq"
    sql += f" WHERE {seq} >= %s"
    params: list = [lo]
    if hi is not None:
        sql += f" AND {seq} < %s"
        params.append(hi)
    return sql + f" ORDER BY {seq}", params


class _Checker:
    """Walks rows in seq order, checking numbers and links at once and hashes through ``check`` (which may defer
    some to ``settle``, in batches)."""

    def __init__(self, fields: tuple[str, ...], table: str, key: bytes, keyed_after: int, lo: int) -> None:
        self.fields = fields
        self.table = table
        self.lo = lo
        self.mac = hmac_sm3(key)
        self.keyed_after = keyed_after
        self.segment = Segment()
        self.expected = None
        self.pending: list[tuple[int, str, str]] = []  # (seq, prev, stored) whose fast text did not match

    def link(self, seq: int, prev: str, stored: str) -> bool:
        """Record the row's place in the chain; False (fault noted) if its number or predecessor does not follow."""
        segment = self.segment
        if seq.__class__ is not int:
            # SQLite keeps any value in any column; text sorts after every number, so this is the record's place.
            where = self.expected if self.expected is not None else self.lo
            return self.fail(where, UNEXPECTED_VALUE, f"seq {seq!r:.80} is not an integer")
        if segment.first_seq is None:
            segment.first_seq, segment.first_prev = seq, prev
        elif seq != self.expected:
            return self.fail(min(seq, self.expected), SEQUENCE_GAP)
        elif prev != segment.last_hash:
            return self.fail(seq, PREDECESSOR_MISMATCH)
        segment.last_seq, segment.last_hash = seq, stored
        segment.count += 1
        self.expected = seq + 1
        return True

    def fail(self, seq: int, reason: str, detail: str = "") -> bool:
        """A fault in numbering or linking at ``seq``, unless a deferred record before it has a bad hash."""
        if self.settle() is None:
            self.mark(seq, reason, detail)
        return False

    def mark(self, seq: int, reason: str, detail: str = "") -> int:
        segment = self.segment
        segment.bad_seq, segment.reason, segment.detail = seq, reason, detail
        if segment.first_seq is not None and seq >= segment.first_seq:
            segment.count = seq - segment.first_seq  # the records before it, all checked
        return seq

    def odd(self, seq: int, prev, exc: BaseException) -> None:
        """A value in record ``seq`` that no hash can be computed from, unless a deferred record before it fails."""
        if self.settle() is None:  # (deferred records all come before ``seq``)
            self.mark(seq, UNEXPECTED_VALUE, _odd_detail(prev, exc))

    def settle(self) -> int | None:
        """Check the deferred records from their fields; note and return the first that fails."""
        if not self.pending:
            return None
        pending, self.pending = self.pending, []
        seqs = [seq for seq, _prev, _stored in pending]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(name) for name in self.fields)
        placeholders = ", ".join(["%s"] * len(seqs))
        rows = {}
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns} FROM {self.table} WHERE seq IN ({placeholders})", seqs)  # noqa: S608
            for row in cursor.fetchall():
                rows[row[0]] = row
        for seq, prev, stored in pending:
            try:
                data = bytes.fromhex(prev) + slow_body(self.fields, rows[seq])
                computed = digest(self.mac, self.keyed_after, seq, data)
            except ODD_VALUES as exc:
                return self.mark(seq, UNEXPECTED_VALUE, _odd_detail(prev, exc))
            if computed != stored:
                return self.mark(seq, HASH_MISMATCH)
        return None


def slow_body(fields: tuple[str, ...], row) -> bytes:
    """canonical() of a row as the driver returns it (in ``fields`` order)."""
    values = dict(zip(fields, row, strict=True))
    values["ts"] = ts_text(values["ts"])
    if isinstance(values["changes"], str):
        values["changes"] = json.loads(values["changes"])
    return _encode(values).encode("utf-8")


def verify_range(fields: tuple[str, ...], table: str, lo: int, hi: int | None, key: bytes, keyed_after: int) -> Segment:
    """Check every record with lo <= seq < hi: its hash, and that it follows its predecessor inside the range."""
    try:
        return _savepoint(_fast, fields, table, lo, hi, key, keyed_after)
    except DatabaseError:
        checker = _Checker(fields, table, key, keyed_after, lo)
        try:
            return _savepoint(_slow, fields, table, lo, hi, key, keyed_after, checker)
        except DatabaseError as exc:  # a row the driver cannot even read (text that is not UTF-8, on SQLite)
            start = checker.expected if checker.expected is not None else lo
            checker.mark(_first_unreadable(fields, table, start, hi), UNREADABLE_RECORD, str(exc)[:300])
            return checker.segment


def _savepoint(function, *args):
    if connection.vendor != "postgresql":
        return function(*args)
    with transaction.atomic():  # a savepoint, so that an error leaves the caller's transaction usable
        return function(*args)


def _fast(fields: tuple[str, ...], table: str, lo: int, hi: int | None, key: bytes, keyed_after: int) -> Segment:
    checker = _Checker(fields, table, key, keyed_after, lo)
    postgres = connection.vendor == "postgresql"
    loads, fromhex = json.loads, bytes.fromhex
    mac, sm3 = checker.mac, sm3_hex
    sql, params = _range(_fast_sql(fields, table, connection.vendor), lo, hi, "a." if postgres else "")
    seq = prev = None
    try:
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(FETCH):
                for seq, prev, stored, body, changes in rows:
                    if not checker.link(seq, prev, stored):
                        return checker.segment
                    if changes is not None:
                        body = body.replace(_SLOT, '"changes":' + _encode(loads(changes)) + ",", 1)
                    data = fromhex(prev) + body.encode("utf-8")
                    if (mac(data) if seq > keyed_after else sm3(data)) != stored:
                        checker.pending.append((seq, prev, stored))  # maybe an older text of the same values
                if checker.settle() is not None:
                    return checker.segment
    except ODD_VALUES as exc:
        checker.odd(seq, prev, exc)
    return checker.segment


def _slow(
    fields: tuple[str, ...],
    table: str,
    lo: int,
    hi: int | None,
    key: bytes,
    keyed_after: int,
    checker: _Checker | None = None,
) -> Segment:
    checker = checker or _Checker(fields, table, key, keyed_after, lo)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in (*checker.fields, "prev_hash", "hash"))
    sql, params = _range(f"SELECT {columns} FROM {checker.table}", lo, hi)  # noqa: S608
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(FETCH):
            for row in rows:
                seq, prev, stored = row[0], row[-2], row[-1]
                if not checker.link(seq, prev, stored):
                    return checker.segment
                try:
                    data = bytes.fromhex(prev) + slow_body(checker.fields, row[:-2])
                    computed = digest(checker.mac, checker.keyed_after, seq, data)
                except ODD_VALUES as exc:
                    checker.mark(seq, UNEXPECTED_VALUE, _odd_detail(prev, exc))
                    return checker.segment
                if computed != stored:
                    checker.mark(seq, HASH_MISMATCH)
                    return checker.segment
    return checker.segment


def _first_unreadable(fields: tuple[str, ...], table: str, lo: int, hi: int | None) -> int:
    """The first record from ``lo`` that the driver fails to read, one row at a time (a rare, tampered case)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in (*fields, "prev_hash", "hash"))
    sql, params = _range(f"SELECT seq FROM {table}", lo, hi)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        seqs = [row[0] for row in cursor.fetchall()]

    def read(seq):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns} FROM {table} WHERE seq = %s", [seq])  # noqa: S608
            cursor.fetchall()

    for seq in seqs:
        try:
            _savepoint(read, seq)
        except DatabaseError:
            return seq
    return lo
