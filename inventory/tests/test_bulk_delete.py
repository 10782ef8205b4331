"""Deleting many systems (the list page's bulk action and the API's bulk delete) is set-based: the statements do not
grow with the rows, the cascade (links and their carried resources) and the search entries go, a held resource
stays without its system, every deleted row has its audit record, and nothing is deleted when one id is outside
scope."""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from core import testing
from core.models import AuditRecord, SearchEntry
from inventory.models import DataResource, Link, System
from inventory.tests.factories import new_link, new_resource, new_system


class BulkDeleteTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.cio = testing.make_user("bulk_cio", "cio", cls.tree.county_a)

    def setUp(self):
        self.client.force_login(self.cio)

    def delete_page(self, systems) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.post(reverse("inventory:system_bulk_delete"), {"pk": [s.pk for s in systems]})
        self.assertEqual(response.status_code, 302)
        return len(queries.captured_queries)

    def test_the_statements_do_not_grow_with_the_rows(self):
        counts = []
        for size in (3, 30):
            made = [new_system(self.tree.dept_a) for _ in range(size)]
            counts.append(self.delete_page(made))
            self.assertFalse(System.objects.filter(pk__in=[s.pk for s in made]).exists())
        self.assertEqual(counts[0], counts[1], f"queries grow with the rows deleted: {counts}")

    def test_cascade_search_and_audit(self):
        link = new_link(self.tree.dept_a)
        ends = [link.from_system, link.to_system]
        held = new_resource(self.tree.dept_a, system=ends[0])
        seq = AuditRecord.objects.order_by("-seq").values_list("seq", flat=True).first()
        self.assertTrue(SearchEntry.objects.filter(object_type="inventory.system", object_id=ends[0].pk).exists())
        self.delete_page(ends)
        self.assertFalse(Link.objects.filter(pk=link.pk).exists())
        self.assertIsNone(DataResource.objects.get(pk=held.pk).system_id)
        self.assertFalse(SearchEntry.objects.filter(object_type="inventory.system", object_id=ends[0].pk).exists())
        records = AuditRecord.objects.filter(seq__gt=seq)
        deleted = records.filter(action="delete", object_type="inventory.system")
        self.assertEqual(sorted(int(pk) for pk in deleted.values_list("object_id", flat=True)), [s.pk for s in ends])
        self.assertTrue(all(r.actor_id == self.cio.pk and r.unit_path == self.tree.dept_a.path for r in deleted))
        self.assertEqual(deleted.get(object_id=str(ends[0].pk)).changes["name"], ends[0].name)
        summary = records.get(event="bulk_delete", action="event")
        self.assertEqual(summary.changes["rows"], 2)
        self.assertEqual(summary.changes["deleted"]["inventory.Link"], 1)

    def test_one_id_out_of_scope_deletes_nothing(self):
        inside, outside = new_system(self.tree.dept_a), new_system(self.tree.dept_b)
        response = self.client.post(reverse("inventory:system_bulk_delete"), {"pk": [inside.pk, outside.pk]})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(System.objects.filter(pk__in=[inside.pk, outside.pk]).count(), 2)


class APIBulkDeleteTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.cio = testing.make_user("bulk_api_cio", "cio", cls.tree.county_a)
        cls.expert = testing.make_user("bulk_api_expert", "expert", cls.tree.county_a)

    def setUp(self):
        self.api = APIClient()
        self.api.force_authenticate(self.cio)
        self.url = reverse("api:system-bulk-delete")

    def test_deletes_all_with_if_match_star(self):
        made = [new_system(self.tree.dept_a) for _ in range(3)]
        ids = [s.pk for s in made]
        self.assertEqual(self.api.post(self.url, {"ids": ids}, format="json").status_code, 428)
        self.assertEqual(self.api.post(self.url, {"ids": ids}, format="json", HTTP_IF_MATCH='"1"').status_code, 412)
        response = self.api.post(self.url, {"ids": ids}, format="json", HTTP_IF_MATCH="*")
        self.assertEqual(response.status_code, 204, response.content)
        self.assertFalse(System.objects.filter(pk__in=ids).exists())
        self.assertEqual(AuditRecord.objects.filter(action="delete", object_id__in=[str(pk) for pk in ids]).count(), 3)

    def test_out_of_scope_or_missing_is_404_and_deletes_nothing(self):
        inside, outside = new_system(self.tree.dept_a), new_system(self.tree.dept_b)
        for ids in ([inside.pk, outside.pk], [inside.pk, 999_999]):
            response = self.api.post(self.url, {"ids": ids}, format="json", HTTP_IF_MATCH="*")
            self.assertEqual(response.status_code, 404)
        self.assertEqual(System.objects.filter(pk__in=[inside.pk, outside.pk]).count(), 2)

    def test_bad_ids_and_no_permission(self):
        for body in ({}, {"ids": []}, {"ids": ["x"]}, {"ids": [True]}, {"ids": 1}, []):
            response = self.api.post(self.url, body, format="json", HTTP_IF_MATCH="*")
            self.assertEqual(response.status_code, 400, body)
        self.api.force_authenticate(self.expert)
        inside = new_system(self.tree.dept_a)
        response = self.api.post(self.url, {"ids": [inside.pk]}, format="json", HTTP_IF_MATCH="*")
        self.assertEqual(response.status_code, 403)
        self.assertTrue(System.objects.filter(pk=inside.pk).exists())
