"""Trigram indexes for the search boxes of this app's lists on PostgreSQL (see core's 0012_search_trigram)."""

from django.db import migrations

from core import trigram

COLUMNS = {"security_finding": ["title", "asset", "reference", "external_id"]}


class Migration(migrations.Migration):
    dependencies = [("security", "0006_finding_scanner_fields"), ("core", "0012_search_trigram")]

    operations = [trigram.indexes(COLUMNS)]
