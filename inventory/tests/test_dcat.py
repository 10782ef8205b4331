"""Catalog exchange (DCAT-AP JSON-LD and DCAT-US data.json): every field both ways, the mapping report of foreign
files, files that cannot be read, the gate on export and import, and the round trip (export a unit's catalog,
delete it, import it into an empty unit: nothing lost)."""

import datetime as dt
import io
import json

from django.test import TestCase, override_settings
from django.urls import reverse

from core import testing
from core.models import AuditRecord
from inventory import choices as c
from inventory import dcat
from inventory import dcat_mapping as m
from inventory.models import DataItem, DataResource, System

EU_FREQ = m.EU_FREQUENCY
SKIP = {"id", "provider", "created_at", "updated_at", "created_by", "updated_by", "version"}
# An entry read back from a catalog keeps the DCAT fields it came with (keyword, publisher, contact…) as extra metadata.
SKIP_ROUND_TRIP = SKIP | {"extra_metadata"}


def graph_datasets(doc) -> dict:
    """The datasets of our JSON-LD export (a @graph of nodes, blank nodes written inside), by identifier."""
    return {n["dct:identifier"]: n for n in doc["@graph"] if n.get("@type") == "dcat:Dataset"}


def snapshot(resource: DataResource) -> dict:
    values = {
        f.attname: getattr(resource, f.attname)
        for f in DataResource._meta.concrete_fields
        if f.name not in SKIP_ROUND_TRIP
    }
    values["items"] = list(resource.items.order_by("position", "id").values_list("name", "data_type"))
    return values


def make_resource(unit, code, name, items=(), **fields) -> DataResource:
    cls, rest = code[0], code.split("/")[0]
    kind = {"1": "basic", "2": "thematic", "3": "departmental"}[cls]
    resource = DataResource.objects.create(
        kind=kind,
        class_code=cls,
        item_code=rest[1:3],
        category_code=rest[3:6],
        detail_code=rest[6:],
        code=code,
        name=name,
        provider=unit,
        **fields,
    )
    for position, (item, data_type) in enumerate(items, start=1):
        DataItem.objects.create(resource=resource, name=item, data_type=data_type, position=position)
    return resource


def upload(data, name="catalog.json"):
    handle = io.BytesIO(data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode("utf-8"))
    handle.name = name
    return handle


class DcatTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        t = cls.tree = testing.build_tree()
        cls.cio = testing.make_user("dcat_cio", "cio", t.county_a)
        cls.system = System.objects.create(
            owner_unit=t.dept_a, code="YB-JS-01", name="甲县城乡居民医保结算系统", responsible_person="陈静"
        )
        cls.full = make_resource(
            t.dept_a,
            "30100102/000001",
            "城乡居民参保缴费信息",
            items=[("姓名", "string"), ("公民身份号码", "string"), ("参保日期", "date"), ("缴费金额", "decimal")],
            abstract="全县城乡居民医保参保及缴费明细",
            format=c.ResourceFormat.SPREADSHEET,
            sharing_type=c.SharingType.CONDITIONAL,
            sharing_conditions="仅用于医保待遇核验",
            sharing_method=c.SharingMethod.EMAIL,
            open_attribute=c.OpenAttribute.CONDITIONAL,
            update_cycle=c.UpdateCycle.HALF_YEARLY,
            publication_date=dt.date(2025, 9, 1),
            related_codes="101001/000003, 201002/000004",
            system=cls.system,
            data_class=c.DataClass.IMPORTANT,
        )
        cls.basic = make_resource(
            t.sub_a,
            "101001/000003",
            "市场主体登记信息",
            items=[("统一社会信用代码", "string"), ("成立日期", "datetime"), ("是否存续", "boolean")],
            abstract="辖区市场主体基础信息",
            format=c.ResourceFormat.API,
            open_attribute=c.OpenAttribute.OPEN,
            update_cycle=c.UpdateCycle.REALTIME,
            data_class=c.DataClass.CORE,
        )
        cls.thematic = make_resource(
            t.dept_a,
            "201002/000004",
            "财政专项资金拨付台账",
            abstract="",
            format=c.ResourceFormat.DOCUMENT,
            sharing_type=c.SharingType.NOT_SHARED,
            sharing_conditions="《中华人民共和国保守国家秘密法》第二十八条",
            update_cycle=c.UpdateCycle.IRREGULAR,
        )
        cls.outside = make_resource(t.dept_b, "301001/000009", "乙县财政预算执行信息")

    def export(self, fmt, user=None, **params):
        self.client.force_login(user or self.cio)
        response = self.client.get(reverse("inventory:dcat_export"), {"format": fmt, **params})
        self.assertEqual(response.status_code, 200)
        return json.loads(b"".join(response.streaming_content).decode("utf-8"))

    def import_page(self, data, unit, user=None, name="catalog.json"):
        self.client.force_login(user or self.cio)
        return self.client.post(reverse("inventory:dcat_import"), {"file": upload(data, name), "unit": unit.pk})


