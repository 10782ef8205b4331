"""Organisation-tree services: creating a unit assigns its materialised path; moving a subtree rewrites the paths of
the whole subtree in one UPDATE, audited as one event."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext as _

from core import audit, gate
from core.choices import ALLOWED_PARENTS, AuditAction, UnitKind
from core.models import SearchEntry, Unit
from core.services import object_create, object_update, snapshot
from core.tree import STEPLEN, segment, segment_number, subtree_q


def next_child_path(parent: Unit | None) -> str:
    prefix = parent.path if parent else ""
    siblings = Unit.objects.filter(parent=parent) if parent else Unit.objects.filter(parent__isnull=True)
    last = siblings.annotate(n=Length("path")).filter(n=len(prefix) + STEPLEN).order_by("-path").first()
    number = segment_number(last.path[-STEPLEN:]) + 1 if last else 1
    return prefix + segment(number)


def validate_placement(kind: str, parent: Unit | None) -> None:
    allowed = ALLOWED_PARENTS[kind]
    parent_kind = parent.kind if parent else None
    if parent_kind not in allowed:
        if parent is None:
            message = _("A {kind} must sit under a parent unit.").format(kind=UnitKind(kind).label)
        else:
            message = _("A {kind} cannot sit under a {parent}.").format(
                kind=UnitKind(kind).label, parent=UnitKind(parent_kind).label
            )
        raise ValidationError({"parent": message})


@transaction.atomic
def unit_create(*, actor, kind: str, name: str, code: str, parent: Unit | None = None, **fields) -> Unit:
    validate_placement(kind, parent)
    if parent is not None:
        Unit.objects.select_for_update().filter(pk=parent.pk).first()  # serialise sibling numbering
    unit = Unit(kind=kind, name=name, code=code, parent=parent, **fields)
    unit.path = next_child_path(parent)
    unit.depth = len(unit.path) // STEPLEN
    return object_create(obj=unit, actor=actor)


@transaction.atomic
def unit_update(*, actor, unit: Unit, before: dict, expected_version: int | None = None) -> Unit:
    """Save field changes; a change of parent is a move and goes through ``unit_move``."""
    validate_placement(unit.kind, unit.parent)
    return object_update(obj=unit, actor=actor, before=before, expected_version=expected_version)


@transaction.atomic
def unit_move(*, actor, unit: Unit, new_parent: Unit | None) -> Unit:
    """Move ``unit`` and its whole subtree under ``new_parent``."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not gate.can(actor, "change", unit):
        raise ValidationError(_("You may not move this unit."))
    if new_parent is not None:
        if new_parent.path.startswith(unit.path):
            raise ValidationError({"parent": _("A unit cannot be moved under itself or its own subordinate units.")})
        if not gate.can(actor, "add", new_parent):
            raise ValidationError({"parent": _("You may not move units under the selected parent.")})
    validate_placement(unit.kind, new_parent)
    before = snapshot(unit)
    old_path = unit.path
    new_path = next_child_path(new_parent)
    depth_delta = (len(new_path) - len(old_path)) // STEPLEN
    moved = Unit.objects.filter(subtree_q("path", old_path)).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), depth=F("depth") + depth_delta
    )
    Unit.objects.filter(pk=unit.pk).update(parent=new_parent, version=F("version") + 1, updated_by=actor)
    SearchEntry.objects.filter(subtree_q("unit_path", old_path)).update(
        unit_path=Concat(Value(new_path), Substr("unit_path", len(old_path) + 1))
    )
    unit.refresh_from_db()
    if not gate.can(actor, "change", unit):
        raise ValidationError(_("You may not place this record outside the units you manage."))
    audit.record_object(
        action=AuditAction.UPDATE,
        obj=unit,
        actor=actor,
        event="unit.moved",
        changes={**{"parent": [before["parent"], unit.parent_id]}, "path": [old_path, new_path], "units_moved": moved},
    )
    return unit
