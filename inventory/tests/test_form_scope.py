"""The inventory's form pages beyond the records' own add and edit (the kit's suites cover those) refuse a posted
key outside the user's scope and show nothing of it."""

from django.urls import reverse

from core import testing
from inventory.tests.factories import new_system


class InventoryFormScopeTests(testing.KitTestCase):
    def setUp(self):
        self.login()
        self.mine, self.theirs = new_system(self.tree.dept_a), new_system(self.tree.dept_b)

    def test_zombie_review(self):
        url = reverse("inventory:zombie_review", args=[self.mine.pk])
        data = {"decision": "integrate", "reason": "并入统一平台"}
        self.assertGreater(self.assert_choices_refused(url, data), 0)

    def test_catalog_import(self):
        self.assertGreater(self.assert_choices_refused(reverse("inventory:dcat_import"), {}), 0)
