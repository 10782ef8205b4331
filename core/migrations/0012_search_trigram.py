"""pg_trgm and trigram indexes for the units list's search box (core.search.lists); nothing on SQLite.

Django's ``icontains`` is ``UPPER(col::text) LIKE UPPER('%…%')`` on PostgreSQL, so each index is on that expression.
``CREATE EXTENSION`` needs a superuser, or (PostgreSQL 13 and later, pg_trgm being a trusted extension) a user with
CREATE on the database; see README, "PostgreSQL".
"""

from django.db import migrations

TABLE = "core_unit"
COLUMNS = ["name", "short_name", "code"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {TABLE}_{column}_trgm ON {TABLE} USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {TABLE}_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("core", "0011_figures_rollups")]

    operations = [migrations.RunPython(forward, reverse)]
