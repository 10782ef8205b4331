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
