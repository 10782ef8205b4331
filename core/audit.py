"""Appending to and verifying the audit chain.

``hash = HMAC-SM3(key, prev_hash || canonical(record))``, canonical being sorted-key, space-free UTF-8 JSON with the
time in ISO 8601 UTC with microseconds, the key kept outside the database (core.audit_key; records from before the key
keep ``SM3(prev_hash || canonical)`` and are sealed). Appends run in the caller's transaction, so a rolled-back change
leaves no record and a failed append rolls the change back; they are serialised by a lock on the one-row head (plus an
advisory lock on PostgreSQL), so concurrent writers cannot fork the chain. What the key cannot show — the newest
records cut off, the log wiped — the anchors outside the database do (core.audit_anchor).
"""

import datetime as dt
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import audit_anchor, audit_key, bulk, context, rollups
from core.audit_verify import (
    ODD_VALUES,
    PREDECESSOR_MISMATCH,
    SEQUENCE_GAP,
    UNEXPECTED_VALUE,
)
from core.choices import AuditAction, AuditCategory, Outcome
from core.crypto import hmac_sm3, hmac_sm3_hex
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
    """A keyed record's hash, under this installation's key."""
    return hmac_sm3_hex(audit_key.key(), bytes.fromhex(prev_hash) + canonical(values))


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


def _key_for_append(head: AuditHead) -> bytes:
    """The key; made here for a new installation only."""
    found = audit_key.configured()
    if found is not None:
        return found
    if not _new_installation(head):
        raise audit_key.missing_error()
    return audit_key.create()


def _new_installation(head: AuditHead | None) -> bool:
    """An empty log that was never anchored: the only place where a missing key may be made rather than restored."""
    if head is not None and (head.seq or head.purged_seq or head.seal):
        return False
    return not AuditRecord.objects.exists() and not audit_anchor.any_written()


@transaction.atomic
def append_many(entries: Iterable[Entry]) -> list[AuditRecord]:
    """Append a batch under one lock, chained in Python and written with ``bulk.insert_rows``.

    ``changes`` is stored in its canonical form (sorted keys, no spaces, characters unescaped): encoded once for the
    hash and the row, and read back by ``verify`` on SQLite without decoding."""
    entries = list(entries)
    if not entries:
        return []
    head = _lock_head()
    key = _key_for_append(head)
    mac = hmac_sm3(key)
    sealed = {}
    if not head.seal and not head.seq and not head.purged_seq:
        # A new chain: keyed from its first record. (A chain with records but no seal is never sealed here: that
        # would bless whatever someone without the key had written; verify reports it instead.)
        sealed = {"keyed_after_seq": 0, "keyed_after_hash": GENESIS, "seal": audit_key.seal(key, 0, GENESIS)}
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
            digest = mac(bytes.fromhex(prev) + _body(values, changes_json).encode("utf-8"))
            values.update(ts=ts_db, changes=changes_json, prev_hash=prev, hash=digest)
            records.append({**values, "ts": now, "changes": changes})
            yield tuple(values[column] for column in _ROW_COLUMNS)
            prev = digest
        chain[:] = seq, prev

    bulk.insert_rows(AuditRecord, _ROW_COLUMNS, rows())
    seq, prev = chain
    head.seq, head.hash = seq, prev
    AuditHead.objects.filter(pk=1).update(seq=seq, hash=prev, **sealed)
    rollups.note(entries)  # the figures this batch changes, in its transaction (core.rollups)
    return bulk.instances(AuditRecord, records, saved_in=connection.alias)


_ROW_COLUMNS = (*CHAIN_FIELDS, "prev_hash", "hash")


def append(entry: Entry) -> AuditRecord:
    return append_many([entry])[0]


