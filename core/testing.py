"""The testing kit: a small org tree, users with roles, and base test cases that give a model its standard suite.

A model's tests subclass ``StandardViewTests`` / ``StandardAPITests``, set a few attributes and implement
``make_object(unit)``; they get list, detail, create, edit, delete, import and export, each without permission,
with permission and with the object outside scope (404), plus a query budget for the list.
"""

import csv
import gc
import io
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import resolve, reverse
from rest_framework.test import APIClient

from core.models import Role, RoleAssignment, Unit

PASSWORD = "Kit-Passw0rd-2026"


@dataclass
class Tree:
    """county_a (0001) ⊃ dept_a ⊃ sub_a, township_a; county_b (0002) ⊃ dept_b."""

    county_a: Unit
    dept_a: Unit
    sub_a: Unit
    township_a: Unit
    county_b: Unit
    dept_b: Unit


@dataclass
class Cost:
    """What a block of code took: wall time, and the peak of memory it added (MB)."""

    seconds: float = 0.0
    peak_mb: float = 0.0


def _rss_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise OSError(field)


@contextmanager
def measure() -> Iterator[Cost]:
    """Measure the block's time and the peak of memory it adds. On Linux that is the process's resident memory (its
    high-water mark, reset at the start through /proc/self/clear_refs), so memory taken by C libraries (calamine,
    yajl) counts and Python's own allocations are not slowed down by tracing; elsewhere tracemalloc's peak."""
    cost = Cost()
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")  # resets VmHWM to the current resident size
        base = _rss_kb("VmHWM")
    except OSError:
        base = None
    if base is None:
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
    start = time.perf_counter()
    try:
        yield cost
    finally:
        cost.seconds = time.perf_counter() - start
        if tracemalloc.is_tracing():
            cost.peak_mb = (tracemalloc.get_traced_memory()[1] - base) / (1024 * 1024)
            tracemalloc.stop()
        else:
            cost.peak_mb = (_rss_kb("VmHWM") - base) / 1024


def csv_bytes(schema, rows: list[dict]) -> bytes:
    """A CSV with the import schema's headers in the active language (so it works before and after translation) and
    one line per row (by column name; a missing value is an empty cell)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(column.header) for column in schema.columns])
    for row in rows:
        writer.writerow([row.get(column.name, "") for column in schema.columns])
    return out.getvalue().encode("utf-8")


def recount() -> None:
    """Data made straight through the ORM is not audited, so no figure knows of it: count every rollup again and drop
    the cached figures (``core.rollups.rebuild``, what ``govcio rollups rebuild`` does after raw SQL)."""
    from core import rollups

    rollups.rebuild()


def make_unit(name: str, code: str, kind: str, parent: Unit | None = None, **fields) -> Unit:
    from core.services.units import unit_create

    return unit_create(actor=None, kind=kind, name=name, code=code, parent=parent, **fields)


def build_tree() -> Tree:
    county_a = make_unit("甲县", "990001", "county")
    dept_a = make_unit("甲县财政局", "990001-CZ", "department", county_a)
    sub_a = make_unit("甲县国库支付中心", "990001-CZ-01", "subunit", dept_a)
    township_a = make_unit("甲县城关镇", "990001001", "township", county_a)
    county_b = make_unit("乙县", "990002", "county")
    dept_b = make_unit("乙县财政局", "990002-CZ", "department", county_b)
    return Tree(county_a, dept_a, sub_a, township_a, county_b, dept_b)


def make_user(username: str, role: str | None = None, unit: Unit | None = None, subtree: bool = True, **fields):
    """A user of the project's user model (``settings.AUTH_USER_MODEL``: it has a ``unit`` and a ``full_name``) with
    the kit's password, and ``role`` at ``unit`` when given."""
    fields.setdefault("full_name", username)
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, unit=unit, **fields)
    if role:
        grant(user, role, unit, subtree)
    return user


