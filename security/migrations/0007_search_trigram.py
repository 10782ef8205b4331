"""Trigram indexes for the search boxes of this app's lists on PostgreSQL (see core's 0012_search_trigram)."""

from django.db import migrations

COLUMNS = {"security_finding": ["title", "asset", "reference", "external_id"]}


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
    dependencies = [("security", "0006_finding_scanner_fields"), ("core", "0012_search_trigram")]

    operations = [migrations.RunPython(forward, reverse)]
