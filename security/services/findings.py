"""Write services of findings and rectification (问题与整改, issue 4).

The workflow::

    open --rectify (change; rectification text, evidence files)--> fixed
    fixed --verify (action "verify"; someone other than who fixed it)--> verified
    fixed --reject (action "verify"; someone other than who fixed it; a note)--> open

Each step checks its permission on the finding (404 otherwise), refuses a wrong state or the fixer verifying their own
work with a message, is written with optimistic locking and audited as a named event ("finding.rectify", …).

The deadline follows the severity by the government's SecurityPolicy (``security.deadlines.finding_deadline``:
working days by default, provisional while the calendar year is not loaded) unless it is set by hand.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, files, gate, rules, search
from core.choices import AuditAction
from core.imports import import_rows
from core.notify import notify
from core.services import (
    conflict,
    diff,
    object_create,
    object_delete,
    object_update,
    require,
    snapshot,
    transition,
)

from .. import deadlines
from ..choices import FindingStatus
from ..models import Finding, ScannerMapping
from . import schedule
from .grading import PolicyBook

EVIDENCE = "evidence"
S = FindingStatus


# Escalation --------------------------------------------------------------------------------------------------------
@transaction.atomic
def findings_escalated(*, escalated: dict, actor=None) -> None:
    """Record that open findings past their deadline were escalated (``escalated``: finding → the CIOs notified, as
    ``security.escalation`` found them): ``escalated_at`` set in one statement and the event "finding.escalate"
    audited for each in one batch."""
    if not escalated:
        return
    now = timezone.now()
    Finding.objects.filter(pk__in=[finding.pk for finding in escalated]).update(escalated_at=now)
    audit.append_many(
        audit.object_entry(
            action=AuditAction.EVENT,
            obj=finding,
            actor=actor,
            changes={"deadline": finding.deadline.isoformat(), "cios": sorted(u.pk for u in cios)},
            event="finding.escalate",
        )
        for finding, cios in escalated.items()
    )


# Deadlines ----------------------------------------------------------------------------------------------------------


def was_policy_deadline(before: dict, system) -> bool:
    """Whether the stored deadline (``before``, a snapshot) is the one the policy gave its severity and date."""
    if not before.get("deadline") or not before.get("found_on") or not before.get("severity"):
        return not before.get("deadline")
    found_on = dt.date.fromisoformat(str(before["found_on"]))
    policy = schedule.policy_for_system(system)
    expected = deadlines.finding_deadline(before["severity"], found_on=found_on, policy=policy)
    return expected.date.isoformat() == str(before["deadline"])


def apply_deadline(finding: Finding, *, policy=None) -> None:
    """No deadline given: the policy's for the severity (DOMAIN.md "Working days"); a date given: set by hand."""
    if finding.deadline is not None:
        finding.deadline_provisional = False
    elif finding.severity and finding.found_on and finding.system_id:
        due = schedule.finding_deadline(finding, policy=policy)
        finding.deadline, finding.deadline_provisional = due.date, due.provisional


def rearm(finding: Finding, before: dict) -> None:
    """A deadline moved later clears the escalation: the finding escalates again if it passes that one too."""
    previous = before.get("deadline")
    if finding.escalated_at and previous and finding.deadline and finding.deadline.isoformat() > str(previous):
        finding.escalated_at = None


def check_links(finding: Finding) -> None:
    """The assessment and crypto assessment a finding was raised from belong to its system."""
    errors = {}
    for name in ("assessment", "crypto_assessment"):
        linked = getattr(finding, name)
        if linked is not None and finding.system_id and linked.system_id != finding.system_id:
            errors[name] = _("It is not an assessment of the finding's system.")
    if errors:
        raise ValidationError(errors)


# Records ------------------------------------------------------------------------------------------------------------


