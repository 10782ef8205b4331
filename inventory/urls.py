"""The inventory's pages, one module per concern: records (CRUD), analysis (overview, zombies, duplicates),
impact (blast radius) and dcat (catalog exchange)."""

from inventory.views import analysis, dcat, impact, records

app_name = "inventory"

urlpatterns = records.urlpatterns + analysis.urlpatterns + impact.urlpatterns + dcat.urlpatterns
