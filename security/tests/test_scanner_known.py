"""The scanner import page with a known export: no mapping step, the plan counted at once (created, updated,
reopened, unchanged, skipped with reasons), the same file again says there is nothing to import; a hostile XML and a
future day are answered with a message, never a 500. And the ``govcio findings import`` command over the same
services."""

import datetime as dt
import io
import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core import testing
from core.models import AuditRecord
from core.testing import staged_uploads
from inventory.tests.factories import new_system
from security.models import Finding, ScannerMapping

from . import scanner_files as files


class KnownFormatPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.liaison = testing.make_user("liaison_known", "liaison", cls.tree.dept_a, full_name="王芳")
        cls.system = new_system(cls.tree.dept_a)

    def setUp(self):
        self.client.force_login(self.liaison)
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        self.url = reverse("security:finding_scan")

    def upload(self, file):
        return self.client.post(self.url, {"file": file, "system": self.system.pk})

    def step(self, response, **changes):
        form = response.context["form"]
        data = {name: form[name].value() for name in form.fields if name != "file"}
        return {k: ("" if v is None else v) for k, v in data.items()} | changes

    def test_an_openvas_report_is_checked_at_once_and_imported(self):
        response = self.upload(files.gvm_csv())
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].known)
        self.assertNotContains(response, "column_title")
        self.assertContains(response, "OpenVAS / GVM CSV report")
        self.assertContains(response, '<div class="h3 mb-0" id="count-created">5</div>', html=True)
        self.assertContains(response, '<div class="h3 mb-0" id="count-skipped">2</div>', html=True)
        self.assertContains(response, "1 row skipped: log entries.")
        self.assertContains(response, "1 row skipped: false positives.")
        self.assertFalse(Finding.objects.exists())

        response = self.client.post(self.url, self.step(response, action="import"))
        self.assertEqual(response.status_code, 302)
        message = [str(m) for m in response.wsgi_request._messages][0]
        self.assertIn(": 5 created, 0 updated, 0 reopened, 0 unchanged, 2 skipped.", message)
        self.assertEqual(Finding.objects.filter(system=self.system, owner=self.liaison).count(), 5)
        self.assertEqual(staged_uploads(), set())
        ssh = Finding.objects.get(system=self.system, port="22")
        page = self.client.get(ssh.get_absolute_url())
        self.assertContains(page, "OpenVAS / GVM (CSV) · 10.32.8.22 port 22/tcp")
        self.assertContains(page, ", ".join(files.ELEVEN_CVES))
        api = self.client.get(reverse("api:finding-detail", args=[ssh.pk])).json()
        self.assertEqual(
            (api["host"], api["port"], api["protocol"], api["scanner"]), ("10.32.8.22", "22", "tcp", "openvas")
        )
        self.assertEqual((api["cves"], api["last_seen"]), (", ".join(files.ELEVEN_CVES), "2026-03-15"))

        response = self.upload(files.gvm_csv())
        self.assertContains(response, "Nothing to import: every finding of")
        self.assertContains(response, '<div class="h3 mb-0" id="count-unchanged">5</div>', html=True)
        self.assertNotContains(response, 'id="import-scan"')
        response = self.client.post(self.url, self.step(response, action="import"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Finding.objects.count(), 5)

    def test_a_nessus_csv_takes_the_day_of_the_scan_and_refuses_a_future_one(self):
        response = self.upload(files.nessus_csv())
        self.assertContains(response, "Nessus / Tenable CSV export")
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        response = self.client.post(self.url, self.step(response, action="import", found_on=tomorrow.isoformat()))
        self.assertEqual(response.status_code, 400)
        self.assertIn("is in the future", str(response.context["form"].errors["found_on"]))
        response = self.client.post(self.url, self.step(response, action="import", found_on="2026-03-15"))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            set(Finding.objects.filter(system=self.system).values_list("found_on", flat=True)), {dt.date(2026, 3, 15)}
        )

    def test_a_nessus_file_and_a_hostile_xml(self):
        response = self.upload(files.nessus_xml())
        self.assertContains(response, "Nessus .nessus (v2 XML)")
        self.assertEqual(response.context["result"].created, 4)
        staged = staged_uploads()
        for body in (files.BILLION_LAUGHS, files.EXTERNAL_ENTITY):
            response = self.upload(SimpleUploadedFile("scan.nessus", body))
            self.assertEqual(response.status_code, 400)
            self.assertIn("declares a DTD or entities", response.context["upload_form"].errors["file"][0])
            self.assertEqual(staged_uploads(), staged)  # refused: not kept
        self.assertFalse(Finding.objects.exists())


class FindingsCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.system = new_system(cls.tree.dept_a)
        cls.liaison = testing.make_user("liaison_cli", "liaison", cls.tree.dept_a, full_name="王芳")

    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def saved(self, upload) -> str:
        path = self.folder / upload.name
        path.write_bytes(upload.read())
        return str(path)

    def run_command(self, *args) -> str:
        out = io.StringIO()
        call_command("findings", "import", *args, "--user", self.liaison.username, stdout=out)
        return out.getvalue()

    def test_import_prints_the_counts_and_the_same_file_again_creates_nothing(self):
        path = self.saved(files.gvm_csv())
        out = self.run_command(path, "--system", self.system.code)
        self.assertIn("5 created, 0 updated, 0 unchanged, 2 skipped", out)
        self.assertIn("skipped, log entries: 1", out)
        self.assertEqual(Finding.objects.filter(system=self.system).count(), 5)
        event = AuditRecord.objects.get(event="finding.scanner_import")
        self.assertEqual((event.actor_name, event.changes["created"]), (self.liaison.username, 5))
        out = self.run_command(path, "--system", self.system.code, "--format", "openvas")
        self.assertIn("0 created, 0 updated, 5 unchanged, 2 skipped", out)
        self.assertIn("nothing new", out)
        self.assertEqual(AuditRecord.objects.filter(event="finding.scanner_import").count(), 1)

        path = self.saved(files.nessus_xml())
        self.assertIn(
            "4 created, 0 updated, 0 unchanged, 1 skipped", self.run_command(path, "--system", self.system.code)
        )

    def test_bad_input_exits_with_every_problem_and_writes_nothing(self):
        rows = [list(row) for row in files.GVM_ROWS]
        rows[1][5] = "Severe"
        rows[2][15] = "2999-01-01T00:00:00Z"
        path = self.saved(files.gvm_csv(rows))
        with self.assertRaises(CommandError) as caught:
            self.run_command(path, "--system", self.system.code)
        message = str(caught.exception)
        self.assertIn("2 problem(s), nothing imported", message)
        self.assertIn("row 3, Severity: “Severe” is not a severity this scanner writes.", message)
        self.assertIn("row 4, Timestamp: 2999-01-01 is in the future", message)
        self.assertFalse(Finding.objects.exists())
        for args, said in [
            (["--format", "nessus"], "not nessus"),
            (["--mapping", "绿盟"], "needs no mapping"),
        ]:
            with self.assertRaisesMessage(CommandError, said):
                self.run_command(self.saved(files.gvm_csv()), "--system", self.system.code, *args)
        with self.assertRaisesMessage(CommandError, "the file's header is not that of openvas: Plugin ID, CVE"):
            unknown = files.csv_upload(["Plugin ID", "CVE", "Name"], [["1", "CVE-2021-44228", "x"]], "n.csv")
            self.run_command(self.saved(unknown), "--system", self.system.code, "--format", "openvas")
        with self.assertRaisesMessage(CommandError, "no system with the code"):
            self.run_command(path, "--system", "NOPE")
        other = new_system(self.tree.dept_b)  # another county's: outside the liaison's scope, as on the page
        with self.assertRaisesMessage(CommandError, f"no system with the code {other.code} on which liaison_cli"):
            self.run_command(path, "--system", other.code)
        outsider = testing.make_user("owner_b", "liaison", self.tree.dept_b)  # another county: not offered on the page
        with self.assertRaisesMessage(CommandError, "no user named owner_b whom liaison_cli may see"):
            self.run_command(path, "--system", self.system.code, "--owner", outsider.username)
        with self.assertRaisesMessage(CommandError, "no active user nobody"):
            call_command("findings", "import", path, "--system", self.system.code, "--user", "nobody")
        with self.assertRaisesMessage(CommandError, "declares a DTD or entities"):
            self.run_command(
                self.saved(SimpleUploadedFile("x.nessus", files.BILLION_LAUGHS)), "--system", self.system.code
            )

    def test_format_csv_reads_a_known_export_with_the_guessed_columns(self):
        path = self.saved(files.nessus_csv())
        out = self.run_command(path, "--system", self.system.code, "--format", "csv")
        self.assertIn("4 created, 0 updated, 0 unchanged, 1 skipped", out)
        self.assertEqual(set(Finding.objects.values_list("scanner", flat=True)), {"csv"})

    def test_a_generic_file_with_a_saved_mapping(self):
        ScannerMapping.objects.create(
            unit=self.tree.dept_a,
            name="天镜",
            columns={"title": "威胁名称", "severity": "危险程度", "asset": "目标地址"},
            severities={"超高": "critical", "一般": "low", "提示": "skip"},
        )
        rows = [["Redis 未授权访问漏洞", "超高", "10.32.8.30"], ["端口开放", "提示", "10.32.8.30"]]
        path = self.saved(files.csv_upload(["威胁名称", "危险程度", "目标地址"], rows, "天镜.csv", encoding="gbk"))
        with self.assertRaisesMessage(CommandError, "no --mapping is given"):
            self.run_command(path, "--system", self.system.code)
        out = self.run_command(path, "--system", self.system.code, "--mapping", "天镜", "--found-on", "2026-03-16")
        self.assertIn("1 created, 0 updated, 0 unchanged, 1 skipped", out)
        finding = Finding.objects.get(system=self.system)
        self.assertEqual(
            (finding.severity, finding.found_on, finding.scanner), ("critical", dt.date(2026, 3, 16), "csv")
        )
