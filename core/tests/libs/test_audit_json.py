"""The audit chain's canonical text (core.audit: ``changes`` encoded once and spliced into the record's text) against
``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` of the whole record, and the chain still
verifying, by the database's fast check, for the same values."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection

from core import audit
from core.models import AuditRecord

SLOT = '"changes":0,'
ODD_TEXT = [
    "简体 繁體 😀 e\u0301 \u2028\u2029 \x7f",
    "\x00\x01\x1f\t\n\r\b\f",
    'quote " backslash \\ slash / </script>',
    SLOT,
    '\\"changes\\":0,',
    "",
]
CHANGES = [
    {},
    {"名称": ["旧", "新"], "n": 1, "flag": True, "none": None},
    {"floats": [1.5, 0.1 + 0.2, 1e20, -0.0, 1e-7, float("nan"), float("inf")]},
    {"decimals": [Decimal("1.10"), Decimal("1E+2"), Decimal("-0"), Decimal("12345678901234567890.123")]},
    {"dates": [dt.date(2026, 2, 29 - 1), dt.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC), dt.time(1, 2)]},
    {"nested": {"z": {"b": [1, {"d": 2, "c": [None, {"y": "值", "x": 3}]}], "a": ()}, "a": [[[]]]}},
    {1: "integer key", "1a": 2, "": "empty key", "B": 1, "a": 0, "Ä": 1, "中": 2},
    {"big": [2**53 + 1, -(2**63), 2**64], "text": ODD_TEXT},
    {SLOT: SLOT, "changes": 0},
]


def library_text(values: dict, changes) -> str:
    record = {**values, "changes": audit.jsonable(changes)}
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def record_values(actor_name: str = "张三", object_repr: str = "对象") -> dict:
    return {
        "seq": 7,
        "ts": "2026-12-06T01:02:03.000004Z",
        "actor_id": None,
        "actor_name": actor_name,
        "ip": "203.0.113.9",
        "request_id": "r-1",
        "category": "business",
        "action": "update",
        "event": "",
        "outcome": "success",
        "object_type": "inventory.system",
        "object_id": "12",
        "object_repr": object_repr,
        "unit_path": "00010002",
    }


@pytest.mark.parametrize("changes", CHANGES)
@pytest.mark.parametrize("text", ODD_TEXT)
def test_spliced_text_is_the_library_encoding_of_the_whole_record(changes, text):
    values = record_values(actor_name=text, object_repr=text)
    changes_json = audit._encode(audit.jsonable(changes))
    assert audit._body(values, changes_json) == library_text(values, changes)


def test_canonical_is_the_library_encoding_with_the_time_in_utc():
    ts = dt.datetime(2026, 12, 6, 9, 2, 3, 4, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    values = {**record_values(), "ts": ts, "changes": audit.jsonable(CHANGES[4])}
    expected = library_text({**values, "ts": "2026-12-06T01:02:03.000004Z"}, CHANGES[4])
    assert audit.canonical(values) == expected.encode("utf-8")


def test_no_float_reaches_the_chain_as_a_number():
    text = audit._encode(audit.jsonable(CHANGES[2]))
    assert json.loads(text) == {"floats": ["1.5", "0.30000000000000004", "1e+20", "-0.0", "1e-07", "nan", "inf"]}


@pytest.mark.django_db
def test_records_with_these_values_are_stored_canonical_and_verify_by_the_fast_check(monkeypatch):
    from core import audit_verify

    deferred = []
    settle = audit_verify._Checker.settle

    def counting(self):
        deferred.extend(seq for seq, _prev, _stored in self.pending)
        return settle(self)

    monkeypatch.setattr(audit_verify._Checker, "settle", counting)
    postgres = connection.vendor == "postgresql"
    entries = [
        audit.Entry(action="update", actor_name=text, object_repr=text, event=text, changes=changes)
        for changes in CHANGES
        for text in ODD_TEXT
        # PostgreSQL refuses NUL in text and jsonb (as it does for Django's own JSONField)
        if not (postgres and ("\x00" in text or "\\u0000" in audit._encode(audit.jsonable(changes))))
    ]
    records = audit.append_many(entries)
    for record, entry in zip(records, entries, strict=True):
        expected = audit._encode(audit.jsonable(entry.changes))
        row = AuditRecord.objects.filter(seq=record.seq).values(*audit.CHAIN_FIELDS).get()
        assert row["changes"] == json.loads(expected)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("SELECT changes FROM core_auditrecord WHERE seq = %s", [record.seq])
                assert cursor.fetchone()[0] == expected  # stored in the canonical form, byte for byte
    result = audit.verify()
    assert result.ok and result.checked == len(entries)
    assert deferred == []  # every record confirmed by the database's own JSON text, none by the slow path
