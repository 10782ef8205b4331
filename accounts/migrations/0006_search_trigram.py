"""Trigram indexes for the search boxes of this app's lists on PostgreSQL (see core's 0012_search_trigram)."""

from django.db import migrations

from core import trigram

COLUMNS = {"accounts_user": ["username", "full_name", "title"]}


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_hash_clear_api_tokens"), ("core", "0012_search_trigram")]

    operations = [trigram.indexes(COLUMNS)]
