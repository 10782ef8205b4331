"""The scanner import (漏洞扫描结果导入): a Chinese CSV (GBK, as Chinese scanners export) and an .xlsx; columns guessed
or taken from a saved mapping, which is saved under a name and preselected next time; every bad row and column
listed and nothing saved on error; duplicates of findings not yet verified skipped and counted; the gate."""

import csv
import datetime as dt
import io

import xlsxwriter
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from django.utils import timezone

from core import testing
from core.models import AuditRecord
from inventory.tests.factories import new_system
from security import scanner
from security.choices import FindingSource
from security.models import Finding, ScannerMapping

HEADER = ["序号", "漏洞名称", "风险等级", "主机", "IP", "端口", "CVE编号", "发现时间", "描述", "解决方案", "漏洞编号"]
ROWS = [
    ["1", "Apache Log4j2 远程代码执行漏洞", "紧急", "app01", "10.32.8.21", "8080", "CVE-2021-44228",
     "2026-03-15 10:20:33", "Log4j2 JNDI 注入可导致远程代码执行", "升级 Log4j2 至 2.17.1 及以上版本", "RSAS-2021-1201"],
    ["2", "OpenSSH 用户枚举漏洞", "中危", "db01", "10.32.8.22", "22", "CVE-2018-15473", "2026-03-15 10:21:00",
     "攻击者可枚举系统有效用户名", "升级 OpenSSH 至 7.7 及以上版本", "RSAS-2018-0815"],
    ["3", "SSL/TLS 协议信息泄露漏洞", "低危", "app01", "10.32.8.21", "443", "CVE-2016-2183", "",
     "使用了 3DES 等弱加密套件", "禁用 3DES 加密套件", "RSAS-2016-0923"],
    ["4", "远程主机开放端口探测", "信息", "app01", "10.32.8.21", "", "", "2026-03-15", "", "", "RSAS-INFO-0001"],
]  # fmt: skip


def csv_file(rows, header=HEADER, name="绿盟RSAS漏洞扫描报告.csv", encoding="gbk") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(encoding))


