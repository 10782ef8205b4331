"""One impact graph per installation (decision 0013): built by a task after the services change links or systems,
stored versioned in the data directory, mapped by every process, never built inside a request; the scope applied at
each look through the gate's own path ranges.

The graph is the one of ``test_impact`` (甲县 = county A, 乙县 = county B):

    A → B → C → D ⇄ E → F → G,  C → A,  H ⇄ D     (C under 甲县国库支付中心, E and F in 乙县)
"""

import collections
import json
import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import testing
from core.services import object_delete, object_update, snapshot
from core.services.units import unit_move
from inventory import choices as c
from inventory import graph, impact
from inventory.models import ImpactGraphVersion, Link, System
from inventory.services import link_save, links_import

from .test_impact import ImpactTestCase, link, system

ROOT = Path(__file__).resolve().parents[2]


def refuse_builds():
    """Fail the test if anything builds the graph."""
    return mock.patch.object(graph, "arrays", side_effect=AssertionError("the impact graph was built"))


class ScopeAtEachLookTests(ImpactTestCase):
    def test_a_unit_move_counts_where_the_unit_now_is_at_once(self):
        liaison = testing.make_user("graph_liaison", "liaison", self.tree.dept_a)
        before = self.down(self.a, user=liaison, depth=10).side(impact.DOWN)
        self.assertIn(self.c.name, {n.name for n in before.systems})  # C's unit lies under dept_a
        admin = testing.make_user("graph_mover", "sysadmin", self.tree.county_a)
        testing.grant(admin, "sysadmin", self.tree.county_b)
        with refuse_builds():
            unit_move(actor=admin, unit=self.tree.sub_a, new_parent=self.tree.dept_b)
            liaison = type(liaison).objects.get(pk=liaison.pk)  # the next request's user
            after = self.down(self.a, user=liaison, depth=10).side(impact.DOWN)
        self.assertNotIn(self.c.name, {n.name for n in after.systems})
        self.assertEqual(after.outside, before.outside + 1)
        self.assertEqual(after.total, before.total)

    def test_the_graph_holds_no_unit_paths(self):
        loaded = impact.get_graph()
        self.assertFalse([name for name in vars(loaded) if "path" in name])


class BuildAfterChangeTests(ImpactTestCase):
    def test_a_link_saved_through_the_service_is_built_after_commit(self):
        self.assertEqual(self.depths(self.down(self.lonely)), {})
        with self.captureOnCommitCallbacks(execute=True):
            link_save(actor=None, link=Link(from_system=self.lonely, to_system=self.g))
        self.assertEqual(self.depths(self.down(self.lonely)), {self.g.name: 1})

    def test_a_changed_direction_is_built_after_commit(self):
        hd = Link.objects.get(from_system=self.h, to_system=self.d)
        self.assertIn(self.d.name, self.depths(self.down(self.h, depth=1)))
        before = snapshot(hd)
        hd.from_system, hd.to_system, hd.direction = self.d, self.h, c.LinkDirection.ONE_WAY
        with self.captureOnCommitCallbacks(execute=True):
            object_update(obj=hd, actor=None, before=before)
        self.assertEqual(self.depths(self.down(self.h, depth=1)), {})

    def test_one_build_asked_per_transaction_of_a_bulk_delete(self):
        doomed = [system(self.tree.dept_a, f"GR-D{i}", f"甲县待删系统{i}") for i in range(5)]
        for one in doomed:
            link(self.a, one)
        with self.captureOnCommitCallbacks() as asked, transaction.atomic():
            for one in doomed:
                object_delete(obj=one, actor=None)
        self.assertEqual([f for f in asked if f is graph._enqueue], [graph._enqueue])

    def test_an_import_of_links_asks_for_a_build(self):
        with self.captureOnCommitCallbacks() as asked:
            links_import(
                actor=testing.make_user("graph_importer", "cio", self.tree.county_a),
                rows=[{"from_system": self.lonely, "to_system": self.a, "direction": c.LinkDirection.ONE_WAY}],
            )
        self.assertIn(graph._enqueue, asked)

    def test_a_renamed_system_asks_for_nothing_a_new_owner_does(self):
        before = snapshot(self.g)
        self.g.name = "甲县医保结算平台"
        with self.captureOnCommitCallbacks() as renamed:
            object_update(obj=self.g, actor=None, before=before)
        self.assertNotIn(graph._enqueue, renamed)
        before = snapshot(self.g)
        self.g.owner_unit = self.tree.township_a
        with self.captureOnCommitCallbacks() as moved:
            object_update(obj=self.g, actor=None, before=before)
        self.assertIn(graph._enqueue, moved)

    def test_the_command_builds_a_new_version(self):
        first = graph.current_version()
        call_command("graph", "build", stdout=open(os.devnull, "w"))  # noqa: SIM115
        self.assertNotEqual(graph.current_version(), first)


