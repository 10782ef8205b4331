"""The inventory overview: what the estate is, where it runs, what it costs and how it is kept (DOMAIN.md §1,
"make the effect of informatization visible").

Every number of systems and resources is a sum of per-unit rollups kept exact from the write path (core.rollups),
so the page costs the same few queries for a township or a province. "In service" means every status but retired:
cloud and domestic shares, O&M cost and MLPS levels describe the systems that still run or are coming, while build
cost counts everything ever built.
"""

import datetime as dt
import operator
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce

from django.db import connections
from django.db.models import Count, Exists, ExpressionWrapper, FloatField, OuterRef, Q, Sum, Value

from core import rollups
from core.focus import narrowed
from inventory import choices as c
from inventory.models import ServiceItem, System
from inventory.rules import rules
from inventory.selectors import quality

IN_SERVICE = ~Q(status=c.SystemStatus.RETIRED)
MLPS_LEVELS = (1, 2, 3, 4, 5)


def tech_filled(part: str) -> Q:
    return ~Q(**{f"tech_{part}": ""})


def tech_domestic(part: str) -> Q:
    return tech_filled(part) & Q(**{f"tech_{part}_domestic": True})


def any_filled() -> Q:
    q = Q()
    for part in System.TECH_PARTS:
        q |= tech_filled(part)
    return q


def fully_domestic() -> Q:
    """Every filled component is domestic (信创), and at least one is filled."""
    q = any_filled()
    for part in System.TECH_PARTS:
        q &= Q(**{f"tech_{part}": ""}) | Q(**{f"tech_{part}_domestic": True})
    return q


def share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class DepartmentRow:
    unit_id: int
    name: str
    path: str
    systems: int
    running: int
    cloud_share: float | None
    domestic_share: float | None
    om_cost: Decimal
    zombies: int = 0
    quality: float | None = None


@dataclass
class Overview:
    systems: int
    by_status: list[dict]
    by_hosting: list[dict]
    cloud_share: float | None
    domestic_parts: list[dict]
    domestic_share: float | None
    build_cost: Decimal
    om_cost: Decimal
    zombies: int
    mlps: list[dict]
    departments: list[DepartmentRow]
    quality_units: list[quality.UnitScore]  # failing units, worst first (``unit_gaps`` reads the gaps of a few)
    quality_score: float | None
    resources: dict | None = None  # None: the user may not see data resources
    services: dict | None = None
    dated: dt.date | None = None  # the day the date-dependent counts are of, when not today (core.rollups.flush)
    replaceable: object = None  # when zombie criterion (b) was last found (inventory.replaceable.State)


def system_counts(today: dt.date, zombies: Q | None = None) -> dict:
    """Every count and sum the overview needs of a set of systems, quality checks (and zombies) included."""
    counts = {
        "total": Count("pk"),
        "in_service": Count("pk", filter=IN_SERVICE),
        "cloud": Count("pk", filter=IN_SERVICE & Q(hosting=c.Hosting.GOV_CLOUD)),
        "dom_filled": Count("pk", filter=IN_SERVICE & any_filled()),
        "dom_full": Count("pk", filter=IN_SERVICE & fully_domestic()),
        "build_cost": Sum("build_cost"),
        "om_cost": Sum("annual_om_cost", filter=IN_SERVICE),
        "mlps_none": Count("pk", filter=IN_SERVICE & Q(mlps_level__isnull=True)),
        "hosting_none": Count("pk", filter=IN_SERVICE & Q(hosting="")),
    }
    for code in c.SystemStatus.values:
        counts[f"status_{code}"] = Count("pk", filter=Q(status=code))
    for code in c.Hosting.values:
        counts[f"hosting_{code}"] = Count("pk", filter=IN_SERVICE & Q(hosting=code))
    for level in MLPS_LEVELS:
        counts[f"mlps_{level}"] = Count("pk", filter=IN_SERVICE & Q(mlps_level=level))
    for part in System.TECH_PARTS:
        counts[f"filled_{part}"] = Count("pk", filter=IN_SERVICE & tech_filled(part))
        counts[f"domestic_{part}"] = Count("pk", filter=IN_SERVICE & tech_domestic(part))
    counts.update(quality.check_counts(quality.SYSTEM_CHECKS, today, prefix="q", base=quality.SYSTEM_BASE))
    if zombies is not None:
        counts["zombies"] = Count("pk", filter=zombies)
    return counts


def resource_counts(today: dt.date) -> dict:
    counts = {"total": Count("pk")}
    for code in c.SharingType.values:
        counts[f"sharing_{code}"] = Count("pk", filter=Q(sharing_type=code))
    for code in c.OpenAttribute.values:
        counts[f"open_{code}"] = Count("pk", filter=Q(open_attribute=code))
    counts.update(quality.check_counts(quality.RESOURCE_CHECKS, today, prefix="q"))
    return counts


