"""Bounded work for the catalog import (DCAT-AP JSON-LD and DCAT-US data.json): the security probe's file of 12 million
empty objects in 36 MB drove a web worker past 16 GB. Now every value, level of nesting and text is counted while
the file streams by, and refused with a message naming the limit, in bounded time and memory, with nothing written;
a catalog within the limits is read one dataset at a time."""

import json
import tempfile

from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from core import testing
from core.models import AuditRecord
from core.testing import measure, staged_uploads
from inventory import dcat
from inventory import dcat_mapping as m
from inventory.models import DataResource

from .test_dcat import DcatTestCase


def empty_objects(count: int) -> bytes:
    return b"[" + b"{}," * (count - 1) + b"{}]"


def datajson(count: int) -> bytes:
    datasets = [
        {"identifier": f"301009/{n:06d}", "title": f"资源{n}", "accessLevel": "public"} for n in range(1, count + 1)
    ]
    return json.dumps({"conformsTo": m.POD_SCHEMA, "dataset": datasets}).encode()


def jsonld(count: int) -> bytes:
    """A catalog shaped like our own export: datasets with a publisher, a distribution and ten data items."""
    datasets = [
        {
            "@type": "dcat:Dataset",
            "dct:identifier": f"301009/{n:06d}",
            "dct:title": f"城乡居民参保缴费信息{n}",
            "dct:description": "全县城乡居民医保参保及缴费明细" * 4,
            "dct:publisher": {"@type": "foaf:Organization", "foaf:name": "某县医保局", "dct:identifier": "330122001"},
            "dct:accrualPeriodicity": {"@id": m.EU_FREQUENCY + "ANNUAL"},
            "dct:accessRights": {"@id": m.EU_ACCESS + "PUBLIC"},
            "dcat:distribution": [{"dcat:mediaType": {"@id": m.IANA + "application/sql"}}],
            "govcio:dataItems": [{"govcio:name": f"字段{k}", "govcio:dataType": "string"} for k in range(10)],
        }
        for n in range(1, count + 1)
    ]
    doc = {"@context": m.JSONLD_CONTEXT, "@type": "dcat:Catalog", "dcat:dataset": datasets}
    return json.dumps(doc, ensure_ascii=False).encode()