@transaction.atomic
def finding_save(*, actor, finding: Finding, before=None, expected_version=None, keep_deadline=False) -> Finding:
    """Create (``before`` None) or change a finding. ``keep_deadline`` (an update that does not mention the deadline,
    e.g. an API PATCH): a hand-set deadline stays, a policy deadline follows the new severity and date."""
    check_links(finding)
    if keep_deadline and before is not None and was_policy_deadline(before, finding.system):
        finding.deadline = None
    apply_deadline(finding)
    if before is None:
        return object_create(obj=finding, actor=actor)
    rearm(finding, before)
    return object_update(obj=finding, actor=actor, before=before, expected_version=expected_version)


@transaction.atomic
def findings_bulk_edit(*, actor, findings: list[Finding], changes: dict) -> int:
    """Set ``changes`` (owner, severity) on each finding, all or nothing; policy deadlines follow a new severity."""
    for finding in findings:
        before = snapshot(finding)
        for name, value in changes.items():
            setattr(finding, name, value)
        if was_policy_deadline(before, finding.system):
            finding.deadline = None  # recomputed: follows a new severity, stays provisional if it was
        apply_deadline(finding)
        rearm(finding, before)
        object_update(obj=finding, actor=actor, before=before, event="bulk_edit")
    return len(findings)


@transaction.atomic
def finding_delete(*, actor, finding: Finding) -> None:
    """Delete a finding with its evidence files (names and SM3 digests stay in the audit log); the files leave the
    disk once the deletion is committed."""
    if actor is not None and not gate.can(actor, "delete", finding):
        raise Http404
    removed = []
    for attachment in files.attachments_of(finding):
        removed.append({"name": attachment.name, "sm3": attachment.sm3})
        stored = attachment.file
        attachment.delete()
        transaction.on_commit(lambda stored=stored: stored.delete(save=False))
    if removed:
        audit.record_object(
            action=AuditAction.DELETE, obj=finding, actor=actor, changes={"files": removed}, event="files_removed"
        )
    object_delete(obj=finding, actor=actor)


@transaction.atomic
def findings_import(*, actor, rows: list[dict]) -> list[Finding]:
    """Rows of the import template (or a scanner's file): one insert and one audit batch; each deadline from the
    policy of the system's government, computed once per (policy, severity, date)."""
    from inventory.models import System

    systems = {
        s.pk: s for s in System.objects.filter(pk__in={r["system_id"] for r in rows}).select_related("owner_unit")
    }
    book, memo = PolicyBook(), {}

    def prepare(objects):
        for finding in objects:
            finding.system = systems[finding.system_id]
            policy = book.for_path(finding.system.owner_unit.path)
            key = (id(policy), finding.severity, finding.found_on)
            if key not in memo:
                memo[key] = deadlines.finding_deadline(finding.severity, found_on=finding.found_on, policy=policy)
            if finding.deadline is None:
                finding.deadline, finding.deadline_provisional = memo[key].date, memo[key].provisional

    return import_rows(model=Finding, rows=rows, actor=actor, prepare=prepare)


# Workflow -----------------------------------------------------------------------------------------------------------


def refuse_unless(finding: Finding, *states) -> None:
    if finding.status not in states:
        raise ValidationError(
            _("This step is not possible while the finding is “{status}”.").format(status=finding.get_status_display())
        )


def refuse_fixer(actor, finding: Finding) -> None:
    """Verification is by someone other than the person who rectified (issue 4; docs/permissions.md)."""
    if actor is not None and finding.fixed_by_id == actor.pk:
        raise ValidationError(
            _("You rectified this finding, so someone else must verify it: the verifier may not be who fixed it.")
        )


def _move(finding: Finding, *, actor, event: str, expected_version=None, note: dict | None = None, **fields):
    """A step of the rectification workflow (core.services.transition)."""
    return transition(finding, actor=actor, event=event, expected_version=expected_version, note=note, **fields)


