"""Generic write services: every page, API call and command that creates, changes or deletes a plain record calls
these, so scope checks, optimistic locking and the audit trail live in one place."""

import datetime as dt
import functools
from collections.abc import Callable
from decimal import Decimal
from operator import attrgetter

from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.http import Http404
from django.utils.translation import gettext as _

from core import audit, gate, rules, search
from core.choices import AuditAction


class ConflictError(Exception):
    """The object changed since the user loaded it (optimistic locking)."""


def conflict() -> ConflictError:
    return ConflictError(
        _("Someone else changed this record after you opened it. Reload it to see their changes, then edit again.")
    )


_TEXT_TYPES = (models.DateField, models.DecimalField)  # DateTimeField is a DateField


@functools.cache
def _audited(model) -> tuple[tuple[str, ...], Callable, tuple[int, ...]]:
    """(names, getter of their values, positions of dates, times and decimals) of ``model``'s audited fields —
    worked out once per model: an import snapshots 100,000 objects."""
    exclude = set(getattr(model, "audit_exclude", ()))
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and f.name not in exclude]
    get = attrgetter(*(f.attname for f in fields)) if fields else (lambda obj: ())
    if len(fields) == 1:
        get = (lambda one: lambda obj: (one(obj),))(get)
    textual = tuple(
        i for i, f in enumerate(fields) if isinstance(f, _TEXT_TYPES) and not isinstance(f, models.ForeignKey)
    )
    return tuple(f.name for f in fields), get, textual


def snapshot(obj) -> dict:
    """Audited field values of ``obj`` (concrete, editable fields minus the model's ``audit_exclude``): foreign keys
    as their key, dates, times and decimals as text."""
    names, get, textual = _audited(type(obj))
    values = get(obj)
    if textual:
        values = list(values)
        for i in textual:
            if isinstance(values[i], dt.date | Decimal):
                values[i] = str(values[i])
    return dict(zip(names, values, strict=True))


def diff(before: dict, after: dict) -> dict:
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def check_foreign_keys(*, obj, user) -> None:
    """Every foreign key the user writes must point at an object they can see; otherwise a field error.

    ``user`` None means the operator's console (management commands), which is not scoped."""
    if user is None:
        return
    errors = {}
    for field in obj._meta.concrete_fields:
        if not isinstance(field, models.ForeignKey) or not field.editable:
            continue
        target_id = getattr(obj, field.attname)
        if target_id is None:
            continue
        related = field.related_model
        if not hasattr(related.objects, "restrict"):
            continue
        if not related.objects.restrict(user, "view").filter(pk=target_id).exists():
            errors[field.name] = _("Select a valid choice. That choice is not one of the available choices.")
    if errors:
        raise ValidationError(errors)


def ensure_in_scope(*, obj, user, action: str) -> None:
    """Re-read through the gate inside the transaction; roll back if the user could not see the result."""
    if user is None:
        return
    if not type(obj).objects.restrict(user, action).filter(pk=obj.pk).exists():
        raise ValidationError(_("You may not place this record outside the units you manage."))


@transaction.atomic
def object_create(*, obj, actor, event: str = ""):
    check_foreign_keys(obj=obj, user=actor)
    obj.full_clean()
    if hasattr(obj, "created_by_id"):
        obj.created_by = obj.updated_by = actor
    obj.save()
    ensure_in_scope(obj=obj, user=actor, action="add")
    values = snapshot(obj)
    audit.record_object(action=AuditAction.CREATE, obj=obj, actor=actor, changes=values, event=event)
    search.index_object(obj)
    rules.run(type(obj), [rules.created(obj, values)], actor=actor)
    return obj


@transaction.atomic
def object_update(*, obj, actor, before: dict, expected_version: int | None = None, event: str = ""):
    """Save ``obj`` (already carrying the new values) if nobody else changed it since ``expected_version``."""
    model = type(obj)
    check_foreign_keys(obj=obj, user=actor)
    obj.full_clean()
    after = snapshot(obj)
    changes = diff(before, after)
    version = expected_version if expected_version is not None else obj.version
    fields = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if not f.primary_key}
    fields["version"] = version + 1
    if hasattr(obj, "updated_by_id"):
        fields["updated_by_id"] = actor.pk if actor else None
    if "updated_at" in fields:
        from django.utils import timezone

        fields["updated_at"] = timezone.now()
    updated = model._base_manager.filter(pk=obj.pk, version=version).update(**fields)
    if not updated:
        raise conflict()
    obj.version = version + 1
    ensure_in_scope(obj=obj, user=actor, action="change")
    if changes:
        audit.record_object(action=AuditAction.UPDATE, obj=obj, actor=actor, changes=changes, event=event)
        search.index_object(obj)
        search.index_dependants(obj, changes)  # a moved or renamed system: its findings' entries follow
        rules.run(model, [rules.updated(obj, changes)], actor=actor)
    return obj


def require(actor, action: str, obj) -> None:
    """A workflow step: the actor may ``action`` this object (``None`` is the operator's console); otherwise, as
    everywhere, it does not exist."""
    if actor is not None and not gate.can(actor, action, obj):
        raise Http404


def transition(obj, *, actor, event: str, expected_version=None, note: dict | None = None, **fields):
    """A workflow step's write: set ``fields`` (states, dates, who did it) if nobody changed ``obj`` since
    ``expected_version``, and audit the named ``event`` with what changed and the step's ``note``. The caller has
    checked the permission (``require``) and the state."""
    from django.utils import timezone

    before = snapshot(obj)
    for name, value in fields.items():
        setattr(obj, name, value)
    version = expected_version if expected_version is not None else obj.version
    updated = (
        type(obj)
        ._base_manager.filter(pk=obj.pk, version=version)
        .update(**fields, version=version + 1, updated_by_id=getattr(actor, "pk", None), updated_at=timezone.now())
    )
    if not updated:
        raise conflict()
    obj.version = version + 1
    changes = diff(before, snapshot(obj))
    search.index_dependants(obj, changes)
    rules.run(type(obj), [rules.updated(obj, changes)], actor=actor)
    changes.update(note or {})
    audit.record_object(action=AuditAction.EVENT, obj=obj, actor=actor, changes=changes, event=event)
    return obj


