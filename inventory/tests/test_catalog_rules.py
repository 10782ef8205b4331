"""The rules of the government information resource catalog (2017 guide; 国发〔2016〕51号), each at the model level and
through the form and the API with an error on the right field; and the catalog tree, counted within scope only."""

import itertools

from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from core import testing
from inventory import choices as c
from inventory.models import DataResource, validate_resource
from inventory.tests.test_records import formset_data, new_resource


def entry(**fields) -> DataResource:
    """A valid departmental entry (class 3, item 01, category 001), changed by ``fields``."""
    values = {
        "kind": c.CatalogKind.DEPARTMENTAL,
        "class_code": "3",
        "item_code": "01",
        "category_code": "001",
        "detail_code": "",
        "code": "301001/000001",
        "name": "城乡低保对象信息",
        "sharing_type": c.SharingType.UNCONDITIONAL,
        "sharing_conditions": "",
    }
    values.update(fields)
    return DataResource(**values)


BASIC = {"kind": "basic", "class_code": "1", "code": "101001/000001"}
# (name, changes, field that must carry the error)
BROKEN = [
    ("code without the slash", {"code": "301001000001"}, "code"),
    ("sequence of five digits", {"code": "301001/00001"}, "code"),
    ("code of another item", {"code": "302001/000001"}, "code"),
    ("code of another class", {"kind": c.CatalogKind.THEMATIC, "class_code": "2"}, "code"),
    ("class not the kind's", {"class_code": "2", "code": "201001/000001"}, "class_code"),
    ("item of one digit", {"item_code": "1", "code": "31001/000001"}, "item_code"),
    ("category of two digits", {"category_code": "01", "code": "30101/000001"}, "category_code"),
    ("detail with a letter", {"detail_code": "0A", "code": "3010010A/000001"}, "detail_code"),
    ("code missing the detail", {"detail_code": "01"}, "code"),
    (
        "basic shared conditionally",
        {**BASIC, "sharing_type": "conditional", "sharing_conditions": "仅限户籍核验"},
        "sharing_type",
    ),
    (
        "basic not shared",
        {**BASIC, "sharing_type": "not_shared", "sharing_conditions": "《保守国家秘密法》"},
        "sharing_type",
    ),
    ("not shared without a basis", {"sharing_type": "not_shared"}, "sharing_conditions"),
    (
        "conditional without conditions",
        {"sharing_type": "conditional", "sharing_conditions": " "},
        "sharing_conditions",
    ),
]

VALID = [
    ("departmental, unconditional", {}),
    ("with a detail code", {"detail_code": "01", "code": "30100101/000001"}),
    ("basic, unconditional", BASIC),
    ("thematic", {"kind": "thematic", "class_code": "2", "code": "201001/000001"}),
    ("conditional with conditions", {"sharing_type": "conditional", "sharing_conditions": "仅用于低保资格核查"}),
    ("not shared with a basis", {"sharing_type": "not_shared", "sharing_conditions": "《统计法》第九条"}),
]


class ModelRuleTests(TestCase):
    def test_valid_entries(self):
        for name, changes in VALID:
            with self.subTest(name):
                self.assertEqual(validate_resource(entry(**changes)), {})

    def test_each_broken_rule_names_its_field(self):
        for name, changes, field in BROKEN:
            with self.subTest(name):
                errors = validate_resource(entry(**changes))
                self.assertIn(field, errors, errors)

    def test_full_clean_raises_on_the_field(self):
        tree = testing.build_tree()
        resource = entry(provider=tree.dept_a, sharing_type="conditional")
        with self.assertRaises(ValidationError) as caught:
            resource.full_clean()
        self.assertIn("sharing_conditions", caught.exception.message_dict)


def form_fields(changes: dict) -> dict:
    """The page's fields for an entry: the class is not typed (it follows the kind), the code is."""
    resource = entry(**changes)
    return {
        "kind": resource.kind,
        "item_code": resource.item_code,
        "category_code": resource.category_code,
        "detail_code": resource.detail_code,
        "code": resource.code,
        "name": resource.name,
        "format": "database",
        "sharing_type": resource.sharing_type,
        "sharing_conditions": resource.sharing_conditions,
        "sharing_method": "platform",
        "open_attribute": "not_open",
        "update_cycle": "yearly",
        "data_class": "general",
    }


class FormAndAPIRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.cio = testing.make_user("cio_catalog", "cio", cls.tree.county_a)

    def setUp(self):
        self.client.force_login(self.cio)
        self.api = APIClient()
        self.api.force_authenticate(self.cio)

    def post_form(self, changes):
        data = {**form_fields(changes), "provider": self.tree.dept_a.pk, **formset_data()}
        return self.client.post(reverse("inventory:dataresource_add"), data)

    def test_form_puts_each_error_on_its_field(self):
        for name, changes, field in BROKEN:
            # The page derives the class from the kind, so a code of another class is the code's error.
            field = "code" if field == "class_code" else field
            with self.subTest(name):
                response = self.post_form(changes)
                self.assertEqual(response.status_code, 400)
                self.assertIn(field, response.context["form"].errors, response.context["form"].errors)
        self.assertFalse(DataResource.objects.exists())

    def test_form_accepts_valid_entries(self):
        for index, (name, changes) in enumerate(VALID, start=1):
            with self.subTest(name):
                code = entry(**changes).code.replace("/000001", f"/{index:06d}")
                response = self.post_form({**changes, "code": code})
                self.assertEqual(
                    response.status_code, 302, getattr(response, "context", None) and response.context["form"].errors
                )
        self.assertEqual(DataResource.objects.count(), len(VALID))

    def test_form_derives_the_class(self):
        response = self.post_form({"kind": "basic", "class_code": "3", "code": "", "item_code": "02"})
        self.assertEqual(response.status_code, 302)
        resource = DataResource.objects.get()
        self.assertEqual((resource.class_code, resource.code), ("1", "102001/000001"))

    def test_form_leaves_auto_code_quiet_when_the_classification_is_wrong(self):
        response = self.post_form({"item_code": "1", "code": ""})
        errors = response.context["form"].errors
        self.assertIn("item_code", errors)
        self.assertNotIn("code", errors)

    def test_api_puts_each_error_on_its_field(self):
        for name, changes, field in BROKEN:
            with self.subTest(name):
                data = {**form_fields(changes), "provider": self.tree.dept_a.pk}
                field = "code" if field == "class_code" else field  # the API derives the class too
                response = self.api.post(reverse("api:dataresource-list"), data, format="json")
                self.assertEqual(response.status_code, 400, response.content)
                self.assertIn(field, response.json())
        self.assertFalse(DataResource.objects.exists())


_seq = itertools.count(1)


def add(unit, item="01", category="001", detail="", kind="departmental", **fields):
    """A resource at a classification, with the next free sequence number."""
    code = f"{c.CATALOG_CLASS_DIGIT[kind]}{item}{category}{detail}/{next(_seq):06d}"
    return new_resource(
        unit, kind=kind, item_code=item, category_code=category, detail_code=detail, code=code, **fields
    )


class CatalogTreeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.cio = testing.make_user("cio_tree", "cio", cls.tree.county_a)
        cls.liaison = testing.make_user("liaison_tree", "liaison", cls.tree.dept_a, subtree=False)
        t = cls.tree
        add(t.dept_a)
        add(t.dept_a, detail="01")
        add(t.sub_a, category="002")
        add(t.dept_a, item="02")
        add(t.dept_a, kind="basic", sharing_type="unconditional", sharing_conditions="")
        add(t.dept_b)  # county B: never counted for county A's people
        add(t.dept_b, detail="01")
        add(t.dept_b, item="07")

    def nodes(self, user, prefix=None):
        self.client.force_login(user)
        params = {} if prefix is None else {"prefix": prefix}
        response = self.client.get(reverse("inventory:catalog"), params)
        self.assertEqual(response.status_code, 200)
        return {node["code"]: node["count"] for node in response.context["nodes"]}

    def test_counts_are_scoped(self):
        self.assertEqual(self.nodes(self.cio), {"1": 1, "2": 0, "3": 4})
        self.assertEqual(self.nodes(self.cio, "3"), {"01": 3, "02": 1})
        self.assertEqual(self.nodes(self.cio, "301"), {"001": 2, "002": 1})
        self.assertEqual(self.nodes(self.cio, "301001"), {"01": 1})
        self.assertEqual(self.nodes(self.liaison), {"1": 1, "2": 0, "3": 3})
        self.assertEqual(self.nodes(self.liaison, "301"), {"001": 2})

    def test_page_and_links(self):
        self.client.force_login(self.cio)
        response = self.client.get(reverse("inventory:catalog"))
        self.assertEqual(response.context["total"], 5)
        self.assertContains(response, 'id="catalog-tree"')
        response = self.client.get(reverse("inventory:catalog"), {"prefix": "301"}, HTTP_HX_REQUEST="true")
        self.assertContains(response, reverse("inventory:dataresource_list") + "?classification=301001")
        listing = self.client.get(reverse("inventory:dataresource_list"), {"classification": "301001"})
        self.assertEqual(listing.context["page"].paginator.count, 2)

    def test_one_query_per_level_whatever_the_size(self):
        self.client.force_login(self.cio)
        counts = []
        for extra in (0, 30):
            for _ in range(extra):
                add(self.tree.dept_a, item="05", category=f"{extra:03d}")
            with CaptureQueriesContext(connection) as ctx:
                self.client.get(reverse("inventory:catalog"), {"prefix": "3"}, HTTP_HX_REQUEST="true")
            counts.append(len(ctx.captured_queries))
        self.assertEqual(counts[0], counts[1])

    def test_without_permission_is_404(self):
        self.client.force_login(testing.make_user("nobody_tree", None, self.tree.county_a))
        self.assertEqual(self.client.get(reverse("inventory:catalog")).status_code, 404)
