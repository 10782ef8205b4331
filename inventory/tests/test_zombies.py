"""The zombie check (国办发〔2017〕39号): each criterion true and false at its YAML boundary, the rules file's
validation, the decision service and the pages, always inside the user's scope."""

import datetime as dt
import itertools
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from core.models import AuditRecord
from core.services import object_update, snapshot
from core.testing import build_tree, make_unit, make_user
from inventory import choices as c
from inventory.models import ServiceItem, System, ZombieReview
from inventory.rules import RULES_FILE, RulesError, load_rules
from inventory.services import zombie_review_create
from inventory.zombies import months_before, months_between, zombie_candidates

TODAY = dt.date(2025, 11, 20)
_n = itertools.count(1)


def make_system(unit, name="甲县档案管理系统", **fields) -> System:
    """A healthy running system unless ``fields`` say otherwise: used, maintained, recently active."""
    values = {
        "code": f"ZB-{next(_n):05d}",
        "owner_unit": unit,
        "purpose": "归档文件的接收、整理、保管和利用",
        "status": c.SystemStatus.RUNNING,
        "user_scope": c.UserScope.INTERNAL,
        "user_count": 50,
        "last_active_date": TODAY - dt.timedelta(days=3),
        "om_contract_end": dt.date(2026, 12, 31),
    }
    values.update(fields)
    return System.objects.create(name=name, **values)


class CriteriaTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = build_tree()
        cls.rules = load_rules()

    def codes(self, system, queryset=None):
        found = zombie_candidates(queryset or System.objects.all(), today=TODAY, settings=self.rules)
        return next((z.codes for z in found if z.pk == system.pk), [])

    def test_healthy_system_is_no_candidate(self):
        self.assertEqual(self.codes(make_system(self.tree.dept_a)), [])

    def test_rules_file_holds_the_documented_defaults(self):
        z = self.rules.zombie
        self.assertEqual((z.detached_months, z.idle_months, z.unmaintained_grace_days), (12, 6, 0))
        self.assertEqual((z.internal_users_below, z.public_users_below), (10, 100))

    # (a) detached from real business ---------------------------------------------------------------------------
    def test_a_running_without_service_or_users_and_long_inactive(self):
        boundary = months_before(TODAY, self.rules.zombie.detached_months)  # 2024-11-20
        old = make_system(self.tree.dept_a, user_count=None, last_active_date=boundary - dt.timedelta(days=1))
        self.assertIn("a", self.codes(old))
        exactly = make_system(self.tree.dept_a, user_count=0, last_active_date=boundary)
        self.assertNotIn("a", self.codes(exactly))

    def test_a_not_when_a_service_item_uses_it(self):
        system = make_system(self.tree.dept_a, user_count=0, last_active_date=dt.date(2023, 1, 1))
        item = ServiceItem.objects.create(name="契税申报", code="SX-ZB-1", unit=self.tree.dept_a)
        item.systems.add(system)
        self.assertNotIn("a", self.codes(system))

    def test_a_not_with_users_unknown_activity_or_suspended(self):
        with_users = make_system(self.tree.dept_a, user_count=5, last_active_date=dt.date(2023, 1, 1))
        unknown = make_system(self.tree.dept_a, user_count=0, last_active_date=None)
        suspended = make_system(
            self.tree.dept_a, user_count=0, last_active_date=dt.date(2023, 1, 1), status=c.SystemStatus.SUSPENDED
        )
        for system in (with_users, unknown, suspended):
            self.assertNotIn("a", self.codes(system))

    # (b) replaceable by another system ---------------------------------------------------------------------------
    def test_b_names_the_more_used_twin_in_the_same_government(self):
        land = make_unit("甲县自然资源局", "990001-ZR", "department", self.tree.county_a)
        strong = make_system(land, name="甲县不动产登记系统", user_count=300, purpose="不动产统一登记受理和发证")
        weak = make_system(
            self.tree.dept_a, name="甲县不动产登记管理系统", user_count=20, purpose="不动产统一登记受理和发证"
        )
        found = {z.pk: z for z in zombie_candidates(System.objects.all(), today=TODAY, settings=self.rules)}
        self.assertIn("b", found[weak.pk].codes)
        self.assertEqual(found[weak.pk].replacement.pk, strong.pk)
        self.assertNotIn(strong.pk, found)
        with translation.override("en"):
            self.assertIn("“甲县不动产登记系统” of 甲县自然资源局", found[weak.pk].findings[0].reason)

    def test_b_is_recomputed_when_a_system_changes(self):
        land = make_unit("甲县自然资源局", "990001-ZR3", "department", self.tree.county_a)
        make_system(land, name="甲县不动产登记系统", user_count=300)
        weak = make_system(self.tree.dept_a, name="甲县不动产登记系统", user_count=3)
        self.assertIn("b", self.codes(weak))  # computed, then cached
        self.assertIn("b", self.codes(weak))  # from the cache
        before = snapshot(weak)
        weak.name = "甲县契税征收管理系统"
        object_update(obj=weak, actor=None, before=before)
        self.assertNotIn("b", self.codes(weak))

    def test_b_only_within_one_government(self):
        office = make_unit("甲县城关镇党政办", "990001001-DZ", "department", self.tree.township_a)
        county = make_system(self.tree.dept_a, name="甲县网格化社会治理平台", user_count=80)
        township = make_system(office, name="城关镇网格化社会治理平台", user_count=30)
        self.assertNotIn("b", self.codes(township))  # another level's copy is duplicate construction, not (b)
        self.assertNotIn("b", self.codes(county))
        twin = make_system(self.tree.township_a, name="城关镇网格化社会治理系统", user_count=200)
        self.assertIn("b", self.codes(township))
        self.assertNotIn("b", self.codes(twin))

    def test_b_not_across_governments_nor_by_a_stopped_system(self):
        make_system(self.tree.dept_b, name="乙县不动产登记系统", user_count=900)
        mine = make_system(self.tree.dept_a, name="甲县不动产登记系统", user_count=5)
        self.assertNotIn("b", self.codes(mine))
        make_system(self.tree.sub_a, name="甲县不动产登记系统", user_count=900, status=c.SystemStatus.SUSPENDED)
        self.assertNotIn("b", self.codes(mine))

    def test_b_never_names_a_system_outside_the_queryset(self):
        land = make_unit("甲县自然资源局", "990001-ZR2", "department", self.tree.county_a)
        make_system(land, name="甲县不动产登记系统", user_count=300)
        weak = make_system(self.tree.dept_a, name="甲县不动产登记系统", user_count=3)
        self.assertNotIn("b", self.codes(weak, System.objects.filter(owner_unit=self.tree.dept_a)))

    # (c) idle -----------------------------------------------------------------------------------------------------
    def test_c_last_active_older_than_the_threshold(self):
        boundary = months_before(TODAY, self.rules.zombie.idle_months)  # 2025-05-20
        self.assertEqual(boundary, dt.date(2025, 5, 20))
        idle = make_system(self.tree.dept_a, last_active_date=boundary - dt.timedelta(days=1))
        exactly = make_system(self.tree.dept_a, last_active_date=boundary)
        unknown = make_system(self.tree.dept_a, last_active_date=None)
        self.assertIn("c", self.codes(idle))
        self.assertNotIn("c", self.codes(exactly))
        self.assertNotIn("c", self.codes(unknown))

    def test_c_reason_says_when_in_words(self):
        system = make_system(self.tree.dept_a, last_active_date=dt.date(2024, 3, 1))
        found = zombie_candidates(System.objects.filter(pk=system.pk), today=TODAY, settings=self.rules)
        with translation.override("en"):
            self.assertEqual(found[0].findings[0].reason, "Last active 2024-03-01, 20 months ago.")

    # (d) maintenance stopped ---------------------------------------------------------------------------------------
    def test_d_contract_ended_or_suspended(self):
        ended = make_system(self.tree.dept_a, om_contract_end=TODAY - dt.timedelta(days=1))
        today = make_system(self.tree.dept_a, om_contract_end=TODAY)
        none = make_system(self.tree.dept_a, om_contract_end=None)
        suspended = make_system(self.tree.dept_a, status=c.SystemStatus.SUSPENDED)
        self.assertIn("d", self.codes(ended))
        self.assertNotIn("d", self.codes(today))
        self.assertNotIn("d", self.codes(none))
        self.assertIn("d", self.codes(suspended))

    # (e) few users ----------------------------------------------------------------------------------------------
    def test_e_internal_and_public_thresholds(self):
        z = self.rules.zombie
        cases = [
            (c.UserScope.INTERNAL, z.internal_users_below - 1, True),
            (c.UserScope.INTERNAL, z.internal_users_below, False),
            (c.UserScope.PUBLIC, z.public_users_below - 1, True),
            (c.UserScope.PUBLIC, z.public_users_below, False),
            (c.UserScope.BOTH, z.public_users_below - 1, True),
            (c.UserScope.INTERNAL, None, False),
        ]
        for scope, count, expected in cases:
            system = make_system(self.tree.dept_a, user_scope=scope, user_count=count)
            self.assertEqual("e" in self.codes(system), expected, (scope, count))

    # scope of the evaluation ---------------------------------------------------------------------------------------
    def test_only_running_and_suspended_systems_are_evaluated(self):
        for status in (c.SystemStatus.PLANNED, c.SystemStatus.BUILDING, c.SystemStatus.RETIRED):
            system = make_system(self.tree.dept_a, status=status, user_count=0, last_active_date=dt.date(2020, 1, 1))
            self.assertEqual(self.codes(system), [])

    def test_thresholds_come_from_the_rules(self):
        system = make_system(self.tree.dept_a, last_active_date=months_before(TODAY, 4))
        self.assertNotIn("c", self.codes(system))
        path = Path(self.id().replace(".", "_") + ".yaml")
        text = RULES_FILE.read_text(encoding="utf-8").replace("inactive_months: 6", "inactive_months: 3")
        try:
            path.write_text(text, encoding="utf-8")
            stricter = load_rules(path)
        finally:
            path.unlink()
        found = zombie_candidates(System.objects.all(), today=TODAY, settings=stricter)
        self.assertIn("c", next(z.codes for z in found if z.pk == system.pk))

    def test_evaluation_takes_a_constant_number_of_queries(self):
        counts = []
        for n in (3, 15):
            while System.objects.count() < n:
                make_system(self.tree.dept_a, name=f"甲县系统{System.objects.count()}", user_count=1)
            with CaptureQueriesContext(connection) as ctx:
                zombie_candidates(System.objects.all(), today=TODAY, settings=self.rules)
            counts.append(len(ctx.captured_queries))
        self.assertEqual(counts[0], counts[1])

    def test_month_arithmetic(self):
        self.assertEqual(months_before(dt.date(2025, 3, 31), 1), dt.date(2025, 2, 28))
        self.assertEqual(months_before(dt.date(2025, 1, 15), 13), dt.date(2023, 12, 15))
        self.assertEqual(months_between(dt.date(2024, 3, 1), TODAY), 20)
        self.assertEqual(months_between(dt.date(2025, 10, 21), TODAY), 0)


