"""A liaison of one department looks at its system, which sends data to another department's system: the pages,
exports, graphs and API name that other system only as "another unit's information system", with no name, code,
unit or link (core.names). The same for a resource the other system holds, a clean-up decision merging into it, and
owners from another department."""

import csv
import datetime as dt
import io

import openpyxl
from django.test import TestCase, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from core import testing
from inventory.models import DataResource, Link, ServiceItem, System
from inventory.services import dataresource_save, link_save, serviceitem_save, zombie_review_create
from security.models import Finding, Risk
from security.services.findings import finding_save
from security.services.risks import risk_save
from security.tests.grading_factories import new_system

THEIRS = "甲县公安人口核查专网系统"
THEIRS_CODE = "GA-RKHC-77"
POLICE = "甲县公安局"
OFFICER = "欧阳警官"
PLACEHOLDER = "Another unit&#x27;s information system"  # as HTML escapes it
PLACEHOLDER_TEXT = "Another unit's information system"


@override_settings(LANGUAGE_CODE="en")
class OtherUnitsNamesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.police = testing.make_unit(POLICE, "990001-GA", "department", cls.tree.county_a)
        cls.cio = testing.make_user("shen_cio", "cio", cls.tree.county_a, full_name="沈立")
        cls.liaison = testing.make_user("su_liaison", "liaison", cls.tree.dept_a, subtree=False, full_name="苏晴")
        cls.officer = testing.make_user("ouyang", "liaison", cls.police, subtree=False, full_name=OFFICER)
        cls.mine = new_system(cls.tree.dept_a, name="甲县财政预算管理系统", code="CZ-YS-01")
        cls.theirs = new_system(cls.police, name=THEIRS, code=THEIRS_CODE)
        cls.resource = dataresource_save(
            actor=None,
            resource=DataResource(
                kind="departmental",
                class_code="3",
                item_code="01",
                category_code="001",
                code="301001/000001",
                name="财政预算指标数据",
                provider=cls.tree.dept_a,
                system=cls.theirs,  # the department's resource, held in the other department's system
            ),
        )
        cls.link = link_save(
            actor=None, link=Link(from_system=cls.mine, to_system=cls.theirs), resources=[cls.resource]
        )
        cls.item = serviceitem_save(
            actor=None,
            item=ServiceItem(name="预算资金拨付申请", code="FW-CZ-01", unit=cls.tree.dept_a),
            systems=[cls.mine, cls.theirs],
        )
        zombie_review_create(
            actor=cls.cio, system=cls.mine, decision="integrate", reason="功能并入", target_system=cls.theirs
        )
        cls.finding = finding_save(
            actor=None,
            finding=Finding(
                system=cls.mine,
                source="inspection",
                title="预算系统弱口令",
                severity="high",
                found_on=dt.date(2026, 11, 20),
                owner=cls.officer,
            ),
        )
        cls.risk = risk_save(
            actor=None,
            risk=Risk(unit=cls.tree.dept_a, title="预算数据外泄", likelihood=2, impact=4, owner=cls.officer),
            systems=[cls.mine, cls.theirs],
            data_resources=[cls.resource],
        )

    def setUp(self):
        self.client.force_login(self.liaison)

    def assert_unnamed(self, text: str, where: str):
        for secret in (THEIRS, THEIRS_CODE, POLICE, self.theirs.get_absolute_url(), OFFICER):
            self.assertFalse(secret in text, f"{where} names {secret}")

    def page(self, url: str, **params) -> str:
        response = self.client.get(url, params)
        self.assertEqual(response.status_code, 200, url)
        return response.content.decode()

    def csv_export(self, url: str) -> str:
        response = self.client.get(url, {"export": "csv"})
        self.assertEqual(response.status_code, 200, url)
        return b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")

    def xlsx_export(self, url: str) -> str:
        response = self.client.get(url, {"export": "xlsx"})
        self.assertEqual(response.status_code, 200, url)
        data = b"".join(response.streaming_content if response.streaming else [response.content])
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        return "\n".join("\t".join(str(v) for v in row if v is not None) for row in sheet.iter_rows(values_only=True))

    # The inventory's pages ------------------------------------------------------------------------------------------

    def test_system_page(self):
        body = self.page(self.mine.get_absolute_url())
        self.assert_unnamed(body, "the system page")
        self.assertIn(PLACEHOLDER, body)  # the outgoing link and the decision to merge into it

    def test_link_page_and_its_forms(self):
        for url in (self.link.get_absolute_url(), reverse("inventory:link_edit", args=[self.link.pk])):
            body = self.page(url)
            self.assert_unnamed(body, url)
        response = self.client.post(reverse("inventory:link_bulk_edit"), {"pk": [self.link.pk]})
        self.assertEqual(response.status_code, 200)
        self.assert_unnamed(response.content.decode(), "the bulk edit page")
        self.assertIn(f"甲县财政预算管理系统 → {PLACEHOLDER}", self.page(self.link.get_absolute_url()))

    def test_link_list_and_its_exports(self):
        url = reverse("inventory:link_list")
        body = self.page(url)
        self.assert_unnamed(body, "the link list")
        self.assertIn(PLACEHOLDER, body)
        for text in (self.csv_export(url), self.xlsx_export(url)):
            self.assert_unnamed(text, "the link export")
            self.assertIn(f"甲县财政预算管理系统 → {PLACEHOLDER_TEXT}", text)

    def test_resource_page_list_and_exports(self):
        self.assert_unnamed(self.page(self.resource.get_absolute_url()), "the resource page")
        url = reverse("inventory:dataresource_list")
        body = self.page(url)
        self.assert_unnamed(body, "the resource list")
        self.assertIn(PLACEHOLDER, body)
        for text in (self.csv_export(url), self.xlsx_export(url)):
            self.assert_unnamed(text, "the resource export")
            self.assertIn(PLACEHOLDER_TEXT, text)
        rows = list(csv.reader(io.StringIO(self.csv_export(url))))
        self.assertIn(PLACEHOLDER_TEXT, rows[1])

    def test_dcat_export(self):
        for fmt in ("jsonld", "datajson"):
            response = self.client.get(reverse("inventory:dcat_export"), {"format": fmt})
            self.assertEqual(response.status_code, 200)
            self.assert_unnamed(b"".join(response.streaming_content).decode(), f"the DCAT export ({fmt})")

    def test_service_item_pages_and_export(self):
        self.assert_unnamed(self.page(self.item.get_absolute_url()), "the service item page")
        url = reverse("inventory:serviceitem_list")
        self.assert_unnamed(self.page(url), "the service item list")
        self.assert_unnamed(self.csv_export(url), "the service item export")

    def test_blast_radius_page_json_and_export(self):
        url = reverse("inventory:system_impact", args=[self.mine.pk])
        self.assert_unnamed(self.page(url), "the blast radius page")
        self.assert_unnamed(self.page(url, format="json"), "the blast radius graph")
        self.assert_unnamed(self.csv_export(url), "the blast radius export")
        url = reverse("inventory:dataresource_impact", args=[self.resource.pk])
        self.assert_unnamed(self.page(url, format="json"), "the resource's blast radius graph")

    def test_api(self):
        api = APIClient()
        api.force_authenticate(self.liaison)
        for url in (
            reverse("api:link-detail", args=[self.link.pk]),
            reverse("api:link-list"),
            reverse("api:dataresource-detail", args=[self.resource.pk]),
            reverse("api:serviceitem-detail", args=[self.item.pk]),
            reverse("api:finding-detail", args=[self.finding.pk]),
            reverse("api:risk-detail", args=[self.risk.pk]),
        ):
            response = api.get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assert_unnamed(response.content.decode(), url)

    # The security module's pages ------------------------------------------------------------------------------------

    def test_if_compromised_page_json_and_export(self):
        url = reverse("security:compromise", args=[self.mine.pk])
        self.assert_unnamed(self.page(url), "the compromise page")
        self.assert_unnamed(self.page(url, format="json"), "the compromise graph")
        self.assert_unnamed(self.csv_export(url), "the compromise export")

    def test_finding_and_risk_owners(self):
        for url in (self.finding.get_absolute_url(), self.risk.get_absolute_url()):
            body = self.page(url)
            self.assert_unnamed(body, url)
            self.assertIn("Someone in another unit", body)
        for url in (reverse("security:finding_list"), reverse("security:risk_list")):
            self.assert_unnamed(self.page(url), url)
            self.assert_unnamed(self.csv_export(url), f"{url} export")

    # Where the reader may see the other system, it is named -----------------------------------------------------

    def test_the_cio_sees_every_name(self):
        self.client.force_login(self.cio)
        self.assertIn(THEIRS, self.page(self.link.get_absolute_url()))
        self.assertIn(THEIRS, self.page(self.resource.get_absolute_url()))
        self.assertIn(THEIRS, self.csv_export(reverse("inventory:link_list")))
        self.assertIn(THEIRS, self.csv_export(reverse("inventory:dataresource_list")))
        self.assertIn(OFFICER, self.page(self.finding.get_absolute_url()))
        self.assertNotIn(PLACEHOLDER, self.page(self.mine.get_absolute_url()))


class PlaceholderTests(TestCase):
    def test_one_phrase_per_type_in_both_languages(self):
        from django.utils import translation

        from accounts.models import User
        from core.models import Unit
        from core.names import placeholder

        with translation.override("en"):
            self.assertEqual(placeholder(System), "Another unit's information system")
            self.assertEqual(placeholder(DataResource), "Another unit's data resource")
            self.assertEqual(placeholder(Unit), "Another unit")
            self.assertEqual(placeholder(User), "Someone in another unit")
        with translation.override("zh-hans"):
            self.assertEqual(placeholder(System), "另一单位的信息系统")
            self.assertEqual(placeholder(Unit), "另一单位")
            self.assertEqual(placeholder(User), "另一单位的人员")
