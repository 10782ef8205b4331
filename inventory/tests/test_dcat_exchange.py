"""Catalog exchange with real-world catalogs: a data.json identified by UUIDs with every DCAT-US field, imported with
codes from a classification, re-imported (updates, never duplicates) and exported back field by field; Turtle and
RDF/XML with node references; what a non-public dataset becomes; importing only the valid datasets; the command."""

import io
import json
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from core.models import AuditRecord
from inventory import choices as c
from inventory import dcat
from inventory.dcat_plan import Options
from inventory.models import DataResource

from .test_dcat import DcatTestCase as BaseTestCase
from .test_dcat import upload


class DcatTestCase(BaseTestCase):
    """Messages asserted in English (the Chinese texts are checked by scripts/i18n.py)."""

    def setUp(self):
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        self.enterContext(translation.override("en"))


UUID1 = "6f1c9a5e-2d8b-4c3e-9a7f-1b2c3d4e5f60"
UUID2 = "0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d"

FULL = {
    "@type": "dcat:Dataset",
    "identifier": UUID1,
    "title": "公交线路站点",
    "description": "全县公交线路及站点位置",
    "keyword": ["交通", "公交"],
    "modified": "2025-06-30",
    "issued": "2024-01-15",
    "publisher": {"@type": "org:Organization", "name": "县交通运输局"},
    "contactPoint": {"@type": "vcard:Contact", "fn": "王芳", "hasEmail": "mailto:wangfang@example.gov.cn"},
    "accessLevel": "public",
    "bureauCode": ["021:00"],
    "programCode": ["021:001"],
    "license": "https://creativecommons.org/licenses/by/4.0/",
    "rights": "署名",
    "spatial": "甲县",
    "temporal": "2024-01-01/2025-06-30",
    "landingPage": "https://data.example.gov.cn/bus",
    "accrualPeriodicity": "R/P1M",
    "describedBy": "https://data.example.gov.cn/bus/dictionary.json",
    "references": ["https://data.example.gov.cn/bus/notes"],
    "distribution": [
        {
            "@type": "dcat:Distribution",
            "downloadURL": "https://data.example.gov.cn/bus/lines.csv",
            "mediaType": "text/csv",
            "format": "CSV",
            "title": "线路表",
        },
        {
            "@type": "dcat:Distribution",
            "accessURL": "https://data.example.gov.cn/api/bus",
            "format": "API",
            "title": "接口",
        },
    ],
}
RESTRICTED = {
    "identifier": UUID2,
    "title": "低保对象名单",
    "description": "",
    "accessLevel": "non-public",
    "rights": "含个人信息，仅限民政部门使用",
    "accrualPeriodicity": "R/P2W",
    "distribution": [{"mediaType": "application/x-unknown"}],
}


def catalog(*datasets) -> dict:
    return {"conformsTo": "https://project-open-data.cio.gov/v1.1/schema", "dataset": list(datasets)}


def unordered(value, fmt):
    """RDF keeps no order among the values of one property (keywords, distributions); data.json keeps it."""
    if fmt == dcat.DATAJSON or not isinstance(value, list):
        return value
    return sorted(value, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))


