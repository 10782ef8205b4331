"""Bounded work for the scanner import: the security probe's 1.5 MB CSV of 200,000 header columns took the scanner
page 171 s and 831 MB (every column became an option of nine drop-downs). It is refused at the header now, quickly,
with a message naming the limit; nothing is staged and nothing written."""

from django.test import TestCase
from django.urls import reverse

from core import testing
from core.models import AuditRecord
from core.testing import measure, staged_uploads
from inventory.tests.factories import new_system
from security.models import Finding

from .test_scanner import ROWS, csv_file


class ScannerLimitTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.liaison = testing.make_user("liaison_limits", "liaison", cls.tree.dept_a)
        cls.system = new_system(cls.tree.dept_a)

    def setUp(self):
        self.client.force_login(self.liaison)
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def post(self, file):
        return self.client.post(reverse("security:finding_scan"), {"file": file, "system": self.system.pk})

    def state(self):
        return Finding.objects.count(), AuditRecord.objects.count(), staged_uploads()

    def test_the_probes_csv_of_200000_header_columns(self):
        header = [f"c{i}" for i in range(200_000)]
        file = csv_file([["x"] * 3], header=header, encoding="utf-8")
        self.assertLess(file.size, 2_000_000)
        before = self.state()
        with measure() as cost:
            response = self.post(file)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["upload_form"].errors["file"],
            ["Row 1 has 200000 columns; at most 500 are allowed. Please delete the unused columns."],
        )
        self.assertEqual(self.state(), before)
        self.assertLess(cost.seconds, 5)
        self.assertLess(cost.peak_mb, 300)

    def test_a_huge_cell_is_refused_at_the_check_with_a_message_not_a_500(self):
        huge = [[*ROWS[0][:8], "描述" * 70_000, *ROWS[0][9:]]]
        response = self.post(csv_file(huge, encoding="utf-8"))
        self.assertEqual(response.status_code, 200, "the header step reads only the header")
        token = response.context["form"].initial["token"]
        form = response.context["form"]
        data = {name: form[name].value() for name in form.fields if name != "file"}
        data = {k: ("" if v is None else v) for k, v in data.items()} | {"action": "check", "token": token}
        response = self.client.post(reverse("security:finding_scan"), data)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Row 2 has a cell longer than 131072 characters", status_code=400)
        self.assertFalse(Finding.objects.exists())


class ScannerStagingTests(TestCase):
    """The scan kept between the mapping steps is deleted when it is imported or the import is cancelled."""

    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.liaison = testing.make_user("liaison_staging", "liaison", cls.tree.dept_a)
        cls.system = new_system(cls.tree.dept_a)

    def setUp(self):
        self.client.force_login(self.liaison)
        self.url = reverse("security:finding_scan")

    def mapping_step(self, **changes):
        response = self.client.post(self.url, {"file": csv_file(ROWS), "system": self.system.pk})
        self.assertEqual(len(staged_uploads()), 1)
        form = response.context["form"]
        data = {name: form[name].value() for name in form.fields if name != "file"}
        return {k: ("" if v is None else v) for k, v in data.items()} | changes

    def test_importing_deletes_the_staged_file(self):
        response = self.client.post(self.url, self.mapping_step(action="import"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Finding.objects.exists())
        self.assertEqual(staged_uploads(), set())

    def test_cancelling_deletes_the_staged_file(self):
        data = self.mapping_step(action="cancel")
        response = self.client.post(self.url, data)
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.assertEqual(staged_uploads(), set())
        self.assertFalse(Finding.objects.exists())
        self.assertEqual(self.client.post(self.url, data | {"action": "check"}).status_code, 404)
        response = self.client.get(self.url)
        self.assertNotContains(response, 'value="cancel"')  # the upload step has nothing to cancel

    def test_the_next_step_may_land_on_another_server_and_nobody_elses_token_works(self):
        from django.test import Client

        data = self.mapping_step(action="import")
        other = testing.make_user("liaison_other", "liaison", self.tree.dept_a)
        self.client.force_login(other)
        self.assertEqual(self.client.post(self.url, data).status_code, 404)
        second = Client()  # another session of the uploader, as behind a second app server
        second.force_login(self.liaison)
        response = second.post(self.url, data)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Finding.objects.exists())
        self.assertEqual(staged_uploads(), set())
