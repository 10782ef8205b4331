"""Plain B-tree indexes for the audit chain and the search table, and no duplicate ones.

``db_index`` on a CharField adds, on PostgreSQL, a second ``varchar_pattern_ops`` index for LIKE, which nothing here
uses (the gate reads path ranges), and the actor's own index repeated the prefix of (actor, seq): four index writes
less for every audited change and every indexed object. The object type's index takes the sequence number too, so
that the latest record of a type is one index step (``core.versions``). The indexes are changed with plain SQL: on SQLite, Django's
AlterField would copy the table, and the search table's copy would lose the full-text triggers.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OLD = [
    "core_auditrecord_actor_id_9b9f5cdf",
    "core_auditrecord_object_type_e936861a",
    "core_auditrecord_object_type_e936861a_like",
    "core_auditrecord_unit_path_6fb7b2df",
    "core_auditrecord_unit_path_6fb7b2df_like",
    "core_searchentry_unit_path_fea24eea",
    "core_searchentry_unit_path_fea24eea_like",
]
NEW = [
    ("core_audit_object_type", "core_auditrecord", "object_type, seq"),  # also the latest record of a type
    ("core_audit_unit_path", "core_auditrecord", "unit_path"),
    ("core_search_unit_path", "core_searchentry", "unit_path"),
]
FORWARD = [f"DROP INDEX IF EXISTS {name}" for name in OLD] + [
    f"CREATE INDEX {name} ON {table} ({column})" for name, table, column in NEW
]
BACKWARD = [f"DROP INDEX IF EXISTS {name}" for name, _table, _column in NEW] + [
    "CREATE INDEX core_auditrecord_actor_id_9b9f5cdf ON core_auditrecord (actor_id)",
    "CREATE INDEX core_auditrecord_object_type_e936861a ON core_auditrecord (object_type)",
    "CREATE INDEX core_auditrecord_unit_path_6fb7b2df ON core_auditrecord (unit_path)",
    "CREATE INDEX core_searchentry_unit_path_fea24eea ON core_searchentry (unit_path)",
]

STATE = [
    migrations.AlterField(
        model_name="auditrecord",
        name="actor",
        field=models.ForeignKey(
            blank=True,
            db_constraint=False,
            db_index=False,
            null=True,
            on_delete=django.db.models.deletion.DO_NOTHING,
            related_name="+",
            to=settings.AUTH_USER_MODEL,
            verbose_name="actor",
        ),
    ),
    migrations.AlterField(
        model_name="auditrecord",
        name="object_type",
        field=models.CharField(blank=True, max_length=64, verbose_name="object type"),
    ),
    migrations.AlterField(
        model_name="auditrecord",
        name="unit_path",
        field=models.CharField(blank=True, max_length=255, verbose_name="unit path"),
    ),
    migrations.AlterField(
        model_name="searchentry",
        name="unit_path",
        field=models.CharField(max_length=255, verbose_name="unit path"),
    ),
    migrations.AddIndex(
        model_name="auditrecord",
        index=models.Index(fields=["object_type", "seq"], name="core_audit_object_type"),
    ),
    migrations.AddIndex(
        model_name="auditrecord",
        index=models.Index(fields=["unit_path"], name="core_audit_unit_path"),
    ),
    migrations.AddIndex(
        model_name="searchentry",
        index=models.Index(fields=["unit_path"], name="core_search_unit_path"),
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_attachments_notifications"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=STATE,
            database_operations=[migrations.RunSQL(FORWARD, BACKWARD)],
        )
    ]
