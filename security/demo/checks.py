"""Plan the assessments (测评), self-inspections (自查) and crypto assessments (密评, GB/T 39786-2021) of filed
systems, then store the grading's deadlines computed from them with security.deadlines (DOMAIN.md §3).

Most level 3 and 4 systems were assessed within their cycle, some are overdue; level 2 systems less often. Scores
run from 70 to 95 and the conclusion follows the score. Crypto item results follow the level's checklist; the
score and conclusion follow the items.
"""

import datetime as dt
from decimal import Decimal

from core.workdays import add_months

from .. import deadlines
from ..choices import AssessmentKind, Conclusion, CryptoAssessmentKind, GradingState, ItemStatus
from ..choices import Requirement as R
from ..crypto import checklist, crypto_level
from ..models import Assessment, CryptoAssessment, CryptoItemResult
from . import texts
from .context import Context
from .gradings import START, Planned

ASSESSED = {2: (0.45, 0.15), 3: (0.78, 0.15), 4: (0.85, 0.1)}  # (within the cycle, overdue); the rest never yet
INSPECTED = (0.65, 0.15)
CRYPTO_SHARE = {3: 0.55, 4: 0.8}  # level 2 systems with important data: CRYPTO_LEVEL2
CRYPTO_LEVEL2 = 0.12
ITEM_STATUS = {  # (compliant, partial, non-compliant, not applicable) by requirement
    R.SHALL: (0.6, 0.25, 0.15, 0.0),
    R.SHOULD: (0.45, 0.3, 0.2, 0.05),
    R.MAY: (0.4, 0.2, 0.3, 0.1),
}
STATUSES = (ItemStatus.COMPLIANT, ItemStatus.PARTIAL, ItemStatus.NONCOMPLIANT, ItemStatus.NOT_APPLICABLE)
WEIGHT = {R.SHALL: 3, R.SHOULD: 2, R.MAY: 1}
CREDIT = {ItemStatus.COMPLIANT: 1.0, ItemStatus.PARTIAL: 0.5, ItemStatus.NONCOMPLIANT: 0.0}


def score_conclusion(score: float) -> str:
    """≥ 90 conforms, 70–90 basically conforms (the demo's assessments all reach 70)."""
    return Conclusion.PASS if score >= 90 else Conclusion.BASIC if score >= 70 else Conclusion.FAIL


def crypto_result(items: list[tuple[str, str]]) -> tuple[Decimal, str]:
    """Score and conclusion from (requirement, status) pairs: weighted credit of the items asked, scaled to 55–97;
    fails under 60, conforms only from 80 with every 应 item fully met."""
    asked = [(WEIGHT[req], CREDIT[status]) for req, status in items if req in WEIGHT and status in CREDIT]
    total = sum(w for w, _ in asked)
    ratio = sum(w * c for w, c in asked) / total if total else 1.0
    score = round(55 + 42 * ratio, 1)
    shall_met = all(status == ItemStatus.COMPLIANT for req, status in items if req == R.SHALL)
    if score < 60:
        conclusion = Conclusion.FAIL
    elif score >= 80 and shall_met:
        conclusion = Conclusion.PASS
    else:
        conclusion = Conclusion.BASIC
    return Decimal(f"{score:.1f}"), conclusion


