"""The known scanner exports, read without a mapping: OpenVAS/GVM CSV (several hosts per NVT, a row of eleven CVEs),
Nessus CSV (a row per CVE of a plugin) and the .nessus XML. Every row is a finding or a counted skip, every field
kept; the duplicate key never merges different findings; the same file again creates nothing; a later scan updates
the open findings and reopens a verified one; a hostile XML is refused with a message."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, TestCase
from django.utils import timezone

from core import testing
from core.io import ImportFileError
from core.models import AuditRecord, Notification
from core.search.query import search
from inventory.tests.factories import new_system
from security import scanner
from security.choices import FindingStatus
from security.models import Finding
from security.scanner.words import KNOWN_WORDS, skip_reason
from security.services import findings as services

from . import scanner_files as files

D = dt.date
SCAN_DAY = D(2026, 3, 16)
PLACED_GVM = {"IP", "Port", "Port Protocol", "Severity", "NVT Name", "NVT OID", "CVEs", "Timestamp"}


class ScanCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.liaison = testing.make_user("liaison_formats", "liaison", cls.tree.dept_a, full_name="王芳")
        cls.system = new_system(cls.tree.dept_a)

    def scan(self, upload, *, found_on=SCAN_DAY, **mapping):
        return scanner.read_scan(
            upload,
            upload.name,
            system=self.system,
            found_on=found_on,
            user=self.liaison,
            owner=self.liaison,
            **mapping,
        )

    def commit(self, result, name="scan.csv"):
        self.assertEqual(result.errors, [])
        return services.scan_import(actor=self.liaison, system=self.system, result=result, filename=name)

    def findings(self):
        return Finding.objects.filter(system=self.system)


class OpenVASTests(ScanCase):
    def test_every_row_is_a_finding_or_a_counted_skip_and_every_field_is_kept(self):
        result = self.scan(files.gvm_csv())
        self.assertEqual(result.kind, "openvas")
        self.assertEqual((result.created, dict(result.skips)), (5, {"log": 1, "false_positive": 1}))
        self.assertEqual(result.total, len(files.GVM_ROWS))
        self.assertEqual(result.created + result.skipped, result.total)
        self.commit(result)

        by_place = {(f.host, f.port): f for f in self.findings()}
        self.assertEqual(len(by_place), 5)
        log4j = [f for f in by_place.values() if f.external_id == files.LOG4J_OID]
        self.assertEqual(sorted((f.host, f.port) for f in log4j), [
            ("10.32.8.21", "8080"), ("10.32.8.21", "8443"), ("10.32.8.22", "8080"),
        ])  # fmt: skip
        for row in files.GVM_ROWS[:5]:
            cells = dict(zip(files.GVM_HEADER, row, strict=True))
            finding = by_place[(cells["IP"], cells["Port"])]
            self.assertEqual(
                (finding.title, finding.protocol, finding.scanner, finding.source),
                (cells["NVT Name"], "tcp", "openvas", "scanner"),
            )
            self.assertEqual((finding.external_id, finding.cves), (cells["NVT OID"], cells["CVEs"].replace(",", ", ")))
            self.assertEqual((finding.found_on, finding.last_seen), (D(2026, 3, 15), D(2026, 3, 15)))
            for name, value in cells.items():
                if name not in PLACED_GVM and value:
                    self.assertIn(f"{name}: {value}", finding.description)
        ssh = by_place[("10.32.8.22", "22")]
        self.assertEqual(ssh.cves, ", ".join(files.ELEVEN_CVES))  # whole, though longer than a reference
        self.assertLessEqual(len(ssh.reference), 100)
        self.assertEqual((ssh.severity, ssh.asset), ("medium", "10.32.8.22:22"))
        self.assertEqual(by_place[("10.32.8.21", "general")].asset, "10.32.8.21")
        self.assertEqual(by_place[("10.32.8.21", "8080")].severity, "high")
        event = AuditRecord.objects.get(event="finding.scanner_import")
        self.assertEqual(
            (event.changes["created"], event.changes["skipped"], event.changes["format"]), (5, 2, "openvas")
        )

    def test_the_same_file_again_then_a_later_scan(self):
        self.commit(self.scan(files.gvm_csv()))
        audited = AuditRecord.objects.count()
        again = self.scan(files.gvm_csv())
        self.assertEqual((again.created, again.updated, again.reopened, again.unchanged), (0, 0, 0, 5))
        self.assertFalse(again.changes_anything)

        # Verified on 20 March; the scan of 10 April finds it again, no longer finds 8443, and finds a new host.
        verified = self.findings().get(host="10.32.8.22", port="8080")
        verified_at = timezone.make_aware(dt.datetime(2026, 3, 20, 9))
        Finding.objects.filter(pk=verified.pk).update(status=FindingStatus.VERIFIED, verified_at=verified_at)
        later = [list(row) for row in files.GVM_ROWS if row[2] != "8443"]
        later.append(files.gvm_row("10.32.8.23", "8080", "High", "Apache Log4j RCE (Log4Shell)", files.LOG4J_OID, []))
        for row in later:
            row[15] = "2026-04-10T09:00:00Z"
        result = self.scan(files.gvm_csv(later))
        self.assertEqual(self.findings().count(), 5, "checking writes nothing")
        self.assertEqual(AuditRecord.objects.count(), audited)
        counts = (result.created, result.updated, result.reopened, result.unchanged, result.skipped)
        self.assertEqual(counts, (1, 3, 1, 0, 2))
        self.commit(result)

        self.assertEqual(self.findings().count(), 6)
        verified.refresh_from_db()
        self.assertEqual((verified.status, verified.verified_at, verified.last_seen), ("open", None, D(2026, 4, 10)))
        self.assertGreater(verified.deadline, D(2026, 4, 10))
        self.assertTrue(AuditRecord.objects.filter(event="finding.reopen", object_id=str(verified.pk)).exists())
        self.assertTrue(Notification.objects.filter(recipient=self.liaison, key__contains="reopened").exists())
        seen = self.findings().get(host="10.32.8.21", port="8080")
        self.assertEqual((seen.found_on, seen.last_seen, seen.status), (D(2026, 3, 15), D(2026, 4, 10), "open"))
        self.assertEqual(AuditRecord.objects.filter(event="finding.rescan").count(), 3)
        self.assertEqual(self.findings().get(port="8443").last_seen, D(2026, 3, 15))
        event = AuditRecord.objects.filter(event="finding.scanner_import").latest("seq")
        self.assertEqual((event.changes["updated"], event.changes["reopened"]), (3, 1))

    def test_what_a_later_scan_says_is_what_search_finds(self):
        self.commit(self.scan(files.gvm_csv(files.GVM_ROWS[:1])))
        renamed = list(files.GVM_ROWS[0])
        renamed[8], renamed[15] = "Apache Log4j 2.x JNDI 远程代码执行", "2026-04-10T09:00:00Z"
        result = self.scan(files.gvm_csv([renamed]))
        self.assertEqual((result.updated, result.updates[0].values["title"]), (1, renamed[8]))
        self.commit(result)

        def titles(q):
            return {hit.title for group in search(self.liaison, q) for hit in group.hits}

        self.assertEqual(titles("JNDI"), {renamed[8]})
        self.assertEqual(titles("Log4Shell"), set())

    def test_rows_of_one_file_are_merged_only_when_identical(self):
        first = files.GVM_ROWS[0]
        other = list(first)
        other[10] = "Installed version: 2.12.0"  # same NVT, host and port, another result: not the same row
        result = self.scan(files.gvm_csv([first, list(first), other]))
        self.assertEqual((result.created, dict(result.skips), result.kept_apart), (2, {"repeated": 1}, 1))
        self.commit(result)
        again = self.scan(files.gvm_csv([first, list(first), other]))
        self.assertEqual((again.created, again.unchanged), (0, 2))

    def test_a_found_on_day_in_the_future_is_refused(self):
        row = list(files.GVM_ROWS[0])
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        row[15] = f"{tomorrow.isoformat()}T08:00:00Z"
        result = self.scan(files.gvm_csv([files.GVM_ROWS[1], row]))
        self.assertEqual([(e.row, e.column) for e in result.errors], [(3, "Timestamp")])
        self.assertIn("is in the future", result.errors[0].message)
        self.assertEqual(result.rows, [])


class NessusTests(ScanCase):
    def test_csv_a_finding_per_cve_of_a_plugin(self):
        result = self.scan(files.nessus_csv(), found_on=D(2026, 3, 15))
        self.assertEqual(result.kind, "nessus")
        self.assertEqual((result.created, dict(result.skips), result.total), (4, {"info": 1}, 5))
        self.commit(result)
        log4j = self.findings().filter(external_id=files.LOG4J_PLUGIN, host="10.32.8.21")
        self.assertEqual(sorted(log4j.values_list("cves", flat=True)), ["CVE-2021-44228", "CVE-2021-45046"])
        for row in files.NESSUS_ROWS[:4]:
            cells = dict(zip(files.NESSUS_HEADER, row, strict=True))
            finding = self.findings().get(external_id=cells["Plugin ID"], host=cells["Host"], cves=cells["CVE"])
            self.assertEqual((finding.port, finding.protocol, finding.title), (cells["Port"], "tcp", cells["Name"]))
            self.assertEqual(
                (finding.reference, finding.found_on, finding.scanner), (cells["CVE"], D(2026, 3, 15), "nessus")
            )
            for name in ("CVSS v2.0 Base Score", "Synopsis", "Description", "Solution", "See Also", "Plugin Output"):
                self.assertIn(f"{name}: {cells[name]}", finding.description)
        self.assertEqual(self.findings().get(external_id="57582").severity, "medium")
        self.assertEqual(self.findings().get(external_id=files.LOG4J_PLUGIN, host="10.32.8.22").severity, "critical")

    def test_xml_every_item_and_field(self):
        result = self.scan(files.nessus_xml())
        self.assertEqual(
            (result.kind, result.created, dict(result.skips), result.total), ("nessus_xml", 4, {"info": 1}, 5)
        )
        self.commit(result)
        cert = self.findings().get(external_id="57582")
        self.assertEqual(
            (cert.host, cert.port, cert.protocol, cert.found_on), ("10.32.8.21", "443", "tcp", D(2026, 3, 15))
        )
        for text in ("svc_name: www", "host-fqdn: app01.zw.gov.cn", "plugin_output: Subject : CN=app01", "synopsis:"):
            self.assertIn(text, cert.description)
        log4j = self.findings().filter(external_id=files.LOG4J_PLUGIN)
        self.assertEqual(
            sorted(log4j.values_list("host", "cves", "severity")),
            [("10.32.8.21", "CVE-2021-44228", "critical"), ("10.32.8.21", "CVE-2021-45046", "critical"),
             ("10.32.8.22", "CVE-2021-44228", "critical")],
        )  # fmt: skip

    def test_the_xml_of_a_scan_matches_the_findings_of_its_csv(self):
        self.commit(self.scan(files.nessus_csv(), found_on=D(2026, 3, 15)))
        result = self.scan(files.nessus_xml())
        self.assertEqual((result.created, result.updated + result.unchanged), (0, 4))

    def test_a_hostile_or_damaged_xml_is_refused_with_a_message(self):
        for body in (files.BILLION_LAUGHS, files.EXTERNAL_ENTITY):
            with self.assertRaisesMessage(ImportFileError, "declares a DTD or entities"):
                self.scan(SimpleUploadedFile("scan.nessus", body))
        with self.assertRaisesMessage(ImportFileError, "not a Nessus .nessus (v2) export"):
            self.scan(SimpleUploadedFile("scan.xml", b"<?xml version='1.0'?><rss><channel/></rss>"))
        with self.assertRaisesMessage(ImportFileError, "The XML file is damaged"):
            self.scan(SimpleUploadedFile("scan.nessus", b"<?xml version='1.0'?><NessusClientData_v2><Report>"))
        self.assertFalse(self.findings().exists())

    def test_the_xml_is_read_within_the_import_limits(self):
        deep = files.nessus_xml([files.report_host("10.32.8.21", ["<a>" * 40 + "</a>" * 40])])
        cases = [
            ({"GOVCIO_IMPORT_MAX_XML_DEPTH": 32}, deep, "nested more than 32 levels"),
            ({"GOVCIO_IMPORT_MAX_CELLS": 20}, files.nessus_xml(), "more than 20 cells"),
            ({"GOVCIO_IMPORT_MAX_CELL_CHARS": 50}, files.nessus_xml(), "longer than 50 characters"),
            ({"GOVCIO_IMPORT_MAX_BYTES": 1000}, files.nessus_xml(), "larger than"),
        ]
        for limits, upload, message in cases:
            with self.settings(**limits), self.assertRaisesMessage(ImportFileError, message):
                self.scan(upload)
        self.assertFalse(self.findings().exists())


class LongFieldTests(ScanCase):
    def test_a_value_longer_than_its_column_is_kept_whole_and_never_blocks_the_file(self):
        title = "Oracle WebLogic Server 多个远程代码执行漏洞" * 12
        header = ["漏洞名称", "风险等级", "主机", "CVE编号", "漏洞编号"]
        rows = [[title, "高危", "10.32.8.30", ",".join(files.ELEVEN_CVES), "RSAS-2020-" + "9" * 120]]
        upload = files.csv_upload(header, rows, "rsas.csv")
        columns = scanner.guess_columns(header)
        result = self.scan(upload, columns=columns, words=scanner.DEFAULT_WORDS)
        self.commit(result)
        finding = self.findings().get()
        self.assertEqual((len(finding.title), finding.title[-1]), (200, "…"))
        self.assertIn(title, finding.description)
        self.assertIn("RSAS-2020-" + "9" * 120, finding.description)
        self.assertEqual(finding.cves, ", ".join(files.ELEVEN_CVES))


class SeverityWordTests(SimpleTestCase):
    def test_the_words_of_the_scanners_in_english_and_chinese(self):
        expected = {
            "Critical": "critical", "严重": "critical", "紧急": "critical", "High": "high", "高": "high",
            "高危": "high", "Medium": "medium", "中": "medium", "中危": "medium", "Low": "low", "低": "low",
            "低危": "low", "Info": "skip", "信息": "skip", "Log": "skip", "日志": "skip", "None": "skip",
            "无": "skip", "False Positive": "skip", "误报": "skip",
        }  # fmt: skip
        from core.io.parsers import fold

        self.assertEqual({word: KNOWN_WORDS[fold(word)] for word in expected}, expected)
        reasons = {
            word: skip_reason(word) for word in ("Info", "信息", "None", "无", "Log", "日志", "False Positive", "误报")
        }
        self.assertEqual(set(reasons.values()), {"info", "log", "false_positive"})
        self.assertEqual((reasons["日志"], reasons["误报"], reasons["无"]), ("log", "false_positive", "info"))


class FoundDateTests(SimpleTestCase):
    def test_the_day_of_a_scan_in_local_time(self):
        self.assertEqual(scanner.found_date("2026-03-15T10:20:33Z"), D(2026, 3, 15))
        self.assertEqual(scanner.found_date("2026-03-15T20:20:33Z"), D(2026, 3, 16))  # 04:20 in Beijing
        self.assertEqual(scanner.found_date("2026-03-15 23:59:59"), D(2026, 3, 15))
        self.assertEqual(scanner.found_date("2026-03-15"), D(2026, 3, 15))
        with self.assertRaises(ValueError):
            scanner.found_date("15/03/2026 x")
