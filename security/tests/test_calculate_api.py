"""POST /api/v1/security/grading/calculate/ (issue 4): every valid combination answers the levels of the table;
anything else answers 400 naming the allowed values."""

import itertools

from django.test import TestCase
from django.urls import reverse
from rest_framework.test import APIClient

from core import testing
from security.choices import HarmDegree, HarmObject
from security.models import SecurityPolicy
from security.tests.test_grading_rules import STANDARD

OBJECTS = ", ".join(HarmObject.values)
DEGREES = ", ".join(HarmDegree.values)


def body(business, service) -> dict:
    return {
        "business": {"object": business[0], "degree": business[1]},
        "service": {"object": service[0], "degree": service[1]},
    }


class CalculateAPITests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.user = testing.make_user("zhang_wei", "liaison", cls.tree.dept_a, full_name="张伟")
        cls.outsider = testing.make_user("li_na", "liaison", cls.tree.dept_b, full_name="李娜")

    def setUp(self):
        self.api = APIClient()
        self.api.force_authenticate(self.user)
        self.url = reverse("api:grading-calculate")

    def post(self, data, api=None):
        return (api or self.api).post(self.url, data, format="json")

    def test_every_valid_combination(self):
        for business, service in itertools.product(STANDARD, STANDARD):
            with self.subTest(business=business, service=service):
                response = self.post(body(business, service))
                self.assertEqual(response.status_code, 200, response.content)
                expected = (STANDARD[business], STANDARD[service])
                self.assertEqual(
                    response.json(),
                    {"business_level": expected[0], "service_level": expected[1], "level": max(expected)},
                )

    def test_the_callers_government_setting_applies(self):
        SecurityPolicy.objects.create(unit=self.tree.county_a, citizen_especially_serious_level=3)
        cell = ("citizen", "especially_serious")
        self.assertEqual(self.post(body(cell, ("citizen", "general"))).json()["business_level"], 3)
        other = APIClient()
        other.force_authenticate(self.outsider)  # county B keeps the default of the 2020 text
        self.assertEqual(self.post(body(cell, ("citizen", "general")), api=other).json()["business_level"], 2)

    def test_invalid_object_names_the_allowed_values(self):
        response = self.post(body(("enterprise", "general"), ("citizen", "general")))
        self.assertEqual(response.status_code, 400)
        message = response.json()["business"]["object"][0]
        self.assertIn("enterprise", message)
        self.assertIn(OBJECTS, message)

    def test_invalid_degree_names_the_allowed_values(self):
        response = self.post(body(("citizen", "general"), ("citizen", "catastrophic")))
        self.assertEqual(response.status_code, 400)
        self.assertIn(DEGREES, response.json()["service"]["degree"][0])

    def test_wrong_types_are_refused(self):
        for data in (
            body((1, "general"), ("citizen", "general")),
            {"business": "citizen", "service": {"object": "citizen", "degree": "general"}},
            ["citizen", "general"],
        ):
            with self.subTest(data=data):
                self.assertEqual(self.post(data).status_code, 400)

    def test_unknown_keys_are_refused(self):
        data = {**body(("citizen", "general"), ("citizen", "general")), "level": 5}
        response = self.post(data)
        self.assertEqual(response.status_code, 400)
        self.assertIn("level", response.json())
        data = body(("citizen", "general"), ("citizen", "general"))
        data["business"]["setting"] = 3
        response = self.post(data)
        self.assertEqual(response.status_code, 400)
        self.assertIn("setting", str(response.json()))

    def test_missing_fields_are_refused(self):
        response = self.post({"business": {"object": "citizen", "degree": "general"}})
        self.assertEqual(response.status_code, 400)
        self.assertIn("service", response.json())
        response = self.post({"business": {"object": "citizen"}, "service": {"object": "nation", "degree": "serious"}})
        self.assertEqual(response.status_code, 400)
        self.assertIn(DEGREES, response.json()["business"]["degree"][0])
        self.assertEqual(self.post({}).status_code, 400)

    def test_unauthenticated_is_refused(self):
        response = self.post(body(("citizen", "general"), ("citizen", "general")), api=APIClient())
        self.assertIn(response.status_code, (401, 403))

    def test_get_is_not_allowed(self):
        self.assertEqual(self.api.get(self.url).status_code, 405)
