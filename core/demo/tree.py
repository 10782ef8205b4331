"""The demo organisation tree: planned in memory from a seeded generator, then written level by level in bulk.

Paths are computed here directly (``core.tree.segment``), not through ``core.services.units``: the province profile
has ~11k units and per-row services would take far too long. The structure follows DOMAIN.md §2: province → city →
county/district → township/street, each government with its departments, some with subordinate units, and every
department linked to the same department one level up (``line_parent``, 条).
"""

import random
from dataclasses import dataclass, field

from core.choices import UnitKind
from core.models import Unit
from core.tree import STEPLEN, segment

from . import names
from .credit import INSTITUTION, ORGAN, CreditCodes
from .departments import (
    DEPARTMENTS,
    LEVEL_SIZE,
    OPTIONAL_DEPT,
    OPTIONAL_OFFICE,
    OPTIONAL_SUB,
    TOWNSHIP_OFFICES,
)

BATCH = 2000
CITIES_PER_PROVINCE = 15
COUNTIES_PER_CITY = 10
TOWNSHIPS_PER_COUNTY = 20
# Province-level division codes not used by GB/T 2260, so no generated code is a real region's.
FICTIONAL_PROVINCES = ("38", "39", "48", "49", "58", "59", "68", "69")


@dataclass
class Node:
    """A planned unit and what the generators need to know about it."""

    unit: Unit
    level: str  # province, city, county, township: the level of government the unit belongs to
    key: str = ""  # catalogue key linking a department to its line parent
    size: float = 0.0  # relative staff size; 0 for governments
    gov: "Node | None" = None  # the government a department or subordinate unit belongs to
    parent: "Node | None" = None
    lines: dict[str, "Node"] = field(default_factory=dict)  # a government's departments by key


