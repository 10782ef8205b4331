"""The keyed, anchored audit chain: someone who can write the database but has neither the audit key nor the anchors
outside it cannot edit, cut short or wipe the log without ``govcio audit verify`` failing."""

import json
import os
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from core import audit, audit_anchor, audit_key
from core.crypto import sm3_hex
from core.models import AuditHead, AuditRecord

TEN = 10


@pytest.fixture
def chain(db):
    for i in range(TEN):
        audit.append(audit.Entry(action="event", event=f"test.{i}", object_repr=f"对象{i}", changes={"n": i}))
    assert audit.verify().ok
    return AuditRecord


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def record_hash(seq):
    return AuditRecord.objects.filter(seq=seq).values_list("hash", flat=True).get()


def rechain_unkeyed(start=1, prev=None):
    """What an attacker without the key can do: recompute every hash from ``start`` on with plain SM3 (the old
    chain's rule) and rewrite the head to match."""
    if prev is None:
        prev = record_hash(start - 1) if start > 1 else audit.GENESIS
    rows = AuditRecord.objects.filter(seq__gte=start).order_by("seq").values(*audit.CHAIN_FIELDS)
    for row in rows:
        digest = sm3_hex(bytes.fromhex(prev) + audit.canonical(row))
        sql("UPDATE core_auditrecord SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, digest, row["seq"]])
        prev = digest
    last = AuditRecord.objects.order_by("-seq").values_list("seq", flat=True).first()
    sql("UPDATE core_audithead SET seq = %s, hash = %s", [last, prev])
    return prev


def rechain_keyed():
    """The key holder's rewrite (tests only: makes records look as if written on another day)."""
    prev = audit.GENESIS
    for row in AuditRecord.objects.order_by("seq").values(*audit.CHAIN_FIELDS):
        digest = audit.chain_hash(prev, row)
        sql("UPDATE core_auditrecord SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, digest, row["seq"]])
        prev = digest
    sql("UPDATE core_audithead SET hash = %s", [prev])


def verify_command(*args):
    from io import StringIO

    out = StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


# (a) an edit with every later hash recomputed ----------------------------------------------------------------------


def test_edit_with_every_later_hash_recomputed_is_detected(chain):
    sql("UPDATE core_auditrecord SET object_repr = %s WHERE seq = 4", ["篡改"])
    rechain_unkeyed(start=4)
    result = audit.verify()
    assert not result.ok and result.bad_seq == 4 and result.reason == "hash mismatch"
    with pytest.raises(CommandError, match="seq 4"):
        verify_command()


def test_recomputing_the_whole_chain_without_the_key_is_detected(chain):
    rechain_unkeyed(start=1)
    result = audit.verify()
    assert not result.ok and result.bad_seq == 1


def test_moving_the_keyed_point_to_pass_as_an_old_unkeyed_chain_is_detected(chain):
    """The head's seal names where the keyed records start; moving it (so that the forged records pass as records
    from before the key) breaks the seal, which only the key can make."""
    sql("UPDATE core_auditrecord SET object_repr = %s WHERE seq = 4", ["篡改"])
    last = rechain_unkeyed(start=1)
    sql("UPDATE core_audithead SET keyed_after_seq = %s, keyed_after_hash = %s", [TEN, last])
    result = audit.verify()
    assert not result.ok and result.reason == "seal mismatch"
    sql("UPDATE core_audithead SET seal = ''")
    assert audit.verify().reason == "chain not sealed"


# (b) the newest records cut off and the head rewritten ----------------------------------------------------------------


def truncate(keep):
    sql("DELETE FROM core_auditrecord WHERE seq > %s", [keep])
    sql("UPDATE core_audithead SET seq = %s, hash = %s", [keep, record_hash(keep)])


def test_truncation_is_caught_by_the_daily_anchor(chain):
    call_command("audit", "anchor")
    truncate(7)
    result = audit.verify()
    assert not result.ok and result.reason == "chain shorter than an anchor"
    assert f"{TEN}:" in result.detail
    with pytest.raises(CommandError, match="shorter than an anchor"):
        verify_command()


def test_truncation_is_caught_by_expect_head(chain):
    head = f"{TEN}:{record_hash(TEN)}"
    assert audit.verify(expect_head=audit_anchor.parse_head(head)).ok
    truncate(7)
    assert audit.verify().ok  # nothing outside the database says the chain was longer
    with pytest.raises(CommandError, match="shorter than an anchor"):
        verify_command("--expect-head", head)


def test_the_printed_head_is_what_expect_head_takes(chain):
    from io import StringIO

    out = StringIO()
    call_command("audit", "head", stdout=out)
    assert out.getvalue().strip() == f"{TEN}:{record_hash(TEN)}"
    assert "ok" in verify_command("--expect-head", out.getvalue().strip())


def test_expect_head_with_another_hash_fails(chain):
    with pytest.raises(CommandError, match="anchor mismatch"):
        verify_command("--expect-head", f"5:{'ab' * 32}")
    assert "ok" in verify_command("--expect-head", f"5:{record_hash(5).upper()}")


@pytest.mark.parametrize("bad", ["10", "x:y", "10:abc", f"-1:{'0' * 64}", f"10:{'g' * 64}", ""])
def test_malformed_expect_head_is_a_usage_error(chain, bad):
    with pytest.raises(CommandError, match="expect-head"):
        verify_command("--expect-head", bad)


def test_malformed_expect_head_exits_2_without_a_traceback():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "manage.py", "audit", "verify", "--expect-head", "12:nothex"],
        capture_output=True,
        text=True,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "govcio.settings.test"},
        timeout=120,
    )
    assert done.returncode == 2
    assert "--expect-head" in done.stderr and "Traceback" not in done.stderr