class UuidCatalogTests(DcatTestCase):
    def commit(self, doc, classification="301005", name="data.json", action="import", **more):
        response = self.import_page(doc, self.tree.township_a, name=name)
        response = self.client.post(
            reverse("inventory:dcat_import"),
            {"token": response.context["token"], "expect": response.context["expect"], "action": action, **more},
        )
        return response

    def import_page(self, data, unit, user=None, name="catalog.json", classification="301005"):
        self.client.force_login(user or self.cio)
        body = {"file": upload(data, name), "unit": unit.pk, "classification": classification}
        return self.client.post(reverse("inventory:dcat_import"), body)

    def test_without_classification_the_report_names_the_uuid(self):
        plan = dcat.parse(upload(catalog(FULL)), user=self.cio)
        self.assertIn(UUID1, plan.datasets[0].problems[0])

    def test_every_field_in_and_back_out_and_reimport_updates(self):
        response = self.commit(catalog(FULL))
        self.assertEqual(response.status_code, 302)
        r = DataResource.objects.get(source_identifier=UUID1)
        self.assertEqual((r.code, r.kind, r.provider), ("301005/000001", "departmental", self.tree.township_a))
        self.assertEqual((r.name, r.abstract, r.update_cycle), ("公交线路站点", "全县公交线路及站点位置", "monthly"))
        self.assertEqual((r.open_attribute, r.sharing_type), (c.OpenAttribute.OPEN, c.SharingType.UNCONDITIONAL))
        self.assertEqual((r.format, str(r.publication_date)), (c.ResourceFormat.SPREADSHEET, "2024-01-15"))
        self.assertEqual(r.extra_metadata["modified"], "2025-06-30")  # the source's, not the import date
        page = self.client.get(r.get_absolute_url())
        self.assertContains(page, 'id="source-metadata"')
        self.assertContains(page, UUID1)
        self.assertContains(page, "mailto:wangfang@example.gov.cn")
        for fmt in (dcat.DATAJSON, dcat.JSONLD, dcat.TURTLE, dcat.RDFXML):
            with self.subTest(fmt=fmt):
                back = self.exported(fmt)[UUID1]
                for key, value in FULL.items():
                    self.assertEqual(unordered(back.get(key), fmt), unordered(value, fmt), f"{fmt}: {key}")
                self.assertEqual(back["govcio:code"], "301005/000001")
        # The same file again: nothing created, nothing changed; a changed title updates the same entry.
        self.assertEqual(self.commit(catalog(FULL)).status_code, 302)
        self.assertEqual(DataResource.objects.filter(source_identifier=UUID1).count(), 1)
        record = AuditRecord.objects.filter(event="catalog.dcat_imported").latest("seq")
        self.assertEqual((record.changes["created"], record.changes["unchanged"]), (0, 1))
        self.assertEqual(self.commit(catalog({**FULL, "title": "公交线路与站点"})).status_code, 302)
        r = DataResource.objects.get(source_identifier=UUID1)
        self.assertEqual((r.code, r.name), ("301005/000001", "公交线路与站点"))
        record = AuditRecord.objects.filter(event="catalog.dcat_imported").latest("seq")
        self.assertEqual((record.changes["created"], record.changes["updated"]), (0, 1))
        self.assertTrue(AuditRecord.objects.filter(action="update", object_id=str(r.pk)).exists())

    def exported(self, fmt) -> dict:
        self.client.force_login(self.cio)
        response = self.client.get(reverse("inventory:dcat_export"), {"format": fmt, "unit": self.tree.township_a.pk})
        self.assertEqual(response.status_code, 200)
        data = b"".join(response.streaming_content)
        if fmt == dcat.DATAJSON:
            return {d["identifier"]: d for d in json.loads(data)["dataset"]}
        # Read back through the import's own reader: the RDF formats hold the same data.json fields.
        plan = dcat.parse(io.BytesIO(data), user=self.cio, fmt=fmt, options=Options(classification="301006"))
        return {d.identifier: {**d.row["extra_metadata"], **self._own(d)} for d in plan.datasets}

    @staticmethod
    def _own(d) -> dict:
        return {"identifier": d.identifier, "title": d.row["name"], "description": d.row["abstract"],
                "@type": "dcat:Dataset", "govcio:code": d.code}  # fmt: skip

    def test_unknown_values_stay_blank_and_non_public_is_never_unconditional(self):
        plan = dcat.parse(upload(catalog(RESTRICTED)), user=self.cio, options=Options(classification="301005"))
        (d,) = plan.datasets
        self.assertTrue(d.ok, d.problems)
        self.assertEqual(d.row["update_cycle"], "")  # R/P2W has no cycle of ours: blank, never "irregular"
        self.assertEqual(d.row["format"], c.ResourceFormat.OTHER)  # never "database"
        self.assertEqual(d.row["open_attribute"], c.OpenAttribute.NOT_OPEN)
        self.assertEqual(d.row["sharing_type"], c.SharingType.CONDITIONAL)
        self.assertEqual(d.row["sharing_conditions"], "含个人信息，仅限民政部门使用")
        self.assertNotIn("modified", d.row["extra_metadata"])
        notes = " ".join(d.unmapped)
        for fragment in ("R/P2W", "application/x-unknown", "non-public"):
            self.assertIn(fragment, notes)

    def test_valid_only_is_an_explicit_choice(self):
        doc = catalog(FULL, {"identifier": "bad-1", "title": ""})
        response = self.import_page(doc, self.tree.township_a)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'id="import-valid"', status_code=400)
        shown = {"token": response.context["token"], "expect": response.context["expect"]}
        refused = self.client.post(reverse("inventory:dcat_import"), {**shown, "action": "import"})
        self.assertEqual(refused.status_code, 400)  # all or nothing stays the default
        self.assertFalse(DataResource.objects.filter(source_identifier=UUID1).exists())
        done = self.client.post(reverse("inventory:dcat_import"), {**shown, "action": "valid_only"})
        self.assertEqual(done.status_code, 302)
        self.assertTrue(DataResource.objects.filter(source_identifier=UUID1).exists())
        record = AuditRecord.objects.filter(event="catalog.dcat_imported").latest("seq")
        self.assertEqual((record.changes["created"], record.changes["skipped"]), (1, 1))

    def test_the_mapping_table_gives_codes(self):
        response = self.import_page(catalog(FULL), self.tree.township_a)
        self.assertEqual(response.context["mapping"], f"{UUID1} = 301005/000001")
        shown = {"token": response.context["token"], "mapping": f"{UUID1} = 301005/000077", "action": "remap"}
        again = self.client.post(reverse("inventory:dcat_import"), shown)
        self.assertEqual(again.context["plan"].datasets[0].code, "301005/000077")
        shown.update(action="import", expect=again.context["expect"])
        self.assertEqual(self.client.post(reverse("inventory:dcat_import"), shown).status_code, 302)
        self.assertEqual(DataResource.objects.get(source_identifier=UUID1).code, "301005/000077")
        response = self.import_page(catalog(FULL), self.tree.township_a)
        wrong = {"token": response.context["token"], "mapping": f"{UUID1} = 301005/77", "action": "import"}
        again = self.client.post(reverse("inventory:dcat_import"), wrong)
        self.assertIn("is not “source identifier = catalog code”", again.context["mapping_errors"][0])
        self.assertEqual(again.context["mapping"], f"{UUID1} = 301005/77")  # kept for the user to correct
        self.assertEqual(DataResource.objects.filter(source_identifier=UUID1).count(), 1)
        bad = self.client.post(reverse("inventory:dcat_import"), {"token": "x", "mapping": "nonsense"})
        self.assertEqual(bad.status_code, 404)


