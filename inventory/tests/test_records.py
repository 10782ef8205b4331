"""The inventory's records through the kit (pages and API, in and out of scope), plus what the kit cannot know:
relations saved with their record, imports with code lists, and a department liaison's reach."""

import io
from unittest import mock

from django.forms.models import model_to_dict
from django.test import TestCase
from django.urls import reverse

from core import testing
from core.models import AuditRecord
from core.testing import csv_bytes
from inventory import choices as c
from inventory.models import DataResource, Link, ServiceItem, System, ZombieReview
from inventory.schemas import dataresource_schema, link_schema, serviceitem_schema, system_schema
from inventory.services import link_save
from inventory.tests import factories
from inventory.tests.factories import new_item, new_link, new_resource, new_system


def pks(values) -> list:
    return [getattr(v, "pk", v) for v in values]


# Information systems ----------------------------------------------------------------------------------------------


class SystemViewTests(testing.StandardViewTests):
    model = System
    edit_changes = {"status": "suspended"}
    bulk_changes = {"status": "retired"}

    def make_object(self, unit):
        return new_system(unit)

    def form_data(self):
        return {
            "name": "甲县财政局国有资产管理系统",
            "code": f"XT-NEW-{next(factories.numbers)}",
            "owner_unit": self.tree.dept_a.pk,
            "user_scope": "internal",
            "status": "building",
            "tech_database": "达梦 DM8",
            "tech_database_domestic": "on",
            "annual_om_cost": "12.5",
        }

    def import_csv(self):
        return csv_bytes(
            system_schema,
            [
                {
                    "name": "甲县财政局非税收入管理系统",
                    "code": "XT-IMP-01",
                    "owner_unit": "990001-CZ",
                    "status": "running",
                    "hosting": "gov_cloud",
                    "tech_database": "达梦 DM8",
                    "tech_database_domestic": "是",
                    "tech_os_domestic": "否",
                    "annual_om_cost": "8.5",
                    "go_live_date": "2019-12-01",
                },
                {"name": "甲县城关镇网格化管理平台", "code": "XT-IMP-02", "owner_unit": "990001001"},
            ],
        )

    def test_imported_booleans_and_defaults(self):
        self.test_import_validates_then_commits()
        first, second = System.objects.get(code="XT-IMP-01"), System.objects.get(code="XT-IMP-02")
        self.assertTrue(first.tech_database_domestic)
        self.assertFalse(first.tech_os_domestic)
        self.assertEqual(second.status, c.SystemStatus.RUNNING)
        self.assertEqual(second.user_scope, c.UserScope.INTERNAL)

    def test_import_reports_a_unit_outside_import_scope_on_its_row(self):
        liaison = testing.make_user("liaison_import", "liaison", self.tree.dept_a, subtree=False)
        testing.grant(liaison, "leader", self.tree.county_a)  # sees the whole county, imports only its department
        self.login(liaison)
        rows = [
            {"name": "甲县财政局资产云平台", "code": "XT-IMP-11", "owner_unit": "990001-CZ"},
            {"name": "甲县国库支付电子化系统", "code": "XT-IMP-12", "owner_unit": "990001-CZ-01"},
        ]
        upload = io.BytesIO(csv_bytes(system_schema, rows))
        upload.name = "systems.csv"
        response = self.client.post(self.url("import"), {"file": upload})
        self.assertEqual(response.status_code, 400)
        self.assertEqual([e.row for e in response.context["result"].errors], [3])

    def test_detail_shows_relations_within_scope(self):
        self.login()
        item = new_item(self.tree.dept_a, systems=[self.inside])
        resource = new_resource(self.tree.dept_a, system=self.inside)
        out = link_save(actor=None, link=Link(from_system=self.inside, to_system=self.outside), resources=[])
        back = link_save(actor=None, link=Link(from_system=self.outside, to_system=self.inside), resources=[])
        ZombieReview.objects.create(
            system=self.inside, decision="keep", reason="仍支撑医保结算业务", decided_by=self.user
        )
        body = self.client.get(self.detail_url(self.inside)).content.decode()
        self.assertIn(item.get_absolute_url(), body)
        self.assertIn(resource.get_absolute_url(), body)
        self.assertIn(out.get_absolute_url(), body)
        self.assertIn("另一单位的信息系统", body)  # the link's other end, in another county: neither named …
        self.assertNotIn(str(self.outside), body)
        self.assertNotIn(self.outside.get_absolute_url(), body)  # … nor linked
        self.assertNotIn(back.get_absolute_url(), body)  # an incoming link owned by county B is not visible
        self.assertIn("仍支撑医保结算业务", body)
        self.assertIn('id="technology"', body)

    def test_filters(self):
        self.login()
        plain = {f"tech_{part}": "" for part in System.TECH_PARTS}
        domestic = new_system(
            self.tree.dept_a, **{**plain, "tech_database": "达梦 DM8", "tech_database_domestic": True}
        )
        foreign = new_system(self.tree.sub_a, **{**plain, "tech_database": "Oracle 19c"}, tech_database_domestic=False)
        url = self.url("list")
        body = self.client.get(url, {"domestic": "no"}).content.decode()
        self.assertIn(foreign.get_absolute_url(), body)
        self.assertNotIn(domestic.get_absolute_url(), body)
        body = self.client.get(url, {"domestic": "yes"}).content.decode()
        self.assertIn(domestic.get_absolute_url(), body)
        self.assertNotIn(foreign.get_absolute_url(), body)
        body = self.client.get(url, {"within": self.tree.sub_a.pk}).content.decode()
        self.assertIn(foreign.get_absolute_url(), body)
        self.assertNotIn(self.inside.get_absolute_url(), body)
        body = self.client.get(url, {"q": self.inside.code}).content.decode()
        self.assertIn(self.inside.get_absolute_url(), body)
        self.assertNotIn(foreign.get_absolute_url(), body)
        body = self.client.get(url, {"within": self.tree.dept_b.pk}).content.decode()
        self.assertNotIn(self.outside.get_absolute_url(), body)  # a unit outside scope is no choice

    def test_form_offers_only_units_where_user_may_add(self):
        self.login()
        form = self.client.get(self.url("add")).context["form"]
        units = set(form.fields["owner_unit"].queryset)
        self.assertIn(self.tree.dept_a, units)
        self.assertNotIn(self.tree.dept_b, units)


