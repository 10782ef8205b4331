"""Plan the MLPS gradings of a batch of systems: which systems are graded, at which level, with which harms, and how
far each has come through expert review, approval and filing (DOMAIN.md §3; GB/T 22240-2020; 公通字[2007]43号).

Levels are ranked, not drawn one by one: each batch gets the mix of a real register (level 2 about 55 %, level 3
about 35 %, level 1 about 8 %, level 4 rare: private-network systems the inventory put at level 3 or 4, one per
county at most), the most critical systems — the inventory's hint, data classification, public reach — at the top.
The harms are then chosen so that the GB/T 22240-2020 table (security.grading.grade) yields the level; the level is
computed, never written down.
"""

import datetime as dt
import math
from dataclasses import dataclass, field

from ..choices import GradingState, HarmDegree, HarmObject, Opinion
from ..grading import Grade, Harm, grade, sub_level
from ..models import Assessment, CryptoAssessment, CryptoItemResult, ExpertOpinion, Finding, Grading
from . import texts
from .context import Context, SystemRow

START = dt.date(2023, 1, 1)  # gradings of the demo start here (MLPS 2.0 registers were largely redone by then)
GRADED = {"running": 0.9, "suspended": 0.5, "building": 0.35}  # share of systems with a grading, by status
SHARE = {1: 0.08, 3: 0.35, 4: 0.015}  # the rest is level 2
LEVEL1_STATES = ((GradingState.DRAFT, 0.2), (GradingState.APPROVAL, 0.1), (GradingState.FILED, 0.7))
STATES = (  # level 2 and above of a system in use
    (GradingState.FILED, 0.62),
    (GradingState.APPROVAL, 0.09),
    (GradingState.EXPERT_REVIEW, 0.08),
    (GradingState.DRAFT, 0.14),
    (GradingState.REJECTED, 0.07),
)
HINT = {None: 0.0, 1: 0.0, 2: 1.0, 3: 2.6, 4: 3.5}
NEEDS_REVIEW = 0.04  # filed gradings whose system's scope changed since
REGRADE = 0.25  # drafts (level 2 and above, system in use) that reopen an earlier filing
SECOND_ROUND = 0.05  # gradings past review that an expert disagreed with in a first round
OBJECT_WEIGHT = {HarmObject.CITIZEN: 1.0, HarmObject.SOCIETY: 1.0, HarmObject.NATION: 0.15}