class CheckPlanner:
    def __init__(self, ctx: Context):
        self.ctx = ctx

    def plan(self, batch: list[Planned]) -> None:
        for planned in batch:
            if planned.held_level is not None:  # filed (or regraded since): assessed at the level in force
                self._assessments(planned, planned.held_level)
                self._inspections(planned, planned.held_level)
                self._crypto(planned, planned.held_level)
            if planned.grading is not None:
                self._deadlines(planned)

    def _latest(self, months: int, filed_on: dt.date, shares: tuple[float, float]) -> dt.date | None:
        """The last check of a cycle of ``months``: within the cycle, overdue, or none yet."""
        ctx = self.ctx
        earliest = filed_on + dt.timedelta(days=10)
        cycle_start = add_months(ctx.today, -months)
        roll = ctx.rng.random()
        if earliest > ctx.ago(3) or roll >= shares[0] + shares[1]:
            return None
        overdue_by = cycle_start - dt.timedelta(days=5)
        if roll >= shares[0] and earliest < overdue_by:
            return ctx.day_between(max(earliest, cycle_start - dt.timedelta(days=240)), overdue_by)
        return ctx.day_between(max(earliest, cycle_start + dt.timedelta(days=10)), ctx.ago(3))

    def _assessments(self, planned: Planned, level: int) -> None:
        rng, grading = self.ctx.rng, planned.grading
        months = deadlines.assessment_months(level, planned.policy)
        if months is None:
            return
        latest = self._latest(months, grading.filed_on, ASSESSED[level])
        if latest is None:
            return
        dates = [latest]
        earlier = add_months(latest, -months) + dt.timedelta(days=rng.randint(-20, 20))
        if earlier >= grading.filed_on + dt.timedelta(days=10) and rng.random() < 0.5:
            dates.insert(0, earlier)
        institution = rng.choice(texts.INSTITUTIONS)  # the same institution usually comes back
        for day in dates:
            score = round(rng.triangular(70, 95, 84), 1)
            planned.assessments.append(
                Assessment(
                    system_id=planned.row.pk,
                    kind=AssessmentKind.ASSESSMENT,
                    level=level,
                    institution=institution if rng.random() < 0.8 else rng.choice(texts.INSTITUTIONS),
                    assessed_on=day,
                    score=Decimal(f"{score:.1f}"),
                    conclusion=score_conclusion(score),
                )
            )

    def _inspections(self, planned: Planned, level: int) -> None:
        ctx, rng, grading = self.ctx, self.ctx.rng, planned.grading
        months = deadlines.self_inspection_months(level, planned.policy)
        if months is None:
            return
        latest = self._latest(months, grading.filed_on, INSPECTED)
        if latest is None:
            return
        unit = ctx.department.get(planned.row.owner_unit_id) or ctx.units[planned.row.owner_unit_id]
        score = round(rng.triangular(75, 98, 91), 1)
        planned.assessments.append(
            Assessment(
                system_id=planned.row.pk,
                kind=AssessmentKind.SELF_INSPECTION,
                level=level,
                institution=unit.name,
                assessed_on=latest,
                score=Decimal(f"{score:.1f}"),
                conclusion=score_conclusion(score),
            )
        )

    def _crypto(self, planned: Planned, mlps: int) -> None:
        ctx, rng, grading, row = self.ctx, self.ctx.rng, planned.grading, planned.row
        share = CRYPTO_SHARE.get(mlps, CRYPTO_LEVEL2 if row.data_class in ("important", "core") else 0.0)
        if mlps < 2 or rng.random() >= share:
            return
        level = crypto_level(mlps)
        live = row.go_live_date
        if live and live > START + dt.timedelta(days=60) and live <= ctx.today and rng.random() < 0.35:
            kind = CryptoAssessmentKind.BEFORE_GO_LIVE
            assessed_on = ctx.day_between(live - dt.timedelta(days=40), live - dt.timedelta(days=5))
        else:
            kind = CryptoAssessmentKind.PERIODIC
            assessed_on = ctx.day_between(max(grading.filed_on, ctx.ago(700)), ctx.ago(5))
        items = []
        for code, _label, requirement, _algorithms in checklist(level):
            if requirement == R.NONE:
                status = ItemStatus.NOT_APPLICABLE
            else:
                status = rng.choices(STATUSES, ITEM_STATUS[requirement])[0]
            done, missing = texts.CRYPTO_NOTES[code]
            note = {
                ItemStatus.COMPLIANT: done,
                ItemStatus.NONCOMPLIANT: missing,
                ItemStatus.PARTIAL: texts.PARTIAL_NOTE.format(done=done),
            }.get(status, "")
            items.append(CryptoItemResult(item=code, requirement=requirement, status=status, note=note))
        score, conclusion = crypto_result([(i.requirement, i.status) for i in items])
        institution = rng.choice(texts.CRYPTO_INSTITUTIONS)
        assessment = CryptoAssessment(
            system_id=row.pk,
            kind=kind,
            level=level,
            institution=institution,
            assessed_on=assessed_on,
            score=score,
            conclusion=conclusion,
            next_due=deadlines.next_crypto_assessment(
                assessed_on=assessed_on, level=level, data_class=row.data_class, policy=planned.policy
            ),
            summary=texts.crypto_summary(institution, row.name, level, score, conclusion),
        )
        for item in items:
            item.assessment = assessment
        planned.cryptos.append((assessment, items))

    def _deadlines(self, planned: Planned) -> None:
        """The stored deadlines, as security.services.schedule.refresh_grading computes them, from the dates planned
        here instead of a query per grading."""
        ctx, grading, row, policy = self.ctx, planned.grading, planned.row, planned.policy
        due = None
        if grading.graded_on and grading.state != GradingState.FILED:
            due = ctx.filing_due(grading.level, grading.graded_on, row.go_live_date, policy)
        grading.filing_due = due.date if due else None
        grading.filing_due_provisional = bool(due and due.provisional)
        if grading.state != GradingState.FILED and not grading.filed_on:
            return
        # The cycles run while a filing is in force, also during a regrade: at the filed level (as refresh_grading).
        level = grading.level if grading.state == GradingState.FILED else (planned.held_level or grading.level)
        start = grading.filed_on or grading.graded_on
        latest = {}
        for assessment in planned.assessments:
            latest[assessment.kind] = max(latest.get(assessment.kind, assessment.assessed_on), assessment.assessed_on)
        grading.next_assessment_due = deadlines.next_assessment(
            level, since=latest.get(AssessmentKind.ASSESSMENT) or start, policy=policy
        )
        grading.next_self_inspection_due = deadlines.next_self_inspection(
            level, since=latest.get(AssessmentKind.SELF_INSPECTION) or start, policy=policy
        )
