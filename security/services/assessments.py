"""Write services of MLPS assessments, self-inspections and crypto assessments.

Every write goes through ``core.services`` (scope checks, optimistic locking, the change record). Around it:
- the report file is attached through ``core.files`` (type, size and SM3 digest checked, audited);
- after an assessment or self-inspection is created, changed or deleted, the system's grading recomputes its next
  assessment and self-inspection due (公通字[2007]43号 art. 14, DOMAIN.md §3) — ``schedule.refresh_system``;
- a crypto assessment (GB/T 39786-2021) is saved with its item results a–h in one transaction, its next due date
  computed by ``schedule.crypto_next_due``.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from core import audit, files
from core.choices import AuditAction
from core.imports import import_rows
from core.services import object_delete, object_save
from inventory.models import System

from .. import crypto
from ..choices import Conclusion, ItemStatus, Requirement
from ..models import Assessment, CryptoAssessment, CryptoItemResult, Grading
from . import schedule

REPORT = "report"


# Levels ------------------------------------------------------------------------------------------------------------


def mlps_level_of(system) -> int | None:
    """The system's MLPS level: its grading's level when it has one, else the level recorded on the system."""
    if system is None:
        return None
    graded = Grading.objects.filter(system=system).values_list("level", flat=True).first()
    return graded or system.mlps_level


def default_crypto_level(system) -> int | None:
    """The crypto level aligned with the MLPS level (GB/T 39786-2021: four levels, aligned with MLPS)."""
    return crypto.crypto_level(mlps_level_of(system))


# Shared ------------------------------------------------------------------------------------------------------------


def _attach_report(obj, report, actor) -> None:
    if report is not None:
        files.attach(report, owner=obj, actor=actor, kind=REPORT)


def _delete_attachments(obj, actor) -> None:
    """Remove a deleted record's files with it; their names and SM3 digests stay in the audit log. The files leave
    the disk only once the deletion is committed."""
    removed = []
    for attachment in files.attachments_of(obj):
        removed.append({"name": attachment.name, "sm3": attachment.sm3})
        stored = attachment.file
        attachment.delete()
        transaction.on_commit(lambda stored=stored: stored.delete(save=False))
    if removed:
        audit.record_object(
            action=AuditAction.DELETE, obj=obj, actor=actor, changes={"files": removed}, event="files_removed"
        )


def _refresh(*systems, actor=None) -> None:
    for system in {s.pk: s for s in systems if s is not None}.values():
        schedule.refresh_system(system, actor=actor)


# MLPS assessments and self-inspections ---------------------------------------------------------------------------


@transaction.atomic
def assessment_save(
    *, actor, assessment: Assessment, report=None, before: dict | None = None, expected_version: int | None = None
) -> Assessment:
    """Create (``before`` None) or update an assessment or self-inspection, attach its report if given, and move
    the grading's next assessment / self-inspection due."""
    previous_system = None
    if before is not None and before.get("system") != assessment.system_id:
        previous_system = System.objects.filter(pk=before.get("system")).first()
    if not assessment.level and assessment.system_id:
        assessment.level = mlps_level_of(assessment.system)
    assessment = object_save(obj=assessment, actor=actor, before=before, expected_version=expected_version)
    _attach_report(assessment, report, actor)
    _refresh(assessment.system, previous_system, actor=actor)
    return assessment


@transaction.atomic
def assessment_delete(*, actor, assessment: Assessment) -> None:
    system = assessment.system
    object_delete(obj=assessment, actor=actor)
    _delete_attachments(assessment, actor)
    _refresh(system, actor=actor)


@transaction.atomic
def assessments_import(*, actor, rows: list[dict]) -> list[Assessment]:
    created = import_rows(model=Assessment, rows=rows, actor=actor)
    _refresh(*[obj.system for obj in created], actor=actor)  # reloaded with their systems
    return created


# Crypto assessments ------------------------------------------------------------------------------------------------


def _item_rows(level: int, items: dict | None, current: dict) -> list[tuple[str, str, str, str]]:
    """(item, requirement, status, note) for a–h: the requirement is the one ``level`` asks (GB/T 39786-2021)."""
    rows = []
    for code in crypto.ITEMS:
        given = (items or {}).get(code)
        if given is None:
            status, note = current.get(code, (ItemStatus.NOT_ASSESSED, ""))
        else:
            status, note = given.get("status") or ItemStatus.NOT_ASSESSED, given.get("note") or ""
        if status not in ItemStatus.values:
            raise ValidationError({"items": _("“{status}” is not an item status.").format(status=status)})
        rows.append((code, str(crypto.requirement(level, code)), str(status), note[:200]))
    return rows


def _set_items(assessment: CryptoAssessment, items: dict | None, actor) -> None:
    existing = {row.item: row for row in assessment.items.all()}
    current = {code: (row.status, row.note) for code, row in existing.items()}
    before = sorted((r.item, r.requirement, r.status, r.note) for r in existing.values())
    wanted = _item_rows(assessment.level, items, current)
    if before == wanted:
        return
    assessment.items.all().delete()
    CryptoItemResult.objects.bulk_create(
        CryptoItemResult(assessment=assessment, item=item, requirement=req, status=status, note=note)
        for item, req, status, note in wanted
    )
    audit.record_object(
        action=AuditAction.UPDATE,
        obj=assessment,
        actor=actor,
        changes={"items": [[list(row) for row in before], [list(row) for row in wanted]]},
        event="crypto_items_set",
    )


