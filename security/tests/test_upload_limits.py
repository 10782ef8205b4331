"""Attachments (rectification evidence, assessment reports, filing certificates) stop uploading at
GOVCIO_UPLOAD_MAX_BYTES per file and GOVCIO_UPLOAD_MAX_FILES per request, on the page and through the API, with a
message naming the limit and nothing saved: the finding stays open, no attachment is kept."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from core import testing
from core.models import Attachment
from inventory.tests.factories import new_system
from security import choices as c
from security.tests.test_findings import new_finding

from .test_finding_workflow import PNG, png


@override_settings(GOVCIO_UPLOAD_MAX_BYTES=10_000, GOVCIO_UPLOAD_MAX_FILES=2)
class EvidenceLimitTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.liaison = testing.make_user("liaison_up", "liaison", cls.tree.dept_a)
        cls.system = new_system(cls.tree.dept_a)

    def setUp(self):
        self.finding = new_finding(system=self.system, owner=self.liaison, found_on=dt.date(2026, 3, 16))
        self.client.force_login(self.liaison)
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def rectify(self, files):
        url = reverse("security:finding_rectify", args=[self.finding.pk])
        return self.client.post(url, {"rectification": "已修复", "evidence": files})

    def assert_nothing_saved(self):
        self.finding.refresh_from_db()
        self.assertEqual(self.finding.status, c.FindingStatus.OPEN)
        self.assertFalse(Attachment.objects.exists())

    def test_a_file_past_the_limit_stops_with_its_name(self):
        big = SimpleUploadedFile("截图.png", PNG + b"\x00" * 30_000, content_type="image/png")
        response = self.rectify([png(), big])
        self.assertEqual(response.status_code, 413)
        self.assertContains(response, "“截图.png” is larger than 0.1 MB, the most this page accepts.", status_code=413)
        self.assertContains(response, "Back to the form", status_code=413)
        self.assert_nothing_saved()

    def test_too_many_files(self):
        response = self.rectify([png(f"{n}.png") for n in range(3)])
        self.assertContains(response, "At most 2 files may be uploaded at once.", status_code=413)
        self.assert_nothing_saved()

    def test_within_the_limits(self):
        response = self.rectify([png("1.png"), png("2.png")])
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Attachment.objects.count(), 2)

    def test_through_the_api(self):
        api = APIClient()
        api.force_authenticate(self.liaison)
        big = SimpleUploadedFile("截图.png", PNG + b"\x00" * 30_000, content_type="image/png")
        url = reverse("api:finding-rectify", args=[self.finding.pk])
        response = api.post(
            url, {"rectification": "已修复", "evidence": [big]}, format="multipart", HTTP_ACCEPT_LANGUAGE="en"
        )
        self.assertEqual(response.status_code, 413)
        self.assertEqual(response.json(), {"detail": "“截图.png” is larger than 0.1 MB, the most this page accepts."})
        self.assert_nothing_saved()