@transaction.atomic
def finding_rectify(*, actor, finding: Finding, rectification: str, evidence=(), expected_version=None) -> Finding:
    """整改: what was done, with evidence (at least one file, counting those kept from an earlier round)."""
    require(actor, "change", finding)
    refuse_unless(finding, S.OPEN)
    rectification = (rectification or "").strip()
    if not rectification:
        raise ValidationError({"rectification": _("Describe what was done to rectify the finding.")})
    evidence = list(evidence)
    if not evidence and not files.attachments_of(finding, kind=EVIDENCE).exists():
        raise ValidationError({"evidence": _("Attach at least one evidence file (a screenshot, a retest report…).")})
    for upload in evidence:
        files.check_upload(upload)
    moved = _move(
        finding,
        actor=actor,
        event="finding.rectify",
        expected_version=expected_version,
        status=S.FIXED,
        rectification=rectification,
        fixed_by=actor,
        fixed_at=timezone.now(),
    )
    attached = [files.attach(upload, owner=finding, actor=actor, kind=EVIDENCE) for upload in evidence]
    if attached:
        audit.record_object(
            action=AuditAction.EVENT,
            obj=finding,
            actor=actor,
            changes={"evidence": [{"name": a.name, "sm3": a.sm3} for a in attached]},
            event="finding.evidence",
        )
    return moved


@transaction.atomic
def finding_verify(*, actor, finding: Finding, note: str = "", expected_version=None) -> Finding:
    """验证: the rectification holds; the finding is closed."""
    require(actor, "verify", finding)
    refuse_unless(finding, S.FIXED)
    refuse_fixer(actor, finding)
    return _move(
        finding,
        actor=actor,
        event="finding.verify",
        expected_version=expected_version,
        status=S.VERIFIED,
        verification_note=(note or "").strip(),
        verified_by=actor,
        verified_at=timezone.now(),
    )


@transaction.atomic
def finding_reject(*, actor, finding: Finding, note: str, expected_version=None) -> Finding:
    """The rectification does not hold: back to open with the reason; the owner and the fixer are told."""
    require(actor, "verify", finding)
    refuse_unless(finding, S.FIXED)
    refuse_fixer(actor, finding)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why the rectification does not hold.")})
    fixer = finding.fixed_by
    moved = _move(
        finding,
        actor=actor,
        event="finding.reject",
        expected_version=expected_version,
        status=S.OPEN,
        verification_note=note,
        fixed_by=None,
        fixed_at=None,
        verified_by=None,
        verified_at=None,
    )
    notify(
        [finding.owner, fixer],
        key=f"security.finding:{finding.pk}:rejected:{moved.version}",
        title=_("Rectification not accepted: {title}").format(title=finding.title),
        body=note,
        url=finding.get_absolute_url(),
        level="warning",
    )
    return moved


# Scanner imports ----------------------------------------------------------------------------------------------------


def mapping_unit(actor, system):
    """Where a mapping saved from an import belongs: the user's own unit when they may keep mappings there (shared
    with their subtree), else the system's department; None when they may keep none."""
    for unit in (getattr(actor, "unit", None), system.owner_unit):
        if unit is not None and gate.path_allowed(actor, ScannerMapping, "add", unit.path):
            return unit
    return None


@transaction.atomic
def scannermapping_remember(*, actor, unit, name: str, columns: dict, severities: dict) -> ScannerMapping:
    """Save the mapping under ``name`` in ``unit``: a new one, or the one of that name, changed."""
    mapping = ScannerMapping.objects.filter(unit=unit, name=name).first()
    if mapping is None:
        return object_create(
            obj=ScannerMapping(unit=unit, name=name, columns=columns, severities=severities), actor=actor
        )
    if actor is not None and not gate.can(actor, "change", mapping):
        raise ValidationError(
            {"save_as": _("A mapping of this name exists and you may not change it; choose another name.")}
        )
    before = snapshot(mapping)
    mapping.columns, mapping.severities = columns, severities
    return object_update(obj=mapping, actor=actor, before=before)


def _reopened(finding: Finding, day) -> None:
    """Found again after its verification: open, the rectification round cleared (the audit keeps it), the deadline
    the policy's from the day of the scan that found it again."""
    finding.status = S.OPEN
    finding.fixed_by = finding.fixed_at = finding.verified_by = finding.verified_at = finding.escalated_at = None
    finding.verification_note = ""
    due = deadlines.finding_deadline(finding.severity, found_on=day, policy=schedule.policy_for_system(finding.system))
    finding.deadline, finding.deadline_provisional = due.date, due.provisional


