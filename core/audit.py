"""Appending to and verifying the audit chain.

``hash = SM3(prev_hash || canonical(record))``, canonical being sorted-key, space-free UTF-8 JSON with the time in
ISO 8601 UTC with microseconds. Appends run in the caller's transaction, so a rolled-back change leaves no record and
a failed append rolls the change back; they are serialised by a lock on the one-row head (plus an advisory lock on
PostgreSQL), so concurrent writers cannot fork the chain.
"""

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from core import context
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


def canonical(values: dict) -> bytes:
    data = {key: values[key] for key in CHAIN_FIELDS}
    data["ts"] = _ts(values["ts"])
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def chain_hash(prev_hash: str, values: dict) -> str:
    return sm3_hex(bytes.fromhex(prev_hash) + canonical(values))


def jsonable(value):
    """Make a field value safe for the canonical form: JSON-native types only, no floats' surprises."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return _ts(value)
    return str(value)


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
    """Append a batch under one lock, chained in Python and written with one bulk insert."""
    entries = list(entries)
    if not entries:
        return []
    head = _lock_head()
    ctx = context.current()
    now = timezone.now()
    seq, prev = head.seq, head.hash
    records = []
    for entry in entries:
        seq += 1
        actor = entry.actor if getattr(entry.actor, "pk", None) else None
        values = {
            "seq": seq,
            "ts": now,
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
            "changes": jsonable(entry.changes or {}),
        }
        digest = chain_hash(prev, values)
        records.append(AuditRecord(prev_hash=prev, hash=digest, **values))
        prev = digest
    AuditRecord.objects.bulk_create(records)
    head.seq, head.hash = seq, prev
    AuditHead.objects.filter(pk=1).update(seq=seq, hash=prev)
    return records


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


def _stream() -> Iterator[tuple]:
    fields = [*CHAIN_FIELDS, "prev_hash", "hash"]
    yield from AuditRecord.objects.order_by("seq").values_list(*fields).iterator(chunk_size=10_000)


def verify() -> VerifyResult:
    """Recompute the chain; report the first sequence number whose number, predecessor or hash does not follow."""
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    purged_seq, purged_hash = (head.purged_seq, head.purged_hash) if head else (0, GENESIS)
    if purged_seq and not _purge_recorded(purged_seq, purged_hash):
        return VerifyResult(False, 0, head_seq, head_hash, purged_seq + 1, "purge anchor not recorded in the chain")
    expected_seq, prev = purged_seq + 1, purged_hash
    checked = 0
    names = CHAIN_FIELDS
    for row in _stream():
        values = dict(zip(names, row[: len(names)], strict=True))
        stored_prev, stored_hash = row[len(names)], row[len(names) + 1]
        seq = values["seq"]
        if seq != expected_seq:
            return VerifyResult(False, checked, head_seq, head_hash, min(seq, expected_seq), "sequence gap")
        if stored_prev != prev:
            return VerifyResult(False, checked, head_seq, head_hash, seq, "predecessor mismatch")
        if chain_hash(prev, values) != stored_hash:
            return VerifyResult(False, checked, head_seq, head_hash, seq, "hash mismatch")
        prev = stored_hash
        expected_seq += 1
        checked += 1
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
