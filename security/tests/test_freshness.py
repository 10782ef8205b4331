"""Every security figure changes with the data, whichever path changes it (a page, the API, an import, the ranking's
background task), and a mere read changes none (docs/decisions/0012-derived-figures.md)."""

import datetime as dt
import io

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core import testing
from core.testing import csv_bytes
from security import ranking
from security.models import Assessment, Finding, Risk
from security.schemas.risks import risk_schema
from security.services.assessments import assessment_save
from security.tests.grading_factories import filed_grading, new_system

DAY = dt.timedelta(days=1)
RISK_STATE = {"treatment": "reduce", "status": "open"}


class FiguresTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.cio = testing.make_user("cio_fresh", "cio", cls.tree.county_a)
        cls.outsider_system = new_system(cls.tree.dept_b)
        cls.today = timezone.localdate()

    def setUp(self):
        self.client.force_login(self.cio)

    def dashboard(self):
        response = self.client.get(reverse("security:dashboard"))
        self.assertEqual(response.status_code, 200)
        return response.context["data"]

    def deadlines(self):
        response = self.client.get(reverse("security:due_list"))
        self.assertEqual(response.status_code, 200)
        return response.context["overdue_count"], [due.system.pk for due in response.context["page"].object_list]


class DashboardFreshnessTests(FiguresTestCase):
    def test_a_risk_recorded_on_the_page_shows_at_once(self):
        before = self.dashboard().risks["open"]
        data = {"title": "政务云租户隔离配置不当", "unit": self.tree.dept_a.pk, "likelihood": 4, "impact": 5}
        response = self.client.post(reverse("security:risk_add"), {**data, **RISK_STATE})
        self.assertEqual(
            response.status_code, 302, getattr(response, "context", None) and response.context["form"].errors
        )
        after = self.dashboard().risks
        self.assertEqual(after["open"], before + 1)
        self.assertEqual(after["severe"], 1)

    def test_a_risk_recorded_through_the_api_shows_at_once(self):
        before = self.dashboard().risks["open"]
        api = APIClient()
        api.force_authenticate(self.cio)
        data = {"title": "视频会议系统弱口令", "unit": self.tree.dept_a.pk, "likelihood": 2, "impact": 2}
        self.assertEqual(api.post(reverse("api:risk-list"), data, format="json").status_code, 201)
        self.assertEqual(self.dashboard().risks["open"], before + 1)

    def test_risks_imported_show_at_once(self):
        before = self.dashboard().risks["open"]
        rows = [
            {"title": "机房门禁失效", "unit": self.tree.dept_a.code, "likelihood": "3", "impact": "3"},
            {"title": "备份未异地存放", "unit": self.tree.sub_a.code, "likelihood": "2", "impact": "4"},
        ]
        upload = io.BytesIO(csv_bytes(risk_schema, rows))
        upload.name = "risks.csv"
        url = reverse("security:risk_import")
        response = self.client.post(url, {"file": upload})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.client.post(url, {"token": response.context["token"]}).status_code, 302)
        self.assertEqual(self.dashboard().risks["open"], before + 2)

    def test_a_focus_unit_sums_its_subtree_only(self):
        self.client.post(
            reverse("security:risk_add"),
            {"title": "弱口令", "unit": self.tree.sub_a.pk, "likelihood": 1, "impact": 1, **RISK_STATE},
        )
        response = self.client.get(reverse("security:dashboard"), {"unit": self.tree.dept_a.pk})
        self.assertEqual(response.context["data"].risks["open"], Risk.objects.filter(unit=self.tree.sub_a).count())
        response = self.client.get(reverse("security:dashboard"), {"unit": self.tree.township_a.pk})
        self.assertEqual(response.context["data"].risks["open"], 0)

    def test_a_system_moved_to_another_unit_leaves_the_old_one(self):
        system = new_system(self.tree.dept_a)
        in_dept = {d.unit_id: d.total for d in self.dashboard().departments}
        self.assertEqual(in_dept.get(self.tree.dept_a.pk), 1)
        api = APIClient()
        api.force_authenticate(self.cio)
        url = reverse("api:system-detail", args=[system.pk])
        etag = api.get(url)["ETag"]
        response = api.patch(url, {"owner_unit": self.tree.sub_a.pk}, format="json", HTTP_IF_MATCH=etag)
        self.assertEqual(response.status_code, 200)
        in_dept = {d.unit_id: d.total for d in self.dashboard().departments}
        self.assertEqual((in_dept.get(self.tree.dept_a.pk), in_dept.get(self.tree.sub_a.pk)), (None, 1))

    def test_a_read_keeps_what_was_computed(self):
        """A denied look and an export are audited, but they change no figure: the next look reads the result
        computed before them instead of computing it again."""
        self.dashboard()
        with CaptureQueriesContext(connection) as warm:
            self.dashboard()
        self.assertEqual(self.client.get(reverse("inventory:system", args=[self.outsider_system.pk])).status_code, 404)
        export = self.client.get(reverse("security:risk_list"), {"export": "csv"})
        self.assertEqual(export.status_code, 200)
        b"".join(export.streaming_content)
        with CaptureQueriesContext(connection) as after_reads:
            self.dashboard()
        self.assertEqual(len(after_reads.captured_queries), len(warm.captured_queries))


class DeadlineFreshnessTests(FiguresTestCase):
    def test_an_assessment_recorded_is_no_longer_overdue(self):
        filed_on = self.today - 400 * DAY
        grading = filed_grading(self.tree.dept_a, level=3, graded_on=filed_on - 10 * DAY, filed_on=filed_on)
        overdue, systems = self.deadlines()
        self.assertIn(grading.system_id, systems)
        assessment = Assessment(
            system=grading.system, level=3, assessed_on=self.today - DAY, conclusion="pass", institution="省测评中心"
        )
        assessment_save(actor=self.cio, assessment=assessment)
        after, _systems = self.deadlines()
        self.assertEqual(after, overdue - 1)
        self.assertTrue(
            all(d.kind != "assessment" for d in self.client.get(reverse("security:due_list")).context["page"])
        )


class RankingFreshnessTests(FiguresTestCase):
    def ranked(self):
        response = self.client.get(reverse("security:fusion"))
        self.assertEqual(response.status_code, 200)
        return response

    def test_a_write_asks_for_a_run_and_the_task_ranks_again(self):
        quiet = new_system(self.tree.dept_a, user_scope="internal")  # 5 points fewer than the public one
        loud = new_system(self.tree.dept_a, user_scope="public")
        testing.recount()
        ranking.compute()
        page = self.ranked()
        self.assertFalse(page.context["ranking_state"].pending)
        self.assertEqual([e.facts.system_id for e in page.context["page"]][0], loud.pk)
        with self.captureOnCommitCallbacks(execute=False) as asked:
            api = APIClient()
            api.force_authenticate(self.cio)
            data = {"system": quiet.pk, "source": "scanner", "title": "远程代码执行", "severity": "critical"}
            data.update(found_on=str(self.today), deadline=str(self.today - DAY))
            self.assertEqual(api.post(reverse("api:finding-list"), data, format="json").status_code, 201)
        page = self.ranked()
        self.assertTrue(page.context["ranking_state"].pending)
        self.assertContains(page, 'id="ranking-pending"')
        for callback in asked:  # the commit: the task runs (the immediate backend in tests)
            callback()
        page = self.ranked()
        self.assertFalse(page.context["ranking_state"].pending)
        self.assertEqual([e.facts.system_id for e in page.context["page"]][0], quiet.pk)
        self.assertTrue(Finding.objects.filter(system=quiet).exists())
