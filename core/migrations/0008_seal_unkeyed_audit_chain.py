"""Seal an audit chain written before the audit key (docs/decisions/0005-keyed-audit-chain.md).

The records stay as they are (plain SM3); the head's seal, made with the key, names the last of them, so that they
can no longer be edited and recomputed, and every head written down before the upgrade can still be checked with
``govcio audit verify --expect-head``. Records appended from now on are keyed. The key is made here if the
installation has none: until now no key was ever used, so there is nothing it could contradict.
"""

from django.db import migrations


def seal_unkeyed_chain(apps, schema_editor):
    from core import audit_key

    AuditHead = apps.get_model("core", "AuditHead")
    AuditRecord = apps.get_model("core", "AuditRecord")
    head = AuditHead.objects.filter(pk=1).first()
    if head is None or head.seal:
        return
    if not head.seq and not head.purged_seq and not AuditRecord.objects.exists():
        return  # an empty log: its first record seals it
    key = audit_key.create()
    head.keyed_after_seq, head.keyed_after_hash = head.seq, head.hash
    head.seal = audit_key.seal(key, head.seq, head.hash)
    head.save(update_fields=["keyed_after_seq", "keyed_after_hash", "seal"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_audit_head_seal"),
    ]

    operations = [
        migrations.RunPython(seal_unkeyed_chain, migrations.RunPython.noop),
    ]