def grouped(queryset, group: str, counts: dict, *, names: bool = True) -> list[dict]:
    """One row per unit (``group`` is the unit foreign key) with ``counts``: a single query. Without ``names`` it
    groups by the key alone, which lets PostgreSQL hash-aggregate tens of thousands of resources."""
    keys = (group, f"{group}__name", f"{group}__path") if names else (group,)
    return fetch(queryset.order_by().values(*keys).annotate(**counts))


def fetch(queryset) -> list[dict]:
    """The rows of a ``values()`` queryset, read with the SQL the ORM compiled (gate included) but without its
    per-value converters: for some sixty counts per unit at city scale they cost more than the query itself.
    Counts arrive as integers on both databases; sums are made ``Decimal`` here."""
    if queryset.query.is_empty():
        return []
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        for key in SUMS:
            if key in row and row[key] is not None and not isinstance(row[key], Decimal):
                row[key] = Decimal(str(row[key]))
    return rows


SUMS = ("build_cost", "om_cost")


def resource_totals(totals: dict) -> dict:
    return {
        "total": totals["total"],
        "by_sharing": [
            {"code": code, "label": str(label), "count": totals[f"sharing_{code}"]}
            for code, label in c.SharingType.choices
        ],
        "by_open": [
            {"code": code, "label": str(label), "count": totals[f"open_{code}"]}
            for code, label in c.OpenAttribute.choices
        ],
    }


def service_totals(services) -> dict:
    # Delivered by a system at all, wherever the system sits: a yes/no about an item the user may see.
    delivered = Exists(ServiceItem.systems.through.objects.filter(serviceitem_id=OuterRef("pk")))
    totals = services.order_by().aggregate(total=Count("pk"), delivered=Count("pk", filter=Q(delivered)))
    return {**totals, "share": share(totals["delivered"], totals["total"])}


DEPARTMENT_COLUMNS = {
    "systems": "total",
    "running": f"status_{c.SystemStatus.RUNNING}",
    "cloud": "cloud",
    "in_service": "in_service",
    "dom_full": "dom_full",
    "dom_filled": "dom_filled",
    "om_cost": "om_cost",
    "zombies": "zombies",
}


def unit_numbers(user, kind: str, unit, today: dt.date, checks, columns: dict[str, str]) -> list[tuple]:
    """Per unit of ``kind``'s rollups in scope: (id, name, path, weighted failing, weighted applicable, records
    failing, then ``columns``), each number read out of the row's JSON by the database (a province has 10,000
    rows of some eighty counts: decoding them in Python cost a second)."""
    weights = rules().quality_weights
    keys = quality.gap_keys(checks, "q")
    weighted = {
        name: ExpressionWrapper(
            reduce(operator.add, (Value(weights[code]) * rollups.number(key[i]) for code, *key in keys)),
            output_field=FloatField(),
        )
        for i, name in enumerate(("w_missing", "w_applicable"))
    }
    failing = reduce(operator.add, (rollups.number(failing) for _code, failing, _applicable in keys))
    numbers = {name: rollups.number(key) for name, key in columns.items()}
    found = rollups.scoped(user, kind, unit, today).annotate(**weighted, failing=failing, **numbers)
    return list(found.values_list("unit_id", "unit__name", "unit__path", *weighted, "failing", *numbers))


def departments_and_scores(user, unit, today: dt.date, can_resources: bool):
    """The departments' rows, and every unit's data-quality score (resources counted when the user may see them)."""
    from inventory.selectors.rollups import RESOURCES, SYSTEMS

    scores: dict[int, quality.UnitScore] = {}
    departments = []
    for pk, name, path, missing, applicable, failing, *values in unit_numbers(
        user, SYSTEMS, unit, today, quality.SYSTEM_CHECKS, DEPARTMENT_COLUMNS
    ):
        scores[pk] = quality.UnitScore(pk, name, path, missing, applicable, failing)
        row = dict(zip(DEPARTMENT_COLUMNS, values, strict=True))
        departments.append(
            DepartmentRow(
                unit_id=pk,
                name=name,
                path=path,
                systems=row["systems"],
                running=row["running"],
                cloud_share=share(row["cloud"], row["in_service"]),
                domestic_share=share(row["dom_full"], row["dom_filled"]),
                om_cost=Decimal(row["om_cost"]) / 100,
                zombies=row["zombies"],
            )
        )
    if can_resources:
        for pk, name, path, missing, applicable, failing in unit_numbers(
            user, RESOURCES, unit, today, quality.RESOURCE_CHECKS, {}
        ):
            found = scores.setdefault(pk, quality.UnitScore(pk, name, path))
            found.missing += missing
            found.applicable += applicable
            found.failing += failing
    for dept in departments:
        dept.quality = scores[dept.unit_id].score
    return departments, scores


