"""Crypto assessments (密评, GB/T 39786-2021): the checklist per level, item statuses saved with the assessment and
shown, the level default, the next due date for important and other systems, and the kit's suites."""

import datetime as dt

from django.test import SimpleTestCase

from core import testing
from core.models import AuditRecord
from core.testing import csv_bytes
from security import crypto
from security.choices import Requirement as R
from security.models import CryptoAssessment, CryptoItemResult
from security.schemas.assessments import cryptoassessment_schema
from security.services.assessments import cryptoassessment_save, shall_met
from security.tests.test_assessments import new_system

ITEMS = "abcdefgh"


def new_crypto(unit=None, *, system=None, items=None, **fields) -> CryptoAssessment:
    system = system or new_system(unit, mlps_level=3)
    values = {
        "system": system,
        "kind": "periodic",
        "institution": "某某商用密码检测中心",
        "assessed_on": dt.date(2026, 3, 18),
        "score": "72.30",
        "conclusion": "basic",
    }
    values.update(fields)
    return cryptoassessment_save(actor=None, assessment=CryptoAssessment(**values), items=items)


def statuses(**given) -> dict:
    return {code: {"status": status, "note": ""} for code, status in given.items()}


class ChecklistTests(SimpleTestCase):
    """GB/T 39786-2021 application-and-data items a–h per level (DOMAIN.md §3)."""

    def requirements(self, level):
        return {code: req for code, _text, req, _alg in crypto.checklist(level)}

    def test_level_3_exactly(self):
        self.assertEqual(
            self.requirements(3),
            {"a": R.SHALL, "b": R.SHOULD, "c": R.SHOULD, "d": R.SHALL, "e": R.SHALL}
            | {"f": R.SHOULD, "g": R.SHOULD, "h": R.SHOULD},
        )

    def test_level_4_every_item_shall(self):
        self.assertEqual(set(self.requirements(4).values()), {R.SHALL})
        self.assertEqual(list(self.requirements(4)), list(ITEMS))

    def test_levels_1_and_2_as_encoded_without_labels_and_non_repudiation(self):
        one, two = self.requirements(1), self.requirements(2)
        for level in (one, two):
            self.assertEqual((level["c"], level["h"]), (R.NONE, R.NONE))
            self.assertNotIn(R.SHALL, level.values())
        self.assertEqual({one[c] for c in "abdefg"}, {R.MAY})
        self.assertEqual({two[c] for c in "adefg"}, {R.SHOULD})
        self.assertEqual(two["b"], R.MAY)

    def test_checklist_names_the_sm_algorithms(self):
        algorithms = " ".join(alg for *_rest, alg in crypto.checklist(3))
        for name in ("SM2", "SM3", "SM4"):
            self.assertIn(name, algorithms)
        self.assertEqual({c: a for c, _t, _r, a in crypto.checklist(3)}["d"], "SM4")

    def test_crypto_level_follows_mlps(self):
        self.assertEqual([crypto.crypto_level(n) for n in (None, 1, 2, 3, 4, 5)], [None, 1, 2, 3, 4, 4])

    def test_shall_met_counts_compliant_shall_items_only(self):
        rows = [
            CryptoItemResult(item="a", requirement=R.SHALL, status="compliant"),
            CryptoItemResult(item="d", requirement=R.SHALL, status="partial"),
            CryptoItemResult(item="e", requirement=R.SHALL, status="not_applicable"),
            CryptoItemResult(item="b", requirement=R.SHOULD, status="compliant"),
        ]
        self.assertEqual(shall_met(rows), (1, 2))
        self.assertEqual(shall_met(rows, level=4), (2, 3))  # at level 4, b is a shall item too


