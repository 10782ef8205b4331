"""Appending to and verifying the audit chain.

``hash = SM3(prev_hash || canonical(record))``, canonical being sorted-key, space-free UTF-8 JSON with the time in
ISO 8601 UTC with microseconds. Appends run in the caller's transaction, so a rolled-back change leaves no record and
a failed append rolls the change back; they are serialised by a lock on the one-row head (plus an advisory lock on
PostgreSQL), so concurrent writers cannot fork the chain.
"""

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from core import bulk, context
from core.choices import AuditAction, AuditCategory, Outcome
from core.crypto import sm3_hex
from core.models import AuditHead, AuditRecord

GENESIS = "0" * 64
_ADVISORY_LOCK = 0x60C10  # any constant shared by all writers
CHAIN_FIELDS = (
    "seq",
    "ts",
    "actor_id",
    "actor_name",
    "ip",
    "request_id",
    "category",
    "action",
    "event",
    "outcome",
    "object_type",
    "object_id",
    "object_repr",
    "unit_path",
    "changes",
)


def _ts(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def canonical(values: dict) -> bytes:
    data = {key: values[key] for key in CHAIN_FIELDS}
    data["ts"] = _ts(values["ts"])
    return _encode(data).encode("utf-8")


def chain_hash(prev_hash: str, values: dict) -> str:
    return sm3_hex(bytes.fromhex(prev_hash) + canonical(values))


_FLAT = {str, int, bool, type(None)}
_KEYS = {str}


def _flat(values) -> bool:
    """Only None, str and int (bool, text and integer choices included), which ``jsonable`` keeps as they are."""
    types = set(map(type, values))
    return _FLAT.issuperset(types) or all(issubclass(t, str | int) or t is type(None) for t in types)


def jsonable(value):
    """Make a field value safe for the canonical form: JSON-native types only, no floats' surprises."""
    if type(value) is dict and _KEYS.issuperset(map(type, value)) and _flat(value.values()):
        return dict(value)  # the common case (a snapshot of plain fields), without the walk below
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return _ts(value)
    return str(value)


# "changes" follows "category" in the sorted keys, and no earlier value can hold this text (their quotes are escaped).
_CHANGES_SLOT = '"changes":0,'


def _body(values: dict, changes_json: str) -> str:
    """``canonical(values)`` (less the UTF-8 encoding) given the time as text and ``changes`` already encoded, so that
    a batch encodes each record's changes once, for the hash and for storage alike."""
    outer = _encode({**values, "changes": 0})
    return outer.replace(_CHANGES_SLOT, '"changes":' + changes_json + ",", 1)


@dataclass
class Entry:
    action: str
    category: str = AuditCategory.BUSINESS
    outcome: str = Outcome.SUCCESS
    actor: object = None
    actor_name: str = ""
    object_type: str = ""
    object_id: str = ""
    object_repr: str = ""
    unit_path: str = ""
    event: str = ""
    changes: dict | None = None


def _lock_head() -> AuditHead:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK])
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head = AuditHead(pk=1, seq=0, hash=GENESIS)
        head.save(force_insert=True)
    return head


@transaction.atomic
def append_many(entries: Iterable[Entry]) -> list[AuditRecord]:
    """Append a batch under one lock, chained in Python and written with ``bulk.insert_rows``.

    ``changes`` is stored in its canonical form (sorted keys, no spaces, characters unescaped): encoded once for the
    hash and the row, and read back by ``verify`` on SQLite without decoding."""
    entries = list(entries)
    if not entries:
        return []
    head = _lock_head()
    ctx = context.current()
    now = timezone.now()
    ts_text = _ts(now)
    ts_db = AuditRecord._meta.get_field("ts").get_db_prep_save(now, connection)
    chain = [head.seq, head.hash]
    records = []

    def rows():
        # A generator, so that the database writes each chunk while the next is hashed.
        seq, prev = chain
        for entry in entries:
            seq += 1
            actor = entry.actor if getattr(entry.actor, "pk", None) else None
            changes = jsonable(entry.changes or {})
            changes_json = _encode(changes)
            values = {
                "seq": seq,
                "ts": ts_text,
                "actor_id": actor.pk if actor else None,
                "actor_name": entry.actor_name or (actor.get_username() if actor else "@console"),
                "ip": ctx.ip,
                "request_id": ctx.request_id,
                "category": str(entry.category),
                "action": str(entry.action),
                "event": entry.event,
                "outcome": str(entry.outcome),
                "object_type": entry.object_type,
                "object_id": str(entry.object_id),
                "object_repr": str(entry.object_repr)[:200],
                "unit_path": entry.unit_path,
            }
            digest = sm3_hex(bytes.fromhex(prev) + _body(values, changes_json).encode("utf-8"))
            values.update(ts=ts_db, changes=changes_json, prev_hash=prev, hash=digest)
            records.append({**values, "ts": now, "changes": changes})
            yield tuple(values[column] for column in _ROW_COLUMNS)
            prev = digest
        chain[:] = seq, prev

    bulk.insert_rows(AuditRecord, _ROW_COLUMNS, rows())
    seq, prev = chain
    head.seq, head.hash = seq, prev
    AuditHead.objects.filter(pk=1).update(seq=seq, hash=prev)
    return bulk.instances(AuditRecord, records, saved_in=connection.alias)


_ROW_COLUMNS = (*CHAIN_FIELDS, "prev_hash", "hash")


def append(entry: Entry) -> AuditRecord:
    return append_many([entry])[0]


