"""Fusion risk (融合风险): the weights file is validated, each factor moves the score by its weight, the reach counts
equal the inventory's walk, and the ranking holds only systems in scope and moves when findings and links change."""

import datetime as dt
import random
import tempfile
from pathlib import Path
from unittest import mock

import numpy as np
from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from django.utils import translation

from core import testing
from core.models import AuditRecord
from inventory import impact
from inventory.models import Link, ServiceItem
from inventory.services import link_save, serviceitem_save
from inventory.tests.factories import new_resource, new_system
from security import fusion
from security import ranking as stored
from security.choices import Severity
from security.fusion import Facts, WeightsError, load_weights, ranked, weigh, weights
from security.models import CryptoAssessment, CryptoItemResult, Finding, Grading
from security.selectors import reach
from security.selectors.fusion import facts

W = weights()
TODAY = dt.date(2026, 11, 27)


def base(**fields) -> Facts:
    values = {"system_id": 1, "name": "不动产登记系统", "code": "BDC-01", "unit_id": 1, "unit": "甲县自然资源局"}
    values.update({"status": "running", "level": 2, **fields})
    return Facts(**values)


class WeightsFileTests(SimpleTestCase):
    def write(self, text: str) -> Path:
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8") as handle:
            handle.write(text)
        self.addCleanup(Path(handle.name).unlink)
        return Path(handle.name)

    def shipped(self) -> str:
        return fusion.WEIGHTS_FILE.read_text(encoding="utf-8")

    def test_shipped_file_is_valid(self):
        self.assertEqual(load_weights(), W)
        self.assertEqual(W["level"]["points"][3], 8.0)
        self.assertEqual(W["blast_radius"]["depth"], 5)

    def test_errors_name_the_key(self):
        cases = {
            "internet: 10": ("internet: -1", "exposure.internet"),
            "depth: 5": ("depth: 50", "blast_radius.depth"),
            "    critical: 10\n": ("    critical: 10\n    blocker: 20\n", "findings.per_open"),
            "  per_shall_unmet: 3": ("  per_shall_unmet: many", "crypto.per_shall_unmet"),
            'version: "2026.1"\n': ("", "(top level)"),
        }
        for old, (new, key) in cases.items():
            with self.subTest(key=key):
                path = self.write(self.shipped().replace(old, new))
                with self.assertRaisesMessage(WeightsError, key):
                    load_weights(path)

    def test_unreadable_file(self):
        with self.assertRaises(WeightsError):
            load_weights(self.write("level: [unclosed"))


