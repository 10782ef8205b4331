"""The security dashboard's numbers for a scope (the user's, or any unit in it): sums over the gate's path ranges of
per-unit rollups (core.rollups), each unit's own counts kept exact from the write path — the same few queries
whatever the number of systems or departments. Each section sums the units where the user may view its records.

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

from core import rollups
from core.workdays import add_months
from inventory import choices as ic
from inventory.models import System

from .. import choices as c
from ..models import CryptoAssessment, Finding, Grading, Risk

IN_SERVICE = ~Q(status=ic.SystemStatus.RETIRED)
LEVELS = (1, 2, 3, 4, 5)
PASSING = [c.Conclusion.PASS, c.Conclusion.BASIC]
DEPARTMENTS = 200  # the levels chart scrolls through the departments with most systems; a province has 10,000


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
    dated: dt.date | None = None  # the day the date-dependent counts are of, when not today (core.rollups.flush)


# Per-unit rollups (core.rollups): each unit's own counts, summed over the gate's path ranges when read. -------------

LEVEL_ROWS, GRADING_ROWS, CRYPTO_ROWS = "security.levels", "security.gradings", "security.crypto"
FINDING_ROWS, RISK_ROWS = "security.findings", "security.risks"


def _by_unit(queryset, group: str, counts: dict, ids) -> dict[int, dict]:
    if ids is not None:
        queryset = queryset.filter(**{f"{group}__in": ids})
    return {row.pop(group): row for row in queryset.order_by().values(group).annotate(**counts)}


def count_levels(ids, today: dt.date) -> dict[int, dict]:
    """Systems in service by MLPS level — the grading's, else the level recorded on the system."""
    counts = {f"l{n}": Count("pk", filter=Q(lvl=n)) for n in LEVELS}
    systems = System.objects.filter(IN_SERVICE).alias(lvl=Coalesce("grading__level", "mlps_level"))
    return _by_unit(systems, "owner_unit", {"none": Count("pk", filter=Q(lvl__isnull=True)), **counts}, ids)


def count_gradings(ids, today: dt.date) -> dict[int, dict]:
    """Filing, assessment and the overdue dates of gradings at level 2 and above of systems in service."""
    filed = Q(state=c.GradingState.FILED)
    gradings = Grading.objects.filter(level__gte=2).exclude(system__status=ic.SystemStatus.RETIRED)
    counts = {
        "graded": Count("pk"),
        "filed": Count("pk", filter=filed),
        "filing_overdue": Count("pk", filter=~filed & Q(filing_due__lt=today)),
        "assessment_current": Count("pk", filter=filed & Q(next_assessment_due__gte=today)),
        "assessment_overdue": Count("pk", filter=filed & Q(next_assessment_due__lt=today)),
        "assessment_none": Count("pk", filter=filed & Q(next_assessment_due__isnull=True)),
        "inspection_overdue": Count("pk", filter=filed & Q(next_self_inspection_due__lt=today)),
    }
    return _by_unit(gradings, "system__owner_unit", counts, ids)


def count_crypto(ids, today: dt.date) -> dict[int, dict]:
    """Systems at level 3 and above by their latest crypto assessment."""
    latest = CryptoAssessment.objects.filter(system=OuterRef("pk")).order_by("-assessed_on", "-pk")
    systems = (
        System.objects.filter(IN_SERVICE)
        .alias(lvl=Coalesce("grading__level", "mlps_level"))
        .filter(lvl__gte=3)
        .alias(due=Subquery(latest.values("next_due")[:1]), conclusion=Subquery(latest.values("conclusion")[:1]))
    )
    assessed = Q(conclusion__isnull=False)
    passing = assessed & Q(conclusion__in=PASSING)
    counts = {
        "total": Count("pk"),
        "never": Count("pk", filter=~assessed),
        "failed": Count("pk", filter=assessed & ~Q(conclusion__in=PASSING)),
        "overdue": Count("pk", filter=passing & Q(due__lt=today)),
        "current": Count("pk", filter=passing & (Q(due__gte=today) | Q(due__isnull=True))),
    }
    return _by_unit(systems, "owner_unit", counts, ids)


def count_findings(ids, today: dt.date) -> dict[int, dict]:
    """Unverified findings (by severity, and past their deadline) and the last 12 months' trend."""
    unverified = ~Q(status=c.FindingStatus.VERIFIED)
    counts = {s: Count("pk", filter=unverified & Q(severity=s)) for s in c.Severity.values}
    counts.update(open=Count("pk", filter=unverified), overdue=Count("pk", filter=unverified & Q(deadline__lt=today)))
    found = _by_unit(Finding.objects.all(), "system__owner_unit", counts, ids)
    span = months(today)
    findings = Finding.objects.order_by()
    if ids is not None:
        findings = findings.filter(system__owner_unit__in=ids)
    opened = (
        findings.filter(found_on__gte=span[0])
        .annotate(month=TruncMonth("found_on"))
        .values_list("system__owner_unit", "month")
        .annotate(n=Count("pk"))
    )
    verified = (
        findings.filter(status=c.FindingStatus.VERIFIED, verified_at__date__gte=span[0])
        .annotate(month=TruncMonth("verified_at"))
        .values_list("system__owner_unit", "month")
        .annotate(n=Count("pk"))
    )
    for name, rows in (("opened", opened), ("verified", verified)):
        for unit, month, n in rows:
            found[unit].setdefault(name, {})[_month(month).strftime("%Y-%m")] = n
    return found


