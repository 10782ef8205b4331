"""The security dashboard: its numbers on a small fixture (filed / overdue / within the deadline, assessment current /
overdue, crypto, overdue findings and risks, the findings trend), a focus unit, the scope, a query count that does not
grow with the number of systems, and the home-page card."""

import datetime as dt
import itertools

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import testing
from core.workdays import add_months
from inventory import impact
from inventory.models import ImpactGraphVersion
from inventory.tests.factories import new_system
from security import ranking
from security.models import CryptoAssessment, Finding, Grading, Risk
from security.selectors.dashboard import dashboard, months
from security.tests.test_fusion import warm_up_graph

TODAY = timezone.localdate()  # the page counts against today
THIS_MONTH = TODAY.replace(day=1)
LAST_MONTH, TWO_MONTHS_AGO = add_months(THIS_MONTH, -1), add_months(THIS_MONTH, -2)
_n = itertools.count(1)


def grading(system, level: int, **fields) -> Grading:
    """A grading written directly (the workflow is tested on its own); deadlines as the schedule would store them."""
    values = {
        "system": system,
        "business_object": "society",
        "business_degree": "serious",
        "service_object": "citizen",
        "service_degree": "serious",
        "business_level": level,
        "service_level": 2,
        "level": level,
        "rationale": "系统承载面向群众的政务服务事项办理",
        "state": "filed",
        "graded_on": TODAY - dt.timedelta(days=200),
    }
    values.update(fields)
    return Grading.objects.create(**values)


def fixture(tree):
    """County A: two filed level-3 systems (one assessment current, one overdue), a level-2 grading overdue for filing,
    a level-2 grading within its filing deadline, a level-1 grading (no filing), an ungraded system; county B: one
    overdue filing that county A never sees."""
    current = new_system(tree.dept_a, name="甲县不动产登记系统")
    late = new_system(tree.sub_a, name="甲县国库集中支付系统")
    unfiled = new_system(tree.dept_a, name="甲县12345热线工单系统")
    pending = new_system(tree.township_a, name="甲县城关镇网格化管理平台")
    level1 = new_system(tree.dept_a, name="甲县财政局门户网站")
    new_system(tree.dept_a, name="甲县财政局内部办公系统")
    grading(current, 3, filed_on=TODAY - dt.timedelta(days=180), next_assessment_due=TODAY + dt.timedelta(days=60))
    grading(late, 3, filed_on=TODAY - dt.timedelta(days=500), next_assessment_due=TODAY - dt.timedelta(days=3))
    grading(unfiled, 2, state="approval", filing_due=TODAY - dt.timedelta(days=5))
    grading(pending, 2, state="expert_review", filing_due=TODAY + dt.timedelta(days=10))
    grading(level1, 1, state="approval")
    grading(new_system(tree.dept_b), 2, state="approval", filing_due=TODAY - dt.timedelta(days=9))
    CryptoAssessment.objects.create(
        system=current,
        level=3,
        assessed_on=TODAY - dt.timedelta(days=30),
        conclusion="basic",
        next_due=TODAY + dt.timedelta(days=335),
    )
    CryptoAssessment.objects.create(
        system=late,
        level=3,
        assessed_on=TODAY - dt.timedelta(days=30),
        conclusion="fail",
        next_due=TODAY + dt.timedelta(days=335),
    )
    finding = {"system": late, "source": "assessment", "title": "未部署数据库审计", "severity": "high"}
    Finding.objects.create(**finding, found_on=LAST_MONTH + dt.timedelta(days=2), deadline=TODAY - dt.timedelta(days=1))
    Finding.objects.create(**{**finding, "severity": "critical"}, found_on=TODAY, deadline=TODAY + dt.timedelta(days=5))
    verified_at = timezone.make_aware(dt.datetime.combine(LAST_MONTH + dt.timedelta(days=14), dt.time(10)))
    found_on = TWO_MONTHS_AGO + dt.timedelta(days=2)
    Finding.objects.create(
        **finding,
        found_on=found_on,
        deadline=found_on + dt.timedelta(days=15),
        status="verified",
        verified_at=verified_at,
    )
    Risk.objects.create(
        unit=tree.dept_a, title="备份未异地存放", likelihood=4, impact=5, due_date=TODAY - dt.timedelta(days=1)
    )
    Risk.objects.create(
        unit=tree.dept_a,
        title="机房空调单点",
        likelihood=2,
        impact=2,
        status="closed",
        due_date=TODAY - dt.timedelta(days=1),
    )
    return current, late


class DashboardNumbersTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.cio = testing.make_user("cio_dashboard", "cio", cls.tree.county_a)
        cls.current, cls.late = fixture(cls.tree)

    def setUp(self):
        impact.build_graph()

    def test_numbers_of_the_scope(self):
        data = dashboard(self.cio, today=TODAY)
        self.assertEqual(data.filing, {"filed": 2, "overdue": 1, "pending": 1, "total": 4})
        self.assertEqual(data.assessment, {"current": 1, "overdue": 1, "none": 0, "total": 2})
        self.assertEqual(data.crypto, {"total": 2, "never": 0, "failed": 1, "overdue": 0, "current": 1})
        self.assertEqual(data.overdue, {"filings": 1, "assessments": 1, "inspections": 0, "findings": 1, "risks": 1})
        self.assertEqual(data.findings_open, {"total": 2, "critical": 1, "high": 1, "medium": 0, "low": 0})
        self.assertEqual(data.risks, {"open": 1, "overdue": 1, "severe": 1})
        levels = {d.name: (d.levels, d.not_graded) for d in data.departments}
        self.assertEqual(levels["甲县财政局"], ({1: 1, 2: 1, 3: 1, 4: 0, 5: 0}, 1))
        self.assertNotIn("乙县财政局", levels)

    def test_findings_trend_by_month(self):
        trend = dashboard(self.cio, today=TODAY).trend
        self.assertEqual(trend["months"][-1], TODAY.strftime("%Y-%m"))
        self.assertEqual(trend["months"][0], add_months(THIS_MONTH, -11).strftime("%Y-%m"))
        self.assertEqual(len(months(TODAY)), 12)
        by_month = list(zip(trend["opened"], trend["verified"], strict=True))
        self.assertEqual(by_month[-3:], [(1, 0), (1, 1), (1, 0)])
        self.assertEqual(sum(trend["opened"]), 3)

    def test_focus_unit_narrows(self):
        data = dashboard(self.cio, unit=self.tree.sub_a, today=TODAY)
        self.assertEqual(data.assessment["overdue"], 1)
        self.assertEqual(data.filing["total"], 1)
        self.assertEqual(data.overdue["findings"], 1)
        self.assertEqual(data.overdue["risks"], 0)

    def test_the_page_renders_while_the_impact_graph_is_first_computed(self):
        ranking.compute()  # an order is stored; its rows are weighed again when shown, which reads the graph
        ImpactGraphVersion.objects.all().delete()
        impact.forget_graph()
        self.client.force_login(self.cio)
        response = self.client.get(reverse("security:dashboard"))
        self.assertContains(response, 'id="chart-levels"')
        self.assertTrue(response.context["top_computing"])
        self.assertEqual(response.context["top"], [])

    def test_page_and_unit_outside_scope(self):
        self.client.force_login(self.cio)
        url = reverse("security:dashboard")
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="chart-levels"')
        self.assertContains(response, 'id="fusion-top"')
        self.assertEqual(response.context["filing_share"], 50)
        self.assertIn(self.late.name, [e.facts.name for e in response.context["top"]])
        self.assertEqual(self.client.get(url, {"unit": self.tree.sub_a.pk}).context["unit"], self.tree.sub_a)
        self.assertEqual(self.client.get(url, {"unit": self.tree.dept_b.pk}).status_code, 404)

    def test_without_permission(self):
        self.client.force_login(testing.make_user("staff_dashboard", "staff", self.tree.county_a))
        self.assertEqual(self.client.get(reverse("security:dashboard")).status_code, 404)

    def test_home_card(self):
        self.client.force_login(self.cio)
        response = self.client.get(reverse("core:home"))
        self.assertContains(response, 'id="security-card"')
        card = next(card for card in response.context["cards"] if card["template"].startswith("security/"))
        self.assertEqual((card["graded"], card["filed"]), (4, 2))


class DashboardQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.cio = testing.make_user("cio_dashboard_q", "cio", cls.tree.county_a)
        fixture(cls.tree)

    def test_query_count_does_not_grow_with_systems_or_departments(self):
        impact.build_graph()
        self.client.force_login(self.cio)
        warm_up_graph(self.cio)
        counts = []
        for extra in (0, 15):
            for _ in range(extra):
                unit = testing.make_unit(
                    f"甲县第{next(_n)}局", f"990001-X{next(_n):03d}", "department", self.tree.county_a
                )
                grading(new_system(unit), 3, filed_on=TODAY, next_assessment_due=TODAY + dt.timedelta(days=300))
            testing.recount()  # made through the ORM: counted again, and ranked again, before the look
            ranking.compute()
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get(reverse("security:dashboard")).status_code, 200)
            counts.append(len(ctx.captured_queries))
        self.assertEqual(counts[0], counts[1], counts)
        self.assertLessEqual(counts[1], 48, counts)  # the ranking's top rows are weighed again from their facts
