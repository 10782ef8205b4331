"""Trigram indexes for the search boxes of this app's lists on PostgreSQL (see core's 0012_search_trigram)."""

from django.db import migrations

from core import trigram

COLUMNS = {
    "inventory_system": ["name", "code", "purpose", "vendor"],
    "inventory_serviceitem": ["name", "code"],
    "inventory_dataresource": ["name", "code", "abstract"],
}


class Migration(migrations.Migration):
    dependencies = [("inventory", "0003_graph_impact_graph_version"), ("core", "0012_search_trigram")]

    operations = [trigram.indexes(COLUMNS)]
