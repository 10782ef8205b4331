"""Rectification and verification (整改与验证): rectify with evidence (needs change; text and at least one file; the
file checked by type and size), verify by someone other than who fixed it (needs verify), reject with a reason back
to open; wrong states refused; each step audited; evidence downloadable only within scope; the same rules through
the API."""

import datetime as dt

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from core import testing
from core.models import Attachment, AuditRecord, Notification
from inventory.tests.factories import new_system
from security import choices as c
from security.models import Finding
from security.services import findings as services
from security.tests.test_findings import new_finding

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
S = c.FindingStatus


def png(name="整改后截图.png", content=PNG):
    return SimpleUploadedFile(name, content, content_type="image/png")


def pdf(name="复测报告.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class WorkflowTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.liaison = testing.make_user("liaison_wf", "liaison", cls.tree.dept_a, full_name="王芳")
        cls.cio = testing.make_user("cio_wf", "cio", cls.tree.county_a, full_name="李强")
        cls.leader = testing.make_user("leader_wf", "leader", cls.tree.county_a, full_name="赵敏")
        cls.cio_b = testing.make_user("cio_wf_b", "cio", cls.tree.county_b, full_name="陈刚")
        cls.system = new_system(cls.tree.dept_a)

    def setUp(self):
        self.finding = new_finding(system=self.system, owner=self.liaison, found_on=dt.date(2026, 3, 16))
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # messages asserted in English, before and after l10n

    def step(self, user, name, data, finding=None):
        self.client.force_login(user)
        finding = finding or self.finding
        response = self.client.post(reverse(f"security:finding_{name}", args=[finding.pk]), data)
        finding.refresh_from_db()
        return response

    def said(self, response) -> str:
        return " ".join(str(m) for m in get_messages(response.wsgi_request))

    def rectify(self, user=None, files=None, text="已配置登录失败锁定策略：连续失败5次锁定30分钟。"):
        data = {"rectification": text, "evidence": files if files is not None else [png()]}
        return self.step(user or self.liaison, "rectify", data)

    # rectify ----------------------------------------------------------------------------------------------------
    def test_rectify_with_several_evidence_files(self):
        response = self.rectify(files=[png(), pdf()])
        self.assertEqual(response.status_code, 302)
        self.assertEqual((self.finding.status, self.finding.fixed_by), (S.FIXED, self.liaison))
        self.assertIsNotNone(self.finding.fixed_at)
        evidence = Attachment.objects.filter(owner_label="security.finding", owner_id=str(self.finding.pk))
        self.assertEqual(
            sorted(evidence.values_list("kind", "name")), [("evidence", "复测报告.pdf"), ("evidence", "整改后截图.png")]
        )
        self.assertTrue(AuditRecord.objects.filter(object_id=str(self.finding.pk), event="finding.rectify").exists())
        self.assertTrue(AuditRecord.objects.filter(event="file.upload").exists())

    def test_rectify_needs_the_change_permission(self):
        response = self.rectify(user=self.leader)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.finding.status, S.OPEN)
        self.assertFalse(Attachment.objects.exists())

    def test_rectify_out_of_scope_is_404(self):
        self.assertEqual(self.rectify(user=self.cio_b).status_code, 404)
        self.assertEqual(self.finding.status, S.OPEN)

    def test_rectify_needs_a_text_and_evidence(self):
        response = self.rectify(text="")
        self.assertEqual(self.finding.status, S.OPEN)
        self.assertIn("What was done: This field is required.", self.said(response))
        response = self.rectify(files=[])
        self.assertEqual(self.finding.status, S.OPEN)
        self.assertIn("evidence", self.said(response))

    def test_a_renamed_executable_is_refused(self):
        fake = SimpleUploadedFile("整改截图.png", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64)
        response = self.rectify(files=[fake])
        self.assertEqual(self.finding.status, S.OPEN)
        self.assertIn("is not really a .png file", self.said(response))
        self.assertFalse(Attachment.objects.exists())

    def test_a_file_type_not_accepted_is_refused(self):
        response = self.rectify(files=[SimpleUploadedFile("修复脚本.sh", b"#!/bin/sh\necho ok\n")])
        self.assertEqual(self.finding.status, S.OPEN)
        self.assertIn("not an accepted file type", self.said(response))

    @override_settings(GOVCIO_UPLOAD_MAX_BYTES=1024)
    def test_a_file_too_large_is_refused(self):
        # Stopped while it uploads (core.uploads), before the form's own check of the size.
        response = self.rectify(files=[png(content=PNG + b"\x00" * 2048)])
        self.assertEqual(self.finding.status, S.OPEN)
        self.assertContains(response, "the most this page accepts", status_code=413)
        self.assertFalse(Attachment.objects.exists())

    def test_rectify_a_fixed_finding_is_refused(self):
        self.rectify()
        version = self.finding.version
        response = self.rectify(text="再次整改")
        self.assertIn("not possible while the finding is", self.said(response))
        self.assertEqual(self.finding.version, version)

    # verify -----------------------------------------------------------------------------------------------------
    def test_the_fixer_may_not_verify(self):
        self.rectify()
        response = self.step(self.liaison, "verify", {"note": "自己验证"})
        self.assertEqual(self.finding.status, S.FIXED)
        self.assertIn("someone else must verify it", self.said(response))
        self.assertContains(self.client.get(self.finding.get_absolute_url()), 'id="fixer-notice"')

    def test_another_person_verifies(self):
        self.rectify()
        response = self.step(self.cio, "verify", {"note": "复测确认已整改"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual((self.finding.status, self.finding.verified_by), (S.VERIFIED, self.cio))
        self.assertEqual(self.finding.verification_note, "复测确认已整改")
        self.assertTrue(AuditRecord.objects.filter(object_id=str(self.finding.pk), event="finding.verify").exists())

    def test_verify_needs_the_verify_permission(self):
        self.rectify()
        self.assertEqual(self.step(self.leader, "verify", {}).status_code, 404)
        self.assertEqual(self.finding.status, S.FIXED)
        self.assertTrue(AuditRecord.objects.filter(action="denied", object_id=str(self.finding.pk)).exists())

    def test_verify_an_open_finding_is_refused(self):
        response = self.step(self.cio, "verify", {})
        self.assertEqual(self.finding.status, S.OPEN)
        self.assertIn("not possible while the finding is", self.said(response))

    def test_reject_reopens_with_the_reason_and_tells_the_owner(self):
        self.rectify()
        self.assertEqual(self.step(self.cio, "reject", {"note": ""}).status_code, 302)
        self.assertEqual(self.finding.status, S.FIXED)  # a reason is required
        self.step(self.cio, "reject", {"note": "复测仍可暴力破解，锁定策略未生效"})
        self.assertEqual((self.finding.status, self.finding.fixed_by), (S.OPEN, None))
        self.assertEqual(self.finding.verification_note, "复测仍可暴力破解，锁定策略未生效")
        self.assertTrue(Notification.objects.filter(recipient=self.liaison, level="warning").exists())
        self.assertTrue(AuditRecord.objects.filter(object_id=str(self.finding.pk), event="finding.reject").exists())
        # The evidence kept from the first round counts: a new rectification needs no new file.
        self.rectify(files=[], text="调整锁定策略并复测")
        self.assertEqual(self.finding.status, S.FIXED)

    def test_stale_version_is_a_conflict(self):
        self.rectify()
        response = self.step(self.cio, "verify", {"version": self.finding.version - 1})
        self.assertIn("Someone else changed this record", self.said(response))
        self.assertEqual(self.finding.status, S.FIXED)

    def test_services_refuse_the_same_rules(self):
        services.finding_rectify(actor=self.liaison, finding=self.finding, rectification="已修复", evidence=[png()])
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            services.finding_verify(actor=self.liaison, finding=self.finding)
        services.finding_verify(actor=self.cio, finding=self.finding)
        with self.assertRaises(ValidationError):
            services.finding_reject(actor=self.cio, finding=self.finding, note="再看")

    # evidence on the detail page --------------------------------------------------------------------------------
    def test_evidence_listed_and_downloadable_only_within_scope(self):
        self.rectify(files=[pdf()])
        attachment = Attachment.objects.get(owner_id=str(self.finding.pk))
        download = reverse("core:attachment", args=[attachment.pk])
        self.client.force_login(self.cio)
        self.assertContains(self.client.get(self.finding.get_absolute_url()), download)
        response = self.client.get(download)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(b"".join(response.streaming_content), PDF)
        self.client.force_login(self.cio_b)
        self.assertEqual(self.client.get(download).status_code, 404)
        nobody = testing.make_user("nobody_wf", None, self.tree.county_a)
        self.client.force_login(nobody)
        self.assertEqual(self.client.get(download).status_code, 404)

    def test_delete_removes_the_evidence(self):
        self.rectify()
        self.client.force_login(self.cio)
        self.client.post(reverse("security:finding_delete", args=[self.finding.pk]))
        self.assertFalse(Finding.objects.filter(pk=self.finding.pk).exists())
        self.assertFalse(Attachment.objects.exists())


class APIWorkflowTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.liaison = testing.make_user("liaison_api", "liaison", cls.tree.dept_a)
        cls.cio = testing.make_user("cio_api", "cio", cls.tree.county_a)
        cls.leader = testing.make_user("leader_api", "leader", cls.tree.county_a)

    def setUp(self):
        self.finding = new_finding(self.tree.dept_a)
        self.api = APIClient()

    def post(self, user, step, data, fmt="multipart"):
        """A step as a client makes it: with the ETag of the finding as it is now."""
        self.api.force_authenticate(user)
        etag = f'"{Finding.objects.get(pk=self.finding.pk).version}"'
        url = reverse(f"api:finding-{step}", args=[self.finding.pk])
        return self.api.post(url, data, format=fmt, HTTP_IF_MATCH=etag)

    def test_rectify_then_verify_by_another(self):
        response = self.post(self.liaison, "rectify", {"rectification": "已升级补丁", "evidence": [png()]})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "fixed")
        self.assertEqual(self.post(self.liaison, "verify", {}, "json").status_code, 400)
        self.assertEqual(self.post(self.leader, "verify", {}, "json").status_code, 403)
        response = self.post(self.cio, "verify", {"note": "复测通过"}, "json")
        self.assertEqual((response.status_code, response.json()["status"]), (200, "verified"))