class WeighTests(SimpleTestCase):
    """Each factor changes the score by exactly its weight (below its cap)."""

    def delta(self, **fields) -> float:
        return weigh(base(**fields)).score - weigh(base()).score

    def test_level_and_not_graded(self):
        self.assertEqual(weigh(base(level=3)).points("level"), W["level"]["points"][3])
        self.assertEqual(weigh(base(level=None)).points("level"), W["level"]["not_graded"])
        self.assertEqual(weigh(base(level=None, status="building")).score, 0, "only running systems are ungraded risks")

    def test_findings_by_severity_and_overdue(self):
        per = W["findings"]["per_open"]
        self.assertEqual(self.delta(findings={"critical": 1, "high": 2}), per["critical"] + 2 * per["high"])
        self.assertEqual(self.delta(findings={"low": 1}, overdue=1), per["low"] + W["overdue"]["per_finding"])
        self.assertEqual(self.delta(findings={"critical": 40}), W["findings"]["cap"])

    def test_downstream_and_service_items(self):
        self.assertEqual(self.delta(downstream=3), 3 * W["downstream"]["per_system"])
        self.assertEqual(self.delta(service_items=4), 4 * W["service_items"]["per_item"])
        reason = weigh(base(downstream=3, downstream_outside=1)).reasons[-1]
        self.assertIn("3", reason.text)
        self.assertEqual(reason.details, ("1 outside your scope",))

    def test_exposure(self):
        self.assertEqual(self.delta(network="internet"), W["exposure"]["internet"])
        self.assertEqual(self.delta(user_scope="both"), W["exposure"]["public_users"])
        self.assertEqual(self.delta(user_scope="internal", network="egov_extranet"), 0)
        # One reason per way in, each with its own points, rather than one sentence joined from labels.
        both = [r for r in weigh(base(network="internet", user_scope="public")).reasons if r.code == "exposure"]
        self.assertEqual(
            [(r.text, r.points) for r in both],
            [
                ("Reachable from the internet", W["exposure"]["internet"]),
                ("Used by the public", W["exposure"]["public_users"]),
            ],
        )

    def test_counts_are_separate_details_with_the_choices_labels(self):
        reasons = {r.code: r for r in weigh(base(findings={"high": 2, "low": 1}, held={"core": 1})).reasons}
        self.assertEqual(reasons["findings"].text, "3 open findings")
        self.assertEqual(reasons["findings"].details, ("High: 2", "Low: 1"))
        self.assertEqual(reasons["data"].details, ("1 resource of Core data",))
        self.assertEqual(reasons["findings"].full(", "), "3 open findings (High: 2, Low: 1)")
        with translation.override("zh-hans"):  # the labels are the model's choices, in the reader's language
            self.assertIn(str(Severity.HIGH.label), weigh(base(findings={"high": 2})).reasons[-1].details[0])

    def test_data_classification_of_system_and_held_resources(self):
        data = W["data"]
        self.assertEqual(self.delta(data_class="important"), data["class"]["important"])
        held = data["class"]["core"] + data["per_resource"]["core"] + 2 * data["per_resource"]["important"]
        self.assertEqual(self.delta(data_class="general", held={"core": 1, "important": 2}), held)
        self.assertEqual(self.delta(held={"core": 50}), data["cap"])

    def test_crypto_shall_items(self):
        self.assertEqual(self.delta(crypto_unmet=2), 2 * W["crypto"]["per_shall_unmet"])

    def test_ranking_order_and_shared_ranks(self):
        rows = ranked([base(code="A"), base(code="B", network="internet"), base(code="C")])
        self.assertEqual([(r.facts.code, r.rank) for r in rows], [("B", 1), ("A", 2), ("C", 2)])


class FakeRows:
    """Stands for the delivery rows (system, service item) that ``reach`` reads."""

    def __init__(self, pairs):
        self.pairs = pairs

    def values_list(self, *fields):
        return [tuple(row) for row in self.pairs.tolist()]


def synthetic_graph(n: int, edges: int, seed: int) -> impact.ImpactGraph:
    """``n`` systems with ids from 1000, every one with a link (a chain through them all), and ``edges`` random
    one-way links more."""
    rnd = random.Random(seed)
    pairs = {(rnd.randrange(n), rnd.randrange(n)) for _ in range(edges)} - {(i, i) for i in range(n)}
    pairs = np.asarray(sorted(pairs | {(i, i + 1) for i in range(n - 1)}), dtype=np.int64) + 1000
    count = len(pairs)
    return impact.graph_from_links(np.arange(count), pairs[:, 0], pairs[:, 1], np.zeros(count, dtype=bool))