# (c) the whole log wiped ----------------------------------------------------------------------------------------------


def wipe():
    sql("DELETE FROM core_auditrecord")
    sql("DELETE FROM core_audithead")


def test_wipe_is_caught_by_the_anchor(chain):
    call_command("audit", "anchor")
    wipe()
    result = audit.verify()
    assert not result.ok and result.reason == "empty chain after an anchor"
    with pytest.raises(CommandError, match="empty"):
        verify_command()


def test_wipe_is_caught_by_expect_head(chain):
    head = f"{TEN}:{record_hash(TEN)}"
    wipe()
    with pytest.raises(CommandError, match="empty"):
        verify_command("--expect-head", head)


def test_wipe_then_new_records_is_caught_by_the_anchor(chain):
    """After a wipe the application starts a new chain on its own; the anchor still names the old one."""
    call_command("audit", "anchor")
    wipe()
    for i in range(12):
        audit.append(audit.Entry(action="event", event=f"new.{i}"))
    result = audit.verify()
    assert not result.ok and result.reason == "anchor mismatch" and result.bad_seq == TEN


# Anchors -----------------------------------------------------------------------------------------------------------


def test_anchor_is_written_once_a_day_to_an_append_only_file_and_the_log(chain, settings, caplog):
    import datetime as dt

    path = settings.GOVCIO_AUDIT_ANCHOR_FILE
    with caplog.at_level("INFO", logger="govcio.audit"):
        call_command("audit", "anchor")
        call_command("audit", "anchor")
    lines = path.read_text().splitlines()
    assert len(lines) == 1
    anchor = audit_anchor.parse_line(lines[0])
    assert (anchor.seq, anchor.hash) == (TEN, record_hash(TEN))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert any(f"{TEN}:{record_hash(TEN)}" in r.getMessage() for r in caplog.records if r.name == "govcio.audit")
    audit.append(audit.Entry(action="event", event="next"))
    audit_anchor.write_daily(today=dt.date.today() + dt.timedelta(days=1))
    assert [audit_anchor.parse_line(line).seq for line in path.read_text().splitlines()] == [TEN, TEN + 1]
    result = audit.verify()
    assert result.ok and result.anchors_checked == 2 and result.newest_anchor.seq == TEN + 1


