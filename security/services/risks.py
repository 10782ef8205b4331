"""Write services of the risk register: a risk saved together with the systems and data resources it concerns, and
the import that creates many at once.

Scope checks, optimistic locking and the change record come from ``core.services``; the relations are checked
against the actor's scope and audited by the inventory's ``_set_related`` (a target outside scope is a field error,
related records the actor cannot see stay as they are), exactly as a service item's systems are.
"""

from django.db import transaction

from core import audit
from core.choices import AuditAction
from core.gate import object_path
from core.imports import import_rows
from core.services import object_create, object_update
from inventory.services import _set_related

from ..models import Risk

RELATIONS = (("systems", "system_id"), ("data_resources", "dataresource_id"))


@transaction.atomic
def risk_save(*, actor, risk: Risk, systems=None, data_resources=None, before=None, expected_version=None) -> Risk:
    """Create (``before`` None) or update a risk; a relation given as None is left as it is."""
    if before is None:
        risk = object_create(obj=risk, actor=actor)
    else:
        risk = object_update(obj=risk, actor=actor, before=before, expected_version=expected_version)
    for field, targets in (("systems", systems), ("data_resources", data_resources)):
        if targets is not None:
            _set_related(obj=risk, field=field, targets=targets, actor=actor)
    return risk


@transaction.atomic
def risks_import(*, actor, rows: list[dict]) -> list[Risk]:
    """The risks through import_rows (one insert, one audit batch), then both relations in one insert each and their
    audit in one batch. Each row carries ``systems_ids`` and ``data_resources_ids``, resolved within the actor's
    scope by ``inventory.schemas.resolve_codes``."""
    targets = {field: [] for field, _column in RELATIONS}
    for row in rows:
        for field, _column in RELATIONS:
            targets[field].append(row.pop(f"{field}_ids", None) or [])
            row.pop(field, None)
    created = import_rows(model=Risk, rows=rows, actor=actor)
    entries = []
    for field, column in RELATIONS:
        through = getattr(Risk, field).through
        through.objects.bulk_create(
            [
                through(risk_id=obj.pk, **{column: pk})
                for obj, ids in zip(created, targets[field], strict=True)
                for pk in ids
            ],
            batch_size=2000,
        )
        entries += [
            audit.Entry(
                action=AuditAction.UPDATE,
                actor=actor,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                object_repr=str(obj),
                unit_path=object_path(obj),
                changes={field: [[], ids]},
                event=f"{field}_set",
            )
            for obj, ids in zip(created, targets[field], strict=True)
            if ids
        ]
    audit.append_many(entries)
    return created
