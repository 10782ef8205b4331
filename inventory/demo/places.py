"""Where demo inventory goes: each department, subordinate unit and township office as a :class:`Place`, with its
government and catalog entry, grouped by county, city or province government (townships join their county)."""

from dataclasses import dataclass, field

from core.choices import UnitKind
from core.models import Unit
from inventory.models import DataResource, Link, ServiceItem, System

from .catalog import DEPARTMENTS, FALLBACK, OFFICES, Catalog, Sys, subunit_catalog
from .tech import place_slug

LEVEL_CODE = {UnitKind.PROVINCE: "p", UnitKind.CITY: "c", UnitKind.COUNTY: "x", UnitKind.TOWNSHIP: "t"}
GROUP_KINDS = (UnitKind.PROVINCE, UnitKind.CITY, UnitKind.COUNTY)


@dataclass(eq=False)
class Place:
    unit: Unit
    gov: Unit  # the government the unit belongs to (a township for township offices)
    key: str  # department or township-office key (RSJ, DZB); empty when unknown
    catalog: Catalog
    own: bool  # False for a subordinate unit without templates of its own: it borrows its department's
    dept: "Place | None" = None  # the department of a subordinate unit
    children: list["Place"] = field(default_factory=list)
    host: str = ""  # rsj.beiyuan.example.gov.cn; a township's offices share hexi.beiyuan.example.gov.cn

    @property
    def level(self) -> str:
        return LEVEL_CODE[self.gov.kind]

    @property
    def department(self) -> "Place":
        return self.dept or self


@dataclass(eq=False)
class PlannedSystem:
    obj: System
    place: Place
    template: Sys | None
    origin: Place  # the place whose catalog the template comes from (a department hosting it at a subunit)
    topic: str = ""
    zombie: bool = False
    resources: list[DataResource] = field(default_factory=list)
    services: int = 0

    @property
    def hub(self) -> str:
        return self.template.hub if self.template else ""


@dataclass(eq=False)
class Group:
    """One government's share of the inventory: its own departments, plus its townships' offices for a county."""

    gov: Unit
    places: list[Place] = field(default_factory=list)
    systems: list[PlannedSystem] = field(default_factory=list)
    resources: list[tuple[DataResource, list[tuple[str, str]]]] = field(default_factory=list)  # with (name, type)
    services: list[tuple[ServiceItem, list[PlannedSystem]]] = field(default_factory=list)
    links: list[tuple[Link, list[DataResource]]] = field(default_factory=list)
    hubs: dict[tuple[int, str], PlannedSystem] = field(default_factory=dict)  # (government pk, role) → system


def _department_key(unit: Unit, gov: Unit) -> str:
    prefix = gov.code + "-"
    return unit.code[len(prefix) :].split("-")[0] if unit.code.startswith(prefix) else ""


def _host(place: Place, by_pk: dict[int, Unit]) -> str:
    slug = place_slug(place.gov.name, place.gov.code)
    if place.gov.kind == UnitKind.TOWNSHIP:
        county = by_pk.get(place.gov.parent_id)
        return f"{slug}.{place_slug(county.name, county.code) if county else 'town'}.example.gov.cn"
    department = place.department
    abbr = place.catalog.abbr or department.catalog.abbr or department.key.lower() or "www"
    return f"{abbr}.{slug}.example.gov.cn"


def groups(units: list[Unit]) -> list[Group]:
    """The places of ``units`` grouped by government, in path order (a government before the ones below it)."""
    by_pk = {unit.pk: unit for unit in units}
    places: dict[int, Place] = {}
    result: dict[int, Group] = {}

    def group_of(unit: Unit) -> Group | None:
        while unit is not None and unit.kind not in GROUP_KINDS:
            unit = by_pk.get(unit.parent_id)
        if unit is None:
            return None
        return result.setdefault(unit.pk, Group(gov=unit))

    for unit in units:
        if unit.kind in GROUP_KINDS:
            group_of(unit)
            continue
        parent = by_pk.get(unit.parent_id)
        if parent is None or unit.kind == UnitKind.TOWNSHIP:
            continue
        if unit.kind == UnitKind.DEPARTMENT:
            key = _department_key(unit, parent)
            table = OFFICES if parent.kind == UnitKind.TOWNSHIP else DEPARTMENTS
            catalog = table.get(key, FALLBACK)
            place = Place(unit=unit, gov=parent, key=key, catalog=catalog, own=True)
        else:
            dept = places.get(parent.pk)
            if dept is None:
                continue
            dept = dept.department
            suffix = unit.name.removeprefix(dept.gov.name)
            catalog = subunit_catalog(suffix)
            place = Place(
                unit=unit,
                gov=dept.gov,
                key=dept.key,
                catalog=catalog or dept.catalog,
                own=catalog is not None,
                dept=dept,
            )
            dept.children.append(place)
        place.host = _host(place, by_pk)
        places[unit.pk] = place
        group = group_of(unit)
        if group is not None:
            group.places.append(place)
    return list(result.values())
