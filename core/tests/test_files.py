"""Uploaded files (core.files): type checked by name and first bytes, size and emptiness, the SM3 digest stored and
checked again on download, and downloads only through the permission gate (404 otherwise)."""

import io
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from core import files, testing
from core.choices import AuditAction
from core.crypto import sm3_hex
from core.models import Attachment, AuditRecord
from inventory.models import System

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48


def office_zip(*parts: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for part in parts:
            archive.writestr(part, "<x/>")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


class FileTestCase(testing.KitTestCase):
    def setUp(self):
        self.system = System.objects.create(name="甲县不动产登记系统", code="BDC-01", owner_unit=self.tree.dept_a)

    def attach(self, name, content, **kwargs):
        return files.attach(upload(name, content), owner=self.system, actor=self.user, kind="report", **kwargs)

    def refused(self, name, content) -> str:
        with self.assertRaises(ValidationError) as caught:
            self.attach(name, content)
        self.assertFalse(Attachment.objects.exists())
        return " ".join(caught.exception.messages)


class AcceptedTypesTests(FileTestCase):
    def test_accepted_types(self):
        accepted = {
            "等级测评报告.pdf": PDF,
            "整改照片.png": PNG,
            "机房照片.jpg": JPG,
            "密评报告.docx": office_zip("word/document.xml"),
            "问题清单.xlsx": office_zip("xl/workbook.xml"),
            "旧版报告.doc": OLE,
            "说明.txt": "系统已完成SM4加密改造。\n".encode(),
            "扫描结果.csv": "主机,漏洞,等级\n10.0.0.1,弱口令,高\n".encode("gb18030"),
        }
        for name, content in accepted.items():
            with self.subTest(name=name):
                attachment = self.attach(name, content)
                self.assertEqual((attachment.name, attachment.size), (name, len(content)))
        self.assertEqual(files.attachments_of(self.system).count(), len(accepted))
        self.assertEqual(files.attachments_of(self.system, kind="other").count(), 0)

    def test_upload_is_audited(self):
        attachment = self.attach("等级测评报告.pdf", PDF)
        record = AuditRecord.objects.get(event="file.upload", object_id=str(attachment.pk))
        self.assertEqual((record.action, record.actor_id), (AuditAction.CREATE, self.user.pk))
        self.assertEqual(record.changes["sm3"], attachment.sm3)
        self.assertEqual(record.unit_path, self.tree.dept_a.path)


class RefusedTests(FileTestCase):
    def test_renamed_executable_is_refused(self):
        for name in ("测评报告.pdf", "照片.png", "报告.docx", "报告.doc"):
            with self.subTest(name=name):
                self.assertIn(name, self.refused(name, EXE))

    def test_executable_and_unknown_types_are_refused(self):
        for name in ("setup.exe", "run.bat", "报告", "page.html"):
            with self.subTest(name=name):
                self.refused(name, PDF)

    def test_binary_named_text_is_refused(self):
        self.refused("说明.txt", EXE)

    @override_settings(GOVCIO_UPLOAD_MAX_BYTES=1024)
    def test_oversized_is_refused(self):
        self.refused("大报告.pdf", PDF + b"0" * 1024)
        self.assertEqual(self.attach("小报告.pdf", PDF).size, len(PDF))  # within the limit

    def test_empty_is_refused(self):
        with translation.override("zh-hans"):
            self.assertIn("空文件", self.refused("空报告.pdf", b""))
        with translation.override("en"):
            self.assertIn("empty", self.refused("空报告.pdf", b""))

    def test_fake_docx_zip_without_word_part_is_refused(self):
        self.refused("密评报告.docx", office_zip("content.xml"))
        self.refused("问题清单.xlsx", office_zip("word/document.xml"))  # a docx renamed .xlsx
        self.refused("坏文件.docx", b"PK\x03\x04" + b"\x00" * 40)  # a broken zip


class DigestTests(FileTestCase):
    def test_sm3_digest_is_stored(self):
        self.assertEqual(sm3_hex(b"abc"), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
        attachment = self.attach("等级测评报告.pdf", PDF)
        self.assertEqual(attachment.sm3, sm3_hex(PDF))
        with attachment.file.open("rb") as handle:
            self.assertEqual(files.digest(handle), attachment.sm3)

    def test_download_checks_the_digest(self):
        attachment = self.attach("等级测评报告.pdf", PDF)
        url = reverse("core:attachment", args=[attachment.pk])
        self.login()
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(b"".join(response.streaming_content), PDF)
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")

        with open(attachment.file.path, "wb") as handle:  # someone changes the file on disk
            handle.write(PDF.replace(b"Catalog", b"Catalot"))
        self.assertEqual(self.client.get(url).status_code, 404)
        record = AuditRecord.objects.get(event="file.tampered", object_id=str(attachment.pk))
        self.assertEqual((record.action, record.outcome, record.actor_id), ("denied", "failure", self.user.pk))


class DownloadGateTests(FileTestCase):
    def test_only_those_who_may_view_the_owner_download(self):
        attachment = self.attach("等级测评报告.pdf", PDF)
        url = reverse("core:attachment", args=[attachment.pk])
        self.assertEqual(self.client.get(url).status_code, 302)  # to the login page
        outsider = testing.make_user("乙县首席信息官", "cio", self.tree.county_b)
        self.client.force_login(outsider)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.nobody)  # in county A, but no permission on systems
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.user)
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_missing_attachment_and_deleted_owner_are_404(self):
        attachment = self.attach("等级测评报告.pdf", PDF)
        self.login()
        self.assertEqual(self.client.get(reverse("core:attachment", args=[attachment.pk + 100])).status_code, 404)
        System.objects.filter(pk=self.system.pk).delete()
        self.assertEqual(self.client.get(reverse("core:attachment", args=[attachment.pk])).status_code, 404)
