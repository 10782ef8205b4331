"""Blast radius (影响分析): the walk (cycles, two-way links, depth, direction, data-resource starts), the gate (outside
systems counted, never named; an outside start is 404 everywhere), the affected service items and resources, the
JSON endpoint and the export.

The graph (甲县 = the user's county, 乙县 outside):

    不动产登记(A) → 税收征管(B) → 房产交易(C) → 城关镇便民服务(D) ⇄ 乙县政务数据共享(E) → 乙县社保(F) → 甲县医保结算(G)
         ↑______________________________|                 D ⇄ 城关镇综合治理(H)
"""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import testing
from core.models import AuditRecord
from inventory import choices as c
from inventory import graph, impact
from inventory.models import DataItem, DataResource, Link, ServiceItem, System

TWO = c.LinkDirection.TWO_WAY


def system(unit, code, name):
    return System.objects.create(owner_unit=unit, code=code, name=name, responsible_person="王芳")


def link(a, b, direction=c.LinkDirection.ONE_WAY, resources=()):
    made = Link.objects.create(from_system=a, to_system=b, direction=direction, description="数据交换")
    made.resources.set(resources)
    return made


def resource(unit, seq, name, holder=None):
    return DataResource.objects.create(
        kind="departmental",
        class_code="3",
        item_code="01",
        category_code="001",
        code=f"301001/{seq:06d}",
        name=name,
        provider=unit,
        system=holder,
        abstract="用于部门间共享的业务数据",
    )


class ImpactTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        t = cls.tree = testing.build_tree()
        cls.cio = testing.make_user("impact_cio", "cio", t.county_a)
        cls.leader = testing.make_user("impact_leader", "leader", t.county_a)
        cls.expert = testing.make_user("impact_expert", "expert", t.county_a)
        cls.a = system(t.dept_a, "IMP-A", "甲县不动产登记系统")
        cls.b = system(t.dept_a, "IMP-B", "甲县税收征管系统")
        cls.c = system(t.sub_a, "IMP-C", "甲县房产交易管理系统")
        cls.d = system(t.township_a, "IMP-D", "城关镇便民服务系统")
        cls.e = system(t.dept_b, "IMP-E", "乙县政务数据共享交换平台")
        cls.f = system(t.dept_b, "IMP-F", "乙县社会保险业务系统")
        cls.g = system(t.dept_a, "IMP-G", "甲县城乡居民医保结算系统")
        cls.h = system(t.township_a, "IMP-H", "城关镇综合治理平台")
        cls.lonely = system(t.dept_a, "IMP-L", "甲县档案管理系统")
        cls.r_held = resource(t.sub_a, 1, "房产交易合同信息", holder=cls.c)
        cls.r_carried = resource(t.dept_a, 2, "纳税人登记信息", holder=cls.b)
        cls.r_outside = resource(t.dept_b, 3, "乙县参保人员信息", holder=cls.e)
        cls.r_start = resource(t.dept_a, 4, "不动产权属信息", holder=cls.a)
        link(cls.a, cls.b, resources=[cls.r_start])
        link(cls.b, cls.c, resources=[cls.r_carried])
        link(cls.c, cls.a)  # the cycle
        link(cls.c, cls.d, resources=[cls.r_held])
        link(cls.d, cls.e, TWO)
        link(cls.e, cls.f)
        link(cls.f, cls.g)
        link(cls.h, cls.d, TWO)
        cls.s_start = ServiceItem.objects.create(name="不动产登记", code="IMP-SV-1", unit=t.dept_a)
        cls.s_start.systems.set([cls.a])
        cls.s_b = ServiceItem.objects.create(name="契税申报", code="IMP-SV-2", unit=t.dept_a)
        cls.s_b.systems.set([cls.b])
        cls.s_out = ServiceItem.objects.create(name="乙县社保关系转移", code="IMP-SV-3", unit=t.dept_b)
        cls.s_out.systems.set([cls.f])

    def setUp(self):
        graph.build()  # what the task does after the services change links (test data is made straight)

    def down(self, start, user=None, **kwargs):
        return impact.system_impact(user=user or self.cio, system=start, **kwargs)

    @staticmethod
    def depths(result, direction=impact.DOWN):
        return {n.name: n.depth for n in result.side(direction).systems}


