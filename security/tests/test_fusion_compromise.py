"""What if this system is compromised: the blast radius combined with the classification of every reachable data
resource (held by reached systems or carried by links followed), on a small graph with a cycle and a system outside
the user's scope — counted, never named."""

import json

from django.test import TestCase
from django.urls import reverse

from core import testing
from inventory import impact
from inventory.models import Link, ServiceItem
from inventory.services import link_save, serviceitem_save
from inventory.tests.factories import new_resource, new_system
from security.selectors.compromise import compromise


class CompromiseTests(TestCase):
    """A → B → C → A (a cycle) and C → D, D in county B. Resources: A core, B important, C general, D core (county
    B); the link A → B carries X (general), B → C carries Y (general), C → A carries Z (important)."""

    @classmethod
    def setUpTestData(cls):
        tree = cls.tree = testing.build_tree()
        cls.cio = testing.make_user("cio_compromise", "cio", tree.county_a)
        cls.a = new_system(tree.dept_a, name="甲县统一身份认证平台")
        cls.b = new_system(tree.dept_a, name="甲县电子证照库")
        cls.c = new_system(tree.sub_a, name="甲县数据共享交换平台")
        cls.d = new_system(tree.dept_b, name="乙县社保经办系统")
        cls.res = {
            "a": new_resource(tree.dept_a, system=cls.a, data_class="core", name="实名认证用户信息"),
            "b": new_resource(tree.dept_a, system=cls.b, data_class="important", name="电子证照目录"),
            "c": new_resource(tree.sub_a, system=cls.c, data_class="general", name="交换日志"),
            "d": new_resource(tree.dept_b, system=cls.d, data_class="core", name="乙县参保人员名册"),
            "x": new_resource(tree.dept_a, data_class="general", name="认证令牌清单"),
            "y": new_resource(tree.dept_a, data_class="general", name="证照调用记录"),
            "z": new_resource(tree.sub_a, data_class="important", name="共享目录元数据"),
        }
        for source, target, carried in (("a", "b", "x"), ("b", "c", "y"), ("c", "a", "z"), ("c", "d", None)):
            link = Link(from_system=getattr(cls, source), to_system=getattr(cls, target))
            link_save(actor=None, link=link, resources=[cls.res[carried]] if carried else [])
        serviceitem_save(
            actor=None, item=ServiceItem(name="居民身份网上核验", code="FW-SF-01", unit=tree.dept_a), systems=[cls.a]
        )
        serviceitem_save(
            actor=None,
            item=ServiceItem(name="乙县社保待遇资格认证", code="FW-SB-01", unit=tree.dept_b),
            systems=[cls.d],
        )

    def setUp(self):
        impact.build_graph()

    def counts(self, found) -> dict:
        return {k.code: (k.total, k.inside) for k in found.classes}

    def test_classification_counts_through_the_cycle(self):
        found = compromise(user=self.cio, system=self.a, depth=5)
        self.assertEqual((found.systems_total, found.systems_outside), (3, 1))
        self.assertEqual(self.counts(found), {"core": (2, 1), "important": (2, 2), "general": (3, 3)})
        self.assertEqual((found.services_total, found.services_inside), (2, 1))
        self.assertEqual([s.code for s in found.services], ["FW-SF-01"])
        names = [r["name"] for r in found.resources]
        self.assertEqual(names[0], "实名认证用户信息", "core data first")
        self.assertNotIn("乙县参保人员名册", names)
        carried = {r["name"] for r in found.resources if r["carried"]}
        self.assertEqual(carried, {"认证令牌清单", "证照调用记录", "共享目录元数据"})

    def test_depth_limits_the_links_followed(self):
        found = compromise(user=self.cio, system=self.a, depth=1)
        self.assertEqual(found.systems_total, 1)
        self.assertEqual(self.counts(found), {"core": (1, 1), "important": (1, 1), "general": (1, 1)})
        found = compromise(user=self.cio, system=self.a, depth=2)
        self.assertEqual(found.count("important").total, 1, "C → A is not followed from C at the last depth")
        self.assertEqual(found.count("general").total, 3)

    def test_page_counts_without_naming_what_is_outside(self):
        self.client.force_login(self.cio)
        url = reverse("security:compromise", args=[self.a.pk])
        body = self.client.get(url).content.decode()
        self.assertIn('id="class-core"', body)
        self.assertIn("实名认证用户信息", body)
        self.assertIn(self.c.name, body)
        for hidden in (self.d.name, "乙县参保人员名册", "乙县社保待遇资格认证"):
            self.assertNotIn(hidden, body)
        data = json.loads(self.client.get(url, {"format": "json"}).content)
        colours = {n["name"]: n.get("color") for n in data["nodes"] if n["kind"] == "resource"}
        self.assertEqual(colours["实名认证用户信息"], "#d63939")
        self.assertNotIn(self.d.name, json.dumps(data, ensure_ascii=False))
        export = self.client.get(url, {"export": "csv"})
        text = b"".join(export.streaming_content).decode("utf-8-sig")
        self.assertIn("共享目录元数据", text)
        self.assertNotIn("乙县参保人员名册", text)

    def test_system_outside_scope_is_404(self):
        self.client.force_login(self.cio)
        self.assertEqual(self.client.get(reverse("security:compromise", args=[self.d.pk])).status_code, 404)
        staff = testing.make_user("staff_compromise", "staff", self.tree.county_a)
        self.client.force_login(staff)
        self.assertEqual(self.client.get(reverse("security:compromise", args=[self.a.pk])).status_code, 404)
