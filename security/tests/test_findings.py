"""Findings (问题与整改) as records: the kit's suites, the deadline by severity (SecurityPolicy; calendar and working
days over a holiday with swapped working days; provisional past the loaded calendar; set by hand), the form's
prefill from an assessment page, bulk edit, the template import, the list's filters and the system page's panel."""

import csv
import datetime as dt
import io
import itertools
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core import testing
from core.models import AuditRecord
from core.testing import csv_bytes
from inventory.tests.factories import new_system
from security import choices as c
from security.choices import DeadlineKind
from security.models import Assessment, Finding, SecurityPolicy
from security.schemas.findings import finding_schema
from security.services.findings import finding_save
from security.views.findings import system_panel

D = dt.date
_n = itertools.count(1)
TITLES = [
    "数据库未启用登录失败处理功能",
    "Apache Log4j2 远程代码执行漏洞",
    "OpenSSH 用户枚举漏洞",
    "管理后台使用弱口令",
    "重要数据传输未使用国密算法加密",
]


def new_finding(unit=None, *, system=None, actor=None, **fields) -> Finding:
    """A finding through the service (the console when ``actor`` is None); the deadline from the policy unless
    given."""
    n = next(_n)
    values = {
        "system": system or new_system(unit),
        "source": c.FindingSource.ASSESSMENT,
        "title": f"{TITLES[n % len(TITLES)]}（{n:03d}）",
        "description": "等级测评发现",
        "severity": c.Severity.HIGH,
        "asset": "10.32.8.21（数据库服务器）",
        "reference": "GB/T 22239-2019 8.1.4.1",
        "found_on": D(2026, 3, 16),
    }
    values.update(fields)
    return finding_save(actor=actor, finding=Finding(**values))


class FindingViewTests(testing.StandardViewTests):
    model = Finding
    namespace = "security"
    edit_changes = {"title": "管理后台使用弱口令（复测）", "severity": "medium"}
    bulk_changes = {"severity": "low"}

    def make_object(self, unit):
        return new_finding(unit)

    def form_data(self):
        return {
            "system": self.inside.system_id,
            "source": c.FindingSource.INSPECTION,
            "title": "门户网站存在跨站脚本漏洞",
            "severity": c.Severity.HIGH,
            "found_on": "2026-03-16",
            "asset": "www.jiaxian.gov.cn",
        }

    def import_csv(self):
        rows = [
            {
                "system": self.inside.system.code,
                "source": "inspection",
                "title": "网信办检查发现：门户网站未备案域名",
                "severity": "中",
                "found_on": "2026/3/18",
                "owner": "kit_user",
            },
            {
                "system": self.inside.system.code,
                "source": c.FindingSource.SCANNER,
                "title": "OpenSSL 拒绝服务漏洞",
                "severity": "high",
                "asset": "10.32.8.22",
                "reference": "CVE-2022-0778",
                "found_on": "2026-03-18",
            },
        ]
        return csv_bytes(finding_schema, rows)


class FindingAPITests(testing.StandardAPITests):
    model = Finding
    api_basename = "finding"
    api_changes = {"title": "OpenSSH 用户枚举漏洞（复测仍存在）"}

    def make_object(self, unit):
        return new_finding(unit)

    def api_create_data(self):
        return {
            "system": self.inside.system_id,
            "source": c.FindingSource.INCIDENT,
            "title": "勒索病毒告警处置中发现未打补丁主机",
            "severity": c.Severity.CRITICAL,
            "found_on": "2026-03-16",
        }

    def test_api_create_computes_the_deadline_and_patch_follows_the_severity(self):
        self.auth()
        response = self.api.post(self.api_url(), self.api_create_data(), format="json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["deadline"], "2026-03-23")  # 5 working days: Mon 16 → Mon 23 March
        finding = Finding.objects.get(pk=response.json()["id"])
        response = self.api.patch(self.api_url(finding), {"severity": "low"}, format="json", HTTP_IF_MATCH="*")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["deadline"], "2026-06-11")  # 60 working days; Sat 9 May is worked

    def test_api_workflow_fields_are_read_only(self):
        self.auth()
        response = self.api.patch(self.api_url(self.inside), {"status": "verified"}, format="json", HTTP_IF_MATCH="*")
        self.assertEqual(response.status_code, 200)
        self.inside.refresh_from_db()
        self.assertEqual(self.inside.status, c.FindingStatus.OPEN)

    def test_api_steps_name_the_version_they_were_made_from(self):
        self.auth()
        url = self.api_url(self.inside) + "rectify/"
        evidence = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

        def rectify(**headers):
            data = {"rectification": "已启用登录失败处理", "evidence": SimpleUploadedFile("截图.png", evidence)}
            return self.api.post(url, data, format="multipart", **headers)

        self.assertEqual(rectify().status_code, 428)
        self.assertEqual(rectify(HTTP_IF_MATCH="1").status_code, 400)
        self.assertEqual(rectify(HTTP_IF_MATCH=f'"{self.inside.version + 1}"').status_code, 412)
        response = rectify(HTTP_IF_MATCH=self.etag(self.inside))
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], c.FindingStatus.FIXED)
        self.assertEqual(response["ETag"], f'"{response.json()["version"]}"')