def record_object(*, action: str, obj, actor, changes: dict | None = None, event: str = "", outcome=Outcome.SUCCESS):
    """Audit a change to a scoped object."""
    from core.gate import object_path

    return append(
        Entry(
            action=action,
            actor=actor,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            object_repr=str(obj),
            unit_path=object_path(obj),
            changes=changes,
            event=event,
            outcome=outcome,
        )
    )


def record_security(*, action: str, actor=None, actor_name: str = "", outcome=Outcome.SUCCESS, **details):
    """Audit a user or security event (login, failed login, lockout, denial, second factor)."""
    unit = getattr(actor, "unit", None) if actor is not None else None
    return append(
        Entry(
            action=action,
            category=AuditCategory.SECURITY,
            actor=actor,
            actor_name=actor_name,
            outcome=outcome,
            unit_path=unit.path if unit else "",
            object_type=details.pop("object_type", ""),
            object_id=details.pop("object_id", ""),
            object_repr=details.pop("object_repr", ""),
            event=details.pop("event", ""),
            changes=details,
        )
    )


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    bad_seq: int | None = None
    reason: str = ""


def _verify_range(lo: int, hi: int | None):
    """Check the records with lo <= seq < hi (see ``core.audit_verify``)."""
    from core.audit_verify import verify_range

    table = connection.ops.quote_name(AuditRecord._meta.db_table)
    return verify_range(CHAIN_FIELDS, table, lo, hi)


def _verify_parallel(bounds: list[tuple[int, int | None]]) -> list:
    """Every record carries its predecessor's hash, so seq ranges verify independently in worker processes and
    only their ends need stitching."""
    import multiprocessing

    from django.db import connections

    connections.close_all()
    with multiprocessing.get_context("fork").Pool(len(bounds)) as pool:
        return pool.starmap(_verify_range, bounds)


PARALLEL_MIN_RECORDS = 200_000


def _can_fork() -> bool:
    name = str(connection.settings_dict.get("NAME", ""))
    return connection.vendor == "postgresql" or (connection.vendor == "sqlite" and "memory" not in name)


def verify(*, workers: int | None = None) -> VerifyResult:
    """Recompute the chain; report the first sequence number whose number, predecessor or hash does not follow."""
    import os

    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    purged_seq, purged_hash = (head.purged_seq, head.purged_hash) if head else (0, GENESIS)
    if purged_seq and not _purge_recorded(purged_seq, purged_hash):
        return VerifyResult(False, 0, head_seq, head_hash, purged_seq + 1, "purge anchor not recorded in the chain")
    first = purged_seq + 1
    span = head_seq - purged_seq
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if span >= PARALLEL_MIN_RECORDS and _can_fork() else 1
    if workers > 1:
        step = span // workers + 1
        bounds = [(first + k * step, first + (k + 1) * step if k < workers - 1 else None) for k in range(workers)]
        segments = _verify_parallel(bounds)
    else:
        segments = [_verify_range(first, None)]
    expected_seq, prev, checked = first, purged_hash, 0
    for segment in segments:
        if segment.first_seq is None:
            continue
        if segment.first_seq != expected_seq:
            return VerifyResult(
                False, checked, head_seq, head_hash, min(segment.first_seq, expected_seq), "sequence gap"
            )
        if segment.first_prev != prev:
            return VerifyResult(False, checked, head_seq, head_hash, segment.first_seq, "predecessor mismatch")
        if segment.bad_seq is not None:
            return VerifyResult(False, checked + segment.count, head_seq, head_hash, segment.bad_seq, segment.reason)
        checked += segment.count
        expected_seq, prev = segment.last_seq + 1, segment.last_hash
    if checked + purged_seq != head_seq or prev != head_hash:
        return VerifyResult(
            False,
            checked,
            head_seq,
            head_hash,
            purged_seq + checked + 1 if purged_seq + checked < head_seq else head_seq,
            "head does not match the last record",
        )
    return VerifyResult(True, checked, head_seq, head_hash)


def _purge_recorded(seq: int, digest: str) -> bool:
    event = AuditRecord.objects.filter(event="audit.purged").order_by("-seq").values_list("changes", flat=True).first()
    return bool(event) and event.get("through_seq") == seq and event.get("through_hash") == digest


@transaction.atomic
def purge(*, before: dt.datetime, actor=None) -> int:
    """Delete the records older than ``before`` (from the start of the chain). Records younger than the minimum
    retention (180 days, Cybersecurity Law art. 21) can never be purged."""
    from django.conf import settings

    limit = timezone.now() - dt.timedelta(days=settings.GOVCIO_AUDIT_MIN_RETENTION_DAYS)
    if before > limit:
        raise ValueError(f"records younger than {settings.GOVCIO_AUDIT_MIN_RETENTION_DAYS} days cannot be purged")
    head = _lock_head()
    last = AuditRecord.objects.filter(ts__lt=before).order_by("-seq").values_list("seq", "hash").first()
    if last is None:
        return 0
    through_seq, through_hash = last
    deleted = AuditRecord.objects.filter(seq__lte=through_seq)._raw_delete(using=AuditRecord.objects.db)
    AuditHead.objects.filter(pk=head.pk).update(purged_seq=through_seq, purged_hash=through_hash)
    append(
        Entry(
            action=AuditAction.EVENT,
            category=AuditCategory.SYSTEM,
            actor=actor,
            event="audit.purged",
            changes={
                "through_seq": through_seq,
                "through_hash": through_hash,
                "before": jsonable(before),
                "records": deleted,
            },
        )
    )
    return deleted


__all__ = ["AuditAction", "Entry", "append", "append_many", "record_object", "record_security", "verify"]
