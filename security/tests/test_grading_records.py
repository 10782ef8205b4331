"""MLPS gradings through the kit (pages and API, in and out of scope), plus what the kit cannot know: the levels are
computed, only systems without a grading can be graded, a grading changes only as a draft, a filed one is never
deleted, the import computes levels, the filters, the preview, the report and the system panel."""

import io

import docx
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core import testing
from core.models import AuditRecord
from security.choices import GradingState
from security.models import Grading, SecurityPolicy
from security.schemas.grading import grading_schema
from security.services import grading as services
from security.services import review
from security.tests.grading_factories import filed_grading, new_grading, new_system
from security.views.grading import system_panel

RATIONALE = "系统处理全县城乡居民医保结算业务，遭破坏将严重损害社会秩序。"


class GradingViewTests(testing.StandardViewTests):
    model = Grading
    namespace = "security"
    edit_changes = {"service_degree": "serious"}

    def make_object(self, unit):
        return new_grading(unit, level=2)

    def form_data(self):
        return {
            "system": new_system(self.tree.dept_a).pk,
            "business_object": "society",
            "business_degree": "serious",
            "service_object": "citizen",
            "service_degree": "general",
            "rationale": RATIONALE,
        }

    def import_csv(self):
        a, b = new_system(self.tree.dept_a), new_system(self.tree.sub_a)
        return testing.csv_bytes(
            grading_schema,
            [
                {
                    "system": a.code,
                    "business_object": "society",
                    "business_degree": "serious",
                    "service_object": "citizen",
                    "service_degree": "general",
                    "rationale": RATIONALE,
                },
                {
                    "system": b.code,
                    "business_object": "citizen",
                    "business_degree": "general",
                    "service_object": "citizen",
                    "service_degree": "serious",
                    "rationale": "内部办公系统，仅影响本单位工作人员。",
                },
            ],
        )

    def test_create_computes_the_levels_and_keeps_the_rationale_as_written(self):
        self.login()
        data = self.form_data()
        self.assertEqual(self.client.post(self.url("add"), data).status_code, 302)
        grading = Grading.objects.get(system_id=data["system"])
        self.assertEqual((grading.business_level, grading.service_level, grading.level), (3, 1, 3))
        self.assertEqual(grading.state, GradingState.DRAFT)
        # The cells used are rendered from the stored choices, never written into the rationale in the saver's
        # language.
        self.assertEqual(grading.rationale, RATIONALE)
        body = self.client.get(self.detail_url(grading)).content.decode()
        self.assertIn('id="business">Social order and public interest × Serious harm', body)

    def test_the_governments_setting_gives_the_citizen_cell(self):
        SecurityPolicy.objects.create(unit=self.tree.county_a, citizen_especially_serious_level=3)
        self.login()
        data = {**self.form_data(), "business_object": "citizen", "business_degree": "especially_serious"}
        self.client.post(self.url("add"), data)
        grading = Grading.objects.get(system_id=data["system"])
        self.assertEqual((grading.business_level, grading.level), (3, 3))
        self.assertContains(self.client.get(self.detail_url(grading)), 'id="citizen-setting"')
        self.assertNotContains(self.client.get(self.detail_url(self.inside)), 'id="citizen-setting"')

    def test_a_table_line_stored_by_earlier_versions_is_dropped(self):
        old = f"{RATIONALE}\n\nGB/T 22240-2020: business information security: … level 3."
        Grading.objects.filter(pk=self.inside.pk).update(rationale=old)
        self.login()
        body = self.client.get(self.detail_url(self.inside)).content.decode()
        self.assertNotIn("GB/T 22240-2020: business", body)
        data = {**self.edit_data(self.inside), "rationale": old}
        data["business_object"], data["business_degree"] = "nation", "serious"
        self.client.post(self.url("edit", self.inside.pk), data)
        self.inside.refresh_from_db()
        self.assertEqual((self.inside.level, self.inside.rationale), (4, RATIONALE))

    def test_add_offers_only_systems_in_scope_without_a_grading(self):
        free = new_system(self.tree.dept_a)
        other = new_system(self.tree.dept_b)
        self.login()
        systems = set(self.client.get(self.url("add")).context["form"].fields["system"].queryset)
        self.assertIn(free, systems)
        self.assertNotIn(self.inside.system, systems)
        self.assertNotIn(other, systems)
        response = self.client.post(self.url("add"), {**self.form_data(), "system": self.inside.system_id})
        self.assertEqual(response.status_code, 400)
        self.assertIn("system", response.context["form"].errors)

    def test_a_liaison_grades_only_their_department(self):
        liaison = testing.make_user("zhao_li", "liaison", self.tree.dept_a, subtree=False, full_name="赵丽")
        own, below = new_system(self.tree.dept_a), new_system(self.tree.sub_a)
        self.login(liaison)
        systems = set(self.client.get(self.url("add")).context["form"].fields["system"].queryset)
        self.assertEqual(systems & {own, below}, {own})

    def test_only_a_draft_or_rejected_grading_is_edited(self):
        services.grading_submit(actor=None, grading=self.inside)
        self.login()
        response = self.client.get(self.url("edit", self.inside.pk))
        self.assertRedirects(response, self.inside.get_absolute_url(), fetch_redirect_response=False)
        response = self.client.post(self.url("edit", self.inside.pk), self.edit_data(self.inside))
        self.assertEqual(response.status_code, 302)
        self.inside.refresh_from_db()
        self.assertEqual(self.inside.service_degree, "general")

    def test_a_filed_grading_is_not_deleted(self):
        grading = filed_grading(self.tree.dept_a, level=3)
        self.login()
        self.assertEqual(self.client.post(self.url("delete", grading.pk)).status_code, 302)
        self.assertTrue(Grading.objects.filter(pk=grading.pk).exists())

    def test_import_computes_levels(self):
        self.test_import_validates_then_commits()
        imported = Grading.objects.exclude(pk__in=[self.inside.pk, self.outside.pk])
        self.assertEqual(sorted(imported.values_list("level", flat=True)), [2, 3])

    def test_import_refuses_a_graded_or_unknown_system(self):
        self.login()
        rows = [
            {
                "system": self.inside.system.code,
                "business_object": "citizen",
                "business_degree": "general",
                "service_object": "citizen",
                "service_degree": "general",
                "rationale": RATIONALE,
            },
            {
                "system": self.outside.system.code,
                "business_object": "citizen",
                "business_degree": "general",
                "service_object": "citizen",
                "service_degree": "general",
                "rationale": RATIONALE,
            },
            {
                "system": new_system(self.tree.dept_a).code,
                "business_object": "企业",
                "business_degree": "general",
                "service_object": "citizen",
                "service_degree": "general",
                "rationale": RATIONALE,
            },
        ]
        upload = io.BytesIO(testing.csv_bytes(grading_schema, rows))
        upload.name = "gradings.csv"
        response = self.client.post(self.url("import"), {"file": upload})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(sorted({e.row for e in response.context["result"].errors}), [2, 3, 4])

    def test_filters(self):
        filed = filed_grading(self.tree.sub_a, level=3)
        flagged = new_grading(self.tree.dept_a, level=1)
        review.mark_for_review(reasons={flagged.system_id: "业务范围变化"})
        late = new_grading(self.tree.dept_a, level=2)
        services.grading_submit(actor=None, grading=late, today=timezone.localdate().replace(year=2025))
        self.login()
        url = self.url("list")

        def shown(**params):
            body = self.client.get(url, params).content.decode()
            return {g for g in (filed, flagged, late, self.inside) if g.get_absolute_url() in body}

        self.assertEqual(shown(state="filed"), {filed})
        self.assertEqual(shown(level=1), {flagged})
        self.assertEqual(shown(needs_review="yes"), {flagged})
        self.assertEqual(shown(overdue="yes"), {late})
        self.assertEqual(shown(within=self.tree.sub_a.pk), {filed})
        self.assertEqual(shown(department=self.tree.dept_a.pk), {flagged, late, self.inside})
        self.assertEqual(shown(q=filed.system.code), {filed})

    def test_preview_shows_the_levels(self):
        self.login()
        params = {
            "system": self.inside.system_id,
            "business_object": "nation",
            "business_degree": "general",
            "service_object": "society",
            "service_degree": "especially_serious",
        }
        response = self.client.get(reverse("security:grading_preview"), params)
        self.assertContains(response, 'id="preview-level">4<')
        self.assertContains(response, 'id="preview-business">3<')
        response = self.client.get(reverse("security:grading_preview"), {"business_object": "nation"})
        self.assertContains(response, 'id="preview-empty"')
        self.login(self.nobody)
        self.assertEqual(self.client.get(reverse("security:grading_preview"), params).status_code, 404)

    def test_detail_shows_the_cells(self):
        self.login()
        body = self.client.get(self.detail_url(self.inside)).content.decode()
        self.assertIn('id="grading-matrix"', body)
        self.assertIn(self.inside.system.get_absolute_url(), body)
        self.assertIn('id="submit-grading"', body)


