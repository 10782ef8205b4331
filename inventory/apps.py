from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = _("Inventory")

    def ready(self):
        import core.demo
        from core import panels, search
        from inventory import (
            cards,  # noqa: F401  (home-page card; validates zombie_rules.yaml at start-up)
            menu,  # noqa: F401  (the navigation group)
        )
        from inventory.demo import extension
        from inventory.views import records

        for panel in records.UNIT_PANELS:
            panels.add_unit_panel(panel)
        if extension not in core.demo.EXTENSIONS:
            core.demo.EXTENSIONS.append(extension)

        from core import rollups as core_rollups

        from . import graph
        from .models import DataResource, ServiceItem, System
        from .selectors import rollups

        core_rollups.watch(graph.audited)  # the impact graph, built by a task after the commit
        rollups.register()

        # URLs by view name: built from one reverse per model when an import indexes 100,000 rows.
        search.register(
            System, fields=["name", "code", "purpose", "vendor", "owner_unit__name"], url="inventory:system"
        )
        search.register(ServiceItem, fields=["name", "code"], url="inventory:serviceitem")
        search.register(DataResource, fields=["name", "code", "abstract"], url="inventory:dataresource")
