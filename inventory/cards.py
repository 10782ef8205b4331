"""The inventory's card on the home page: how many systems, how many run, the cloud share and the O&M bill.

Imported once from ``InventoryConfig.ready()``; importing it also validates the analysis rules, so a bad
``inventory/data/zombie_rules.yaml`` stops the server at start-up rather than on the first page that reads it.
"""

from decimal import Decimal

from core import gate, rollups
from core.views.home import HOME_CARDS
from inventory import choices as c
from inventory.models import System
from inventory.rules import rules
from inventory.selectors.overview import share
from inventory.selectors.rollups import SYSTEMS

rules()


def inventory_card(request) -> dict | None:
    """The sum of the per-unit rollups of the systems the user may view; nothing for users who may not view them."""
    user = request.user
    if not gate.has_perm(user, System, "view"):
        return None
    running = f"status_{c.SystemStatus.RUNNING}"
    totals = rollups.sums(user, SYSTEMS, ("total", running, "cloud", "in_service", "om_cost"))
    return {
        "template": "inventory/analysis_home_card.html",
        "systems": totals["total"],
        "running": totals[running],
        "cloud_share": share(totals["cloud"], totals["in_service"]),
        "om_cost": Decimal(totals["om_cost"]) / 100,
    }


inventory_card.shared = True  # kept in the shared cache until the next write (core.figures)

if inventory_card not in HOME_CARDS:
    HOME_CARDS.append(inventory_card)
