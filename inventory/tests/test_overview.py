"""The overview on a small known estate (exact numbers), its scope and focus, a query count that does not grow with
the data, the data-quality checks and score, and the home-page card."""

import datetime as dt
import itertools
import json
import re
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import testing
from core.testing import build_tree, make_user
from inventory import choices as c
from inventory.cards import inventory_card
from inventory.models import DataItem, DataResource, ServiceItem, System
from inventory.selectors import quality
from inventory.selectors.overview import overview

TODAY = timezone.localdate()
_n = itertools.count(1)

COMPLETE = {
    "responsible_person": "王芳",
    "purpose": "预算编制、执行和决算的全过程管理",
    "status": c.SystemStatus.RUNNING,
    "user_count": 50,
    "go_live_date": dt.date(2021, 3, 1),
    "last_active_date": TODAY - dt.timedelta(days=1),
    "om_contract_end": TODAY + dt.timedelta(days=200),
    "hosting": c.Hosting.GOV_CLOUD,
    "network": c.Network.EGOV_EXTRANET,
    "data_class": c.DataClass.GENERAL,
}


def make_system(unit, name, **fields) -> System:
    values = {"code": f"OV-{next(_n):05d}", "owner_unit": unit, **COMPLETE, **fields}
    return System.objects.create(name=name, **values)


def make_resource(unit, name, items=(), **fields) -> DataResource:
    values = {
        "class_code": "3",
        "item_code": "01",
        "category_code": "001",
        "code": f"301001/{next(_n):06d}",
        "abstract": "记录预算指标的下达与调整",
        "publication_date": dt.date(2024, 6, 1),
        **fields,
    }
    resource = DataResource.objects.create(name=name, provider=unit, **values)
    DataItem.objects.bulk_create(DataItem(resource=resource, name=item, position=i) for i, item in enumerate(items))
    return resource


def build_estate(tree):
    """Five systems in county A (one retired, one suspended, one planned), one in county B; see the tests."""
    s1 = make_system(
        tree.dept_a,
        "甲县预算管理一体化系统",
        tech_os="麒麟 V10",
        tech_os_domestic=True,
        tech_database="达梦 DM8",
        tech_database_domestic=True,
        build_cost=Decimal("100"),
        annual_om_cost=Decimal("10"),
        mlps_level=3,
    )
    s2 = make_system(
        tree.dept_a,
        "甲县非税收入收缴系统",
        hosting=c.Hosting.MACHINE_ROOM,
        tech_os="Windows Server",
        tech_database="达梦 DM8",
        tech_database_domestic=True,
        build_cost=Decimal("50.5"),
        annual_om_cost=Decimal("5.5"),
        mlps_level=2,
        user_count=5,
    )
    make_system(
        tree.dept_a,
        "甲县财政旧门户网站",
        status=c.SystemStatus.RETIRED,
        build_cost=Decimal("30"),
        annual_om_cost=Decimal("3"),
    )
    s4 = make_system(
        tree.sub_a,
        "甲县国库集中支付系统",
        status=c.SystemStatus.SUSPENDED,
        responsible_person="",
        purpose="",
        hosting="",
        network="",
        data_class="",
        user_count=None,
        last_active_date=None,
        annual_om_cost=Decimal("2"),
    )
    make_system(
        tree.township_a,
        "城关镇便民服务APP",
        status=c.SystemStatus.PLANNED,
        hosting=c.Hosting.EXTERNAL,
        purpose="",
        tech_cpu="飞腾 FT-2000",
        tech_cpu_domestic=True,
        build_cost=Decimal("20"),
    )
    make_system(tree.dept_b, "乙县预算管理一体化系统", build_cost=Decimal("999"), annual_om_cost=Decimal("99"))
    make_resource(tree.dept_a, "预算指标信息", ["指标文号", "金额"], open_attribute=c.OpenAttribute.OPEN)
    make_resource(
        tree.sub_a,
        "国库支付明细",
        sharing_type=c.SharingType.NOT_SHARED,
        sharing_conditions="",
        abstract="",
        publication_date=None,
    )
    make_resource(tree.dept_b, "乙县预算指标信息", ["指标文号"])
    delivered = ServiceItem.objects.create(name="非税收入缴款", code="SX-OV-1", unit=tree.dept_a)
    delivered.systems.add(s1)
    ServiceItem.objects.create(name="行政事业单位资产处置审批", code="SX-OV-2", unit=tree.dept_a)
    ServiceItem.objects.create(name="乙县非税收入缴款", code="SX-OV-3", unit=tree.dept_b)
    return s1, s2, s4


class OverviewNumbersTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = build_tree()
        cls.cio = make_user("ov_cio", "cio", cls.tree.county_a)
        cls.s1, cls.s2, cls.s4 = build_estate(cls.tree)

    def data(self, user=None, unit=None):
        return overview(user or self.cio, unit=unit, today=TODAY, can_resources=True, can_services=True)

    def test_exact_numbers_for_the_scope(self):
        data = self.data()
        self.assertEqual(data.systems, 5)
        self.assertEqual(
            {s["code"]: s["count"] for s in data.by_status},
            {"planned": 1, "building": 0, "running": 2, "suspended": 1, "retired": 1},
        )
        self.assertEqual(data.cloud_share, 25.0)  # 1 of the 4 systems in service
        self.assertEqual(
            {h["code"]: h["count"] for h in data.by_hosting},
            {"gov_cloud": 1, "machine_room": 1, "external": 1, "": 1},
        )
        shares = {p["part"]: p["share"] for p in data.domestic_parts}
        self.assertEqual(shares, {"language": None, "database": 100.0, "os": 50.0, "middleware": None, "cpu": 100.0})
        self.assertEqual(data.domestic_share, 66.7)  # 2 of 3 systems with components are fully domestic
        self.assertEqual(data.build_cost, Decimal("200.50"))
        self.assertEqual(data.om_cost, Decimal("17.50"))  # retired systems cost no O&M
        self.assertEqual(data.zombies, 2)  # s2: few users; s4: suspended
        self.assertEqual({m["level"]: m["count"] for m in data.mlps}, {1: 0, 2: 1, 3: 1, 4: 0, 5: 0, None: 2})

    def test_resources_and_service_items(self):
        data = self.data()
        self.assertEqual(data.resources["total"], 2)
        self.assertEqual(
            {s["code"]: s["count"] for s in data.resources["by_sharing"]},
            {"unconditional": 1, "conditional": 0, "not_shared": 1},
        )
        self.assertEqual(
            {s["code"]: s["count"] for s in data.resources["by_open"]}, {"open": 1, "conditional": 0, "not_open": 1}
        )
        self.assertEqual(data.services, {"total": 2, "delivered": 1, "share": 50.0})

    def test_department_rows(self):
        rows = {row.name: row for row in self.data().departments}
        self.assertEqual(set(rows), {"甲县财政局", "甲县国库支付中心", "甲县城关镇"})
        dept = rows["甲县财政局"]
        self.assertEqual(
            (dept.systems, dept.running, dept.cloud_share, dept.domestic_share, dept.om_cost, dept.zombies),
            (3, 2, 50.0, 50.0, Decimal("15.50"), 1),
        )
        sub = rows["甲县国库支付中心"]
        self.assertEqual(
            (sub.systems, sub.running, sub.cloud_share, sub.domestic_share, sub.zombies), (1, 0, 0.0, None, 1)
        )
        self.assertEqual(rows["甲县城关镇"].domestic_share, 100.0)

    def test_quality_scores(self):
        data = self.data()
        rows = {row.name: row for row in data.departments}
        self.assertEqual(rows["甲县财政局"].quality, 100.0)
        self.assertEqual(rows["甲县国库支付中心"].quality, 10.0)  # 100 × (1 − 18/20)
        self.assertEqual(rows["甲县城关镇"].quality, 83.3)  # 100 × (1 − 2/12): no purpose
        self.assertEqual(data.quality_score, 70.1)  # 100 × (1 − 20/67)
        self.assertEqual([u.name for u in data.quality_units], ["甲县国库支付中心", "甲县城关镇"])

    def test_focus_on_a_subtree(self):
        data = self.data(unit=self.tree.dept_a)
        self.assertEqual(data.systems, 4)
        self.assertEqual(data.resources["total"], 2)
        self.assertEqual(data.services["total"], 2)

    def test_a_liaison_sees_only_their_department(self):
        liaison = make_user("ov_liaison", "liaison", self.tree.dept_a)
        data = self.data(liaison)
        self.assertEqual(data.systems, 4)
        self.assertEqual({row.name for row in data.departments}, {"甲县财政局", "甲县国库支付中心"})
        self.assertEqual(data.build_cost, Decimal("180.50"))


class QualityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = build_tree()

    def test_missing_fields_of_a_system(self):
        system = make_system(self.tree.sub_a, "甲县国库集中支付系统", responsible_person="", hosting="", data_class="")
        [(row, gaps)] = quality.system_gaps(System.objects.all(), today=TODAY)
        self.assertEqual(row, system)
        self.assertEqual([g.code for g in gaps], ["system.responsible_person", "system.hosting", "system.data_class"])

    def test_doubtful_fields_of_a_running_system(self):
        make_system(
            self.tree.dept_a,
            "甲县政府采购管理系统",
            go_live_date=None,
            last_active_date=TODAY + dt.timedelta(days=30),
            om_contract_end=TODAY - dt.timedelta(days=1),
        )
        [(_row, gaps)] = quality.system_gaps(System.objects.all(), today=TODAY)
        self.assertEqual(
            [g.code for g in gaps],
            ["system.go_live_date", "system.last_active_future", "system.om_contract_ended"],
        )

    def test_running_only_checks_skip_other_statuses_and_retired_systems_are_not_counted(self):
        make_system(self.tree.dept_a, "甲县在建系统", status=c.SystemStatus.BUILDING, go_live_date=None)
        make_system(self.tree.dept_a, "甲县已退役系统", status=c.SystemStatus.RETIRED, responsible_person="")
        self.assertEqual(quality.system_gaps(System.objects.all(), today=TODAY), [])

    def test_missing_fields_of_a_resource(self):
        make_resource(self.tree.dept_a, "完整的资源", ["字段"])
        make_resource(
            self.tree.dept_a,
            "政府债务台账",
            sharing_type=c.SharingType.NOT_SHARED,
            sharing_conditions="",
            abstract="",
            publication_date=None,
        )
        [(row, gaps)] = quality.resource_gaps(DataResource.objects.all(), today=TODAY)
        self.assertEqual(row.name, "政府债务台账")
        self.assertEqual(
            [g.code for g in gaps],
            ["resource.items", "resource.abstract", "resource.publication_date", "resource.not_shared_basis"],
        )

    def test_score_of_a_unit(self):
        make_system(self.tree.dept_a, "甲县预算管理一体化系统", network="")  # fails 1 of 15 weight
        units = quality.quality_by_unit(System.objects.all(), DataResource.objects.all(), today=TODAY)
        self.assertEqual(units[self.tree.dept_a.pk].score, round(100 * (1 - 1 / 15), 1))


class OverviewPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = build_tree()
        cls.cio = make_user("op_cio", "cio", cls.tree.county_a)
        cls.expert = make_user("op_expert", "expert", cls.tree.county_a)
        cls.nobody = make_user("op_nobody", None, cls.tree.county_a)
        build_estate(cls.tree)

    def get(self, user, **params):
        self.client.force_login(user)
        return self.client.get(reverse("inventory:overview"), params)

    def test_a_change_shows_at_once(self):
        from core.services import object_create

        first = self.get(self.cio).context["data"].systems
        self.assertEqual(self.get(self.cio).context["data"].systems, first)  # the same look, from the cache
        object_create(obj=System(name="甲县新建系统", code="XT-NEW-1", owner_unit=self.tree.dept_a), actor=None)
        self.assertEqual(self.get(self.cio).context["data"].systems, first + 1)

    def test_long_department_tables_show_the_first_rows(self):
        from inventory.views import analysis

        old = analysis.DEPARTMENT_ROWS
        analysis.DEPARTMENT_ROWS = 1
        try:
            response = self.get(self.cio, sort="-systems")
            self.assertEqual(len(response.context["department_rows"]), 1)
            self.assertEqual(response.context["departments_more"], 2)
            self.assertContains(response, "departments=all")
            response = self.get(self.cio, sort="-systems", departments="all")
            self.assertEqual(len(response.context["department_rows"]), 3)
        finally:
            analysis.DEPARTMENT_ROWS = old

    def test_page_with_charts(self):
        response = self.get(self.cio)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "vendor/echarts/echarts.min.js")
        script = re.search(r'<script id="overview-data" type="application/json">(.*?)</script>', response.text)
        charts = json.loads(script.group(1))
        self.assertEqual(sum(s["value"] for s in charts["status"]), 5)
        self.assertNotContains(response, "乙县")

    def test_focus_and_scope(self):
        response = self.get(self.cio, unit=self.tree.sub_a.pk)
        self.assertEqual(response.context["data"].systems, 1)
        self.assertEqual(self.get(self.cio, unit=self.tree.county_b.pk).status_code, 404)
        self.assertEqual(self.get(self.cio, unit="x").status_code, 400)

    def test_department_table_sorts(self):
        response = self.get(self.cio, sort="-systems")
        self.assertEqual(response.context["departments"][0].name, "甲县财政局")
        response = self.get(self.cio, sort="quality")
        self.assertEqual(response.context["departments"][0].name, "甲县国库支付中心")

    def test_an_expert_sees_systems_but_no_data_resources(self):
        response = self.get(self.expert)
        self.assertEqual(response.status_code, 200)
        self.assertIsNone(response.context["data"].resources)
        self.assertEqual(self.get(self.nobody).status_code, 404)

    def test_quality_records_of_a_unit(self):
        self.client.force_login(self.cio)
        response = self.client.get(reverse("inventory:quality_records", args=[self.tree.sub_a.pk]))
        self.assertContains(response, "甲县国库集中支付系统")
        self.assertContains(response, "国库支付明细")
        response = self.client.get(reverse("inventory:quality_records", args=[self.tree.dept_b.pk]))
        self.assertEqual(response.status_code, 404)

    def test_query_count_does_not_grow_with_the_data(self):
        counts = []
        for round_ in range(2):
            if round_:
                for i in range(10):
                    unit = (self.tree.dept_a, self.tree.sub_a, self.tree.township_a)[i % 3]
                    system = make_system(unit, f"甲县业务系统{i}", user_count=i, hosting="")
                    make_resource(unit, f"业务数据{i}", ["字段一", "字段二"])
                    item = ServiceItem.objects.create(name=f"事项{i}", code=f"SX-QC-{i}", unit=unit)
                    item.systems.add(system)
            self.client.force_login(self.cio)
            cache.clear()  # compare the same path: criterion (b) computed, not read from the cache
            testing.recount()  # nor the overview (test data made through the ORM is not audited)
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get(reverse("inventory:overview")).status_code, 200)
            counts.append(len(ctx.captured_queries))
        self.assertEqual(counts[0], counts[1])


class HomeCardTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = build_tree()
        build_estate(cls.tree)

    def card(self, user):
        request = RequestFactory().get("/")
        request.user = user
        return inventory_card(request)

    def test_card_for_those_who_may_view_systems(self):
        card = self.card(make_user("hc_leader", "leader", self.tree.county_a))
        self.assertEqual(card["template"], "inventory/analysis_home_card.html")
        self.assertEqual((card["systems"], card["running"], card["cloud_share"]), (5, 2, 25.0))
        self.assertIsNone(self.card(make_user("hc_nobody", None, self.tree.county_a)))

    def test_card_on_the_home_page(self):
        self.client.force_login(make_user("hc_cio", "cio", self.tree.county_a))
        self.assertContains(self.client.get(reverse("core:home")), 'id="inventory-card"')
