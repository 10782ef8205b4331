"""The inventory's card on the home page: how many systems, how many run, the cloud share and the O&M bill.

Imported once from ``InventoryConfig.ready()``; importing it also validates the analysis rules, so a bad
``inventory/data/zombie_rules.yaml`` stops the server at start-up rather than on the first page that reads it.
"""

from django.db.models import Count, Q, Sum

from core import gate
from core.views.home import HOME_CARDS
from inventory import choices as c
from inventory.models import System
from inventory.rules import rules
from inventory.selectors.overview import IN_SERVICE, share

rules()


def inventory_card(request) -> dict | None:
    """One aggregate query over the systems the user may view; nothing for users who may not view systems."""
    user = request.user
    if not gate.has_perm(user, System, "view"):
        return None
    totals = (
        System.objects.restrict(user, "view")
        .order_by()
        .aggregate(
            systems=Count("pk"),
            running=Count("pk", filter=Q(status=c.SystemStatus.RUNNING)),
            in_service=Count("pk", filter=IN_SERVICE),
            cloud=Count("pk", filter=IN_SERVICE & Q(hosting=c.Hosting.GOV_CLOUD)),
            om_cost=Sum("annual_om_cost", filter=IN_SERVICE),
        )
    )
    return {
        "template": "inventory/analysis_home_card.html",
        "systems": totals["systems"],
        "running": totals["running"],
        "cloud_share": share(totals["cloud"], totals["in_service"]),
        "om_cost": totals["om_cost"] or 0,
    }


inventory_card.reads = ["inventory.system", "core.unit"]

if inventory_card not in HOME_CARDS:
    HOME_CARDS.append(inventory_card)