def object_entry(*, action: str, obj, actor, changes: dict | None = None, event: str = "", outcome=Outcome.SUCCESS):
    """The entry auditing a change to a scoped object: ``record_object`` appends one, a batch many."""
    from core.gate import object_path

    return Entry(
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


def record_object(*, action: str, obj, actor, changes: dict | None = None, event: str = "", outcome=Outcome.SUCCESS):
    """Audit a change to a scoped object."""
    return append(object_entry(action=action, obj=obj, actor=actor, changes=changes, event=event, outcome=outcome))


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


# Why a verification failed: English msgids, translated where they are shown.
HEAD_MISMATCH = gettext_noop("head does not match the last record")
PURGE_NOT_RECORDED = gettext_noop("purge anchor not recorded in the chain")
BELOW_PURGE_POINT = gettext_noop("record below the purge point")
KEY_MISSING = gettext_noop("audit key missing")
KEY_UNUSABLE = gettext_noop("audit key unusable")
NOT_SEALED = gettext_noop("chain not sealed")
SEAL_MISMATCH = gettext_noop("seal mismatch")
SEALED_RECORD_CHANGED = gettext_noop("sealed record changed")
SHORTER_THAN_ANCHOR = gettext_noop("chain shorter than an anchor")
EMPTY_AFTER_ANCHOR = gettext_noop("empty chain after an anchor")
ANCHOR_MISMATCH = gettext_noop("anchor mismatch")
UNREADABLE_ANCHOR = gettext_noop("unreadable anchor")
_ANCHOR_REASONS = {SHORTER_THAN_ANCHOR, EMPTY_AFTER_ANCHOR, ANCHOR_MISMATCH, UNREADABLE_ANCHOR}


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    bad_seq: int | None = None
    reason: str = ""
    detail: str = ""
    keyed_after_seq: int = 0  # records up to here are from before the key (plain SM3, sealed)
    anchors_checked: int = 0
    newest_anchor: audit_anchor.Anchor | None = None

    def message(self) -> str:
        """One line for the command line and the operator's log (English, like every command's output)."""
        if self.ok:
            text = f"ok: {self.checked} records, head {self.head_seq}:{self.head_hash}"
            if self.keyed_after_seq:
                text += f", keyed after seq {self.keyed_after_seq} (the records up to it are sealed)"
            text += f", anchors checked: {self.anchors_checked}"
            if self.newest_anchor:
                text += f" (newest {self.newest_anchor.date} {self.newest_anchor})"
            return text
        where = f" at seq {self.bad_seq}" if self.bad_seq is not None else ""
        text = f"audit chain broken{where}: {self.reason}"
        if self.detail:
            text += f" — {self.detail}"
        if self.reason in _ANCHOR_REASONS:
            return text + f" (the {self.checked} records in the database verify on their own)"
        return text + (f" ({self.checked} records verified before it)" if self.checked else "")


def _verify_range(lo: int, hi: int | None, key: bytes, keyed_after: int):
    """Check the records with lo <= seq < hi (see ``core.audit_verify``)."""
    from core.audit_verify import verify_range

    table = connection.ops.quote_name(AuditRecord._meta.db_table)
    return verify_range(CHAIN_FIELDS, table, lo, hi, key, keyed_after)


def _verify_parallel(bounds: list[tuple]) -> list:
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


def verify(*, workers: int | None = None, expect_head: tuple[int, str] | None = None) -> VerifyResult:
    """Recompute the chain, then hold it against the anchors outside the database (the anchor file and
    ``expect_head``); report the first fault. Never raises for what it finds in the database or the files."""
    try:
        anchors, anchor_error = audit_anchor.read(), ""
    except audit_anchor.AnchorFileError as exc:
        anchors, anchor_error = [], str(exc)
    newest = anchors[-1] if anchors else None
    if expect_head is not None:
        anchors.append(audit_anchor.Anchor(*expect_head))
    head = AuditHead.objects.filter(pk=1).first()
    try:
        result, purged = _verify_chain(head, workers)
    except ODD_VALUES as exc:
        detail = _("the audit head holds a value of another type ({error})").format(error=exc)
        return VerifyResult(False, 0, 0, GENESIS, None, UNEXPECTED_VALUE, detail, newest_anchor=newest)
    result.newest_anchor = newest
    if not result.ok:
        return result
    if anchor_error:
        result.ok, result.reason, result.detail = False, UNREADABLE_ANCHOR, anchor_error
        return result
    failure = audit_anchor.check(anchors, head_seq=result.head_seq, purged_seq=purged[0], purged_hash=purged[1])
    if failure is not None:
        result.ok, result.bad_seq, result.reason = False, failure.bad_seq, failure.reason
        result.detail = _("{anchor}; the chain ends at seq {seq}").format(
            anchor=failure.anchor.describe(), seq=result.head_seq
        )
        return result
    result.anchors_checked = len(anchors)
    return result


def _head_values(head: AuditHead | None) -> tuple:
    if head is None:
        return 0, GENESIS, 0, GENESIS, 0, GENESIS, ""
    values = (
        head.seq,
        head.hash,
        head.purged_seq,
        head.purged_hash,
        head.keyed_after_seq,
        head.keyed_after_hash,
        head.seal,
    )
    for value in values[0::2][:3]:
        if value.__class__ is not int:  # SQLite keeps any value in any column
            raise TypeError(f"{value!r:.80} where a sequence number belongs")
    return values


def _verify_chain(head: AuditHead | None, workers: int | None) -> tuple[VerifyResult, tuple[int, str]]:
    """The chain in the database on its own: key and seal, purge point, every record, the head."""
    import os

    head_seq, head_hash, purged_seq, purged_hash, keyed_after, keyed_hash, seal = _head_values(head)
    purged = (purged_seq, purged_hash)

    def result(ok=True, checked=0, bad_seq=None, reason="", detail=""):
        return VerifyResult(ok, checked, head_seq, head_hash, bad_seq, reason, detail, keyed_after), purged

    empty = not head_seq and not purged_seq and not AuditRecord.objects.exists()
    try:
        key = audit_key.key()
    except audit_key.AuditKeyError as exc:
        if exc.missing and empty:
            return result()  # a new installation: no record, so no key yet
        return result(False, reason=KEY_MISSING if exc.missing else KEY_UNUSABLE, detail=str(exc))
    if empty:
        return result()
    if not seal:
        return result(False, reason=NOT_SEALED, detail=_("the head carries no seal made with the audit key"))
    if not hmac.compare_digest(seal, audit_key.seal(key, keyed_after, keyed_hash)):
        detail = _(
            "the audit key does not match the key this chain was sealed with (a wrong GOVCIO_AUDIT_KEY or {path}), "
            "or the seal in the head was edited"
        ).format(path=audit_key.key_path())
        return result(False, reason=SEAL_MISMATCH, detail=detail)
    if purged_seq:
        if not _purge_recorded(purged_seq, purged_hash):
            return result(False, bad_seq=purged_seq + 1, reason=PURGE_NOT_RECORDED)
        below = AuditRecord.objects.filter(seq__lte=purged_seq).values_list("seq", flat=True).first()
        if below is not None:
            return result(False, bad_seq=below, reason=BELOW_PURGE_POINT)
    first = purged_seq + 1
    span = head_seq - purged_seq
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if span >= PARALLEL_MIN_RECORDS and _can_fork() else 1
    if workers > 1:
        step = span // workers + 1
        bounds = [
            (first + k * step, first + (k + 1) * step if k < workers - 1 else None, key, keyed_after)
            for k in range(workers)
        ]
        segments = _verify_parallel(bounds)
    else:
        segments = [_verify_range(first, None, key, keyed_after)]
    expected_seq, prev, checked = first, purged_hash, 0
    for segment in segments:
        if segment.first_seq is None:
            if segment.bad_seq is not None:
                return result(False, checked, segment.bad_seq, segment.reason, segment.detail)
            continue
        if segment.first_seq != expected_seq:
            return result(False, checked, min(segment.first_seq, expected_seq), SEQUENCE_GAP)
        if segment.first_prev != prev:
            if segment.bad_seq == segment.first_seq:  # the worker knows more about it (a value of another type)
                return result(False, checked, segment.bad_seq, segment.reason, segment.detail)
            return result(False, checked, segment.first_seq, PREDECESSOR_MISMATCH)
        if segment.bad_seq is not None:
            return result(False, checked + segment.count, segment.bad_seq, segment.reason, segment.detail)
        checked += segment.count
        expected_seq, prev = segment.last_seq + 1, segment.last_hash
    if checked + purged_seq != head_seq or prev != head_hash:
        bad = purged_seq + checked + 1 if purged_seq + checked < head_seq else head_seq
        return result(False, checked, bad, HEAD_MISMATCH)
    if keyed_after > head_seq:
        detail = _("the seal names seq {seq}, past the head").format(seq=keyed_after)
        return result(False, checked, head_seq + 1, SEALED_RECORD_CHANGED, detail)
    if keyed_after >= purged_seq and keyed_after:
        if keyed_after == purged_seq:
            stored = purged_hash
        else:
            stored = AuditRecord.objects.filter(seq=keyed_after).values_list("hash", flat=True).first()
        if stored != keyed_hash:
            detail = _("the last record from before the audit key no longer has the hash the key sealed")
            return result(False, checked, keyed_after, SEALED_RECORD_CHANGED, detail)
    return result(checked=checked)


def _purge_recorded(seq: int, digest: str) -> bool:
    """The newest purge event, inside the verified part of the chain, names this purge point."""
    event = (
        AuditRecord.objects.filter(event="audit.purged", seq__gt=seq)
        .order_by("-seq")
        .values_list("changes", flat=True)
        .first()
    )
    return isinstance(event, dict) and event.get("through_seq") == seq and event.get("through_hash") == digest


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


__all__ = ["AuditAction", "Entry", "anchor", "append", "append_many", "record_object", "record_security", "verify"]


def key_problem() -> str:
    """Why audited writes would fail for want of the key ("" if they will not): checked when govcio starts."""
    try:
        audit_key.key()
    except audit_key.AuditKeyError as exc:
        if not (exc.missing and _new_installation(AuditHead.objects.filter(pk=1).first())):
            return str(exc)
    return ""


def anchor(today: dt.date | None = None):
    """Write the day's anchor outside the database (see ``core.audit_anchor``)."""
    return audit_anchor.write_daily(today)