class RulesFileTests(TestCase):
    def load(self, old: str, new: str):
        path = Path(f"bad_rules_{abs(hash(old + new))}.yaml")
        path.write_text(RULES_FILE.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        try:
            return load_rules(path)
        finally:
            path.unlink()

    def assert_error(self, old: str, new: str, *fragments: str):
        with self.assertRaises(RulesError) as ctx:
            self.load(old, new)
        for fragment in fragments:
            self.assertIn(fragment, str(ctx.exception))

    def test_shipped_file_is_valid(self):
        self.assertTrue(load_rules().version)

    def test_bad_values_name_the_key(self):
        self.assert_error("inactive_months: 6", "inactive_months: -1", "zombie.idle.inactive_months", "at least 1")
        self.assert_error("inactive_months: 6", "inactive_months: six", "zombie.idle.inactive_months")
        self.assert_error("similarity: 0.8", "similarity: 1.5", "zombie.replaceable.similarity", "0 to 1")
        self.assert_error("    grace_days: 0", "    grace_days: 0\n    extra: 1", "zombie.unmaintained", "extra")
        self.assert_error("    public_below: 100", "", "zombie.few_users.public_below", "missing")

    def test_quality_weights_match_the_checks(self):
        self.assert_error("    resource.abstract: 1\n", "", "no weight for", "resource.abstract")
        self.assert_error(
            "    resource.abstract: 1\n", "    resource.abstract: 1\n    system.colour: 1\n", "system.colour"
        )
        self.assert_error("resource.abstract: 1", "resource.abstract: 0", "resource.abstract", "greater than 0")

    def test_unreadable_file(self):
        self.assert_error("version:", "version: [", "cannot read")
        with self.assertRaises(RulesError):
            load_rules(Path("no_such_rules.yaml"))


class ReviewServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = build_tree()
        cls.cio = make_user("zb_cio", "cio", cls.tree.county_a)
        cls.liaison = make_user("zb_liaison", "liaison", cls.tree.dept_a)

    def setUp(self):
        self.system = make_system(self.tree.dept_a, name="甲县旧版OA系统", last_active_date=dt.date(2023, 5, 4))
        self.target = make_system(self.tree.sub_a, name="甲县协同办公平台")
        self.outside = make_system(self.tree.dept_b, name="乙县协同办公平台")

    def review(self, decision, reason="", target=None, actor=None):
        return zombie_review_create(
            actor=actor or self.cio, system=self.system, decision=decision, reason=reason, target_system=target
        )

    def test_keep_requires_a_reason(self):
        with self.assertRaises(ValidationError) as ctx:
            self.review(c.ZombieDecision.KEEP, "  ")
        self.assertIn("reason", ctx.exception.message_dict)
        review = self.review(c.ZombieDecision.KEEP, "年底并入协同办公平台前仍需保留")
        self.assertEqual(review.decided_by, self.cio)
        self.assertEqual(review.criteria, ["c"])
        self.system.refresh_from_db()
        self.assertEqual(self.system.status, c.SystemStatus.RUNNING)

    def test_decision_writes_the_named_audit_event(self):
        self.review(c.ZombieDecision.KEEP, "仍在使用")
        event = AuditRecord.objects.filter(event="inventory.zombie_reviewed", object_type="inventory.system").get()
        self.assertEqual(event.object_id, str(self.system.pk))
        self.assertEqual(event.changes["decision"], "keep")
        self.assertIn("c", event.changes["criteria"])
        self.assertTrue(AuditRecord.objects.filter(event="inventory.zombie_reviewed", action="create").exists())

    def test_integrate_requires_a_target_in_scope(self):
        for target in (None, self.system, self.outside):
            with self.assertRaises(ValidationError) as ctx:
                self.review(c.ZombieDecision.INTEGRATE, "并入", target)
            self.assertIn("target_system", ctx.exception.message_dict)
        review = self.review(c.ZombieDecision.INTEGRATE, "", self.target)
        self.assertEqual(review.target_system, self.target)
        self.assertTrue(review.reason)  # the findings stand in for an empty reason

    def test_retire_sets_the_status_through_the_service(self):
        self.review(c.ZombieDecision.RETIRE)
        self.system.refresh_from_db()
        self.assertEqual(self.system.status, c.SystemStatus.RETIRED)
        self.assertEqual(self.system.version, 2)
        self.assertTrue(AuditRecord.objects.filter(event="inventory.zombie_retired", action="update").exists())

    def test_out_of_scope_system_is_404(self):
        with self.assertRaises(Http404):
            zombie_review_create(actor=self.cio, system=self.outside, decision="keep", reason="不需要")

    def test_a_liaison_cannot_decide_and_nothing_is_written(self):
        with self.assertRaises(ValidationError):
            self.review(c.ZombieDecision.RETIRE, actor=self.liaison)
        self.assertFalse(ZombieReview.objects.exists())
        self.system.refresh_from_db()
        self.assertEqual(self.system.status, c.SystemStatus.RUNNING)


class ZombiePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = build_tree()
        cls.cio = make_user("zp_cio", "cio", cls.tree.county_a)
        cls.liaison = make_user("zp_liaison", "liaison", cls.tree.dept_a)
        cls.expert = make_user("zp_expert", "expert", cls.tree.county_a)
        old = timezone.localdate() - dt.timedelta(days=400)
        cls.mine = make_system(cls.tree.dept_a, name="甲县旧版OA系统", last_active_date=old)
        cls.township = make_system(cls.tree.township_a, name="城关镇旧版政务网站", last_active_date=old)
        cls.theirs = make_system(cls.tree.dept_b, name="乙县旧版OA系统", last_active_date=old)

    def test_list_holds_candidates_in_scope_only(self):
        self.client.force_login(self.cio)
        response = self.client.get(reverse("inventory:zombie_list"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "甲县旧版OA系统")
        self.assertContains(response, "城关镇旧版政务网站")
        self.assertNotContains(response, "乙县旧版OA系统")
        self.assertContains(response, reverse("inventory:zombie_review", args=[self.mine.pk]))

    def test_a_liaison_sees_only_their_department(self):
        self.client.force_login(self.liaison)
        response = self.client.get(reverse("inventory:zombie_list"))
        self.assertContains(response, "甲县旧版OA系统")
        self.assertNotContains(response, "城关镇旧版政务网站")
        self.assertNotContains(response, reverse("inventory:zombie_review", args=[self.mine.pk]))
        self.assertEqual(self.client.get(reverse("inventory:zombie_review", args=[self.mine.pk])).status_code, 404)

    def test_export_has_the_page_columns_and_needs_the_permission(self):
        self.client.force_login(self.cio)
        with translation.override("en"):
            response = self.client.get(reverse("inventory:zombie_list") + "?export=csv", HTTP_ACCEPT_LANGUAGE="en")
            self.assertEqual(response.status_code, 200)
            body = b"".join(response.streaming_content).decode("utf-8-sig")
        self.assertIn("甲县旧版OA系统", body)
        self.assertNotIn("乙县旧版OA系统", body)
        self.assertEqual(len(body.splitlines()), 3)  # header and two candidates
        response = self.client.get(reverse("inventory:zombie_list") + "?export=xlsx")
        self.assertTrue(b"".join(response.streaming_content).startswith(b"PK"))
        self.client.force_login(self.expert)
        self.assertEqual(self.client.get(reverse("inventory:zombie_list")).status_code, 200)
        self.assertEqual(self.client.get(reverse("inventory:zombie_list") + "?export=csv").status_code, 404)

    def test_decide_on_a_candidate(self):
        self.client.force_login(self.cio)
        url = reverse("inventory:zombie_review", args=[self.mine.pk])
        self.assertContains(self.client.get(url), "甲县旧版OA系统")
        response = self.client.post(url, {"decision": "keep", "reason": ""})
        self.assertEqual(response.status_code, 400)
        self.assertTrue(response.context["form"].errors["reason"])
        response = self.client.post(url, {"decision": "retire", "reason": "功能已由协同办公平台承接"})
        self.assertRedirects(response, reverse("inventory:zombie_list"))
        self.mine.refresh_from_db()
        self.assertEqual(self.mine.status, c.SystemStatus.RETIRED)
        review = ZombieReview.objects.get(system=self.mine)
        self.assertEqual(review.reason, "功能已由协同办公平台承接")

    def test_latest_decision_is_shown(self):
        zombie_review_create(actor=self.cio, system=self.township, decision="keep", reason="乡镇政务公开仍需要")
        self.client.force_login(self.cio)
        response = self.client.get(reverse("inventory:zombie_list"))
        self.assertContains(response, "乡镇政务公开仍需要")
        response = self.client.get(reverse("inventory:zombie_list") + "?undecided=1")
        self.assertNotContains(response, "乡镇政务公开仍需要")
        self.assertContains(response, "甲县旧版OA系统")

    def test_review_out_of_scope_or_without_permission_is_404(self):
        self.client.force_login(self.cio)
        self.assertEqual(self.client.get(reverse("inventory:zombie_review", args=[self.theirs.pk])).status_code, 404)
        self.client.force_login(self.expert)
        self.assertEqual(self.client.get(reverse("inventory:zombie_review", args=[self.mine.pk])).status_code, 404)