class ReachTests(SimpleTestCase):
    def test_bit_sets_equal_one_walk_per_system(self):
        n = 300
        graph = synthetic_graph(n, 700, seed=7)
        rnd = random.Random(8)
        inside = np.array([rnd.random() < 0.5 for _ in range(n)])
        pairs = np.unique(np.array([(1000 + rnd.randrange(n), rnd.randrange(400)) for _ in range(500)]), axis=0)
        for depth in (1, 3, 5):
            systems, within = reach.downstream_counts(graph, depth, inside)
            items = reach.item_counts(graph, depth, pairs)
            delivered: dict[int, set] = {}
            for system_id, item in pairs.tolist():
                delivered.setdefault(graph.node[system_id], set()).add(item)
            for v in range(n):
                nodes = np.concatenate(impact.walk(graph, [graph.ids[v]], impact.DOWN, depth).levels)
                self.assertEqual(systems[v], len(nodes) - 1)
                self.assertEqual(within[v], inside[nodes].sum() - inside[v])
                self.assertEqual(items[v], len(set().union(*(delivered.get(int(x), set()) for x in nodes))))

    def test_walks_for_a_few_systems_equal_the_whole_graph_counts(self):
        n = 250
        graph = synthetic_graph(n, 600, seed=11)
        rnd = random.Random(12)
        pairs = np.unique(np.array([(1000 + rnd.randrange(n + 20), rnd.randrange(300)) for _ in range(400)]), axis=0)
        for share in (0.1, 0.9):  # a small scope (its own nodes counted) and a large one (the rest counted)
            inside = np.array([rnd.random() < share for _ in range(n)])
            with mock.patch.object(reach, "_delivery_rows", return_value=(FakeRows(pairs), ("s", share))):
                reach.forget()
                whole = reach.reach(graph, 3, inside, ("scope", share))
                some = reach.few(graph, 3, inside, [*graph.ids[:40], 1000 + n + 5, 999])
            for pk, (systems, within, items) in some.items():
                node = graph.node.get(pk)
                if node is None:
                    self.assertEqual((systems, within), (0, 0))
                    self.assertEqual(items, whole.own_items.get(pk, 0))
                    continue
                self.assertEqual(
                    (systems, within, items),
                    (whole.systems[node], whole.inside[node], whole.items[node]),
                )

    def test_word_blocks_give_the_same_counts(self):
        graph = synthetic_graph(200, 500, seed=3)
        inside = np.ones(200, dtype=bool)
        whole = reach.downstream_counts(graph, 4, inside)
        old = reach.EDGE_BLOCK_BYTES
        reach.EDGE_BLOCK_BYTES = 8  # one 64-bit word per block
        try:
            blocked = reach.downstream_counts(graph, 4, inside)
        finally:
            reach.EDGE_BLOCK_BYTES = old
        np.testing.assert_array_equal(whole[0], blocked[0])