@transaction.atomic
def cryptoassessment_save(
    *,
    actor,
    assessment: CryptoAssessment,
    items: dict | None = None,
    report=None,
    before: dict | None = None,
    expected_version: int | None = None,
) -> CryptoAssessment:
    """Create or update a crypto assessment with its item results: ``items`` maps a–h to {"status", "note"}; items
    left out keep their status (new assessments: not assessed). The level defaults to the one aligned with the
    system's MLPS level; the next due date follows (before going live, then yearly for important systems)."""
    if not assessment.level and assessment.system_id:
        assessment.level = default_crypto_level(assessment.system)
        if not assessment.level:
            raise ValidationError(
                {"level": _("The system has no MLPS level yet: choose the crypto level of this assessment.")}
            )
    if assessment.assessed_on and assessment.system_id and assessment.level:
        assessment.next_due = schedule.crypto_next_due(assessment)
    assessment = object_save(obj=assessment, actor=actor, before=before, expected_version=expected_version)
    _set_items(assessment, items, actor)
    _attach_report(assessment, report, actor)
    return assessment


@transaction.atomic
def cryptoassessment_delete(*, actor, assessment: CryptoAssessment) -> None:
    object_delete(obj=assessment, actor=actor)
    _delete_attachments(assessment, actor)


ITEM_KEYS = [f"item_{code}" for code in crypto.ITEMS]


@transaction.atomic
def cryptoassessments_import(*, actor, rows: list[dict]) -> list[CryptoAssessment]:
    """Rows from the import schema: the assessment's fields plus ``item_a``…``item_h`` statuses. Next due dates are
    computed before the insert, so the audit record holds them; the item results follow in one insert."""
    statuses = [{key[-1]: row.pop(key, None) or ItemStatus.NOT_ASSESSED for key in ITEM_KEYS} for row in rows]

    def prepare(objects):
        ids = {obj.system_id for obj in objects}
        systems = System.objects.filter(pk__in=ids).select_related("owner_unit").in_bulk()
        policies = {}
        for obj in objects:
            obj.system = systems[obj.system_id]
            path = obj.system.owner_unit.path
            if path not in policies:
                policies[path] = schedule.policy_for_system(obj.system)
            obj.next_due = schedule.crypto_next_due(obj, policy=policies[path])

    created = import_rows(model=CryptoAssessment, rows=rows, actor=actor, prepare=prepare)
    results = [
        CryptoItemResult(
            assessment=obj, item=code, requirement=crypto.requirement(obj.level, code), status=status[code]
        )
        for obj, status in zip(created, statuses, strict=True)
        for code in crypto.ITEMS
    ]
    CryptoItemResult.objects.bulk_create(results, batch_size=1000)
    audit.append_many(
        audit.Entry(
            action=AuditAction.UPDATE,
            actor=actor,
            object_type=CryptoAssessment._meta.label_lower,
            object_id=str(obj.pk),
            object_repr=str(obj),
            unit_path=obj.system.owner_unit.path,
            changes={"items": {code: status[code] for code in crypto.ITEMS}},
            event="crypto_items_set",
        )
        for obj, status in zip(created, statuses, strict=True)
    )
    return created


# Reading results ---------------------------------------------------------------------------------------------------


def shall_met(results, level: int | None = None) -> tuple[int, int]:
    """(met, asked) over the 应 (shall) items of an assessment's results — as asked at the time, or at ``level`` when
    given (the system's crypto level today). An item marked not applicable is not asked; only a compliant item meets
    a "shall" (partly compliant does not)."""

    def shall(result) -> bool:
        if level in crypto.LEVELS:
            return crypto.requirement(level, result.item) == Requirement.SHALL
        return result.requirement == Requirement.SHALL

    asked = [r for r in results if shall(r) and r.status != ItemStatus.NOT_APPLICABLE]
    return sum(1 for r in asked if r.status == ItemStatus.COMPLIANT), len(asked)


def crypto_status_systems(user):
    """Systems in the user's scope with an MLPS level or a crypto assessment they can see, each annotated with its
    MLPS level and its latest visible crypto assessment (id, next due, conclusion): one query, any number of rows."""
    latest = (
        CryptoAssessment.objects.restrict(user, "view").filter(system=OuterRef("pk")).order_by("-assessed_on", "-pk")
    )
    return (
        System.objects.restrict(user, "view")
        .select_related("owner_unit")
        .annotate(
            mlps=Coalesce("grading__level", "mlps_level"),
            latest_crypto=Subquery(latest.values("pk")[:1]),
            latest_due=Subquery(latest.values("next_due")[:1]),
            latest_conclusion=Subquery(latest.values("conclusion")[:1]),
        )
        .filter(Q(mlps__isnull=False) | Q(latest_crypto__isnull=False))
    )


def needing_attention(systems, today):
    """Never assessed at level 3 or above (assess before going live), overdue, or failed the last assessment."""
    return systems.filter(
        Q(latest_crypto__isnull=True, mlps__gte=3) | Q(latest_due__lt=today) | Q(latest_conclusion=Conclusion.FAIL)
    )
