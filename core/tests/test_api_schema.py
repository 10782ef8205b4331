"""The OpenAPI schema of every app generates without warnings (each warning is a field the docs get wrong), and it
declares what the API answers besides success: the errors of every operation, ``If-Match`` on every change of a
record with its 412 and 428, the ETag of responses carrying one, integer filters as bounded integers.
scripts/api_fuzz.py holds the running API to it."""

import io

import pytest
import yaml
from django.core.management import call_command

CHANGES = {"put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema(django_db_blocker, tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "schema.yml"
    err = io.StringIO()
    with django_db_blocker.unblock():
        call_command("spectacular", "--fail-on-warn", "--file", str(path), stderr=err)
    return yaml.safe_load(path.read_text())


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def is_step(path, method):
    """A workflow step: POST …/{id}/<step>/ (adding an expert opinion is not a change of the grading)."""
    return method == "post" and path.rstrip("/").split("/")[-2] == "{id}" and not path.endswith("/opinions/")


def test_schema_generates_without_warnings(schema):
    assert list(schema["paths"]).count("/api/v1/security/grading/calculate/") == 1


def test_every_operation_declares_its_errors(schema):
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        assert {"401", "403"} <= set(responses), (method, path)
        if "{id}" in path or path.endswith("/bulk-delete/"):  # a bulk delete: any id unknown or out of scope
            assert "404" in responses, (method, path)
        if method != "get" or operation["operationId"].endswith("_list") and "{id}" not in path:
            assert "400" in responses, (method, path)
        for code in responses:
            if code >= "400":
                content = responses[code]["content"]["application/json"]["schema"]["$ref"]
                assert content.rsplit("/", 1)[1] in {"Error", "ValidationError"}, (method, path, code)


def test_every_change_of_a_record_needs_if_match(schema):
    steps = 0
    for path, method, operation in operations(schema):
        header = [p for p in operation.get("parameters", []) if p["in"] == "header" and p["name"] == "If-Match"]
        bulk = path.endswith("/bulk-delete/")
        needs = method in CHANGES or is_step(path, method) or bulk
        steps += is_step(path, method)
        assert bool(header) == needs, (method, path)
        if needs:
            assert header[0]["required"] is True
            assert {"412", "428"} <= set(operation["responses"]), (method, path)
            if method != "delete" and not bulk:
                assert "ETag" in operation["responses"]["200"]["headers"], (method, path)
    assert steps == 10  # seven of the grading, three of a finding


def test_integer_filters_are_bounded_integers(schema):
    parameters = schema["paths"]["/api/v1/inventory/systems/"]["get"]["parameters"]
    owner_unit = next(p for p in parameters if p["name"] == "owner_unit")
    assert owner_unit["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
    limit = next(p for p in parameters if p["name"] == "limit")
    assert (limit["schema"]["minimum"], limit["schema"]["maximum"]) == (1, 1000)
