"""Committing a validated import: one transaction, bulk inserts, one audit batch, the search index updated."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.choices import AuditAction
from core.gate import object_path
from core.services import snapshot


def _reload(model, ids: list) -> list:
    """The created objects with the relations that audit (unit path) and search (indexed fields) follow, in a few
    queries rather than one or two per row."""
    from core import search

    related = set()
    if model.scope_path and "__" in model.scope_path:
        related.add(model.scope_path.rsplit("__", 1)[0])
    spec = search.registered().get(model._meta.label_lower)
    if spec is not None:
        related |= set(spec.related())
    objects = []
    for start in range(0, len(ids), 900):
        chunk = model.objects.filter(pk__in=ids[start : start + 900]).select_related(*sorted(related))
        objects.extend(chunk.order_by("pk"))
    return objects


@transaction.atomic
def import_rows(*, model, rows: list[dict], actor, prepare=None) -> list:
    """Create one object per validated row. ``prepare(objs)`` may fill derived fields (paths) before the insert."""
    objects = [model(**row) for row in rows]
    for obj in objects:
        if hasattr(obj, "created_by_id"):
            obj.created_by = obj.updated_by = actor
    if prepare is not None:
        prepare(objects)
    created = model.objects.bulk_create(objects, batch_size=1000)
    ids = [obj.pk for obj in created]
    allowed = 0
    for start in range(0, len(ids), 900):
        allowed += model.objects.restrict(actor, "import").filter(pk__in=ids[start : start + 900]).count()
    if allowed != len(ids):
        raise ValidationError(_("Some rows would create records outside the units you manage."))
    created = _reload(model, ids)
    label = model._meta.label_lower
    audit.append_many(
        [
            audit.Entry(
                action=AuditAction.CREATE,
                actor=actor,
                object_type=label,
                object_id=str(obj.pk),
                object_repr=str(obj),
                unit_path=object_path(obj),
                changes=snapshot(obj),
                event="import",
            )
            for obj in created
        ]
        + [
            audit.Entry(
                action=AuditAction.IMPORT,
                actor=actor,
                object_type=label,
                unit_path=getattr(getattr(actor, "unit", None), "path", ""),
                changes={"rows": len(created)},
            )
        ]
    )
    from core import search

    search.index_many(created)
    return created