TURTLE = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .

<https://data.example.org/ds/air> a dcat:Dataset ;
    dct:identifier "air-quality-2025" ;
    dct:title "空气质量监测"@zh, "Air quality"@en ;
    dct:description "县城空气质量小时数据" ;
    dcat:keyword "环境", "空气" ;
    dct:publisher <https://data.example.org/org/env> ;
    dcat:contactPoint <https://data.example.org/contact/env> ;
    dct:accrualPeriodicity <http://publications.europa.eu/resource/authority/frequency/DAILY> ;
    dct:accessRights <http://publications.europa.eu/resource/authority/access-right/PUBLIC> ;
    dct:license <https://creativecommons.org/licenses/by/4.0/> ;
    dcat:landingPage <https://data.example.org/air> ;
    dcat:distribution <https://data.example.org/dist/air-csv> .

<https://data.example.org/org/env> a foaf:Organization ; foaf:name "县生态环境局" .
<https://data.example.org/contact/env> a vcard:Kind ; vcard:fn "李强" ; vcard:hasEmail <mailto:liqiang@example.org> .
<https://data.example.org/dist/air-csv> a dcat:Distribution ;
    dcat:downloadURL <https://data.example.org/air.csv> ;
    dcat:mediaType <https://www.iana.org/assignments/media-types/text/csv> ;
    dct:format "CSV" .
"""

RDFXML = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dcat="http://www.w3.org/ns/dcat#"
  xmlns:dct="http://purl.org/dc/terms/" xmlns:foaf="http://xmlns.com/foaf/0.1/">
  <dcat:Dataset rdf:about="https://data.example.org/ds/water">
    <dct:identifier>water-2025</dct:identifier>
    <dct:title>供水水质</dct:title>
    <dct:publisher rdf:resource="https://data.example.org/org/water"/>
    <dct:accrualPeriodicity rdf:resource="http://publications.europa.eu/resource/authority/frequency/MONTHLY"/>
    <dcat:distribution rdf:nodeID="d1"/>
  </dcat:Dataset>
  <foaf:Organization rdf:about="https://data.example.org/org/water"><foaf:name>县水务局</foaf:name></foaf:Organization>
  <dcat:Distribution rdf:nodeID="d1"><dct:format>XLSX</dct:format>
    <dcat:accessURL rdf:resource="https://data.example.org/water"/></dcat:Distribution>
</rdf:RDF>
"""


