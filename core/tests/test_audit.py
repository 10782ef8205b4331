"""Tamper tests through raw SQL: editing, deleting, inserting or reordering records breaks verification at the
first bad sequence number."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from core import audit
from core.models import AuditHead, AuditRecord


@pytest.fixture
def chain(db):
    for i in range(10):
        audit.append(audit.Entry(action="event", event=f"test.{i}", object_repr=f"对象{i}", changes={"n": i}))
    assert audit.verify().ok
    return AuditRecord


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_intact_chain_verifies(chain):
    result = audit.verify()
    assert result.ok and result.checked == 10 and result.head_seq == 10
    call_command("audit", "verify")


def test_edit_detected(chain):
    sql("UPDATE core_auditrecord SET object_repr = %s WHERE seq = 4", ["篡改"])
    result = audit.verify()
    assert not result.ok and result.bad_seq == 4
    with pytest.raises(CommandError, match="seq 4"):
        call_command("audit", "verify")


def test_edit_with_recomputed_hash_detected_at_next(chain):
    row = AuditRecord.objects.filter(seq=4).values(*audit.CHAIN_FIELDS, "prev_hash").get()
    row["object_repr"] = "篡改"
    forged = audit.chain_hash(row["prev_hash"], row)
    sql("UPDATE core_auditrecord SET object_repr = %s, hash = %s WHERE seq = 4", ["篡改", forged])
    assert audit.verify().bad_seq == 5


def test_delete_detected(chain):
    sql("DELETE FROM core_auditrecord WHERE seq = 6")
    result = audit.verify()
    assert not result.ok and result.bad_seq == 6


def test_delete_last_detected_by_head(chain):
    sql("DELETE FROM core_auditrecord WHERE seq = 10")
    result = audit.verify()
    assert not result.ok and result.bad_seq == 10


def test_insert_detected(chain):
    row = AuditRecord.objects.filter(seq=3).values().get()
    row.update(seq=1000)
    columns = ", ".join(row)
    marks = ", ".join(["%s"] * len(row))
    import json

    values = [json.dumps(v) if isinstance(v, dict) else v for v in row.values()]
    sql(f"INSERT INTO core_auditrecord ({columns}) VALUES ({marks})", values)
    result = audit.verify()
    assert not result.ok and result.bad_seq == 11


def test_reorder_detected(chain):
    sql("UPDATE core_auditrecord SET seq = -1 WHERE seq = 2")
    sql("UPDATE core_auditrecord SET seq = 2 WHERE seq = 3")
    sql("UPDATE core_auditrecord SET seq = 3 WHERE seq = -1")
    result = audit.verify()
    assert not result.ok and result.bad_seq == 2


def test_orm_refuses_changes(chain):
    record = AuditRecord.objects.get(seq=1)
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        record.delete()


def test_rolled_back_change_leaves_no_record(db):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        audit.append(audit.Entry(action="event", event="doomed"))
        raise RuntimeError
    assert not AuditRecord.objects.filter(event="doomed").exists()
    assert audit.verify().ok


def test_head_command(chain, capsys):
    call_command("audit", "head")
    head = AuditHead.objects.get()
    assert capsys.readouterr().out.strip() == f"{head.seq}:{head.hash}"


def test_batch_append_chains(db):
    audit.append_many([audit.Entry(action="create", object_repr=str(i)) for i in range(500)])
    assert audit.verify().checked == 500


def test_purge_refuses_young_records(chain):
    from django.utils import timezone

    with pytest.raises(ValueError):
        audit.purge(before=timezone.now() - timezone.timedelta(days=179))
    with pytest.raises(CommandError):
        call_command("audit", "purge", "--before", timezone.localdate().isoformat())
    assert AuditRecord.objects.count() == 10


def test_purge_old_records_keeps_chain_verifiable(chain):
    from django.utils import timezone

    old = timezone.now() - timezone.timedelta(days=400)
    sql("UPDATE core_auditrecord SET ts = %s WHERE seq <= 4", [old])
    # rewrite the hashes of the aged records so that the chain is intact before the purge
    prev = audit.GENESIS
    for row in AuditRecord.objects.order_by("seq").values(*audit.CHAIN_FIELDS):
        digest = audit.chain_hash(prev, row)
        sql("UPDATE core_auditrecord SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, digest, row["seq"]])
        prev = digest
    sql("UPDATE core_audithead SET hash = %s", [prev])
    assert audit.verify().ok
    assert audit.purge(before=timezone.now() - timezone.timedelta(days=200)) == 4
    result = audit.verify()
    assert result.ok, result
    assert result.checked == 7  # 6 kept + the purge event
    # moving the anchor to hide more deletions is detected
    sql("DELETE FROM core_auditrecord WHERE seq = 5")
    sql("UPDATE core_audithead SET purged_seq = 5")
    assert not audit.verify().ok


@pytest.mark.django_db(transaction=True)
def test_parallel_verify_matches_serial():
    """Ranges verified in worker processes give the same answer as one pass, including the first bad seq."""
    from django.db import connection

    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("worker processes cannot share an in-memory database")
    audit.append_many(
        [audit.Entry(action="event", event="p", changes={"i": i, "b": {"z": 1, "a": 2}}) for i in range(3000)]
    )
    assert audit.verify(workers=3).ok and audit.verify(workers=1).ok
    sql("UPDATE core_auditrecord SET event = %s WHERE seq = 2500", ["x"])
    assert audit.verify(workers=3).bad_seq == audit.verify(workers=1).bad_seq == 2500
    sql("DELETE FROM core_auditrecord WHERE seq = 1001")
    assert audit.verify(workers=3).bad_seq == audit.verify(workers=1).bad_seq == 1001


# The fast check (core.audit_verify): the database writes the canonical text, the slow one is the fallback. ------


@pytest.fixture
def deferred(monkeypatch):
    """How many records the fast check could not confirm and handed to the slow one."""
    from core import audit_verify

    count = [0]
    settle = audit_verify._Checker.settle

    def counting(self):
        count[0] += len(self.pending)
        return settle(self)

    monkeypatch.setattr(audit_verify._Checker, "settle", counting)
    return count


def test_changes_stored_canonical_and_confirmed_without_python_encoding(db, deferred):
    audit.append_many(
        [
            audit.Entry(
                action="event", object_repr=f"对象“{i}”\t", changes={"名": "值\n", "b": [1, {"z": None, "a": i}]}
            )
            for i in range(50)
        ]
    )
    text = AuditRecord.objects.filter(seq=1).values_list("changes", flat=True).first()
    assert text == {"b": [1, {"a": 0, "z": None}], "名": "值\n"}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT changes FROM core_auditrecord WHERE seq = 1")
            assert cursor.fetchone()[0] == '{"b":[1,{"a":0,"z":null}],"名":"值\\n"}'
    assert audit.verify().ok
    assert deferred[0] == 0


def test_records_in_an_older_text_still_verify_and_their_edits_are_found(chain, deferred):
    # Before the canonical form was stored, Django wrote changes with spaces and escaped characters.
    sql("UPDATE core_auditrecord SET changes = %s WHERE seq = 3", ['{"n": 2}'])
    sql("UPDATE core_auditrecord SET object_repr = %s WHERE seq = 5", ["对象4"])  # the same value
    assert audit.verify().ok
    sql("UPDATE core_auditrecord SET changes = %s WHERE seq = 3", ['{"n": 3}'])
    assert audit.verify().bad_seq == 3


def test_fast_and_slow_checks_agree_on_the_first_fault(chain, monkeypatch):
    from core import audit_verify

    sql("UPDATE core_auditrecord SET event = %s WHERE seq = 7", ["x"])
    sql("DELETE FROM core_auditrecord WHERE seq = 9")
    fast = audit.verify()
    monkeypatch.setattr(audit_verify, "_fast", audit_verify._slow)
    slow = audit.verify()
    assert (
        (fast.bad_seq, fast.reason, fast.checked)
        == (slow.bad_seq, slow.reason, slow.checked)
        == (7, "hash mismatch", 6)
    )