def grant(user, role: str, unit: Unit, subtree: bool = True) -> RoleAssignment:
    from core.gate import forget

    forget(user)
    return RoleAssignment.objects.create(
        user=user, role=Role.objects.get(code=role), unit=unit, include_descendants=subtree
    )


def outside_record(field, user):
    """A record the model-choice ``field`` must refuse: one of its model the user may not see (outside their scope),
    or, for a model the gate does not cover, one the field does not offer; None when there is none."""
    model = field.queryset.model
    offered = model.objects.restrict(user, "view") if hasattr(model.objects, "restrict") else field.queryset
    return model._base_manager.exclude(pk__in=offered.values("pk")).order_by("pk").first()


class ScopedChoicesMixin:
    """Posting a key the user may not choose: every model-choice field of a form page, in turn."""

    def assert_choices_refused(self, url: str, data: dict, *, user=None, leaks=(), form_name: str = "form") -> int:
        """GET ``url`` for its form; then for each model-choice field (not disabled) POST ``data`` with the field set
        to a record outside the user's scope. The page must refuse it — 404, or the form again with an error on that
        field, never a redirect (saved) or a 500 — and show nothing of the record: its name, or any of ``leaks``.
        Returns how many fields were tried."""
        from django import forms

        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        form = response.context[form_name]
        user = user or response.wsgi_request.user
        tried = 0
        for name, field in form.fields.items():
            if not isinstance(field, forms.ModelChoiceField) or field.disabled:
                continue
            other = outside_record(field, user)
            if other is None:
                continue
            tried += 1
            value = [other.pk] if isinstance(field, forms.ModelMultipleChoiceField) else other.pk
            response = self.client.post(url, {**data, name: value})
            self.assertIn(response.status_code, (200, 400, 404), f"{url} {name}: an out-of-scope key was accepted")
            if response.status_code != 404:
                self.assertIn(name, response.context[form_name].errors, f"{url} {name}: no error for the key")
            body = response.content.decode("utf-8", "replace")
            for text in [str(other), *leaks]:
                self.assertNotIn(text, body, f"{url} {name}: the page shows “{text}” of a record outside scope")
        return tried


class KitTestCase(ScopedChoicesMixin, TestCase):
    """A tree, a permitted user scoped to county A, a user without the model's permissions, and an outsider."""

    role = "cio"
    model = None

    @classmethod
    def setUpTestData(cls):
        cls.tree = build_tree()
        cls.user = make_user("kit_user", cls.role, cls.tree.county_a)
        cls.viewer = make_user("kit_viewer", "expert", cls.tree.county_a)
        cls.nobody = make_user("kit_nobody", None, cls.tree.county_a)

    def login(self, user=None):
        self.client.force_login(user or self.user)

    def url(self, suffix: str, *args) -> str:
        meta = self.model._meta
        namespace = getattr(self, "namespace", meta.app_label)
        return reverse(f"{namespace}:{meta.model_name}_{suffix}", args=args)

    def detail_url(self, obj) -> str:
        return obj.get_absolute_url()