class ExportTests(DcatTestCase):
    def test_jsonld_fields(self):
        doc = self.export(dcat.JSONLD)
        self.assertEqual(doc["@context"]["dcat"], m.DCAT)
        datasets = graph_datasets(doc)
        self.assertEqual(set(datasets), {self.full.code, self.basic.code, self.thematic.code})
        d = datasets[self.full.code]
        self.assertEqual(d["dct:title"], "城乡居民参保缴费信息")
        self.assertEqual(d["dct:description"], "全县城乡居民医保参保及缴费明细")
        self.assertEqual(d["dct:publisher"]["foaf:name"], self.tree.dept_a.name)
        self.assertEqual(d["dct:publisher"]["govcio:code"], self.tree.dept_a.code)
        self.assertEqual(d["dct:issued"], "2025-09-01")
        self.assertEqual(d["dct:accrualPeriodicity"], {"@id": EU_FREQ + "ANNUAL_2"})
        self.assertEqual(d["dct:accessRights"], {"@id": m.EU_ACCESS + "RESTRICTED"})
        self.assertEqual(d["dcat:distribution"]["dcat:mediaType"], {"@id": m.IANA + m.MEDIA["spreadsheet"][0]})
        self.assertEqual(sorted(x["@id"] for x in d["dct:relation"]),
                         [m.URN_RESOURCE + "101001/000003", m.URN_RESOURCE + "201002/000004"])  # fmt: skip
        self.assertEqual(d["govcio:catalogKind"], "departmental")
        self.assertEqual(d["govcio:classification"], "30100102")
        self.assertEqual(d["govcio:sharingType"], "conditional")
        self.assertEqual(d["govcio:sharingConditions"], "仅用于医保待遇核验")
        self.assertEqual(d["govcio:sharingMethod"], "email")
        self.assertEqual(d["govcio:dataClass"], "important")
        self.assertEqual(d["govcio:holdingSystem"], {"dct:identifier": "YB-JS-01", "dct:title": self.system.name})
        items = d["govcio:dataItems"]["@list"]
        self.assertEqual(
            [(i["govcio:name"], i["govcio:dataType"]) for i in items],
            [("姓名", "string"), ("公民身份号码", "string"), ("参保日期", "date"), ("缴费金额", "decimal")],
        )
        self.assertEqual(datasets[self.basic.code]["dct:accrualPeriodicity"], {"@id": EU_FREQ + "UPDATE_CONT"})
        self.assertEqual(datasets[self.basic.code]["dct:accessRights"], {"@id": m.EU_ACCESS + "PUBLIC"})
        self.assertEqual(datasets[self.thematic.code]["dct:accrualPeriodicity"], {"@id": EU_FREQ + "IRREG"})
        self.assertEqual(datasets[self.thematic.code]["dct:accessRights"], {"@id": m.EU_ACCESS + "NON_PUBLIC"})
        self.assertNotIn("dct:issued", datasets[self.thematic.code])

    def test_datajson_fields(self):
        doc = self.export(dcat.DATAJSON)
        self.assertEqual(doc["conformsTo"], m.POD_SCHEMA)
        datasets = {d["identifier"]: d for d in doc["dataset"]}
        self.assertNotIn(self.outside.code, datasets)
        d = datasets[self.full.code]
        self.assertEqual((d["title"], d["description"]), ("城乡居民参保缴费信息", "全县城乡居民医保参保及缴费明细"))
        self.assertEqual(d["publisher"], {"@type": "org:Organization", "name": self.tree.dept_a.name,
                                          "govcio:code": self.tree.dept_a.code})  # fmt: skip
        self.assertEqual(d["accessLevel"], "restricted public")
        self.assertEqual(d["rights"], "仅用于医保待遇核验")
        self.assertEqual(d["accrualPeriodicity"], "R/P6M")
        self.assertEqual(d["issued"], "2025-09-01")
        self.assertTrue(d["keyword"] and d["modified"])
        self.assertEqual(d["contactPoint"]["fn"], "陈静")
        self.assertEqual(d["distribution"][0]["mediaType"], m.MEDIA["spreadsheet"][0])
        self.assertEqual(d["govcio:relatedCodes"], ["101001/000003", "201002/000004"])
        self.assertEqual(d["govcio:holdingSystem"], {"code": "YB-JS-01", "name": self.system.name})
        self.assertEqual(d["govcio:dataItems"][2], {"name": "参保日期", "type": "date"})
        self.assertEqual(datasets[self.basic.code]["accessLevel"], "public")
        self.assertEqual(datasets[self.basic.code]["accrualPeriodicity"], "R/PT1S")
        self.assertNotIn("rights", datasets[self.basic.code])
        self.assertEqual(datasets[self.thematic.code]["accessLevel"], "non-public")
        self.assertEqual(datasets[self.thematic.code]["accrualPeriodicity"], "irregular")

    def test_export_is_audited_and_downloaded(self):
        self.client.force_login(self.cio)
        response = self.client.get(reverse("inventory:dcat_export"), {"format": "datajson"})
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertIn("data.json", response["Content-Disposition"])
        b"".join(response.streaming_content)
        record = AuditRecord.objects.get(event="catalog.dcat_exported")
        self.assertEqual((record.action, record.changes["rows"]), ("export", 3))

    def test_page_without_format_shows_the_form(self):
        self.client.force_login(self.cio)
        response = self.client.get(reverse("inventory:dcat_export"))
        self.assertContains(response, 'id="dcat-export-form"')
        self.assertEqual(response.context["count"], 3)

    def test_unit_narrows_and_outside_unit_is_404(self):
        doc = self.export(dcat.DATAJSON, unit=self.tree.sub_a.pk)
        self.assertEqual([d["identifier"] for d in doc["dataset"]], [self.basic.code])
        response = self.client.get(
            reverse("inventory:dcat_export"), {"format": "datajson", "unit": self.tree.dept_b.pk}
        )
        self.assertEqual(response.status_code, 404)

    def test_export_query_count_is_constant(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.export(dcat.JSONLD)  # log in and warm up
        counts = []
        for extra in (0, 6):
            for n in range(extra):
                make_resource(self.tree.dept_a, f"301001/{300 + n:06d}", f"批量资源{n}", items=[("字段", "string")],
                              system=self.system)  # fmt: skip
            with CaptureQueriesContext(connection) as ctx:
                response = self.client.get(reverse("inventory:dcat_export"), {"format": "jsonld"})
                b"".join(response.streaming_content)
            counts.append(len(ctx.captured_queries))
        self.assertEqual(counts[0], counts[1])

    def test_holding_system_outside_scope_is_not_named(self):
        foreign = System.objects.create(owner_unit=self.tree.dept_b, code="YX-GX-09", name="乙县数据共享交换平台")
        make_resource(self.tree.dept_a, "301001/000050", "跨县共享的参保数据", system=foreign)
        for fmt in (dcat.JSONLD, dcat.DATAJSON):
            doc = self.export(fmt)
            self.assertNotIn("乙县数据共享交换平台", json.dumps(doc, ensure_ascii=False))
            self.assertEqual(len(graph_datasets(doc) if fmt == dcat.JSONLD else doc["dataset"]), 4)

    def test_export_needs_permission_and_follows_scope(self):
        expert = testing.make_user("dcat_expert", "expert", self.tree.county_a)
        self.client.force_login(expert)
        self.assertEqual(self.client.get(reverse("inventory:dcat_export"), {"format": "jsonld"}).status_code, 404)
        liaison = testing.make_user("dcat_liaison", "liaison", self.tree.dept_b)
        doc = self.export(dcat.JSONLD, user=liaison)
        self.assertEqual(list(graph_datasets(doc)), [self.outside.code])


class RoundTripTests(DcatTestCase):
    def round_trip(self, fmt):
        before = {
            r.code: snapshot(r) for r in DataResource.objects.filter(provider__path__startswith=self.tree.dept_a.path)
        }
        data = json.dumps(self.export(fmt, unit=self.tree.dept_a.pk), ensure_ascii=False).encode("utf-8")
        DataResource.objects.filter(code__in=before).delete()
        target = self.tree.township_a
        self.assertFalse(DataResource.objects.filter(provider=target).exists())
        response = self.import_page(data, target)
        self.assertEqual(response.status_code, 200, response.context.get("file_error") or response.context.get("plan"))
        plan = response.context["plan"]
        self.assertTrue(plan.ok)
        self.assertEqual(DataResource.objects.filter(code__in=before).count(), 0, "the preview must not write")
        response = self.client.post(reverse("inventory:dcat_import"), {"token": response.context["token"]})
        self.assertEqual(response.status_code, 302)
        after = {r.code: r for r in DataResource.objects.filter(code__in=before)}
        self.assertEqual(set(after), set(before))
        for code, values in before.items():
            self.assertEqual(after[code].provider, target)
            got = snapshot(after[code])
            for name, value in values.items():
                self.assertEqual(got[name], value, f"{fmt} {code} {name}")
        self.assertTrue(AuditRecord.objects.filter(event="catalog.dcat_imported").exists())
        self.assertTrue(AuditRecord.objects.filter(action="create", object_type="inventory.dataresource").exists())

    def test_round_trip_jsonld(self):
        self.round_trip(dcat.JSONLD)

    def test_round_trip_datajson(self):
        self.round_trip(dcat.DATAJSON)

    def test_imported_resources_are_searchable(self):
        self.round_trip(dcat.JSONLD)
        from core import search

        groups = search.search(self.cio, "城乡居民参保缴费信息")
        self.assertTrue(any(hit for group in groups for hit in group.hits))


FOREIGN_JSONLD = {
    "@context": [
        "https://w3id.org/dcat-ap/context.jsonld",  # remote: never fetched
        {"dcterms": "http://purl.org/dc/terms/", "d": "http://www.w3.org/ns/dcat#", "ex": "https://example.org/ns#",
         "name": "dcterms:title"},
    ],
    "@graph": [
        {"@id": "https://data.example.org/catalog", "@type": "d:Catalog", "d:dataset": [{"@id": "urn:x:1"}]},
        {
            "@id": "urn:x:1",
            "@type": ["d:Dataset"],
            "dcterms:identifier": "301002/000101",
            "name": [{"@value": "Population register", "@language": "en"},
                     {"@value": "户籍人口信息", "@language": "zh"}],
            "http://purl.org/dc/terms/description": "全县户籍人口基础信息",
            "dcterms:issued": "2024-03-15T08:00:00Z",
            "dcterms:accrualPeriodicity": {"@id": "http://purl.org/cld/freq/monthly"},
            "dcterms:accessRights": {"@id": m.EU_ACCESS + "PUBLIC"},
            "d:distribution": {"@type": "d:Distribution", "d:mediaType": "text/csv"},
            "d:keyword": ["人口", "户籍"],
            "ex:qualityScore": 0.9,
        },
        {
            "@id": "urn:x:2",
            "@type": "http://www.w3.org/ns/dcat#Dataset",
            "http://purl.org/dc/terms/identifier": "301002/000102",
            "http://purl.org/dc/terms/title": "流动人口信息",
            "dcterms:accrualPeriodicity": {"@id": EU_FREQ + "BIENNIAL"},
            "d:distribution": [{"d:mediaType": "application/x-shapefile"}],
            "https://govcio.example/ns#dataItems": {"@list": [
                {"https://govcio.example/ns#name": "姓名", "https://govcio.example/ns#dataType": "string"},
                {"https://govcio.example/ns#name": "居住地址", "https://govcio.example/ns#dataType": "geometry"},
            ]},
            "https://govcio.example/ns#holdingSystem": {"dcterms:identifier": "NO-SUCH-SYSTEM"},
            "dcterms:relation": ["301002/000101", "not a code"],
        },
    ],
}  # fmt: skip

FOREIGN_DATAJSON = {
    "conformsTo": m.POD_SCHEMA,
    "dataset": [
        {
            "title": "道路运输经营许可信息",
            "description": "道路运输经营许可证发放信息",
            "identifier": "301003/000001",
            "accessLevel": "restricted public",
            "accrualPeriodicity": "R/P1W",
            "modified": "2025-01-01",
            "keyword": ["交通"],
            "bureauCode": ["000:00"],
            "distribution": [{"mediaType": "application/vnd.ms-excel"}],
            "govcio:sharingType": "unconditional",
            "govcio:dataClass": "top-secret",
            "landingPage": "https://data.example.org/transport",
            "spatial": "甲县",
            "x-rating": 5,
        }
    ],
}


class MappingInTests(DcatTestCase):
    def plan(self, doc):
        return dcat.parse(upload(doc), user=self.cio)

    def test_foreign_jsonld(self):
        plan = self.plan(FOREIGN_JSONLD)
        self.assertEqual(plan.format, dcat.JSONLD)
        first, second = plan.datasets
        self.assertTrue(plan.ok, [d.problems for d in plan.datasets])
        row = first.row
        self.assertEqual((row["code"], row["name"], row["kind"]), ("301002/000101", "户籍人口信息", "departmental"))
        self.assertEqual((row["class_code"], row["item_code"], row["category_code"]), ("3", "01", "002"))
        self.assertEqual(row["abstract"], "全县户籍人口基础信息")
        self.assertEqual(row["publication_date"], dt.date(2024, 3, 15))
        self.assertEqual(row["update_cycle"], c.UpdateCycle.MONTHLY)  # Dublin Core frequency
        self.assertEqual(row["open_attribute"], c.OpenAttribute.OPEN)
        self.assertEqual(row["format"], c.ResourceFormat.SPREADSHEET)  # text/csv
        self.assertEqual(first.row["extra_metadata"]["keyword"], ["人口", "户籍"])  # kept, not lost
        self.assertTrue(any("ex:qualityScore" in u or "qualityScore" in u for u in first.unmapped), first.unmapped)
        # frequency and format without a match, an unknown item type, a holding system not found, a bad code
        self.assertEqual(second.row["update_cycle"], "")  # unknown stays blank, never "irregular"
        self.assertEqual(second.row["format"], c.ResourceFormat.OTHER)  # never "database"
        self.assertEqual(second.row["items"], [("姓名", "string"), ("居住地址", "string")])
        self.assertIsNone(second.row["system"])
        self.assertEqual(second.row["related_codes"], "301002/000101")
        notes = " ".join(second.unmapped)
        for fragment in ("BIENNIAL", "application/x-shapefile", "geometry", "NO-SUCH-SYSTEM", "not a code"):
            self.assertIn(fragment, notes)

    def test_foreign_datajson(self):
        plan = self.plan(FOREIGN_DATAJSON)
        self.assertEqual(plan.format, dcat.DATAJSON)
        (d,) = plan.datasets
        self.assertTrue(d.ok, d.problems)
        self.assertEqual(d.row["update_cycle"], c.UpdateCycle.WEEKLY)
        self.assertEqual(d.row["open_attribute"], c.OpenAttribute.CONDITIONAL)
        self.assertEqual(d.row["format"], c.ResourceFormat.SPREADSHEET)
        self.assertEqual(d.row["data_class"], c.DataClass.GENERAL)  # "top-secret" is no value of ours
        self.assertTrue(any("top-secret" in u for u in d.unmapped))
        self.assertTrue(any("x-rating" in u for u in d.unmapped))
        self.assertTrue({"modified", "keyword", "bureauCode", "landingPage", "spatial", "x-rating"} <= set(d.kept))
        self.assertEqual(d.row["extra_metadata"]["x-rating"], 5)

    def test_every_frequency_and_access_value_maps_back(self):
        for ours, (eu, iso) in m.FREQUENCY.items():
            self.assertEqual(m.frequency_in(m.EU_FREQUENCY + eu), ours)
            self.assertEqual(m.frequency_in(iso), ours)
        for ours, (eu, level) in m.ACCESS.items():
            self.assertEqual(m.access_in(m.EU_ACCESS + eu), ours)
            self.assertEqual(m.access_in(level), ours)
        for ours, (media, file_type) in m.MEDIA.items():
            self.assertEqual(m.media_in(media), ours)
            self.assertEqual(m.media_in(m.IANA + media), ours)
            self.assertEqual(m.media_in(m.EU_FILE_TYPE + file_type), ours)

    def test_datasets_that_cannot_be_imported(self):
        doc = {
            "conformsTo": m.POD_SCHEMA,
            "dataset": [
                {"title": "无代码的资源"},
                {"title": "代码格式不对", "identifier": "ZY-2025-01"},
                {"title": "已有代码", "identifier": self.full.code},
                {"title": "重复一", "identifier": "301001/000200"},
                {"title": "重复二", "identifier": "301001/000200"},
                {"title": "基础资源有条件共享", "identifier": "101001/000201", "govcio:sharingType": "conditional",
                 "govcio:sharingConditions": "仅限公安"},
                {"title": "类别数字不对", "identifier": "401001/000202"},
                {"title": "", "identifier": "301001/000203"},
                {"title": "合格的资源", "identifier": "301001/000204"},
            ],
        }  # fmt: skip
        plan = self.plan(doc)
        self.assertFalse(plan.ok)
        # an existing code is an update of that entry, not a problem
        self.assertEqual([bool(d.problems) for d in plan.datasets], [True, True, False] + [True] * 5 + [False])
        self.assertEqual(plan.datasets[2].action, "update")
        self.assertEqual(plan.blocked, 7)
        response = self.import_page(doc, self.tree.township_a)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "ZY-2025-01", status_code=400)
        self.assertContains(response, 'id="import-valid"', status_code=400)
        self.assertFalse(DataResource.objects.filter(code="301001/000204").exists())


