"""Search follows records when their scope changes: a system moved to another unit takes its findings with it (the old
unit's liaison finds neither, the new unit's finds both, by search and by autocomplete), on every write path; a
deletion removes the entries of everything deleted with it; and an entry that is wrong anyway never shows."""

import datetime as dt

from django.forms.models import model_to_dict
from django.test import Client, TestCase
from django.urls import reverse
from rest_framework.test import APIClient

from core import testing
from core.models import SearchEntry
from core.search import autocomplete, search
from core.services import object_delete, object_update, snapshot
from core.services.units import unit_move
from inventory.models import System
from security.models import Finding
from security.services.findings import finding_save
from security.tests.grading_factories import new_system

SYSTEM_NAME = "甲县不动产登记核心系统"
FINDING_TITLE = "Weblogic 反序列化远程执行漏洞"


class MovedSystemTests(TestCase):
    """A CIO of county A moves a system of 甲县财政局 to 甲县公安局 (both in county A)."""

    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.police = testing.make_unit("甲县公安局", "990001-GA", "department", cls.tree.county_a)
        cls.cio = testing.make_user("qin_cio", "cio", cls.tree.county_a, full_name="秦峰")
        cls.old = testing.make_user("han_liaison", "liaison", cls.tree.dept_a, full_name="韩梅")
        cls.new = testing.make_user("yang_liaison", "liaison", cls.police, full_name="杨帆")

    def setUp(self):
        self.system = new_system(self.tree.dept_a, name=SYSTEM_NAME)
        self.finding = finding_save(
            actor=None,
            finding=Finding(
                system=self.system,
                source="scanner",
                title=FINDING_TITLE,
                reference="CVE-2020-14882",
                severity="critical",
                found_on=dt.date(2026, 11, 20),
            ),
        )

    def found(self, user) -> set[str]:
        """Titles the user finds by search, through the page and the function, and by the two autocompletes."""
        titles = {hit.title for group in search(user, "不动产登记核心") for hit in group.hits}
        titles |= {hit.title for group in search(user, "Weblogic 反序列化") for hit in group.hits}
        titles |= {title for _pk, title in autocomplete(user, System, "不动产登记核心")}
        titles |= {title for _pk, title in autocomplete(user, Finding, "反序列化")}
        client = Client()  # a session of its own: no message left by an earlier request
        client.force_login(user)
        for q in ("不动产登记核心", "Weblogic 反序列化"):
            body = client.get(reverse("core:search"), {"q": q}).content.decode()
            titles |= {t for t in (SYSTEM_NAME, FINDING_TITLE) if t in body}
        for model, q in (("system", "不动产登记核心"), ("finding", "反序列化")):
            app = "inventory" if model == "system" else "security"
            response = client.get(reverse("core:autocomplete", args=[app, model]), {"q": q})
            if response.status_code == 200:
                titles |= {row["text"] for row in response.json()["results"]}
        return titles

    def assert_moved(self):
        self.assertEqual(self.found(self.old), set())
        self.assertEqual(self.found(self.new), {SYSTEM_NAME, FINDING_TITLE})
        self.assertEqual(self.found(self.cio), {SYSTEM_NAME, FINDING_TITLE})
        entries = SearchEntry.objects.filter(object_type__in=["security.finding", "inventory.system"])
        paths = set(entries.filter(object_id__in=[self.finding.pk, self.system.pk]).values_list("unit_path", flat=True))
        self.assertEqual(paths, {self.police.path})

    def test_before_the_move_the_old_unit_finds_both(self):
        self.assertEqual(self.found(self.old), {SYSTEM_NAME, FINDING_TITLE})
        self.assertEqual(self.found(self.new), set())

    def test_moved_through_the_service(self):
        before = snapshot(self.system)
        self.system.owner_unit = self.police
        object_update(obj=self.system, actor=self.cio, before=before)
        self.assert_moved()

    def test_moved_on_the_edit_page(self):
        self.client.force_login(self.cio)
        data = {k: v for k, v in model_to_dict(self.system).items() if v is not None}
        data.update(owner_unit=self.police.pk, version=self.system.version)
        response = self.client.post(reverse("inventory:system_edit", args=[self.system.pk]), data)
        self.assertEqual(response.status_code, 302)
        self.assert_moved()

    def test_moved_through_the_api(self):
        api = APIClient()
        api.force_authenticate(self.cio)
        url = reverse("api:system-detail", args=[self.system.pk])
        version = f'"{self.system.version}"'
        response = api.patch(url, {"owner_unit": self.police.pk}, format="json", HTTP_IF_MATCH=version)
        self.assertEqual(response.status_code, 200, response.content)
        self.assert_moved()

    def test_a_renamed_system_is_found_by_its_findings_new_name(self):
        before = snapshot(self.system)
        self.system.name = "甲县房地一体确权系统"
        object_update(obj=self.system, actor=self.cio, before=before)
        titles = {hit.title for group in search(self.old, "房地一体确权") for hit in group.hits}
        # Findings are indexed with their system's name.
        self.assertEqual(titles, {"甲县房地一体确权系统", FINDING_TITLE})
        self.assertEqual(search(self.old, "不动产登记核心"), [])

    def test_a_renamed_unit_is_found_by_its_systems_new_name(self):
        from core.services.units import unit_update

        unit = self.tree.dept_a
        before = snapshot(unit)
        unit.name = "甲县财政和税务局"
        unit_update(actor=self.cio, unit=unit, before=before)
        titles = {hit.title for group in search(self.old, "财政和税务局") for hit in group.hits}
        self.assertEqual(titles, {"甲县财政和税务局", SYSTEM_NAME})  # a system is indexed with its unit's name

    def test_a_moved_unit_takes_its_records_along(self):
        admin = testing.make_user("gao_admin", "sysadmin", self.tree.county_a)
        testing.grant(admin, "sysadmin", self.tree.county_b)
        unit_move(actor=admin, unit=self.tree.dept_a, new_parent=self.tree.county_b)
        self.assertEqual(self.found(self.cio), set())
        other_cio = testing.make_user("zhu_cio", "cio", self.tree.county_b)
        self.assertEqual(self.found(other_cio), {SYSTEM_NAME, FINDING_TITLE})


