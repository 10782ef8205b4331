"""Bad input to the API answers 400 with a message, never 500: every list endpoint of the router with its integer
filters given huge, fractional or non-numeric values (SQLite refuses integers past 64 bits), a tampered cursor, a
malformed page size; nested rows missing their key fields."""

import base64

from django.db.models import IntegerField
from django.urls import reverse
from django_filters import filters as django_filters
from rest_framework.test import APIClient

from core import testing
from govcio.api_urls import router

BAD_INTEGERS = ["1e30", str(2**70), str(-(2**70)), "1.5", "abc", "²", "NaN"]


def encode(raw: str) -> str:
    return base64.b64encode(raw.encode()).decode()


# Strings that are not cursors, offsets and directions that are not numbers, a position no database compares.
BAD_CURSORS = [encode("o=abc&p=1"), encode("o=-1"), encode("r=x"), encode("p=\x00"), "abc", "%%%", encode("p=1") + "é"]
# Positions that are not a whole number, on a list sorted by a number (on one sorted by text any text is a place).
BAD_NUMBER_POSITIONS = [encode("p=abc"), encode("p=1e30"), encode("r=1&p=x"), encode("p=" + str(2**70))]


def list_endpoints():
    """(basename, list URL, viewset class) of every viewset on the API router."""
    for _prefix, viewset, basename in router.registry:
        yield basename, reverse(f"api:{basename}-list"), viewset


def sorted_by_number(viewset) -> bool:
    model = viewset.queryset.model
    name = viewset.cursor_ordering.lstrip("-")
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    return isinstance(field, IntegerField)


def integer_filters(viewset) -> list[str]:
    """Names of the filters of ``viewset`` that take a number or a record's key."""
    view = viewset()
    view.action = "list"
    queryset = viewset.queryset.model._default_manager.none()
    names = []
    for backend in view.filter_backends:
        if not hasattr(backend, "get_filterset_class"):
            continue
        filterset = backend().get_filterset_class(view, queryset)
        for name, filter_ in (filterset.base_filters if filterset else {}).items():
            if isinstance(filter_, django_filters.NumberFilter | django_filters.ModelChoiceFilter):
                names.append(name)
    return names


class APIBadInputTests(testing.KitTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # The CIO reads every list but the audit log's, which is the audit administrator's (三员分立).
        cls.auditor = testing.make_user("kit_auditor", "auditadmin", cls.tree.county_a)

    def setUp(self):
        self.api = APIClient()

    def client_for(self, basename):
        self.api.force_authenticate(self.auditor if basename == "auditrecord" else self.user)
        return self.api

    def assert_bad_request(self, response, name):
        self.assertEqual(response.status_code, 400, response.content[:300])
        body = response.json()
        self.assertIn(name, body)
        self.assertTrue(all(isinstance(m, str) and m for m in body[name]), body)

    def test_every_list_endpoint_answers(self):
        for basename, url, _viewset in list_endpoints():
            with self.subTest(basename):
                self.assertEqual(self.client_for(basename).get(url).status_code, 200)

    def test_integer_filters_refuse_what_is_not_a_whole_number_in_range(self):
        checked = 0
        for basename, url, viewset in list_endpoints():
            for name in integer_filters(viewset):
                for value in BAD_INTEGERS:
                    with self.subTest(basename=basename, filter=name, value=value):
                        self.assert_bad_request(self.client_for(basename).get(url, {name: value}), name)
                checked += 1
        self.assertGreater(checked, 20)  # the inventory's and the security module's keys, at least

    def test_integer_filters_still_filter(self):
        response = self.client_for("system").get(reverse("api:system-list"), {"owner_unit": self.tree.dept_b.pk})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["results"], [])

    def test_tampered_cursor_is_400_on_every_list(self):
        by_number = 0
        for basename, url, viewset in list_endpoints():
            by_number += sorted_by_number(viewset)
            for cursor in BAD_CURSORS + (BAD_NUMBER_POSITIONS if sorted_by_number(viewset) else []):
                with self.subTest(basename=basename, cursor=cursor):
                    self.assert_bad_request(self.client_for(basename).get(url, {"cursor": cursor}), "cursor")
        self.assertGreaterEqual(by_number, 8)  # the probe's eight

    def test_a_real_cursor_still_pages(self):
        api = self.client_for("unit")
        first = api.get(reverse("api:unit-list"), {"limit": 2}).json()
        self.assertTrue(first["next"])
        second = api.get(first["next"])
        self.assertEqual(second.status_code, 200)
        self.assertNotEqual(second.json()["results"][0]["id"], first["results"][0]["id"])

    def test_malformed_page_size_is_400(self):
        for value in ["abc", "0", "-1", "1e3", str(2**70), "1001"]:
            with self.subTest(value=value):
                self.assert_bad_request(
                    self.client_for("unit").get(reverse("api:unit-list"), {"limit": value}), "limit"
                )
        self.assertEqual(self.client_for("unit").get(reverse("api:unit-list"), {"limit": "1000"}).status_code, 200)

    def test_not_found_in_the_users_language(self):
        api = self.client_for("grading")
        response = api.get(reverse("api:grading-detail", args=[2**40]), HTTP_ACCEPT_LANGUAGE="zh-hans")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json(), {"detail": "未找到。"})

    def test_a_refusal_is_always_an_object_of_messages(self):
        """A unit made outside the user's scope, a user likewise: the service's refusal as ``non_field_errors``
        (it was a bare list, which the schema's error shape does not allow)."""
        api = self.client_for("unit")
        response = api.post(
            reverse("api:unit-list"), {"kind": "county", "name": "丙县", "code": "990003"}, format="json"
        )
        self.assertEqual(response.status_code, 400, response.content)
        self.assertTrue(response.json()["non_field_errors"])

    def test_an_unknown_api_address_is_a_json_404(self):
        api = self.client_for("unit")
        for url in ["/api/v1/org/units/1.5/", "/api/v1/no-such-thing/"]:
            with self.subTest(url=url):
                response = api.get(url)
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response["Content-Type"], "application/json")
                self.assertTrue(response.json()["detail"])
