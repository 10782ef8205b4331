"""Committing a validated import: one transaction, bulk inserts, one audit batch, the search index updated.

The rows are written with ``core.bulk.insert`` (keys allocated up front, no per-value SQL compilation) and audited
and indexed from the instances in memory, like a single ``object_create`` does, with the related rows that audit
(unit path) and search (indexed fields) follow loaded in one query per relation (ARCHITECTURE.md, "Import at 10k
rows/s").
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit, bulk, rules, search
from core.bulk import gc_paused
from core.choices import AuditAction
from core.gate import object_path
from core.services import snapshot

IN_CHUNK = 30_000  # keys per IN (...): below SQLite's (32,766 since 3.32) and PostgreSQL's (65,535) limits


def _chunks(values: list) -> list[list]:
    return [values[i : i + IN_CHUNK] for i in range(0, len(values), IN_CHUNK)]


def _followed(model) -> dict[str, set[str]]:
    """The foreign keys audit and search follow from ``model``: first-level name → deeper lookups to join."""
    from core import search

    paths = set()
    if model.scope_path and "__" in model.scope_path:
        paths.add(model.scope_path.rsplit("__", 1)[0])
    spec = search.registered().get(model._meta.label_lower)
    if spec is not None:
        paths |= set(spec.related())
    groups: dict[str, set[str]] = {}
    for path in paths:
        head, _sep, rest = path.partition("__")
        groups.setdefault(head, set())
        if rest:
            groups[head].add(rest)
    return groups


def attach_related(model, objects: list) -> None:
    """Cache on each object the related rows it points to along ``_followed``: one query per relation, however
    many objects (a relation that is not a forward foreign key is left to load on access)."""
    for name, deeper in _followed(model).items():
        field = model._meta.get_field(name)
        if not (field.many_to_one or field.one_to_one) or not field.concrete:
            continue
        target = field.target_field
        keys = sorted({getattr(obj, field.attname) for obj in objects} - {None})
        queryset = field.related_model._base_manager.select_related(*sorted(deeper))
        found = {}
        for chunk in _chunks(keys):
            found.update(
                (getattr(row, target.attname), row) for row in queryset.filter(**{f"{target.name}__in": chunk})
            )
        for obj in objects:
            related = found.get(getattr(obj, field.attname))
            if related is not None:
                field.set_cached_value(obj, related)


def _allowed(model, ids: list, actor) -> int:
    """How many of the new rows ``actor`` may import (scope). Keys allocated in one run are checked as a range: a
    30,000-key IN (...) costs more than the rows' insert on SQLite."""
    allowed = model.objects.restrict(actor, "import")
    if ids and ids == list(range(ids[0], ids[0] + len(ids))):
        return allowed.filter(pk__gte=ids[0], pk__lte=ids[-1]).count()  # every key in the range is one of ours
    return sum(allowed.filter(pk__in=chunk).count() for chunk in _chunks(ids))


def import_rows(*, model, rows: list[dict], actor, prepare=None) -> list:
    """Create one object per validated row. ``prepare(objs)`` may fill derived fields (paths) before the insert."""
    with gc_paused(), transaction.atomic():
        return _import_rows(model, rows, actor, prepare)


def _import_rows(model, rows, actor, prepare) -> list:
    from core import search

    fields = {field.attname for field in model._meta.concrete_fields}
    who = getattr(actor, "pk", None)  # None: the operator's console (a management command), which is not scoped
    stamp = {"created_by_id": who, "updated_by_id": who} if "created_by_id" in fields else {}
    objects = bulk.instances(model, rows, **stamp)
    if prepare is not None:
        prepare(objects)
    attach_related(model, objects)
    texts = search.texts_of(objects)
    pending = search.tokens_later(texts) if texts is not None else None  # segmented meanwhile, on the other core
    try:
        bulk.insert(model, objects)
        if actor is not None and _allowed(model, [obj.pk for obj in objects], actor) != len(objects):
            raise ValidationError(_("Some rows would create records outside the units you manage."))
        label = model._meta.label_lower
        values = [snapshot(obj) for obj in objects]
        audit.append_many(
            [
                audit.object_entry(action=AuditAction.CREATE, obj=obj, actor=actor, changes=changes, event="import")
                for obj, changes in zip(objects, values, strict=True)
            ]
            + [
                audit.Entry(
                    action=AuditAction.IMPORT,
                    actor=actor,
                    object_type=label,
                    unit_path=getattr(getattr(actor, "unit", None), "path", ""),
                    changes={"rows": len(objects)},
                )
            ]
        )
        search.index_many(objects, tokens=pending.result() if pending is not None else None)
        rules.run(model, map(rules.created, objects, values), actor=actor)
    finally:
        if pending is not None:
            pending.close()
    return objects