class RdfTests(DcatTestCase):
    def plan(self, text, fmt="auto"):
        return dcat.parse(upload(text.encode()), user=self.cio, fmt=fmt, options=Options(classification="301007"))

    def test_turtle_with_node_references(self):
        plan = self.plan(TURTLE)
        self.assertEqual(plan.format, dcat.TURTLE)
        (d,) = plan.datasets
        self.assertTrue(d.ok, d.problems)
        extra = d.row["extra_metadata"]
        self.assertEqual((d.code, d.row["name"]), ("301007/000001", "空气质量监测"))
        self.assertEqual(d.row["update_cycle"], c.UpdateCycle.DAILY)
        self.assertEqual(d.row["open_attribute"], c.OpenAttribute.OPEN)
        self.assertEqual(d.row["format"], c.ResourceFormat.SPREADSHEET)
        self.assertEqual(extra["publisher"]["name"], "县生态环境局")
        self.assertEqual(extra["contactPoint"]["hasEmail"], "mailto:liqiang@example.org")
        self.assertEqual(extra["keyword"], ["环境", "空气"])
        self.assertEqual(extra["distribution"][0]["downloadURL"], "https://data.example.org/air.csv")
        self.assertEqual(extra["license"], "https://creativecommons.org/licenses/by/4.0/")

    def test_a_dataset_identified_by_its_iri_only(self):
        text = TURTLE.replace('    dct:identifier "air-quality-2025" ;\n', "")
        (d,) = self.plan(text).datasets
        self.assertEqual(d.identifier, "https://data.example.org/ds/air")
        self.assertTrue(d.ok, d.problems)

    def test_rdfxml_with_node_references(self):
        plan = self.plan(RDFXML)
        self.assertEqual(plan.format, dcat.RDFXML)
        (d,) = plan.datasets
        self.assertEqual(d.row["extra_metadata"]["publisher"]["name"], "县水务局")
        self.assertEqual(d.row["format"], c.ResourceFormat.SPREADSHEET)
        self.assertEqual(d.row["update_cycle"], c.UpdateCycle.MONTHLY)
        self.assertEqual(d.row["extra_metadata"]["distribution"][0]["accessURL"], "https://data.example.org/water")

    def test_turtle_round_trip_through_every_format(self):
        response = self.client.force_login(self.cio) or self.client.post(
            reverse("inventory:dcat_import"),
            {"file": upload(TURTLE.encode(), "air.ttl"), "unit": self.tree.township_a.pk, "classification": "301007"},
        )
        shown = {"token": response.context["token"], "expect": response.context["expect"], "action": "import"}
        self.assertEqual(self.client.post(reverse("inventory:dcat_import"), shown).status_code, 302)
        first = self.plan(TURTLE).datasets[0].row["extra_metadata"]
        for fmt in (dcat.TURTLE, dcat.RDFXML, dcat.JSONLD, dcat.DATAJSON):
            response = self.client.get(
                reverse("inventory:dcat_export"), {"format": fmt, "unit": self.tree.township_a.pk}
            )
            data = b"".join(response.streaming_content)
            plan = dcat.parse(io.BytesIO(data), user=self.cio, fmt=fmt)
            (d,) = plan.datasets
            self.assertEqual((d.action, d.code), ("update", "301007/000001"), fmt)  # found again: an update
            for key in ("publisher", "contactPoint", "keyword", "distribution", "license", "landingPage"):
                self.assertEqual(d.row["extra_metadata"][key], first[key], f"{fmt}: {key}")

    def test_hostile_rdf_is_refused(self):
        bomb = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&a;</rdf:RDF>'
        with self.assertRaisesMessage(dcat.DcatError, "DTD"):
            self.plan(bomb)
        with self.assertRaises(dcat.DcatError):
            self.plan("@prefix x: <y> . this is not turtle", fmt=dcat.TURTLE)
        with self.settings(GOVCIO_RDF_MAX_TRIPLES=5), self.assertRaisesMessage(dcat.DcatError, "5 statements"):
            self.plan(TURTLE)
        response = self.client.force_login(self.cio) or self.client.post(
            reverse("inventory:dcat_import"), {"file": upload(bomb.encode(), "x.rdf"), "unit": self.tree.township_a.pk}
        )
        self.assertEqual(response.status_code, 400)


