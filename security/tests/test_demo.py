"""The demo security data (issue 4: "works in Chinese on the demo data"): the mix, the rules it must satisfy, the
deadlines as the services compute them, and determinism with the seed."""

import random
import re
from collections import Counter

import pytest
from django.db import transaction
from django.utils import timezone

from core import demo
from core.demo import tree
from core.models import AuditRecord, Unit
from core.workdays import add_months
from inventory.demo import extension as inventory_extension
from inventory.models import System
from security import crypto
from security.choices import AssessmentKind, Conclusion, FindingStatus, GradingState, Opinion
from security.demo import extension
from security.grading import Harm, grade
from security.models import (
    Assessment,
    CryptoAssessment,
    CryptoItemResult,
    ExpertOpinion,
    Finding,
    Grading,
    Risk,
    SecurityPolicy,
)
from security.services import schedule

pytestmark = pytest.mark.django_db
FILING_NUMBER = re.compile(r"^\d{11}-[2-5]\d{4}$")


@pytest.fixture(autouse=True)
def registered(monkeypatch, settings, tmp_path):
    """Both extensions are in core.demo.EXTENSIONS, the inventory's first (the apps' ready() registers them)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DATA_DIR = tmp_path
    others = [e for e in demo.EXTENSIONS if e not in (inventory_extension, extension)]
    monkeypatch.setattr(demo, "EXTENSIONS", [*others, inventory_extension, extension])


def plant(scale: str, seed: int) -> list[Unit]:
    """The demo tree, its inventory and its security data; no staff and no search index (faster)."""
    nodes = tree.plan(scale, random.Random(seed))
    tree.save(nodes)
    units = [node.unit for node in nodes]
    inventory_extension(random.Random(f"inventory:{seed}"), units, None)
    extension(random.Random(f"security:{seed}"), units, None)
    return units


class Rollback(Exception):
    pass


def snapshot(seed: int):
    try:
        with transaction.atomic():
            plant("county", seed)
            gradings = list(
                Grading.objects.order_by("system__code").values_list(
                    "system__code",
                    "level",
                    "business_object",
                    "service_degree",
                    "state",
                    "graded_on",
                    "filed_on",
                    "filing_number",
                    "filing_due",
                    "next_assessment_due",
                    "rationale",
                )
            )
            opinions = list(
                ExpertOpinion.objects.order_by("grading__system__code", "review_round", "expert_name").values_list(
                    "expert_name", "conclusion", "given_on"
                )
            )
            assessments = sorted(Assessment.objects.values_list("system__code", "kind", "assessed_on", "score"))
            findings = sorted(
                Finding.objects.values_list("system__code", "title", "severity", "found_on", "status", "deadline")
            )
            risks = sorted(Risk.objects.values_list("unit__code", "title", "likelihood", "impact", "status"))
            levels = list(System.objects.order_by("code").values_list("code", "mlps_level"))
            raise Rollback
    except Rollback:
        pass
    return gradings, opinions, assessments, findings, risks, levels


def share(counter: Counter, key) -> float:
    return counter[key] / sum(counter.values())


def check_gradings(today) -> None:
    gradings = list(Grading.objects.select_related("system__owner_unit"))
    running = System.objects.filter(status="running").count()
    assert Grading.objects.filter(system__status="running").count() >= 0.8 * running  # most running systems

    levels = Counter(g.level for g in gradings)
    assert 0.45 <= share(levels, 2) <= 0.65 and 0.25 <= share(levels, 3) <= 0.45
    assert 0.04 <= share(levels, 1) <= 0.12 and share(levels, 4) <= 0.02
    states = Counter(g.state for g in gradings)
    assert set(states) == set(GradingState.values) and 0.45 <= share(states, GradingState.FILED) <= 0.75

    numbers = []
    for g in gradings:
        policy = SecurityPolicy.for_path(g.system.owner_unit.path)
        result = grade(
            Harm(g.business_object, g.business_degree),
            Harm(g.service_object, g.service_degree),
            citizen_especially_serious=policy.citizen_especially_serious_level,
        )
        assert (g.business_level, g.service_level) == (result.business_level, result.service_level)
        assert g.level == result.level
        assert g.system.name in g.rationale and g.system.purpose.rstrip("。")[:20] in g.rationale
        assert f"第{'一二三四五'[g.level - 1]}级" in g.rationale
        if g.state == GradingState.FILED:
            assert g.system.mlps_level == g.level, g.system.code
            assert g.approved_on and g.filed_on >= g.approved_on >= g.graded_on
            assert g.graded_on.year >= 2023 and g.filed_on <= today
            if g.level >= 2:
                assert FILING_NUMBER.match(g.filing_number), g.filing_number
                assert g.filing_number.split("-")[1][0] == str(g.level)
                assert g.certificate_date >= g.filed_on
                numbers.append(g.filing_number)
            else:
                assert g.filing_number == "" and g.filed_on == g.approved_on  # level 1: in force once approved
        elif g.filed_on:  # a filed grading reopened (regraded): the filed level stays on the system
            assert g.state == GradingState.DRAFT and g.needs_review and g.system.mlps_level
        else:
            assert g.system.mlps_level is None and g.filing_number == ""
        if g.state == GradingState.DRAFT:
            assert g.graded_on is None
        if g.state == GradingState.REJECTED:
            assert g.rejection_reason
    assert len(numbers) == len(set(numbers))
    assert any(g.needs_review and re.match(r"^\d{4}-\d\d-\d\d ", g.review_reason) for g in gradings)
    assert not System.objects.filter(grading__isnull=True, mlps_level__isnull=False).exists()

    # Expert review: past it, 2–3 opinions in the current round and nobody in it disagreeing.
    past = [g for g in gradings if g.level >= 2 and g.review_round and g.state != GradingState.EXPERT_REVIEW]
    assert past
    for g in past:
        current = [o for o in g.opinions.all() if o.review_round == g.review_round]
        assert 2 <= len(current) <= 3 and all(o.conclusion != Opinion.DISAGREE for o in current)
        assert all(re.search("大学|中心", o.expert_title) for o in current)
    assert ExpertOpinion.objects.filter(review_round=1, grading__review_round=2, conclusion="disagree").exists()


def check_deadlines(today) -> None:
    """The stored deadlines are the ones the services compute (refresh_grading queries the assessments)."""
    sample = list(Grading.objects.select_related("system__owner_unit").order_by("?")[:60])
    sample += list(Grading.objects.filter(state=GradingState.FILED, level=3).select_related("system__owner_unit")[:20])
    sample += list(Grading.objects.filter(state__in=["approval", "rejected"]).select_related("system__owner_unit")[:20])
    fields = ("filing_due", "filing_due_provisional", "next_assessment_due", "next_self_inspection_due")
    for g in sample:
        stored = [getattr(g, name) for name in fields]
        schedule.refresh_grading(g, save=False)
        assert stored == [getattr(g, name) for name in fields], g.system.code
    assert Grading.objects.filter(state="approval", filing_due__lt=today).exists()  # filings overdue too
    for finding in Finding.objects.select_related("system__owner_unit").order_by("?")[:60]:
        deadline = schedule.finding_deadline(finding)
        assert (finding.deadline, finding.deadline_provisional) == (deadline.date, deadline.provisional)
    for assessment in CryptoAssessment.objects.select_related("system__owner_unit")[:30]:
        assert assessment.next_due == schedule.crypto_next_due(assessment)


def check_assessments(today) -> None:
    year_ago = add_months(today, -12)
    filed3 = Grading.objects.filter(state=GradingState.FILED, level=3)
    recent = filed3.filter(system__assessments__kind="assessment", system__assessments__assessed_on__gte=year_ago)
    assert recent.distinct().count() >= 0.6 * filed3.count()
    assert filed3.filter(next_assessment_due__lt=today).exists()  # some overdue
    assert Grading.objects.filter(state=GradingState.FILED, level=2, system__assessments__isnull=False).exists()
    for a in Assessment.objects.all():
        assert 70 <= a.score <= 98 and a.summary and a.level >= 2
        assert a.conclusion == (Conclusion.PASS if a.score >= 90 else Conclusion.BASIC)
        if a.kind == AssessmentKind.ASSESSMENT:
            assert a.score <= 95 and a.institution.endswith(("中心", "公司"))
    assert Assessment.objects.filter(kind=AssessmentKind.SELF_INSPECTION).exists()
    cryptos = list(CryptoAssessment.objects.select_related("system__grading"))
    assert cryptos and all(a.level == crypto.crypto_level(a.system.mlps_level) for a in cryptos)
    for item in CryptoItemResult.objects.select_related("assessment"):
        assert item.requirement == crypto.requirement(item.assessment.level, item.item)
    assert Counter(CryptoItemResult.objects.values_list("assessment", flat=True)).most_common()[-1][1] == 8


def check_findings(today) -> None:
    findings = list(Finding.objects.select_related("system__owner_unit", "owner__unit"))
    assert {f.source for f in findings} == {"assessment", "crypto", "inspection", "incident", "scanner"}
    assert {f.severity for f in findings} == {"critical", "high", "medium", "low"}
    assert {f.status for f in findings} == set(FindingStatus.values)
    overdue = [f for f in findings if f.status == FindingStatus.OPEN and f.deadline < today]
    assert 0.02 * len(findings) <= len(overdue) <= 0.25 * len(findings)
    assert any(f.reference.startswith("CVE-") for f in findings) and all(f.asset for f in findings)
    assert any("SM4" in f.title for f in findings) and any("弱口令" in f.title for f in findings)
    for f in findings:
        assert f.owner is not None and f.owner.unit_id in (f.system.owner_unit_id, f.system.owner_unit.parent_id)
        if f.status == FindingStatus.VERIFIED:
            assert f.verified_by_id and f.verified_by_id != f.fixed_by_id and f.verified_at > f.fixed_at
        if f.source in ("assessment", "crypto"):
            assert f.assessment_id or f.crypto_assessment_id


def check_risks() -> None:
    risks = list(Risk.objects.select_related("unit").prefetch_related("systems__owner_unit"))
    departments = Unit.objects.filter(kind="department", parent__kind="county").count()
    assert 2 * departments <= len(risks) <= 5 * departments
    assert len({(r.likelihood, r.impact) for r in risks}) >= 8
    assert Risk.data_resources.through.objects.exists() and all(r.owner_id and r.treatment_plan for r in risks)
    for risk in risks:
        for system in risk.systems.all():
            assert risk.unit.pk in (system.owner_unit_id, system.owner_unit.parent_id)


def test_county_demo_security_data():
    counts = demo.generate("county", 1)
    today = timezone.localdate()
    assert counts["gradings"] == Grading.objects.count() and counts["risks"] == Risk.objects.count()
    assert counts["findings"] == Finding.objects.count() > 500
    assert counts["findings_overdue"] == Finding.objects.filter(status="open", deadline__lt=today).count()
    root = Unit.objects.get(depth=1)
    policy = SecurityPolicy.objects.get()  # at county scale the county is the top government: 10 working days
    assert policy.unit == root and (policy.filing_deadline_kind, policy.filing_deadline_days) == ("working", 10)
    check_gradings(today)
    check_deadlines(today)
    check_assessments(today)
    check_findings(today)
    check_risks()
    assert AuditRecord.objects.get().changes["counts"]["gradings"] == counts["gradings"]  # one summary entry only


def test_same_seed_same_security_data_other_seed_other_data():
    first, again, other = snapshot(3), snapshot(3), snapshot(4)
    assert first == again
    assert first[0] != other[0] and first[3] != other[3]
    assert Grading.objects.count() == 0  # rolled back