FRESH = object()


class GradingAPITests(testing.StandardAPITests):
    model = Grading
    api_basename = "grading"
    api_changes = {"service_degree": "serious"}

    def make_object(self, unit):
        return new_grading(unit, level=2)

    def api_create_data(self):
        return {
            "system": new_system(self.tree.dept_a).pk,
            "business_object": "society",
            "business_degree": "especially_serious",
            "service_object": "society",
            "service_degree": "serious",
            "rationale": RATIONALE,
        }

    def test_api_computes_levels_and_ignores_typed_ones(self):
        self.auth()
        data = {**self.api_create_data(), "level": 1, "state": "filed"}
        response = self.api.post(self.api_url(), data, format="json")
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual((body["business_level"], body["service_level"], body["level"]), (4, 3, 4))
        self.assertEqual(body["state"], "draft")

    def test_api_system_outside_scope_is_rejected(self):
        self.auth()
        data = {**self.api_create_data(), "system": new_system(self.tree.dept_b).pk}
        response = self.api.post(self.api_url(), data, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("system", response.json())

    def step(self, name, data=None, if_match=FRESH):
        """POST a workflow step to the grading with ``If-Match`` (by default the ETag of a fresh read; None: none)."""
        headers = (
            {} if if_match is None else {"HTTP_IF_MATCH": self.etag(self.inside) if if_match is FRESH else if_match}
        )
        return self.api.post(self.api_url(self.inside) + name + "/", data or {}, **headers)

    def test_api_workflow(self):
        self.auth()
        url = self.api_url(self.inside)
        self.assertEqual(self.step("submit").json()["state"], "expert_review")
        response = self.step("close-review")
        self.assertEqual(response.status_code, 400)
        today = timezone.localdate().isoformat()  # submitted today: approval and filing cannot be earlier
        opinion = {"conclusion": "agree", "opinion": "同意定为第二级。", "given_on": today, "expert_name": "陈教授"}
        self.assertEqual(self.api.post(url + "opinions/", opinion, format="json").status_code, 201)
        self.assertEqual(self.step("close-review").json()["state"], "approval")
        self.assertEqual(self.step("file", {"filing_number": "X"}).status_code, 400)
        early = self.step("approve", {"approved_by_name": "甲县委网信办", "approved_on": "2026-03-12"})
        self.assertEqual(early.status_code, 400)
        self.assertIn("approved_on", early.json())
        approved = self.step("approve", {"approved_by_name": "甲县委网信办", "approved_on": today})
        data = {"filing_number": "33012213001-26002", "certificate_date": today, "filed_on": today}
        body = self.step("file", data, if_match=approved["ETag"]).json()  # each step's answer has the ETag
        self.assertEqual((body["state"], body["filing_number"]), ("filed", "33012213001-26002"))
        self.assertEqual(len(self.api.get(url + "opinions/").json()), 1)

    def test_api_step_needs_the_current_version(self):
        self.auth()
        etag = self.etag(self.inside)
        self.assertEqual(self.step("submit", if_match=None).status_code, 428)
        self.assertEqual(self.step("submit", if_match="submit").status_code, 400)
        Grading.objects.filter(pk=self.inside.pk).update(version=self.inside.version + 1)  # someone changed it since
        self.assertEqual(self.step("submit", if_match=etag).status_code, 412)
        self.assertEqual(Grading.objects.get(pk=self.inside.pk).state, "draft")

    def test_api_step_out_of_scope_is_404_and_without_permission_404(self):
        self.auth()
        self.assertEqual(self.api.post(self.api_url(self.outside) + "submit/", HTTP_IF_MATCH="*").status_code, 404)
        self.auth(self.viewer)  # an expert may view and review, not submit
        self.assertEqual(self.api.post(self.api_url(self.inside) + "submit/", HTTP_IF_MATCH="*").status_code, 404)


class ReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.cio = testing.make_user("wang_fang", "cio", cls.tree.county_a, full_name="王芳")

    def test_report_opens_and_holds_the_level_and_the_system(self):
        grading = filed_grading(self.tree.dept_a, level=3)
        self.client.force_login(self.cio)
        response = self.client.get(reverse("security:grading_report", args=[grading.pk]))
        self.assertEqual(response.status_code, 200)
        document = docx.Document(io.BytesIO(response.content))
        text = "\n".join(p.text for p in document.paragraphs)
        cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
        self.assertIn("《信息系统安全等级保护定级报告》", text)
        self.assertIn(grading.system.name, text + cells)
        self.assertIn("第三级", text + cells)
        self.assertIn("★ 第三级", cells)  # the business cell of the table used
        self.assertIn("陈教授", cells)  # the expert's opinion
        east_asian = document.styles["Normal"].element.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
        self.assertEqual(east_asian, "宋体")
        self.assertTrue(
            AuditRecord.objects.filter(event="grading.report", action="export", object_id=str(grading.pk)).exists()
        )

    def test_report_outside_scope_is_404(self):
        grading = new_grading(self.tree.dept_b, level=2)
        self.client.force_login(self.cio)
        self.assertEqual(self.client.get(reverse("security:grading_report", args=[grading.pk])).status_code, 404)


class SystemPanelTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.cio = testing.make_user("wang_fang", "cio", cls.tree.county_a, full_name="王芳")
        cls.leader = testing.make_user("liu_qiang", "leader", cls.tree.county_a, full_name="刘强")

    def render(self, user, system):
        from django.template.loader import render_to_string

        return render_to_string("security/system_grading.html", system_panel(user, system))

    def test_panel_of_a_filed_grading(self):
        grading = filed_grading(self.tree.dept_a, level=3)
        panel = system_panel(self.cio, grading.system)["grading_panel"]
        self.assertEqual(panel["grading"], grading)
        html = self.render(self.cio, grading.system)
        self.assertIn(grading.get_absolute_url(), html)
        self.assertIn(grading.filing_number, html)
        self.assertIn(grading.next_assessment_due.isoformat(), html)

    def test_grade_this_system_when_there_is_none(self):
        system = new_system(self.tree.dept_a)
        html = self.render(self.cio, system)
        self.assertIn(reverse("security:grading_add") + f"?system={system.pk}", html)
        self.assertNotIn('id="grade-system"', self.render(self.leader, system))  # read-only role: no button

    def test_add_page_preselects_the_system(self):
        system = new_system(self.tree.dept_a)
        self.client.force_login(self.cio)
        form = self.client.get(reverse("security:grading_add"), {"system": system.pk}).context["form"]
        self.assertEqual(form.initial.get("system", form.instance.system_id), system.pk)