def relation_entries(objects, field: str, actor) -> list[audit.Entry]:
    """The audit records of many-to-many relations set by an import: one per (object, ids) that sets any."""
    return [
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
        for obj, ids in objects
        if ids
    ]


def import_with_relations(*, model, rows: list[dict], actor, relations: dict[str, str]) -> list:
    """import_rows for the records, then each many-to-many relation (``{field: the through table's target column}``)
    in one insert, and their audit in one batch. Each row carries a relation under ``<field>`` (the codes as written)
    and ``<field>_ids`` (resolved within the actor's scope by ``core.io.checks.resolve_codes``)."""
    targets: dict[str, list] = {field: [] for field in relations}
    for row in rows:
        for field in relations:
            targets[field].append(row.pop(f"{field}_ids", None) or [])
            row.pop(field, None)
    created = import_rows(model=model, rows=rows, actor=actor)
    owner = model._meta.model_name + "_id"
    entries = []
    for field, column in relations.items():
        through = getattr(model, field).through
        through.objects.bulk_create(
            [
                through(**{owner: obj.pk, column: pk})
                for obj, ids in zip(created, targets[field], strict=True)
                for pk in ids
            ],
            batch_size=2000,
        )
        entries += relation_entries(zip(created, targets[field], strict=True), field, actor)
        set_on = [(obj, ids) for obj, ids in zip(created, targets[field], strict=True) if ids]
        rules.run(model, [rules.updated(obj, {field: [[], sorted(ids)]}) for obj, ids in set_on], actor=actor)
    audit.append_many(entries)
    return created


# The "add and update" mode ------------------------------------------------------------------------------------------


def import_update(*, model, rows: list[dict], actor, columns: list, create=None) -> dict[str, list]:
    """Rows matched to a record (``row["pk"]``, by ``core.io.validation.match_existing``) update it, the others are
    created (by ``create(rows)``, ``import_rows`` by default), in one transaction. ``columns`` are the file's: a
    field the file has no column for is left as it is. Returns ``{"created": [...], "updated": [...],
    "unchanged": [...]}``."""
    new = [row for row in rows if "pk" not in row]
    matched = [row for row in rows if "pk" in row]
    with gc_paused(), transaction.atomic():
        created = (create or (lambda rows: import_rows(model=model, rows=rows, actor=actor)))(new) if new else []
        updated, unchanged = update_rows(model=model, rows=matched, actor=actor, columns=columns)
    return {"created": created, "updated": updated, "unchanged": unchanged}