class BadFileTests(DcatTestCase):
    def assert_refused(self, data, fragment=""):
        before = DataResource.objects.count()
        response = self.import_page(data, self.tree.township_a)
        self.assertEqual(response.status_code, 400)
        error = response.context.get("file_error")
        self.assertTrue(error)
        self.assertIn(fragment, error)
        self.assertEqual(DataResource.objects.count(), before)
        return error

    def test_not_json(self):
        self.assert_refused(b'{"dataset": [', "JSON")

    def test_not_utf8(self):
        self.assert_refused('{"title": "户籍人口"}'.encode("gbk"), "UTF-8")

    def test_wrong_shape(self):
        self.assert_refused([1, 2, 3])
        self.assert_refused({"foo": "bar"})
        self.assert_refused(b'"just a string"')
        self.assert_refused({"dataset": "not a list"})

    def test_nan_and_deep_nesting(self):
        self.assert_refused(b'{"dataset": [{"identifier": NaN}]}', "JSON")
        self.assert_refused(b"[" * 100_000 + b"]" * 100_000)

    @override_settings(GOVCIO_IMPORT_MAX_BYTES=200)
    def test_oversized(self):
        # The page stops the upload itself (core.uploads); the reader checks the size again.
        before = DataResource.objects.count()
        response = self.import_page(FOREIGN_DATAJSON | {"padding": "x" * 500}, self.tree.township_a)
        self.assertEqual(response.status_code, 413)
        self.assertIn("0.1 MB", response.content.decode())
        self.assertEqual(DataResource.objects.count(), before)
        with self.assertRaisesMessage(dcat.DcatError, "MB"):
            dcat.parse(upload(FOREIGN_DATAJSON | {"padding": "x" * 500}), user=self.cio)

    def test_empty(self):
        response = self.import_page(b"", self.tree.township_a)
        self.assertEqual(response.status_code, 400)
        self.assertIn("file", response.context["form"].errors)
        with self.assertRaises(dcat.DcatError):
            dcat.read_json(io.BytesIO(b""))