class RankingTests(TestCase):
    """County A's CIO ranks county A's systems; county B's system downstream is counted, never named."""

    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.cio = testing.make_user("cio_fusion", "cio", cls.tree.county_a)
        cls.liaison = testing.make_user("liaison_fusion", "liaison", cls.tree.dept_a, subtree=False)
        cls.expert = testing.make_user("expert_fusion", "expert", cls.tree.county_a)  # MLPS view, no export
        cls.staff = testing.make_user("staff_fusion", "staff", cls.tree.county_a)  # no MLPS view
        cls.portal = new_system(cls.tree.dept_a, name="甲县政务服务网", network="internet", user_scope="public")
        cls.ledger = new_system(cls.tree.sub_a, name="甲县国库集中支付系统", data_class="important")
        cls.other = new_system(cls.tree.dept_b, name="乙县财政一体化平台")
        cls.retired = new_system(cls.tree.dept_a, name="甲县旧版网站群", status="retired")

    def setUp(self):
        impact.build_graph()
        reach.forget()

    def ranking(self, user=None, systems=None):
        from inventory.models import System

        user = user or self.cio
        return {
            e.facts.system_id: e
            for e in ranked(facts(user, systems or System.objects.restrict(user, "view"), today=TODAY))
        }

    def test_the_remembered_order_gives_the_same_rows_page_by_page(self):
        from inventory.models import System
        from security.views.fusion import Ranking, ranking

        for i in range(12):  # more than reach.FEW, so both ways of counting are used
            new_system(self.tree.dept_a, name=f"甲县业务系统{i}", network="internet" if i % 3 else "egov_extranet")
        systems = System.objects.restrict(self.cio, "view")
        whole = [(e.rank, e.facts.system_id, e.score) for e in ranked(facts(self.cio, systems, today=TODAY))]
        rows = ranking(self.cio, systems, TODAY)
        self.assertIsInstance(rows, Ranking)
        self.assertEqual(len(rows), len(whole))
        self.assertEqual([(e.rank, e.facts.system_id, e.score) for e in rows], whole)
        self.assertEqual([(e.rank, e.facts.system_id, e.score) for e in rows[3:7]], whole[3:7])
        self.assertEqual((rows[0].rank, rows[0].facts.system_id), whole[0][:2])

    def test_only_systems_in_scope_and_in_service(self):
        rows = self.ranking()
        self.assertEqual(set(rows), {self.portal.pk, self.ledger.pk})
        self.assertEqual(set(self.ranking(self.liaison)), {self.portal.pk})

    def test_a_finding_opened_then_verified_moves_the_ranking(self):
        before = self.ranking()
        self.assertGreater(before[self.portal.pk].score, before[self.ledger.pk].score)
        finding = Finding.objects.create(
            system=self.ledger,
            source="scanner",
            title="Apache Struts2 远程代码执行漏洞",
            severity="critical",
            found_on=TODAY - dt.timedelta(days=30),
            deadline=TODAY - dt.timedelta(days=1),
        )
        opened = self.ranking()[self.ledger.pk]
        expected = W["findings"]["per_open"]["critical"] + W["overdue"]["per_finding"]
        self.assertEqual(opened.score - before[self.ledger.pk].score, expected)
        self.assertEqual(opened.rank, 1)
        Finding.objects.filter(pk=finding.pk).update(status="verified")
        self.assertEqual(self.ranking()[self.ledger.pk].score, before[self.ledger.pk].score)

    def test_a_link_adds_downstream_systems_and_service_items(self):
        item = serviceitem_save(
            actor=None,
            item=ServiceItem(name="财政票据查验", code="FW-PJ-01", unit=self.tree.sub_a),
            systems=[self.ledger],
        )
        before = self.ranking()[self.portal.pk]
        with self.captureOnCommitCallbacks(execute=True):  # the impact graph's build runs after the commit
            link_save(actor=None, link=Link(from_system=self.portal, to_system=self.ledger), resources=[])
        after = self.ranking()[self.portal.pk]
        self.assertEqual(after.facts.downstream, 1)
        self.assertEqual(after.facts.service_items, 1)
        gain = W["downstream"]["per_system"] + W["service_items"]["per_item"]
        self.assertEqual(after.score - before.score, gain)
        self.assertTrue(item.pk)

    def test_outside_downstream_is_counted_not_named(self):
        with self.captureOnCommitCallbacks(execute=True):
            link_save(actor=None, link=Link(from_system=self.ledger, to_system=self.other), resources=[])
        row = self.ranking()[self.ledger.pk]
        self.assertEqual((row.facts.downstream, row.facts.downstream_outside), (1, 1))
        self.client.force_login(self.cio)
        body = self.client.get(reverse("security:fusion")).content.decode()
        self.assertIn(self.ledger.name, body)
        self.assertNotIn(self.other.name, body)
        self.assertNotIn(self.retired.name, body)

    def test_a_unit_move_counts_where_the_unit_now_is_in_the_whole_ranking(self):
        from core.services.units import unit_move
        from inventory.models import System

        with self.captureOnCommitCallbacks(execute=True):
            for i in range(11):  # more than the few systems walked one by one: the whole graph's counts, remembered
                new_system(self.tree.dept_a, name=f"甲县业务系统{i}")
            link_save(actor=None, link=Link(from_system=self.ledger, to_system=self.other), resources=[])
        row = self.ranking()[self.ledger.pk]
        self.assertEqual((row.facts.downstream, row.facts.downstream_outside), (1, 1))
        admin = testing.make_user("mover_fusion", "sysadmin", self.tree.county_a)
        testing.grant(admin, "sysadmin", self.tree.county_b)
        unit_move(actor=admin, unit=self.tree.dept_b, new_parent=self.tree.county_a)  # no graph build follows
        cio = type(self.cio).objects.get(pk=self.cio.pk)  # the next request's user
        row = self.ranking(cio, System.objects.restrict(cio, "view"))[self.ledger.pk]
        self.assertEqual((row.facts.downstream, row.facts.downstream_outside), (1, 0))

    def test_crypto_and_held_data_are_read_through_the_gate(self):
        new_resource(self.tree.dept_a, system=self.portal, data_class="core")
        new_resource(self.tree.dept_b, system=self.portal, data_class="core")  # provider outside: not counted
        old = CryptoAssessment.objects.create(
            system=self.portal, level=3, assessed_on=TODAY - dt.timedelta(days=400), conclusion="fail"
        )
        CryptoItemResult.objects.create(assessment=old, item="a", requirement="shall", status="noncompliant")
        latest = CryptoAssessment.objects.create(
            system=self.portal, level=3, assessed_on=TODAY - dt.timedelta(days=10), conclusion="basic"
        )
        for item, status in (("a", "compliant"), ("d", "partial"), ("e", "not_assessed"), ("b", "noncompliant")):
            requirement = "should" if item == "b" else "shall"
            CryptoItemResult.objects.create(assessment=latest, item=item, requirement=requirement, status=status)
        row = self.ranking()[self.portal.pk]
        self.assertEqual(row.facts.held, {"core": 1})
        self.assertEqual(row.facts.crypto_unmet, 2, "d partly and e not assessed; b is only 宜")
        self.assertEqual(row.points("crypto"), 2 * W["crypto"]["per_shall_unmet"])

    def test_level_from_grading(self):
        Grading.objects.create(
            system=self.ledger,
            business_object="society",
            business_degree="serious",
            service_object="society",
            service_degree="serious",
            business_level=3,
            service_level=3,
            level=3,
            rationale="承载全县财政资金支付",
        )
        self.assertEqual(self.ranking()[self.ledger.pk].points("level"), W["level"]["points"][3])

    def test_page_filters_export_and_permission(self):
        self.client.force_login(self.cio)
        url = reverse("security:fusion")
        page = self.client.get(url, {"within": self.tree.sub_a.pk})
        self.assertEqual([e.facts.system_id for e in page.context["page"].object_list], [self.ledger.pk])
        page = self.client.get(url, {"department": self.tree.dept_a.pk})
        self.assertEqual([e.facts.system_id for e in page.context["page"].object_list], [self.portal.pk])
        page = self.client.get(url, {"within": self.tree.dept_b.pk})
        self.assertEqual(page.context["page"].object_list, [])
        response = self.client.get(url, {"export": "csv"})
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        self.assertIn(self.portal.name, body)
        self.assertNotIn(self.other.name, body)
        self.assertTrue(AuditRecord.objects.filter(event="fusion.exported").exists())
        self.client.force_login(self.expert)
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(self.client.get(url, {"export": "csv"}).status_code, 404)
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_queries_do_not_grow_with_systems(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.client.force_login(self.cio)
        warm_up_graph(self.cio)
        counts = []
        for extra in (0, 12):
            for _ in range(extra):
                system = new_system(self.tree.dept_a, network="internet")
                Finding.objects.create(
                    system=system, source="inspection", title="弱口令", severity="high", found_on=TODAY
                )
            stored.compute()  # made through the ORM: ranked again before the look
            testing.recount()
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get(reverse("security:fusion")).status_code, 200)
            counts.append(len(ctx.captured_queries))
        self.assertEqual(counts[0], counts[1], counts)


def warm_up_graph(user):
    """Map the current impact graph in this process and read its deliveries, as the first look after a build does
    (not what a query budget measures)."""
    from inventory.models import System
    from security.selectors.fusion import facts

    facts(user, System.objects.restrict(user, "view"), today=TODAY)