class StandardViewTests(KitTestCase):
    """Subclasses set ``model``, ``form_data()``, ``make_object(unit)``, ``import_rows()`` (CSV rows with the
    template's headers) and optionally ``edit_changes``."""

    edit_changes: dict = {}
    list_budget_rows = (2, 6)

    def make_object(self, unit):
        raise NotImplementedError

    def form_data(self) -> dict:
        raise NotImplementedError

    def import_csv(self) -> bytes | None:
        return None

    def setUp(self):
        self.inside = self.make_object(self.tree.dept_a)
        self.outside = self.make_object(self.tree.dept_b)

    # list ------------------------------------------------------------------------------------------------------
    def test_list_requires_login(self):
        response = self.client.get(self.url("list"))
        self.assertEqual(response.status_code, 302)

    def test_list_shows_only_scope(self):
        self.login()
        response = self.client.get(self.url("list"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, self.detail_url(self.inside))
        self.assertNotContains(response, self.detail_url(self.outside))

    def test_list_without_permission_is_404(self):
        self.login(self.nobody)
        self.assertEqual(self.client.get(self.url("list")).status_code, 404)

    def test_list_query_budget_is_constant(self):
        self.login()
        counts = []
        for n in self.list_budget_rows:
            while self.model.objects.restrict(self.user, "view").count() < n:
                self.make_object(self.tree.dept_a)
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            recount()  # the page's count computed each time (objects made here are not audited)
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get(self.url("list")).status_code, 200)
            counts.append(len(ctx.captured_queries))
        self.assertEqual(counts[0], counts[1], f"list queries grow with rows: {counts}")

    # detail ----------------------------------------------------------------------------------------------------
    def test_detail_in_scope(self):
        self.login()
        self.assertEqual(self.client.get(self.detail_url(self.inside)).status_code, 200)

    def test_detail_out_of_scope_is_404(self):
        self.login()
        self.assertEqual(self.client.get(self.detail_url(self.outside)).status_code, 404)

    def test_detail_without_permission_is_404(self):
        self.login(self.nobody)
        self.assertEqual(self.client.get(self.detail_url(self.inside)).status_code, 404)

    # create ----------------------------------------------------------------------------------------------------
    def test_create(self):
        self.login()
        before = self.model.objects.count()
        response = self.client.post(self.url("add"), self.form_data())
        self.assertEqual(
            response.status_code,
            302,
            getattr(response, "context", None) and response.context.get("form") and response.context["form"].errors,
        )
        self.assertEqual(self.model.objects.count(), before + 1)

    def test_create_without_permission_is_404(self):
        self.login(self.viewer)
        before = self.model.objects.count()
        self.assertEqual(self.client.post(self.url("add"), self.form_data()).status_code, 404)
        self.assertEqual(self.model.objects.count(), before)

    # edit ------------------------------------------------------------------------------------------------------
    def edit_data(self, obj) -> dict:
        from django.forms.models import model_to_dict

        data = {k: v for k, v in model_to_dict(obj).items() if v is not None}
        data.update(self.edit_changes)
        data["version"] = obj.version
        return data

    def test_edit(self):
        self.login()
        response = self.client.post(self.url("edit", self.inside.pk), self.edit_data(self.inside))
        self.assertEqual(response.status_code, 302)
        self.inside.refresh_from_db()
        for key, value in self.edit_changes.items():
            self.assertEqual(str(getattr(self.inside, key)), str(value))

    def test_edit_stale_version_conflicts(self):
        self.login()
        data = self.edit_data(self.inside)
        data["version"] = self.inside.version - 1 if self.inside.version > 1 else self.inside.version + 5
        response = self.client.post(self.url("edit", self.inside.pk), data)
        self.assertEqual(response.status_code, 400)
        self.assertTrue(response.context["form"].non_field_errors())

    def test_edit_out_of_scope_is_404(self):
        self.login()
        response = self.client.post(self.url("edit", self.outside.pk), self.edit_data(self.outside))
        self.assertEqual(response.status_code, 404)

    def test_edit_without_permission_is_404(self):
        self.login(self.viewer)
        self.assertEqual(self.client.get(self.url("edit", self.inside.pk)).status_code, 404)

    def test_create_and_edit_refuse_out_of_scope_choices(self):
        self.login()
        tried = self.assert_choices_refused(self.url("add"), self.form_data())
        tried += self.assert_choices_refused(self.url("edit", self.inside.pk), self.edit_data(self.inside))
        if not tried:
            self.skipTest("the form has no choice of records")

    # delete ----------------------------------------------------------------------------------------------------
    def test_delete(self):
        self.login()
        obj = self.make_object(self.tree.dept_a)
        self.assertEqual(self.client.post(self.url("delete", obj.pk)).status_code, 302)
        self.assertFalse(self.model.objects.filter(pk=obj.pk).exists())

    def test_delete_out_of_scope_is_404(self):
        self.login()
        self.assertEqual(self.client.post(self.url("delete", self.outside.pk)).status_code, 404)
        self.assertTrue(self.model.objects.filter(pk=self.outside.pk).exists())

    def test_delete_without_permission_is_404(self):
        self.login(self.viewer)
        self.assertEqual(self.client.post(self.url("delete", self.inside.pk)).status_code, 404)

    # bulk --------------------------------------------------------------------------------------------------------
    bulk_changes: dict = {}

    def optional_url(self, suffix):
        from django.urls import NoReverseMatch

        try:
            return self.url(suffix)
        except NoReverseMatch:
            return None

    def test_bulk_edit_within_scope(self):
        url = self.optional_url("bulk_edit")
        if not url or not self.bulk_changes:
            self.skipTest("no bulk edit")
        self.login()
        data = {"pk": [self.inside.pk, self.outside.pk], "_apply": "1", **self.bulk_changes}
        data.update({f"apply_{k}": "on" for k in self.bulk_changes})
        self.assertEqual(self.client.post(url, data).status_code, 404)
        data["pk"] = [self.inside.pk]
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.inside.refresh_from_db()
        for key, value in self.bulk_changes.items():
            self.assertEqual(str(getattr(self.inside, key)), str(value))

    def test_bulk_delete_within_scope(self):
        url = self.optional_url("bulk_delete")
        if not url:
            self.skipTest("no bulk delete")
        self.login()
        obj = self.make_object(self.tree.dept_a)
        self.assertEqual(self.client.post(url, {"pk": [obj.pk, self.outside.pk]}).status_code, 404)
        self.assertTrue(self.model.objects.filter(pk=obj.pk).exists())
        self.assertEqual(self.client.post(url, {"pk": [obj.pk]}).status_code, 302)
        self.assertFalse(self.model.objects.filter(pk=obj.pk).exists())

    # export ----------------------------------------------------------------------------------------------------
    def test_export_csv_holds_only_scope(self):
        self.login()
        response = self.client.get(self.url("list") + "?export=csv")
        self.assertEqual(response.status_code, 200)
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        self.assertIn(str(self.inside), body)
        self.assertNotIn(str(self.outside), body)

    def test_export_xlsx(self):
        self.login()
        response = self.client.get(self.url("list") + "?export=xlsx")
        self.assertEqual(response.status_code, 200)
        content = b"".join(response.streaming_content)
        self.assertTrue(content.startswith(b"PK"))

    def test_export_without_permission_is_404(self):
        self.login(self.viewer)
        self.assertEqual(self.client.get(self.url("list") + "?export=csv").status_code, 404)

    # import ----------------------------------------------------------------------------------------------------
    def test_import_template(self):
        self.login()
        response = self.client.get(self.url("import") + "?template=1")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"PK"))

    def test_import_validates_then_commits(self):
        data = self.import_csv()
        if data is None:
            self.skipTest("model has no import")
        self.login()
        before = self.model.objects.count()
        upload = io.BytesIO(data)
        upload.name = "import.csv"
        response = self.client.post(self.url("import"), {"file": upload})
        result = response.context.get("result")
        problems = result.errors if result else [response.context.get("file_error")]
        self.assertEqual(response.status_code, 200, problems)
        self.assertEqual(self.model.objects.count(), before, "validation must not write")
        token = response.context["token"]
        response = self.client.post(self.url("import"), {"token": token})
        self.assertEqual(response.status_code, 302)
        self.assertGreater(self.model.objects.count(), before)

    exists_messages: tuple[str, ...] = ()  # what the import says of a record that exists, besides "already exists"

    def test_register_export_is_accepted_by_the_import_as_it_is(self):
        """The list's register export, uploaded back unchanged: every header and cell is read; with the "add and
        update" mode every row is matched and unchanged, in "add only" the only problems are the records that
        exist already."""
        from django.utils.translation import gettext

        if self.import_csv() is None:
            self.skipTest("model has no import")
        self.test_import_validates_then_commits()
        response = self.client.get(self.url("list") + "?export=register")
        self.assertEqual(response.status_code, 200)
        data = b"".join(response.streaming_content)
        self.assertTrue(data.startswith(b"PK"))
        page = resolve(self.url("import")).func.view_class()
        upload = io.BytesIO(data)
        upload.name = "register.xlsx"
        if page.offers_update:
            response = self.client.post(self.url("import"), {"file": upload, "mode": "update"})
            result = response.context.get("result")
            self.assertEqual(response.status_code, 200, result and result.errors)
            counts = response.context["counts"]
            self.assertEqual((counts["created"], counts["updated"]), (0, 0), counts)
            self.assertEqual(counts["unchanged"], self.model.objects.restrict(self.user, "view").count())
            return
        response = self.client.post(self.url("import"), {"file": upload})
        result = response.context.get("result")
        self.assertIsNotNone(result, response.context.get("file_error"))
        before, after = gettext("“{value}” already exists.").split("{value}")
        existing = {e.row for e in result.errors if e.message.startswith(before) and e.message.endswith(after)}
        existing |= {e.row for e in result.errors if e.message in map(gettext, self.exists_messages)}
        problems = [e for e in result.errors if e.row not in existing]
        self.assertEqual(problems, [], "the export is not accepted as it is")

    def test_import_without_permission_is_404(self):
        self.login(self.viewer)
        self.assertEqual(self.client.get(self.url("import")).status_code, 404)


