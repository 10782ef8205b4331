"""Query parameters of the pages: a value a page cannot read answers 400 with a message, never 500.

Every page without arguments (and the detail pages that read parameters) is opened once with a ``request.GET`` that
records which parameters the page reads. Each parameter taking a number, a key or a choice is then given values that
are not a number ("abc", "²" — a digit to ``str.isdigit()`` but not to ``int()``) and one past 64 bits (SQLite:
"Python int too large to convert to SQLite INTEGER"), and must answer 400 naming it; any other parameter gets text
with a NUL (which PostgreSQL refuses), and no page may fail.
"""

import re
from unittest import mock

from django.core.handlers.wsgi import WSGIRequest
from django.http import QueryDict
from django.urls import URLResolver, get_resolver, reverse

from core import testing
from inventory.tests.factories import new_link, new_resource, new_system

BAD_NUMBERS = ["abc", "²", str(2**70)]
BAD_TEXT = "²\x00"  # PostgreSQL refuses NUL in text
# Parameters that take a number, a record's key or one of a few set values: a bad one is a 400.
STRICT = {
    "within",
    "unit",
    "system",
    "parent",
    "owner_unit",
    "provider",
    "from_system",
    "to_system",
    "resource",
    "user",
    "role",
    "owner",
    "assessment",
    "crypto_assessment",
    "depth",
    "level",
    "likelihood",
    "impact",
    "kind",
    "status",
    "severity",
    "source",
    "mapping",
    "limit",
}
SKIP = ("api/", "i18n/", "accounts/logout/", "accounts/login/", "autocomplete/")

read: set[str] = set()


class RecordingQueryDict(QueryDict):
    """``request.GET`` that notes the names a page reads."""

    def __getitem__(self, key):
        read.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        read.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        read.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        read.add(key)
        return super().__contains__(key)


def recording_get(request):
    if "_recording_get" not in request.__dict__:
        request.__dict__["_recording_get"] = RecordingQueryDict(request.environ.get("QUERY_STRING", ""))
    return request.__dict__["_recording_get"]


def pages_without_arguments():
    def walk(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    for route in walk(get_resolver()):
        if "<" not in route and not route.startswith(SKIP):
            yield "/" + re.sub(r"[\^$]", "", route)


class PageParameterTests(testing.KitTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.auditor = testing.make_user("kit_auditor", "auditadmin", cls.tree.county_a)
        cls.secadmin = testing.make_user("kit_secadmin", "secadmin", cls.tree.county_a)
        cls.system = new_system(cls.tree.dept_a)
        cls.resource = new_resource(cls.tree.dept_a, system=cls.system)
        new_link(cls.tree.dept_a)

    def pages(self):
        yield from pages_without_arguments()
        yield reverse("inventory:system_impact", args=[self.system.pk])
        yield reverse("inventory:dataresource_impact", args=[self.resource.pk])
        yield reverse("security:compromise", args=[self.system.pk])
        yield reverse("core:autocomplete", args=["inventory", "system"])

    def open(self, url, params=None):
        """(response, the parameters the page read) for a GET by the first user who may open the page."""
        with mock.patch.object(WSGIRequest, "GET", property(recording_get)):
            for user in (self.user, self.auditor, self.secadmin):
                self.client.force_login(user)
                read.clear()
                # Never empty: django-filter reads an empty query as no data at all.
                response = self.client.get(url, params or {"_": ""})
                if response.status_code != 404:
                    break
            return response, set(read)

    def test_no_page_fails_on_a_parameter_it_cannot_read(self):
        strict_seen = set()
        for url in self.pages():
            response, names = self.open(url)
            if response.status_code != 200:
                continue
            for name in sorted(names):
                for value in BAD_NUMBERS if name in STRICT else [BAD_TEXT]:
                    with self.subTest(url=url, parameter=name, value=value):
                        response, _ = self.open(url, {name: value})  # a 500 raises here
                        if name in STRICT:
                            strict_seen.add(name)
                            self.assertEqual(response.status_code, 400)
                            self.assertIn(name, response.content.decode())
        # The probe's three, at least, were read by some page.
        self.assertLessEqual({"within", "unit", "system"}, strict_seen)

    def test_a_bad_key_names_the_parameter_in_the_users_language(self):
        self.client.force_login(self.user)
        response = self.client.get(reverse("security:finding_add"), {"system": "²"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
        self.assertEqual(response.status_code, 400)
        self.assertIn("参数“system”", response.content.decode())

    def test_a_bad_filter_keeps_the_list_page_with_the_message(self):
        self.client.force_login(self.user)
        response = self.client.get(reverse("inventory:system_list"), {"owner_unit": "abc"})
        self.assertEqual(response.status_code, 400)
        self.assertTemplateUsed(response, "generic/object_list.html")
        self.assertTrue(response.context["filter_form"].errors["owner_unit"])

    def test_good_values_still_work(self):
        self.client.force_login(self.user)
        url = reverse("inventory:system_list")
        self.assertEqual(self.client.get(url, {"owner_unit": self.tree.dept_a.pk}).status_code, 200)
        response = self.client.get(reverse("security:finding_add"), {"system": self.system.pk})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].initial["system"], self.system.pk)