class NoBuildInRequestTests(ImpactTestCase):
    def url(self, obj):
        return reverse("inventory:system_impact", args=[obj.pk])

    def test_a_look_costs_one_query_for_the_version(self):
        impact.get_graph()
        with CaptureQueriesContext(connection) as looked:
            impact.get_graph()
        self.assertEqual(len(looked.captured_queries), 1)

    def test_the_page_reads_the_built_graph_and_never_builds(self):
        self.client.force_login(self.cio)
        Link.objects.create(from_system=self.lonely, to_system=self.g)  # changed, the build not yet run
        with refuse_builds():
            response = self.client.get(self.url(self.lonely))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["result"].side(impact.DOWN).total, 0)

    def test_without_a_graph_the_page_says_it_is_being_computed_and_asks_for_a_build(self):
        ImpactGraphVersion.objects.all().delete()
        graph.forget()
        self.client.force_login(self.cio)
        with refuse_builds(), self.captureOnCommitCallbacks() as asked:
            response = self.client.get(self.url(self.a))
            json_response = self.client.get(self.url(self.a) + "?format=json")
        self.assertContains(response, 'id="impact-pending"')
        self.assertEqual(response["Retry-After"], "5")
        self.assertEqual(json_response.json()["pending"], True)
        self.assertIn(graph._enqueue, asked)

    def test_the_system_page_renders_while_the_graph_is_computed(self):
        ImpactGraphVersion.objects.all().delete()
        graph.forget()
        self.client.force_login(self.cio)
        with refuse_builds():
            response = self.client.get(self.a.get_absolute_url())
        self.assertEqual(response.status_code, 200)


class DifferentialTests(TestCase):
    """The hub's blast radius against a plain breadth-first search over the database, on a random graph with cycles
    and two-way links."""

    @classmethod
    def setUpTestData(cls):
        tree = testing.build_tree()
        cls.cio = testing.make_user("graph_diff_cio", "cio", tree.county_a)
        rng = random.Random(11)
        units = [tree.dept_a, tree.sub_a, tree.township_a, tree.dept_b]
        systems = System.objects.bulk_create(
            System(owner_unit=rng.choice(units), code=f"GR-{i:04d}", name=f"业务系统{i}") for i in range(240)
        )
        ids = [s.pk for s in systems]
        pairs = {tuple(rng.sample(ids, 2)) for _ in range(520)}
        pairs |= {(ids[0], other) for other in rng.sample(ids[1:], 40)}  # the hub
        pairs = {p for p in pairs if (p[1], p[0]) not in pairs or p[0] < p[1]}
        two = [c.LinkDirection.ONE_WAY] * 4 + [c.LinkDirection.TWO_WAY]
        Link.objects.bulk_create(Link(from_system_id=a, to_system_id=b, direction=rng.choice(two)) for a, b in pairs)
        cls.hub = ids[0]

    def setUp(self):
        graph.build()

    @staticmethod
    def bfs(start: int, depth: int, direction: str) -> dict[int, int]:
        edges = collections.defaultdict(set)
        for a, b, way in Link.objects.values_list("from_system_id", "to_system_id", "direction"):
            if direction == impact.DOWN or way == c.LinkDirection.TWO_WAY:
                edges[a].add(b)
            if direction == impact.UP or way == c.LinkDirection.TWO_WAY:
                edges[b].add(a)
        found, frontier = {start: 0}, [start]
        for level in range(1, depth + 1):
            frontier = [n for f in frontier for n in edges[f] if n not in found]
            found.update(dict.fromkeys(frontier, level))
        return found

    def test_reach_equals_a_breadth_first_search(self):
        for direction in (impact.DOWN, impact.UP):
            for depth in (1, 2, 3, 5, 8):
                with self.subTest(direction=direction, depth=depth):
                    self.assertEqual(impact.reach([self.hub], depth, direction), self.bfs(self.hub, depth, direction))

    def test_the_page_totals_equal_a_breadth_first_search(self):
        hub = System.objects.get(pk=self.hub)
        everything = set(System.objects.restrict(self.cio, "view").values_list("pk", flat=True))
        expected = self.bfs(self.hub, 5, impact.DOWN)
        side = impact.system_impact(user=self.cio, system=hub, depth=5).side(impact.DOWN)
        self.assertEqual(side.total, len(expected) - 1)
        self.assertEqual(side.outside, len(set(expected) - {self.hub} - everything))


