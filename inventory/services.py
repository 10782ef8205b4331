"""Write services of the inventory's records: a record saved together with its relations (a service item's systems,
a link's resources, a resource's data items), and the imports that create them in bulk. Scope checks, optimistic
locking and the change record come from ``core.services``; the relations are checked and audited here."""

from django.db import transaction
from django.db.models import Max

from core import audit
from core.choices import AuditAction
from core.imports import import_rows, import_with_relations, relation_entries
from core.services import object_save, related_set

from . import choices as c
from .models import DataItem, DataResource, Link, ServiceItem


@transaction.atomic
def serviceitem_save(*, actor, item: ServiceItem, systems=None, before=None, expected_version=None) -> ServiceItem:
    """Create (``before`` None) or update a public service item; ``systems`` None leaves its systems as they are."""
    item = object_save(obj=item, actor=actor, before=before, expected_version=expected_version)
    if systems is not None:
        related_set(obj=item, field="systems", targets=systems, actor=actor)
    return item


@transaction.atomic
def link_save(*, actor, link: Link, resources=None, before=None, expected_version=None) -> Link:
    """Create or update a link between two systems; ``resources`` None leaves the carried resources as they are."""
    link = object_save(obj=link, actor=actor, before=before, expected_version=expected_version)
    if resources is not None:
        related_set(obj=link, field="resources", targets=resources, actor=actor)
    return link


def _item_labels(items) -> list[str]:
    return [f"{name}:{data_type}" for name, data_type in items]


@transaction.atomic
def dataresource_save(
    *, actor, resource: DataResource, items: list[tuple[str, str]] | None = None, before=None, expected_version=None
) -> DataResource:
    """Create or update a catalog entry and its data items (信息项) together. The class (类) always follows the kind
    (2017 guide: 1 basic, 2 thematic, 3 departmental); the model's clean() checks the other catalog rules.
    ``items`` is the complete list in order; None leaves the items as they are."""
    resource.class_code = c.CATALOG_CLASS_DIGIT.get(resource.kind, resource.class_code)
    resource = object_save(obj=resource, actor=actor, before=before, expected_version=expected_version)
    if items is None:
        return resource
    current = list(resource.items.order_by("position", "id").values_list("name", "data_type"))
    wanted = [(name, str(data_type)) for name, data_type in items]
    if current != wanted:
        # Items have no identity of their own outside their resource, so the list is replaced as a whole.
        resource.items.all().delete()
        DataItem.objects.bulk_create(
            DataItem(resource=resource, name=name, data_type=data_type, position=index)
            for index, (name, data_type) in enumerate(wanted, start=1)
        )
        audit.record_object(
            action=AuditAction.UPDATE,
            obj=resource,
            actor=actor,
            changes={"items": [_item_labels(current), _item_labels(wanted)]},
            event="items_set",
        )
    return resource


def next_resource_code(classification: str) -> str:
    """The classification's next free code (classification/6-digit sequence). Codes are unique across the whole
    catalog, so the highest sequence is read from every entry of the classification, not only the visible ones; only
    that number is used, nothing of the entries is shown."""
    prefix = f"{classification}/"
    last = DataResource.objects.filter(code__startswith=prefix).aggregate(last=Max("code"))["last"]
    sequence = int(last.rsplit("/", 1)[1]) + 1 if last and last.rsplit("/", 1)[1].isdigit() else 1
    return f"{prefix}{sequence:06d}"


# Imports: the rows come validated from the schemas (relations resolved within the user's scope). ---------------


@transaction.atomic
def serviceitems_import(*, actor, rows: list[dict]) -> list[ServiceItem]:
    return import_with_relations(model=ServiceItem, rows=rows, actor=actor, relations={"systems": "system_id"})


@transaction.atomic
def links_import(*, actor, rows: list[dict]) -> list[Link]:
    return import_with_relations(model=Link, rows=rows, actor=actor, relations={"resources": "dataresource_id"})


@transaction.atomic
def dataresources_import(*, actor, rows: list[dict]) -> list[DataResource]:
    """Resources through import_rows (one insert, one audit batch), then all their items in one insert and one
    audit batch naming each resource's items."""
    items = [row.pop("items", None) or [] for row in rows]
    created = import_rows(model=DataResource, rows=rows, actor=actor)
    DataItem.objects.bulk_create(
        [
            DataItem(resource_id=obj.pk, name=name, data_type=data_type, position=index)
            for obj, its in zip(created, items, strict=True)
            for index, (name, data_type) in enumerate(its, start=1)
        ],
        batch_size=2000,
    )
    labelled = [(obj, _item_labels(its)) for obj, its in zip(created, items, strict=True)]
    audit.append_many(relation_entries(labelled, "items", actor))
    return created