class ImportScopeTests(DcatTestCase):
    def test_target_outside_scope_is_refused(self):
        response = self.import_page(FOREIGN_DATAJSON, self.tree.dept_b)
        self.assertEqual(response.status_code, 400)
        self.assertIn("unit", response.context["form"].errors)
        self.assertFalse(DataResource.objects.filter(code="301003/000001").exists())

    def test_liaison_imports_into_own_department_only(self):
        liaison = testing.make_user("dcat_liaison_a", "liaison", self.tree.dept_a)
        self.assertEqual(self.import_page(FOREIGN_DATAJSON, self.tree.township_a, user=liaison).status_code, 400)
        response = self.import_page(FOREIGN_DATAJSON, self.tree.sub_a, user=liaison)
        self.assertEqual(response.status_code, 200)
        self.client.post(reverse("inventory:dcat_import"), {"token": response.context["token"]})
        self.assertEqual(DataResource.objects.get(code="301003/000001").provider, self.tree.sub_a)

    def test_without_import_permission_is_404(self):
        leader = testing.make_user("dcat_leader", "leader", self.tree.county_a)
        self.client.force_login(leader)
        self.assertEqual(self.client.get(reverse("inventory:dcat_import")).status_code, 404)
        response = self.client.post(reverse("inventory:dcat_import"), {"file": upload(FOREIGN_DATAJSON)})
        self.assertEqual(response.status_code, 404)

    def test_a_token_is_good_once_and_only_for_its_session(self):
        response = self.import_page(FOREIGN_DATAJSON, self.tree.township_a)
        token = response.context["token"]
        other = testing.make_user("dcat_other", "cio", self.tree.county_a)
        self.client.force_login(other)
        self.assertEqual(self.client.post(reverse("inventory:dcat_import"), {"token": token}).status_code, 404)
        self.assertFalse(DataResource.objects.filter(code="301003/000001").exists())

    def test_code_taken_between_preview_and_commit(self):
        response = self.import_page(FOREIGN_DATAJSON, self.tree.township_a)
        make_resource(self.tree.dept_a, "301003/000001", "同时录入的资源")
        shown = {"token": response.context["token"], "expect": response.context["expect"], "action": "import"}
        response = self.client.post(reverse("inventory:dcat_import"), shown)
        self.assertEqual(response.status_code, 200)  # the new report: the dataset would now update that entry
        self.assertIn("生成报告后目录已有变化", response.context["file_error"])
        self.assertEqual(DataResource.objects.get(code="301003/000001").name, "同时录入的资源")
        self.assertEqual(DataResource.objects.filter(code="301003/000001").count(), 1)

    def test_import_page_renders(self):
        self.client.force_login(self.cio)
        response = self.client.get(reverse("inventory:dcat_import"))
        self.assertContains(response, 'id="dcat-import-form"')