READER = """
import json, sys
import django
django.setup()
from inventory import impact
for line in sys.stdin:
    found = impact.reach([int(line)], 5)
    print(json.dumps({"version": impact.get_graph().version, "reached": sorted(found)}), flush=True)
"""

SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from core import testing
from inventory.models import Link, System
from inventory.services import link_save
tree = testing.build_tree()
a, b, c = (System.objects.create(owner_unit=tree.dept_a, code=f"TP-{n}", name=n) for n in "ABC")
link_save(actor=None, link=Link(from_system=a, to_system=b))  # the task runs after the commit (immediate backend)
print(a.pk, b.pk, c.pk)
"""

CHANGE = """
import django, sys
django.setup()
from inventory.models import Link, System
from inventory.services import link_save
b, c = (System.objects.get(pk=int(pk)) for pk in sys.argv[1:])
link_save(actor=None, link=Link(from_system=b, to_system=c))
"""


@pytest.fixture
def shared_database():
    """A database the subprocesses share, of this run's kind: a SQLite file in their data directory (empty URL), or
    a PostgreSQL database of its own beside the test database, dropped afterwards."""
    url = os.environ.get("GOVCIO_TEST_DATABASE_URL", "")
    if not url:
        yield ""
        return
    import psycopg

    base, _slash, name = url.rpartition("/")
    own = f"{name}_graph_{os.environ.get('PYTEST_XDIST_WORKER') or 'main'}"
    server = f"{base}/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{own}"')
        conn.execute(f'CREATE DATABASE "{own}"')
    try:
        yield f"{base}/{own}"
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)')


def test_a_link_change_shows_in_another_process_after_the_task_ran(tmp_path, shared_database):
    """Three processes on one data directory and database: the writer saves a link through the service (the build task
    runs after its commit), the reader — started before, kept running — sees it at its next look."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "govcio.settings.test",
        "GOVCIO_DATA_DIR": str(tmp_path / "data"),
        "GOVCIO_TEST_DATABASE_URL": shared_database,
        "DATABASE_URL": shared_database,
        "PYTEST_XDIST_WORKER": "",
    }

    def run(code, *args):
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code), *args], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout.split()

    a, b, c = run(SETUP)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER], cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        reader.stdin.write(f"{a}\n")
        reader.stdin.flush()
        before = json.loads(reader.stdout.readline())
        assert before["reached"] == sorted([int(a), int(b)])
        run(CHANGE, b, c)
        reader.stdin.write(f"{a}\n")
        reader.stdin.flush()
        after = json.loads(reader.stdout.readline())
    finally:
        reader.stdin.close()
        reader.wait(timeout=60)
    assert after["reached"] == sorted([int(a), int(b), int(c)])
    assert after["version"] != before["version"]
