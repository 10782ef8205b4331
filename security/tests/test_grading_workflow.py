"""The grading workflow (DOMAIN.md §3: 定级 → 专家评审 → 主管部门核准 → 公安机关备案; a rejection goes back to
grading): each step with and without its permission, in the wrong state, out of scope; the expert review's rules;
what filing and regrading do to the system's level."""

import datetime as dt
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core import testing
from core.files import attachments_of
from core.models import AuditRecord
from core.services import snapshot
from security.choices import GradingState as S
from security.models import ExpertOpinion, Grading
from security.services import grading as services
from security.services import review
from security.tests.grading_factories import filed_grading, new_grading, opinion

D = dt.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class WorkflowTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.cio = testing.make_user("wang_fang", "cio", cls.tree.county_a, full_name="王芳")
        cls.liaison = testing.make_user("zhao_li", "liaison", cls.tree.dept_a, full_name="赵丽")
        cls.expert = testing.make_user("chen_ming", "expert", cls.tree.county_a, full_name="陈明")
        cls.leader = testing.make_user("liu_qiang", "leader", cls.tree.county_a, full_name="刘强")
        cls.other_cio = testing.make_user("sun_hong", "cio", cls.tree.county_b, full_name="孙红")

    def step(self, grading, name, user, data=None):
        self.client.force_login(user)
        return self.client.post(reverse(f"security:grading_{name}", args=[grading.pk]), data or {})

    def state(self, grading):
        return Grading.objects.get(pk=grading.pk).state

    def messages(self, response):
        return [str(m) for m in response.wsgi_request._messages]

    def events(self, grading):
        return list(
            AuditRecord.objects.filter(object_type="security.grading", object_id=str(grading.pk))
            .exclude(event="")
            .values_list("event", flat=True)
        )

    def in_review(self, level=3):
        grading = new_grading(self.tree.dept_a, level=level)
        services.grading_submit(actor=None, grading=grading, today=D(2026, 3, 2))
        return Grading.objects.get(pk=grading.pk)

    def in_approval(self, level=3, approved=False):
        grading = self.in_review(level)
        if level >= 2:
            services.opinion_add(actor=None, grading=grading, opinion=opinion())
            services.grading_close_review(actor=None, grading=grading)
        if approved:
            services.grading_approve(
                actor=None, grading=grading, approved_by_name="甲县委网信办", approved_on=D(2026, 3, 5)
            )
        return Grading.objects.get(pk=grading.pk)


class SubmitTests(WorkflowTestCase):
    def test_level_2_and_above_go_to_expert_review(self):
        grading = new_grading(self.tree.dept_a, level=2)
        response = self.step(grading, "submit", self.liaison)
        self.assertEqual(response.status_code, 302)
        grading.refresh_from_db()
        self.assertEqual(
            (grading.state, grading.graded_on, grading.review_round), (S.EXPERT_REVIEW, timezone.localdate(), 1)
        )
        self.assertIsNotNone(grading.filing_due)
        self.assertIn("grading.submit", self.events(grading))

    def test_level_1_goes_straight_to_approval(self):
        grading = new_grading(self.tree.dept_a, level=1)
        self.step(grading, "submit", self.liaison)
        self.assertEqual(self.state(grading), S.APPROVAL)

    def test_without_change_permission_is_404(self):
        grading = new_grading(self.tree.dept_a, level=2)
        for user in (self.expert, self.leader):
            with self.subTest(user=user.username):
                self.assertEqual(self.step(grading, "submit", user).status_code, 404)
        self.assertEqual(self.state(grading), S.DRAFT)

    def test_out_of_scope_is_404(self):
        grading = new_grading(self.tree.dept_a, level=2)
        self.assertEqual(self.step(grading, "submit", self.other_cio).status_code, 404)
        self.assertEqual(self.state(grading), S.DRAFT)
        self.assertTrue(AuditRecord.objects.filter(action="denied", object_id=str(grading.pk)).exists())

    def test_wrong_state_is_refused(self):
        grading = self.in_review()
        response = self.step(grading, "submit", self.liaison)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.state(grading), S.EXPERT_REVIEW)
        self.assertTrue(any("not possible" in m for m in self.messages(response)))

    def test_get_is_not_a_step(self):
        grading = new_grading(self.tree.dept_a, level=2)
        self.client.force_login(self.liaison)
        self.assertEqual(self.client.get(reverse("security:grading_submit", args=[grading.pk])).status_code, 405)

    def test_stale_version_is_refused(self):
        grading = new_grading(self.tree.dept_a, level=2)
        response = self.step(grading, "submit", self.liaison, {"version": grading.version + 3})
        self.assertEqual(self.state(grading), S.DRAFT)
        self.assertTrue(any("Someone else" in m for m in self.messages(response)))


