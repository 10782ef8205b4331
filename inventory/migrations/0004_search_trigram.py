"""Trigram indexes for the search boxes of this app's lists on PostgreSQL (see core's 0012_search_trigram)."""

from django.db import migrations

COLUMNS = {
    "inventory_system": ["name", "code", "purpose", "vendor"],
    "inventory_serviceitem": ["name", "code"],
    "inventory_dataresource": ["name", "code", "abstract"],
}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in COLUMNS.items():
        for column in columns:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_{column}_trgm ON {table} "
                f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
            )


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in COLUMNS.items():
        for column in columns:
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("inventory", "0003_graph_impact_graph_version"), ("core", "0012_search_trigram")]

    operations = [migrations.RunPython(forward, reverse)]
