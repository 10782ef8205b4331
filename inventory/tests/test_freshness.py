"""Every inventory figure — the overview, the home card, a list's total, a unit page's counts — changes with the data,
whichever path changes it (a page, the API, an import, a command), and a mere read changes none
(docs/decisions/0012-derived-figures.md)."""

import datetime as dt
import io

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core import figures, rollups, testing
from core.models import Computed, Rollup
from core.testing import csv_bytes
from inventory.models import System
from inventory.schemas import system_schema
from inventory.tests.factories import new_system


class InventoryFreshnessTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.cio = testing.make_user("cio_inventory_fresh", "cio", cls.tree.county_a)
        cls.system = new_system(cls.tree.dept_a)

    def setUp(self):
        self.client.force_login(self.cio)
        self.api = APIClient()
        self.api.force_authenticate(self.cio)

    def figures(self) -> dict:
        overview = self.client.get(reverse("inventory:overview")).context["data"]
        home = self.client.get(reverse("core:home")).context["cards"]
        card = next(card for card in home if card["template"] == "inventory/analysis_home_card.html")
        listed = self.client.get(reverse("inventory:system_list")).context["page"].paginator.count
        unit = self.client.get(reverse("core:unit", args=[self.tree.dept_a.pk])).context
        panel = next(p for p in unit["panels"] if p["url"].startswith(reverse("inventory:system_list")))
        return {
            "overview": overview.systems,
            "om_cost": overview.om_cost,
            "departments": {d.unit_id: d.systems for d in overview.departments},
            "home": card["systems"],
            "list": listed,
            "unit page": panel["count"],
        }

    def assertAllMoved(self, before: dict, after: dict, by: int, unit=None):
        for key in ("overview", "home", "list"):
            self.assertEqual(after[key], before[key] + by, key)
        unit = unit or self.tree.dept_a
        self.assertEqual(after["departments"].get(unit.pk, 0), before["departments"].get(unit.pk, 0) + by)

    def test_a_system_added_on_the_page(self):
        before = self.figures()
        data = {"name": "甲县财政局资产管理系统", "code": "XT-FRESH-1", "owner_unit": self.tree.dept_a.pk}
        data.update(user_scope="internal", status="running", annual_om_cost="12.5")
        response = self.client.post(reverse("inventory:system_add"), data)
        self.assertEqual(response.status_code, 302)
        after = self.figures()
        self.assertAllMoved(before, after, 1)
        self.assertEqual(after["unit page"], before["unit page"] + 1)
        self.assertEqual(after["om_cost"] - before["om_cost"], 12.5)

    def test_a_system_added_and_deleted_through_the_api(self):
        before = self.figures()
        data = {"name": "甲县采购管理系统", "code": "XT-FRESH-2", "owner_unit": self.tree.sub_a.pk}
        response = self.api.post(reverse("api:system-list"), data, format="json")
        self.assertEqual(response.status_code, 201)
        self.assertAllMoved(before, self.figures(), 1, self.tree.sub_a)
        url = reverse("api:system-detail", args=[response.json()["id"]])
        self.assertEqual(self.api.delete(url, HTTP_IF_MATCH=self.api.get(url)["ETag"]).status_code, 204)
        self.assertEqual(self.figures()["overview"], before["overview"])

    def test_systems_imported(self):
        before = self.figures()
        rows = [
            {
                "name": f"甲县导入系统{i}",
                "code": f"XT-FRESH-I{i}",
                "owner_unit": self.tree.dept_a.code,
                "status": "running",
            }
            for i in range(3)
        ]
        upload = io.BytesIO(csv_bytes(system_schema, rows))
        upload.name = "systems.csv"
        url = reverse("inventory:system_import")
        token = self.client.post(url, {"file": upload}).context["token"]
        self.assertEqual(self.client.post(url, {"token": token}).status_code, 302)
        self.assertAllMoved(before, self.figures(), 3)

    def test_data_written_behind_the_services_shows_after_a_rebuild(self):
        before = self.figures()
        with connection.cursor() as cursor:  # raw SQL: no service, no audit, nothing marked
            cursor.execute("UPDATE inventory_system SET status = 'retired' WHERE id = %s", [self.system.pk])
        self.assertEqual(self.figures()["overview"], before["overview"])  # not seen: documented
        call_command("rollups", "rebuild", stdout=io.StringIO())
        after = self.client.get(reverse("inventory:overview")).context["data"]
        retired = next(s["count"] for s in after.by_status if s["code"] == "retired")
        self.assertEqual(retired, System.objects.filter(status="retired").count())

    def test_rollups_check_finds_a_difference_and_rebuild_mends_it(self):
        self.figures()
        System.objects.filter(pk=self.system.pk).update(status="suspended")  # behind the services
        with self.assertRaises(CommandError) as raised:
            call_command("rollups", "check", stdout=io.StringIO())
        self.assertIn("differ", str(raised.exception))
        call_command("rollups", "rebuild", stdout=io.StringIO())
        call_command("rollups", "check", stdout=io.StringIO())

    def test_a_new_day_is_counted_by_the_background_task(self):
        """At midnight the counts that depend on the date move: the first look of a day asks the task to count every
        unit again and says, until it has, that those counts are of the day before."""
        self.figures()
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        Computed.objects.filter(name=rollups.STATE).update(data={"day": str(yesterday)})
        figures.note_write()  # (the cached overview of "today" was computed before the day was set back)
        with self.captureOnCommitCallbacks(execute=False) as asked:
            response = self.client.get(reverse("inventory:overview"))
        self.assertContains(response, 'id="figures-dated"')
        self.assertEqual(response.context["data"].dated, yesterday)
        for callback in asked:
            callback()
        response = self.client.get(reverse("inventory:overview"))
        self.assertNotContains(response, 'id="figures-dated"')
        self.assertEqual(Rollup.objects.exclude(day=timezone.localdate()).count(), 0)

    def test_a_copy_is_found_replaceable_by_the_background_task(self):
        """Zombie criterion (b) compares every system with its peers: a task finds the set again after a write and
        marks the units whose systems entered or left it; the overview says whether a run is pending."""
        today = timezone.localdate()
        common = {"owner_unit": self.tree.dept_a.pk, "status": "running", "user_scope": "public"}
        common.update(purpose="不动产统一登记受理和发证", last_active_date=str(today))
        original = {**common, "name": "甲县不动产登记系统", "code": "XT-FRESH-B1", "user_count": 5000}
        copy = {**common, "name": "甲县不动产登记管理系统", "code": "XT-FRESH-B2", "user_count": 4000}
        self.assertEqual(self.api.post(reverse("api:system-list"), original, format="json").status_code, 201)
        before = self.client.get(reverse("inventory:overview")).context["data"].zombies
        with self.captureOnCommitCallbacks(execute=False) as asked:
            self.assertEqual(self.api.post(reverse("api:system-list"), copy, format="json").status_code, 201)
        waiting = self.client.get(reverse("inventory:overview"))
        self.assertTrue(waiting.context["data"].replaceable.pending)
        self.assertEqual(waiting.context["data"].zombies, before)
        for callback in asked:  # the commit: the task runs (the immediate backend in tests)
            callback()
        found = self.client.get(reverse("inventory:overview")).context["data"]
        self.assertFalse(found.replaceable.pending)
        self.assertEqual(found.zombies, before + 1)
