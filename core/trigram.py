"""Trigram indexes (pg_trgm) for the search boxes of lists on PostgreSQL (docs/decisions/0021-search-parts-of-words.md):
one GIN index per searched column, on ``UPPER(column::text)`` as Django's ``icontains`` compares, so that a fragment
of a name or code is found through an index. Nothing on SQLite. The apps' migrations use ``indexes``; core's
``0012_search_trigram`` creates the extension."""

from django.db import migrations


def indexes(columns: dict[str, list[str]]) -> migrations.RunPython:
    """The migration operation creating (and, reversed, dropping) an index for each ``{table: [column, …]}``."""

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table, names in columns.items():
            for column in names:
                schema_editor.execute(
                    f"CREATE INDEX IF NOT EXISTS {table}_{column}_trgm ON {table} "
                    f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
                )

    def reverse(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table, names in columns.items():
            for column in names:
                schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")

    return migrations.RunPython(forward, reverse)
