"""The system page carries a Security tab: grading, assessments, findings and fusion risk, through the gate."""

from django.test import TestCase

from core import testing
from security.models import Finding
from security.tests.grading_factories import filed_grading, new_system


class SystemTabTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.cio = testing.make_user("wu_cio", "cio", cls.tree.county_a, full_name="吴刚")
        cls.staff = testing.make_user("zheng_st", "expert", cls.tree.county_a, full_name="郑洁")
        cls.grading = filed_grading(cls.tree.dept_a, level=3)
        cls.system = cls.grading.system
        Finding.objects.create(
            system=cls.system, source="inspection", title="未启用登录失败处理", severity="high", found_on="2026-11-02"
        )

    def test_the_cio_sees_level_filing_and_findings(self):
        self.client.force_login(self.cio)
        page = self.client.get(self.system.get_absolute_url()).content.decode()
        self.assertIn('id="tab-security"', page)
        self.assertIn('id="system-grading"', page)
        self.assertIn(self.grading.filing_number, page)
        self.assertIn('id="system-findings"', page)
        self.assertIn('id="system-risks"', page)

    def test_a_system_without_grading_offers_to_grade_it(self):
        other = new_system(self.tree.dept_a)
        self.client.force_login(self.cio)
        page = self.client.get(other.get_absolute_url()).content.decode()
        self.assertIn(f"/security/gradings/add/?system={other.pk}", page)

    def test_the_tab_shows_only_what_the_role_may_see(self):
        self.client.force_login(self.staff)  # an expert sees gradings, not findings or risks
        page = self.client.get(self.system.get_absolute_url()).content.decode()
        self.assertIn('id="system-grading"', page)
        self.assertNotIn('id="system-findings"', page)
        self.assertNotIn("未启用登录失败处理", page)
