"""Plan the links between a government's systems: hubs (the 数据共享交换平台, 统一身份认证平台, 电子证照库 and
政务服务网 each reach many systems), a few direct links between departments, reports up the vertical line (条) and
the cascade of each government's platforms to the level above. Each unordered pair of systems is linked at most
once and never to itself."""

import random

from inventory import choices as c
from inventory.models import Link

from .catalog.common import LINK_TEXT
from .places import Group, PlannedSystem

HUB_CHANCE = {  # role: (chance for a public-facing system, for an internal one)
    "exchange": (0.5, 0.5),
    "identity": (0.7, 0.25),
    "hotline": (0.12, 0.0),
}
PEER_LINKS = 0.5  # direct links to another department's system, per system
VERTICAL = 0.5  # a department's typical system reporting to the same system one level up
ZOMBIE_DAMPING = 0.3
ACTIVE = ("running", "suspended")


class LinkPlanner:
    def __init__(self, rng: random.Random, upper_systems: dict[tuple[int, str], int], upper_hubs: dict):
        self.rng = rng
        self.upper_systems = upper_systems  # (department unit pk, template name) → system pk, for governments above
        self.upper_hubs = upper_hubs  # (government pk, role) → system pk, for governments above

    def plan(self, group: Group, parent_gov_pk: int | None) -> None:
        self.group = group
        self.pairs: set[tuple[int, int]] = set()
        rng = self.rng
        active = [s for s in group.systems if s.obj.status in ACTIVE]
        county_hubs = {role: s for (gov, role), s in group.hubs.items() if gov == group.gov.pk}
        for hub in list(group.hubs.values()):
            self._mesh(hub, group.hubs)
        for planned in active:
            damping = ZOMBIE_DAMPING if planned.zombie else 1.0
            hubs = dict(county_hubs)
            hubs.update({role: s for (gov, role), s in group.hubs.items() if gov == planned.place.gov.pk})
            if planned.hub:
                self._cascade(planned, hubs, parent_gov_pk)
                continue
            public = planned.obj.user_scope != c.UserScope.INTERNAL
            for role, chances in HUB_CHANCE.items():
                hub = hubs.get(role)
                chance = chances[0 if public else 1] * damping
                if role == "exchange" and planned.resources:
                    chance += 0.15
                if hub is not None and rng.random() < chance:
                    self._hub_link(planned, hub, role)
            if planned.services:
                for role in ("portal", "license"):
                    hub = hubs.get(role)
                    if hub is not None and rng.random() < (0.7 if role == "portal" else 0.4) * damping:
                        self._hub_link(planned, hub, role)
            if rng.random() < PEER_LINKS * damping:
                other = rng.choice(active)
                if other.place.department is not planned.place.department and not other.hub:
                    self._add(planned.obj.pk, other.obj.pk, "peer", planned.resources[:2])
            self._vertical(planned, damping)

    def _hub_link(self, planned: PlannedSystem, hub: PlannedSystem, role: str) -> None:
        rng = self.rng
        if role == "exchange":
            carried = [r for r in planned.resources if r.sharing_type != c.SharingType.NOT_SHARED][:3]
            self._add(planned.obj.pk, hub.obj.pk, role, carried, two_way=rng.random() < 0.5)
        elif role == "license":
            issued = [r for r in planned.resources if r.item_code == "05" and r.class_code == "1"]
            self._add(hub.obj.pk, planned.obj.pk, role, issued, two_way=bool(issued))
        elif role == "portal":
            self._add(hub.obj.pk, planned.obj.pk, role, [], two_way=True)
        else:
            self._add(hub.obj.pk, planned.obj.pk, role, [])

    def _mesh(self, hub: PlannedSystem, hubs: dict) -> None:
        """A government's own platforms work together: the portal signs in through identity, reads licences …"""
        if hub.hub not in ("portal", "hotline", "license"):
            return
        for role in ("identity", "license", "exchange"):
            other = hubs.get((hub.place.gov.pk, role))
            if other is not None and other is not hub:
                self._add(other.obj.pk, hub.obj.pk, role, other.resources[:1], two_way=role == "exchange")

    def _vertical(self, planned: PlannedSystem, damping: float) -> None:
        template = planned.template
        line = planned.origin.unit.line_parent_id
        if template is None or not line or self.rng.random() >= VERTICAL * damping:
            return
        upper = self.upper_systems.get((line, template.name))
        if upper is not None:
            self._add(planned.obj.pk, upper, "vertical", planned.resources[:2])

    def _cascade(self, planned: PlannedSystem, hubs: dict, parent_gov_pk: int | None) -> None:
        """A township grid reports to the county grid; a government's platforms connect to the level above."""
        gov = planned.place.gov
        if gov.kind == "township":
            county_grid = self.group.hubs.get((self.group.gov.pk, planned.hub))
            if county_grid is not None:
                self._add(planned.obj.pk, county_grid.obj.pk, "grid", planned.resources[:2])
            return
        upper = self.upper_hubs.get((parent_gov_pk, planned.hub)) if parent_gov_pk else None
        if upper is not None:
            self._add(planned.obj.pk, upper, "up", planned.resources[:2], two_way=True)

    def _add(self, source, target, role, carried, two_way=False) -> None:
        if source == target or (source, target) in self.pairs or (target, source) in self.pairs:
            return
        self.pairs.add((source, target))
        rng = self.rng
        if role in ("identity", "portal", "hotline", "license", "up"):
            method, frequency = c.LinkMethod.API, c.LinkFrequency.REALTIME
        else:
            method = rng.choices(list(c.LinkMethod), [55, 25, 12, 8])[0]
            frequency = rng.choices(list(c.LinkFrequency), [30, 45, 10, 10, 5])[0]
            if method == c.LinkMethod.MANUAL:
                frequency = rng.choice([c.LinkFrequency.MONTHLY, c.LinkFrequency.IRREGULAR])
        names = "、".join(r.name for r in carried[:2]) or "业务数据"
        link = Link(
            from_system_id=source,
            to_system_id=target,
            direction=c.LinkDirection.TWO_WAY if two_way else c.LinkDirection.ONE_WAY,
            method=method,
            frequency=frequency,
            description=LINK_TEXT[role].format(res=names)[:200],
        )
        self.group.links.append((link, list(carried)))