class SystemAPITests(testing.StandardAPITests):
    model = System
    api_basename = "system"
    api_changes = {"status": "suspended"}

    def make_object(self, unit):
        return new_system(unit)

    def api_create_data(self):
        return {
            "name": "甲县财政局政府采购管理系统",
            "code": f"XT-API-{next(factories.numbers)}",
            "owner_unit": self.tree.dept_a.pk,
        }

    def test_api_create_outside_scope_is_rejected(self):
        self.auth()
        data = {**self.api_create_data(), "owner_unit": self.tree.dept_b.pk}
        response = self.api.post(self.api_url(), data, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("owner_unit", response.json())

    def test_api_filters(self):
        self.auth()
        other = new_system(self.tree.sub_a, status="retired")
        rows = self.api.get(self.api_url(), {"status": "retired"}).json()["results"]
        self.assertEqual([row["id"] for row in rows], [other.pk])
        rows = self.api.get(self.api_url(), {"owner_unit": self.tree.dept_b.pk}).json()["results"]
        self.assertEqual(rows, [])


class LiaisonTests(TestCase):
    """A liaison at one department without its subordinate units sees and edits that department's systems only."""

    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.liaison = testing.make_user("liaison_cz", "liaison", cls.tree.dept_a, subtree=False)

    def setUp(self):
        self.own = new_system(self.tree.dept_a)
        self.below = new_system(self.tree.sub_a)
        self.other = new_system(self.tree.dept_b)
        self.client.force_login(self.liaison)

    def test_sees_only_own_department(self):
        body = self.client.get(reverse("inventory:system_list")).content.decode()
        self.assertIn(self.own.get_absolute_url(), body)
        self.assertNotIn(self.below.get_absolute_url(), body)
        self.assertNotIn(self.other.get_absolute_url(), body)
        self.assertEqual(self.client.get(self.below.get_absolute_url()).status_code, 404)

    def test_edits_only_own_department(self):
        data = {**{k: v for k, v in model_to_dict(self.own).items() if v is not None}, "version": self.own.version}
        data["status"] = "suspended"
        response = self.client.post(reverse("inventory:system_edit", args=[self.own.pk]), data)
        self.assertEqual(response.status_code, 302)
        self.own.refresh_from_db()
        self.assertEqual(self.own.status, "suspended")
        data = {**{k: v for k, v in model_to_dict(self.below).items() if v is not None}, "version": 1}
        response = self.client.post(reverse("inventory:system_edit", args=[self.below.pk]), data)
        self.assertEqual(response.status_code, 404)

    def test_cannot_move_a_system_to_a_subordinate_unit(self):
        form = self.client.get(reverse("inventory:system_edit", args=[self.own.pk])).context["form"]
        self.assertEqual(list(form.fields["owner_unit"].queryset), [self.tree.dept_a])
        data = {**{k: v for k, v in model_to_dict(self.own).items() if v is not None}, "version": self.own.version}
        data["owner_unit"] = self.tree.sub_a.pk
        response = self.client.post(reverse("inventory:system_edit", args=[self.own.pk]), data)
        self.assertEqual(response.status_code, 400)
        self.assertIn("owner_unit", response.context["form"].errors)

    def test_cannot_delete(self):
        response = self.client.post(reverse("inventory:system_delete", args=[self.own.pk]))
        self.assertEqual(response.status_code, 404)


# Public service items ----------------------------------------------------------------------------------------------


class ServiceItemViewTests(testing.StandardViewTests):
    model = ServiceItem
    edit_changes = {"channel": "window"}
    bulk_changes = {"channel": "mobile"}

    def make_object(self, unit):
        return new_item(unit)

    def edit_data(self, obj):
        data = super().edit_data(obj)
        data["systems"] = pks(data.get("systems", []))
        return data

    def form_data(self):
        system = new_system(self.tree.dept_a)
        return {
            "name": "企业职工基本养老保险关系转移",
            "code": f"990001-CZ-FW-{next(factories.numbers)}",
            "unit": self.tree.dept_a.pk,
            "channel": "online",
            "systems": [system.pk],
        }

    def import_csv(self):
        a, b = new_system(self.tree.dept_a), new_system(self.tree.sub_a)
        return csv_bytes(
            serviceitem_schema,
            [
                {"name": "社会保障卡申领", "code": "IMP-FW-01", "unit": "990001-CZ", "systems": f"{a.code}，{b.code}"},
                {"name": "就业失业登记", "code": "IMP-FW-02", "unit": "990001-CZ", "channel": "window"},
            ],
        )

    def test_import_links_systems(self):
        self.test_import_validates_then_commits()
        item = ServiceItem.objects.get(code="IMP-FW-01")
        self.assertEqual(item.systems.count(), 2)
        self.assertEqual(ServiceItem.objects.get(code="IMP-FW-02").systems.count(), 0)
        events = AuditRecord.objects.filter(object_id=str(item.pk), event="systems_set")
        self.assertEqual(events.count(), 1)

    def test_import_reports_unknown_and_outside_codes_per_row(self):
        self.login()
        outside_system = new_system(self.tree.dept_b)
        data = csv_bytes(
            serviceitem_schema,
            [
                {"name": "社会保障卡申领", "code": "IMP-FW-11", "unit": "990001-CZ", "systems": "NO-SUCH-01"},
                {"name": "就业失业登记", "code": "IMP-FW-12", "unit": "990001-CZ", "systems": outside_system.code},
            ],
        )
        upload = io.BytesIO(data)
        upload.name = "items.csv"
        response = self.client.post(self.url("import"), {"file": upload})
        self.assertEqual(response.status_code, 400)
        errors = response.context["result"].errors
        self.assertEqual([e.row for e in errors], [2, 3])
        self.assertIn("NO-SUCH-01", errors[0].message)
        self.assertIn(outside_system.code, errors[1].message)
        self.assertFalse(ServiceItem.objects.filter(code__startswith="IMP-FW-1").exists())

    def test_edit_keeps_systems_the_user_cannot_see(self):
        hidden = new_system(self.tree.dept_b)
        self.inside.systems.add(hidden)
        self.login()
        data = self.edit_data(self.inside)
        data["systems"] = [s.pk for s in self.inside.systems.all() if s.pk != hidden.pk]
        response = self.client.post(self.url("edit", self.inside.pk), data)
        self.assertEqual(response.status_code, 302)
        self.assertIn(hidden, self.inside.systems.all())
        body = self.client.get(self.detail_url(self.inside)).content.decode()
        self.assertNotIn(str(hidden), body)


class ServiceItemAPITests(testing.StandardAPITests):
    model = ServiceItem
    api_basename = "serviceitem"
    api_changes = {"channel": "window"}

    def make_object(self, unit):
        return new_item(unit)

    def api_create_data(self):
        system = new_system(self.tree.dept_a)
        return {
            "name": "医疗费用报销",
            "code": f"API-FW-{next(factories.numbers)}",
            "unit": self.tree.dept_a.pk,
            "systems": [system.pk],
        }

    def test_api_systems_are_scoped(self):
        self.auth()
        outside_system = new_system(self.tree.dept_b)
        data = {**self.api_create_data(), "systems": [outside_system.pk]}
        response = self.api.post(self.api_url(), data, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("systems", response.json())
        system = new_system(self.tree.dept_a)
        response = self.api.patch(self.api_url(self.inside), {"systems": [system.pk]}, format="json", HTTP_IF_MATCH="*")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["systems"], [system.pk])


# Data resources ----------------------------------------------------------------------------------------------------


def formset_data(resource=None, rows=()) -> dict:
    """The item rows of the resource form: the resource's current items, then ``rows`` (name, type) as new ones."""
    existing = list(resource.items.all()) if resource else []
    data = {"items-INITIAL_FORMS": str(len(existing)), "items-TOTAL_FORMS": str(len(existing) + len(rows))}
    data.update({"items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "1000"})
    for i, item in enumerate(existing):
        data.update({f"items-{i}-id": item.pk, f"items-{i}-name": item.name, f"items-{i}-data_type": item.data_type})
    for i, (name, data_type) in enumerate(rows, start=len(existing)):
        data.update({f"items-{i}-name": name, f"items-{i}-data_type": data_type})
    return data


class DataResourceViewTests(testing.StandardViewTests):
    model = DataResource
    edit_changes = {"update_cycle": "monthly"}
    bulk_changes = {"open_attribute": "conditional"}

    def make_object(self, unit):
        return new_resource(unit)

    def edit_data(self, obj):
        return {**super().edit_data(obj), **formset_data(obj)}

    def form_data(self):
        return {
            "kind": "departmental",
            "item_code": "02",
            "category_code": "003",
            "code": "",
            "name": "财政供养人员信息",
            "provider": self.tree.dept_a.pk,
            "format": "database",
            "sharing_type": "unconditional",
            "sharing_method": "platform",
            "open_attribute": "not_open",
            "update_cycle": "monthly",
            "data_class": "important",
            **formset_data(rows=[("姓名", "string"), ("出生日期", "date")]),
        }

    def import_csv(self):
        return csv_bytes(
            dataresource_schema,
            [
                {
                    "kind": "departmental",
                    "code": "302001/000001",
                    "name": "行政事业单位国有资产信息",
                    "provider": "990001-CZ",
                    "sharing_type": "unconditional",
                    "items": "单位名称:string;资产编号:string;购置日期:Date;原值:decimal",
                },
                {
                    "kind": "basic",
                    "code": "101001/000009",
                    "name": "户籍人口基本信息",
                    "provider": "990001-CZ",
                    "items": "姓名；身份证号:string；出生日期：date",
                },
            ],
        )

    def test_import_creates_items(self):
        self.test_import_validates_then_commits()
        first = DataResource.objects.get(code="302001/000001")
        self.assertEqual(first.class_code, "3")
        self.assertEqual((first.item_code, first.category_code, first.detail_code), ("02", "001", ""))
        self.assertEqual(
            list(first.items.values_list("name", "data_type")),
            [("单位名称", "string"), ("资产编号", "string"), ("购置日期", "date"), ("原值", "decimal")],
        )
        second = DataResource.objects.get(code="101001/000009")
        self.assertEqual(list(second.items.values_list("data_type", flat=True)), ["string", "string", "date"])
        self.assertTrue(AuditRecord.objects.filter(object_id=str(second.pk), event="items_set").exists())

    def test_import_reports_rule_and_item_errors_per_row(self):
        self.login()
        data = csv_bytes(
            dataresource_schema,
            [
                {"kind": "basic", "code": "101001/000011", "name": "法人单位信息", "provider": "990001-CZ",
                 "sharing_type": "conditional", "sharing_conditions": "仅限本县"},
                {"kind": "departmental", "code": "301001/000012", "name": "供养人员", "provider": "990001-CZ",
                 "items": "姓名:sometype"},
            ],
        )  # fmt: skip
        upload = io.BytesIO(data)
        upload.name = "catalog.csv"
        response = self.client.post(self.url("import"), {"file": upload})
        self.assertEqual(response.status_code, 400)
        errors = response.context["result"].errors
        self.assertEqual([e.row for e in errors], [2, 3])
        self.assertIn(str(_basic_message()), errors[0].message)
        self.assertIn("姓名", errors[1].message)

    def test_form_numbers_code_and_saves_items(self):
        self.login()
        response = self.client.post(self.url("add"), self.form_data())
        self.assertEqual(response.status_code, 302)
        resource = DataResource.objects.get(name="财政供养人员信息")
        self.assertEqual(resource.code, "302003/000001")
        self.assertEqual(list(resource.items.values_list("name", flat=True)), ["姓名", "出生日期"])
        data = {**self.form_data(), "name": "财政供养人员工资信息", "code": "000007"}
        self.assertEqual(self.client.post(self.url("add"), data).status_code, 302)
        self.assertTrue(DataResource.objects.filter(code="302003/000007").exists())

    def test_edit_removes_and_adds_items(self):
        self.login()
        data = {**self.edit_data(self.inside), **formset_data(self.inside, rows=[("联系电话", "string")])}
        data["items-0-DELETE"] = "on"
        response = self.client.post(self.url("edit", self.inside.pk), data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(list(self.inside.items.values_list("name", flat=True)), ["身份证号", "联系电话"])

    def test_detail_resolves_related_codes_within_scope(self):
        self.login()
        near = new_resource(self.tree.dept_a)
        self.inside.related_codes = f"{near.code}, {self.outside.code}"
        self.inside.save()
        body = self.client.get(self.detail_url(self.inside)).content.decode()
        self.assertIn(near.get_absolute_url(), body)
        self.assertIn(self.outside.code, body)
        self.assertNotIn(self.outside.get_absolute_url(), body)
        self.assertNotIn(str(self.outside), body)


def _basic_message():
    from inventory.models import validate_resource

    resource = DataResource(kind="basic", class_code="1", sharing_type="conditional", sharing_conditions="x")
    return validate_resource(resource)["sharing_type"]


class DataResourceAPITests(testing.StandardAPITests):
    model = DataResource
    api_basename = "dataresource"
    api_changes = {"update_cycle": "monthly"}

    def make_object(self, unit):
        return new_resource(unit)

    def api_create_data(self):
        return {
            "kind": "departmental",
            "item_code": "03",
            "category_code": "001",
            "code": f"303001/{next(factories.numbers):06d}",
            "name": "政府采购合同信息",
            "provider": self.tree.dept_a.pk,
            "sharing_type": "unconditional",
            "items": [{"name": "合同编号", "data_type": "string"}, {"name": "签订日期", "data_type": "date"}],
        }

    def test_api_items_are_written_with_the_resource(self):
        self.auth()
        response = self.api.post(self.api_url(), self.api_create_data(), format="json")
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["class_code"], "3")
        self.assertEqual([i["name"] for i in body["items"]], ["合同编号", "签订日期"])
        resource = DataResource.objects.get(pk=body["id"])
        items = [{"name": "合同金额", "data_type": "decimal"}]
        response = self.api.patch(self.api_url(resource), {"items": items}, format="json", HTTP_IF_MATCH="*")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(list(resource.items.values_list("name", "data_type")), [("合同金额", "decimal")])
        self.assertEqual(AuditRecord.objects.filter(object_id=str(resource.pk), event="items_set").count(), 2)
        response = self.api.patch(
            self.api_url(resource), {"name": "政府采购合同备案信息"}, format="json", HTTP_IF_MATCH="*"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(resource.items.count(), 1, "items left out of a request stay as they are")

    def test_api_item_rows_need_a_name_on_a_partial_change_too(self):
        self.auth()
        response = self.api.patch(
            self.api_url(self.inside), {"items": [{"data_type": "date"}]}, format="json", HTTP_IF_MATCH="*"
        )
        self.assertEqual(response.status_code, 400, response.content)
        self.assertEqual(response.json()["items"], {"0": {"name": [mock.ANY]}})  # rows' errors by their index


# Links -------------------------------------------------------------------------------------------------------------


class LinkViewTests(testing.StandardViewTests):
    exists_messages = ("These two systems are already linked.",)
    model = Link
    edit_changes = {"frequency": "weekly"}
    bulk_changes = {"method": "file"}

    def make_object(self, unit):
        return new_link(unit)

    def edit_data(self, obj):
        data = super().edit_data(obj)
        data["resources"] = pks(data.get("resources", []))
        return data

    def form_data(self):
        return {
            "from_system": new_system(self.tree.dept_a).pk,
            "to_system": new_system(self.tree.township_a).pk,
            "direction": "one_way",
            "method": "api",
            "frequency": "daily",
            "resources": [new_resource(self.tree.dept_a).pk],
            "description": "预算指标每日推送",
        }

    def import_csv(self):
        a, b, d = new_system(self.tree.dept_a), new_system(self.tree.dept_a), new_system(self.tree.sub_a)
        resource = new_resource(self.tree.dept_a)
        return csv_bytes(
            link_schema,
            [
                {"from_system": a.code, "to_system": b.code, "resources": resource.code, "method": "file"},
                {"from_system": d.code, "to_system": a.code, "direction": "two_way", "frequency": "realtime"},
            ],
        )

    def test_import_reports_link_problems_per_row(self):
        self.login()
        liaison = testing.make_user("liaison_links", "liaison", self.tree.dept_a, subtree=False)
        a, b, d = new_system(self.tree.dept_a), new_system(self.tree.dept_a), new_system(self.tree.sub_a)
        link_save(actor=None, link=Link(from_system=a, to_system=b), resources=[])
        rows = [
            {"from_system": a.code, "to_system": a.code},  # 2: to itself
            {"from_system": a.code, "to_system": b.code},  # 3: already linked
            {"from_system": b.code, "to_system": a.code, "resources": "309999/000001"},  # 4: unknown resource
            {"from_system": b.code, "to_system": d.code},  # 5: fine
            {"from_system": b.code, "to_system": d.code},  # 6: same pair as row 5
            {"from_system": d.code, "to_system": b.code},  # 7: fine for a CIO, outside the liaison's department
        ]
        upload = io.BytesIO(csv_bytes(link_schema, rows))
        upload.name = "links.csv"
        response = self.client.post(self.url("import"), {"file": upload})
        self.assertEqual([e.row for e in response.context["result"].errors], [2, 3, 4, 6])
        self.client.force_login(liaison)
        upload.seek(0)
        response = self.client.post(self.url("import"), {"file": upload})
        self.assertIn(7, [e.row for e in response.context["result"].errors])

    def test_to_system_may_be_elsewhere_but_from_system_must_be_in_scope(self):
        self.login()
        data = {**self.form_data(), "from_system": new_system(self.tree.dept_b).pk}
        response = self.client.post(self.url("add"), data)
        self.assertEqual(response.status_code, 400)
        self.assertIn("from_system", response.context["form"].errors)


class LinkAPITests(testing.StandardAPITests):
    model = Link
    api_basename = "link"
    api_changes = {"frequency": "weekly"}

    def make_object(self, unit):
        return new_link(unit)

    def api_create_data(self):
        return {
            "from_system": new_system(self.tree.dept_a).pk,
            "to_system": new_system(self.tree.dept_a).pk,
            "method": "db_link",
            "resources": [new_resource(self.tree.dept_a).pk],
        }

    def test_api_rejects_a_link_to_itself(self):
        self.auth()
        system = new_system(self.tree.dept_a)
        response = self.api.post(self.api_url(), {"from_system": system.pk, "to_system": system.pk}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("to_system", response.json())


class UnitPanelTests(TestCase):
    """The counts the inventory offers the unit page (core.panels.UNIT_PANELS), within scope."""

    def test_panels_count_the_subtree_within_scope(self):
        from django.test import RequestFactory

        from inventory.views.records import UNIT_PANELS

        tree = testing.build_tree()
        liaison = testing.make_user("liaison_panel", "liaison", tree.dept_a, subtree=False)
        new_system(tree.dept_a)
        new_system(tree.sub_a)
        new_resource(tree.dept_a)
        request = RequestFactory().get("/")
        request.user = liaison
        systems, items, resources, links = (make(request, tree.dept_a) for make in UNIT_PANELS)
        self.assertEqual(systems["count"], 1)  # the unit page of their department: not its subordinate unit
        self.assertEqual(resources["count"], 1)
        self.assertEqual((items["count"], links["count"]), (0, 0))
        self.client.force_login(liaison)
        self.assertEqual(self.client.get(systems["url"]).context["page"].paginator.count, 1)
        self.assertEqual(self.client.get(resources["url"]).context["page"].paginator.count, 1)