class TreePlan:
    """Builds the nodes depth-first, which is also path order."""

    def __init__(self, rng: random.Random, root_number: int = 1):
        self.rng = rng
        self.root_number = root_number
        self.credits = CreditCodes(rng)
        self.nodes: list[Node] = []
        self._children: dict[str, int] = {}
        self._gov_names: set[str] = set()

    # Building blocks ---------------------------------------------------------------------------------------
    def _add(
        self,
        parent: Node | None,
        *,
        kind: str,
        name: str,
        short_name: str,
        code: str,
        credit: str,
        level: str,
        key: str = "",
        size: float = 0.0,
        gov: Node | None = None,
        line_parent: Node | None = None,
    ) -> Node:
        if parent is None:
            path = segment(self.root_number)
        else:
            number = self._children.get(parent.unit.path, 0) + 1
            self._children[parent.unit.path] = number
            path = parent.unit.path + segment(number)
        unit = Unit(
            kind=kind,
            name=name,
            short_name=short_name,
            code=code,
            credit_code=credit,
            path=path,
            depth=len(path) // STEPLEN,
        )
        if parent is not None:
            unit.parent = parent.unit
        if line_parent is not None:
            unit.line_parent = line_parent.unit
        node = Node(unit=unit, level=level, key=key, size=size, gov=gov, parent=parent)
        self.nodes.append(node)
        return node

    def _jitter(self) -> float:
        return self.rng.uniform(0.75, 1.25)

    def _government(self, parent: Node | None, kind: str, name: str, code: str, level: str) -> Node:
        short = name[:-2] if name.endswith("街道") else name[:-1]
        credit = self.credits.next(ORGAN, code[:6])
        return self._add(parent, kind=kind, name=name, short_name=short, code=code, credit=credit, level=level)

    def _departments(self, gov: Node) -> None:
        """The government's departments (and their subordinate units), each linked to its line parent."""
        level = gov.level
        upper = gov.parent  # the government one level up, whose departments are the line parents
        for dept in DEPARTMENTS:
            template = dept.name(level)
            if template is None or (not dept.core and self.rng.random() >= OPTIONAL_DEPT[level]):
                continue
            name = template.format(gov=gov.unit.name)
            short = gov.unit.name[-1] + template.rsplit("}", 1)[-1]
            code = f"{gov.unit.code}-{dept.key}"
            credit = self.credits.next(INSTITUTION if dept.institution else ORGAN, gov.unit.code[:6])
            line = upper.lines.get(dept.key) if upper else None
            node = self._add(
                gov,
                kind=UnitKind.DEPARTMENT,
                name=name,
                short_name=short,
                code=code,
                credit=credit,
                level=level,
                key=dept.key,
                size=dept.size * LEVEL_SIZE[level] * self._jitter(),
                gov=gov,
                line_parent=line,
            )
            gov.lines[dept.key] = node
            number = 0
            for index, sub in enumerate(dept.subunits, 1):
                if not sub.core and self.rng.random() >= OPTIONAL_SUB[level]:
                    continue
                number += 1
                sub_key = f"{dept.key}.{index}"
                sub_line = upper.lines.get(sub_key) if upper else None
                sub_node = self._add(
                    node,
                    kind=UnitKind.SUBUNIT,
                    name=sub.name.format(gov=gov.unit.name),
                    short_name=gov.unit.name[-1] + sub.name.rsplit("}", 1)[-1],
                    code=f"{code}-{number:03d}",
                    credit=self.credits.next(INSTITUTION, gov.unit.code[:6]),
                    level=level,
                    key=sub_key,
                    size=sub.size * LEVEL_SIZE[level] * self._jitter(),
                    gov=gov,
                    line_parent=sub_line,
                )
                gov.lines[sub_key] = sub_node

    # Levels of government ----------------------------------------------------------------------------------
    def province(self) -> Node:
        prefix = self.rng.choice(FICTIONAL_PROVINCES)
        name = names.place_name(self.rng, self._gov_names, names.PROVINCE_SECOND) + "省"
        node = self._government(None, UnitKind.PROVINCE, name, prefix + "0000", "province")
        self._departments(node)
        for number in range(1, CITIES_PER_PROVINCE + 1):
            self.city(node, f"{prefix}{number:02d}00")
        return node

    def city(self, parent: Node | None, code: str | None = None) -> Node:
        if code is None:
            code = f"{self.rng.choice(FICTIONAL_PROVINCES)}{self.rng.randint(1, 15):02d}00"
        name = names.place_name(self.rng, self._gov_names, names.CITY_SECOND) + "市"
        node = self._government(parent, UnitKind.CITY, name, code, "city")
        self._departments(node)
        districts = self.rng.randint(2, 4)
        county_cities = self.rng.randint(0, 1)
        counties = COUNTIES_PER_CITY - districts - county_cities
        for number in range(2, 2 + districts):
            self.county(node, f"{code[:4]}{number:02d}", "区")
        for number in range(21, 21 + counties):
            self.county(node, f"{code[:4]}{number:02d}", "县")
        for number in range(81, 81 + county_cities):
            self.county(node, f"{code[:4]}{number:02d}", "市")
        return node

    def county(self, parent: Node | None, code: str | None = None, suffix: str = "县") -> Node:
        if code is None:
            code = f"{self.rng.choice(FICTIONAL_PROVINCES)}{self.rng.randint(1, 15):02d}{self.rng.randint(21, 30)}"
        name = names.place_name(self.rng, self._gov_names) + suffix
        node = self._government(parent, UnitKind.COUNTY, name, code, "county")
        self._departments(node)
        total = TOWNSHIPS_PER_COUNTY if parent is None else self.rng.randint(17, 23)
        if suffix == "区":
            streets = total - self.rng.randint(0, 4)
            towns, villages = total - streets, 0
        else:
            streets = self.rng.randint(1, 4)
            villages = self.rng.randint(2, 6)
            towns = total - streets - villages
        taken: set[str] = set()
        for kind_suffix, start, count in (("街道", 1, streets), ("镇", 100, towns), ("乡", 200, villages)):
            for number in range(start, start + count):
                self.township(node, f"{code}{number:03d}", names.place_name(self.rng, taken) + kind_suffix)
        return node

    def township(self, county: Node, code: str, name: str) -> Node:
        node = self._government(county, UnitKind.TOWNSHIP, name, code, "township")
        for office in TOWNSHIP_OFFICES:
            if not office.core and self.rng.random() >= OPTIONAL_OFFICE:
                continue
            self._add(
                node,
                kind=UnitKind.DEPARTMENT,
                name=name + office.name,
                short_name=office.name,
                code=f"{code}-{office.key}",
                credit=self.credits.next(INSTITUTION if office.institution else ORGAN, code[:6]),
                level="township",
                key=office.key,
                size=office.size * self._jitter(),
                gov=node,
            )
        return node


def plan(scale: str, rng: random.Random, root_number: int = 1) -> list[Node]:
    """Plan the tree of a scale profile: a list of unsaved nodes in path order."""
    builder = TreePlan(rng, root_number)
    if scale == "province":
        builder.province()
    elif scale == "city":
        builder.city(None)
    else:
        builder.county(None)
    return builder.nodes


def save(nodes: list[Node], stdout=None) -> None:
    """Insert the planned units depth by depth, so every parent and line parent has its key before its children."""
    by_depth: dict[int, list[Unit]] = {}
    for node in nodes:
        by_depth.setdefault(node.unit.depth, []).append(node.unit)
    for depth in sorted(by_depth):
        units = by_depth[depth]
        for start in range(0, len(units), BATCH):
            batch = units[start : start + BATCH]
            Unit.objects.bulk_create(batch)
            if any(unit.pk is None for unit in batch):  # a backend that does not return keys from bulk inserts
                ids = dict(Unit.objects.filter(code__in=[u.code for u in batch]).values_list("code", "pk"))
                for unit in batch:
                    unit.pk = ids[unit.code]
        if stdout is not None:
            stdout.write(f"  depth {depth}: {len(units)} units")
