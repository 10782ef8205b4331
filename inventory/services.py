"""Write services of the inventory's records: a record saved together with its relations (a service item's systems,
a link's resources, a resource's data items), the imports that create them in bulk (the DCAT catalog's too), and the
clean-up decisions on zombie candidates. Scope checks, optimistic locking and the change record come from
``core.services``; the relations are checked and audited here."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils.translation import gettext as _

from core import audit, gate
from core.choices import AuditAction
from core.imports import import_rows, import_with_relations, relation_entries
from core.services import object_create, object_save, object_update, related_set, snapshot

from . import choices as c
from .models import DataItem, DataResource, Link, ServiceItem, System, ZombieReview
from .zombies import zombie_candidates


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


# The DCAT catalog import: a plan (inventory.dcat reads and maps the file) committed -------------------------------
@dataclass
class CatalogResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, {self.skipped} skipped"


UPDATE_FIELDS = (
    *("name", "abstract", "format", "sharing_type", "sharing_conditions", "sharing_method", "open_attribute"),
    *("update_cycle", "publication_date", "related_codes", "system", "data_class", "source_identifier"),
    "extra_metadata",
)


@transaction.atomic
def catalog_import(*, actor, unit, plan, valid_only: bool = False) -> CatalogResult:
    """Commit a plan under ``unit``: new datasets are created with their items (audited in batches, indexed for
    search); datasets already in the catalog (the same source identifier or code) are updated in place, each change
    audited, or counted unchanged. All or nothing unless ``valid_only``: then the datasets with problems are skipped
    and the others imported."""
    if not plan.ok and not (valid_only and plan.importable):
        raise ValidationError(_("The file has datasets that cannot be imported; nothing was imported."))
    result = CatalogResult(skipped=plan.blocked)
    good = [report for report in plan.datasets if report.ok]
    rows = [{**report.row, "provider": report.provider or unit} for report in good if report.action == "create"]
    result.created = len(dataresources_import(actor=actor, rows=rows)) if rows else 0
    targets = DataResource.objects.restrict(actor, "change").in_bulk([r.target for r in good if r.action == "update"])
    for report in (r for r in good if r.action == "update"):
        resource = targets.get(report.target)
        if resource is None:
            raise ValidationError(_("The code {code} is no longer yours to change.").format(code=report.code))
        before = snapshot(resource)
        for name in UPDATE_FIELDS:
            setattr(resource, name, report.row[name])
        items = report.row["items"]
        current = list(resource.items.order_by("position", "id").values_list("name", "data_type"))
        if snapshot(resource) == before and current == [(n, str(t)) for n, t in items]:
            result.unchanged += 1
            continue
        dataresource_save(actor=actor, resource=resource, items=items, before=before)
        result.updated += 1
    audit.append(
        audit.Entry(
            action=AuditAction.EVENT,
            actor=actor,
            object_type=DataResource._meta.label_lower,
            unit_path=unit.path,
            event="catalog.dcat_imported",
            changes={"format": plan.format, "unit": unit.code, "valid_only": valid_only, **vars(result)},
        )
    )
    return result


# Clean-up decisions on zombie candidates ----------------------------------------------------------------------
@transaction.atomic
def zombie_review_create(*, actor, system: System, decision: str, reason: str, target_system: System | None = None):
    """Record a clean-up decision on a system: keep (a reason is required), integrate into another system in the
    actor's scope, or retire (the system's status becomes retired). Audited as ``inventory.zombie_reviewed``."""
    visible = System.objects.restrict(actor, "view")
    if not visible.filter(pk=system.pk).exists():
        raise Http404
    reason = (reason or "").strip()
    if decision not in c.ZombieDecision.values:
        raise ValidationError({"decision": _("Choose keep, integrate or retire.")})
    if decision == c.ZombieDecision.KEEP and not reason:
        raise ValidationError({"reason": _("Say why the system is kept although it was flagged.")})
    if decision == c.ZombieDecision.INTEGRATE:
        if target_system is None:
            raise ValidationError({"target_system": _("Choose the system it is integrated into.")})
        if target_system.pk == system.pk:
            raise ValidationError({"target_system": _("A system cannot be integrated into itself.")})
        if not visible.exclude(status=c.SystemStatus.RETIRED).filter(pk=target_system.pk).exists():
            raise ValidationError({"target_system": _("Choose a system in your scope that is not retired.")})
    else:
        target_system = None
    if decision == c.ZombieDecision.RETIRE and not gate.can(actor, "change", system):
        raise ValidationError(_("You may not change this system's status."))
    scope = System.objects.restrict(actor, "view")
    candidate = next((z for z in zombie_candidates(scope) if z.pk == system.pk), None)
    findings = candidate.findings if candidate else []
    if not reason:
        # Integrate and retire may rest on the check's own findings.
        reason = " ".join(f.reason for f in findings) or str(c.ZombieDecision(decision).label)
    review = ZombieReview(
        system=system,
        decision=decision,
        reason=reason,
        target_system=target_system,
        criteria=[f.code for f in findings],
        decided_by=actor,
    )
    object_create(obj=review, actor=actor, event="inventory.zombie_reviewed")
    audit.append(
        audit.Entry(
            action=AuditAction.EVENT,
            actor=actor,
            event="inventory.zombie_reviewed",
            object_type=System._meta.label_lower,
            object_id=str(system.pk),
            object_repr=str(system),
            unit_path=gate.object_path(system),
            changes={
                "decision": decision,
                "target_system": target_system.pk if target_system else None,
                "criteria": {f.code: f.reason for f in findings},
                "reason": reason,
            },
        )
    )
    if decision == c.ZombieDecision.RETIRE and system.status != c.SystemStatus.RETIRED:
        before = snapshot(system)
        system.status = c.SystemStatus.RETIRED
        object_update(obj=system, actor=actor, before=before, event="inventory.zombie_retired")
    return review