class ExpertReviewTests(WorkflowTestCase):
    OPINION = {
        "expert_name": "陈明",
        "expert_title": "浙江大学网络空间安全学院",
        "conclusion": "agree",
        "opinion": "定级对象边界清晰，同意定为第三级。",
        "given_on": "2026-03-10",
    }

    def test_expert_records_an_opinion_as_themself(self):
        grading = self.in_review()
        self.assertEqual(self.step(grading, "opinion", self.expert, self.OPINION).status_code, 302)
        recorded = ExpertOpinion.objects.get(grading=grading)
        self.assertEqual((recorded.expert, recorded.review_round), (self.expert, 1))
        self.assertIn(
            "grading.opinion",
            AuditRecord.objects.filter(object_type="security.expertopinion").values_list("event", flat=True),
        )

    def test_opinion_form_defaults_to_the_current_user(self):
        grading = self.in_review()
        self.client.force_login(self.expert)
        form = self.client.get(grading.get_absolute_url()).context["opinion_form"]
        self.assertEqual(form.initial["expert_name"], "陈明")

    def test_without_review_permission_is_404(self):
        grading = self.in_review()
        for user in (self.liaison, self.leader):
            with self.subTest(user=user.username):
                self.assertEqual(self.step(grading, "opinion", user, self.OPINION).status_code, 404)
        self.assertFalse(ExpertOpinion.objects.filter(grading=grading).exists())

    def test_opinion_out_of_scope_is_404(self):
        grading = self.in_review()
        self.assertEqual(self.step(grading, "opinion", self.other_cio, self.OPINION).status_code, 404)

    def test_opinion_outside_expert_review_is_refused(self):
        grading = new_grading(self.tree.dept_a, level=3)
        self.step(grading, "opinion", self.expert, self.OPINION)
        self.assertFalse(ExpertOpinion.objects.filter(grading=grading).exists())

    def test_one_opinion_per_expert_and_round(self):
        grading = self.in_review()
        self.step(grading, "opinion", self.expert, self.OPINION)
        response = self.step(grading, "opinion", self.expert, self.OPINION)
        self.assertEqual(ExpertOpinion.objects.filter(grading=grading).count(), 1)
        self.assertTrue(any("already" in m for m in self.messages(response)))

    def test_closing_needs_an_opinion(self):
        grading = self.in_review()
        response = self.step(grading, "close_review", self.liaison)
        self.assertEqual(self.state(grading), S.EXPERT_REVIEW)
        self.assertTrue(any("at least one expert opinion" in m for m in self.messages(response)))
        self.step(grading, "opinion", self.expert, self.OPINION)
        self.step(grading, "close_review", self.liaison)
        self.assertEqual(self.state(grading), S.APPROVAL)
        self.assertIn("grading.close_review", self.events(grading))

    def test_a_disagreeing_expert_blocks_and_the_grading_is_revised(self):
        grading = self.in_review()
        self.step(grading, "opinion", self.expert, self.OPINION)
        self.step(grading, "opinion", self.cio, {**self.OPINION, "expert_name": "周教授", "conclusion": "disagree"})
        response = self.step(grading, "close_review", self.liaison)
        self.assertEqual(self.state(grading), S.EXPERT_REVIEW)
        self.assertTrue(any("周教授" in m and "Revise" in m for m in self.messages(response)))
        self.step(grading, "revise", self.liaison)
        self.assertEqual(self.state(grading), S.DRAFT)
        # A new submission is a new round: the old disagreement no longer blocks.
        self.step(grading, "submit", self.liaison)
        self.step(grading, "opinion", self.expert, self.OPINION)
        self.step(grading, "close_review", self.liaison)
        self.assertEqual(self.state(grading), S.APPROVAL)

    def test_closing_without_change_permission_is_404(self):
        grading = self.in_review()
        services.opinion_add(actor=None, grading=grading, opinion=opinion())
        self.assertEqual(self.step(grading, "close_review", self.expert).status_code, 404)
        self.assertEqual(self.state(grading), S.EXPERT_REVIEW)