class StandardAPITests(KitTestCase):
    """Subclasses set ``model``, ``api_basename``, ``make_object(unit)``, ``api_create_data()`` and
    ``api_changes``."""

    api_changes: dict = {}

    def make_object(self, unit):
        raise NotImplementedError

    def api_create_data(self) -> dict:
        raise NotImplementedError

    def setUp(self):
        self.inside = self.make_object(self.tree.dept_a)
        self.outside = self.make_object(self.tree.dept_b)
        self.api = APIClient()

    def api_url(self, obj=None) -> str:
        if obj is None:
            return reverse(f"api:{self.api_basename}-list")
        return reverse(f"api:{self.api_basename}-detail", args=[obj.pk])

    def auth(self, user=None):
        self.api.force_authenticate(user or self.user)

    def test_api_requires_authentication(self):
        self.assertIn(self.api.get(self.api_url()).status_code, (401, 403))

    def test_api_list_only_scope(self):
        self.auth()
        response = self.api.get(self.api_url(), {"limit": 1000})
        self.assertEqual(response.status_code, 200)
        ids = {row.get("id") for row in response.json()["results"]}
        self.assertIn(self.inside.pk, ids)
        self.assertNotIn(self.outside.pk, ids)

    api_budget_rows = (5, 50)

    def test_api_list_query_budget_is_constant(self):
        """The list's queries do not grow with its rows (select_related / prefetch_related declared): the same
        count for a page of 5 rows and one of 50."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.auth()
        counts = []
        for n in self.api_budget_rows:
            while self.model.objects.restrict(self.user, "view").count() < n:
                self.make_object(self.tree.dept_a)
            with CaptureQueriesContext(connection) as queries:
                response = self.api.get(self.api_url(), {"limit": n})
            self.assertEqual(response.status_code, 200, response.content[:300])
            self.assertEqual(len(response.json()["results"]), n)
            counts.append(len(queries.captured_queries))
        self.assertEqual(counts[0], counts[1], f"API list queries grow with rows: {counts}")

    def test_api_list_without_permission_is_denied(self):
        self.auth(self.nobody)
        self.assertEqual(self.api.get(self.api_url()).status_code, 403)

    def test_api_retrieve_out_of_scope_is_404(self):
        self.auth()
        self.assertEqual(self.api.get(self.api_url(self.inside)).status_code, 200)
        self.assertEqual(self.api.get(self.api_url(self.outside)).status_code, 404)

    def test_api_create(self):
        self.auth()
        before = self.model.objects.count()
        response = self.api.post(self.api_url(), self.api_create_data(), format="json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(self.model.objects.count(), before + 1)

    def test_api_create_without_permission(self):
        self.auth(self.viewer)
        self.assertEqual(self.api.post(self.api_url(), self.api_create_data(), format="json").status_code, 403)

    def etag(self, obj) -> str:
        """The ETag of ``obj`` as the API gives it (the record's version), for ``If-Match``."""
        response = self.api.get(self.api_url(obj))
        self.assertEqual(response.status_code, 200, response.content)
        return response["ETag"]

    def test_api_update_with_etag(self):
        self.auth()
        etag = self.etag(self.inside)
        response = self.api.patch(self.api_url(self.inside), self.api_changes, format="json", HTTP_IF_MATCH=etag)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response["ETag"], f'"{response.json()["version"]}"')
        self.assertNotEqual(response["ETag"], etag)
        response = self.api.patch(self.api_url(self.inside), self.api_changes, format="json", HTTP_IF_MATCH=etag)
        self.assertEqual(response.status_code, 412)

    def test_api_change_without_if_match_is_428(self):
        self.auth()
        version = self.model.objects.get(pk=self.inside.pk).version
        response = self.api.patch(self.api_url(self.inside), self.api_changes, format="json")
        self.assertEqual(response.status_code, 428, response.content)
        self.assertIn("If-Match", response.json()["detail"])
        self.assertEqual(self.api.delete(self.api_url(self.inside)).status_code, 428)
        self.assertEqual(self.model.objects.get(pk=self.inside.pk).version, version)

    def test_api_malformed_if_match_is_400(self):
        self.auth()
        version = self.model.objects.get(pk=self.inside.pk).version
        for value in [str(version), "", "abc", f'"{version}", x', f"W/{version}", f'"{version}" "1"', '"a b"']:
            with self.subTest(value=value):
                response = self.api.patch(
                    self.api_url(self.inside), self.api_changes, format="json", HTTP_IF_MATCH=value
                )
                self.assertEqual(response.status_code, 400, response.content)
                self.assertIn("If-Match", response.json()["detail"])
                self.assertEqual(self.api.delete(self.api_url(self.inside), HTTP_IF_MATCH=value).status_code, 400)
        self.assertEqual(self.model.objects.get(pk=self.inside.pk).version, version)

    def test_api_if_match_takes_a_list_a_weak_tag_and_star(self):
        self.auth()
        url = self.api_url(self.inside)
        changes = self.api_changes
        response = self.api.patch(url, changes, format="json", HTTP_IF_MATCH=f'"999", {self.etag(self.inside)}')
        self.assertEqual(response.status_code, 200, response.content)
        response = self.api.patch(url, changes, format="json", HTTP_IF_MATCH="W/" + self.etag(self.inside))
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(self.api.patch(url, changes, format="json", HTTP_IF_MATCH="*").status_code, 200)

    def test_api_update_out_of_scope_is_404(self):
        self.auth()
        response = self.api.patch(self.api_url(self.outside), self.api_changes, format="json", HTTP_IF_MATCH='"1"')
        self.assertEqual(response.status_code, 404)

    def test_api_delete(self):
        self.auth()
        obj = self.make_object(self.tree.dept_a)
        etag = self.etag(obj)
        self.model.objects.filter(pk=obj.pk).update(version=obj.version + 1)  # someone changed it since
        self.assertEqual(self.api.delete(self.api_url(obj), HTTP_IF_MATCH=etag).status_code, 412)
        self.assertTrue(self.model.objects.filter(pk=obj.pk).exists())
        self.assertEqual(self.api.delete(self.api_url(obj), HTTP_IF_MATCH=self.etag(obj)).status_code, 204)
        self.assertFalse(self.model.objects.filter(pk=obj.pk).exists())
        self.assertEqual(self.api.delete(self.api_url(self.outside), HTTP_IF_MATCH="*").status_code, 404)


def staged_uploads() -> set[str]:
    """The tokens of the import uploads kept between their steps (core.staging)."""
    from core.models import ImportUpload

    return set(ImportUpload.objects.values_list("token", flat=True))