def test_anchor_of_an_empty_log_writes_nothing(db, settings):
    call_command("audit", "anchor")
    assert not settings.GOVCIO_AUDIT_ANCHOR_FILE.exists()


def test_an_anchor_that_no_longer_matches_is_named(chain, settings):
    settings.GOVCIO_AUDIT_ANCHOR_FILE.write_text(f"2026-01-01 5:{'cd' * 32}\n")
    result = audit.verify()
    assert not result.ok and result.reason == "anchor mismatch" and result.bad_seq == 5
    assert "2026-01-01" in result.detail


def test_a_malformed_anchor_line_is_reported(chain, settings):
    settings.GOVCIO_AUDIT_ANCHOR_FILE.write_text("2026-01-01 5:zz\n")
    result = audit.verify()
    assert not result.ok and result.reason == "unreadable anchor" and "5:zz" in result.detail


def test_anchors_before_a_purge_still_verify(chain, settings):
    from django.utils import timezone

    old = timezone.now() - timezone.timedelta(days=400)
    sql("UPDATE core_auditrecord SET ts = %s WHERE seq <= 4", [old])
    rechain_keyed()  # with the key: stands for records written 400 days ago
    settings.GOVCIO_AUDIT_ANCHOR_FILE.write_text(
        f"2025-01-01 2:{record_hash(2)}\n2025-01-02 4:{record_hash(4)}\n2025-01-03 {TEN}:{record_hash(TEN)}\n"
    )
    assert audit.verify().ok
    assert audit.purge(before=timezone.now() - timezone.timedelta(days=200)) == 4
    result = audit.verify()
    assert result.ok, result
    assert result.checked == 7  # 6 kept + the purge event


# Purge --------------------------------------------------------------------------------------------------------------


def test_a_purge_event_outside_the_verified_range_does_not_vouch_for_a_deletion(chain):
    """Deleting the oldest records and naming a purge point needs a purge event inside the chain that is checked;
    a copy of an event put below the purge point is not checked, so it does not count."""
    event = AuditRecord.objects.filter(seq=1).values().get()
    event.update(seq=-1, event="audit.purged", changes=json.dumps({"through_seq": 3, "through_hash": record_hash(3)}))
    columns, marks = ", ".join(event), ", ".join(["%s"] * len(event))
    sql(f"INSERT INTO core_auditrecord ({columns}) VALUES ({marks})", list(event.values()))
    sql("UPDATE core_audithead SET purged_seq = 3, purged_hash = %s", [record_hash(3)])
    sql("DELETE FROM core_auditrecord WHERE seq BETWEEN 1 AND 3")
    result = audit.verify()
    assert not result.ok


# The key -------------------------------------------------------------------------------------------------------------


def test_a_new_installation_gets_a_key_on_its_first_record(db, settings, tmp_path):
    settings.GOVCIO_AUDIT_KEY = ""
    settings.GOVCIO_AUDIT_KEY_FILE = tmp_path / "audit.key"
    assert audit.key_problem() == ""  # govcio run starts: the first record will make the key
    audit.append(audit.Entry(action="event", event="first"))
    text = (tmp_path / "audit.key").read_text().strip()
    assert len(bytes.fromhex(text)) == 32
    assert stat.S_IMODE(os.stat(tmp_path / "audit.key").st_mode) == 0o600
    assert audit.verify().ok
    head = AuditHead.objects.get()
    assert head.keyed_after_seq == 0 and head.seal


def test_the_key_can_come_from_the_environment(db, settings, tmp_path):
    settings.GOVCIO_AUDIT_KEY = "11" * 32
    settings.GOVCIO_AUDIT_KEY_FILE = tmp_path / "audit.key"
    audit.append(audit.Entry(action="event", event="first"))
    assert not (tmp_path / "audit.key").exists()
    assert audit.verify().ok
    settings.GOVCIO_AUDIT_KEY = "22" * 32
    assert not audit.verify().ok


