"""The security dashboard's numbers for a scope (the user's, or any unit in it): a fixed number of grouped or
aggregate queries over gated querysets, whatever the number of systems or departments.

- levels by department: systems in service (every status but retired) by MLPS level — the grading's, else the level
  recorded on the system — one GROUP BY owning department;
- filing (公通字[2007]43号 art. 15): gradings at level 2 and above, filed / overdue (due date passed) / not filed yet;
- assessment (art. 14): filed gradings at level 2 and above, next assessment current / overdue / no cycle (level 5);
- crypto (GB/T 39786-2021): systems at level 3 and above whose latest crypto assessment is current and passing
  (conforms or basically conforms), failed, overdue, or never done;
- overdue: filings, assessments, self-inspections, unverified findings past their deadline, open risks past due;
- findings trend: opened (found on) and verified per month over the last 12 months.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncMonth

from core.focus import narrowed
from core.workdays import add_months
from inventory import choices as ic
from inventory.models import System

from .. import choices as c
from ..models import CryptoAssessment, Finding, Grading, Risk

IN_SERVICE = ~Q(status=ic.SystemStatus.RETIRED)
LEVELS = (1, 2, 3, 4, 5)
PASSING = [c.Conclusion.PASS, c.Conclusion.BASIC]


@dataclass
class Department:
    unit_id: int
    name: str
    path: str
    levels: dict[int, int]
    not_graded: int

    @property
    def total(self) -> int:
        return sum(self.levels.values()) + self.not_graded


@dataclass
class Dashboard:
    departments: list[Department]
    filing: dict[str, int]
    assessment: dict[str, int]
    crypto: dict[str, int]
    overdue: dict[str, int]
    findings_open: dict[str, int]
    risks: dict[str, int]
    trend: dict[str, list] = field(default_factory=dict)


def level_by_department(user, unit) -> list[Department]:
    systems = narrowed(System.objects.restrict(user, "view"), unit).filter(IN_SERVICE)
    counts = {f"l{n}": Count("pk", filter=Q(lvl=n)) for n in LEVELS}
    rows = (
        systems.order_by()
        .alias(lvl=Coalesce("grading__level", "mlps_level"))
        .values("owner_unit", "owner_unit__name", "owner_unit__path")
        .annotate(none=Count("pk", filter=Q(lvl__isnull=True)), **counts)
    )
    departments = [
        Department(
            unit_id=row["owner_unit"],
            name=row["owner_unit__name"],
            path=row["owner_unit__path"],
            levels={n: row[f"l{n}"] for n in LEVELS},
            not_graded=row["none"],
        )
        for row in rows
    ]
    return sorted(departments, key=lambda d: d.path)


def grading_counts(user, unit, today: dt.date) -> tuple[dict, dict, dict]:
    """Filing, assessment and the overdue dates of gradings at level 2 and above of systems in service: one query."""
    filed = Q(state=c.GradingState.FILED)
    gradings = (
        narrowed(Grading.objects.restrict(user, "view"), unit)
        .filter(level__gte=2)
        .exclude(system__status=ic.SystemStatus.RETIRED)
    )
    totals = gradings.order_by().aggregate(
        graded=Count("pk"),
        filed=Count("pk", filter=filed),
        filing_overdue=Count("pk", filter=~filed & Q(filing_due__lt=today)),
        assessment_current=Count("pk", filter=filed & Q(next_assessment_due__gte=today)),
        assessment_overdue=Count("pk", filter=filed & Q(next_assessment_due__lt=today)),
        assessment_none=Count("pk", filter=filed & Q(next_assessment_due__isnull=True)),
        inspection_overdue=Count("pk", filter=filed & Q(next_self_inspection_due__lt=today)),
    )
    filing = {
        "filed": totals["filed"],
        "overdue": totals["filing_overdue"],
        "pending": totals["graded"] - totals["filed"] - totals["filing_overdue"],
        "total": totals["graded"],
    }
    assessment = {
        "current": totals["assessment_current"],
        "overdue": totals["assessment_overdue"],
        "none": totals["assessment_none"],
        "total": totals["filed"],
    }
    overdue = {
        "filings": totals["filing_overdue"],
        "assessments": totals["assessment_overdue"],
        "inspections": totals["inspection_overdue"],
    }
    return filing, assessment, overdue


def crypto_counts(user, unit, today: dt.date) -> dict[str, int]:
    """Systems at level 3 and above by their latest visible crypto assessment: one query."""
    latest = (
        CryptoAssessment.objects.restrict(user, "view").filter(system=OuterRef("pk")).order_by("-assessed_on", "-pk")
    )
    systems = (
        narrowed(System.objects.restrict(user, "view"), unit)
        .filter(IN_SERVICE)
        .alias(lvl=Coalesce("grading__level", "mlps_level"))
        .filter(lvl__gte=3)
        .alias(
            due=Subquery(latest.values("next_due")[:1]),
            conclusion=Subquery(latest.values("conclusion")[:1]),
        )
    )
    assessed = Q(conclusion__isnull=False)
    passing = assessed & Q(conclusion__in=PASSING)
    totals = systems.order_by().aggregate(
        total=Count("pk"),
        never=Count("pk", filter=~assessed),
        failed=Count("pk", filter=assessed & ~Q(conclusion__in=PASSING)),
        overdue=Count("pk", filter=passing & Q(due__lt=today)),
        current=Count("pk", filter=passing & (Q(due__gte=today) | Q(due__isnull=True))),
    )
    return totals


def finding_counts(user, unit, today: dt.date) -> dict[str, int]:
    unverified = ~Q(status=c.FindingStatus.VERIFIED)
    counts = {s: Count("pk", filter=unverified & Q(severity=s)) for s in c.Severity.values}
    return (
        narrowed(Finding.objects.restrict(user, "view"), unit)
        .order_by()
        .aggregate(
            open=Count("pk", filter=unverified),
            overdue=Count("pk", filter=unverified & Q(deadline__lt=today)),
            **counts,
        )
    )


def risk_counts(user, unit, today: dt.date) -> dict[str, int]:
    active = ~Q(status=c.RiskStatus.CLOSED)
    return (
        narrowed(Risk.objects.restrict(user, "view"), unit)
        .order_by()
        .alias(score=F("likelihood") * F("impact"))
        .aggregate(
            open=Count("pk", filter=active),
            overdue=Count("pk", filter=active & Q(due_date__lt=today)),
            severe=Count("pk", filter=active & Q(score__gte=10)),  # high (10–16) and extreme (20–25)
        )
    )


def months(today: dt.date, count: int = 12) -> list[dt.date]:
    first = today.replace(day=1)
    return [add_months(first, -offset) for offset in reversed(range(count))]


def trend(user, unit, today: dt.date) -> dict[str, list]:
    """Findings opened and verified per month for the last 12 months: two grouped queries."""
    span = months(today)
    findings = narrowed(Finding.objects.restrict(user, "view"), unit).order_by()
    opened = dict(
        findings.filter(found_on__gte=span[0])
        .annotate(month=TruncMonth("found_on"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    verified_rows = (
        findings.filter(status=c.FindingStatus.VERIFIED, verified_at__date__gte=span[0])
        .annotate(month=TruncMonth("verified_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    verified = {_month(month): n for month, n in verified_rows}
    opened = {_month(month): n for month, n in opened.items()}
    return {
        "months": [m.strftime("%Y-%m") for m in span],
        "opened": [opened.get(m, 0) for m in span],
        "verified": [verified.get(m, 0) for m in span],
    }


def _month(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def dashboard(user, *, unit=None, today: dt.date) -> Dashboard:
    filing, assessment, overdue = grading_counts(user, unit, today)
    findings = finding_counts(user, unit, today)
    risks = risk_counts(user, unit, today)
    overdue.update(findings=findings["overdue"], risks=risks["overdue"])
    return Dashboard(
        departments=level_by_department(user, unit),
        filing=filing,
        assessment=assessment,
        crypto=crypto_counts(user, unit, today),
        overdue=overdue,
        findings_open={"total": findings["open"], **{s: findings[s] for s in c.Severity.values}},
        risks=risks,
        trend=trend(user, unit, today),
    )
