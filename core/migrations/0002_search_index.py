"""The full-text index over SearchEntry.tokens; which one depends on the database.

SQLite: an FTS5 external-content table kept in step by triggers. Note that SQLite drops a table's triggers when
Django remakes the table, so a later migration that alters SearchEntry on SQLite must run this one's SQLite steps
again (the search tests fail if it does not).
PostgreSQL: a GIN index on to_tsvector('simple', tokens).
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE core_search_fts USING fts5(tokens, content='core_searchentry', content_rowid='id')",
    """CREATE TRIGGER core_search_fts_insert AFTER INSERT ON core_searchentry BEGIN
        INSERT INTO core_search_fts(rowid, tokens) VALUES (new.id, new.tokens);
    END""",
    """CREATE TRIGGER core_search_fts_delete AFTER DELETE ON core_searchentry BEGIN
        INSERT INTO core_search_fts(core_search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens);
    END""",
    """CREATE TRIGGER core_search_fts_update AFTER UPDATE ON core_searchentry BEGIN
        INSERT INTO core_search_fts(core_search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens);
        INSERT INTO core_search_fts(rowid, tokens) VALUES (new.id, new.tokens);
    END""",
    "INSERT INTO core_search_fts(core_search_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS core_search_fts_update",
    "DROP TRIGGER IF EXISTS core_search_fts_delete",
    "DROP TRIGGER IF EXISTS core_search_fts_insert",
    "DROP TABLE IF EXISTS core_search_fts",
]
POSTGRESQL_FORWARD = [
    "CREATE INDEX core_searchentry_tokens_gin ON core_searchentry USING gin (to_tsvector('simple', tokens))",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS core_searchentry_tokens_gin",
]


def _run(statements):
    def run(apps, schema_editor):
        statements_for = statements.get(schema_editor.connection.vendor, [])
        for sql in statements_for:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