class CommandTests(DcatTestCase):
    def test_import_and_export(self):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "data.json"
            path.write_text(json.dumps(catalog(FULL), ensure_ascii=False), encoding="utf-8")
            out = io.StringIO()
            args = ["import", str(path), "--unit", self.tree.township_a.code, "--user", self.cio.username]
            errors = io.StringIO()
            with self.assertRaises(CommandError):
                call_command("catalog", *args, stdout=out, stderr=errors)
            self.assertIn(UUID1, errors.getvalue())  # each dataset's problem, named
            self.assertFalse(DataResource.objects.filter(source_identifier=UUID1).exists())
            call_command("catalog", *args, "--classification", "301005", stdout=out)
            self.assertIn("1 created, 0 updated, 0 unchanged, 0 skipped", out.getvalue())
            out = io.StringIO()
            call_command("catalog", *args, "--classification", "301005", stdout=out)
            self.assertIn("0 created, 0 updated, 1 unchanged, 0 skipped", out.getvalue())
            out = io.StringIO()
            exp = ["export", "--unit", self.tree.township_a.code, "--format", "ttl", "--user", self.cio.username]
            call_command("catalog", *exp, stdout=out, stderr=io.StringIO())
            self.assertIn("公交线路站点", out.getvalue())
            self.assertTrue(AuditRecord.objects.filter(event="catalog.dcat_exported", actor=self.cio).exists())
        with self.assertRaises(CommandError):
            call_command("catalog", "import", "/no/such/file", "--unit", "x", "--user", self.cio.username)


class ValidationTests(DcatTestCase):
    def test_exports_are_checked_against_the_published_rules(self):
        from inventory import dcat_validate

        self.client.force_login(self.cio)
        for fmt in (dcat.DATAJSON, dcat.TURTLE, dcat.RDFXML, dcat.JSONLD):
            with self.subTest(fmt=fmt):
                response = self.client.get(reverse("inventory:dcat_export"), {"format": fmt, "validate": "1"})
                self.assertEqual(response.status_code, 200)
                validation = response.context["validation"]
                self.assertIsNotNone(validation)
                # What the catalog does not hold is named, never invented: the thematic entry has no abstract; DCAT-AP
                # also asks each distribution for an access URL and the catalog for a description and a publisher.
                self.assertFalse(validation.ok)
                if fmt == dcat.DATAJSON:
                    # Otherwise our entries carry every required DCAT-US field (the schema allows our govcio: keys).
                    self.assertEqual(
                        validation.problems, ["dataset 2 (201002/000004): description: '' should be non-empty"]
                    )
                else:
                    allowed = ("201002/000004: dct:description", "dcat:accessURL", "urn:govcio:catalog: dct:")
                    for problem in validation.problems:
                        self.assertTrue(any(a in problem for a in allowed), problem)
                    self.assertEqual(sum("dcat:accessURL" in p for p in validation.problems), 3)
        self.assertFalse(AuditRecord.objects.filter(event="catalog.dcat_exported").exists())  # nothing left
        bad = dcat_validate.validate_datajson(
            {"conformsTo": "x", "dataset": [{"identifier": "a", "accessLevel": "secret"}]}
        )
        text = " ".join(bad.problems)
        for fragment in ("conformsTo", "dataset 1 (a)", "accessLevel", "'title' is a required property"):
            self.assertIn(fragment, text)

    def test_the_uuid_catalog_stays_valid_after_its_round_trip(self):
        from inventory import dcat_validate

        doc = catalog(FULL)
        self.assertTrue(dcat_validate.validate_datajson(doc).ok, dcat_validate.validate_datajson(doc).problems)
        plan = dcat.parse(upload(doc), user=self.cio, options=Options(classification="301005"))
        from inventory import services

        services.catalog_import(actor=self.cio, unit=self.tree.township_a, plan=plan)
        resources = dcat.export_queryset(self.cio, self.tree.township_a)
        data = "".join(dcat.stream(dcat.DATAJSON, resources, user=self.cio, title="t", publisher=None))
        self.assertTrue(dcat_validate.validate(dcat.DATAJSON, data.encode()).ok)