def count_risks(ids, today: dt.date) -> dict[int, dict]:
    active = ~Q(status=c.RiskStatus.CLOSED)
    risks = Risk.objects.alias(score=F("likelihood") * F("impact"))
    counts = {
        "open": Count("pk", filter=active),
        "overdue": Count("pk", filter=active & Q(due_date__lt=today)),
        "severe": Count("pk", filter=active & Q(score__gte=10)),  # high (10–16) and extreme (20–25)
    }
    return _by_unit(risks, "unit", counts, ids)


def register() -> None:
    rollups.register(LEVEL_ROWS, System, count_levels)
    rollups.register(GRADING_ROWS, Grading, count_gradings)
    rollups.register(CRYPTO_ROWS, System, count_crypto)
    rollups.register(FINDING_ROWS, Finding, count_findings)
    rollups.register(RISK_ROWS, Risk, count_risks)


# Sums for a scope -----------------------------------------------------------------------------------------------


def level_by_department(user, unit, today: dt.date, limit: int = DEPARTMENTS) -> list[Department]:
    """The ``limit`` departments with most systems in service, most first: ordered and cut by the database."""
    levels = {f"l{n}": rollups.number(f"l{n}") for n in LEVELS}
    rows = (
        rollups.scoped(user, LEVEL_ROWS, unit, today)
        .annotate(**levels, none=rollups.number("none"))
        .annotate(total=sum((F(key) for key in levels), F("none")))
        .order_by("-total", "unit__path")
        .values_list("unit_id", "unit__name", "unit__path", "none", *levels)[:limit]
    )
    return [
        Department(pk, name, path, dict(zip(LEVELS, counts, strict=True)), none)
        for pk, name, path, none, *counts in rows
    ]


def _summed(user, kind: str, unit, today: dt.date, keys) -> dict:
    return rollups.sums(user, kind, keys, unit, today)


def grading_counts(user, unit, today: dt.date) -> tuple[dict, dict, dict]:
    keys = ("graded", "filed", "filing_overdue", "assessment_current", "assessment_overdue", "assessment_none")
    totals = _summed(user, GRADING_ROWS, unit, today, (*keys, "inspection_overdue"))
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
    return _summed(user, CRYPTO_ROWS, unit, today, ("total", "never", "failed", "overdue", "current"))


def finding_counts(user, unit, today: dt.date) -> dict:
    span = [m.strftime("%Y-%m") for m in months(today)]
    trend_keys = [(name, month) for name in ("opened", "verified") for month in span]
    found = _summed(user, FINDING_ROWS, unit, today, ("open", "overdue", *c.Severity.values, *trend_keys))
    found["trend"] = {name: {month: found.pop((name, month)) for month in span} for name in ("opened", "verified")}
    return found


def risk_counts(user, unit, today: dt.date) -> dict[str, int]:
    return _summed(user, RISK_ROWS, unit, today, ("open", "overdue", "severe"))


def months(today: dt.date, count: int = 12) -> list[dt.date]:
    first = today.replace(day=1)
    return [add_months(first, -offset) for offset in reversed(range(count))]


def trend(counted: dict, today: dt.date) -> dict[str, list]:
    """Findings opened and verified per month for the last 12 months, from the findings' rollups."""
    span = [m.strftime("%Y-%m") for m in months(today)]
    return {
        "months": span,
        "opened": [counted["opened"].get(m, 0) for m in span],
        "verified": [counted["verified"].get(m, 0) for m in span],
    }


def _month(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def dashboard(user, *, unit=None, today: dt.date) -> Dashboard:
    """The dashboard's figures for the user's scope (``unit``'s subtree when given): sums of per-unit rollups."""
    day = rollups.flush(today)
    filing, assessment, overdue = grading_counts(user, unit, today)
    findings = finding_counts(user, unit, today)
    risks = risk_counts(user, unit, today)
    overdue.update(findings=findings["overdue"], risks=risks["overdue"])
    return Dashboard(
        departments=level_by_department(user, unit, today),
        filing=filing,
        assessment=assessment,
        crypto=crypto_counts(user, unit, today),
        overdue=overdue,
        findings_open={"total": findings["open"], **{s: findings[s] for s in c.Severity.values}},
        risks=risks,
        trend=trend(findings["trend"], today),
        dated=day if day != today else None,
    )