def test_a_malformed_key_is_a_clear_error(db, settings):
    settings.GOVCIO_AUDIT_KEY = "not hex"
    with pytest.raises(audit_key.AuditKeyError, match="GOVCIO_AUDIT_KEY"):
        audit.append(audit.Entry(action="event", event="first"))
    result = audit.verify()
    assert not result.ok and "GOVCIO_AUDIT_KEY" in result.detail


def test_a_wrong_key_fails_with_a_clear_message(chain, settings):
    settings.GOVCIO_AUDIT_KEY = "33" * 32
    result = audit.verify()
    assert not result.ok and result.reason == "seal mismatch"
    assert "GOVCIO_AUDIT_KEY" in result.detail
    with pytest.raises(CommandError, match="audit key does not match"):
        verify_command()


def test_a_missing_key_on_an_installation_with_records_fails_and_makes_no_new_key(chain, settings, tmp_path):
    settings.GOVCIO_AUDIT_KEY = ""
    settings.GOVCIO_AUDIT_KEY_FILE = tmp_path / "audit.key"
    result = audit.verify()
    assert not result.ok and result.reason == "audit key missing"
    assert str(tmp_path / "audit.key") in result.detail
    with pytest.raises(audit_key.AuditKeyError) as raised:
        audit.append(audit.Entry(action="event", event="after"))
    assert raised.value.missing and str(tmp_path / "audit.key") in str(raised.value)
    with pytest.raises(CommandError, match="audit key"):
        verify_command()
    assert not (tmp_path / "audit.key").exists()
    assert AuditRecord.objects.count() == TEN


def test_a_missing_key_after_anchors_makes_no_new_key_even_if_the_log_is_empty(db, settings, tmp_path):
    settings.GOVCIO_AUDIT_KEY = ""
    settings.GOVCIO_AUDIT_KEY_FILE = tmp_path / "audit.key"
    settings.GOVCIO_AUDIT_ANCHOR_FILE.write_text(f"2026-01-01 5:{'cd' * 32}\n")
    with pytest.raises(audit_key.AuditKeyError):
        audit.append(audit.Entry(action="event", event="first"))
    assert not (tmp_path / "audit.key").exists()


def test_hmac_sm3_implementations_agree():
    import hashlib

    from core import crypto

    def by_definition(key, data):  # RFC 2104 over SM3 (block size 64)
        key = key.ljust(64, b"\0")
        inner = hashlib.new("sm3", bytes(b ^ 0x36 for b in key) + data).digest()
        return hashlib.new("sm3", bytes(b ^ 0x5C for b in key) + inner).hexdigest()

    cases = [(b"k" * 32, b""), (os.urandom(32), os.urandom(1000)), (b"\x01" * 16, "审计".encode()), (b"L" * 80, b"x")]
    for key, data in cases:
        expected = crypto._hmac_sm3_cryptography(key, data)
        assert crypto._hmac_sm3_openssl(key, data) == expected  # OpenSSL's one-shot HMAC
        assert crypto._hmac_sm3_pads(key)(data) == expected  # the pads hashed once, for the chain
        assert crypto.hmac_sm3(key)(data) == crypto.hmac_sm3_hex(key, data) == expected
        if len(key) <= 64:
            assert by_definition(key, data) == expected


# Values of an unexpected type: reported as tampering, never a crash ---------------------------------------------------


def test_a_non_hex_predecessor_is_reported(chain):
    sql("UPDATE core_auditrecord SET prev_hash = %s WHERE seq = 1", ["zz" * 32])
    result = audit.verify()
    assert not result.ok and result.bad_seq == 1 and result.reason == "unexpected value"
    assert "prev_hash" in result.detail


