"""Stored deadlines follow their inputs: the assessment cycle keeps running while a filed system is regraded."""

import datetime as dt

from django.test import TestCase

from core import testing
from security.services import grading as services
from security.tests.grading_factories import filed_grading


class RegradeKeepsTheCycleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()

    def test_regrading_a_filed_system_keeps_its_assessment_cycle(self):
        grading = filed_grading(self.tree.dept_a, level=3, filed_on=dt.date(2026, 3, 20))
        self.assertEqual(grading.next_assessment_due, dt.date(2027, 3, 20))
        services.grading_regrade(actor=None, grading=grading, reason="新增互联网办事入口")
        grading.refresh_from_db()
        self.assertNotEqual(grading.state, "filed")
        self.assertEqual(grading.next_assessment_due, dt.date(2027, 3, 20))
        self.assertEqual(grading.next_self_inspection_due, dt.date(2027, 3, 20))

    def test_level_1_has_no_assessment_cycle_before_or_during_a_regrade(self):
        grading = filed_grading(self.tree.dept_a, level=1)  # level 1 comes into force at approval, unnumbered
        self.assertIsNone(grading.next_assessment_due)
        services.grading_regrade(actor=None, grading=grading)
        grading.refresh_from_db()
        self.assertIsNone(grading.next_assessment_due)


class DerivedDatesAreAuditedTests(TestCase):
    """A stored deadline moved by the services is written in the same transaction as its cause and audited, with
    the actor who caused it: recording an assessment moves the grading's next assessment due."""

    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.liaison = testing.make_user("dates_liaison", "liaison", cls.tree.dept_a)

    def test_recording_an_assessment_audits_the_next_assessment_due(self):
        from core.models import AuditRecord
        from security.models import Assessment
        from security.services.assessments import assessment_save

        grading = filed_grading(self.tree.dept_a, level=3, filed_on=dt.date(2026, 3, 20))
        values = {"kind": "assessment", "level": 3, "institution": "测评机构", "conclusion": "basic"}
        assessment = Assessment(system=grading.system, assessed_on=dt.date(2026, 9, 1), score="86.50", **values)
        assessment_save(actor=self.liaison, assessment=assessment)
        grading.refresh_from_db()
        self.assertEqual(grading.next_assessment_due, dt.date(2027, 9, 1))
        records = AuditRecord.objects.filter(object_id=str(grading.pk), event="grading.deadlines")
        record = records.order_by("seq").last()
        self.assertEqual(record.changes["next_assessment_due"], ["2027-03-20", "2027-09-01"])
        self.assertEqual(record.actor_id, self.liaison.pk)
        self.assertEqual(record.object_type, "security.grading")