def update_rows(*, model, rows: list[dict], actor, columns: list, event: str = "import") -> tuple[list, list]:
    """Set-based ``object_update`` of many records: each row's values (by attname, its record's key under ``pk``)
    are compared with the record's, read again here and locked; the records that change are written with one
    statement per chunk (their version up by one), checked against the actor's scope, audited with what changed,
    re-indexed (with the entries that read them) and passed to the model's rules, as a form's save would."""
    from django.db import connection

    from core.io.changes import compared_fields, row_changes

    if not rows:
        return [], []
    fields = compared_fields(model, columns)
    by_pk = {row["pk"]: row for row in rows}
    objects = []
    for chunk in _chunks(sorted(by_pk)):
        objects += list(model._base_manager.select_for_update().filter(pk__in=chunk).order_by("pk"))
    if len(objects) != len(by_pk):
        raise ValidationError(_("Some records of the file were deleted meanwhile. Check the file again."))
    changed, unchanged, entries_changes = [], [], []
    for obj in objects:
        before = {field.attname: getattr(obj, field.attname) for field in fields}
        changes = row_changes(fields, before, by_pk[obj.pk])
        if not changes:
            unchanged.append(obj)
            continue
        changed.append(obj)
        entries_changes.append(changes)
    if not changed:
        return [], unchanged
    written = {name for changes in entries_changes for name in changes}
    fields = [field for field in fields if field.name in written]  # the columns no row changes are left alone
    titles = _titles(model, changed)
    for obj in changed:
        for field in fields:
            setattr(obj, field.attname, by_pk[obj.pk].get(field.attname))
    attach_related(model, changed)
    indexed = _reindexed(model, changed, entries_changes, titles)
    texts = search.texts_of(indexed) if indexed else None
    pending = search.tokens_later(texts) if texts is not None else None  # segmented meanwhile, on the other core
    try:
        _write(model, changed, fields, actor, connection)
        ids = [obj.pk for obj in changed]
        allowed = sum(model.objects.restrict(actor, "change").filter(pk__in=chunk).count() for chunk in _chunks(ids))
        if allowed != len(ids):
            raise ValidationError(_("You may not place these records outside the units you manage."))
        audit.append_many(
            [
                audit.object_entry(action=AuditAction.UPDATE, obj=obj, actor=actor, changes=changes, event=event)
                for obj, changes in zip(changed, entries_changes, strict=True)
            ]
        )
        if indexed:
            search.index_many(indexed, tokens=pending.result() if pending is not None else None)
        _index_dependants(model, changed, entries_changes)
        rules.run(model, map(rules.updated, changed, entries_changes), actor=actor)
    finally:
        if pending is not None:
            pending.close()
    return changed, unchanged


def _write(model, objects: list, fields: list, actor, connection) -> None:
    from django.utils import timezone

    now = timezone.now()
    names = {field.attname for field in model._meta.concrete_fields}
    stamps = [name for name in ("updated_by_id", "updated_at") if name in names]
    written = fields + [model._meta.get_field(name.removesuffix("_id")) for name in stamps]
    for obj in objects:
        if "updated_by_id" in names:
            obj.updated_by_id = getattr(actor, "pk", None)
        if "updated_at" in names:
            obj.updated_at = now
        if "version" in names:
            obj.version += 1
    bulk.update_rows(
        model,
        [field.column for field in written],
        (
            [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in written] + [obj.pk]
            for obj in objects
        ),
        increment=["version"] if "version" in names else [],
    )


def _titles(model, objects: list) -> list[str] | None:
    spec = search.registered().get(model._meta.label_lower)
    return None if spec is None else [spec.title_of(obj) for obj in objects]


def _reindexed(model, objects: list, changes: list[dict], titles: list[str] | None) -> list:
    """The records whose search entry changes: its indexed text, unit or title (an entry rewritten for nothing
    costs as much as a new one: SQLite's full-text index deletes and adds its words again)."""
    spec = search.registered().get(model._meta.label_lower)
    if spec is None or titles is None:
        return []
    read = {lookup[0] for lookup in spec.reads}
    return [
        obj
        for obj, changed, title in zip(objects, changes, titles, strict=True)
        if read.intersection(changed) or spec.title_of(obj) != title
    ]


def _index_dependants(model, objects: list, changes: list[dict]) -> None:
    """The entries of the records that read the changed fields through a foreign key (what
    ``search.index_dependants`` does for one record, for the whole batch)."""
    from django.db.models import Q

    changed = set().union(*changes)
    for spec in search.registered().values():
        lookups = [lookup for lookup, read in spec.through(model).items() if read & changed]
        if not lookups:
            continue
        ids = [obj.pk for obj in objects]
        for chunk in _chunks(ids):
            match = Q()
            for lookup in lookups:
                match |= Q(**{f"{lookup}__in": chunk})
            dependants = spec.model._base_manager.filter(match).select_related(*spec.related()).order_by("pk")
            search.index_many(list(dependants))