def test_a_number_too_long_for_the_canonical_form_is_reported(chain):
    sql("UPDATE core_auditrecord SET changes = %s WHERE seq = 6", ['{"n": ' + "9" * 5000 + "}"])
    result = audit.verify()
    assert not result.ok and result.bad_seq == 6 and result.reason == "unexpected value"
    with pytest.raises(CommandError, match="seq 6"):
        verify_command()


def test_changes_of_another_json_type_are_reported(chain):
    sql("UPDATE core_auditrecord SET changes = %s WHERE seq = 3", ["[1, 2]"])
    result = audit.verify()
    assert not result.ok and result.bad_seq == 3


@pytest.mark.parametrize(
    "column, value",
    [
        ("changes", '{"n": "\\ud800"}'),  # a lone surrogate: valid JSON text, no UTF-8 form
        ("seq", "abc"),
        ("ts", 12345),
        ("prev_hash", 7),
        ("actor_id", "someone"),
    ],
)
def test_sqlite_values_of_another_type_are_reported(chain, column, value):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL columns hold only their own type")
    sql(f"UPDATE core_auditrecord SET {column} = %s WHERE seq = 5", [value])  # noqa: S608
    result = audit.verify()
    assert not result.ok and result.bad_seq in (5, 6, TEN), result
    import unittest.mock

    from core import audit_verify

    # the slow check too
    with unittest.mock.patch.object(audit_verify, "_fast", audit_verify._slow):
        assert not audit.verify().ok


def test_a_head_of_another_type_is_reported(chain):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL columns hold only their own type")
    sql("UPDATE core_audithead SET seq = 'ten'")
    result = audit.verify()
    assert not result.ok and result.reason == "unexpected value"


# Installations from before the key ------------------------------------------------------------------------------------


def make_legacy_chain():
    """A chain as written before the key: plain SM3, no seal."""
    last = rechain_unkeyed(start=1)
    sql("UPDATE core_audithead SET keyed_after_seq = 0, keyed_after_hash = %s, seal = ''", [audit.GENESIS])
    return last


def seal_legacy():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("core.migrations.0008_seal_unkeyed_audit_chain")
    migration.seal_unkeyed_chain(apps, None)


def test_an_unkeyed_chain_is_sealed_once_and_keeps_its_old_heads(chain, settings, tmp_path):
    legacy_head = make_legacy_chain()
    assert not audit.verify().ok
    settings.GOVCIO_AUDIT_KEY = ""
    settings.GOVCIO_AUDIT_KEY_FILE = tmp_path / "audit.key"
    seal_legacy()  # no key yet: the upgrade makes one
    assert (tmp_path / "audit.key").exists()
    head = AuditHead.objects.get()
    assert (head.keyed_after_seq, head.keyed_after_hash) == (TEN, legacy_head)
    seal = head.seal
    seal_legacy()  # once only
    assert AuditHead.objects.get().seal == seal
    audit.append(audit.Entry(action="event", event="after the key"))
    result = audit.verify(expect_head=(TEN, legacy_head))  # a head written down before the upgrade still counts
    assert result.ok, result


def test_an_edit_before_the_key_recomputed_without_it_is_detected(chain, settings, tmp_path):
    make_legacy_chain()
    settings.GOVCIO_AUDIT_KEY_FILE = tmp_path / "audit.key"
    settings.GOVCIO_AUDIT_KEY = ""
    seal_legacy()
    audit.append(audit.Entry(action="event", event="after the key"))
    sql("UPDATE core_auditrecord SET object_repr = %s WHERE seq = 4", ["篡改"])
    rechain_unkeyed(start=4)
    result = audit.verify()
    assert not result.ok and result.bad_seq in (TEN, TEN + 1)


