"""The crypto compliance page (security:crypto_status) and the system page's assessment panel."""

import csv
import datetime as dt
import io

from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import testing
from core.models import AuditRecord
from security.models import Assessment
from security.tests.test_assessments import filed_grading, new_assessment, new_system
from security.tests.test_crypto import new_crypto, statuses
from security.views.assessments import system_panel

URL = "security:crypto_status"


class CryptoStatusTests(testing.KitTestCase):
    def setUp(self):
        today = dt.date.today()
        self.assessed = new_system(self.tree.dept_a, mlps_level=3)
        self.current = new_crypto(
            system=self.assessed,
            assessed_on=today - dt.timedelta(days=30),
            items=statuses(a="compliant", d="compliant", e="partial", b="noncompliant"),
        )
        self.never = new_system(self.tree.dept_a, mlps_level=3)
        self.low = new_system(self.tree.sub_a, mlps_level=2)
        self.late = new_system(self.tree.sub_a, mlps_level=2, data_class="general")
        self.overdue = new_crypto(system=self.late, assessed_on=today - dt.timedelta(days=800), conclusion="pass")
        self.ungraded = new_system(self.tree.dept_a)
        self.other = new_system(self.tree.dept_b, mlps_level=3)
        self.login()

    def page(self, **params):
        response = self.client.get(reverse(URL), params)
        self.assertEqual(response.status_code, 200)
        return response

    def test_rows_are_the_systems_in_scope_with_a_level_or_an_assessment(self):
        rows = {row["system"].pk: row for row in self.page().context["rows"]}
        self.assertEqual(set(rows), {self.assessed.pk, self.never.pk, self.low.pk, self.late.pk})
        row = rows[self.assessed.pk]
        self.assertEqual((row["level"], row["latest"], row["met"], row["asked"]), (3, self.current, 2, 3))
        cells = {cell["code"]: cell for cell in row["cells"]}
        self.assertEqual((cells["a"]["mark"], cells["a"]["color"]), ("应", "green"))
        self.assertEqual((cells["b"]["mark"], cells["b"]["color"]), ("宜", "red"))
        self.assertEqual((cells["e"]["mark"], cells["e"]["color"]), ("应", "yellow"))
        self.assertFalse(row["overdue"] or row["never_assessed"])

    def test_never_assessed_level_3_is_flagged_and_overdue_is_red(self):
        response = self.page()
        rows = {row["system"].pk: row for row in response.context["rows"]}
        self.assertTrue(rows[self.never.pk]["never_assessed"])
        self.assertFalse(rows[self.low.pk]["never_assessed"])  # level 2: no flag
        self.assertTrue(rows[self.late.pk]["overdue"])
        body = response.content.decode()
        self.assertIn(f'<tr id="system-{self.never.pk}" class="never-assessed">', body)
        self.assertIn("Assess before going live, then yearly for important systems.", body)
        self.assertIn("overdue", body)
        self.assertNotIn(self.other.name, body)

    def test_attention_filter(self):
        rows = self.page(attention="on").context["rows"]
        self.assertEqual({row["system"].pk for row in rows}, {self.never.pk, self.late.pk})
        rows = self.page(within=self.tree.sub_a.pk).context["rows"]
        self.assertEqual({row["system"].pk for row in rows}, {self.low.pk, self.late.pk})

    def test_queries_do_not_grow_with_systems(self):
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as ctx:
                self.page()
            counts.append(len(ctx.captured_queries))
            for _n in range(4):
                new_crypto(self.tree.dept_a, items=statuses(a="compliant"))
        self.assertEqual(counts[0], counts[1])

    def test_export(self):
        response = self.client.get(reverse(URL), {"export": "csv"})
        self.assertEqual(response.status_code, 200)
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        by_code = {row[1]: row for row in rows[1:]}
        self.assertEqual(set(by_code), {s.code for s in (self.assessed, self.never, self.low, self.late)})
        self.assertEqual(by_code[self.assessed.code][-3], "2/3")
        self.assertIn("Assess before going live", by_code[self.never.code][-1])
        self.assertEqual(by_code[self.late.code][-1], "Overdue")
        self.assertTrue(AuditRecord.objects.filter(object_type="security.cryptostatus", action="export").exists())
        self.assertEqual(self.client.get(reverse(URL), {"export": "xlsx"}).status_code, 200)

    def test_without_permission(self):
        self.client.force_login(self.nobody)
        self.assertEqual(self.client.get(reverse(URL)).status_code, 404)
        leader = testing.make_user("县分管领导", "leader", self.tree.county_a)
        self.client.force_login(leader)
        self.assertEqual(self.client.get(reverse(URL)).status_code, 200)
        self.client.force_login(self.viewer)  # an expert: no crypto assessments at all
        self.assertEqual(self.client.get(reverse(URL), {"export": "csv"}).status_code, 404)


class SystemPanelTests(testing.KitTestCase):
    def test_panel_holds_latest_records_and_dues(self):
        system = new_system(self.tree.dept_a, mlps_level=3)
        grading = filed_grading(system)
        old = new_assessment(system=system, assessed_on=dt.date(2025, 3, 1))
        latest = new_assessment(system=system, assessed_on=dt.date(2026, 3, 1))
        inspection = new_assessment(system=system, kind="self_inspection", assessed_on=dt.date(2026, 1, 10))
        crypto = new_crypto(system=system, items=statuses(a="compliant", d="noncompliant"))
        panel = system_panel(self.user, system)["assessment_panel"]
        self.assertEqual((panel["latest_assessment"], panel["latest_self_inspection"]), (latest, inspection))
        self.assertNotEqual(panel["latest_assessment"], old)
        self.assertEqual(panel["latest_crypto"], crypto)
        self.assertEqual(panel["shall"], (1, 3))
        grading.refresh_from_db()
        self.assertEqual(panel["grading"].next_assessment_due, dt.date(2027, 3, 1))
        html = render_to_string("security/system_assessments.html", system_panel(self.user, system))
        self.assertIn(latest.get_absolute_url(), html)
        self.assertIn(crypto.get_absolute_url(), html)
        self.assertIn("2027-03-01", html)
        self.assertIn(f"{reverse('security:assessment_add')}?system={system.pk}", html)

    def test_panel_of_a_never_assessed_level_3_system(self):
        system = new_system(self.tree.dept_a, mlps_level=3)
        panel = system_panel(self.user, system)["assessment_panel"]
        self.assertTrue(panel["never_assessed"])
        self.assertIsNone(panel["latest_assessment"])
        html = render_to_string("security/system_assessments.html", system_panel(self.user, system))
        self.assertIn("Before going live", html)

    def test_panel_respects_scope_and_permission(self):
        system = new_system(self.tree.dept_b, mlps_level=3)
        new_assessment(system=system)
        panel = system_panel(self.user, system)["assessment_panel"]
        self.assertIsNone(panel["latest_assessment"])  # county B's records stay out of county A's view
        self.assertNotIn("add_assessment_url", panel)
        self.assertEqual(system_panel(self.nobody, system), {"assessment_panel": None})
        self.assertEqual(render_to_string("security/system_assessments.html", {"assessment_panel": None}).strip(), "")
        self.assertEqual(Assessment.objects.filter(system=system).count(), 1)