class CryptoAssessmentViewTests(testing.StandardViewTests):
    model = CryptoAssessment
    namespace = "security"
    edit_changes = {"conclusion": "fail"}

    def make_object(self, unit):
        return new_crypto(unit)

    def form_data(self):
        data = {
            "system": new_system(self.tree.dept_a, mlps_level=3).pk,
            "kind": "before_go_live",
            "level": "",
            "institution": "某某商用密码检测中心",
            "assessed_on": "2026-04-10",
            "score": "81.2",
            "conclusion": "basic",
        }
        data.update({f"status_{code}": "compliant" for code in ITEMS})
        data.update(status_e="noncompliant", note_e="数据库敏感字段未使用SM4加密存储")
        return data

    def import_csv(self):
        system = new_system(self.tree.dept_a, mlps_level=3)
        row = {
            "system": system.code,
            "kind": "Periodic",
            "assessed_on": "2026-03-01",
            "conclusion": "Basically conforms",
        }
        row.update(item_a="compliant", item_d="Compliant", item_e="noncompliant")
        return csv_bytes(cryptoassessment_schema, [row, {**row, "level": "4", "item_d": ""}])

    def test_item_statuses_saved_with_the_assessment_and_shown(self):
        self.login()
        data = self.form_data()
        self.assertEqual(self.client.post(self.url("add"), data).status_code, 302)
        obj = CryptoAssessment.objects.latest("pk")
        self.assertEqual(obj.level, 3)  # crypto_level(MLPS 3)
        rows = {r.item: r for r in obj.items.all()}
        self.assertEqual(sorted(rows), list(ITEMS))
        self.assertEqual((rows["e"].status, rows["e"].requirement), ("noncompliant", "shall"))
        self.assertEqual(rows["e"].note, "数据库敏感字段未使用SM4加密存储")
        self.assertEqual((rows["b"].status, rows["b"].requirement), ("compliant", "should"))
        self.assertTrue(AuditRecord.objects.filter(event="crypto_items_set", object_id=str(obj.pk)).exists())
        body = self.client.get(obj.get_absolute_url()).content.decode()
        self.assertIn('data-status="noncompliant"', body)
        self.assertIn("数据库敏感字段未使用SM4加密存储", body)
        self.assertIn('id="shall-met">2/3', body)  # a, d met; e not

    def test_editing_keeps_items_not_sent_and_changes_those_sent(self):
        self.login()
        obj = new_crypto(self.tree.dept_a, items=statuses(a="compliant", e="noncompliant"))
        data = {**self.edit_data(obj), "status_e": "compliant", "level": "4"}
        self.assertEqual(self.client.post(self.url("edit", obj.pk), data).status_code, 302)
        rows = {r.item: r for r in obj.items.all()}
        self.assertEqual(
            (rows["a"].status, rows["e"].status, rows["h"].status), ("compliant", "compliant", "not_assessed")
        )
        self.assertEqual({r.requirement for r in rows.values()}, {"shall"})  # now level 4

    def test_form_shows_the_checklist_for_the_level(self):
        self.login()
        system = new_system(self.tree.dept_a, mlps_level=4)
        response = self.client.get(self.url("add"), {"system": system.pk})
        self.assertEqual(response.context["form"].initial["level"], 4)
        body = response.content.decode()
        self.assertEqual(body.count('data-requirement="shall">应'), 8)
        level_two = new_system(self.tree.dept_a, mlps_level=2)
        body = self.client.get(self.url("add"), {"system": level_two.pk}).content.decode()
        self.assertEqual(body.count('data-requirement="shall"'), 0)
        self.assertEqual(body.count('data-requirement="none">—'), 2)  # c and h are not asked at level 2

    def test_level_is_asked_when_the_system_has_none(self):
        self.login()
        data = {**self.form_data(), "system": new_system(self.tree.dept_a).pk}
        response = self.client.post(self.url("add"), data)
        self.assertEqual(response.status_code, 400)
        self.assertIn("level", response.context["form"].errors)

    def test_import_with_item_statuses(self):
        self.test_import_validates_then_commits()
        first, second = CryptoAssessment.objects.order_by("-pk")[:2][::-1]
        self.assertEqual((first.level, second.level), (3, 4))
        self.assertEqual(first.next_due, dt.date(2027, 3, 1))
        items = {r.item: r.status for r in first.items.all()}
        self.assertEqual(
            (items["a"], items["d"], items["e"], items["h"]), ("compliant", "compliant", "noncompliant", "not_assessed")
        )
        self.assertEqual({r.requirement for r in second.items.all()}, {"shall"})

    def test_raise_a_finding_link(self):
        from django.urls import NoReverseMatch, reverse

        self.login()
        try:
            add = reverse("security:finding_add")
        except NoReverseMatch:
            self.skipTest("the findings pages are not wired yet")
        body = self.client.get(self.inside.get_absolute_url()).content.decode()
        self.assertIn(
            f"{add}?system={self.inside.system_id}&amp;source=crypto&amp;crypto_assessment={self.inside.pk}", body
        )