class WalkTests(ImpactTestCase):
    def test_downstream_follows_data_flow_through_a_cycle(self):
        result = self.down(self.a, depth=10)
        self.assertEqual(
            self.depths(result),
            {self.b.name: 1, self.c.name: 2, self.d.name: 3, self.h.name: 4, self.g.name: 6},
        )
        side = result.side(impact.DOWN)
        self.assertEqual((side.total, side.outside), (7, 2))  # E and F are counted, not named

    def test_depth_limit(self):
        self.assertEqual(self.depths(self.down(self.a, depth=2)), {self.b.name: 1, self.c.name: 2})
        self.assertEqual(impact.clamp_depth("99"), impact.MAX_DEPTH)
        self.assertEqual(impact.clamp_depth("x"), impact.DEFAULT_DEPTH)
        self.assertEqual(impact.clamp_depth("0"), 1)

    def test_two_way_links_count_both_ways(self):
        self.assertEqual(self.depths(self.down(self.h, depth=1)), {self.d.name: 1})
        result = self.down(self.h, depth=1, direction=impact.UP)
        self.assertEqual(self.depths(result, impact.UP), {self.d.name: 1})

    def test_upstream(self):
        result = self.down(self.d, depth=5, direction=impact.UP)
        self.assertEqual(
            self.depths(result, impact.UP), {self.c.name: 1, self.h.name: 1, self.b.name: 2, self.a.name: 3}
        )
        self.assertEqual(result.side(impact.UP).outside, 1)  # E, two-way with D; F is below E, not above
        self.assertEqual(result.services, [])  # only downstream failures hit services

    def test_both_directions(self):
        result = self.down(self.b, depth=1, direction=impact.BOTH)
        self.assertEqual(self.depths(result, impact.DOWN), {self.c.name: 1})
        self.assertEqual(self.depths(result, impact.UP), {self.a.name: 1})

    def test_a_system_without_links_reaches_nothing(self):
        result = self.down(self.lonely)
        self.assertEqual(result.side(impact.DOWN).total, 0)

    def test_via_names_only_visible_systems(self):
        result = self.down(self.a, depth=10)
        via = {n.name: n.via for n in result.side(impact.DOWN).systems}
        self.assertEqual(via[self.b.name], self.a.name)
        self.assertEqual(via[self.c.name], self.b.name)
        self.assertEqual(via[self.g.name], "")  # reached through 乙县社会保险业务系统, which is not named
        self.assertIn(("x-down", f"s{self.g.pk}"), result.edges())

    def test_list_limit_keeps_totals_exact(self):
        result = self.down(self.a, depth=10, limit=2)
        side = result.side(impact.DOWN)
        self.assertEqual([n.name for n in side.systems], [self.b.name, self.c.name])
        self.assertEqual((side.total, side.outside, side.cut), (7, 2, 3))
        self.assertTrue(result.partial)


class AffectedTests(ImpactTestCase):
    def test_service_items_of_the_start_and_downstream_in_scope(self):
        result = self.down(self.a, depth=10)
        self.assertEqual({(n.name, n.depth) for n in result.services}, {(self.s_start.name, 0), (self.s_b.name, 1)})
        self.assertNotIn(self.s_out.name, [n.name for n in result.services])  # its system F is outside

    def test_resources_held_and_carried(self):
        result = self.down(self.a, depth=2)
        found = {n.name: (n.depth, n.via) for n in result.resources}
        self.assertEqual(found[self.r_start.name], (0, self.a.name))  # held by the start
        self.assertEqual(found[self.r_carried.name], (1, self.b.name))  # held by B, carried B → C
        self.assertEqual(found[self.r_held.name], (2, self.c.name))  # held by C
        self.assertNotIn(self.r_outside.name, found)

    def test_carried_only_over_traversed_links(self):
        # From D one hop down: C → D carries 房产交易合同信息 but C is not affected by D's failure.
        result = self.down(self.d, depth=1)
        self.assertNotIn(self.r_held.name, [n.name for n in result.resources])

    def test_resource_start(self):
        result = impact.resource_impact(user=self.cio, resource=self.r_held, depth=2)
        # held by C (depth 1) and carried C → D (depth 1); then A and H one further
        self.assertEqual(self.depths(result), {self.c.name: 1, self.d.name: 1, self.a.name: 2, self.h.name: 2})
        self.assertEqual(result.side(impact.DOWN).outside, 1)  # E, two-way from D
        self.assertNotIn(self.r_held.name, [n.name for n in result.resources])  # the start is not "affected"
        up = impact.resource_impact(user=self.cio, resource=self.r_held, depth=2, direction=impact.UP)
        self.assertEqual(self.depths(up, impact.UP), {self.c.name: 1, self.b.name: 2})

    def test_resource_without_holder_or_links(self):
        orphan = resource(self.tree.dept_a, 9, "历史档案目录")
        result = impact.resource_impact(user=self.cio, resource=orphan)
        self.assertEqual(result.side(impact.DOWN).total, 0)


