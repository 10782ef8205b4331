"""The inventory group of the left navigation."""

from django.utils.translation import gettext_lazy as _

from core.navigation import MENU, MenuGroup, MenuItem

GROUP = MenuGroup(
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
)

if GROUP not in MENU:
    MENU.insert(0, GROUP)