class DcatLimitTests(DcatTestCase):
    def setUp(self):
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        self.enterContext(translation.override("en"))

    def refused(self, data: bytes) -> str:
        before = (DataResource.objects.count(), AuditRecord.objects.count(), staged_uploads())
        response = self.import_page(data, self.tree.township_a)
        self.assertEqual(response.status_code, 400)
        after = (DataResource.objects.count(), AuditRecord.objects.count(), staged_uploads())
        self.assertEqual(before, after, "nothing written, nothing staged")
        return response.context["file_error"]

    def test_the_probes_file_is_refused_early_in_bounded_memory(self):
        # The probe's very file: 12 million empty objects, 36 MB. Read from disk as an upload would be.
        with tempfile.TemporaryFile() as handle:
            handle.write(empty_objects(12_000_000))
            handle.seek(0)
            with measure() as cost, self.assertRaises(dcat.DcatError) as refusal:
                dcat.parse(handle, user=self.cio)
        self.assertEqual(
            str(refusal.exception),
            "The JSON holds more than 2000000 values (objects, lists, texts and numbers).",
        )
        self.assertLess(cost.peak_mb, 300)
        self.assertLess(cost.seconds, 10)

    @override_settings(GOVCIO_JSON_MAX_VALUES=100_000)
    def test_the_probes_shape_through_the_page(self):
        error = self.refused(empty_objects(1_200_000))
        self.assertIn("holds more than 100000 values", error)

    def test_one_enormous_dataset_is_refused_before_it_is_built(self):
        # Within the file's value limit, but all of it in one dataset, which the reader would build whole.
        keys = ",".join(f'"k{n}":{n}' for n in range(1_500_000))
        data = ('{"@type": "dcat:Catalog", "dcat:dataset": [{"@type": "dcat:Dataset", ' + keys + "}]}").encode()
        with tempfile.TemporaryFile() as handle:
            handle.write(data)
            del data, keys
            handle.seek(0)
            with measure() as cost, self.assertRaises(dcat.DcatError) as refusal:
                dcat.parse(handle, user=self.cio)
        self.assertEqual(
            str(refusal.exception),
            "One part of the JSON (a dataset, an item of a list) holds more than 100000 values.",
        )
        self.assertLess(cost.peak_mb, 100)

    def test_deep_nesting(self):
        self.assertEqual(self.refused(b"[" * 100_000 + b"]" * 100_000), "The JSON is nested more than 32 levels deep.")

    def test_a_huge_text(self):
        doc = {"dataset": [{"identifier": "301001/000001", "title": "x", "description": "长" * 200_000}]}
        error = self.refused(json.dumps(doc, ensure_ascii=False).encode())
        self.assertEqual(error, "The JSON has a text longer than 131072 characters.")

    def test_a_catalog_within_the_limits_is_read_one_dataset_at_a_time(self):
        # 10,000 datasets, 14 MB: parsed whole by the standard parser and then expanded, the datasets alone took
        # 170 MB and 5.5 s; read part by part, the whole plan takes well under half of that.
        data = jsonld(10_000)
        self.assertGreater(len(data), 12_000_000)
        with tempfile.TemporaryFile() as handle:
            handle.write(data)
            del data
            handle.seek(0)
            with measure() as cost:
                plan = dcat.parse(handle, user=self.cio)
        self.assertEqual(len(plan.datasets), 10_000)
        self.assertTrue(plan.ok, plan.datasets[0].problems)
        self.assertLess(cost.peak_mb, 80, cost)

    def test_staged_file_within_limits_still_imports(self):
        response = self.import_page(datajson(3), self.tree.township_a)
        self.assertEqual(response.status_code, 200, response.context.get("file_error"))
        response = self.client.post(reverse("inventory:dcat_import"), {"token": response.context["token"]})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(DataResource.objects.filter(code__startswith="301009/").count(), 3)


class DcatStagingTests(DcatTestCase):
    """The file kept between the report and the import is deleted when the import is committed or cancelled."""

    def test_commit_and_cancel_delete_the_staged_file(self):
        url = reverse("inventory:dcat_import")
        response = self.import_page(datajson(2), self.tree.township_a)
        self.assertEqual(len(staged_uploads()), 1)
        self.client.post(url, {"token": response.context["token"]})
        self.assertEqual(staged_uploads(), set())

        response = self.import_page(datajson(2).replace(b"301009/", b"301008/"), self.tree.township_a)
        self.assertContains(response, 'name="action" value="cancel"')
        token = response.context["token"]
        response = self.client.post(url, {"token": token, "action": "cancel"})
        self.assertRedirects(response, url, fetch_redirect_response=False)
        self.assertEqual(staged_uploads(), set())
        self.assertFalse(DataResource.objects.filter(code__startswith="301008/").exists())
        self.assertEqual(self.client.post(url, {"token": token}).status_code, 404)

    def test_the_confirmation_may_land_on_another_server_and_nobody_elses_token_works(self):
        url = reverse("inventory:dcat_import")
        token = self.import_page(datajson(2), self.tree.township_a).context["token"]
        other = testing.make_user("dcat_other_cio", "cio", self.tree.county_a)
        self.client.force_login(other)
        self.assertEqual(self.client.post(url, {"token": token}).status_code, 404)
        second = Client()  # another session of the uploader, as behind a second app server
        second.force_login(self.cio)
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            response = second.post(url, {"token": token})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(DataResource.objects.filter(code__startswith="301009/").count(), 2)
        self.assertEqual(staged_uploads(), set())
