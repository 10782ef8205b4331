"""Duplicate candidates (重复建设): the same system built by two counties is found, noise is not, blocking misses no
pair a brute-force comparison would find, and nothing outside the user's scope is ever paired or shown."""

import itertools
import random

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.testing import build_tree, make_unit, make_user
from inventory import choices as c
from inventory.duplicate_groups import add_group_items, duplicate_groups
from inventory.duplicates import (
    add_item_evidence,
    bigrams,
    candidate_pairs,
    duplicate_candidates,
    jaccard,
    load_records,
    normalise,
    prefixes_for,
)
from inventory.models import DataItem, DataResource, System

_n = itertools.count(1)
NOISE = [
    "财政预算管理一体化系统",
    "公积金缴存提取系统",
    "中小学学籍管理系统",
    "河长制巡河打卡小程序",
    "食品安全快检数据平台",
    "殡葬服务预约系统",
    "森林防火视频监控平台",
    "退役军人优抚金发放系统",
]


def make_system(unit, name, **fields) -> System:
    values = {"code": f"CF-{next(_n):05d}", "owner_unit": unit, "status": c.SystemStatus.RUNNING}
    values.update(fields)
    return System.objects.create(name=name, **values)


def make_resource(system, name, items=()) -> DataResource:
    n = next(_n)
    resource = DataResource.objects.create(
        class_code="3",
        item_code="01",
        category_code="001",
        code=f"301001/{n:06d}",
        name=name,
        provider=system.owner_unit,
        system=system,
    )
    DataItem.objects.bulk_create(DataItem(resource=resource, name=item, position=i) for i, item in enumerate(items))
    return resource


class NormaliseTests(TestCase):
    def test_government_names_are_stripped_department_names_kept(self):
        prefixes = prefixes_for("北源县自然资源局", "", (("北源县", ""),))
        self.assertEqual(normalise("北源县不动产登记系统", prefixes, ("系统",)), "不动产登记")
        self.assertEqual(normalise("北源不动产登记系统", prefixes, ("系统",)), "不动产登记")
        # two departments' own portals are not one system built twice
        self.assertEqual(normalise("北源县财政局门户网站", prefixes, ("系统",)), "财政局门户网站")

    def test_township_names_lose_their_county(self):
        prefixes = prefixes_for("甲县城关镇党政办", "", (("甲县城关镇", ""), ("甲县", "")))
        self.assertEqual(normalise("城关镇网格化治理平台", prefixes, ("平台",)), "网格化治理")

    def test_full_width_and_punctuation(self):
        self.assertEqual(normalise("“ＯＡ”办公·系统（二期）", (), ()), "oa办公系统二期")

    def test_a_name_never_normalises_to_nothing(self):
        self.assertEqual(normalise("北源县系统", ("北源县",), ("系统",)), "系统")


class BlockingTests(TestCase):
    def test_prefix_filtering_misses_no_pair_above_the_floor(self):
        rng = random.Random(7)
        alphabet = "不动产登记社保医疗公积金档案财政预算学籍河长林长应急指挥网格治理"
        names = ["".join(rng.choice(alphabet) for _ in range(rng.randint(3, 9))) for _ in range(300)]
        token_sets = [bigrams(name) for name in names]
        for floor in (0.5, 0.8):
            blocked = {tuple(sorted(pair)) for pair in candidate_pairs(token_sets, floor, max_postings=10_000)}
            brute = {
                (i, j)
                for i, j in itertools.combinations(range(len(names)), 2)
                if jaccard(token_sets[i], token_sets[j]) >= floor
            }
            self.assertTrue(brute <= blocked, brute - blocked)
            self.assertLess(len(blocked), len(names) * (len(names) - 1) / 2 / 5)  # far from all pairs


class CandidateTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = build_tree()
        cls.land_a = make_unit("甲县自然资源局", "990001-ZR", "department", cls.tree.county_a)
        cls.land_b = make_unit("乙县自然资源局", "990002-ZR", "department", cls.tree.county_b)
        purpose = "不动产统一登记的受理、审核、登簿和发证"
        cls.a = make_system(cls.land_a, "甲县不动产登记系统", purpose=purpose, vendor="华信软件")
        cls.b = make_system(cls.land_b, "乙县不动产登记系统", purpose=purpose, vendor="华信软件")
        for i, name in enumerate(NOISE):
            make_system(cls.tree.dept_a if i % 2 else cls.tree.dept_b, name, purpose=f"{name}的日常业务办理")

    def test_the_same_system_built_by_two_counties(self):
        found = duplicate_candidates(System.objects.all(), threshold=0.6)
        self.assertEqual([(p.a.pk, p.b.pk) for p in found], [(self.a.pk, self.b.pk)])
        pair = found[0]
        self.assertEqual(pair.name_similarity, 1.0)
        self.assertEqual(pair.purpose_similarity, 1.0)
        self.assertTrue(pair.same_vendor)
        self.assertTrue(pair.cross_government)

    def test_noise_stays_out_even_at_a_low_threshold(self):
        found = duplicate_candidates(System.objects.exclude(pk__in=[self.a.pk, self.b.pk]), threshold=0.4)
        self.assertEqual(found, [])

    def test_shared_data_is_evidence(self):
        items = ["不动产单元号", "权利人", "证件号码", "坐落"]
        make_resource(self.a, "甲县不动产权属信息", items)
        make_resource(self.b, "乙县不动产权属信息", items[:3])
        make_resource(self.b, "乙县抵押登记信息", ["抵押权人"])
        pair = duplicate_candidates(System.objects.all(), threshold=0.6)[0]
        self.assertEqual(pair.shared_resources, ["甲县不动产权属信息"])
        self.assertEqual(pair.data_similarity, 0.5)
        add_item_evidence([pair])
        self.assertEqual(pair.shared_items, sorted(["不动产单元号", "权利人", "证件号码"]))

    def test_same_unit_pairs_only_on_request(self):
        twin = make_system(self.land_a, "甲县不动产登记管理系统", purpose=self.a.purpose)
        pairs = {(p.a.pk, p.b.pk) for p in duplicate_candidates(System.objects.all(), threshold=0.6)}
        self.assertNotIn((self.a.pk, twin.pk), pairs)
        pairs = {
            (p.a.pk, p.b.pk) for p in duplicate_candidates(System.objects.all(), threshold=0.6, different_units=False)
        }
        self.assertIn((self.a.pk, twin.pk), pairs)

    def test_involving_keeps_the_pairs_of_a_proposal(self):
        found = duplicate_candidates(System.objects.all(), threshold=0.6, involving={self.b.pk})
        self.assertEqual(len(found), 1)
        self.assertEqual(duplicate_candidates(System.objects.all(), threshold=0.6, involving={-1}), [])

    def test_a_constant_number_of_queries(self):
        counts = []
        for extra in (0, 12):
            for i in range(extra):
                make_system(self.tree.sub_a, f"甲县不动产登记系统{i}期", purpose=self.a.purpose)
            with CaptureQueriesContext(connection) as ctx:
                duplicate_candidates(System.objects.all(), threshold=0.6)
            counts.append(len(ctx.captured_queries))
        self.assertEqual(counts[0], counts[1])

    def test_records_know_their_governments(self):
        township_unit = make_unit("甲县城关镇党政办", "990001001-DZ", "department", self.tree.township_a)
        system = make_system(township_unit, "城关镇便民服务系统")
        record = next(r for r in load_records(System.objects.filter(pk=system.pk)))
        self.assertEqual(record.governments, (self.tree.township_a.path, self.tree.county_a.path))


def components(pairs) -> list[list[int]]:
    """Connected components of the pairs, by brute force."""
    parent: dict[int, int] = {}

    def find(pk):
        parent.setdefault(pk, pk)
        while parent[pk] != pk:
            pk = parent[pk]
        return pk

    for pair in pairs:
        parent[find(pair.a.pk)] = find(pair.b.pk)
    found: dict[int, list[int]] = {}
    for pk in list(parent):
        found.setdefault(find(pk), []).append(pk)
    return sorted(sorted(members) for members in found.values())