class ScopeTests(ImpactTestCase):
    def test_a_department_liaison_sees_counts_only_beyond_the_department(self):
        liaison = testing.make_user("impact_liaison", "liaison", self.tree.dept_a)
        result = self.down(self.a, user=liaison, depth=10)
        side = result.side(impact.DOWN)
        names = {n.name for n in side.systems}
        self.assertEqual(names, {self.b.name, self.c.name, self.g.name})  # sub_a is under dept_a
        self.assertEqual(side.outside, 4)  # D, H (township), E, F (乙县)

    def test_query_count_does_not_grow_with_the_graph(self):
        self.down(self.a)  # load the graph
        with CaptureQueriesContext(connection) as small:
            self.down(self.h)
        extra = [system(self.tree.dept_a, f"IMP-X{i}", f"甲县业务系统{i}") for i in range(12)]
        for one in extra:
            link(self.h, one, resources=[resource(self.tree.dept_a, 100 + one.pk, f"业务数据{one.pk}", holder=one)])
        graph.build()
        self.down(self.a)  # map the new version
        with CaptureQueriesContext(connection) as big:
            result = self.down(self.h)
        self.assertEqual(result.side(impact.DOWN).total, 16)
        self.assertEqual(len(small.captured_queries), len(big.captured_queries))


class PageTests(ImpactTestCase):
    def url(self, obj=None, **params):
        obj = obj or self.a
        name = "inventory:system_impact" if isinstance(obj, System) else "inventory:dataresource_impact"
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return reverse(name, args=[obj.pk]) + (f"?{query}" if query else "")

    def test_page(self):
        self.client.force_login(self.cio)
        response = self.client.get(self.url(depth=10))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, self.b.name)
        self.assertContains(response, self.g.name)
        self.assertNotContains(response, self.e.name)
        self.assertNotContains(response, self.f.name)
        self.assertContains(response, 'id="outside-down"')

    def test_json(self):
        self.client.force_login(self.cio)
        data = self.client.get(self.url(depth=10, format="json")).json()
        names = {n["name"] for n in data["nodes"]}
        self.assertIn(self.g.name, names)
        self.assertNotIn(self.e.name, names)
        self.assertEqual(data["start"], f"s{self.a.pk}")
        keys = {n["id"] for n in data["nodes"]}
        self.assertTrue(all(e["source"] in keys and e["target"] in keys for e in data["edges"]))
        self.assertIn("x-down", keys)
        start = next(n for n in data["nodes"] if n["start"])
        self.assertEqual(start["name"], self.a.name)

    def test_resource_page_and_json(self):
        self.client.force_login(self.cio)
        self.assertEqual(self.client.get(self.url(self.r_held)).status_code, 200)
        data = self.client.get(self.url(self.r_held, format="json")).json()
        self.assertEqual(data["start"], f"r{self.r_held.pk}")

    def test_outside_start_is_404_everywhere(self):
        self.client.force_login(self.cio)
        for params in ({}, {"format": "json"}, {"export": "csv"}):
            self.assertEqual(self.client.get(self.url(self.e, **params)).status_code, 404)
            self.assertEqual(self.client.get(self.url(self.r_outside, **params)).status_code, 404)
        self.assertTrue(AuditRecord.objects.filter(action="denied", object_id=str(self.e.pk)).exists())

    def test_needs_login_and_permission(self):
        self.assertEqual(self.client.get(self.url()).status_code, 302)
        self.client.force_login(testing.make_user("impact_staff", "staff", self.tree.county_a))
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_export_csv_is_gated_and_audited(self):
        self.client.force_login(self.leader)
        response = self.client.get(self.url(depth=10, export="csv"))
        self.assertEqual(response.status_code, 200)
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        self.assertIn(self.g.name, body)
        self.assertIn(self.s_b.name, body)
        self.assertNotIn(self.e.name, body)
        record = AuditRecord.objects.filter(action="export", event="impact.exported").get()
        self.assertEqual(record.object_id, str(self.a.pk))
        self.client.force_login(self.expert)  # may view systems, may not export
        self.assertEqual(self.client.get(self.url(export="csv")).status_code, 404)

    def test_export_xlsx(self):
        self.client.force_login(self.cio)
        response = self.client.get(self.url(export="xlsx"))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(b"".join(response.streaming_content).startswith(b"PK"))

    def test_bad_parameters_are_400_and_absent_ones_default(self):
        self.client.force_login(self.cio)
        self.assertEqual(self.client.get(self.url(depth="abc")).status_code, 400)
        self.assertEqual(self.client.get(self.url(direction="sideways")).status_code, 400)
        response = self.client.get(self.url(depth="", direction=""))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["depth"], impact.DEFAULT_DEPTH)
        self.assertEqual(response.context["direction"], impact.DOWN)
        self.assertEqual(self.client.get(self.url(depth="99")).context["depth"], impact.MAX_DEPTH)


class ItemCountTests(ImpactTestCase):
    def test_data_items_do_not_change_the_walk(self):
        DataItem.objects.create(resource=self.r_held, name="合同编号", data_type="string", position=1)
        self.assertEqual(self.depths(self.down(self.c, depth=1)), {self.a.name: 1, self.d.name: 1})