class ApprovalAndFilingTests(WorkflowTestCase):
    FILING = {"filing_number": "33012213001-26003", "certificate_date": "2026-03-20", "filed_on": "2026-03-18"}

    def test_approve_then_file(self):
        grading = self.in_approval()
        self.step(grading, "approve", self.cio, {"approved_by_name": "甲县委网信办", "approved_on": "2026-03-05"})
        grading.refresh_from_db()
        self.assertEqual((grading.state, grading.approved_on), (S.APPROVAL, D(2026, 3, 5)))
        certificate = SimpleUploadedFile("备案证明.pdf", PDF, content_type="application/pdf")
        self.step(grading, "file", self.cio, {**self.FILING, "certificate": certificate})
        grading.refresh_from_db()
        self.assertEqual(
            (grading.state, grading.filing_number, grading.filed_on), (S.FILED, "33012213001-26003", D(2026, 3, 18))
        )
        self.assertEqual(grading.certificate_date, D(2026, 3, 20))
        self.assertEqual(grading.system.mlps_level, 3)
        self.assertEqual(grading.next_assessment_due, D(2027, 3, 18))
        self.assertEqual([a.name for a in attachments_of(grading, kind="certificate")], ["备案证明.pdf"])
        self.assertTrue({"grading.approve", "grading.file"} <= set(self.events(grading)))

    def test_a_bad_certificate_files_nothing(self):
        grading = self.in_approval(approved=True)
        fake = SimpleUploadedFile("备案证明.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
        response = self.step(grading, "file", self.cio, {**self.FILING, "certificate": fake})
        grading.refresh_from_db()
        self.assertEqual((grading.state, grading.filing_number, grading.system.mlps_level), (S.APPROVAL, "", None))
        self.assertTrue(any("not really a .pdf" in m for m in self.messages(response)))

    def test_filing_requires_the_approval(self):
        grading = self.in_approval()
        response = self.step(grading, "file", self.cio, self.FILING)
        self.assertEqual(self.state(grading), S.APPROVAL)
        self.assertTrue(any("approval" in m for m in self.messages(response)))

    def test_filing_needs_number_and_certificate_date(self):
        grading = self.in_approval(approved=True)
        self.step(grading, "file", self.cio, {"filed_on": "2026-03-18"})
        self.assertEqual(self.state(grading), S.APPROVAL)

    def test_approve_file_and_reject_need_their_permissions(self):
        grading = self.in_approval()
        for user in (self.liaison, self.expert, self.leader):
            with self.subTest(user=user.username):
                data = {"approved_by_name": "甲县委网信办", "approved_on": "2026-03-05"}
                self.assertEqual(self.step(grading, "approve", user, data).status_code, 404)
                self.assertEqual(self.step(grading, "reject", user, {"reason": "材料不全"}).status_code, 404)
        services.grading_approve(
            actor=None, grading=grading, approved_by_name="甲县委网信办", approved_on=D(2026, 3, 5)
        )
        self.assertEqual(self.step(grading, "file", self.liaison, self.FILING).status_code, 404)
        self.assertEqual(self.step(grading, "file", self.other_cio, self.FILING).status_code, 404)
        self.assertEqual(self.state(grading), S.APPROVAL)

    def test_approve_in_the_wrong_state_is_refused(self):
        grading = self.in_review()
        self.step(grading, "approve", self.cio, {"approved_by_name": "甲县委网信办", "approved_on": "2026-03-05"})
        grading.refresh_from_db()
        self.assertIsNone(grading.approved_on)

    def test_reject_then_revise_back_to_draft(self):
        grading = self.in_approval(approved=True)
        self.step(grading, "reject", self.cio, {"reason": "定级对象边界描述不清"})
        grading.refresh_from_db()
        self.assertEqual((grading.state, grading.rejection_reason), (S.REJECTED, "定级对象边界描述不清"))
        self.assertEqual(self.step(grading, "revise", self.expert).status_code, 404)
        self.step(grading, "revise", self.liaison)
        grading.refresh_from_db()
        self.assertEqual((grading.state, grading.approved_on), (S.DRAFT, None))
        self.assertTrue({"grading.reject", "grading.revise"} <= set(self.events(grading)))

    def test_editing_a_rejected_grading_recomputes_its_filing_due(self):
        grading = self.in_approval(approved=True)
        services.grading_reject(actor=None, grading=grading, reason="定级偏高")
        grading.refresh_from_db()
        self.assertIsNotNone(grading.filing_due)
        self.client.force_login(self.liaison)
        data = {
            "business_object": "citizen",
            "business_degree": "general",
            "service_object": "citizen",
            "service_degree": "general",
            "rationale": "仅影响本单位内部办公。",
            "version": grading.version,
        }
        response = self.client.post(reverse("security:grading_edit", args=[grading.pk]), data)
        self.assertEqual(response.status_code, 302)
        grading.refresh_from_db()
        self.assertEqual((grading.state, grading.level, grading.filing_due), (S.REJECTED, 1, None))

    def test_reject_needs_a_reason(self):
        grading = self.in_approval()
        self.step(grading, "reject", self.cio, {"reason": ""})
        self.assertEqual(self.state(grading), S.APPROVAL)

    def test_level_1_is_in_force_on_approval(self):
        grading = self.in_approval(level=1)
        self.step(grading, "approve", self.cio, {"approved_by_name": "甲县委网信办", "approved_on": "2026-03-05"})
        grading.refresh_from_db()
        self.assertEqual((grading.state, grading.filing_number, grading.filing_due), (S.FILED, "", None))
        self.assertEqual(grading.system.mlps_level, 1)


class RegradeTests(WorkflowTestCase):
    def test_regrade_keeps_the_filed_level_until_the_new_filing(self):
        grading = filed_grading(self.tree.dept_a, level=3)
        review.mark_for_review(reasons={grading.system_id: "新增互联网服务"})
        self.assertEqual(self.step(grading, "regrade", self.expert, {"reason": "x"}).status_code, 404)
        self.step(grading, "regrade", self.liaison, {"reason": "系统新增面向公众的互联网服务"})
        grading.refresh_from_db()
        self.assertEqual(
            (grading.state, grading.graded_on, grading.filing_number), (S.DRAFT, None, "33012213001-26001")
        )
        self.assertTrue(grading.needs_review)
        self.assertEqual(grading.system.mlps_level, 3)
        self.assertIn("grading.regrade", self.events(grading))
        # Regraded to level 4 and filed again: the system shows 4 and the review is cleared.
        grading.business_object, grading.business_degree = "society", "especially_serious"
        services.grading_save(actor=self.liaison, grading=grading, before=snapshot(grading))
        services.grading_submit(actor=None, grading=grading, today=D(2026, 9, 1))
        services.opinion_add(actor=None, grading=grading, opinion=opinion(name="钱教授"))
        services.grading_close_review(actor=None, grading=grading)
        services.grading_approve(
            actor=None, grading=grading, approved_by_name="甲县委网信办", approved_on=D(2026, 9, 2)
        )
        services.grading_file(
            actor=None,
            grading=grading,
            filing_number="33012213001-26009",
            certificate_date=D(2026, 9, 10),
            filed_on=D(2026, 9, 9),
        )
        grading.refresh_from_db()
        self.assertEqual(
            (grading.level, grading.system.mlps_level, grading.needs_review, grading.review_reason), (4, 4, False, "")
        )

    def test_only_a_filed_grading_is_regraded(self):
        grading = new_grading(self.tree.dept_a, level=3)
        self.step(grading, "regrade", self.liaison)
        self.assertEqual(self.state(grading), S.DRAFT)
        self.assertNotIn("grading.regrade", self.events(grading))


class DetailStepsTests(WorkflowTestCase):
    def page(self, grading, user) -> str:
        self.client.force_login(user)
        return self.client.get(grading.get_absolute_url()).content.decode()

    def test_each_user_sees_only_their_steps(self):
        grading = self.in_review()
        body = self.page(grading, self.expert)
        self.assertIn('id="opinion-form"', body)
        self.assertNotIn('id="close-review"', body)
        self.assertNotIn('id="workflow"', body, "the expert's only step is the opinion form: no empty card")
        body = self.page(grading, self.liaison)
        self.assertNotIn('id="opinion-form"', body)
        self.assertIn('id="workflow"', body)
        body = self.page(grading, self.leader)
        self.assertNotIn('id="workflow"', body)

    def test_closing_is_offered_only_once_an_opinion_is_in(self):
        grading = self.in_review()
        body = self.page(grading, self.liaison)
        self.assertIn('id="waiting-opinions"', body)
        self.assertNotIn('id="close-review"', body)
        self.step(grading, "opinion", self.expert, ExpertReviewTests.OPINION)
        body = self.page(grading, self.liaison)
        self.assertIn('id="close-review"', body)
        self.assertNotIn('id="waiting-opinions"', body)

    def test_a_disagreement_is_shown_instead_of_the_close_button(self):
        grading = self.in_review()
        services.opinion_add(actor=None, grading=grading, opinion=opinion(conclusion="disagree", name="周教授"))
        body = self.page(grading, self.liaison)
        self.assertIn('id="review-disagreed"', body)
        self.assertIn("周教授", body)
        self.assertNotIn('id="close-review"', body)
        self.assertIn('id="revise"', body)

    def test_an_expert_who_gave_their_opinion_gets_no_empty_form_again(self):
        grading = self.in_review()
        self.step(grading, "opinion", self.expert, ExpertReviewTests.OPINION)
        body = self.page(grading, self.expert)
        self.assertIn('id="own-opinion"', body)
        self.assertIn("2026-03-10", body)
        self.assertNotIn('id="opinion-form"', body)
        # The next round (after a revision) asks again.
        services.grading_revise(actor=None, grading=grading)
        services.grading_submit(actor=None, grading=Grading.objects.get(pk=grading.pk), today=D(2026, 4, 1))
        body = self.page(grading, self.expert)
        self.assertIn('id="opinion-form"', body)
        self.assertNotIn('id="own-opinion"', body)

    def test_the_office_may_still_enter_other_experts_written_opinions(self):
        grading = self.in_review()
        self.step(grading, "opinion", self.cio, {**ExpertReviewTests.OPINION, "expert_name": "王芳"})
        body = self.page(grading, self.cio)
        self.assertIn('id="own-opinion"', body)
        self.assertIn('id="opinion-form"', body)  # folded under "another expert's written opinion"
        self.assertEqual(self.client.get(grading.get_absolute_url()).context["opinion_form"]["expert_name"].value(), "")

    def test_element_ids_are_unique_in_each_state(self):
        grading = self.in_approval()
        for user in (self.cio, self.liaison, self.expert):
            body = self.page(grading, user)
            ids = re.findall(r'\sid="([^"]+)"', body)
            self.assertEqual(len(ids), len(set(ids)), [i for i in ids if ids.count(i) > 1])
        self.assertIn('id="approve_version"', self.page(grading, self.cio))
        self.assertIn('id="reject_version"', self.page(grading, self.cio))
