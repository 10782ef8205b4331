"""Keeps the stored deadlines of gradings, crypto assessments and findings in step with their inputs.

Deadlines are stored (not computed on read) so that the due-soon and overdue lists are indexed range queries at
province scale. Whatever changes an input — grading, filing, an assessment or self-inspection, the policy, a
calendar year being loaded — calls the function here for the records concerned, inside its own transaction, with
its actor: a stored deadline that moves is written there and audited ("grading.deadlines", "finding.deadline") with
its value before and after. Derived values do not move the record's version: a user editing the grading meanwhile
changed none of them.
"""

from django.db.models import Max

from core import audit, workdays
from core.choices import AuditAction
from core.services import diff

from .. import deadlines
from ..choices import AssessmentKind, FindingStatus, GradingState
from ..models import Assessment, CryptoAssessment, Finding, Grading, SecurityPolicy


def policy_for_system(system) -> SecurityPolicy:
    return SecurityPolicy.for_path(system.owner_unit.path)


GRADING_DATES = ("filing_due", "filing_due_provisional", "next_assessment_due", "next_self_inspection_due")


def _dates(obj, names) -> dict:
    return {
        name: str(value) if hasattr(value, "isoformat") else value for name in names for value in [getattr(obj, name)]
    }


def refresh_grading(
    grading: Grading, *, policy: SecurityPolicy | None = None, save: bool = True, actor=None
) -> Grading:
    """Recompute filing due, next assessment and next self-inspection of ``grading``; with ``save``, write and audit
    those that moved."""
    before = _dates(grading, GRADING_DATES)
    system = grading.system
    policy = policy or policy_for_system(system)
    level = grading.level
    due = None
    if grading.graded_on and grading.state != GradingState.FILED:
        due = deadlines.filing_due(level, graded_on=grading.graded_on, go_live=system.go_live_date, policy=policy)
    grading.filing_due = due.date if due else None
    grading.filing_due_provisional = bool(due and due.provisional)
    latest = dict(
        Assessment.objects.filter(system=system)
        .values("kind")
        .annotate(last=Max("assessed_on"))
        .values_list("kind", "last")
    )
    # The cycles run while a filing is in force, also while the system is being regraded: at the filed level.
    in_force = grading.state == GradingState.FILED or bool(grading.filed_on)
    if in_force:
        filed_level = level if grading.state == GradingState.FILED else (system.mlps_level or level)
        start = grading.filed_on or grading.graded_on
        grading.next_assessment_due = deadlines.next_assessment(
            filed_level, since=latest.get(AssessmentKind.ASSESSMENT) or start, policy=policy
        )
        grading.next_self_inspection_due = deadlines.next_self_inspection(
            filed_level, since=latest.get(AssessmentKind.SELF_INSPECTION) or start, policy=policy
        )
    else:
        grading.next_assessment_due = grading.next_self_inspection_due = None
    changes = diff(before, _dates(grading, GRADING_DATES))
    if save and grading.pk and changes:
        Grading.objects.filter(pk=grading.pk).update(**{name: getattr(grading, name) for name in GRADING_DATES})
        audit.record_object(
            action=AuditAction.UPDATE, obj=grading, actor=actor, changes=changes, event="grading.deadlines"
        )
    return grading


def refresh_system(system, *, actor=None) -> None:
    """After an assessment or self-inspection of ``system`` was recorded, changed or deleted."""
    grading = Grading.objects.filter(system=system).select_related("system__owner_unit").first()
    if grading is not None:
        refresh_grading(grading, actor=actor)


def crypto_next_due(assessment: CryptoAssessment, *, policy: SecurityPolicy | None = None):
    system = assessment.system
    policy = policy or policy_for_system(system)
    return deadlines.next_crypto_assessment(
        assessed_on=assessment.assessed_on, level=assessment.level, data_class=system.data_class, policy=policy
    )


def finding_deadline(finding: Finding, *, policy: SecurityPolicy | None = None) -> workdays.Deadline:
    policy = policy or policy_for_system(finding.system)
    return deadlines.finding_deadline(finding.severity, found_on=finding.found_on, policy=policy)


def year_loaded(changes, *, actor) -> None:
    """The rule on a calendar year's load (core.workdays.mark_year_loaded): recompute the provisional deadlines."""
    for change in changes:
        if "loaded" in change:
            recompute_provisional(change.after("loaded"), actor=actor)


def recompute_provisional(year: int, *, actor=None) -> None:
    """Deadlines that counted ``year`` on weekends only are counted again on its calendar."""
    gradings = Grading.objects.filter(filing_due_provisional=True).select_related("system__owner_unit")
    for grading in gradings:
        refresh_grading(grading, actor=actor)
    findings = Finding.objects.filter(deadline_provisional=True).exclude(status=FindingStatus.VERIFIED)
    for finding in findings.select_related("system__owner_unit"):
        deadline = finding_deadline(finding)
        before = _dates(finding, ("deadline", "deadline_provisional"))
        finding.deadline, finding.deadline_provisional = deadline.date, deadline.provisional
        changes = diff(before, _dates(finding, ("deadline", "deadline_provisional")))
        if changes:
            Finding.objects.filter(pk=finding.pk).update(
                deadline=deadline.date, deadline_provisional=deadline.provisional
            )
            audit.record_object(
                action=AuditAction.UPDATE, obj=finding, actor=actor, changes=changes, event="finding.deadline"
            )
