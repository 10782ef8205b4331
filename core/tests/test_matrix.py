"""The authorization matrix: every page and API endpoint × every role × an object inside and outside scope.

Expected answers come from the role data alone: without the permission the action needs, 404 (pages) or 403/404
(API); with it, inside scope 200, outside scope 404.
"""

from django.test import TestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from accounts.models import User
from core import gate
from core.models import AuditRecord, Role, RoleAssignment, Unit
from core.testing import build_tree, make_unit, make_user

ROLES = ["cio", "liaison", "leader", "expert", "staff", "sysadmin", "secadmin", "auditadmin"]
SUFFIX_ACTION = {
    "list": "view",
    "": "view",
    "add": "add",
    "edit": "change",
    "move": "change",
    "delete": "delete",
    "import": "import",
}
# Pages that are not about one model (or have their own tests).
SKIP = {
    "core:home",
    "core:search",
    "core:autocomplete",
    "core:unit_tree",
    "core:unit_tree_children",
    "core:audit_verify",
    "core:unit_bulk_delete",
    "core:roleassignment_delete",
    # global reference data (no unit scope): tested in test_calendar_pages
    "core:calendarday_list",
    "core:calendarday_add",
    "core:calendarday_import",
    "core:calendaryear_load",
    "core:calendarday_edit",
    "core:calendarday_delete",
}


def page_patterns():
    """(name, model, action, needs_pk) for every named page of core and accounts."""
    found = []
    for namespace in ("core", "accounts"):
        resolver = get_resolver()
        for pattern in _walk(resolver, namespace):
            name = f"{namespace}:{pattern.name}"
            view = getattr(pattern.callback, "view_class", None)
            model = getattr(view, "model", None) or getattr(getattr(view, "queryset", None), "model", None)
            if name in SKIP or model is None:
                continue
            suffix = pattern.name.removeprefix(model._meta.model_name).removeprefix("audit").lstrip("_")
            if suffix not in SUFFIX_ACTION:
                continue
            found.append((name, model, SUFFIX_ACTION[suffix], "<int:pk>" in str(pattern.pattern)))
    return found


def _walk(resolver, namespace):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == namespace:
            yield from (p for p in entry.url_patterns if isinstance(p, URLPattern) and p.name)


class AuthorizationMatrix(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = build_tree()
        cls.users = {role: make_user(f"m_{role}", role, cls.tree.county_a) for role in ROLES}
        cls.inside = {
            Unit: make_unit("矩阵中心", "990001-MX", "subunit", cls.tree.dept_a),
            User: make_user("m_inside", None, cls.tree.dept_a),
            RoleAssignment: RoleAssignment.objects.create(
                user=make_user("m_in2", None, cls.tree.dept_a),
                role=Role.objects.get(code="staff"),
                unit=cls.tree.dept_a,
            ),
        }
        cls.outside = {
            Unit: make_unit("矩阵外中心", "990002-MX", "subunit", cls.tree.dept_b),
            User: make_user("m_outside", None, cls.tree.dept_b),
            RoleAssignment: RoleAssignment.objects.create(
                user=make_user("m_out2", None, cls.tree.dept_b),
                role=Role.objects.get(code="staff"),
                unit=cls.tree.dept_b,
            ),
        }

    def test_pages(self):
        patterns = page_patterns()
        self.assertGreater(len(patterns), 10)
        failures = []
        for role, user in self.users.items():
            self.client.force_login(user)
            for name, model, action, needs_pk in patterns:
                allowed = gate.has_perm(user, model, action)
                cases = [("inside", self.inside), ("outside", self.outside)] if needs_pk else [("-", None)]
                for where, objects in cases:
                    url = reverse(name, args=[objects[model].pk]) if objects else reverse(name)
                    status = self.client.get(url).status_code
                    expected = 200 if allowed and where != "outside" else 404
                    if status != expected:
                        failures.append(f"{role} GET {url} ({where}): {status}, expected {expected}")
        self.assertEqual(failures, [])

    def test_api(self):
        api = APIClient()
        endpoints = [("unit", Unit), ("user", User), ("roleassignment", RoleAssignment)]
        failures = []
        for role, user in self.users.items():
            api.force_authenticate(user)
            for basename, model in endpoints:
                allowed = gate.has_perm(user, model, "view")
                status = api.get(reverse(f"api:{basename}-list")).status_code
                if status != (200 if allowed else 403):
                    failures.append(f"{role} list {basename}: {status}")
                for where, objects in (("inside", self.inside), ("outside", self.outside)):
                    status = api.get(reverse(f"api:{basename}-detail", args=[objects[model].pk])).status_code
                    expected = 200 if allowed and where == "inside" else (404 if allowed else 403)
                    if status != expected:
                        failures.append(f"{role} detail {basename} {where}: {status}, expected {expected}")
            status = api.get(reverse("api:auditrecord-list")).status_code
            if status != (200 if gate.has_perm(user, AuditRecord, "view") else 403):
                failures.append(f"{role} audit list: {status}")
        self.assertEqual(failures, [])

    def test_search_and_autocomplete_obey_scope(self):
        for role, user in self.users.items():
            self.client.force_login(user)
            body = self.client.get(reverse("core:search"), {"q": "矩阵"}).content.decode()
            self.assertNotIn("矩阵外中心", body, role)
            response = self.client.get(reverse("core:autocomplete", args=["core", "unit"]), {"q": "矩阵"})
            if gate.has_perm(user, Unit, "view"):
                texts = [r["text"] for r in response.json()["results"]]
                self.assertIn("矩阵中心", texts, role)
                self.assertNotIn("矩阵外中心", texts, role)
            else:
                self.assertEqual(response.status_code, 404)

    def test_denials_are_audited(self):
        self.client.force_login(self.users["cio"])
        self.client.get(self.outside[Unit].get_absolute_url())
        self.assertTrue(
            AuditRecord.objects.filter(
                action="denied", actor_name="m_cio", object_id=str(self.outside[Unit].pk)
            ).exists()
        )
