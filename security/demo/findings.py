"""Plan the findings (问题与整改) of a batch: from assessments, self-inspections and supervisory inspections, crypto
assessments, incidents and the quarterly vulnerability scan. The deadline follows the severity by the government's
policy (security.deadlines.finding_deadline); older findings are mostly rectified and verified — by the CIO, never
by the liaison who fixed them — and some open ones are past their deadline.
"""

import datetime as dt
from urllib.parse import urlparse

from django.utils import timezone

from ..choices import AssessmentKind, FindingSource, FindingStatus, ItemStatus
from ..choices import Requirement as R
from ..models import Finding
from . import catalog, texts
from .context import Context, SystemRow
from .gradings import Planned

SCANNED = {"internet": 0.35, "egov_extranet": 0.25}  # systems with scanner findings, by network
INCIDENT = 0.012
SUPERVISION = 0.03  # systems with a finding from a supervisory inspection (网信、公安检查)
SOURCE_TEXT = {
    FindingSource.ASSESSMENT: "等级测评发现",
    FindingSource.INSPECTION: "检查发现",
    FindingSource.CRYPTO: "密码应用安全性评估发现",
    FindingSource.SCANNER: "漏洞扫描发现",
    FindingSource.INCIDENT: "安全事件处置中发现",
}
DESCRIPTION = "{source}{system}存在“{title}”问题，涉及资产{asset}。"
# (verified, fixed) shares: long past the deadline, past it, not yet due; the rest stays open (overdue if past).
PROGRESS = {"long past": (0.88, 0.05), "past": (0.6, 0.2), "due": (0.15, 0.25)}
ASSET_LABEL = {"app": "应用服务器", "db": "数据库服务器"}


def scan_dates(today: dt.date) -> list[dt.date]:
    """The quarterly scans of the last two years (15 March, June, September, December)."""
    years = (today.year - 2, today.year - 1, today.year)
    days = [dt.date(year, month, 15) for year in years for month in (3, 6, 9, 12)]
    return [day for day in days if day < today][-8:]