def version_hold(*, obj, version: int) -> None:
    """Hold ``obj`` at ``version`` until the transaction ends, or ``ConflictError``: a delete's optimistic lock. The
    UPDATE changes nothing but takes the row's lock (PostgreSQL) or the database's write lock (SQLite), so a change
    committed since the record was read is seen here instead of being deleted unseen."""
    if not type(obj)._base_manager.filter(pk=obj.pk, version=version).update(version=version):
        raise conflict()


def object_delete(*, obj, actor, event: str = "") -> None:
    objects_delete(model=type(obj), objects=[obj], actor=actor, event=event)


def _delete_rows(model, objects: list, keys: list) -> dict[str, int]:
    """Delete the rows and their cascade: set-based (``core.deletion``) where the models allow it, else (or when a
    protected record may block it) by Django's ``Collector``, which names what blocks it. Rows deleted per model."""
    from core import deletion

    using = router.db_for_write(model)
    try:
        with transaction.atomic(using):
            found = deletion.plan(model, deletion.keys_queryset(model, keys, using))
            search.remove_planned(found.deletes)
            return deletion.execute(found, using)
    except (deletion.Unsupported, deletion.Blocked):
        pass
    collector = Collector(using=using, origin=objects[0] if len(objects) == 1 else None)
    try:
        collector.collect(objects)
    except (ProtectedError, RestrictedError) as exc:
        raise _blocked(exc) from exc
    search.remove_collected(collector)
    _count, deleted = collector.delete()
    for obj, pk in zip(objects, keys, strict=True):
        obj.pk = pk  # the instances keep their keys, for the caller's messages and links
    return deleted


def _blocked(exc) -> ValidationError:
    found = getattr(exc, "protected_objects", None) or exc.restricted_objects
    blockers = sorted({str(o._meta.verbose_name) for o in found})
    return ValidationError(
        _("This record cannot be deleted while other records depend on it: {blockers}.").format(
            blockers="、".join(blockers)
        )
    )


@transaction.atomic
def objects_delete(*, model, objects, actor, event: str = "") -> int:
    """Delete ``objects`` (instances of ``model``) and what their deletion cascades to, all or nothing, set-based
    (docs/decisions/0011-set-based-delete.md): the scope checked on the rows' unit paths (read in one query per
    relation), the rules run once for the batch, the cascade and the search entries deleted by a fixed number of
    statements (``core.deletion``), one audit record per row and, for more than one row, one record of the whole
    delete, appended in one batch. What may be deleted is what ``delete`` allows (out of scope: 404) and what no
    protected record depends on."""
    from core.imports import attach_related

    objects = list(objects)
    if not objects:
        return 0
    attach_related(model, objects)  # the unit paths the gate and the audit read, and the names
    if actor is not None and not all(gate.can(actor, "delete", obj) for obj in objects):
        raise Http404
    before = [snapshot(obj) for obj in objects]
    rules.run(model, map(rules.deleted, objects, before), actor=actor)
    keys = [obj.pk for obj in objects]
    deleted = _delete_rows(model, objects, keys)
    label = model._meta.label_lower
    entries = [
        audit.object_entry(action=AuditAction.DELETE, obj=obj, actor=actor, changes=values, event=event)
        for obj, values in zip(objects, before, strict=True)
    ]
    if len(objects) > 1:
        entries.append(
            audit.Entry(
                action=AuditAction.EVENT,
                actor=actor,
                object_type=label,
                unit_path=getattr(getattr(actor, "unit", None), "path", ""),
                event="bulk_delete",
                changes={"rows": len(objects), "deleted": dict(sorted(deleted.items()))},
            )
        )
    audit.append_many(entries)
    return len(objects)


def object_save(*, obj, actor, before: dict | None = None, expected_version: int | None = None):
    """Create ``obj`` (``before`` None) or update it from ``before``: what a form or an API call that may do either
    calls."""
    if before is None:
        return object_create(obj=obj, actor=actor)
    return object_update(obj=obj, actor=actor, before=before, expected_version=expected_version)


def related_set(*, obj, field: str, targets, actor) -> None:
    """Replace the part of a many-to-many relation the actor can see. Every target must be visible to them (a key
    outside scope is a field error, as for foreign keys); related records they cannot see stay, because they could
    neither have chosen nor removed them. A change is audited with the ids before and after."""
    manager = getattr(obj, field)
    model = manager.model
    chosen = {getattr(target, "pk", target) for target in targets}
    current = set(manager.values_list("pk", flat=True))
    hidden = set()
    if actor is not None:
        if chosen and model.objects.restrict(actor, "view").filter(pk__in=chosen).count() != len(chosen):
            raise ValidationError({field: _("Select a valid choice. That choice is not one of the available choices.")})
        hidden = current - set(
            model.objects.restrict(actor, "view").filter(pk__in=current).values_list("pk", flat=True)
        )
    wanted = chosen | hidden
    if wanted != current:
        manager.set(wanted)
        rules.run(type(obj), [rules.updated(obj, {field: [sorted(current), sorted(wanted)]})], actor=actor)
        audit.record_object(
            action=AuditAction.UPDATE,
            obj=obj,
            actor=actor,
            changes={field: [sorted(current), sorted(wanted)]},
            event=f"{field}_set",
        )
