"""The scope rule (a graded system's business, data or service scope changed: its grading is marked for review) runs
on every write path — page, bulk edit, API, import (the page's and the DCAT catalog's), bulk delete — because the
services call it, not a signal that bulk paths never fire."""

import io
import json
import re

from django.test import TestCase
from django.urls import resolve, reverse
from rest_framework.test import APIClient

from core import testing
from core.models import AuditRecord
from inventory.models import DataResource
from inventory.tests.factories import new_item, new_resource
from security.models import Grading
from security.tests.grading_factories import filed_grading


class ScopeRuleOnEveryPathTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.cio = testing.make_user("path_cio", "cio", cls.tree.county_a)

    def setUp(self):
        self.grading = filed_grading(self.tree.dept_a, level=3)
        self.system = self.grading.system
        self.client.force_login(self.cio)

    def assert_marked(self, fragment=""):
        grading = Grading.objects.get(pk=self.grading.pk)
        self.assertTrue(grading.needs_review, "the grading was not marked for review")
        self.assertIn(fragment, grading.review_reason)
        record = (
            AuditRecord.objects.filter(event="grading.review_needed", object_id=str(grading.pk)).order_by("seq").last()
        )
        self.assertIsNotNone(record, "marking for review is audited")
        self.assertEqual(record.actor_id, self.cio.pk)

    def import_page(self, name: str, rows: list[dict]):
        url = reverse(f"inventory:{name}_import")
        upload = io.BytesIO(testing.csv_bytes(resolve(url).func.view_class.schema, rows))
        upload.name = "import.csv"
        response = self.client.post(reverse(f"inventory:{name}_import"), {"file": upload})
        self.assertEqual(response.status_code, 200)
        self.assertIn("token", response.context, response.context.get("result") and response.context["result"].errors)
        response = self.client.post(reverse(f"inventory:{name}_import"), {"token": response.context["token"]})
        self.assertEqual(response.status_code, 302)

    def test_resources_imported_onto_a_graded_system(self):
        row = {
            "kind": "departmental",
            "code": "302001/000001",
            "name": "行政事业单位国有资产信息",
            "provider": self.tree.dept_a.code,
            "sharing_type": "unconditional",
            "system": self.system.code,
        }
        other = filed_grading(self.tree.dept_a, level=2)
        second = row | {"code": "302001/000002", "name": "政府采购合同信息", "system": other.system.code}
        self.import_page("dataresource", [row, second])
        self.assert_marked("行政事业单位国有资产信息")
        other.refresh_from_db()
        self.assertTrue(other.needs_review, "every row of the import runs the rule")
        self.assertIn("政府采购合同信息", other.review_reason)

    def test_service_items_imported_for_a_graded_system(self):
        unit = self.tree.dept_a.code
        self.import_page(
            "serviceitem", [{"name": "社会保障卡申领", "code": "FW-1", "unit": unit, "systems": self.system.code}]
        )
        self.assert_marked()

    def test_catalog_imported_onto_a_graded_system(self):
        dataset = {"title": "道路运输经营许可信息", "identifier": "301003/000001", "accessLevel": "public"}
        document = {"conformsTo": "https://project-open-data.cio.gov/v1.1/schema", "dataset": [dataset]}
        dataset["govcio:holdingSystem"] = {"code": self.system.code}
        handle = io.BytesIO(json.dumps(document, ensure_ascii=False).encode("utf-8"))
        handle.name = "catalog.json"
        response = self.client.post(reverse("inventory:dcat_import"), {"file": handle, "unit": self.tree.dept_a.pk})
        self.assertEqual(response.status_code, 200)
        response = self.client.post(reverse("inventory:dcat_import"), {"token": response.context["token"]})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(DataResource.objects.filter(system=self.system).exists())
        self.assert_marked()

    def test_api_change_of_purpose(self):
        api = APIClient()
        api.force_authenticate(self.cio)
        url = reverse("api:system-detail", args=[self.system.pk])
        etag = api.get(url)["ETag"]
        response = api.patch(url, {"purpose": "新增面向公众的网上办理"}, format="json", HTTP_IF_MATCH=etag)
        self.assertEqual(response.status_code, 200, response.content)
        self.assert_marked("purpose")

    def test_bulk_edit_of_network(self):
        data = {"pk": [self.system.pk], "_apply": "1", "apply_network": "on", "network": "internet"}
        response = self.client.post(reverse("inventory:system_bulk_edit"), data)
        self.assertEqual(response.status_code, 302)
        self.assert_marked()

    def test_bulk_delete_of_resources_and_service_items(self):
        held = new_resource(self.tree.dept_a, system=self.system)
        item = new_item(self.tree.dept_a, systems=[self.system])
        Grading.objects.update(needs_review=False, review_reason="")
        response = self.client.post(reverse("inventory:dataresource_bulk_delete"), {"pk": [held.pk]})
        self.assertEqual(response.status_code, 302)
        self.assert_marked(held.name)
        Grading.objects.update(needs_review=False, review_reason="")
        response = self.client.post(reverse("inventory:serviceitem_bulk_delete"), {"pk": [item.pk]})
        self.assertEqual(response.status_code, 302)
        self.assert_marked(item.name)


MODEL_SIGNALS = re.compile(
    r"@receiver\(|signals import [^\n]*\b(pre_save|post_save|pre_delete|post_delete|m2m_changed)\b|object_updated"
)


class NoSignalsForRulesTests(TestCase):
    def test_no_domain_app_connects_a_model_signal(self):
        """Rules are called by the services (STYLE.md rule 15): no receiver of a model's save, delete or relation
        signals in the apps, and no change signal of the services either."""
        from pathlib import Path

        import core.services

        root = Path(__file__).resolve().parents[2]
        offenders = []
        for app in ("core", "accounts", "inventory", "security"):
            for path in (root / app).rglob("*.py"):
                if "tests" in path.parts or "migrations" in path.parts:
                    continue
                text = path.read_text(encoding="utf-8")
                if MODEL_SIGNALS.search(text):
                    offenders.append(str(path.relative_to(root)))
        self.assertEqual(offenders, [])
        self.assertFalse(hasattr(core.services, "object_updated"))