class NextDueTests(testing.KitTestCase):
    """Assess before going live, then at least yearly for important systems (level 3+, or core/important data);
    others every second cycle (security.deadlines)."""

    def test_important_system_yearly(self):
        obj = new_crypto(system=new_system(self.tree.dept_a, mlps_level=3), assessed_on=dt.date(2026, 3, 18))
        self.assertEqual(obj.next_due, dt.date(2027, 3, 18))

    def test_important_data_makes_a_level_2_system_yearly(self):
        system = new_system(self.tree.dept_a, mlps_level=2, data_class="important")
        self.assertEqual(new_crypto(system=system, assessed_on=dt.date(2026, 1, 31)).next_due, dt.date(2027, 1, 31))

    def test_other_system_every_second_year(self):
        system = new_system(self.tree.dept_a, mlps_level=2, data_class="general")
        obj = new_crypto(system=system, assessed_on=dt.date(2026, 3, 18))
        self.assertEqual((obj.level, obj.next_due), (2, dt.date(2028, 3, 18)))

    def test_next_due_moves_with_the_date(self):
        from core.services import snapshot

        obj = new_crypto(self.tree.dept_a)
        before = snapshot(obj)
        obj.assessed_on = dt.date(2026, 9, 1)
        cryptoassessment_save(actor=self.user, assessment=obj, before=before)
        obj.refresh_from_db()
        self.assertEqual(obj.next_due, dt.date(2027, 9, 1))


class CryptoAssessmentAPITests(testing.StandardAPITests):
    model = CryptoAssessment
    api_basename = "cryptoassessment"
    api_changes = {"conclusion": "fail"}

    def make_object(self, unit):
        return new_crypto(unit)

    def api_create_data(self):
        system = new_system(self.tree.dept_a, mlps_level=3)
        return {
            "system": system.pk,
            "assessed_on": "2026-03-18",
            "conclusion": "basic",
            "items": [{"item": "a", "status": "compliant"}, {"item": "e", "status": "noncompliant", "note": "未加密"}],
        }

    def test_api_items_written_and_read(self):
        self.auth()
        response = self.api.post(self.api_url(), self.api_create_data(), format="json")
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual((body["level"], body["next_due"]), (3, "2027-03-18"))
        items = {row["item"]: row for row in body["items"]}
        self.assertEqual(len(items), 8)
        self.assertEqual(
            (items["e"]["status"], items["e"]["requirement"], items["e"]["note"]), ("noncompliant", "shall", "未加密")
        )
        response = self.api.patch(
            self.api_url(CryptoAssessment.objects.get(pk=body["id"])),
            {"items": [{"item": "e", "status": "compliant"}]},
            format="json",
            HTTP_IF_MATCH=response["ETag"],  # as created
        )
        self.assertEqual(response.status_code, 200, response.content)
        items = {row["item"]: row["status"] for row in response.json()["items"]}
        self.assertEqual((items["a"], items["e"]), ("compliant", "compliant"))

    def test_api_item_rows_need_their_item_and_status_on_a_partial_change_too(self):
        self.auth()
        for method in ("patch", "put"):
            for row in ({"status": "compliant"}, {"item": "a"}, {}):
                with self.subTest(method=method, row=row):
                    data = {"items": [row]} if method == "patch" else {**self.api_create_data(), "items": [row]}
                    url = self.api_url(self.inside)
                    response = getattr(self.api, method)(url, data, format="json", HTTP_IF_MATCH="*")
                    self.assertEqual(response.status_code, 400, response.content)
                    self.assertIn("items", response.json())

    def test_api_refuses_unknown_item_and_status(self):
        self.auth()
        data = {**self.api_create_data(), "items": [{"item": "z", "status": "compliant"}]}
        self.assertEqual(self.api.post(self.api_url(), data, format="json").status_code, 400)
        data["items"] = [{"item": "a", "status": "great"}]
        self.assertEqual(self.api.post(self.api_url(), data, format="json").status_code, 400)
