"""Every form page of security refuses a posted key outside the user's scope and shows nothing of it (the kit's
``assert_choices_refused``, over each model-choice field): the forms beyond the records' own add and edit pages."""

from django.urls import reverse

from core import testing
from inventory.tests.factories import new_system
from security.models import SecurityPolicy
from security.tests.grading_factories import new_grading


class SecurityFormScopeTests(testing.KitTestCase):
    def setUp(self):
        self.login()
        self.mine, self.theirs = new_system(self.tree.dept_a), new_system(self.tree.dept_b)
        SecurityPolicy.objects.create(unit=self.tree.county_b, finding_days_critical=77)

    def test_grading_add(self):
        data = {"system": self.mine.pk, "business_object": "citizens", "business_degree": "serious"}
        self.assertGreater(self.assert_choices_refused(reverse("security:grading_add"), data), 0)

    def test_policy_add(self):
        self.assertGreater(self.assert_choices_refused(reverse("security:securitypolicy_add"), {}), 0)

    def test_finding_add_shows_no_other_government_policy(self):
        data = {"system": self.mine.pk, "source": "inspection", "title": "弱口令", "severity": "critical"}
        url = reverse("security:finding_add")
        self.assertGreater(self.assert_choices_refused(url, data | {"found_on": "2026-03-16"}, leaks=["77 ·"]), 0)

    def test_assessment_and_crypto_add(self):
        for name in ("assessment_add", "cryptoassessment_add"):
            with self.subTest(name):
                url = reverse(f"security:{name}")
                self.assertGreater(self.assert_choices_refused(url, {"system": self.mine.pk}), 0)

    def test_risk_add(self):
        self.assertGreater(self.assert_choices_refused(reverse("security:risk_add"), {"title": "勒索"}), 0)

    def test_a_graded_system_of_another_government_is_not_offered(self):
        new_grading(system=self.theirs)
        self.assertGreater(self.assert_choices_refused(reverse("security:grading_add"), {}), 0)