def test_sealing_an_unkeyed_chain_before_any_key_was_written(chain, settings, tmp_path):
    """Sealed right after the upgrade, before a keyed record follows: the seal itself covers the old head."""
    make_legacy_chain()
    settings.GOVCIO_AUDIT_KEY_FILE = tmp_path / "audit.key"
    settings.GOVCIO_AUDIT_KEY = ""
    seal_legacy()
    assert audit.verify().ok
    sql("UPDATE core_auditrecord SET object_repr = %s WHERE seq = 9", ["篡改"])
    rechain_unkeyed(start=9)
    result = audit.verify()
    assert not result.ok and result.bad_seq == TEN


def test_the_seal_step_on_an_empty_log_does_nothing(db, settings, tmp_path):
    settings.GOVCIO_AUDIT_KEY_FILE = tmp_path / "audit.key"
    settings.GOVCIO_AUDIT_KEY = ""
    seal_legacy()
    assert not AuditHead.objects.exists() and not (tmp_path / "audit.key").exists()


# The audit administrator's page ---------------------------------------------------------------------------------------


def test_verify_page_shows_the_result_and_the_newest_anchor(chain, client, settings):
    from django.urls import reverse

    from core.testing import build_tree, make_user

    tree = build_tree()
    client.force_login(make_user("aud", "auditadmin", tree.county_a))
    anchor, _written = audit.anchor()
    response = client.post(reverse("core:audit_verify"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="verify-result"' in page and "alert-success" in page
    assert anchor.hash in page and anchor.date in page  # the newest anchor
    truncate(7)
    response = client.post(reverse("core:audit_verify"))
    assert response.status_code == 200 and "alert-danger" in response.content.decode()
    assert f"{anchor.seq}:{anchor.hash}" in response.content.decode()  # the anchor it fails
    assert "审计链短于锚点" in response.content.decode()  # the reason, in the user's language


def test_verify_page_without_the_key_answers_with_the_reason(chain, client, settings, tmp_path):
    from django.urls import reverse

    from core.testing import build_tree, make_user

    tree = build_tree()
    client.force_login(make_user("aud", "auditadmin", tree.county_a))
    settings.GOVCIO_AUDIT_KEY_FILE = tmp_path / "audit.key"
    response = client.post(reverse("core:audit_verify"))
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode() and str(tmp_path) in response.content.decode()


def test_govcio_run_refuses_to_start_without_the_key_and_anchors_the_day(chain, settings, tmp_path, monkeypatch):
    import os as os_module

    started = []
    monkeypatch.setattr(os_module, "execvp", lambda *args: started.append(args))
    call_command("serve", "--no-demo")
    assert started and audit_anchor.read()[-1].seq == TEN
    settings.GOVCIO_AUDIT_KEY_FILE = tmp_path / "audit.key"
    with pytest.raises(CommandError, match="audit key is missing"):
        call_command("serve", "--no-demo")
    assert len(started) == 1


def test_an_anchor_file_that_cannot_be_written_is_a_clear_error(chain, settings, tmp_path):
    settings.GOVCIO_AUDIT_ANCHOR_FILE = tmp_path / "audit-anchors.txt"
    settings.GOVCIO_AUDIT_ANCHOR_FILE.mkdir()  # a directory where the file belongs
    with pytest.raises(CommandError, match="cannot write the anchor file"):
        call_command("audit", "anchor")
    result = audit.verify()
    assert not result.ok and result.reason == "unreadable anchor"


def test_the_wsgi_application_refuses_to_start_without_the_key(chain, settings, tmp_path):
    """gunicorn started straight on govcio.wsgi (production) refuses as ``govcio run`` does."""
    import importlib
    import sys

    sys.modules.pop("govcio.wsgi", None)
    importlib.import_module("govcio.wsgi")  # the key is there: starts
    settings.GOVCIO_AUDIT_KEY_FILE = tmp_path / "audit.key"
    sys.modules.pop("govcio.wsgi", None)
    with pytest.raises(SystemExit, match="audit key is missing"):
        importlib.import_module("govcio.wsgi")
    assert not (tmp_path / "audit.key").exists()
