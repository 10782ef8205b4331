"""Generate the demo inventory government by government, writing each one in bulk before planning the next.

A government (province, city, or county with its townships) is planned in memory — systems, then the resources
they hold, then service items — and written; then its links are planned, since they need the systems' keys and
reach the governments above, which are written already (units come in path order). Only the keys of the upper
governments' typical systems and platforms are kept between governments, so memory stays flat at province scale.
"""

import random
import time
from collections import Counter

from django.db import connection
from django.utils import timezone

from inventory import graph
from inventory.models import DataItem, DataResource, Link, ServiceItem, System

from . import places
from .links import LinkPlanner
from .resources import ResourcePlanner
from .services import ServicePlanner
from .systems import SystemPlanner
from .tech import VENDORS

BATCH = 2000
ITEM_BATCH = 10_000
LOCAL_VENDORS = 6  # the handful of firms a government mostly buys from


def _insert(model, objects: list, key: str = "code") -> None:
    """Bulk insert; on a backend that does not return keys, read them back by a unique field."""
    model.objects.bulk_create(objects, batch_size=BATCH)
    missing = [obj for obj in objects if obj.pk is None]
    for start in range(0, len(missing), 900):
        chunk = missing[start : start + 900]
        ids = dict(model.objects.filter(**{f"{key}__in": [getattr(o, key) for o in chunk]}).values_list(key, "pk"))
        for obj in chunk:
            obj.pk = ids[getattr(obj, key)]


def _insert_items(rows: list[tuple]) -> None:
    """Data items are ~10 per resource, 4M at province scale: plain rows rather than model instances, because
    building and compiling that many instances costs far more than the insert; COPY on PostgreSQL."""
    if not rows:
        return
    meta = DataItem._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in ("resource", "name", "data_type", "position"))
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s)", rows)  # noqa: S608


def _write_catalog(group: places.Group, counts: Counter) -> None:
    _insert(System, [planned.obj for planned in group.systems])
    _insert(DataResource, [resource for resource, _ in group.resources])
    rows: list[tuple] = []
    for resource, items in group.resources:
        rows.extend((resource.pk, name, kind, position) for position, (name, kind) in enumerate(items, 1))
        if len(rows) >= ITEM_BATCH:
            _insert_items(rows)
            counts["data_items"] += len(rows)
            rows = []
    _insert_items(rows)
    counts["data_items"] += len(rows)
    counts["systems"] += len(group.systems)
    counts["data_resources"] += len(group.resources)
    counts["zombies_planted"] += sum(planned.zombie for planned in group.systems)


def _write_connections(group: places.Group, counts: Counter) -> None:
    _insert(ServiceItem, [item for item, _ in group.services])
    through = ServiceItem.systems.through
    through.objects.bulk_create(
        [
            through(serviceitem_id=item.pk, system_id=planned.obj.pk)
            for item, delivering in group.services
            for planned in dict.fromkeys(delivering)
        ],
        batch_size=BATCH,
    )
    links = [link for link, _ in group.links]
    Link.objects.bulk_create(links, batch_size=BATCH)
    if any(link.pk is None for link in links):
        ids = {
            pair: pk
            for *pair, pk in Link.objects.filter(from_system__in=[s.obj.pk for s in group.systems]).values_list(
                "from_system_id", "to_system_id", "pk"
            )
        }
        for link in links:
            link.pk = ids[(link.from_system_id, link.to_system_id)]
    carried = Link.resources.through
    carried.objects.bulk_create(
        [
            carried(link_id=link.pk, dataresource_id=resource.pk)
            for link, resources in group.links
            for resource in dict.fromkeys(resources)
        ],
        batch_size=BATCH,
    )
    counts["service_items"] += len(group.services)
    counts["links"] += len(links)


def run(rng: random.Random, units: list, stdout=None, *, items_cap: int | None = None) -> dict:
    """Generate the inventory of the demo tree ``units`` (in path order); returns the counts."""
    today = timezone.localdate()
    counts: Counter = Counter()
    resources = ResourcePlanner(rng, today, items_cap)
    services = ServicePlanner(rng)
    upper_systems: dict[tuple[int, str], int] = {}
    upper_hubs: dict[tuple[int, str], int] = {}
    started = time.monotonic()
    for group in places.groups(units):
        if stdout is not None and group.gov.kind != "county":
            stdout.write(
                f"  inventory: {group.gov.name} and below ({counts['systems']} systems so far, "
                f"{time.monotonic() - started:.1f}s)"
            )
        SystemPlanner(rng, today, rng.sample(VENDORS, LOCAL_VENDORS)).plan(group)
        resources.plan(group)
        services.plan(group)
        _write_catalog(group, counts)
        LinkPlanner(rng, upper_systems, upper_hubs).plan(group, group.gov.parent_id)
        _write_connections(group, counts)
        if group.gov.kind != "county":  # only the governments above a county are linked to from below
            for planned in group.systems:
                if planned.template is not None:
                    upper_systems.setdefault((planned.origin.unit.pk, planned.template.name), planned.obj.pk)
            upper_hubs.update({key: planned.obj.pk for key, planned in group.hubs.items()})
    graph.changed()  # the impact graph of the new links, built by the task once the demo commits
    return dict(counts)
