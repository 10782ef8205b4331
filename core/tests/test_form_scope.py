"""Core's form pages (a role assignment, a unit's move) refuse a posted key outside the user's scope and show
nothing of it (the kit's ``assert_choices_refused``)."""

from django.urls import reverse

from core import testing


class CoreFormScopeTests(testing.KitTestCase):
    role = "sysadmin"

    def setUp(self):
        self.login()

    def test_role_assignment_add(self):
        testing.make_user("far_away", None, self.tree.dept_b)
        self.login(testing.make_user("kit_secadmin", "secadmin", self.tree.county_a))
        url = reverse("core:roleassignment_add")
        tried = self.assert_choices_refused(url, {"role": "1", "include_descendants": "on"})
        self.assertGreater(tried, 0)

    def test_unit_move(self):
        url = reverse("core:unit_move", args=[self.tree.sub_a.pk])
        self.assertGreater(self.assert_choices_refused(url, {}), 0)