@transaction.atomic
def findings_rescanned(*, actor, updates: list) -> None:
    """A later scan's news of known findings (security.scanner.Update): last seen, what the scanner now says (a
    policy deadline follows a new severity), a verified finding found again reopened and its owner told. Findings
    that change alike (a whole scan's "last seen", most often) are written by one statement per chunk, each change
    audited ("finding.rescan", "finding.reopen"), the rules run once."""
    if not updates:
        return
    findings = [update.finding for update in updates]
    keys = [finding.pk for finding in findings]
    versions = {}
    for start in range(0, len(keys), CHUNK):
        locked = Finding.objects.select_for_update().filter(pk__in=keys[start : start + CHUNK])
        versions.update(locked.values_list("pk", "version"))
    if any(versions.get(f.pk) != f.version for f in findings):
        raise conflict()
    now, changed, entries, alike = timezone.now(), [], [], {}
    for update in updates:
        finding = update.finding
        before = snapshot(finding)
        for name, value in update.values.items():
            setattr(finding, name, value)
        if update.reopen:
            _reopened(finding, finding.last_seen or finding.found_on)
        elif "severity" in update.values and was_policy_deadline(before, finding.system):
            finding.deadline = None
            apply_deadline(finding)
        changes = diff(before, snapshot(finding))
        columns = tuple(sorted((ATTNAMES[name], getattr(finding, ATTNAMES[name])) for name in changes))
        alike.setdefault(columns, []).append(finding.pk)
        finding.version += 1
        finding.updated_by, finding.updated_at = actor, now
        changed.append(rules.updated(finding, changes))
        action, event = (
            (AuditAction.EVENT, "finding.reopen") if update.reopen else (AuditAction.UPDATE, "finding.rescan")
        )
        entries.append(audit.object_entry(action=action, obj=finding, actor=actor, changes=changes, event=event))
    for columns, pks in alike.items():
        for start in range(0, len(pks), CHUNK):
            Finding.objects.filter(pk__in=pks[start : start + CHUNK]).update(
                **dict(columns), version=F("version") + 1, updated_by_id=getattr(actor, "pk", None), updated_at=now
            )
    spec = search.registered().get("security.finding")
    searched = {"title", *(name.split("__")[0] for name in spec.fields)} if spec else set()
    search.index_many([change.obj for change in changed if searched & set(change.values)])  # "last seen": no entry
    rules.run(Finding, changed, actor=actor)
    audit.append_many(entries)
    for update in updates:
        if update.reopen:
            finding = update.finding
            notify(
                [finding.owner],
                key=f"security.finding:{finding.pk}:reopened:{finding.version}",
                title=_("Found again by a scan and reopened: {title}").format(title=finding.title),
                url=finding.get_absolute_url(),
                level="warning",
            )


CHUNK = 5000  # keys per IN (...)
ATTNAMES = {field.name: field.attname for field in Finding._meta.concrete_fields}


@transaction.atomic
def scan_import(*, actor, system, result, filename: str, mapping=None):
    """Commit a checked scan (security.scanner.ScanResult): the new findings, the news of known ones, all or none,
    audited in batches, and the named event with the counts."""
    require(actor, "import", Finding(system=system))
    created = findings_import(actor=actor, rows=result.rows) if result.rows else []
    findings_rescanned(actor=actor, updates=result.updates)
    unit = system.owner_unit
    audit.append(
        audit.Entry(
            action=AuditAction.EVENT,
            actor=actor,
            object_type="security.finding",
            object_repr=filename[:200],
            unit_path=unit.path,
            event="finding.scanner_import",
            changes={
                "system": system.pk,
                "file": filename,
                "format": result.kind,
                "mapping": getattr(mapping, "pk", None),
            }
            | result.counts(),
        )
    )
    return created
