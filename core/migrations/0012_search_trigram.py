"""pg_trgm and trigram indexes for the units list's search box (core.search.lists); nothing on SQLite.

Django's ``icontains`` is ``UPPER(col::text) LIKE UPPER('%…%')`` on PostgreSQL, so each index is on that expression.
``CREATE EXTENSION`` needs a superuser, or (PostgreSQL 13 and later, pg_trgm being a trusted extension) a user with
CREATE on the database; see README, "PostgreSQL".
"""

from django.db import migrations

from core import trigram

COLUMNS = {"core_unit": ["name", "short_name", "code"]}


def extension(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


class Migration(migrations.Migration):
    dependencies = [("core", "0011_figures_rollups")]

    operations = [migrations.RunPython(extension, migrations.RunPython.noop), trigram.indexes(COLUMNS)]