class FindingPlanner:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.scans = scan_dates(ctx.today)
        self.assets: dict[int, dict[str, str]] = {}

    def plan(self, batch: list[Planned]) -> None:
        rng = self.ctx.rng
        for planned in batch:
            row = planned.row
            for assessment in planned.assessments:
                self._from_check(planned, assessment)
            for assessment, items in planned.cryptos:
                self._from_crypto(planned, assessment, items)
            if row.status != "running":
                continue
            if rng.random() < SCANNED.get(row.network, 0.0):
                self._from_scan(planned)
            if rng.random() < INCIDENT:
                self._add(planned, rng.choice(catalog.INCIDENT), FindingSource.INCIDENT, self._recent(700))
            if rng.random() < SUPERVISION:
                self._add(planned, rng.choice(catalog.INSPECTION), FindingSource.INSPECTION, self._recent(500))

    def _recent(self, days: int) -> dt.date:
        return self.ctx.day_between(self.ctx.ago(days), self.ctx.ago(1))

    # Sources ---------------------------------------------------------------------------------------------------
    def _from_check(self, planned: Planned, assessment) -> None:
        rng = self.ctx.rng
        if assessment.kind == AssessmentKind.ASSESSMENT:
            count = rng.randint(1, 5) if assessment.level >= 3 else rng.randint(0, 3)
            pool, source = catalog.ASSESSMENT, FindingSource.ASSESSMENT
        else:
            count, pool, source = rng.choice((0, 0, 1, 1, 2)), catalog.INSPECTION, FindingSource.INSPECTION
        found = [self._add(planned, t, source, assessment.assessed_on) for t in rng.sample(pool, count)]
        for finding in found:
            finding.assessment = assessment
        name, titles = planned.row.name, [f.title for f in found]
        if source == FindingSource.ASSESSMENT:
            assessment.summary = texts.assessment_summary(
                assessment.institution, name, assessment.level, assessment.score, assessment.conclusion, titles
            )
        else:
            assessment.summary = texts.inspection_summary(assessment.institution, name, assessment.conclusion, titles)

    def _from_crypto(self, planned: Planned, assessment, items) -> None:
        rng = self.ctx.rng
        for item in items:
            if item.requirement not in (R.SHALL, R.SHOULD) or item.status not in (
                ItemStatus.NONCOMPLIANT,
                ItemStatus.PARTIAL,
            ):
                continue
            if item.status == ItemStatus.PARTIAL and rng.random() < 0.5:
                continue
            if item.status == ItemStatus.NONCOMPLIANT:
                severity = "high" if item.requirement == R.SHALL else "medium"
            else:
                severity = "medium" if item.requirement == R.SHALL else "low"
            title, fix = catalog.CRYPTO[item.item]
            template = catalog.F(title, (severity,), f"GB/T 39786-2021 应用和数据安全 {item.item})", "app", fix)
            finding = self._add(planned, template, FindingSource.CRYPTO, assessment.assessed_on)
            finding.crypto_assessment = assessment
            finding.description = f"{item.note}。"

    def _from_scan(self, planned: Planned) -> None:
        rng, stack = self.ctx.rng, planned.row.stack
        pool = [t for t in catalog.SCANNER if not t.tech or t.tech in stack]
        found_on = rng.choice(self.scans)
        for template in rng.sample(pool, rng.randint(1, 3)):
            finding = self._add(planned, template, FindingSource.SCANNER, found_on)
            finding.external_id = f"VS-{catalog.SCANNER.index(template) + 10001}"

    # One finding -----------------------------------------------------------------------------------------------
    def _asset(self, row: SystemRow, kind: str) -> str:
        """The system's web host, application server and database server (政务外网 addresses), drawn once."""
        if row.pk not in self.assets:
            rng = self.ctx.rng
            net = f"10.{rng.randint(16, 99)}.{rng.randint(0, 254)}"
            app, db = rng.randint(10, 120), rng.randint(121, 250)
            host = urlparse(row.url).hostname if row.url else ""
            self.assets[row.pk] = {
                "web": host or f"{net}.{app}",
                "app": f"{net}.{app}（{ASSET_LABEL['app']}）",
                "db": f"{net}.{db}（{ASSET_LABEL['db']}）",
            }
        return self.assets[row.pk][kind]

    def _add(self, planned: Planned, template: catalog.F, source: str, found_on: dt.date) -> Finding:
        ctx, rng, row = self.ctx, self.ctx.rng, planned.row
        severity = rng.choice(template.severity)
        asset = self._asset(row, template.asset)
        deadline = ctx.finding_deadline(severity, found_on, planned.policy)
        owner = ctx.liaison.get(row.owner_unit_id)
        finding = Finding(
            system_id=row.pk,
            source=source,
            title=template.title,
            description=template.description
            or DESCRIPTION.format(source=SOURCE_TEXT[source], system=row.name, title=template.title, asset=asset),
            severity=severity,
            asset=asset,
            reference=template.reference,
            found_on=found_on,
            owner_id=owner,
            deadline=deadline.date,
            deadline_provisional=deadline.provisional,
        )
        self._progress(finding, template.fix, owner, ctx.cio.get(row.owner_unit_id))
        planned.findings.append(finding)
        return finding

    def _progress(self, finding: Finding, fix: str, owner: int | None, verifier: int | None) -> None:
        """open → fixed → verified, the older the further along; some open ones are overdue. Nothing is rectified
        today, so every moment lies in the past whatever the hour of generation."""
        ctx, rng = self.ctx, self.ctx.rng
        age = (ctx.today - finding.found_on).days
        if finding.deadline >= ctx.today:
            verified, fixed = PROGRESS["due"]
        else:
            verified, fixed = PROGRESS["long past" if age > 180 else "past"]
        roll = rng.random()
        if roll >= verified + fixed or age < 3:
            return
        allowed = (finding.deadline - finding.found_on).days
        fixed_on = ctx.day_between(
            finding.found_on + dt.timedelta(days=1), min(finding.found_on + dt.timedelta(days=allowed + 10), ctx.ago(2))
        )
        finding.status = FindingStatus.FIXED
        finding.rectification = fix + "。"
        finding.fixed_by_id = owner
        finding.fixed_at = self._moment(fixed_on)
        if roll < verified and (verifier is None or verifier != owner):
            week = min(fixed_on + dt.timedelta(days=7), ctx.ago(1))
            verified_on = ctx.day_between(fixed_on + dt.timedelta(days=1), week)
            finding.status = FindingStatus.VERIFIED
            finding.verification_note = rng.choice(catalog.VERIFIED)
            finding.verified_by_id = verifier
            finding.verified_at = self._moment(verified_on)

    def _moment(self, day: dt.date) -> dt.datetime:
        """Office hours on ``day``."""
        rng = self.ctx.rng
        return timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(9, 17), rng.randint(0, 59))))
