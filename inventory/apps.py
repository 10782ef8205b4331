from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = _("Inventory")

    def ready(self):
        import core.demo
        from core import panels, search
        from core.navigation import MENU, MenuGroup, MenuItem
        from inventory import cards  # noqa: F401  (home-page card; validates zombie_rules.yaml at start-up)
        from inventory.demo import extension
        from inventory.views import records

        for panel in records.UNIT_PANELS:
            panels.add_unit_panel(panel)
        if extension not in core.demo.EXTENSIONS:
            core.demo.EXTENSIONS.append(extension)

        from .models import DataResource, ServiceItem, System

        # URLs by view name: built from one reverse per model when an import indexes 100,000 rows.
        search.register(
            System, fields=["name", "code", "purpose", "vendor", "owner_unit__name"], url="inventory:system"
        )
        search.register(ServiceItem, fields=["name", "code"], url="inventory:serviceitem")
        search.register(DataResource, fields=["name", "code", "abstract"], url="inventory:dataresource")
        MENU.insert(
            0,
            MenuGroup(
                _("Inventory"),
                "ti ti-server",
                [
                    MenuItem(_("Overview"), "inventory:overview", "ti ti-chart-pie", "inventory.system"),
                    MenuItem(_("Information systems"), "inventory:system_list", "ti ti-server", "inventory.system"),
                    MenuItem(
                        _("Public service items"),
                        "inventory:serviceitem_list",
                        "ti ti-building-bank",
                        "inventory.serviceitem",
                    ),
                    MenuItem(
                        _("Data resource catalog"),
                        "inventory:dataresource_list",
                        "ti ti-database",
                        "inventory.dataresource",
                    ),
                    MenuItem(_("Links"), "inventory:link_list", "ti ti-arrows-exchange", "inventory.link"),
                    MenuItem(_("Zombie check"), "inventory:zombie_list", "ti ti-ghost", "inventory.system"),
                    MenuItem(_("Duplicate candidates"), "inventory:duplicate_list", "ti ti-copy", "inventory.system"),
                ],
            ),
        )
