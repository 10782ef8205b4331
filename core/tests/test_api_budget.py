"""Every API list has a query budget: its queries do not grow with its rows. The records' lists have it from the
kit (``StandardAPITests.test_api_list_query_budget_is_constant``); the role assignments and the audit records, which
have no kit suite, are measured here; and a test keeps every registered list in one of the two."""

import re
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from core import audit, testing
from core.choices import AuditAction

ROOT = Path(__file__).resolve().parents[2]
MEASURED_HERE = {"roleassignment", "auditrecord"}


def test_every_api_list_has_a_query_budget():
    from govcio.api_urls import router

    registered = {basename for _prefix, _viewset, basename in router.registry}
    kit = set()
    for path in ROOT.glob("*/tests/**/*.py"):
        kit |= set(re.findall(r'api_basename = "(\w+)"', path.read_text(encoding="utf-8")))
    assert registered - kit - MEASURED_HERE == set()


class ListBudgetTests(testing.KitTestCase):
    def counts(self, user, name: str, make) -> list[int]:
        api = APIClient()
        api.force_authenticate(user)
        api.get(reverse(f"api:{name}-list"))  # what a first request reads once (the user's grants)
        counts = []
        for n in (5, 50):
            make(n)
            with CaptureQueriesContext(connection) as queries:
                response = api.get(reverse(f"api:{name}-list"), {"limit": n})
            assert response.status_code == 200, response.content[:300]
            assert len(response.json()["results"]) == n
            counts.append(len(queries.captured_queries))
        return counts

    def test_role_assignments(self):
        from core.models import RoleAssignment

        admin = testing.make_user("budget_secadmin", "secadmin", self.tree.county_a)

        def make(n):
            while RoleAssignment.objects.restrict(admin, "view").count() < n:
                testing.make_user(f"budget_{RoleAssignment.objects.count()}", "expert", self.tree.dept_a)

        counts = self.counts(admin, "roleassignment", make)
        self.assertEqual(counts[0], counts[1], f"queries grow with rows: {counts}")

    def test_audit_records(self):
        auditor = testing.make_user("budget_auditor", "auditadmin", self.tree.county_a)

        def make(n):
            for _ in range(n):
                audit.record_object(action=AuditAction.EVENT, obj=self.tree.dept_a, actor=self.user, event="budget")

        counts = self.counts(auditor, "auditrecord", make)
        self.assertEqual(counts[0], counts[1], f"queries grow with rows: {counts}")