def unit_gaps(user, units: list[quality.UnitScore], today: dt.date, can_resources: bool) -> list[quality.UnitQuality]:
    """The gaps of ``units`` (the few a page shows), read from their rollups."""
    from inventory.selectors.rollups import RESOURCES, SYSTEMS

    found = {u.unit_id: quality.UnitQuality(u.unit_id, u.name, u.path) for u in units}
    kinds = [(SYSTEMS, quality.SYSTEM_CHECKS)] + ([(RESOURCES, quality.RESOURCE_CHECKS)] if can_resources else [])
    for kind, checks in kinds:
        rows = rollups.scoped(user, kind, None, today).filter(unit_id__in=sorted(found))
        for pk, data in rows.values_list("unit_id", "data"):
            found[pk].gaps.extend(quality.gaps_of(data, checks, "q"))
    return list(found.values())


def overview(user, *, unit=None, today: dt.date, can_resources: bool, can_services: bool) -> Overview:
    """The overview of the systems (and, when permitted, resources and service items) the user may view,
    optionally focused on ``unit``'s subtree: the sums of the units' rollups (``inventory.selectors.rollups``,
    exact at read time) over the gate's path ranges, summed by the database, and one aggregate for the service
    items."""
    from inventory import replaceable
    from inventory.selectors.rollups import RESOURCES, SYSTEMS

    day = rollups.flush(today)
    totals = rollups.sums(user, SYSTEMS, system_counts(today, Q()), unit, today)
    for key in SUMS:
        totals[key] = Decimal(totals[key]) / 100
    resource_totals_raw = rollups.sums(user, RESOURCES, resource_counts(today), unit, today) if can_resources else {}
    departments, scores = departments_and_scores(user, unit, today, can_resources)
    in_service = totals["in_service"]
    hosting = [
        {"code": code, "label": str(label), "count": totals[f"hosting_{code}"]} for code, label in c.Hosting.choices
    ]
    hosting.append({"code": "", "label": "", "count": totals["hosting_none"]})
    return Overview(
        systems=totals["total"],
        by_status=[
            {"code": code, "label": str(label), "count": totals[f"status_{code}"]}
            for code, label in c.SystemStatus.choices
        ],
        by_hosting=hosting,
        cloud_share=share(totals["cloud"], in_service),
        domestic_parts=[
            {
                "part": part,
                "label": str(System._meta.get_field(f"tech_{part}").verbose_name),
                "filled": totals[f"filled_{part}"],
                "domestic": totals[f"domestic_{part}"],
                "share": share(totals[f"domestic_{part}"], totals[f"filled_{part}"]),
            }
            for part in System.TECH_PARTS
        ],
        domestic_share=share(totals["dom_full"], totals["dom_filled"]),
        build_cost=Decimal(totals["build_cost"]),
        om_cost=Decimal(totals["om_cost"]),
        zombies=totals["zombies"],
        mlps=[{"level": level, "count": totals[f"mlps_{level}"]} for level in MLPS_LEVELS]
        + [{"level": None, "count": totals["mlps_none"]}],
        departments=departments,
        quality_units=sorted(
            (u for u in scores.values() if u.failing), key=lambda u: (u.score if u.score is not None else 101, u.path)
        ),
        quality_score=quality.score(
            quality.gaps_of(totals, quality.SYSTEM_CHECKS, "q")
            + (quality.gaps_of(resource_totals_raw, quality.RESOURCE_CHECKS, "q") if can_resources else [])
        ),
        resources=resource_totals(resource_totals_raw) if can_resources else None,
        services=service_totals(narrowed(ServiceItem.objects.restrict(user, "view"), unit)) if can_services else None,
        dated=day if day != today else None,
        replaceable=replaceable.state(),
    )


DEPARTMENT_SORTS = {
    "name": lambda r: r.path,
    "systems": lambda r: r.systems,
    "running": lambda r: r.running,
    "cloud": lambda r: (r.cloud_share is not None, r.cloud_share or 0),
    "domestic": lambda r: (r.domestic_share is not None, r.domestic_share or 0),
    "om": lambda r: r.om_cost,
    "zombies": lambda r: r.zombies,
    "quality": lambda r: (r.quality is not None, r.quality or 0),
}


def sort_departments(rows: list[DepartmentRow], sort: str | None) -> tuple[str, list[DepartmentRow]]:
    """Rows in the order ``?sort=`` asks for (allow-listed, "-" for descending); by default the tree's order."""
    key = (sort or "").lstrip("-")
    if key not in DEPARTMENT_SORTS:
        return "", sorted(rows, key=DEPARTMENT_SORTS["name"])
    ordered = sorted(rows, key=lambda r: (DEPARTMENT_SORTS[key](r), r.path), reverse=sort.startswith("-"))
    return sort, ordered
