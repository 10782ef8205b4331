"""A government's security policy: the settings the rules leave open, found for any unit below it, edited through
the gate (404 outside scope), and used by the grading calculation."""

from django.test import TestCase
from django.urls import reverse

from core import testing
from core.models import AuditRecord
from security.models import SecurityPolicy

CALCULATE = "/api/v1/security/grading/calculate/"
CITIZEN_ESPECIALLY_SERIOUS = {
    "business": {"object": "citizen", "degree": "especially_serious"},
    "service": {"object": "citizen", "degree": "general"},
}


class PolicyLookupTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()

    def test_units_use_the_nearest_governments_policy_or_the_defaults(self):
        policy = SecurityPolicy.objects.create(unit=self.tree.county_a, filing_deadline_days=10)
        self.assertEqual(SecurityPolicy.for_path(self.tree.sub_a.path), policy)
        self.assertEqual(SecurityPolicy.for_path(self.tree.county_a.path), policy)
        default = SecurityPolicy.for_path(self.tree.dept_b.path)
        self.assertIsNone(default.pk)
        self.assertEqual((default.citizen_especially_serious_level, default.filing_deadline_days), (2, 30))

    def test_a_township_policy_overrides_the_countys(self):
        SecurityPolicy.objects.create(unit=self.tree.county_a)
        township = SecurityPolicy.objects.create(unit=self.tree.township_a, due_soon_days=15)
        self.assertEqual(SecurityPolicy.for_path(self.tree.township_a.path), township)


class PolicyPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.cio = testing.make_user("zhao_cio", "cio", cls.tree.county_a, full_name="赵明")
        cls.liaison = testing.make_user("qian_ll", "liaison", cls.tree.dept_a, full_name="钱丽")
        cls.other_cio = testing.make_user("sun_cio", "cio", cls.tree.county_b, full_name="孙强")
        cls.policy = SecurityPolicy.objects.create(unit=cls.tree.county_a)

    def form(self, **changes):
        data = {
            "unit": self.tree.county_a.pk,
            "citizen_especially_serious_level": 2,
            "filing_deadline_kind": "calendar",
            "filing_deadline_days": 30,
            "level2_assessment_months": 24,
            "self_inspection_months": 12,
            "crypto_assessment_months": 12,
            "due_soon_days": 30,
            "finding_deadline_kind": "working",
            "finding_days_critical": 5,
            "finding_days_high": 15,
            "finding_days_medium": 30,
            "finding_days_low": 60,
            "version": self.policy.version,
        }
        data.update(changes)
        return data

    def test_list_and_detail_within_scope_only(self):
        self.client.force_login(self.cio)
        page = self.client.get(reverse("security:securitypolicy_list"))
        self.assertContains(page, self.tree.county_a.name)
        self.assertEqual(self.client.get(self.policy.get_absolute_url()).status_code, 200)
        self.client.force_login(self.other_cio)
        self.assertNotContains(self.client.get(reverse("security:securitypolicy_list")), self.tree.county_a.name)
        self.assertEqual(self.client.get(self.policy.get_absolute_url()).status_code, 404)

    def test_the_cio_changes_the_setting_and_the_calculation_follows(self):
        self.client.force_login(self.cio)
        self.assertEqual(self.client.post(CALCULATE, CITIZEN_ESPECIALLY_SERIOUS, "application/json").json()["level"], 2)
        url = reverse("security:securitypolicy_edit", args=[self.policy.pk])
        response = self.client.post(url, self.form(citizen_especially_serious_level=3, filing_deadline_kind="working"))
        self.assertEqual(response.status_code, 302)
        self.policy.refresh_from_db()
        self.assertEqual(self.policy.citizen_especially_serious_level, 3)
        self.assertTrue(AuditRecord.objects.filter(object_type="security.securitypolicy", action="update").exists())
        self.assertEqual(self.client.post(CALCULATE, CITIZEN_ESPECIALLY_SERIOUS, "application/json").json()["level"], 3)

    def test_out_of_range_values_are_refused(self):
        self.client.force_login(self.cio)
        url = reverse("security:securitypolicy_edit", args=[self.policy.pk])
        response = self.client.post(url, self.form(filing_deadline_days=0, citizen_especially_serious_level=4))
        self.assertEqual(response.status_code, 400)
        self.policy.refresh_from_db()
        self.assertEqual(self.policy.filing_deadline_days, 30)

    def test_a_department_liaison_neither_sees_nor_changes_the_county_policy(self):
        self.client.force_login(self.liaison)
        self.assertEqual(self.client.get(self.policy.get_absolute_url()).status_code, 404)  # outside their subtree
        url = reverse("security:securitypolicy_edit", args=[self.policy.pk])
        self.assertEqual(self.client.post(url, self.form(due_soon_days=7)).status_code, 404)

    def test_a_policy_belongs_to_a_government_not_a_department(self):
        self.policy.delete()
        self.client.force_login(self.cio)
        response = self.client.post(reverse("security:securitypolicy_add"), self.form(unit=self.tree.dept_a.pk))
        self.assertEqual(response.status_code, 400)
        self.assertFalse(SecurityPolicy.objects.exists())
        response = self.client.post(reverse("security:securitypolicy_add"), self.form(unit=self.tree.township_a.pk))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(SecurityPolicy.objects.get().unit, self.tree.township_a)

    def test_another_countys_cio_cannot_edit(self):
        self.client.force_login(self.other_cio)
        url = reverse("security:securitypolicy_edit", args=[self.policy.pk])
        self.assertEqual(self.client.post(url, self.form(due_soon_days=7)).status_code, 404)