class DeadlineTests(TestCase):
    """The deadline follows the severity by the government's policy (working days by default, DOMAIN.md "Working
    days"); 2026: National Day 1–7 October, Saturday 10 October worked; 2027 is not loaded."""

    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.system = new_system(cls.tree.dept_a)

    def deadline(self, severity, found_on):
        finding = new_finding(system=self.system, severity=severity, found_on=found_on)
        return finding.deadline, finding.deadline_provisional

    def test_working_days_by_severity(self):
        monday = D(2026, 3, 16)
        self.assertEqual(self.deadline("critical", monday), (D(2026, 3, 23), False))
        self.assertEqual(self.deadline("high", monday), (D(2026, 4, 7), False))  # Qingming, Mon 6 April, is off
        self.assertEqual(self.deadline("medium", monday), (D(2026, 4, 28), False))

    def test_working_days_across_national_day_with_a_swapped_saturday(self):
        # 30 Sept + 5 working days: 8, 9, Sat 10 (worked), 12, 13 October.
        self.assertEqual(self.deadline("critical", D(2026, 9, 30)), (D(2026, 10, 13), False))

    def test_calendar_days_by_setting(self):
        SecurityPolicy.objects.create(
            unit=self.tree.county_a, finding_deadline_kind=DeadlineKind.CALENDAR, finding_days_critical=7
        )
        self.assertEqual(self.deadline("critical", D(2026, 9, 30)), (D(2026, 10, 7), False))

    def test_days_per_severity_are_the_governments_setting(self):
        SecurityPolicy.objects.create(unit=self.tree.county_a, finding_days_high=3)
        self.assertEqual(self.deadline("high", D(2026, 3, 16)), (D(2026, 3, 19), False))
        elsewhere = new_finding(self.tree.dept_b, severity="high", found_on=D(2026, 3, 16))
        self.assertEqual(elsewhere.deadline, D(2026, 4, 7))  # county B keeps the defaults

    def test_a_deadline_in_a_year_not_loaded_is_provisional(self):
        self.assertEqual(self.deadline("medium", D(2026, 12, 14))[1], True)

    def test_a_deadline_set_by_hand_is_kept(self):
        finding = new_finding(system=self.system, deadline=D(2026, 12, 31), found_on=D(2026, 12, 14))
        self.assertEqual((finding.deadline, finding.deadline_provisional), (D(2026, 12, 31), False))


class FormTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.liaison = testing.make_user("liaison_form", "liaison", cls.tree.dept_a, full_name="王芳")
        cls.system = new_system(cls.tree.dept_a)
        cls.assessment = Assessment.objects.create(
            system=cls.system,
            kind=c.AssessmentKind.ASSESSMENT,
            level=3,
            institution="浙江省信息安全等级测评中心",
            assessed_on=D(2026, 3, 10),
            conclusion=c.Conclusion.BASIC,
        )

    def setUp(self):
        self.client.force_login(self.liaison)
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def test_raise_a_finding_from_an_assessment_page(self):
        query = f"?system={self.system.pk}&source=assessment&assessment={self.assessment.pk}"
        response = self.client.get(reverse("security:finding_add") + query)
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertEqual(form.initial["system"], self.system.pk)
        self.assertEqual(form.initial["source"], "assessment")
        self.assertEqual(form.initial["assessment"], self.assessment.pk)
        self.assertEqual(form.initial["found_on"], D(2026, 3, 10))
        self.assertContains(response, 'id="policy-deadlines"')
        data = {
            "system": self.system.pk,
            "source": "assessment",
            "assessment": self.assessment.pk,
            "title": "未定期进行漏洞扫描",
            "severity": "medium",
            "found_on": "2026-03-10",
        }
        response = self.client.post(reverse("security:finding_add"), data)
        self.assertEqual(response.status_code, 302, response.context and response.context["form"].errors)
        finding = Finding.objects.get(title="未定期进行漏洞扫描")
        self.assertEqual((finding.assessment, finding.created_by), (self.assessment, self.liaison))
        self.assertEqual(finding.deadline, D(2026, 4, 22))  # 30 working days, Qingming off

    def test_an_assessment_of_another_system_is_refused(self):
        other = new_system(self.tree.dept_a)
        data = {
            "system": other.pk,
            "source": "assessment",
            "assessment": self.assessment.pk,
            "title": "未定期进行漏洞扫描",
            "severity": "medium",
            "found_on": "2026-03-10",
        }
        response = self.client.post(reverse("security:finding_add"), data)
        self.assertEqual(response.status_code, 400)
        self.assertIn("assessment", response.context["form"].errors)

    def test_edit_follows_the_policy_until_a_deadline_is_set_by_hand(self):
        finding = new_finding(system=self.system, severity="critical", found_on=D(2026, 3, 16))
        url = reverse("security:finding_edit", args=[finding.pk])
        response = self.client.get(url)
        self.assertIsNone(response.context["form"].initial["deadline"])  # shown empty: it follows the policy
        data = {
            "system": self.system.pk,
            "source": finding.source,
            "title": finding.title,
            "severity": "high",
            "found_on": "2026-03-16",
            "version": finding.version,
        }
        self.assertEqual(self.client.post(url, data).status_code, 302)
        finding.refresh_from_db()
        self.assertEqual(finding.deadline, D(2026, 4, 7))
        data.update(deadline="2026-05-29", version=finding.version)
        self.assertEqual(self.client.post(url, data).status_code, 302)
        finding.refresh_from_db()
        self.assertEqual(finding.deadline, D(2026, 5, 29))
        self.assertContains(self.client.get(finding.get_absolute_url()), "set by hand")

    def test_bulk_severity_moves_policy_deadlines_only(self):
        by_policy = new_finding(system=self.system, severity="low", found_on=D(2026, 3, 16))
        by_hand = new_finding(system=self.system, severity="low", found_on=D(2026, 3, 16), deadline=D(2026, 9, 30))
        data = {"pk": [by_policy.pk, by_hand.pk], "_apply": "1", "apply_severity": "on", "severity": "critical"}
        self.assertEqual(self.client.post(reverse("security:finding_bulk_edit"), data).status_code, 302)
        by_policy.refresh_from_db()
        by_hand.refresh_from_db()
        self.assertEqual((by_policy.severity, by_policy.deadline), ("critical", D(2026, 3, 23)))
        self.assertEqual((by_hand.severity, by_hand.deadline), ("critical", D(2026, 9, 30)))

    def test_import_rows_get_policy_deadlines_and_are_audited(self):
        rows = [
            {
                "system": self.system.code,
                "source": str(c.FindingSource.INSPECTION.label),
                "title": "机房未配置门禁",
                "severity": "低",
                "found_on": "2026-03-16",
            }
        ]
        upload = csv_bytes(finding_schema, rows)
        response = self.client.post(
            reverse("security:finding_import"), {"file": SimpleUploadedFile("问题清单.csv", upload)}
        )
        self.assertEqual(
            response.status_code, 200, response.context.get("result") and response.context["result"].errors
        )
        self.client.post(reverse("security:finding_import"), {"token": response.context["token"]})
        finding = Finding.objects.get(title="机房未配置门禁")
        self.assertEqual((finding.source, finding.severity, finding.deadline), ("inspection", "low", D(2026, 6, 11)))
        self.assertTrue(AuditRecord.objects.filter(object_id=str(finding.pk), event="import").exists())

    def test_import_refuses_a_system_outside_scope(self):
        outside = new_system(self.tree.dept_b)
        rows = [
            {
                "system": outside.code,
                "source": "inspection",
                "title": "越权导入",
                "severity": "high",
                "found_on": "2026-03-16",
            }
        ]
        response = self.client.post(
            reverse("security:finding_import"), {"file": SimpleUploadedFile("x.csv", csv_bytes(finding_schema, rows))}
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Finding.objects.filter(title="越权导入").exists())


class ListAndPanelTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.cio = testing.make_user("cio_list", "cio", cls.tree.county_a, full_name="李强")
        cls.system = new_system(cls.tree.dept_a)
        today = timezone.localdate()
        cls.late = new_finding(system=cls.system, severity="critical", deadline=today - dt.timedelta(days=2))
        cls.mine = new_finding(system=cls.system, severity="high", owner=cls.cio, deadline=today + dt.timedelta(days=9))
        cls.fixed = new_finding(system=cls.system, severity="high", deadline=today - dt.timedelta(days=9))
        Finding.objects.filter(pk=cls.fixed.pk).update(status=c.FindingStatus.FIXED)
        cls.closed = new_finding(system=cls.system, severity="low")
        Finding.objects.filter(pk=cls.closed.pk).update(status=c.FindingStatus.VERIFIED)
        new_finding(cls.tree.dept_b, severity="critical", deadline=today - dt.timedelta(days=2))

    def listed(self, query):
        self.client.force_login(self.cio)
        response = self.client.get(reverse("security:finding_list") + query)
        self.assertEqual(response.status_code, 200)
        return {obj.pk for obj, _cells in response.context["table"].rows()}

    def test_overdue_is_open_past_the_deadline(self):
        self.assertEqual(self.listed("?overdue=yes"), {self.late.pk})
        self.assertEqual(self.listed("?overdue=no"), {self.mine.pk, self.fixed.pk, self.closed.pk})

    def test_owner_me_status_severity_and_department(self):
        self.assertEqual(self.listed("?owner=me"), {self.mine.pk})
        self.assertEqual(self.listed("?status=fixed"), {self.fixed.pk})
        self.assertEqual(self.listed("?severity=critical"), {self.late.pk})
        self.assertEqual(len(self.listed(f"?department={self.tree.dept_a.pk}")), 4)
        self.assertEqual(len(self.listed(f"?within={self.tree.township_a.pk}")), 0)

    def test_the_list_shows_the_columns_that_matter_and_exports_them(self):
        self.client.force_login(self.cio)
        response = self.client.get(reverse("security:finding_list"))
        headers = [h["name"] for h in response.context["table"].headers()]
        self.assertEqual(headers, ["title", "system", "severity", "status", "deadline", "owner"])
        self.assertContains(response, "<title>Findings")  # capfirst: verbose_name_plural is lowercase
        body = b"".join(self.client.get(reverse("security:finding_list") + "?export=csv").streaming_content)
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        mine = next(row for row in rows if row[0] == self.mine.title)
        self.assertEqual(mine[-1], "李强", "the owner's name, not the key")

    def test_verify_and_reject_forms_have_distinct_ids(self):
        self.client.force_login(testing.make_user("verifier_list", "cio", self.tree.county_a))
        Finding.objects.filter(pk=self.fixed.pk).update(fixed_by=self.cio)
        body = self.client.get(self.fixed.get_absolute_url()).content.decode()
        self.assertIn('id="verify_note"', body)
        self.assertIn('id="reject_note"', body)
        ids = re.findall(r'\sid="([^"]+)"', body)
        self.assertEqual(len(ids), len(set(ids)), [i for i in ids if ids.count(i) > 1])

    def test_system_panel(self):
        panel = system_panel(self.cio, self.system)["findings_panel"]
        counts = {code: n for code, _label, _color, n in panel["by_severity"]}
        self.assertEqual(counts, {"critical": 1, "high": 2, "medium": 0, "low": 0})
        self.assertEqual((panel["open"], panel["awaiting"], panel["overdue"]), (3, 1, 1))
        self.assertIn(f"system={self.system.pk}", panel["list_url"])
        self.assertTrue(panel["add_url"] and panel["scan_url"])
        html = render_to_string("security/system_findings.html", {"findings_panel": panel})
        self.assertIn('id="panel-overdue"', html)

    def test_system_panel_without_permission_is_empty(self):
        nobody = testing.make_user("nobody_panel", None, self.tree.county_a)
        self.assertEqual(system_panel(nobody, self.system), {"findings_panel": None})
        leader = testing.make_user("leader_panel", "leader", self.tree.county_a)
        panel = system_panel(leader, self.system)["findings_panel"]
        self.assertEqual((panel["open"], panel["add_url"], panel["scan_url"]), (3, "", ""))


class FindingFormSideDoorTests(TestCase):
    """The form shows the deadline policy of the chosen system's government: never for a system outside scope."""

    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.cio = testing.make_user("side_cio", "cio", cls.tree.county_a)
        SecurityPolicy.objects.create(unit=cls.tree.county_b, finding_days_critical=77, finding_days_high=78)

    def test_an_out_of_scope_system_is_refused_and_its_policy_not_shown(self):
        other = new_system(self.tree.dept_b)
        self.client.force_login(self.cio)
        data = {"system": other.pk, "source": "inspection", "title": "跨站脚本", "severity": "high"}
        response = self.client.post(reverse("security:finding_add"), data | {"found_on": "2026-03-16"})
        self.assertIn(response.status_code, (200, 400))
        self.assertIn("system", response.context["form"].errors)
        self.assertNotContains(response, "77 ·", status_code=response.status_code)
        self.assertNotContains(response, "78 ·", status_code=response.status_code)
        self.assertNotContains(response, other.name, status_code=response.status_code)
        response = self.client.get(reverse("security:finding_add"), {"system": other.pk})
        self.assertNotContains(response, "77 ·", status_code=response.status_code)