def xlsx_file(rows, header, name="扫描结果.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("漏洞列表")
    for r, row in enumerate([header, *rows]):
        for col, value in enumerate(row):
            sheet.write(r, col, value)
    workbook.close()
    return SimpleUploadedFile(name, buffer.getvalue())


class ScanImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.liaison = testing.make_user("liaison_scan", "liaison", cls.tree.dept_a, full_name="王芳")
        cls.leader = testing.make_user("leader_scan", "leader", cls.tree.county_a)
        cls.system = new_system(cls.tree.dept_a, network="internet")
        cls.outside = new_system(cls.tree.dept_b)

    def setUp(self):
        self.client.force_login(self.liaison)
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        self.url = reverse("security:finding_scan")

    def upload(self, file, mapping=None, system=None):
        data = {"file": file, "system": (system or self.system).pk, "mapping": mapping.pk if mapping else ""}
        return self.client.post(self.url, data)

    def mapping_data(self, response, **changes) -> dict:
        """The mapping step as the page proposes it, with ``changes``."""
        form = response.context["form"]
        data = {name: form[name].value() for name in form.fields if name != "file"}
        data = {k: ("" if v is None else v) for k, v in data.items()}
        data.update(changes)
        return data

    def test_chinese_csv_is_guessed_checked_and_imported_with_its_mapping_saved(self):
        response = self.upload(csv_file(ROWS))
        self.assertEqual(response.status_code, 200)
        initial = response.context["form"].initial
        expected = {
            "title": "漏洞名称", "severity": "风险等级", "asset": "主机", "port": "端口", "reference": "CVE编号",
            "found_on": "发现时间", "description": "描述", "solution": "解决方案", "external_id": "漏洞编号",
        }  # fmt: skip
        self.assertEqual({k: initial.get(f"column_{k}") for k in expected}, expected)

        response = self.client.post(self.url, self.mapping_data(response, action="check"))
        result = response.context["result"]
        self.assertEqual(response.status_code, 200, result.errors)
        self.assertEqual((result.created, result.skipped, result.unchanged), (3, 1, 0))
        self.assertContains(response, 'id="import-scan"')
        self.assertFalse(Finding.objects.exists(), "checking must not write")

        data = self.mapping_data(response, action="import", save_as="绿盟RSAS")
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 302)
        findings = {f.external_id: f for f in Finding.objects.filter(system=self.system)}
        self.assertEqual(set(findings), {"RSAS-2021-1201", "RSAS-2018-0815", "RSAS-2016-0923"})
        log4j = findings["RSAS-2021-1201"]
        self.assertEqual((log4j.source, log4j.severity, log4j.asset), (FindingSource.SCANNER, "critical", "app01:8080"))
        self.assertEqual((log4j.reference, log4j.found_on), ("CVE-2021-44228", dt.date(2026, 3, 15)))
        self.assertIn("升级 Log4j2 至 2.17.1", log4j.description)
        self.assertEqual(log4j.deadline, dt.date(2026, 3, 20))  # critical: 5 working days after Sunday 15 March
        self.assertEqual(findings["RSAS-2016-0923"].found_on, timezone.localdate())  # no date in the row: the form's
        self.assertEqual(log4j.created_by, self.liaison)
        event = AuditRecord.objects.get(event="finding.scanner_import")
        self.assertEqual((event.changes["created"], event.changes["skipped"]), (3, 1))

        mapping = ScannerMapping.objects.get(name="绿盟RSAS")
        self.assertEqual((mapping.unit, mapping.columns["title"]), (self.tree.dept_a, "漏洞名称"))
        self.assertEqual(mapping.severities["紧急"], "critical")
        response = self.client.get(self.url)
        self.assertEqual(response.context["upload_form"].initial["mapping"], mapping)

    def test_the_importer_owns_the_findings_unless_someone_is_named(self):
        response = self.upload(csv_file(ROWS[:1]))
        self.assertContains(response, "you, unless you choose someone else")
        response = self.client.post(self.url, self.mapping_data(response, action="check"))
        self.assertContains(response, 'id="scan-owner"')
        response = self.client.post(self.url, self.mapping_data(response, action="import"))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Finding.objects.get(system=self.system).owner, self.liaison)

        colleague = testing.make_user("colleague_scan", "liaison", self.tree.dept_a, full_name="赵丽")
        other = new_system(self.tree.dept_a)
        response = self.upload(csv_file(ROWS[:1]), system=other)
        response = self.client.post(self.url, self.mapping_data(response, action="check", owner=colleague.pk))
        self.assertContains(response, "Owner of the new findings: 赵丽")
        self.client.post(self.url, self.mapping_data(response, action="import", owner=colleague.pk))
        self.assertEqual(Finding.objects.get(system=other).owner, colleague)

    def test_counts_of_nothing_are_not_said(self):
        response = self.upload(csv_file(ROWS[:2]))
        response = self.client.post(self.url, self.mapping_data(response, action="check"))
        self.assertNotContains(response, 'id="scan-counts"')
        self.assertNotContains(response, "0 rows")
        response = self.client.post(self.url, self.mapping_data(response, action="import"))
        message = [str(m) for m in response.wsgi_request._messages][0]
        self.assertTrue(message.endswith(": 2 created, 0 updated, 0 reopened, 0 unchanged, 0 skipped."), message)

    def test_xlsx_with_a_saved_mapping_of_unusual_headers(self):
        header = ["威胁名称", "危险程度", "目标地址", "漏洞引用", "首次发现"]
        rows = [
            ["Redis 未授权访问漏洞", "超高", "10.32.8.30", "CNVD-2015-07557", "2026-03-16"],
            ["Nginx 版本信息泄露", "一般", "10.32.8.30", "", "2026-03-16"],
        ]
        response = self.upload(xlsx_file(rows, header))
        self.assertNotIn("column_title", {k for k, v in response.context["form"].initial.items() if v})
        columns = {"title": "威胁名称", "severity": "危险程度", "asset": "目标地址", "reference": "漏洞引用"}
        data = self.mapping_data(
            response,
            action="import",
            save_as="天镜扫描",
            words="超高 = critical\n一般 = low\n",
            found_on="2026-03-16",
            **{f"column_{k}": v for k, v in columns.items()},
        )
        self.assertEqual(self.client.post(self.url, data).status_code, 302)
        self.assertEqual(Finding.objects.filter(system=self.system).count(), 2)
        mapping = ScannerMapping.objects.get(name="天镜扫描")

        # Next time: the same scanner's file, another system; the saved mapping preselected and applied.
        other = new_system(self.tree.dept_a)
        self.assertEqual(self.client.get(self.url).context["upload_form"].initial["mapping"], mapping)
        response = self.upload(xlsx_file(rows, header), mapping=mapping, system=other)
        initial = response.context["form"].initial
        self.assertEqual({k: initial[f"column_{k}"] for k in columns}, columns)
        self.assertIn("超高 = critical", initial["words"])
        response = self.client.post(self.url, self.mapping_data(response, action="import", save_as=""))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            set(Finding.objects.filter(system=other).values_list("severity", flat=True)), {"critical", "low"}
        )

    def test_bad_severity_word_and_missing_title_are_listed_and_nothing_is_saved(self):
        rows = [list(row) for row in ROWS]
        rows[1][2] = "超高"  # row 3 of the file
        rows[2][1] = ""  # row 4
        response = self.upload(csv_file(rows))
        data = self.mapping_data(response, action="import", save_as="绿盟RSAS")
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 400)
        errors = [(e.row, e.column, e.message) for e in response.context["result"].errors]
        self.assertEqual([(row, column) for row, column, _m in errors], [(3, "风险等级"), (4, "漏洞名称")])
        self.assertIn("“超高” is not among the severity words", errors[0][2])
        self.assertEqual(errors[1][2], "This field is required.")
        self.assertContains(response, 'id="scan-errors"', status_code=400)
        self.assertFalse(Finding.objects.exists())
        self.assertFalse(ScannerMapping.objects.exists())
        self.assertFalse(AuditRecord.objects.filter(event="finding.scanner_import").exists())

        # A corrected file, uploaded on the same page, is checked with the same mapping.
        response = self.client.post(self.url, {**response.context["form"].data.dict(), "file": csv_file(ROWS)})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Finding.objects.count(), 3)

    def test_the_same_file_again_creates_nothing_and_says_so(self):
        rows = [*ROWS, list(ROWS[1])]  # the same row twice in the file: one finding
        response = self.upload(csv_file(rows))
        response = self.client.post(self.url, self.mapping_data(response, action="import"))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Finding.objects.filter(system=self.system).count(), 3)
        event = AuditRecord.objects.get(event="finding.scanner_import")
        self.assertEqual(event.changes["skips"], {"info": 1, "repeated": 1})

        response = self.upload(csv_file(rows))
        response = self.client.post(self.url, self.mapping_data(response, action="import"))
        self.assertEqual(response.status_code, 200)
        result = response.context["result"]
        self.assertEqual((result.created, result.updated, result.unchanged, result.skipped), (0, 0, 3, 2))
        self.assertContains(response, "Nothing to import: every finding of")
        self.assertNotContains(response, 'id="import-scan"')
        self.assertEqual(Finding.objects.filter(system=self.system).count(), 3)
        self.assertEqual(AuditRecord.objects.filter(event="finding.scanner_import").count(), 1)

    def test_only_systems_where_findings_may_be_imported(self):
        response = self.upload(csv_file(ROWS), system=self.outside)
        self.assertEqual(response.status_code, 400)
        self.assertIn("system", response.context["upload_form"].errors)
        self.client.force_login(self.leader)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.upload(csv_file(ROWS)).status_code, 404)
        self.assertFalse(Finding.objects.exists())

    def test_a_file_that_is_not_a_spreadsheet_is_refused(self):
        response = self.upload(SimpleUploadedFile("扫描.xlsx", b"MZ\x90\x00" + b"\x00" * 200))
        self.assertEqual(response.status_code, 400)
        self.assertIn("file", response.context["upload_form"].errors)

    def test_mapping_pages(self):
        mapping = ScannerMapping.objects.create(
            unit=self.tree.dept_a, name="绿盟RSAS", columns={"title": "漏洞名称"}, severities={"高危": "high"}
        )
        self.assertContains(self.client.get(reverse("security:scannermapping_list")), mapping.get_absolute_url())
        self.assertContains(self.client.get(mapping.get_absolute_url()), "漏洞名称")
        data = {
            "name": "绿盟RSAS 6.0",
            "unit": self.tree.dept_a.pk,
            "column_title": "漏洞名称",
            "column_severity": "风险等级",
            "words": "高危 = high\n信息 = skip",
            "version": mapping.version,
        }
        response = self.client.post(reverse("security:scannermapping_edit", args=[mapping.pk]), data)
        self.assertEqual(response.status_code, 302)
        mapping.refresh_from_db()
        self.assertEqual((mapping.name, mapping.severities), ("绿盟RSAS 6.0", {"高危": "high", "信息": "skip"}))
        data.update(words="高危 = 很高", version=mapping.version)
        response = self.client.post(reverse("security:scannermapping_edit", args=[mapping.pk]), data)
        self.assertEqual(response.status_code, 400)
        other = ScannerMapping.objects.create(unit=self.tree.dept_b, name="乙县映射")
        self.assertEqual(self.client.get(other.get_absolute_url()).status_code, 404)
        self.assertEqual(
            self.client.post(reverse("security:scannermapping_delete", args=[mapping.pk])).status_code, 404
        )


class MappingRulesTests(SimpleTestCase):
    def test_severity_words(self):
        self.assertEqual(
            scanner.parse_words("高危 = high\nCritical=critical\n信息 ＝ skip\n\n"),
            {"高危": "high", "Critical": "critical", "信息": "skip"},
        )
        with self.assertRaises(ValidationError):
            scanner.parse_words("高危\n")
        with self.assertRaises(ValidationError):
            scanner.parse_words("高危 = 很高")

    def test_guess_nessus_headers(self):
        guessed = scanner.guess_columns(["Plugin ID", "CVE", "Risk", "Host", "Port", "Name", "Synopsis", "Solution"])
        self.assertEqual(
            guessed,
            {
                "title": "Name",
                "severity": "Risk",
                "asset": "Host",
                "port": "Port",
                "reference": "CVE",
                "description": "Synopsis",
                "solution": "Solution",
                "external_id": "Plugin ID",
            },
        )