class DeletedSystemTests(TestCase):
    """Deleting a system deletes its findings by cascade, and their entries with them."""

    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.cio = testing.make_user("lu_cio", "cio", cls.tree.county_a)

    def make(self, n: int) -> System:
        system = new_system(self.tree.dept_a, name=f"{SYSTEM_NAME}{n}")
        for k in range(3):
            finding_save(
                actor=None,
                finding=Finding(
                    system=system,
                    source="inspection",
                    title=f"{FINDING_TITLE}{n}-{k}",
                    severity="high",
                    found_on=dt.date(2026, 11, 20),
                ),
            )
        return system

    def entries(self, systems) -> int:
        findings = Finding.objects.filter(system__in=systems).values_list("pk", flat=True)
        return SearchEntry.objects.filter(object_type="security.finding", object_id__in=list(findings)).count()

    def assert_no_entries(self, pks: list[int], finding_pks: list[int]):
        self.assertFalse(SearchEntry.objects.filter(object_type="inventory.system", object_id__in=pks).exists())
        self.assertFalse(SearchEntry.objects.filter(object_type="security.finding", object_id__in=finding_pks).exists())
        self.assertEqual(search(self.cio, "Weblogic 反序列化"), [])

    def test_delete_through_the_service(self):
        system = self.make(1)
        self.assertEqual(self.entries([system]), 3)
        findings = list(system.findings.values_list("pk", flat=True))
        object_delete(obj=system, actor=self.cio)
        self.assert_no_entries([system.pk], findings)

    def test_bulk_delete_on_the_list_page(self):
        systems = [self.make(1), self.make(2)]
        findings = list(Finding.objects.filter(system__in=systems).values_list("pk", flat=True))
        self.client.force_login(self.cio)
        response = self.client.post(reverse("inventory:system_bulk_delete"), {"pk": [s.pk for s in systems]})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(System.objects.filter(pk__in=[s.pk for s in systems]).exists())
        self.assert_no_entries([s.pk for s in systems], findings)

    def test_delete_through_the_api(self):
        system = self.make(1)
        findings = list(system.findings.values_list("pk", flat=True))
        api = APIClient()
        api.force_authenticate(self.cio)
        response = api.delete(reverse("api:system-detail", args=[system.pk]), HTTP_IF_MATCH=f'"{system.version}"')
        self.assertEqual(response.status_code, 204, response.content)
        self.assert_no_entries([system.pk], findings)


class StaleEntryTests(TestCase):
    """An entry whose unit path is wrong (written by hand here) is checked against its real object at query time."""

    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.liaison = testing.make_user("wei_liaison", "liaison", cls.tree.dept_a)
        cls.mine = new_system(cls.tree.dept_a, name="甲县财政预算一体化系统")
        cls.theirs = new_system(cls.tree.dept_b, name="乙县财政预算一体化系统")
        # The other county's system, filed under the liaison's department: as a missed re-index would leave it.
        SearchEntry.objects.filter(object_type="inventory.system", object_id=cls.theirs.pk).update(
            unit_path=cls.tree.dept_a.path
        )

    def test_never_shown_by_search_or_autocomplete(self):
        groups = search(self.liaison, "财政预算一体化")
        self.assertEqual([hit.title for group in groups for hit in group.hits], ["甲县财政预算一体化系统"])
        self.assertEqual(autocomplete(self.liaison, System, "财政预算"), [(self.mine.pk, "甲县财政预算一体化系统")])

    def test_never_counted(self):
        (group,) = search(self.liaison, "财政预算一体化")
        self.assertEqual(group.total, 1)
        self.client.force_login(self.liaison)
        body = self.client.get(reverse("core:search"), {"q": "财政预算一体化"}).content.decode()
        self.assertNotIn("乙县财政预算一体化系统", body)
        self.assertNotIn(self.theirs.get_absolute_url(), body)
        self.assertIn('<span class="badge bg-secondary-lt ms-2">1</span>', body)