@dataclass(eq=False)
class Planned:
    """One system of the batch and everything planned for it."""

    row: SystemRow
    policy: object
    grading: Grading | None = None
    held_level: int | None = None  # the level in force on the system: filed (or regraded since)
    opinions: list[ExpertOpinion] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)  # assessments and self-inspections
    cryptos: list[tuple[CryptoAssessment, list[CryptoItemResult]]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


class GradingPlanner:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.serials: dict[tuple[int, int], int] = {}  # (filing government, level) → last filing serial

    def plan(self, rows: list[SystemRow]) -> list[Planned]:
        ctx, rng = self.ctx, self.ctx.rng
        batch = [Planned(row, ctx.policy[row.owner_unit_id]) for row in rows]
        graded = [p for p in batch if rng.random() < GRADED.get(p.row.status, 0.0)]
        for planned, level in self._levels(graded):
            self._grade(planned, level)
        return batch

    # Levels ----------------------------------------------------------------------------------------------------
    def _score(self, row: SystemRow) -> float:
        rng = self.ctx.rng
        score = HINT.get(row.mlps_level, 0.0) + {"important": 1.0, "core": 2.0}.get(row.data_class, 0.0)
        score += {"public": 0.4, "both": 0.6}.get(row.user_scope, 0.0)
        score += {"internet": 0.2, "private": 0.3}.get(row.network, 0.0)
        return score + 0.15 * math.log10((row.user_count or 0) + 1) + rng.gauss(0, 0.7)

    def _levels(self, graded: list[Planned]) -> list[tuple[Planned, int]]:
        scores = {id(p): self._score(p.row) for p in graded}
        ranked = sorted(graded, key=lambda p: (-scores[id(p)], p.row.code))
        n = len(ranked)
        fours: list[Planned] = []
        counties = 0  # a county has one level 4 system at most (a police private-network system)
        for planned in ranked:
            row = planned.row
            if len(fours) >= max(1, round(n * SHARE[4])):
                break
            if row.mlps_level == 4 or (row.mlps_level == 3 and row.network == "private"):
                if self.ctx.filing_gov[row.owner_unit_id].kind == "county":
                    if counties:
                        continue
                    counties += 1
                fours.append(planned)
        rest = [p for p in ranked if p not in fours]
        threes, ones = round(n * SHARE[3]), round(n * SHARE[1])
        levels = {id(p): 4 for p in fours}
        for index, planned in enumerate(rest):
            levels[id(planned)] = 3 if index < threes else 1 if index >= len(rest) - ones else 2
        return [(p, levels[id(p)]) for p in graded]

    def _cells(self, level: int, setting: int, exact: bool) -> list[tuple[str, str]]:
        """The (object, degree) cells of the GB/T 22240-2020 table at ``level`` (or up to it)."""
        wanted = {level} if exact else {level - 1, level}
        return [
            (o, d)
            for o in HarmObject
            for d in HarmDegree
            if sub_level(Harm(o, d), citizen_especially_serious=setting) in wanted
        ]

    def _pick(self, cells: list[tuple[str, str]]) -> tuple[str, str]:
        return self.ctx.rng.choices(cells, [OBJECT_WEIGHT[o] for o, _ in cells])[0]

    def _harms(self, level: int, setting: int, public: bool) -> tuple[Harm, Harm, Grade]:
        rng = self.ctx.rng
        driver = Harm(*self._pick(self._cells(level, setting, exact=True)))
        other = Harm(*self._pick(self._cells(level, setting, exact=False)))
        service_drives = rng.random() < (0.45 if public else 0.2)
        business, service = (other, driver) if service_drives else (driver, other)
        result = grade(business, service, citizen_especially_serious=setting)
        assert result.level == level, (level, business, service)
        return business, service, result

    # One grading -----------------------------------------------------------------------------------------------
    def _grade(self, planned: Planned, level: int) -> None:
        """The grading and how far it came, as security.services.grading moves it: draft → expert review (level 2
        and above) → approval → filed (level 1: in force once approved, no filing) or rejected."""
        ctx, rng, row = self.ctx, self.ctx.rng, planned.row
        setting = planned.policy.citizen_especially_serious_level
        business, service, result = self._harms(level, setting, row.user_scope != "internal")
        grading = Grading(
            system_id=row.pk,
            business_object=business.object,
            business_degree=business.degree,
            service_object=service.object,
            service_degree=service.degree,
            business_level=result.business_level,
            service_level=result.service_level,
            level=result.level,
            rationale=texts.rationale(row.name, row.purpose, row.data_class, row.user_scope, business, service, result),
        )
        planned.grading = grading
        if level == 1:
            state = rng.choices([s for s, _ in LEVEL1_STATES], [w for _, w in LEVEL1_STATES])[0]
        elif row.status == "building":
            state = GradingState.DRAFT if rng.random() < 0.6 else GradingState.EXPERT_REVIEW
        else:
            state = rng.choices([s for s, _ in STATES], [w for _, w in STATES])[0]
        grading.state = state
        if state == GradingState.DRAFT:
            if level >= 2 and row.status != "building" and rng.random() < REGRADE:
                self._regraded(planned)
            return
        if state == GradingState.FILED:
            grading.graded_on = self._graded_on(row)
        elif state == GradingState.REJECTED:
            grading.graded_on = ctx.day_between(ctx.ago(240), ctx.ago(30))
        elif state == GradingState.APPROVAL:
            grading.graded_on = ctx.day_between(ctx.ago(80), ctx.ago(10))
        else:
            grading.graded_on = ctx.day_between(ctx.ago(45), ctx.ago(2))
        if level >= 2:
            self._review(planned)
        if state == GradingState.EXPERT_REVIEW:
            return
        last = max([o.given_on for o in planned.opinions], default=grading.graded_on)
        if state != GradingState.APPROVAL or (level >= 2 and rng.random() < 0.5):  # approval awaiting the filing
            unit = ctx.department.get(row.owner_unit_id) or ctx.units[row.owner_unit_id]
            grading.approved_by_name = unit.name
            grading.approved_on = ctx.day_between(last + dt.timedelta(days=2), last + dt.timedelta(days=10))
        if state == GradingState.REJECTED:
            grading.rejection_reason = rng.choice(texts.REJECTIONS)
        elif state == GradingState.FILED and level == 1:
            grading.filed_on = grading.approved_on
            planned.held_level = 1
        elif state == GradingState.FILED:
            self._file(planned, grading.level)

    def _graded_on(self, row: SystemRow) -> dt.date:
        ctx = self.ctx
        latest = ctx.ago(45)
        if row.go_live_date and row.go_live_date > START + dt.timedelta(days=60):
            around = row.go_live_date - dt.timedelta(days=ctx.rng.randint(0, 60))  # graded before going live
            return min(max(around, START), latest)
        return ctx.day_between(START, latest)

    def _review(self, planned: Planned) -> None:
        """Expert review (专家评审), required from level 2: 2–3 experts once past it, 0–2 so far while it runs.
        A review can be closed only when nobody in its round disagrees, so a grading some expert disagreed with
        was revised and submitted again: its first round holds the disagreement, the second the agreement."""
        rng, grading = self.ctx.rng, planned.grading
        running = grading.state == GradingState.EXPERT_REVIEW
        grading.review_round = 2 if not running and rng.random() < SECOND_ROUND else 1
        for number in range(1, grading.review_round + 1):
            final = number == grading.review_round
            start = grading.graded_on + dt.timedelta(days=2 if final else -30)
            count = rng.randint(0, 2) if running else rng.choice((2, 3, 3))
            for index, (name, title) in enumerate(rng.sample(texts.EXPERTS, count)):
                if not final and index == 0:
                    conclusion = Opinion.DISAGREE
                else:
                    conclusion = rng.choices(list(Opinion), [0.82, 0.15, 0.03 if running else 0.0])[0]
                self._opinion(planned, number, name, title, conclusion, start)

    def _opinion(self, planned: Planned, number: int, name: str, title: str, conclusion: str, start: dt.date):
        ctx, rng, grading = self.ctx, self.ctx.rng, planned.grading
        suggested = grading.level
        if conclusion == Opinion.DISAGREE:
            suggested = min(grading.level + 1, 4)
            text = texts.DISAGREE.format(level=texts.level_text(suggested))
        else:
            pool = texts.AGREE if conclusion == Opinion.AGREE else texts.CHANGES
            text = rng.choice(pool).format(name=planned.row.name, level=texts.level_text(grading.level))
        planned.opinions.append(
            ExpertOpinion(
                grading=grading,
                expert_id=ctx.expert_user if name == texts.DEMO_EXPERT else None,
                expert_name=name,
                expert_title=title,
                conclusion=conclusion,
                suggested_level=suggested,
                opinion=text,
                given_on=ctx.day_between(start, start + dt.timedelta(days=10)),
                review_round=number,
            )
        )

    def _file(self, planned: Planned, level: int) -> None:
        """Filed with the public security bureau: most on time, some late; a fictional filing number (the PSB's
        11-digit code, then the level and a serial, like 51010099001-20001)."""
        ctx, rng, grading, row = self.ctx, self.ctx.rng, planned.grading, planned.row
        due = ctx.filing_due(level, grading.graded_on, row.go_live_date, planned.policy)
        after = grading.approved_on + dt.timedelta(days=1)
        if rng.random() < 0.88 and due.date > after:
            grading.filed_on = ctx.day_between(after, due.date)
        else:
            grading.filed_on = ctx.day_between(max(after, due.date), max(after, due.date) + dt.timedelta(days=60))
        self._number(planned, level)
        if rng.random() < NEEDS_REVIEW:
            self._needs_review(planned)

    def _number(self, planned: Planned, level: int) -> None:
        ctx, grading = self.ctx, planned.grading
        grading.certificate_date = ctx.day_between(grading.filed_on, grading.filed_on + dt.timedelta(days=25))
        gov = ctx.filing_gov[planned.row.owner_unit_id]
        key = (gov.pk, level)
        self.serials[key] = self.serials.get(key, 0) + 1
        grading.filing_number = f"{gov.code[:6]}99001-{level}{self.serials[key]:04d}"
        planned.held_level = level

    def _needs_review(self, planned: Planned) -> None:
        """The system's scope changed since the filing (security.services.review.mark_for_review's dated line)."""
        grading = planned.grading
        day = self.ctx.day_between(grading.filed_on + dt.timedelta(days=30), self.ctx.ago(1))
        grading.needs_review = True
        grading.review_reason = f"{day.isoformat()} {self.ctx.rng.choice(texts.REVIEWS)}"

    def _regraded(self, planned: Planned) -> None:
        """A draft reopened from a filing made before the register was kept here (no opinions on record): the
        filing number, dates and the filed level stay on the system until the new grading is filed."""
        ctx, rng, grading = self.ctx, self.ctx.rng, planned.grading
        old = grading.level if rng.random() < 0.6 else max(2, grading.level - 1)
        grading.filed_on = ctx.day_between(START, ctx.ago(200))
        self._number(planned, old)
        self._needs_review(planned)