class GroupTests(TestCase):
    """The page's groups are exactly the connected components of the passing pairs."""

    @classmethod
    def setUpTestData(cls):
        cls.tree = build_tree()
        rng = random.Random(11)
        counties = [make_unit(f"{name}县", f"9800{i:02d}", "county") for i, name in enumerate("东西南北中")]
        cls.units = [
            make_unit(f"{county.name}{dept}", f"{county.code}-{j}", "department", county)
            for county in counties
            for j, dept in enumerate(["财政局", "自然资源局", "数据局"])
        ]
        stems = ["不动产登记", "不动产登记管理", "不动产统一登记", "政府采购管理", "政府采购", "视频会议", "网格化治理"]
        purposes = ["登记的受理、审核和发证", "采购项目的申报和审批", "会议的预约和召开", ""]
        vendors = ["华信软件", "长城数科", ""]
        for _ in range(60):
            unit = rng.choice(cls.units)
            system = make_system(
                unit,
                f"{unit.parent.name}{rng.choice(stems)}系统",
                purpose=rng.choice(purposes),
                vendor=rng.choice(vendors),
            )
            if rng.random() < 0.5:
                make_resource(system, f"{unit.parent.name}{rng.choice(['权属信息', '采购项目信息', '会议纪要'])}")

    def test_groups_equal_the_components_of_the_pairs(self):
        for threshold in (0.6, 0.75, 0.9):
            expected = components(duplicate_candidates(System.objects.all(), threshold=threshold))
            groups = duplicate_groups(System.objects.all(), threshold=threshold)
            self.assertTrue(groups)
            self.assertEqual(
                expected,
                sorted(sorted(m.pk for m in g.members) for g in groups),
                threshold,
            )

    def test_the_same_system_built_five_times_is_one_group(self):
        for unit in self.units[::3]:
            make_system(unit, f"{unit.parent.name}殡葬服务管理系统", purpose="殡葬服务预约", vendor="华信软件")
        groups = [g for g in duplicate_groups(System.objects.all(), threshold=0.9) if "殡葬" in g.members[0].name]
        self.assertEqual(len(groups), 1)
        self.assertEqual((len(groups[0].members), groups[0].governments), (5, 5))
        self.assertEqual(groups[0].shared_vendors, ["华信软件"])
        add_group_items(groups)


class DuplicatePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = build_tree()
        cls.cio = make_user("cf_cio", "cio", cls.tree.county_a)
        cls.liaison = make_user("cf_liaison", "liaison", cls.tree.dept_a, subtree=False)
        office = make_unit("甲县城关镇党政办", "990001001-DZ", "department", cls.tree.township_a)
        purpose = "视频会议的预约、召开和录像管理"
        make_system(cls.tree.dept_a, "甲县视频会议系统", purpose=purpose)
        make_system(office, "城关镇视频会议系统", purpose=purpose)
        make_system(cls.tree.dept_b, "乙县视频会议系统", purpose=purpose)
        make_system(cls.tree.dept_a, "甲县旧视频会议系统", purpose=purpose, status=c.SystemStatus.RETIRED)

    def test_pairs_in_scope_only(self):
        self.client.force_login(self.cio)
        response = self.client.get(reverse("inventory:duplicate_list"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "甲县视频会议系统")
        self.assertContains(response, "城关镇视频会议系统")
        self.assertNotContains(response, "乙县视频会议系统")
        self.assertNotContains(response, "甲县旧视频会议系统")  # retired systems are not duplicates
        self.assertEqual(response.context["total"], 1)

    def test_a_liaison_has_no_pair_within_one_department(self):
        self.client.force_login(self.liaison)
        response = self.client.get(reverse("inventory:duplicate_list"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["total"], 0)

    def test_threshold_and_focus(self):
        self.client.force_login(self.cio)
        response = self.client.get(reverse("inventory:duplicate_list"), {"threshold": "abc"})
        self.assertEqual(response.status_code, 200)
        response = self.client.get(reverse("inventory:duplicate_list"), {"unit": self.tree.township_a.pk})
        self.assertEqual(response.context["total"], 0)
        response = self.client.get(reverse("inventory:duplicate_list"), {"unit": self.tree.county_b.pk})
        self.assertEqual(response.status_code, 404)

    def test_without_permission_is_404(self):
        self.client.force_login(make_user("cf_nobody", None, self.tree.county_a))
        self.assertEqual(self.client.get(reverse("inventory:duplicate_list")).status_code, 404)
