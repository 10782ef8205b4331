"""The owning unit's own index repeated the prefix of (owner_unit, status): one index write less per system. Plain
SQL, so that SQLite drops the index instead of copying the table."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_audit_search_plain_indexes"),
        ("inventory", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="system",
                    name="owner_unit",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="systems",
                        to="core.unit",
                        verbose_name="owning department",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS inventory_system_owner_unit_id_09e1f24e",
                    "CREATE INDEX inventory_system_owner_unit_id_09e1f24e ON inventory_system (owner_unit_id)",
                )
            ],
        )
    ]
